"""The GLM catalogue against its peers and the promises around it: more convex pairs against
cvxpy, the models skglm and scikit-learn share with us, nonconvex runs from a common start,
sample weights as row replication for the cross-validated estimators, parameter objects, and
the nonconvex penalties' declared stopping rule."""

import inspect

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV

from sparseopt import penalties as pen_mod
from sparseopt.datafits import (
    Gamma,
    Huber,
    Logistic,
    Poisson,
    Quadratic,
    QuadraticMultiTask,
    WeightedLogistic,
    WeightedQuadratic,
)
from sparseopt.linear_model import (
    ElasticNet,
    ElasticNetCV,
    GeneralizedLinearEstimator,
    LassoCV,
    MCPRegression,
)
from sparseopt.penalties import (
    L05,
    L1,
    L1L2,
    L23,
    MCP,
    SCAD,
    Box,
    GroupL2,
    LogSum,
    WeightedL1,
)
from sparseopt.solvers import BlockCoordinateDescent

from ._catalogue_data import PEN_W, SW, X, Y
from ._catalogue_data import objective as _objective
from ._catalogue_data import solver as _solver

N, D = X.shape


# ------------------------------------------------------------------ more convex pairs
MORE_CONVEX = [
    ("poisson", Poisson(), L1L2(0.03, 0.5)),
    ("gamma", Gamma(), WeightedL1(0.03, PEN_W + 0.1)),
    ("logistic", Logistic(), WeightedL1(0.02, PEN_W + 0.1)),
    ("logistic", Logistic(), GroupL2(0.02, groups=5)),
    ("huber", Huber(0.5), GroupL2(0.03, groups=5, weights="sqrt_size")),
    ("huber", Huber(0.5), Box(-0.2, 0.5)),
    ("quadratic", WeightedQuadratic(SW), GroupL2(0.03, groups=5)),
    ("logistic", WeightedLogistic(SW + 0.5), L1L2(0.02, 0.7)),
]


@pytest.mark.parametrize("fit_intercept", [False, True])
@pytest.mark.parametrize("case", MORE_CONVEX, ids=lambda c: f"{c[0]}-{type(c[1]).__name__}-"
                                                             f"{type(c[2]).__name__}")
def test_more_convex_pairs_match_cvxpy(case, fit_intercept):
    pytest.importorskip("cvxpy")
    from sparseopt.reference import glm_reference

    name, datafit, penalty = case
    y = Y[name]
    w, res = _solver(datafit, penalty).solve(datafit, penalty, X, y,
                                             fit_intercept=fit_intercept)
    assert res.converged
    _, _, ref = glm_reference(datafit, penalty, X, y, fit_intercept=fit_intercept)
    ours = _objective(datafit, penalty, X, y, w, res.intercept)
    assert abs(ours - ref) <= 1e-8 * abs(ref), (ours, ref)


# ------------------------------------------------------------------ scikit-learn and skglm
@pytest.mark.parametrize("fit_intercept", [False, True])
def test_elastic_net_sample_weight_matches_sklearn(fit_intercept):
    from sklearn.linear_model import ElasticNet as SkElasticNet

    y = Y["quadratic"]
    ours = ElasticNet(0.03, l1_ratio=0.4, fit_intercept=fit_intercept, tol=1e-14)
    ours.fit(X, y, sample_weight=SW + 0.5)
    sk = SkElasticNet(alpha=0.03, l1_ratio=0.4, fit_intercept=fit_intercept, tol=1e-14,
                      max_iter=100_000).fit(X, y, sample_weight=SW + 0.5)
    # the certificate bounds the distance: P(ours) - P* <= gap and the objective is
    # mu-strongly convex (mu = alpha (1 - l1_ratio)), so ||w - w*||^2 <= 2 (P(w) - P*) / mu
    datafit, penalty = WeightedQuadratic(SW + 0.5), L1L2(0.03, 0.4)
    p_ours, p_sk = (_objective(datafit, penalty, X, y, m.coef_, m.intercept_)
                    for m in (ours, sk))
    gap, mu = ours.dual_gap_, 0.03 * 0.6
    assert p_ours <= p_sk + gap
    bound = np.sqrt(2 * gap / mu) + np.sqrt(2 * max(p_sk - p_ours + gap, 0.0) / mu)
    assert np.linalg.norm(ours.coef_ - sk.coef_) <= bound
    assert bound < 1e-5 * np.linalg.norm(sk.coef_)  # the comparison is not vacuous


