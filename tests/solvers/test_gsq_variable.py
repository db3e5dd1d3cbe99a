"""GSQ with variable blocks: greedy forward selection on the quadratic model."""

import itertools
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from sparseopt.datafits import Quadratic
from sparseopt.datasets import make_bcd_paper_problem
from sparseopt.solvers import bcd_solve


def _decrease(H, g, block):
    b = np.asarray(block)
    return 0.5 * g[b] @ np.linalg.solve(H[np.ix_(b, b)], g[b])


def test_first_block_beats_the_top_gsl_scores_on_a_correlated_design():
    """On correlated columns the greedy block's exact decrease g_b^T H_b^-1 g_b / 2 is at
    least GS-L's top-tau block's, and close to the brute-force optimum."""
    rng = np.random.default_rng(0)
    n, p, tau = 60, 12, 3
    common = rng.standard_normal((n, 1))
    X = rng.standard_normal((n, p)) + 2.0 * common  # strongly correlated columns
    y = X[:, :4] @ np.array([1.0, -1.0, 2.0, 0.5]) + 0.1 * rng.standard_normal(n)
    H = X.T @ X / n
    g = -X.T @ y / n
    L = np.diag(H)
    gsl_block = np.argsort(-(g**2) / L)[:tau]
    best = max(_decrease(H, g, b) for b in itertools.combinations(range(p), tau))
    # one block update of GSQ-VB with the exact (matrix) update from w = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        w, _ = bcd_solve(Quadratic(), None, X, y, selection="gsq", partition="variable",
                         block_size=tau, update="matrix", working_set=False, max_iter=1,
                         tol=0.0)
    block = np.flatnonzero(w)
    assert len(block) == tau
    ours = _decrease(H, g, block)
    assert ours >= _decrease(H, g, gsl_block) - 1e-12
    assert ours >= 0.9 * best


def test_gsq_variable_blocks_converge_faster_than_gsl_on_dataset_a():
    A = make_bcd_paper_problem("A", n_samples=300, n_features=2000)
    obj = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for sel in ("gsl", "gsq"):
            _, res = bcd_solve(Quadratic(), None, A.X, A.y, selection=sel,
                               partition="variable", block_size=5, update="matrix",
                               working_set=False, gap_freq=300, max_iter=300, tol=0.0)
            obj[sel] = res.history["objective"][-1]
    assert obj["gsq"] < 0.1 * obj["gsl"]


@pytest.mark.parametrize("positive", [False, True])
def test_gsq_variable_blocks_with_l1_reach_the_lasso_optimum(positive):
    from sparseopt.linear_model import Lasso
    from sparseopt.penalties import L1
    from sparseopt.solvers import BlockCoordinateDescent

    rng = np.random.default_rng(1)
    X = rng.standard_normal((50, 30)) + rng.standard_normal((50, 1))
    y = X[:, :3] @ np.array([1.0, 2.0, -1.5]) + 0.1 * rng.standard_normal(50)
    ref = Lasso(alpha=0.05, fit_intercept=False, positive=positive, tol=1e-12).fit(X, y)
    w, res = BlockCoordinateDescent("gsq", "variable", 4, "matrix", tol=1e-10).solve(
        Quadratic(), L1(0.05, positive=positive), X, y)
    assert res.converged
    np.testing.assert_allclose(w, ref.coef_, atol=1e-6)
