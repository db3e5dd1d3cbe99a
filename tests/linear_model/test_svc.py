"""The linear SVM: the dual datafit QuadraticSVC with a box carrying the dual's linear term,
against cvxpy (both the dual and the hinge primal), scikit-learn's liblinear and skglm; the
LinearSVC estimator (intercept, one-vs-rest, sparse input, warm start) and its refusals."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV

from sparseopt.datafits import Quadratic, QuadraticSVC
from sparseopt.linear_model import GeneralizedLinearEstimator, LinearSVC
from sparseopt.penalties import L1, Box
from sparseopt.reference import glm_reference
from sparseopt.solvers import BlockCoordinateDescent


def _data(n, p, seed, shift=0.3):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    y = np.where(X[:, 0] + X[:, 1] + 0.7 * rng.standard_normal(n) > shift, 1.0, -1.0)
    return X, y


def _hinge_primal(X, signs, beta, C):
    """``C sum_i max(0, 1 - y_i x_i^T beta) + ||beta||^2 / 2`` (``X`` holds any constant
    column the intercept needs)."""
    return C * np.maximum(0.0, 1.0 - signs * (X @ beta)).sum() + 0.5 * beta @ beta


def _cvxpy_primal(X, signs, C):
    cp = pytest.importorskip("cvxpy")
    beta = cp.Variable(X.shape[1])
    prob = cp.Problem(cp.Minimize(C * cp.sum(cp.pos(1 - cp.multiply(signs, X @ beta)))
                                  + 0.5 * cp.sum_squares(beta)))
    prob.solve(solver="CLARABEL", tol_gap_abs=1e-12, tol_gap_rel=1e-12, tol_feas=1e-12)
    return prob.value, beta.value


@pytest.mark.parametrize("n, p, C", [(60, 10, 0.5), (40, 80, 1.0), (150, 20, 5.0)])
def test_dual_solve_matches_cvxpy_primal_and_certifies_by_the_gap(n, p, C):
    X, signs = _data(n, p, seed=n)
    M = (signs[:, None] * X).T
    a, res = BlockCoordinateDescent("cyclic", tol=1e-12).solve(QuadraticSVC(), Box(0.0, C), M,
                                                               signs)
    assert res.converged
    assert np.all((a >= 0) & (a <= C))
    beta = M @ a
    dual_value = 0.5 * beta @ beta - a.sum()
    ref, beta_ref = _cvxpy_primal(X, signs, C)
    primal = _hinge_primal(X, signs, beta, C)
    np.testing.assert_allclose(primal, ref, rtol=1e-8)
    np.testing.assert_allclose(-dual_value, ref, rtol=1e-8)  # strong duality
    np.testing.assert_allclose(beta, beta_ref, atol=1e-5 * max(1.0, np.abs(beta_ref).max()))
    # the solver's objective is the dual objective itself, its gap primal - (-dual)
    np.testing.assert_allclose(res.history["objective"][-1], dual_value, rtol=1e-10)
    assert res.dual_gap <= 1e-12 * n * C + 1e-12


def test_dual_solve_with_greedy_selection_and_sparse_design():
    X, signs = _data(80, 15, seed=3)
    M = (signs[:, None] * X).T
    ref, _ = _cvxpy_primal(X, signs, 1.0)
    for solver, design in ((BlockCoordinateDescent("gsq", tol=1e-12), M),
                           (BlockCoordinateDescent("cyclic", tol=1e-12), sp.csc_matrix(M))):
        a, res = solver.solve(QuadraticSVC(), Box(0.0, 1.0), design, signs)
        assert res.converged
        np.testing.assert_allclose(_hinge_primal(X, signs, M @ a, 1.0), ref, rtol=1e-8)


def test_zero_sample_sits_at_the_bound_without_a_warning():
    """A sample with x_i = 0 is invisible to the datafit: its dual variable minimises the
    linear term alone (a_i = C), so the gap closes and no ConvergenceWarning is raised."""
    X, signs = _data(50, 6, seed=5)
    X[7] = 0.0
    M = (signs[:, None] * X).T
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        a, res = BlockCoordinateDescent("cyclic", tol=1e-10).solve(QuadraticSVC(),
                                                                   Box(0.0, 2.0), M, signs)
    assert res.converged and a[7] == 2.0


def test_refusals_name_the_pair_and_the_intercept():
    X, signs = _data(30, 4, seed=1)
    M = (signs[:, None] * X).T
    with pytest.raises(TypeError, match="QuadraticSVC with penalty L1"):
        BlockCoordinateDescent().solve(QuadraticSVC(), L1(0.1), M, signs)
    with pytest.raises(ValueError, match="no intercept"):
        BlockCoordinateDescent().solve(QuadraticSVC(), Box(0.0, 1.0), M, signs,
                                       fit_intercept=True)
    with pytest.raises(ValueError, match="QuadraticSVC with penalty Box.*LinearSVC"):
        GeneralizedLinearEstimator(QuadraticSVC(), Box(0.0, 1.0)).fit(X, signs)


# ------------------------------------------------------------------ the estimator
@pytest.mark.parametrize("fit_intercept, scaling", [(False, 1.0), (True, 1.0), (True, 10.0)])
def test_linear_svc_matches_cvxpy_and_liblinear(fit_intercept, scaling):
    X, signs = _data(120, 8, seed=11, shift=1.0)
    y = np.where(signs > 0, "yes", "no")
    C = 0.7
    est = LinearSVC(C=C, fit_intercept=fit_intercept, intercept_scaling=scaling,
                    tol=1e-12).fit(X, y)
    assert est.classes_.tolist() == ["no", "yes"]
    Xa = np.hstack([X, np.full((X.shape[0], 1), scaling)]) if fit_intercept else X
    beta = np.r_[est.coef_[0], est.intercept_[0] / scaling] if fit_intercept else est.coef_[0]
    ref, beta_ref = _cvxpy_primal(Xa, signs, C)
    np.testing.assert_allclose(_hinge_primal(Xa, signs, beta, C), ref, rtol=1e-8)
    np.testing.assert_allclose(beta, beta_ref, atol=1e-5)
    # liblinear's dual coordinate descent solves the same problem (it stops earlier, on a
    # projected-gradient rule: compare objectives and predictions)
    from sklearn.svm import LinearSVC as SkLinearSVC

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        sk = SkLinearSVC(C=C, loss="hinge", dual=True, fit_intercept=fit_intercept,
                         intercept_scaling=scaling, tol=1e-10, max_iter=100_000).fit(X, y)
    sk_beta = np.r_[sk.coef_[0], sk.intercept_[0] / scaling] if fit_intercept else sk.coef_[0]
    assert _hinge_primal(Xa, signs, beta, C) <= _hinge_primal(Xa, signs, sk_beta, C) + 1e-10
    np.testing.assert_allclose(est.coef_, sk.coef_, atol=0.05)
    assert np.mean(est.predict(X) == sk.predict(X)) >= 0.97
    assert est.dual_.shape == (120,) and np.all((est.dual_ >= 0) & (est.dual_ <= C))


def test_linear_svc_no_worse_than_skglm():
    skglm = pytest.importorskip("skglm")
    X, signs = _data(200, 30, seed=2)
    C = 1.0
    ours = LinearSVC(C=C, fit_intercept=False, tol=1e-10).fit(X, signs)
    sk = skglm.LinearSVC(C=C, fit_intercept=False, tol=1e-10).fit(X, signs)
    p_ours = _hinge_primal(X, signs, ours.coef_[0], C)
    p_sk = _hinge_primal(X, signs, np.ravel(sk.coef_), C)
    assert p_ours <= p_sk * (1 + 1e-8)


def test_one_vs_rest_sparse_input_and_warm_start():
    from sklearn.svm import LinearSVC as SkLinearSVC

    rng = np.random.default_rng(4)
    X = rng.standard_normal((150, 6))
    y = np.argmax(X[:, :3] + 0.3 * rng.standard_normal((150, 3)), axis=1)
    est = LinearSVC(C=0.5, tol=1e-12).fit(X, y)
    assert est.coef_.shape == (3, 6) and est.intercept_.shape == (3,)
    assert est.dual_.shape == (3, 150)
    for k in range(3):  # one-vs-rest: each row is the binary fit of class k against the rest
        binary = LinearSVC(C=0.5, tol=1e-12).fit(X, y == k)
        np.testing.assert_allclose(est.coef_[k], binary.coef_[0], rtol=1e-12)
        np.testing.assert_allclose(est.intercept_[k], binary.intercept_[0], rtol=1e-12)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        sk = SkLinearSVC(C=0.5, loss="hinge", tol=1e-10, max_iter=100_000).fit(X, y)
    np.testing.assert_allclose(est.coef_, sk.coef_, atol=0.05)
    assert est.decision_function(X).shape == (150, 3)
    assert np.mean(est.predict(X) == sk.predict(X)) >= 0.97
    sparse = LinearSVC(C=0.5, tol=1e-12).fit(sp.csr_matrix(X), y)
    np.testing.assert_allclose(sparse.coef_, est.coef_, atol=1e-6)
    warm = clone(est).set_params(warm_start=True)
    warm.fit(X, y)
    n_cold = warm.n_iter_
    warm.fit(X, y)
    assert warm.n_iter_ <= 2 < n_cold
    np.testing.assert_allclose(warm.coef_, est.coef_, atol=1e-6)


def test_grid_search_over_C():
    X, signs = _data(90, 5, seed=8)
    gs = GridSearchCV(LinearSVC(), {"C": [0.01, 1.0]}, cv=3).fit(X, signs)
    assert gs.best_params_["C"] in (0.01, 1.0)


@pytest.mark.parametrize("params, match", [
    ({"C": 0.0}, "C must be > 0"),
    ({"C": -1.0}, "C must be > 0"),
    ({"C": np.nan}, "C must be finite"),
    ({"intercept_scaling": 0.0}, "intercept_scaling must be > 0"),
    ({"fit_intercept": "yes"}, "fit_intercept"),
    ({"tol": -1.0}, "tol"),
])
def test_bad_parameters_are_refused_naming_them(params, match):
    X, signs = _data(30, 3, seed=0)
    with pytest.raises((ValueError, TypeError), match=match):
        LinearSVC(**params).fit(X, signs)


def test_bad_targets_are_refused():
    X, _ = _data(30, 3, seed=0)
    with pytest.raises(ValueError, match="only one class"):
        LinearSVC().fit(X, np.ones(30))
    with pytest.raises(ValueError, match="Unknown label type"):
        LinearSVC().fit(X, np.linspace(0, 1, 30))


@pytest.mark.parametrize("C", [100.0, 1e5])
def test_large_C_is_certified_relative_to_the_objective(C):
    """With a large C the optimum is far below n C (the objective's bound at zero): the gap
    is measured against the objective itself, so the default tol still certifies it (the
    run used to stop 0.4% above the optimum here)."""
    rng = np.random.default_rng(7)
    X = rng.standard_normal((40, 3))
    signs = np.where(X[:, 0] + 0.3 * X[:, 1] > 0, 1.0, -1.0)  # separable
    est = LinearSVC(C=C).fit(X, signs)
    Xa = np.hstack([X, np.ones((40, 1))])
    ref, beta_ref = _cvxpy_primal(Xa, signs, C)
    beta = np.r_[est.coef_[0], est.intercept_[0]]
    np.testing.assert_allclose(_hinge_primal(Xa, signs, beta, C), ref, rtol=1e-5)
    assert est.dual_gap_ <= 1e-6 * ref


def test_warm_start_with_a_smaller_C_stays_in_the_new_box():
    X, signs = _data(60, 4, seed=9)
    est = LinearSVC(C=10.0, warm_start=True, tol=1e-10).fit(X, signs)
    est.set_params(C=0.01).fit(X, signs)
    assert np.all((est.dual_ >= 0) & (est.dual_ <= 0.01))
    cold = LinearSVC(C=0.01, tol=1e-10).fit(X, signs)
    np.testing.assert_allclose(est.coef_, cold.coef_, atol=1e-8)


def test_a_warm_start_outside_the_box_is_projected():
    """The solvers keep iterates in the penalty's domain: a start outside it is projected
    (it used to stay there, with a zero gap)."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((30, 5))
    y = X @ np.array([2.0, -2.0, 0.5, 0.0, 1.0])
    w0 = np.full(5, 5.0)
    pytest.importorskip("cvxpy")
    w, res = BlockCoordinateDescent("cyclic", tol=1e-12).solve(Quadratic(), Box(0.0, 1.0), X,
                                                               y, w0)
    ref_w = glm_reference(Quadratic(), Box(0.0, 1.0), X, y)[0]
    assert np.all((w >= 0) & (w <= 1)) and res.converged
    np.testing.assert_allclose(w, ref_w, atol=1e-6)


def test_zero_column_with_a_positive_slope_goes_to_its_lower_bound():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((30, 4))
    X[:, 2] = 0.0
    y = X @ np.array([0.5, 0.2, 0.0, 0.7])
    w, res = BlockCoordinateDescent("cyclic", tol=1e-12).solve(
        Quadratic(), Box(0.0, 1.0, linear=0.5), X, y, np.full(4, 0.7))
    assert res.converged and w[2] == 0.0