def test_multitask_lasso_objective_no_worse_than_sklearn():
    from sklearn.linear_model import MultiTaskLasso as SkMultiTaskLasso

    from sparseopt.linear_model import MultiTaskLasso

    Ym = np.column_stack([Y["quadratic"], X @ np.r_[np.ones(3), np.zeros(D - 3)]])
    ours = MultiTaskLasso(0.05, tol=1e-12).fit(X, Ym)
    sk = SkMultiTaskLasso(0.05, tol=1e-12, max_iter=100_000).fit(X, Ym)
    assert ours.coef_.shape == sk.coef_.shape == (2, D)

    def objective(est):  # scikit-learn's documented objective
        r = Ym - X @ est.coef_.T - est.intercept_
        return (r ** 2).sum() / (2 * N) + 0.05 * np.linalg.norm(est.coef_, axis=0).sum()

    assert objective(ours) <= objective(sk) + 1e-12 * objective(sk)
    assert objective(ours) == pytest.approx(objective(sk), rel=1e-8)


@pytest.mark.parametrize("name, datafit, sk_datafit, newton", [
    ("huber", Huber(0.5), lambda d: d.Huber(0.5), False),
    ("poisson", Poisson(), lambda d: d.Poisson(), True),
], ids=["Huber", "Poisson"])
def test_huber_and_poisson_l1_match_skglm(name, datafit, sk_datafit, newton):
    skglm = pytest.importorskip("skglm")
    from skglm import datafits as skd
    from skglm.penalties import L1 as SkL1
    from skglm.solvers import AndersonCD, ProxNewton

    y = Y[name]
    ours = GeneralizedLinearEstimator(datafit, L1(0.03), BlockCoordinateDescent(
        "cyclic", update="newton" if newton else "gradient", tol=1e-12)).fit(X, y)
    solver = (ProxNewton(tol=1e-12, fit_intercept=False, max_iter=100) if newton
              else AndersonCD(tol=1e-12, fit_intercept=False, max_iter=1000))
    theirs = skglm.GeneralizedLinearEstimator(sk_datafit(skd), SkL1(0.03), solver).fit(X, y)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, atol=1e-6)
    obj = [_objective(datafit, L1(0.03), X, y, c, 0.0) for c in (ours.coef_, theirs.coef_)]
    assert obj[0] <= obj[1] + 1e-12 * abs(obj[1])


# ------------------------------------------------------------------ nonconvex, common start
@pytest.mark.parametrize("ours_pen, sk_pen", [
    (MCP(0.05, 3.0), lambda p: p.MCPenalty(0.05, 3.0)),
    (SCAD(0.05, 3.7), lambda p: p.SCAD(0.05, 3.7)),
    (L05(0.02), lambda p: p.L0_5(0.02)),
    (L23(0.02), lambda p: p.L2_3(0.02)),
    (LogSum(0.02, 0.5), lambda p: p.LogSumPenalty(0.02, 0.5)),
], ids=["MCP", "SCAD", "L05", "L23", "LogSum"])
def test_nonconvex_from_a_common_start_no_worse_than_skglm(ours_pen, sk_pen):
    """Both solvers start from the same nonzero point (a ridge solution, so the run does not
    begin at the trivial stationary point 0 of the quasi-norms)."""
    pytest.importorskip("skglm")
    from skglm import penalties as skp
    from skglm.datafits import Quadratic as SkQuadratic
    from skglm.solvers import AndersonCD

    y = Y["quadratic"]
    w0 = np.linalg.solve(X.T @ X / N + 0.1 * np.eye(D), X.T @ y / N)
    w, res = BlockCoordinateDescent("cyclic", tol=1e-12).solve(Quadratic(), ours_pen, X, y,
                                                               w0.copy())
    assert res.converged
    sk_w = AndersonCD(tol=1e-12, fit_intercept=False).solve(
        np.asfortranarray(X), y, SkQuadratic(), sk_pen(skp), w_init=w0.copy(),
        Xw_init=X @ w0)[0]
    obj = [_objective(Quadratic(), ours_pen, X, y, c, 0.0) for c in (w, sk_w)]
    assert obj[0] <= obj[1] + 1e-10 * abs(obj[1])


NONCONVEX_CLASSES = [pen_mod.MCP, pen_mod.SCAD, pen_mod.L05, pen_mod.L23, pen_mod.LogSum,
                     pen_mod.GroupMCP]


@pytest.mark.parametrize("cls", NONCONVEX_CLASSES, ids=lambda c: c.__name__)
def test_nonconvex_docstrings_state_the_stopping_rule(cls):
    doc = " ".join(inspect.getdoc(cls).split())
    assert "fixed-point" in doc and "screening" in doc


