import numpy as np
import pytest

from sparseopt.operators import KroneckerOperator


def _factors(rng, shapes, complex_):
    out = []
    for m, n in shapes:
        f = rng.standard_normal((m, n))
        if complex_:
            f = f + 1j * rng.standard_normal((m, n))
        out.append(f)
    return out


@pytest.mark.parametrize("complex_", [False, True])
@pytest.mark.parametrize("shapes", [[(3, 4)], [(2, 3), (4, 5)], [(2, 3), (3, 2), (2, 4)]])
def test_matches_np_kron_and_adjoint(shapes, complex_):
    rng = np.random.default_rng(0)
    op = KroneckerOperator(_factors(rng, shapes, complex_))
    H = op.toarray()
    assert H.shape == op.shape
    x = rng.standard_normal(op.shape[1]) + (1j * rng.standard_normal(op.shape[1]) if complex_
                                            else 0)
    y = rng.standard_normal(op.shape[0]) + (1j * rng.standard_normal(op.shape[0]) if complex_
                                            else 0)
    np.testing.assert_allclose(op @ x, H @ x, atol=1e-12)
    np.testing.assert_allclose(op.rmatvec(y), H.conj().T @ y, atol=1e-12)
    np.testing.assert_allclose(np.vdot(y, op @ x), np.vdot(op.rmatvec(y), x), atol=1e-10)
    X2 = rng.standard_normal((op.shape[1], 3))
    np.testing.assert_allclose(op @ X2, H @ X2, atol=1e-12)
    np.testing.assert_allclose(op.H.toarray(), H.conj().T, atol=1e-14)
    lo = op.aslinearoperator()
    np.testing.assert_allclose(lo.matvec(x), H @ x, atol=1e-12)


def test_take_columns_and_errors():
    rng = np.random.default_rng(1)
    op = KroneckerOperator(_factors(rng, [(2, 4), (3, 5)], False))
    sub = op.take_columns([[0, 2], [1, 3, 4]])
    cols = (np.array([0, 2])[:, None] * 5 + np.array([1, 3, 4])[None, :]).ravel()
    np.testing.assert_allclose(sub.toarray(), op.toarray()[:, cols])
    with pytest.raises(ValueError, match="rows"):
        op @ np.ones(3)
    with pytest.raises(ValueError, match="factors"):
        KroneckerOperator([np.ones(3)])
    with pytest.raises(ValueError, match="NaN"):
        KroneckerOperator([np.array([[np.nan]])])
