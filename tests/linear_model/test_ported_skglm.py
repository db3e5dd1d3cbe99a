"""The properties checked by skglm's estimator suite, for our sparse linear estimators.

skglm checks its estimators against scikit-learn (and celer) on one small correlated problem:
same coefficients and intercepts at a tight tolerance, dense and sparse designs, with and
without intercept and positivity, the generic datafit+penalty estimator equal to the dedicated
ones, predictions, nested parameters, grid search and warm starts. Here the same properties
are checked for :class:`Lasso`, :class:`SparseLogisticRegression`,
:class:`GeneralizedLinearEstimator` (with ``L1`` and ``GroupL2``) and
:class:`GroupSparseRegression`, with scikit-learn, skglm and cvxpy as references. Bugs are
``xfail(strict=True)`` with the diagnosis as reason.
"""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Lasso as SkLasso
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV

from sparseopt.datafits import Logistic, Quadratic
from sparseopt.datasets import make_correlated_data, make_group_sparse_regression
from sparseopt.linear_model import (
    GeneralizedLinearEstimator,
    GroupSparseRegression,
    Lasso,
    SparseLogisticRegression,
)
from sparseopt.penalties import L1, GroupL2, WeightedGroupSparseEnvelope
from sparseopt.reference import logistic_l1_reference
from sparseopt.solvers import BlockCoordinateDescent, ProximalGradient

_skglm = pytest.importorskip("skglm.estimators")  # a test dependency (extra 'test')
SkglmGroupLasso, SkglmLasso, SkglmLogistic = (_skglm.GroupLasso, _skglm.Lasso,
                                              _skglm.SparseLogisticRegression)
TOL = 1e-10


def _problem():
    """50 x 60 AR(1)-correlated design, 10% true support, y = sign(X w + noise) (so that the
    same y serves least squares and logistic regression), and a 10%-dense CSC copy."""
    X, y, _ = make_correlated_data(n_samples=50, n_features=60, density=0.1, random_state=0)
    y = np.sign(y)
    rng = np.random.default_rng(0)
    X_sparse = sp.csc_matrix(X * rng.binomial(1, 0.1, X.shape))
    alpha_max = np.max(np.abs(X.T @ y)) / X.shape[0]
    return X, X_sparse, y, 0.05 * alpha_max


X, X_SPARSE, Y, ALPHA = _problem()
N_SAMPLES, N_FEATURES = X.shape
DESIGNS = {"dense": X, "sparse": X_SPARSE}


def _design(fmt):
    return DESIGNS[fmt]


# ----------------------------------------------------------------------------- Lasso
@pytest.mark.parametrize("positive", [False, True])
@pytest.mark.parametrize("fit_intercept", [False, True])
@pytest.mark.parametrize("fmt", ["dense", "sparse"])
def test_lasso_matches_sklearn_and_skglm(fmt, fit_intercept, positive):
    Xf = _design(fmt)
    kw = dict(alpha=ALPHA, fit_intercept=fit_intercept, positive=positive)
    ours = Lasso(tol=TOL, **kw).fit(Xf, Y)
    sk = SkLasso(tol=TOL, max_iter=100_000, **kw).fit(Xf, Y)
    glm = SkglmLasso(tol=TOL, **kw).fit(Xf, Y)
    assert np.linalg.norm(ours.coef_) > 1e-5
    np.testing.assert_allclose(ours.coef_, sk.coef_, atol=1e-6)
    np.testing.assert_allclose(ours.coef_, glm.coef_, atol=1e-6)
    np.testing.assert_allclose(ours.intercept_, sk.intercept_, rtol=1e-4, atol=1e-12)
    if fit_intercept:
        assert abs(ours.intercept_) > 1e-4  # the data need an intercept: the test can fail
    if positive:
        assert ours.coef_.min() >= 0


# ----------------------------------------------------------------------------- logistic
@pytest.mark.parametrize("fmt", ["dense", "sparse"])
def test_logistic_without_intercept_matches_liblinear(fmt):
    # scikit-learn's C is 1 / (n alpha) for our (and skglm's) alpha
    Xf = _design(fmt)
    ours = SparseLogisticRegression(alpha=ALPHA, fit_intercept=False, tol=TOL).fit(Xf, Y)
    ref = LogisticRegression(C=1 / (ALPHA * N_SAMPLES), l1_ratio=1.0, solver="liblinear",
                             fit_intercept=False, tol=TOL, max_iter=10_000).fit(Xf, Y)
    assert np.linalg.norm(ours.coef_) > 1e-5
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-6)
    np.testing.assert_array_equal(ours.intercept_, [0.0])


