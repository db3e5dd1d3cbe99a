"""Acceptance cross-checks of the GLM catalogue against skglm, scikit-learn and cvxpy on
random problems: parameter meanings equal the peers', objectives computed with one formula."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp

from sparseopt.datafits import Huber, Quadratic
from sparseopt.linear_model import GeneralizedLinearEstimator
from sparseopt.penalties import MCP, GroupMCP
from sparseopt.solvers import BlockCoordinateDescent


def _problem(seed, n, p):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * 2 / np.sqrt(p)
    beta = np.zeros(p)
    beta[:3] = [1.0, -1.5, 0.8][:p]
    return X, X @ beta + 0.3 * rng.standard_normal(n), rng


def _mcp(v, alpha, gamma):
    """MCP of magnitudes ``v`` (closed form)."""
    v = np.abs(v)
    return np.where(v <= gamma * alpha, alpha * v - v * v / (2 * gamma), gamma * alpha**2 / 2)


# ------------------------------------------------------------------ weighted MCP
def test_weighted_mcp_is_weights_times_mcp():
    rng = np.random.default_rng(3)
    w, weights = 2 * rng.standard_normal(20), rng.uniform(0, 3, 20)
    weights[4] = 0.0
    pen = MCP(0.6, 2.5, weights=weights)
    assert pen.value(w) == pytest.approx(weights @ _mcp(w, 0.6, 2.5), rel=1e-14)


@pytest.mark.parametrize("step", [0.3, 1.0, 4.0])
def test_weighted_mcp_prox_minimises_the_weighted_penalty(step):
    weights = np.array([0.0, 0.2, 1.0, 2.5, 6.0])
    pen = MCP(0.6, 2.5, weights=weights)
    grid = np.linspace(-6, 6, 48001)
    for x in np.linspace(-4, 4, 33):
        u = pen.prox(np.full(5, x), step)
        for j in range(5):
            h = (grid - x) ** 2 / (2 * step) + weights[j] * _mcp(grid, 0.6, 2.5)
            hu = (u[j] - x) ** 2 / (2 * step) + weights[j] * _mcp(u[j], 0.6, 2.5)
            assert hu <= h.min() + 1e-9


def test_weighted_mcp_equals_skglm_weighted_mcpenalty():
    pytest.importorskip("skglm")
    from skglm.penalties import WeightedMCPenalty

    X, y, rng = _problem(0, 60, 15)
    weights = rng.uniform(0.3, 2.0, 15)
    weights[5] = 0.0
    sk_pen = WeightedMCPenalty(0.05, 3.0, weights)
    ours_pen = MCP(0.05, 3.0, weights=weights)
    w = rng.standard_normal(15)
    assert ours_pen.value(w) == pytest.approx(sk_pen.value(w), rel=1e-14)
    for j in range(15):  # skglm's closed form holds for step * weight < gamma
        assert ours_pen.prox(np.full(15, 0.7), 0.5)[j] == pytest.approx(
            sk_pen.prox_1d(0.7, 0.5, j), abs=1e-14)


@pytest.mark.slow
def test_weighted_mcp_fit_no_worse_than_skglm_weighted_mcpenalty():
    skglm = pytest.importorskip("skglm")
    from skglm.datafits import Quadratic as SkQuadratic
    from skglm.penalties import WeightedMCPenalty
    from skglm.solvers import AndersonCD

    X, y, rng = _problem(0, 60, 15)
    weights = rng.uniform(0.3, 2.0, 15)
    weights[5] = 0.0
    sk_pen = WeightedMCPenalty(0.05, 3.0, weights)
    ours_pen = MCP(0.05, 3.0, weights=weights)
    ours = GeneralizedLinearEstimator(Quadratic(), ours_pen, BlockCoordinateDescent(
        "cyclic", tol=1e-12)).fit(X, y)
    theirs = skglm.GeneralizedLinearEstimator(SkQuadratic(), sk_pen, AndersonCD(
        tol=1e-12, fit_intercept=False)).fit(X, y)
    # the objective with skglm's own penalty value: the same model
    obj = [np.mean((y - X @ c) ** 2) / 2 + sk_pen.value(c) for c in (ours.coef_, theirs.coef_)]
    assert obj[0] <= obj[1] + 1e-10 * abs(obj[1])


def test_weighted_group_mcp_is_weights_times_mcp_of_norms_and_fixed_point():
    X, y, _ = _problem(1, 60, 12)
    gw = np.array([1.0, 0.0, 2.0, 0.5])
    pen = GroupMCP(0.1, 2.5, groups=3, weights=gw)
    x = np.arange(12.0) / 7 - 0.8
    norms = np.linalg.norm(x.reshape(4, 3), axis=1)
    assert pen.value(x) == pytest.approx(gw @ _mcp(norms, 0.1, 2.5), rel=1e-14)
    w, res = BlockCoordinateDescent("cyclic", tol=1e-12).solve(Quadratic(), pen, X, y)
    assert res.converged
    g = X.T @ (X @ w - y) / 60
    # stationarity of each active group: g_G + w_G psi'(||w_G||) w_G / ||w_G|| = 0
    for k in np.flatnonzero(np.linalg.norm(w.reshape(4, 3), axis=1) > 0):
        wk, gk = w[3 * k:3 * k + 3], g[3 * k:3 * k + 3]
        r = np.linalg.norm(wk)
        slope = gw[k] * max(0.1 - r / 2.5, 0.0)
        assert np.linalg.norm(gk + slope * wk / r) <= 1e-7
    # the unpenalised group is a least-squares block
    assert np.linalg.norm(g[3:6]) <= 1e-7


@pytest.mark.parametrize("datafit", [Quadratic(), Huber(0.5)], ids=["quadratic", "huber"])
def test_weighted_mcp_fixed_point_sparse_and_intercept(datafit):
    X, y, rng = _problem(2, 50, 10)
    weights = rng.uniform(0.2, 2.0, 10)
    weights[1] = 0.0
    pen = MCP(0.08, 2.0, weights=weights)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        est = GeneralizedLinearEstimator(datafit, pen, BlockCoordinateDescent(
            "cyclic", tol=1e-12), fit_intercept=True).fit(sp.csc_matrix(X), y)
    w = est.coef_
    g = X.T @ datafit.raw_grad(y, X @ w + est.intercept_)
    assert abs(float(np.sum(datafit.raw_grad(y, X @ w + est.intercept_)))) <= 1e-9
    slope = np.sign(w) * weights * np.maximum(0.08 - np.abs(w) / 2.0, 0.0)
    nz = w != 0
    np.testing.assert_allclose((g + slope)[nz], 0.0, atol=1e-8)
    assert np.all(np.abs(g[~nz]) <= 0.08 * weights[~nz] + 1e-9)


# ------------------------------------------------------------------ convergence warnings
def test_convergence_warning_names_the_budget_that_ran_out():
    from sklearn.exceptions import ConvergenceWarning

    from sparseopt.linear_model import GroupLasso

    X, y, _ = _problem(3, 40, 12)
    # the inner epochs run out long before max_iter: more max_iter would not help
    est = GroupLasso(3, 1e-4, tol=1e-15, max_iter=1000,
                     solver=BlockCoordinateDescent("cyclic", max_epochs=3))
    with pytest.warns(ConvergenceWarning, match=r"max_iter=1000.*tol=.*increase max_epochs"):
        est.fit(X, y)
    # the outer iterations run out: the usual advice
    with pytest.warns(ConvergenceWarning, match=r"max_iter=1 .*Increase max_iter or tol"):
        GroupLasso(3, 1e-4, tol=1e-15, max_iter=1).fit(X, y)


# ------------------------------------------------------------------ peers, randomised
def _enet_objective(X, y, w, b, alpha, l1_ratio, sw):
    """scikit-learn's weighted elastic-net objective."""
    r = y - X @ w - b
    return (sw @ (r * r) / (2 * sw.sum()) + alpha * l1_ratio * np.abs(w).sum()
            + 0.5 * alpha * (1 - l1_ratio) * (w @ w))


