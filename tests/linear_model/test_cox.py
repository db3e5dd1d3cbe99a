"""Cox proportional hazards (Breslow): the datafit's kernels against finite differences and a
direct evaluation, the penalised fit against cvxpy and skglm, the estimator (elastic net,
sparse input, warm start, the concordance index) and its refusals."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV

from sparseopt.datafits import Cox
from sparseopt.linear_model import CoxEstimator, GeneralizedLinearEstimator, concordance_index
from sparseopt.penalties import L1, L1L2, MCP, GroupL2
from sparseopt.solvers import BlockCoordinateDescent


def _survival(n, p, seed, ties=False, event_rate=0.7):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    beta = np.zeros(p)
    beta[:min(p, 3)] = [1.0, -0.5, 0.8][:min(p, 3)]
    times = rng.exponential(np.exp(-X @ beta))
    if ties:
        times = np.round(times, 1)
    events = (rng.random(n) < event_rate).astype(float)
    return X, np.column_stack([times, events])


def _direct_value(y, z):
    """The Breslow partial likelihood written out pair by pair (O(n^2))."""
    times, events = y[:, 0], y[:, 1]
    out = 0.0
    for i in np.flatnonzero(events):
        risk = times >= times[i]
        out += -z[i] + np.log(np.sum(np.exp(z[risk])))
    return out / len(z)


@pytest.mark.parametrize("ties", [False, True])
def test_value_gradient_and_hessian_diagonal(ties):
    X, y = _survival(40, 3, seed=1, ties=ties)
    rng = np.random.default_rng(2)
    z = rng.standard_normal(40)
    cox = Cox()
    np.testing.assert_allclose(cox.value(y, z), _direct_value(y, z), rtol=1e-12)
    eps = 1e-6
    fd = np.array([(_direct_value(y, z + eps * e) - _direct_value(y, z - eps * e)) / (2 * eps)
                   for e in np.eye(40)])
    np.testing.assert_allclose(cox.raw_grad(y, z), fd, atol=1e-8)
    g = cox.raw_grad
    fd2 = np.array([(g(y, z + eps * e)[k] - g(y, z - eps * e)[k]) / (2 * eps)
                    for k, e in enumerate(np.eye(40))])
    np.testing.assert_allclose(cox.raw_hessian(y, z), fd2, atol=1e-7)


def test_values_survive_large_predictors_and_the_line_search_difference_is_exact():
    X, y = _survival(30, 2, seed=3)
    z = np.linspace(-400, 400, 30)  # exp overflows without the shift by max z
    assert np.isfinite(Cox().value(y, z))
    from sparseopt.datafits import dispatch as D
    from sparseopt.datafits._cox import sort_by_time

    order, starts = sort_by_time(y[:, 0])
    ev, zs = np.ascontiguousarray(y[order, 1]), np.ascontiguousarray(z[order] / 100)
    v = np.random.default_rng(0).standard_normal(30)
    t = 1e-9
    diff = D.diff_sum(D.COX, starts, ev, zs, v, t) / 30
    # first order: t f'(z)^T v, which a difference of two values could not resolve here
    grad = np.empty(30)
    D.grad_fill(D.COX, starts, ev, zs, grad)
    np.testing.assert_allclose(diff, t * (grad / 30) @ v, rtol=1e-6)


def _cvxpy_cox(X, y, alpha, l1_ratio):
    cp = pytest.importorskip("cvxpy")
    n, p = X.shape
    order = np.argsort(y[:, 0], kind="stable")
    t, ev, Xs = y[order, 0], y[order, 1], X[order]
    w = cp.Variable(p)
    z = Xs @ w
    starts = np.flatnonzero(np.r_[True, t[1:] != t[:-1]])
    terms = [-ev @ z]
    for k, b in enumerate(starts):
        e = starts[k + 1] if k + 1 < len(starts) else n
        if ev[b:e].sum() > 0:
            terms.append(ev[b:e].sum() * cp.log_sum_exp(z[b:]))
    obj = (sum(terms) / n + alpha * l1_ratio * cp.norm1(w)
           + 0.5 * alpha * (1 - l1_ratio) * cp.sum_squares(w))
    prob = cp.Problem(cp.Minimize(obj))
    prob.solve(solver="CLARABEL", tol_gap_abs=1e-12, tol_gap_rel=1e-12)
    return prob.value, w.value


@pytest.mark.parametrize("n, p, ties, l1_ratio, sparse", [
    (60, 10, False, 1.0, False),
    (150, 40, True, 1.0, True),
    (100, 200, True, 0.5, False),
])
def test_penalised_fit_matches_cvxpy(n, p, ties, l1_ratio, sparse):
    X, y = _survival(n, p, seed=n, ties=ties)
    amax = np.max(np.abs(X.T @ Cox().raw_grad(y, np.zeros(n))))
    alpha = amax / 5
    pen = L1(alpha) if l1_ratio == 1.0 else L1L2(alpha, l1_ratio)
    design = sp.csc_matrix(X) if sparse else X
    # the Newton model uses the Hessian's diagonal: linear convergence with many active
    # features (about 120 outer iterations to 1e-10 on the third case)
    w, res = BlockCoordinateDescent("cyclic", update="newton", tol=1e-10, max_iter=500).solve(
        Cox(), pen, design, y)
    assert res.converged and np.isinf(res.dual_gap)  # the fixed-point criterion
    ref, w_ref = _cvxpy_cox(X, y, alpha, l1_ratio)
    ours = Cox().value(y, X @ w) + pen.value(w)
    np.testing.assert_allclose(ours, ref, rtol=1e-8)
    np.testing.assert_allclose(w, w_ref, atol=1e-5)


def test_against_skglm_breslow():
    skglm = pytest.importorskip("skglm")
    from skglm.datafits import Cox as SkCox
    from skglm.penalties import L1 as SkL1
    from skglm.solvers import ProxNewton

    X, y = _survival(200, 30, seed=5, ties=True)
    alpha = np.max(np.abs(X.T @ Cox().raw_grad(y, np.zeros(200)))) / 10
    ours = CoxEstimator(alpha=alpha, l1_ratio=1.0, tol=1e-10).fit(X, y).coef_
    X = np.asfortranarray(X)
    df = SkCox(use_efron=False)
    df.initialize(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # numba's performance notes on skglm's kernels
        sk = ProxNewton(tol=1e-10, fit_intercept=False).solve(X, y, df, SkL1(alpha))[0]
    obj = [Cox().value(y, X @ c) + L1(alpha).value(c) for c in (ours, sk)]
    assert obj[0] <= obj[1] * (1 + 1e-9)
    np.testing.assert_allclose(ours, sk, atol=1e-5)
    assert skglm is not None


def test_estimator_api_warm_start_and_grid_search():
    X, y = _survival(200, 8, seed=0)
    est = CoxEstimator(alpha=0.05)
    assert est.fit(X, y) is est and est.coef_.shape == (8,)
    assert np.flatnonzero(est.coef_)[:3].tolist() == [0, 1, 2]
    risk = est.predict(X)
    np.testing.assert_allclose(risk, X @ est.coef_)
    assert est.score(X, y) == concordance_index(y, risk) > 0.7
    warm = clone(est).set_params(warm_start=True, tol=1e-10).fit(X, y)
    n_cold = warm.n_iter_
    warm.fit(X, y)
    assert warm.n_iter_ == 1 < n_cold
    gs = GridSearchCV(CoxEstimator(), {"alpha": [0.01, 0.5]}, cv=3).fit(X, y)
    assert gs.best_params_["alpha"] == 0.01


def test_concordance_index_closed_forms():
    y = np.array([[1.0, 1], [2.0, 1], [3.0, 0], [3.0, 1]])
    assert concordance_index(y, [4.0, 3.0, 2.0, 1.0]) == 1.0
    assert concordance_index(y, [1.0, 2.0, 3.0, 4.0]) == 0.0
    assert concordance_index(y, np.zeros(4)) == 0.5
    # pairs (0,1), (0,2), (0,3), (1,2), (1,3); the tied times 3, 3 are not comparable
    assert concordance_index(y, [4.0, 1.0, 2.0, 0.0]) == pytest.approx(4 / 5)
    assert np.isnan(concordance_index(np.array([[1.0, 0], [2.0, 0]]), [1.0, 2.0]))


@pytest.mark.parametrize("y, match", [
    (np.ones((20, 3)), "shape"),
    (np.column_stack([np.ones(20), np.full(20, 2.0)]), "0 or 1"),
    (np.column_stack([np.r_[np.nan, np.ones(19)], np.ones(20)]), "NaN|finite"),
])
def test_bad_survival_targets_are_refused(y, match):
    X = np.random.default_rng(0).standard_normal((20, 3))
    with pytest.raises(ValueError, match=match):
        CoxEstimator().fit(X, y)


def test_refusals_name_the_parameter_or_the_pair():
    X, y = _survival(30, 3, seed=0)
    with pytest.raises(ValueError, match="l1_ratio"):
        CoxEstimator(l1_ratio=1.5).fit(X, y)
    with pytest.raises(ValueError, match="alpha"):
        CoxEstimator(alpha=-1.0).fit(X, y)
    with pytest.raises(ValueError, match="no intercept"):
        BlockCoordinateDescent("cyclic", update="newton").solve(Cox(), L1(0.1), X, y,
                                                                fit_intercept=True)
    with pytest.raises(ValueError, match="update='newton'"):
        BlockCoordinateDescent("cyclic").solve(Cox(), L1(0.1), X, y)
    with pytest.raises(ValueError, match="Cox with penalty GroupL2"):
        GeneralizedLinearEstimator(Cox(), GroupL2(0.1, groups=3)).fit(X, y)


def test_nonconvex_penalty_on_cox():
    X, y = _survival(120, 20, seed=4)
    alpha = np.max(np.abs(X.T @ Cox().raw_grad(y, np.zeros(120)))) / 5
    w, res = BlockCoordinateDescent("cyclic", update="newton", tol=1e-10).solve(
        Cox(), MCP(alpha, 3.0), X, y)
    assert res.converged and len(res.start_objectives) == 2
    g = X.T @ Cox().raw_grad(y, X @ w)
    support = w != 0
    # stationarity on the support: g_j + MCP'(w_j) = 0
    mcp_slope = np.sign(w) * np.maximum(alpha - np.abs(w) / 3.0, 0.0)
    np.testing.assert_allclose(g[support] + mcp_slope[support], 0.0, atol=1e-6)
    assert np.all(np.abs(g[~support]) <= alpha * (1 + 1e-6))


def test_one_dimensional_targets_are_times_that_are_all_events():
    X, y = _survival(50, 4, seed=6)
    all_events = np.column_stack([y[:, 0], np.ones(50)])
    z = X @ np.array([0.3, -0.2, 0.1, 0.0])
    assert Cox().value(y[:, 0], z) == Cox().value(all_events, z)
    a = CoxEstimator(alpha=0.05, tol=1e-10).fit(X, y[:, 0]).coef_
    b = CoxEstimator(alpha=0.05, tol=1e-10).fit(X, all_events).coef_
    np.testing.assert_array_equal(a, b)


def test_generalized_linear_estimator_takes_cox_pairs():
    X, y = _survival(150, 8, seed=7)
    gle = GeneralizedLinearEstimator(Cox(), L1(0.05)).fit(X, y)
    est = CoxEstimator(0.05, l1_ratio=1.0).fit(X, y)
    np.testing.assert_allclose(gle.coef_, est.coef_, atol=1e-12)
    mcp = GeneralizedLinearEstimator(Cox(), MCP(0.05, 3.0)).fit(X, y)
    assert mcp.solver_result_.converged and np.count_nonzero(mcp.coef_) > 0