@pytest.mark.parametrize("fit_intercept", [False, True])
@pytest.mark.parametrize("fmt", ["dense", "sparse"])
def test_logistic_matches_skglm_and_cvxpy(fmt, fit_intercept):
    Xf = _design(fmt)
    ours = SparseLogisticRegression(alpha=ALPHA, fit_intercept=fit_intercept, tol=TOL).fit(Xf, Y)
    glm = SkglmLogistic(alpha=ALPHA, fit_intercept=fit_intercept, tol=TOL).fit(Xf, Y)
    w_ref, b_ref, _ = logistic_l1_reference(Xf, Y, ALPHA, fit_intercept=fit_intercept)
    np.testing.assert_allclose(ours.coef_.ravel(), glm.coef_.ravel(), atol=1e-6)
    np.testing.assert_allclose(ours.coef_.ravel(), w_ref, atol=1e-5)
    assert ours.intercept_[0] == pytest.approx(b_ref, abs=1e-5)
    if fit_intercept:
        assert ours.intercept_[0] == pytest.approx(float(np.ravel(glm.intercept_)[0]),
                                                   rel=1e-4)
        assert abs(ours.intercept_[0]) > 1e-4


@pytest.mark.parametrize("fmt", ["dense", "sparse"])
def test_logistic_with_intercept_matches_saga(fmt):
    # skglm's elastic-net logistic test at l1_ratio=1: saga fits an unpenalised intercept
    Xf = _design(fmt)
    ours = SparseLogisticRegression(alpha=ALPHA, tol=TOL).fit(Xf, Y)
    ref = LogisticRegression(C=1 / (ALPHA * N_SAMPLES), l1_ratio=1.0, solver="saga",
                             tol=TOL, max_iter=10_000).fit(Xf, Y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-6)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-4)


@pytest.mark.parametrize("fmt", ["dense", "sparse"])
def test_logistic_constant_and_zero_columns_get_zero_coefficients(fmt):
    Xf = _design(fmt)
    extra = np.column_stack([np.full(N_SAMPLES, 7.0), np.zeros(N_SAMPLES)])
    X_extra = sp.hstack([Xf, extra], format="csc") if fmt == "sparse" else np.hstack([Xf, extra])
    ours = SparseLogisticRegression(alpha=ALPHA, tol=TOL).fit(X_extra, Y)
    ref = SparseLogisticRegression(alpha=ALPHA, tol=TOL).fit(Xf, Y)
    np.testing.assert_array_equal(ours.coef_[0, -2:], 0.0)
    np.testing.assert_allclose(ours.coef_[0, :-2], ref.coef_[0], atol=1e-7)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=1e-7)


# ----------------------------------------------------------------------------- generic estimator
@pytest.mark.parametrize("fit_intercept", [False, True])
@pytest.mark.parametrize("fmt", ["dense", "sparse"])
def test_generic_quadratic_l1_is_the_lasso(fmt, fit_intercept):
    Xf = _design(fmt)
    solver = BlockCoordinateDescent(selection="cyclic", tol=TOL)
    gle = GeneralizedLinearEstimator(Quadratic(), L1(ALPHA), solver,
                                     fit_intercept=fit_intercept).fit(Xf, Y)
    est = Lasso(ALPHA, tol=TOL, fit_intercept=fit_intercept).fit(Xf, Y)
    np.testing.assert_allclose(gle.coef_, est.coef_, rtol=1e-5, atol=1e-9)
    assert gle.intercept_ == pytest.approx(est.intercept_, rel=1e-7, abs=1e-10)


@pytest.mark.parametrize("fit_intercept", [False, True])
@pytest.mark.parametrize("fmt", ["dense", "sparse"])
def test_generic_logistic_l1_is_sparse_logistic_regression(fmt, fit_intercept):
    Xf = _design(fmt)
    solver = BlockCoordinateDescent(selection="cyclic", update="newton", tol=TOL)
    gle = GeneralizedLinearEstimator(Logistic(), L1(ALPHA), solver,
                                     fit_intercept=fit_intercept).fit(Xf, Y)
    est = SparseLogisticRegression(ALPHA, tol=TOL, fit_intercept=fit_intercept).fit(Xf, Y)
    np.testing.assert_allclose(gle.coef_, est.coef_.ravel(), rtol=1e-5, atol=1e-8)
    assert gle.intercept_ == pytest.approx(est.intercept_[0], rel=1e-6, abs=1e-9)


@pytest.mark.parametrize("fit_intercept", [False, True])
def test_generic_proximal_gradient_agrees_with_coordinate_descent(fit_intercept):
    pg = GeneralizedLinearEstimator(Quadratic(), L1(ALPHA), ProximalGradient(tol=1e-12,
                                                                              max_iter=100_000),
                                    fit_intercept=fit_intercept).fit(X, Y)
    cd = Lasso(ALPHA, tol=1e-12, fit_intercept=fit_intercept).fit(X, Y)
    np.testing.assert_allclose(pg.coef_, cd.coef_, atol=1e-6)
    assert pg.intercept_ == pytest.approx(cd.intercept_, abs=1e-6)