def _enet_case(seed, n, p, fmt, l1_ratio, positive, fit_intercept, sw_kind, scale):
    from sklearn.linear_model import ElasticNet as SkElasticNet

    from sparseopt.linear_model import ElasticNet

    X, y, rng = _problem(seed, n, p)
    sw = {"int": rng.integers(0, 4, n).astype(float) + (np.arange(n) == 0),
          "float": rng.uniform(0.1, 3.0, n), "none": None}[sw_kind]
    alpha = scale * np.max(np.abs(X.T @ (y - y.mean()))) / n / max(l1_ratio, 0.01)
    Xf = {"dense": X, "csr": sp.csr_matrix(X), "csc": sp.csc_matrix(X)}[fmt]
    kw = dict(l1_ratio=l1_ratio, positive=positive, fit_intercept=fit_intercept)
    ours = ElasticNet(alpha, tol=1e-12, max_iter=5000, **kw).fit(Xf, y, sample_weight=sw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = SkElasticNet(alpha=alpha, tol=1e-14, max_iter=100_000, **kw).fit(
            Xf, y, sample_weight=sw)
    s = np.ones(n) if sw is None else sw
    obj = [_enet_objective(X, y, m.coef_, m.intercept_, alpha, l1_ratio, s)
           for m in (ours, theirs)]
    assert obj[0] <= obj[1] * (1 + 1e-8)


@pytest.mark.parametrize("case", [(0, 40, 15, "csr", 0.3, True, True, "float", 0.3),
                                  (1, 20, 40, "csc", 1.0, False, False, "int", 0.05),
                                  (2, 30, 1, "dense", 0.0, False, True, "int", 0.5)])
def test_elastic_net_matches_sklearn_weighted(case):
    _enet_case(*case)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(4))
