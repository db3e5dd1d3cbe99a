"""Each datafit's per-sample kernels (reached through the dispatch switch) against the Python
reference methods of its class."""

import numpy as np
import pytest
from scipy.special import softmax

from sparseopt.datafits import Logistic, Multinomial, Quadratic
from sparseopt.datafits import dispatch as D


@pytest.mark.parametrize("df", [Quadratic(), Logistic()], ids=repr)
def test_loss_kernels_match_the_reference_methods(df):
    rng = np.random.default_rng(0)
    n = 300
    y = np.sign(rng.standard_normal(n)) if isinstance(df, Logistic) else rng.standard_normal(n)
    z = rng.standard_normal(n) * 3
    code, p = df.code, df.kernel_params()
    per = lambda f, *a: np.array([f(code, p, *map(float, t)) for t in zip(*a, strict=True)])  # noqa: E731
    assert per(D.loss, y, z).mean() == pytest.approx(df.value(y, z), rel=1e-13)
    np.testing.assert_allclose(per(D.loss_grad, y, z) / n, df.raw_grad(y, z), rtol=1e-13,
                               atol=1e-17)
    np.testing.assert_allclose(per(D.loss_hess, y, z) / n, df.raw_hessian(y, z), rtol=1e-12,
                               atol=1e-17)
    for scale in (1e-6, 1e-2, 1.0):
        delta = rng.standard_normal(n) * scale
        exact = per(D.loss, y, z + delta) - per(D.loss, y, z)
        np.testing.assert_allclose(per(D.loss_diff, y, z, delta), exact,
                                   rtol=1e-6, atol=1e-13 * scale)
    # the dual: -(1/n) sum_i loss^*(y_i, -n theta_i) at a feasible dual point
    theta = df.dual_point(y, z) * 0.7
    dual = -per(D.loss_conjugate, y, -n * theta).mean()
    assert dual == pytest.approx(df.dual(y, theta), rel=1e-12, abs=1e-14)


def test_logistic_conjugate_is_infinite_outside_its_domain():
    assert D.loss_conjugate(Logistic.code, np.zeros(0), 1.0, 0.5) == np.inf
    assert np.isfinite(D.loss_conjugate(Logistic.code, np.zeros(0), 1.0, -0.5))


def test_softmax_row():
    Z = np.random.default_rng(1).standard_normal((5, 4)) * 50
    out = np.empty(4)
    for i in range(5):
        D.softmax_row(Z, i, out)
        np.testing.assert_allclose(out, softmax(Z[i]), rtol=1e-13)
    assert Multinomial.code == -1  # no scalar kernels: rows only


def test_codes_are_distinct_and_declared():
    assert Quadratic.code != Logistic.code
    assert Quadratic.is_least_squares and not Logistic.is_least_squares
    assert Quadratic().get_params() == {} and repr(Logistic()) == "Logistic()"


@pytest.mark.parametrize("df", [Quadratic(), Logistic()], ids=repr)
def test_block_bound_kernel_matches_the_reference(df):
    """The compiled block bounds of BCD are the datafit's ``block_bound`` (dense and CSC)."""
    import scipy.sparse as sp

    from sparseopt.solvers.bcd._design import prepare_design
    from sparseopt.solvers.bcd._kernels_block import block_bounds

    rng = np.random.default_rng(3)
    X = rng.standard_normal((40, 9)) * (rng.random((40, 9)) < 0.6)
    ws = np.arange(9, dtype=np.int64)
    ptr, pos = np.array([0, 3, 6, 9]), np.array([4, 0, 8, 1, 2, 7, 3, 5, 6])
    for design in (X, sp.csc_matrix(X)):
        _, kx = prepare_design(design)
        H = np.zeros((3, 3, 3))
        block_bounds(kx, np.zeros(40), np.zeros(40), ws, ptr, pos, df.code, df.kernel_params(),
                     df.curvature, H)
        for b in range(3):
            np.testing.assert_allclose(H[b], df.block_bound(X, pos[ptr[b]:ptr[b + 1]]),
                                       rtol=1e-13, atol=1e-15)