@pytest.mark.parametrize("datafit", ["logistic", "quadratic"])
def test_generic_predict_matches_sklearn(datafit):
    rng = np.random.default_rng(1)
    X_test = rng.standard_normal((N_SAMPLES, N_FEATURES))
    if datafit == "logistic":
        gle = GeneralizedLinearEstimator(Logistic(), L1(1.0), BlockCoordinateDescent(
            selection="cyclic", update="newton", tol=TOL)).fit(X, Y)
        ref = LogisticRegression(C=1 / N_SAMPLES, l1_ratio=1.0, solver="liblinear",
                                 fit_intercept=False, tol=TOL).fit(X, Y)
        np.testing.assert_array_equal(gle.predict(X_test), ref.predict(X_test))
    else:
        gle = GeneralizedLinearEstimator(Quadratic(), L1(1.0), BlockCoordinateDescent(
            selection="cyclic", tol=TOL)).fit(X, Y)
        ref = SkLasso(alpha=1.0, fit_intercept=False, tol=TOL).fit(X, Y)
        np.testing.assert_allclose(gle.predict(X_test), ref.predict(X_test), rtol=1e-5)


def test_generic_estimator_is_clonable_with_its_parts():
    gle = GeneralizedLinearEstimator(Quadratic(), L1(4.0))
    twin = clone(gle)
    assert twin.penalty is not gle.penalty and twin.penalty.alpha == 4.0
    np.testing.assert_allclose(twin.fit(X, Y).coef_, gle.fit(X, Y).coef_)


def test_generic_nested_parameters():
    reg = GeneralizedLinearEstimator(Quadratic(), L1(4.0))
    assert reg.get_params()["penalty__alpha"] == 4.0
    reg.set_params(penalty__alpha=2.0)
    assert reg.penalty.alpha == 2.0


# ----------------------------------------------------------------------------- grid search
def test_grid_search_matches_sklearn():
    alpha_max = np.max(np.abs(X.T @ (Y - Y.mean()))) / N_SAMPLES
    grid = {"alpha": np.geomspace(alpha_max, alpha_max * 0.01, 10)}
    ours = GridSearchCV(Lasso(tol=TOL), grid).fit(X, Y)
    ref = GridSearchCV(SkLasso(tol=TOL, max_iter=100_000), grid).fit(X, Y)
    for key in [f"split{i}_test_score" for i in range(5)] + ["mean_test_score",
                                                               "std_test_score"]:
        np.testing.assert_allclose(ours.cv_results_[key], ref.cv_results_[key], rtol=1e-3)
    np.testing.assert_array_equal(ours.cv_results_["rank_test_score"],
                                  ref.cv_results_["rank_test_score"])
    assert ours.best_params_["alpha"] == pytest.approx(ref.best_params_["alpha"])


def test_grid_search_over_group_sparse_regression():
    Xg, yg, _, groups, _ = make_group_sparse_regression(n_samples=60, n_groups=8,
                                                        n_groups_active=2, random_state=0)
    search = GridSearchCV(GroupSparseRegression(2, groups),
                          {"alpha": [0.1, 1.0], "n_groups_active": [1, 2, 3]}, cv=3).fit(Xg, yg)
    best = search.best_estimator_
    assert len(best.active_groups_) == best.n_groups_active
    assert search.best_params_["n_groups_active"] == 2


# ----------------------------------------------------------------------------- warm starts
# skglm: a warm refit of a converged model does 0 iterations. Convention here: n_iter_ >= 1
# always (documented), so the converged refit reports n_iter_ == 1 and no solver work.
def test_warm_refit_lasso_does_no_work():
    model = Lasso(ALPHA, tol=TOL, warm_start=True).fit(X, Y)
    assert model.n_iter_ > 1
    coef = model.coef_.copy()
    model.fit(X, Y)
    assert model.n_iter_ == 1 and model.solver_result_.n_epochs == 0
    np.testing.assert_array_equal(model.coef_, coef)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_warm_refit_logistic_does_no_work(n_classes):
    y = Y if n_classes == 2 else np.digitize(X[:, 0], [-0.5, 0.5])
    model = SparseLogisticRegression(ALPHA, tol=1e-8, warm_start=True).fit(X, y)
    assert model.n_iter_ > 1
    model.fit(X, y)
    assert model.n_iter_ == 1
    if n_classes == 2:
        assert model.solver_result_.n_epochs == 0