def test_elastic_net_matches_sklearn_sweep(seed):
    rng = np.random.default_rng(seed)
    for n, p in [(40, 15), (20, 40), (30, 1)]:
        for fmt in ("dense", "csr", "csc"):
            _enet_case(seed, n, p, fmt, float(rng.choice([0.0, 0.2, 0.5, 1.0])),
                       bool(rng.random() < 0.3), bool(rng.integers(2)),
                       ["none", "int", "float"][rng.integers(3)],
                       float(rng.choice([0.95, 0.3, 0.01])))


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("shape", [(50, 10), (20, 40), (30, 1)])
def test_nonconvex_no_worse_than_skglm_sweep(seed, shape):
    skglm = pytest.importorskip("skglm")
    from skglm import datafits as SD
    from skglm import penalties as SP
    from skglm.solvers import AndersonCD

    from sparseopt.penalties import L05, L23, SCAD, LogSum

    n, p = shape
    X, y, rng = _problem(seed, n, p)
    a = 0.1 * np.max(np.abs(X.T @ y)) / n
    pairs = [(SCAD(a, 3.7), SP.SCAD(a, 3.7)), (L05(a), SP.L0_5(a)), (L23(a), SP.L2_3(a)),
             (LogSum(a, 0.5), SP.LogSumPenalty(a, 0.5)),
             (MCP(a, 3.0, weights=rng.uniform(0.5, 2, p)), None)]
    for ours_pen, sk_pen in pairs:
        if sk_pen is None:
            sk_pen = SP.WeightedMCPenalty(a, 3.0, np.asarray(ours_pen.weights))
        for dfs in [(Huber(0.5), SD.Huber(0.5))] + ([(Quadratic(), SD.Quadratic())]
                                                    if n > p else []):
            ours = GeneralizedLinearEstimator(dfs[0], ours_pen, BlockCoordinateDescent(
                "cyclic", tol=1e-12)).fit(X, y)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                theirs = skglm.GeneralizedLinearEstimator(dfs[1], sk_pen, AndersonCD(
                    tol=1e-12, fit_intercept=False)).fit(X, y)
            obj = [dfs[0].value(y, X @ c) + sk_pen.value(c) for c in (ours.coef_,
                                                                      theirs.coef_)]
            if n > p:
                assert obj[0] <= obj[1] + 1e-9 * abs(obj[1])
            else:  # n < p: many stationary points, each solver may stop at another one
                g = X.T @ dfs[0].raw_grad(y, X @ ours.coef_)
                nz = ours.coef_ != 0
                assert np.max(ours_pen.subdiff_distance(ours.coef_, g)[nz], initial=0) < 1e-7
