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


def _vec(rng, shape, complex_):
    v = rng.standard_normal(shape)
    return v + 1j * rng.standard_normal(shape) if complex_ else v


@pytest.mark.parametrize("complex_", [False, True])
@pytest.mark.parametrize("shapes", [[(3, 4)], [(4, 2), (3, 5)], [(2, 3), (3, 2), (2, 4)]])
def test_two_dimensional_inputs_and_adjoint_against_np_kron(shapes, complex_):
    """matvec, rmatvec and @ on (N, k) / (M, k) inputs, complex operands with real
    or complex right-hand sides, against the np.kron chain built here; <Hx, u> = <x, H^H u>."""
    rng = np.random.default_rng(2)
    factors = _factors(rng, shapes, complex_)
    H = factors[0]
    for f in factors[1:]:
        H = np.kron(H, f)
    op = KroneckerOperator(factors)
    assert op.shape == H.shape and op.factor_shapes == [tuple(s) for s in shapes]
    for rhs_complex in (False, True):
        V = _vec(rng, (H.shape[1], 3), rhs_complex)
        U = _vec(rng, (H.shape[0], 4), rhs_complex)
        np.testing.assert_allclose(op @ V, H @ V, atol=1e-12 * np.abs(H @ V).max())
        np.testing.assert_allclose(op.matvec(V), H @ V, atol=1e-12 * np.abs(H @ V).max())
        np.testing.assert_allclose(op.rmatvec(U), H.conj().T @ U, atol=1e-12 * np.abs(U).max()
                                   * np.abs(H).max() * H.shape[0])
        np.testing.assert_allclose(op.H @ U, H.conj().T @ U, atol=1e-12 * np.abs(U).max()
                                   * np.abs(H).max() * H.shape[0])
        # columns of a 2-D product are the 1-D products
        np.testing.assert_allclose((op @ V)[:, 1], op @ V[:, 1], atol=1e-13 * np.abs(H @ V).max())
        x, u = V[:, 0], U[:, 0]
        assert np.vdot(u, op @ x) == pytest.approx(np.vdot(op.rmatvec(u), x), rel=1e-11)
    assert op.dtype == (np.complex128 if complex_ else np.float64)


@pytest.mark.parametrize("complex_", [False, True])
def test_take_columns_three_factors_against_dense_selection(complex_):
    rng = np.random.default_rng(3)
    shapes = [(2, 5), (3, 4), (2, 6)]
    op = KroneckerOperator(_factors(rng, shapes, complex_))
    keep = [np.array([4, 0, 2]), np.array([3]), np.array([1, 5])]
    sub = op.take_columns(keep)
    cols = np.ravel_multi_index(np.ix_(*keep), [5, 4, 6]).ravel()
    np.testing.assert_array_equal(sub.toarray(), op.toarray()[:, cols])
    assert sub.shape == (12, 6)
    x = _vec(rng, 6, complex_)
    np.testing.assert_allclose(sub @ x, op.toarray()[:, cols] @ x, atol=1e-12)
    full = np.zeros(op.shape[1], dtype=x.dtype)
    full[cols] = x
    np.testing.assert_allclose(sub @ x, op @ full, atol=1e-12)


def test_toarray_refuses_huge_matrices():
    op = KroneckerOperator([np.ones((100, 1000)), np.ones((100, 1000))])  # 1e10 entries
    with pytest.raises(ValueError, match="1e8"):
        op.toarray()
