"""Row-block multinomial solver: working sets and Anderson extrapolation change the path, not
the solution, and cut the number of epochs."""

import numpy as np
import pytest

from sparseopt.solvers._multinomial import multinomial_bcd, multinomial_gap


@pytest.fixture(scope="module")
def problem():
    rng = np.random.default_rng(0)
    n, p, K = 150, 40, 4
    X = rng.standard_normal((n, p)) + 0.5 * rng.standard_normal((n, 1))  # correlated
    W = np.zeros((p, K))
    W[:5] = rng.standard_normal((5, K))
    y = np.argmax(X @ W + 0.5 * rng.standard_normal((n, K)), axis=1)
    Y = np.eye(K)[y]
    amax = np.max(np.linalg.norm(X.T @ (Y - Y.mean(0)), axis=1)) / n
    return X, Y, amax / 20


@pytest.mark.parametrize("working_set", [False, True])
@pytest.mark.parametrize("anderson", [0, 5])
def test_variants_reach_the_same_certified_optimum(problem, working_set, anderson):
    X, Y, alpha = problem
    W, b, info = multinomial_bcd(X, Y, alpha, tol=1e-10, max_iter=500,
                                 working_set=working_set, anderson=anderson)
    assert info["converged"]
    ref, _, _ = multinomial_bcd(X, Y, alpha, tol=1e-12, max_iter=2000, working_set=False,
                                anderson=0, max_epochs=10**6)
    np.testing.assert_allclose(W, ref, atol=1e-5)
    gap, _ = multinomial_gap(X, Y, X @ W + b, W, alpha)
    assert gap <= 1e-10 * np.log(Y.shape[1]) * 10


def test_anderson_and_working_sets_cut_epochs(problem):
    X, Y, alpha = problem
    plain = multinomial_bcd(X, Y, alpha, tol=1e-8, working_set=False, anderson=0,
                            max_iter=1000)[2]
    fast = multinomial_bcd(X, Y, alpha, tol=1e-8, max_iter=1000)[2]
    assert plain["converged"] and fast["converged"]
    assert fast["n_epochs"] * 2 <= plain["n_epochs"]
    assert np.all(fast["history"]["ws_size"][:-1] <= X.shape[1])


def test_epochs_never_increase_the_objective_dense_and_sparse(problem):
    """One epoch minimises Bohning's majoriser row by row: the objective never increases, and
    a sparse design gives the same iterates as the dense one."""
    import scipy.sparse as sp

    from sparseopt.datafits import Multinomial
    from sparseopt.penalties import GroupL2
    from sparseopt.solvers._multinomial import multinomial_objective
    from sparseopt.solvers.bcd._design import prepare_design as _prepare_design
    from sparseopt.solvers.bcd._kernels_rows import row_epochs

    X, Y, alpha = problem
    n, p = X.shape
    K = Y.shape[1]
    X = X.copy()
    X[np.abs(X) < 0.7] = 0.0  # some structural zeros for the sparse design
    runs = []
    pen = GroupL2(alpha, K)
    for design in (X, sp.csc_matrix(X)):
        Xc, kx = _prepare_design(design)
        W, b = np.zeros((p, K)), np.zeros(K)
        Z = np.zeros((n, K))
        Lrow = Multinomial().row_lipschitz(Xc)
        rows = np.arange(p, dtype=np.int64)
        R = np.empty((n, K))
        objs = [multinomial_objective(X, Y, W, b, alpha)]
        for _ in range(30):
            row_epochs(kx, Y, Z, W, b, True, Lrow, pen.code, pen.kernel_params(), np.ones(p),
                       rows, 1, R)
            objs.append(multinomial_objective(X, Y, W, b, alpha))
            np.testing.assert_allclose(Z, X @ W + b, atol=1e-10)  # scores kept current
        assert np.all(np.diff(objs) <= 1e-13)
        assert objs[-1] < objs[0] - 0.1
        runs.append((W.copy(), b.copy()))
    np.testing.assert_allclose(runs[0][0], runs[1][0], atol=1e-12)
    np.testing.assert_allclose(runs[0][1], runs[1][1], atol=1e-12)
