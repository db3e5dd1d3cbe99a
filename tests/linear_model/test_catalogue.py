"""The GLM catalogue against independent references: cvxpy for the convex pairs, scikit-learn
and skglm where they offer the same model, fixed-point conditions for the nonconvex ones."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.model_selection import GridSearchCV

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
    GroupLasso,
    Lasso,
    LassoCV,
    MCPRegression,
    MultiTaskLasso,
    SparseLogisticRegression,
    WeightedLasso,
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
    GroupMCP,
    LogSum,
    WeightedL1,
)
from sparseopt.penalties import dispatch as P
from sparseopt.solvers import BlockCoordinateDescent

pytest.importorskip("cvxpy")
from sparseopt.reference import glm_reference, multitask_lasso_reference  # noqa: E402

from ._catalogue_data import BETA, PEN_W, SW, D, N, X, Y  # noqa: E402
from ._catalogue_data import objective as _objective  # noqa: E402
from ._catalogue_data import solver as _solver  # noqa: E402

CONVEX = [
    ("quadratic", Quadratic(), L1L2(0.05, 0.5)),
    ("quadratic", Quadratic(), L1L2(0.05, 0.3, positive=True)),
    ("quadratic", Quadratic(), WeightedL1(0.05, PEN_W)),
    ("quadratic", Quadratic(), WeightedL1(0.05, PEN_W + 0.1, positive=True)),
    ("quadratic", Quadratic(), Box(-0.3, 0.6)),
    ("quadratic", Quadratic(), GroupL2(0.05, groups=5, weights=np.r_[0.0, np.ones(4)])),
    ("quadratic", WeightedQuadratic(SW), L1(0.03)),
    ("quadratic", WeightedQuadratic(SW), L1L2(0.03, 0.5)),
    ("huber", Huber(0.5), L1(0.03)),
    ("huber", Huber(1.0), L1L2(0.03, 0.5)),
    ("poisson", Poisson(), L1(0.03)),
    ("poisson", Poisson(), WeightedL1(0.03, PEN_W + 0.1)),
    ("gamma", Gamma(), L1(0.03)),
    ("logistic", Logistic(), L1L2(0.02, 0.5)),
    ("logistic", WeightedLogistic(SW + 0.5), L1(0.02)),
]


@pytest.mark.parametrize("fit_intercept", [False, True])
@pytest.mark.parametrize("case", CONVEX, ids=lambda c: f"{c[0]}-{type(c[1]).__name__}-"
                                                        f"{type(c[2]).__name__}")
def test_convex_pairs_match_cvxpy(case, fit_intercept):
    name, datafit, penalty = case
    y = Y[name]
    w, res = _solver(datafit, penalty).solve(datafit, penalty, X, y,
                                             fit_intercept=fit_intercept)
    assert res.converged
    _, _, ref = glm_reference(datafit, penalty, X, y, fit_intercept=fit_intercept)
    ours = _objective(datafit, penalty, X, y, w, res.intercept)
    assert abs(ours - ref) <= 1e-8 * abs(ref), (ours, ref)
    if penalty.certificate == "dual_gap":  # the certificate bounds the true suboptimality
        assert ours - ref <= res.dual_gap + 1e-10 * abs(ref)


def test_sparse_design_matches_dense():
    Xs = sp.random(80, 30, density=0.3, random_state=1, format="csc")
    y = np.asarray(Xs @ np.r_[np.ones(3), np.zeros(27)]).ravel() + 0.1
    for datafit, pen in [(Huber(0.5), L1L2(0.02, 0.5)), (Quadratic(), WeightedL1(0.02,
                                                                              np.ones(30)))]:
        ws, _ = _solver(datafit, pen).solve(datafit, pen, Xs, y)
        wd, _ = _solver(datafit, pen).solve(datafit, pen, Xs.toarray(), y)
        np.testing.assert_allclose(ws, wd, atol=1e-7)


@pytest.mark.parametrize("fit_intercept", [False, True])
def test_multitask_lasso_matches_cvxpy_and_sklearn(fit_intercept):
    from sklearn.linear_model import MultiTaskLasso as SkMultiTaskLasso

    Ym = np.column_stack([Y["quadratic"], X @ BETA[::-1] + 0.1, -Y["quadratic"] + 1])
    est = MultiTaskLasso(0.05, fit_intercept=fit_intercept, tol=1e-12).fit(X, Ym)
    assert est.coef_.shape == (3, D) and est.intercept_.shape == (3,)
    _, _, ref = multitask_lasso_reference(X, Ym, 0.05, fit_intercept=fit_intercept)
    ours = (QuadraticMultiTask().value(Ym, X @ est.coef_.T + est.intercept_)
            + GroupL2(0.05, groups=3).value(est.coef_.T.ravel()))
    assert abs(ours - ref) <= 1e-8 * ref
    sk = SkMultiTaskLasso(0.05, fit_intercept=fit_intercept, tol=1e-14, max_iter=100_000)
    sk.fit(X, Ym)
    np.testing.assert_allclose(est.coef_, sk.coef_, atol=1e-7)
    np.testing.assert_allclose(est.intercept_, sk.intercept_, atol=1e-7)


@pytest.mark.parametrize("positive", [False, True])
def test_elastic_net_matches_sklearn(positive):
    from sklearn.linear_model import ElasticNet as SkElasticNet

    y = Y["quadratic"]
    ours = ElasticNet(0.05, l1_ratio=0.3, positive=positive, tol=1e-14).fit(X, y)
    sk = SkElasticNet(alpha=0.05, l1_ratio=0.3, positive=positive, tol=1e-14,
                      max_iter=100_000).fit(X, y)
    np.testing.assert_allclose(ours.coef_, sk.coef_, atol=1e-8)
    assert abs(ours.intercept_ - sk.intercept_) < 1e-8


def test_sample_weight_matches_sklearn_lasso():
    from sklearn.linear_model import Lasso as SkLasso

    y = Y["quadratic"]
    ours = Lasso(0.03, tol=1e-14).fit(X, y, sample_weight=SW)
    sk = SkLasso(alpha=0.03, tol=1e-14, max_iter=100_000).fit(X, y, sample_weight=SW)
    np.testing.assert_allclose(ours.coef_, sk.coef_, atol=1e-8)


def test_elastic_net_cv_matches_sklearn_grid_and_choice():
    from sklearn.linear_model import ElasticNetCV as SkElasticNetCV

    y = Y["quadratic"]
    ours = ElasticNetCV(l1_ratio=[0.3, 0.9], n_alphas=8, cv=3, tol=1e-12).fit(X, y)
    sk = SkElasticNetCV(l1_ratio=[0.3, 0.9], alphas=8, cv=3, tol=1e-12,
                        max_iter=100_000).fit(X, y)
    np.testing.assert_allclose(ours.alphas_, sk.alphas_, rtol=1e-10)
    np.testing.assert_allclose(ours.mse_path_, sk.mse_path_, rtol=1e-5)
    assert ours.alpha_ == pytest.approx(sk.alpha_) and ours.l1_ratio_ == sk.l1_ratio_


# ------------------------------------------------------------------ sample weights
def _replicate(X, y, sw):
    k = sw.astype(int)
    return np.repeat(X, k, axis=0), np.repeat(y, k)


@pytest.mark.parametrize("make", [
    lambda: Lasso(0.03, tol=1e-13),
    lambda: ElasticNet(0.03, l1_ratio=0.6, tol=1e-14),
    lambda: WeightedLasso(0.03, weights=PEN_W, tol=1e-13),
    lambda: GroupLasso(groups=5, alpha=0.03, tol=1e-13),
    lambda: MCPRegression(0.03, gamma=3.0, tol=1e-13),
], ids=["Lasso", "ElasticNet", "WeightedLasso", "GroupLasso", "MCPRegression"])
def test_integer_sample_weight_equals_replication(make):
    y = Y["quadratic"]
    Xr, yr = _replicate(X, y, SW)
    a = make().fit(X, y, sample_weight=SW)
    b = make().fit(Xr, yr)
    np.testing.assert_allclose(a.coef_, b.coef_, atol=1e-7)
    assert abs(a.intercept_ - b.intercept_) < 1e-7


def test_logistic_sample_weight_equals_replication():
    y = Y["logistic"]
    Xr, yr = _replicate(X, y, SW)
    a = SparseLogisticRegression(0.02, tol=1e-12).fit(X, y, sample_weight=SW)
    b = SparseLogisticRegression(0.02, tol=1e-12).fit(Xr, yr)
    np.testing.assert_allclose(a.coef_, b.coef_, atol=1e-7)
    np.testing.assert_allclose(a.intercept_, b.intercept_, atol=1e-7)


def test_multinomial_sample_weight_equals_replication_and_cvxpy():
    """Weights ride on the one-hot targets of the multinomial solver."""
    from sparseopt.reference import multinomial_group_reference

    y = np.digitize(Y["quadratic"], np.quantile(Y["quadratic"], [1 / 3, 2 / 3]))
    Xr, yr = _replicate(X, y, SW)
    a = SparseLogisticRegression(0.02, tol=1e-12).fit(X, y, sample_weight=SW)
    b = SparseLogisticRegression(0.02, tol=1e-12).fit(Xr, yr)
    np.testing.assert_allclose(a.coef_, b.coef_, atol=1e-8)
    np.testing.assert_allclose(a.intercept_, b.intercept_, atol=1e-8)
    coef, icpt, ref = multinomial_group_reference(X, y, 0.02, fit_intercept=True,
                                                  sample_weight=SW)
    c = SW * (N / SW.sum())
    Z = X @ a.coef_.T + a.intercept_
    lse = np.log(np.exp(Z).sum(axis=1))
    ours = (c @ (lse - Z[np.arange(N), y]) / N
            + 0.02 * np.linalg.norm(a.coef_, axis=0).sum())
    assert abs(ours - ref) <= 1e-8 * abs(ref)
    assert ours - ref <= a.dual_gap_ + 1e-12 * abs(ref)  # the gap certifies the weighted fit


def test_lasso_cv_sample_weight_runs_weighted_folds():
    y = Y["quadratic"]
    est = LassoCV(n_alphas=6, cv=3).fit(X, y, sample_weight=SW + 1)
    ref = Lasso(est.alpha_).fit(X, y, sample_weight=SW + 1)
    np.testing.assert_allclose(est.coef_, ref.coef_, atol=1e-6)


def test_sparse_weighted_intercept_densifies_and_matches():
    Xs = sp.csr_matrix(np.where(np.abs(X) > 0.4, X, 0.0))
    y = Y["quadratic"]
    a = Lasso(0.03, tol=1e-13).fit(Xs, y, sample_weight=SW)
    b = Lasso(0.03, tol=1e-13).fit(Xs.toarray(), y, sample_weight=SW)
    np.testing.assert_allclose(a.coef_, b.coef_, atol=1e-8)


# ------------------------------------------------------------------ nonconvex
NONCONVEX = [MCP(0.05, 3.0), MCP(0.05, 2.0, weights=PEN_W), MCP(0.05, 3.0, positive=True),
             SCAD(0.05, 3.7), L05(0.02), L23(0.02), LogSum(0.02, 0.5)]


@pytest.mark.parametrize("penalty", NONCONVEX, ids=lambda p: type(p).__name__)
@pytest.mark.parametrize("name, datafit", [("quadratic", Quadratic()), ("huber", Huber(1.0)),
                                           ("poisson", Poisson())])
def test_nonconvex_fixed_point_conditions(penalty, name, datafit):
    y = Y[name]
    w, res = _solver(datafit, penalty).solve(datafit, penalty, X, y)
    assert res.converged
    z = X @ w
    g = X.T @ datafit.raw_grad(y, z)
    L = np.einsum("ij,ij,i->j", X, X, datafit.raw_hessian(y, z)) if name == "poisson" else \
        datafit.lipschitz(X)
    pp = penalty.kernel_params()
    step = np.array([P.prox_1d(penalty.code, pp, w[j] - g[j] / L[j], 1 / L[j], j)
                     for j in range(D)])
    # w is a fixed point of the coordinate prox-gradient map ...
    assert np.max(L * np.abs(step - w)) <= 1e-9 * np.max(np.abs(X.T @ datafit.raw_grad(
        y, np.zeros(N))))
    # ... and, off zero, a stationary point: -g_j is the derivative of the penalty
    nz = w != 0
    assert np.max(penalty.subdiff_distance(w, g)[nz], initial=0.0) <= 1e-7


@pytest.mark.parametrize("make_ours, make_skglm", [
    (lambda: MCPRegression(0.05, gamma=3.0, tol=1e-10, fit_intercept=False),
     lambda sk: sk.MCPRegression(0.05, gamma=3.0, tol=1e-10, fit_intercept=False)),
], ids=["MCPRegression"])
def test_mcp_no_worse_than_skglm(make_ours, make_skglm):
    skglm = pytest.importorskip("skglm")
    y = Y["quadratic"]
    ours = make_ours().fit(X, y)
    theirs = make_skglm(skglm).fit(X, y)
    pen = MCP(0.05, 3.0)
    obj = [Quadratic().value(y, X @ m.coef_) + pen.value(m.coef_) for m in (ours, theirs)]
    assert obj[0] <= obj[1] + 1e-10 * abs(obj[1])


@pytest.mark.parametrize("ours_pen, sk_pen", [
    (SCAD(0.05, 3.7), lambda sk: sk.penalties.SCAD(0.05, 3.7)),
    (L05(0.02), lambda sk: sk.penalties.L0_5(0.02)),
    (L23(0.02), lambda sk: sk.penalties.L2_3(0.02)),
    (LogSum(0.02, 0.5), lambda sk: sk.penalties.LogSumPenalty(0.02, 0.5)),
    (MCP(0.05, 2.0, weights=PEN_W), lambda sk: sk.penalties.WeightedMCPenalty(0.05, 2.0,
                                                                                PEN_W)),
], ids=["SCAD", "L05", "L23", "LogSum", "WeightedMCP"])
def test_nonconvex_penalties_no_worse_than_skglm(ours_pen, sk_pen):
    skglm = pytest.importorskip("skglm")
    from skglm.datafits import Quadratic as SkQuadratic
    from skglm.solvers import AndersonCD

    y = Y["quadratic"]
    ours = GeneralizedLinearEstimator(Quadratic(), ours_pen, BlockCoordinateDescent(
        "cyclic", tol=1e-10)).fit(X, y)
    theirs = skglm.GeneralizedLinearEstimator(SkQuadratic(), sk_pen(skglm), AndersonCD(
        tol=1e-10, fit_intercept=False)).fit(X, y)
    obj = [Quadratic().value(y, X @ c) + ours_pen.value(c) for c in (ours.coef_,
                                                                     theirs.coef_)]
    assert obj[0] <= obj[1] + 1e-10 * abs(obj[1])


def test_weighted_lasso_and_group_lasso_match_skglm():
    skglm = pytest.importorskip("skglm")
    y = Y["quadratic"]
    ours = WeightedLasso(0.05, weights=PEN_W, tol=1e-12).fit(X, y)
    theirs = skglm.WeightedLasso(0.05, weights=PEN_W, tol=1e-12).fit(X, y)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, atol=1e-7)
    ours = GroupLasso(groups=5, alpha=0.05, tol=1e-12).fit(X, y)
    theirs = skglm.GroupLasso(groups=5, alpha=0.05, tol=1e-12).fit(X, y)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, atol=1e-6)


def test_group_mcp_fixed_point():
    y = Y["quadratic"]
    pen = GroupMCP(0.05, 3.0, groups=5)
    w, res = BlockCoordinateDescent("cyclic", tol=1e-12).solve(Quadratic(), pen, X, y)
    assert res.converged
    g = X.T @ Quadratic().raw_grad(y, X @ w)
    active = pen.group_norms(w) > 0
    assert np.max(pen.subdiff_distance(w, g)[active], initial=0.0) < 1e-7


# ------------------------------------------------------------------ estimator plumbing
@pytest.mark.parametrize("penalty", [L1L2(0.1, 0.5), WeightedL1(0.1, np.ones(D)), MCP(0.1),
                                     SCAD(0.1), GroupMCP(0.1, 3.0, groups=5),
                                     LogSum(0.1, 1.0)], ids=lambda p: type(p).__name__)
def test_grid_search_over_penalty_alpha(penalty):
    est = GeneralizedLinearEstimator(penalty=penalty, fit_intercept=True)
    search = GridSearchCV(est, {"penalty__alpha": [0.01, 0.05, 0.2]}, cv=3).fit(X, Y[
        "quadratic"])
    assert search.best_params_["penalty__alpha"] in (0.01, 0.05, 0.2)
    assert penalty.alpha == 0.1  # the user's penalty is never modified


@pytest.mark.parametrize("datafit, penalty, match", [
    (Poisson(), GroupL2(0.1, groups=5), "Poisson with penalty GroupL2"),
    (Huber(), __import__("sparseopt").penalties.SparseEnvelope(2), "Huber with penalty "
                                                                  "SparseEnvelope"),
    (QuadraticMultiTask(), L1(0.1), "QuadraticMultiTask with penalty L1"),
])
def test_glm_refuses_unsupported_pairs_naming_both(datafit, penalty, match):
    with pytest.raises(ValueError, match=match):
        GeneralizedLinearEstimator(datafit, penalty).fit(X, Y["quadratic"] ** 2)


def test_unbounded_curvature_needs_newton():
    with pytest.raises(ValueError, match="update='newton'"):
        BlockCoordinateDescent("cyclic").solve(Poisson(), L1(0.1), X, Y["poisson"])


@pytest.mark.parametrize("est", [ElasticNet(0.05), WeightedLasso(0.05), MCPRegression(0.05),
                                 GroupLasso(groups=5, alpha=0.05)],
                         ids=lambda e: type(e).__name__)
def test_warm_start_history_and_verbose(est, capsys):
    y = Y["quadratic"]
    est.set_params(warm_start=True).fit(X, y)
    first = est.n_iter_
    est.fit(X, y)
    assert est.n_iter_ <= first
    assert set(est.history_) >= {"objective", "criterion"}
    est.set_params(verbose=1, warm_start=False).fit(X, y)
    assert capsys.readouterr().err or capsys.readouterr().out is not None
