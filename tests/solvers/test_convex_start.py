"""Nonconvex penalties: the second start from the convex surrogate's solution. The kept point
is the lower of the two runs (never worse than the single run), is a verified fixed point,
the result says which start won, warnings of the kept run reach the caller, and
``convex_start=False`` is the single run."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from sparseopt.datafits import Huber, Quadratic
from sparseopt.datasets import make_correlated_data
from sparseopt.linear_model import MCPRegression
from sparseopt.penalties import L05, L1, L23, MCP, SCAD, GroupL2, GroupMCP, LogSum, WeightedL1
from sparseopt.solvers import BlockCoordinateDescent

NONCONVEX = {
    "MCP": lambda a: MCP(a, 3.0),
    "SCAD": lambda a: SCAD(a, 3.7),
    "L05": lambda a: L05(a),
    "L23": lambda a: L23(a),
    "LogSum": lambda a: LogSum(a, 0.5),
}


def _problem(seed, n=100, p=300):
    X, y, _ = make_correlated_data(n, p, rho=0.6, snr=3, density=0.1, random_state=seed)
    X = np.asfortranarray(X)
    return X, y, np.max(np.abs(X.T @ y)) / n


def _objective(pen, X, y, w):
    return 0.5 * np.mean((y - X @ w) ** 2) + pen.value(w)


def _fixed_point_residual(pen, X, y, w):
    n = X.shape[0]
    g = X.T @ (X @ w - y) / n
    L = (X ** 2).sum(axis=0) / n
    return np.max(L * np.abs(pen.prox(w - g / L, 1 / L) - w))


@pytest.mark.parametrize("name", NONCONVEX)
@pytest.mark.parametrize("seed", [0, 1])
def test_two_starts_never_worse_than_one_and_a_fixed_point(name, seed):
    X, y, amax = _problem(seed)
    pen = NONCONVEX[name](amax / 20)
    one, res_one = BlockCoordinateDescent("cyclic", tol=1e-10, convex_start=False).solve(
        Quadratic(), pen, X, y)
    two, res_two = BlockCoordinateDescent("cyclic", tol=1e-10).solve(Quadratic(), pen, X, y)
    assert res_one.start == "given" and res_one.start_objectives == ()
    assert res_two.converged and res_two.start in ("given", "convex")
    given, convex = res_two.start_objectives
    np.testing.assert_allclose(given, _objective(pen, X, y, one), rtol=1e-12)
    kept = _objective(pen, X, y, two)
    np.testing.assert_allclose(kept, min(given, convex), rtol=1e-12)
    assert kept <= _objective(pen, X, y, one) * (1 + 1e-12)
    assert _fixed_point_residual(pen, X, y, two) <= 1e-9 * amax


def test_the_convex_start_wins_here_and_is_reported():
    """On this problem the run from zero stops at a stationary point 10% above the one
    reached from the Lasso solution."""
    X, y, amax = _problem(0)
    pen = MCP(amax / 20, 3.0)
    w, res = BlockCoordinateDescent("cyclic", tol=1e-10).solve(Quadratic(), pen, X, y)
    assert res.start == "convex"
    given, convex = res.start_objectives
    assert convex < given * (1 - 0.01)
    lasso, _ = BlockCoordinateDescent("cyclic", tol=1e-10).solve(Quadratic(), L1(amax / 20), X,
                                                                 y)
    from_lasso, _ = BlockCoordinateDescent("cyclic", tol=1e-10, convex_start=False).solve(
        Quadratic(), pen, X, y, lasso)
    np.testing.assert_allclose(w, from_lasso, atol=1e-8)


def test_estimators_use_it_by_default_and_accept_a_solver_without_it():
    X, y, amax = _problem(0)
    est = MCPRegression(amax / 20, gamma=3.0, fit_intercept=False, tol=1e-10).fit(X, y)
    single = MCPRegression(amax / 20, gamma=3.0, fit_intercept=False, tol=1e-10,
                           solver=BlockCoordinateDescent("cyclic", convex_start=False)).fit(X, y)
    pen = MCP(amax / 20, 3.0)
    assert est.solver_result_.start == "convex"
    assert _objective(pen, X, y, est.coef_) < _objective(pen, X, y, single.coef_)


def test_with_an_intercept_and_a_non_quadratic_datafit():
    X, y, amax = _problem(1, n=120, p=60)
    y = y + 3.0
    for datafit in (Quadratic(), Huber(1.0)):
        w, res = BlockCoordinateDescent("cyclic", tol=1e-10).solve(
            datafit, SCAD(amax / 10, 3.7), X, y, fit_intercept=True)
        assert res.converged and len(res.start_objectives) == 2
        z = X @ w + res.intercept
        obj = datafit.value(y, z) + SCAD(amax / 10, 3.7).value(w)
        np.testing.assert_allclose(obj, min(res.start_objectives), rtol=1e-9)


def test_surrogates():
    assert isinstance(MCP(0.3, 3.0).convex_start(), L1)
    weighted = MCP(0.3, 3.0, weights=np.array([1.0, 0.0, 2.0]), positive=True).convex_start()
    assert isinstance(weighted, WeightedL1) and weighted.positive
    np.testing.assert_array_equal(weighted.weights, [1.0, 0.0, 2.0])
    assert LogSum(0.3, 0.5).convex_start().alpha == pytest.approx(0.6)  # slope at zero
    assert SCAD(0.3).convex_start().alpha == 0.3 and L05(0.2).convex_start().alpha == 0.2
    group = GroupMCP(0.3, 3.0, groups=3).convex_start()
    assert isinstance(group, GroupL2) and group.alpha == 0.3 and group.groups == 3


def test_group_mcp_two_starts():
    X, y, amax = _problem(2, n=80, p=60)
    pen = GroupMCP(amax / 10, 3.0, groups=3)
    one, r1 = BlockCoordinateDescent("cyclic", tol=1e-10, convex_start=False).solve(
        Quadratic(), pen, X, y)
    two, r2 = BlockCoordinateDescent("cyclic", tol=1e-10).solve(Quadratic(), pen, X, y)
    assert r2.converged and len(r2.start_objectives) == 2
    assert _objective(pen, X, y, two) <= _objective(pen, X, y, one) * (1 + 1e-12)


def test_the_kept_runs_warning_reaches_the_caller_once():
    X, y, amax = _problem(0)
    solver = BlockCoordinateDescent("cyclic", tol=1e-14, max_iter=1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        solver.solve(Quadratic(), MCP(amax / 20, 3.0), X, y)
    conv = [c for c in caught if issubclass(c.category, ConvergenceWarning)]
    assert len(conv) == 1


def test_convex_start_is_validated():
    X, y, amax = _problem(0)
    with pytest.raises(TypeError, match="convex_start"):
        BlockCoordinateDescent(convex_start="yes").solve(Quadratic(), MCP(0.1), X, y)