@pytest.mark.parametrize("exact", [False, True])
def test_warm_refit_group_sparse_regression_does_no_work(exact):
    Xg, yg, _, groups, _ = make_group_sparse_regression(random_state=0)
    model = GroupSparseRegression(5, groups, alpha=0.05 * yg.var(), exact=exact,
                                  warm_start=True).fit(Xg, yg)
    cold_iter = model.n_iter_
    coef = model.coef_.copy()
    model.fit(Xg, yg)
    np.testing.assert_allclose(model.coef_, coef, rtol=1e-4, atol=1e-5)  # both within tol
    assert model.n_iter_ == 1 < cold_iter


# ----------------------------------------------------------------------------- group lasso
def _group_problem():
    groups = [list(range(0, 20)), list(range(20, 50)), list(range(50, 60))]
    weights = np.abs(np.random.default_rng(2).standard_normal(len(groups)))
    norms = np.array([np.linalg.norm(X[:, g].T @ Y) for g in groups]) / N_SAMPLES
    return groups, weights, 0.1 * np.max(norms / weights)


@pytest.mark.parametrize("fit_intercept", [False, True])
@pytest.mark.parametrize("fmt", ["dense", "sparse"])
def test_group_lasso_matches_skglm(fmt, fit_intercept):
    # skglm's GroupLasso is the generic estimator with Quadratic() + GroupL2 here
    Xf = _design(fmt)
    groups, weights, alpha = _group_problem()
    ours = GeneralizedLinearEstimator(Quadratic(), GroupL2(alpha, groups, weights),
                                      BlockCoordinateDescent(selection="cyclic", tol=TOL),
                                      fit_intercept=fit_intercept).fit(Xf, Y)
    ref = SkglmGroupLasso(groups=[20, 30, 10], alpha=alpha, weights=weights, tol=TOL,
                          fit_intercept=fit_intercept).fit(Xf, Y)
    assert np.linalg.norm(ours.coef_) > 1e-5
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-6)
    assert ours.intercept_ == pytest.approx(ref.intercept_, rel=1e-4, abs=1e-8)


def test_group_lasso_sparse_equals_dense():
    groups, weights, alpha = _group_problem()
    pen = GroupL2(alpha, groups, weights)
    solver = BlockCoordinateDescent(selection="cyclic", tol=1e-12)
    Xd = X_SPARSE.toarray()
    dense = GeneralizedLinearEstimator(Quadratic(), pen, solver, fit_intercept=True).fit(Xd, Y)
    sparse = GeneralizedLinearEstimator(Quadratic(), pen, solver,
                                        fit_intercept=True).fit(X_SPARSE, Y)
    np.testing.assert_allclose(sparse.coef_, dense.coef_, atol=1e-7, rtol=1e-5)
    assert sparse.intercept_ == pytest.approx(dense.intercept_, abs=1e-6)
    assert sparse.solver_result_.converged and dense.solver_result_.converged


# ----------------------------------------------------------------------- GroupSparseRegression
def test_group_sparse_regression_refuses_sparse_input():
    # convention (documented: "Dense training data"): the WGSEF fit needs a dense X
    Xg, yg, _, groups, _ = make_group_sparse_regression(random_state=0)
    with pytest.raises(TypeError, match="[Ss]parse"):
        GroupSparseRegression(5, groups).fit(sp.csr_matrix(Xg), yg)


# ----------------------------------------------------------------------------- convergence warnings
_STARVED = {
    "Lasso": lambda: Lasso(ALPHA, max_iter=2, tol=1e-14),
    "SparseLogisticRegression": lambda: SparseLogisticRegression(ALPHA, max_iter=2, tol=1e-14),
    "multinomial": lambda: SparseLogisticRegression(ALPHA, max_iter=2, tol=1e-14),
    "GroupSparseRegression": lambda: GroupSparseRegression(2, 6, exact=False, max_iter=2,
                                                           tol=1e-14),
    "GLE-GroupL2-BCD": lambda: GeneralizedLinearEstimator(
        Quadratic(), GroupL2(ALPHA, 6), BlockCoordinateDescent(selection="cyclic", max_iter=2,
                                                                tol=1e-14)),
    "GLE-WGSEF-PG": lambda: GeneralizedLinearEstimator(
        Quadratic(), WeightedGroupSparseEnvelope(2, 6, alpha=0.1),
        ProximalGradient(max_iter=2, tol=1e-14)),
}


@pytest.mark.parametrize("name", list(_STARVED))
def test_starved_fit_warns_naming_max_iter_and_tol(name):
    y = np.digitize(X[:, 0], [-0.5, 0.5]) if name == "multinomial" else Y
    with pytest.warns(ConvergenceWarning, match=r"max_iter=2\b.*tol=1e-14"):
        _STARVED[name]().fit(X, y)