def test_nonconvex_run_stops_on_the_fixed_point_residual_without_screening():
    """Screening requested, nonconvex penalty: no Gap Safe rule runs (no dual point exists),
    the run reports no duality gap, and its criterion is the fixed-point residual."""
    y = Y["quadratic"]
    pen = MCP(0.05, 3.0)
    solver = BlockCoordinateDescent("cyclic", tol=1e-10, screening=True)
    w, res = solver.solve(Quadratic(), pen, X, y)
    assert res.converged and np.isinf(res.dual_gap)
    # the residual of the coordinate prox-gradient map, recomputed here
    g = X.T @ (X @ w - y) / N
    L = (X ** 2).sum(axis=0) / N
    fp = np.max(L * np.abs(pen.prox(w - g / L, 1 / L) - w))
    assert fp <= 1e-10 * np.max(np.abs(X.T @ y / N))
    assert res.history["criterion"][-1] == pytest.approx(fp, rel=1e-3, abs=1e-15)
    # a convex penalty under the same solver does certify by a gap
    _, res_l1 = solver.solve(Quadratic(), L1(0.05), X, y)
    assert np.isfinite(res_l1.dual_gap)


# ------------------------------------------------------------------ sample weights in CV
def _replicated_folds(counts, n_folds=3):
    """Folds over the original rows, and the same folds over their replicated copies."""
    rows = np.flatnonzero(counts > 0)
    owner = np.repeat(np.arange(counts.size), counts)
    parts = np.array_split(rows, n_folds)
    orig, rep = [], []
    for test in parts:
        train = np.setdiff1d(rows, test)
        orig.append((train, test))
        rep.append((np.flatnonzero(np.isin(owner, train)), np.flatnonzero(np.isin(owner,
                                                                                     test))))
    return orig, rep


@pytest.mark.parametrize("make", [
    lambda cv: LassoCV(alphas=[0.2, 0.05, 0.01], cv=cv, tol=1e-13),
    lambda cv: ElasticNetCV(l1_ratio=[0.4, 0.9], alphas=[0.2, 0.05, 0.01], cv=cv, tol=1e-13),
], ids=["LassoCV", "ElasticNetCV"])
def test_cv_integer_sample_weight_equals_replication(make):
    """With the same folds (a replicated row stays with its original), integer weights give
    the held-out errors, the choice and the refit of the replicated data."""
    y = Y["quadratic"]
    counts = SW.astype(int)
    orig, rep = _replicated_folds(counts)
    a = make(orig).fit(X, y, sample_weight=SW)
    b = make(rep).fit(np.repeat(X, counts, axis=0), np.repeat(y, counts))
    np.testing.assert_allclose(a.mse_path_, b.mse_path_, rtol=1e-7)
    assert a.alpha_ == b.alpha_
    np.testing.assert_allclose(a.coef_, b.coef_, atol=1e-7)
    assert a.intercept_ == pytest.approx(b.intercept_, abs=1e-7)


# ------------------------------------------------------------------ parameter objects
DATAFITS = [Quadratic(), Logistic(), Huber(0.7), Poisson(), Gamma(), WeightedQuadratic(SW),
            WeightedLogistic(SW + 1), QuadraticMultiTask()]


@pytest.mark.parametrize("obj", DATAFITS + [WeightedL1(0.1, PEN_W), GroupL2(0.1, 5, PEN_W[:5]),
                                            MCP(0.1, 3.0, weights=PEN_W)],
                         ids=lambda o: type(o).__name__)
def test_clone_deep_copies_datafits_and_penalties(obj):
    other = clone(obj)
    assert type(other) is type(obj) and other is not obj
    params, new = obj.get_params(), other.get_params()
    assert params.keys() == new.keys()
    for key, value in params.items():
        if isinstance(value, np.ndarray):
            assert new[key] is not value  # a copy, not the user's array
            np.testing.assert_array_equal(new[key], value)
        else:
            assert new[key] == value
    if params:
        key = next(iter(params))
        with pytest.raises(ValueError, match="Invalid parameter"):
            other.set_params(not_a_parameter=1)
        other.set_params(**{key: params[key]})


