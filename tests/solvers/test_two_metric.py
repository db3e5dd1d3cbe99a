"""The two-metric projection update for non-negative problems (the paper's 'TMP')."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from sparseopt.datafits import Logistic, Quadratic
from sparseopt.datasets import make_bcd_paper_problem
from sparseopt.penalties import L1
from sparseopt.reference import lasso_reference
from sparseopt.solvers import BlockCoordinateDescent, bcd_solve
from sparseopt.utils import duality_gap


def _data(seed=0, n=60, p=40):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) + 0.5 * rng.standard_normal((n, 1))
    w = np.zeros(p)
    w[:5] = [2.0, 1.0, 0.5, -1.0, 3.0]
    return X, X @ w + 0.1 * rng.standard_normal(n)


@pytest.mark.parametrize("selection, partition, block_size", [
    ("cyclic", "fixed", 4), ("gsl", "variable", 5), ("gsq", "variable", 5),
    ("random", "sorted", 3), ("cyclic", "fixed", 1)])
def test_least_squares_reaches_the_cvxpy_optimum(selection, partition, block_size):
    pytest.importorskip("cvxpy")
    X, y = _data()
    alpha = 0.05
    w, res = BlockCoordinateDescent(selection, partition, block_size, "two_metric",
                                    tol=1e-12, random_state=0).solve(
        Quadratic(), L1(alpha, positive=True), X, y)
    ref, _, obj = lasso_reference(X, y, alpha, positive=True)
    assert res.converged and np.all(w >= 0)
    np.testing.assert_allclose(w, ref, atol=1e-5)
    ours = Quadratic().value(y, X @ w) + alpha * w.sum()
    assert ours <= obj + 1e-9 * abs(obj)


def test_logistic_with_nonnegative_weights_matches_newton_updates():
    X, y = _data(seed=1)
    yb = np.where(y > np.median(y), 1.0, -1.0)
    pen = L1(0.01, positive=True)
    w_tmp, res = BlockCoordinateDescent("gsl", "variable", 4, "two_metric", tol=1e-10).solve(
        Logistic(), pen, X, yb)
    w_nt, _ = BlockCoordinateDescent("gsl", "variable", 4, "newton", tol=1e-10).solve(
        Logistic(), pen, X, yb)
    assert res.converged and np.all(w_tmp >= 0)
    np.testing.assert_allclose(w_tmp, w_nt, atol=1e-5)
    assert duality_gap(Logistic(), pen, X, yb, w_tmp) <= 1e-9


def test_superlinear_after_active_set_identification_on_a_l1():
    """Reduced A_l1: two-metric updates need far fewer block updates than 1/L_b steps."""
    P = make_bcd_paper_problem("A_l1", n_samples=200, n_features=1000)
    pen = L1(P.alpha, positive=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        w_star, _ = bcd_solve(Quadratic(), pen, P.X, P.y, selection="cyclic", tol=1e-15,
                              max_iter=2000)
        fstar = Quadratic().value(P.y, P.X @ w_star) + pen.value(w_star)
        first = {}
        for upd in ("two_metric", "gradient"):
            w, res = bcd_solve(Quadratic(), pen, P.X, P.y, selection="gsq",
                               partition="variable", block_size=5, update=upd,
                               working_set=False, gap_freq=1, max_iter=400, tol=0.0)
            excess = P.X.shape[0] * (res.history["objective"] - fstar)
            hit = np.flatnonzero(excess <= 1e-8)
            first[upd] = int(res.history["iter"][hit[0]]) if hit.size else 10**9
    assert first["two_metric"] < first["gradient"]
    assert first["two_metric"] <= 200


def test_needs_a_nonnegative_penalty():
    X, y = _data()
    with pytest.raises(ValueError, match="positive=True"):
        BlockCoordinateDescent("cyclic", "fixed", 2, "two_metric").solve(
            Quadratic(), L1(0.1), X, y)
    with pytest.raises(ValueError, match="positive=True"):
        BlockCoordinateDescent("cyclic", "fixed", 2, "two_metric").solve(
            Quadratic(), None, X, y)