def test_grid_search_over_a_datafit_parameter_and_the_penalty():
    est = GeneralizedLinearEstimator(Huber(1.0), L1(0.05), fit_intercept=True)
    search = GridSearchCV(est, {"datafit__delta": [0.3, 1.0], "penalty__alpha": [0.01, 0.1]},
                          cv=3).fit(X, Y["huber"])
    assert set(search.best_params_) == {"datafit__delta", "penalty__alpha"}
    assert est.datafit.delta == 1.0 and est.penalty.alpha == 0.05
    best = search.best_estimator_
    assert best.datafit is not est.datafit and best.datafit.delta in (0.3, 1.0)


def test_mcp_regression_states_and_uses_the_fixed_point_rule():
    doc = " ".join(inspect.getdoc(MCPRegression).split())
    assert "fixed-point" in doc
    est = MCPRegression(0.05, gamma=3.0, tol=1e-10).fit(X, Y["quadratic"])
    assert np.isinf(est.solver_result_.dual_gap) and not hasattr(est, "dual_gap_")
    assert est.solver_result_.converged


@pytest.mark.parametrize("make", [
    lambda: __import__("sparseopt").linear_model.Lasso(0.1),
    lambda: ElasticNet(0.1),
    lambda: LassoCV(alphas=[0.1], cv=3),
    lambda: ElasticNetCV(alphas=[0.1], cv=3),
    lambda: __import__("sparseopt").linear_model.SparseLogisticRegression(0.1),
], ids=["Lasso", "ElasticNet", "LassoCV", "ElasticNetCV", "SparseLogisticRegression"])
@pytest.mark.parametrize("bad, match", [
    (np.ones(N + 1), "sample_weight has"),
    (np.r_[np.nan, np.ones(N - 1)], "sample_weight must be finite"),
    (np.r_[-1.0, np.ones(N - 1)], "sample_weight must be >= 0"),
    (np.zeros(N), "sample_weight must have a positive sum"),
])
def test_bad_sample_weight_is_refused_naming_it(make, bad, match):
    y = Y["logistic"]
    with pytest.raises(ValueError, match=match):
        make().fit(X, y, sample_weight=bad)


@pytest.mark.parametrize("make", [
    lambda **kw: LassoCV(cv=3, **kw),
    lambda **kw: ElasticNetCV(l1_ratio=[0.5, 0.9], cv=3, **kw),
], ids=["LassoCV", "ElasticNetCV"])
def test_cv_grid_size_as_alphas_int_like_sklearn(make):
    """scikit-learn >= 1.7 gives the size of the default grid as ``alphas=int``."""
    y = Y["quadratic"]
    a = make(alphas=6).fit(X, y)
    b = make(n_alphas=6).fit(X, y)
    np.testing.assert_array_equal(a.alphas_, b.alphas_)
    assert np.shape(a.alphas_)[-1] == 6 and a.alpha_ == b.alpha_
    with pytest.raises(ValueError, match="alphas"):
        make(alphas=0).fit(X, y)


def test_group_lasso_with_an_unpenalised_group_reaches_the_cvxpy_optimum():
    """A zero group weight: no usable duality gap, so the fixed-point rule stops the run;
    the fit must still be the optimum (cvxpy) and report no gap."""
    from sparseopt.linear_model import GroupLasso

    pytest.importorskip("cvxpy")
    from sparseopt.reference import glm_reference

    y = Y["quadratic"]
    weights = np.r_[0.0, np.ones(4)]
    est = GroupLasso(groups=5, alpha=0.05, weights=weights, tol=1e-12).fit(X, y)
    assert est.solver_result_.converged and not hasattr(est, "dual_gap_")
    pen = GroupL2(0.05, groups=5, weights=weights)
    _, _, ref = glm_reference(Quadratic(), pen, X, y, fit_intercept=True)
    ours = _objective(Quadratic(), pen, X, y, est.coef_, est.intercept_)
    assert abs(ours - ref) <= 1e-8 * abs(ref)


def test_proximal_gradient_with_an_unpenalised_group_converges():
    """The same declaration serves proximal gradient: before it, the rescaled dual point was
    zero and the gap never closed."""
    from sparseopt.solvers import prox_grad_solve

    pytest.importorskip("cvxpy")
    from sparseopt.reference import glm_reference

    y = Y["quadratic"]
    pen = GroupL2(0.05, groups=5, weights=np.r_[0.0, np.ones(4)])
    w, res = prox_grad_solve(Quadratic(), pen, X, y, tol=1e-10, max_iter=20_000)
    assert res.converged
    _, _, ref = glm_reference(Quadratic(), pen, X, y)
    assert abs(_objective(Quadratic(), pen, X, y, w, 0.0) - ref) <= 1e-8 * abs(ref)
