"""Lasso against cvxpy and scikit-learn; lasso_path; input validation."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import Lasso as SkLasso
from sklearn.linear_model import lasso_path as sk_lasso_path

from sparseopt.datafits import Quadratic
from sparseopt.linear_model import Lasso, lasso_path
from sparseopt.penalties import L1
from sparseopt.reference import lasso_reference
from sparseopt.solvers import BlockCoordinateDescent
from sparseopt.utils import primal_objective

from ..conftest import as_format


def _objective(X, y, coef, intercept, alpha):
    return primal_objective(Quadratic(), L1(alpha), X, y, coef, intercept)


@pytest.mark.parametrize("fmt", ["dense", "dense_c", "sparse"])
@pytest.mark.parametrize("fit_intercept", [False, True])
def test_lasso_matches_cvxpy(regression_data, fmt, fit_intercept):
    X, y = regression_data
    X = as_format(X, fmt)
    alpha = 0.1 * np.max(np.abs(X.T @ (y - y.mean()))) / X.shape[0]
    reg = Lasso(alpha=alpha, fit_intercept=fit_intercept, tol=1e-10).fit(X, y)
    w_ref, b_ref, obj_ref = lasso_reference(X, y, alpha, fit_intercept=fit_intercept)
    obj = _objective(X, y, reg.coef_, reg.intercept_, alpha)
    assert abs(obj - obj_ref) <= 1e-7 * obj_ref
    np.testing.assert_allclose(reg.coef_, w_ref, atol=1e-5)
    assert abs(reg.intercept_ - b_ref) < 1e-5
    assert reg.dual_gap_ <= 1e-10 * Quadratic().value(y, np.full_like(y, y.mean()) if
                                                      fit_intercept else np.zeros_like(y))


@pytest.mark.parametrize("fmt", ["dense", "sparse"])
@pytest.mark.parametrize("fit_intercept", [False, True])
def test_lasso_matches_sklearn_tight(regression_data, fmt, fit_intercept):
    X, y = regression_data
    X = as_format(X, fmt)
    alpha = 0.02
    ours = Lasso(alpha=alpha, fit_intercept=fit_intercept, tol=1e-13).fit(X, y)
    sk = SkLasso(alpha=alpha, fit_intercept=fit_intercept, tol=1e-14, max_iter=100_000).fit(X, y)
    o1 = _objective(X, y, ours.coef_, ours.intercept_, alpha)
    o2 = _objective(X, y, sk.coef_, sk.intercept_, alpha)
    assert o1 <= o2 * (1 + 1e-10)
    assert abs(o1 - o2) <= 1e-10 * o2
    np.testing.assert_allclose(ours.coef_, sk.coef_, atol=1e-6)


@pytest.mark.parametrize("solver", [
    BlockCoordinateDescent(selection="gsl", partition="sorted", block_size=4),
    BlockCoordinateDescent(selection="gsd", partition="variable", block_size=3, update="matrix"),
    BlockCoordinateDescent(selection="random", random_state=0),
], ids=repr)
def test_lasso_with_other_solvers(regression_data, solver):
    X, y = regression_data
    ref = Lasso(alpha=0.05, tol=1e-12).fit(X, y)
    reg = Lasso(alpha=0.05, tol=1e-12, solver=solver).fit(X, y)
    np.testing.assert_allclose(reg.coef_, ref.coef_, atol=1e-6)
    assert solver.tol == 1e-6  # the user's solver instance is untouched


def test_attributes_and_history(small_regression):
    X, y = small_regression
    reg = Lasso(alpha=0.05).fit(X, y)
    assert reg.n_iter_ >= 1 and len(reg.history_["objective"]) == reg.n_iter_
    assert reg.history_["criterion"][-1] == reg.dual_gap_
    assert reg.n_features_in_ == X.shape[1]
    np.testing.assert_allclose(reg.predict(X), X @ reg.coef_ + reg.intercept_)


def test_warm_start_reuses_coef(small_regression):
    X, y = small_regression
    reg = Lasso(alpha=0.05, warm_start=True, tol=1e-10).fit(X, y)
    n_cold = reg.n_iter_
    reg.fit(X, y)
    assert reg.n_iter_ <= 1 < n_cold
    cold = Lasso(alpha=0.05, tol=1e-10).fit(X, y)
    np.testing.assert_allclose(reg.coef_, cold.coef_, atol=1e-7)


def test_inputs_not_modified(small_regression):
    X, y = small_regression
    X0, y0 = X.copy(), y.copy()
    Lasso(alpha=0.01).fit(X, y)
    Xs = sp.csc_matrix(X)
    data0 = Xs.data.copy()
    Lasso(alpha=0.01).fit(Xs, y)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)
    np.testing.assert_array_equal(Xs.data, data0)


@pytest.mark.parametrize("kwargs,exc,name", [
    ({"alpha": -1.0}, ValueError, "alpha"),
    ({"alpha": "big"}, TypeError, "alpha"),
    ({"tol": -1e-3}, ValueError, "tol"),
    ({"max_iter": 0}, ValueError, "max_iter"),
    ({"solver": "cd"}, TypeError, "solver"),
    ({"solver": BlockCoordinateDescent(selection="nope")}, ValueError, "selection"),
    ({"solver": BlockCoordinateDescent(partition="nope")}, ValueError, "partition"),
    ({"solver": BlockCoordinateDescent(update="nope")}, ValueError, "update"),
    ({"solver": BlockCoordinateDescent(block_size=1000)}, ValueError, "block_size"),
    ({"fit_intercept": "yes"}, TypeError, "fit_intercept"),
])
def test_bad_parameters(small_regression, kwargs, exc, name):
    X, y = small_regression
    with pytest.raises(exc, match=name):
        Lasso(**kwargs).fit(X, y)


def test_bad_data(small_regression):
    X, y = small_regression
    Xn = X.copy()
    Xn[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        Lasso().fit(Xn, y)
    Xi = X.copy()
    Xi[0, 0] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        Lasso().fit(Xi, y)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        Lasso().fit(X, y[:-1])
    reg = Lasso(alpha=0.1).fit(X, y)
    with pytest.raises(ValueError, match="features"):
        reg.predict(X[:, :-1])


def test_lasso_path_matches_sklearn(small_regression):
    X, y = small_regression
    alphas, coefs, gaps = lasso_path(X, y, n_alphas=10, eps=1e-2, tol=1e-12)
    alpha_max = np.max(np.abs(X.T @ y)) / X.shape[0]
    np.testing.assert_allclose(alphas, alpha_max * np.logspace(0, -2, 10), rtol=1e-12)
    sk_alphas, sk_coefs, _ = sk_lasso_path(X, y, alphas=alphas, tol=1e-14, max_iter=100_000)
    np.testing.assert_allclose(coefs, sk_coefs, atol=1e-6)
    assert np.all(coefs[:, 0] == 0) and gaps.shape == (10,)


def test_lasso_path_intercepts_and_grid(small_regression):
    X, y = small_regression
    alphas, coefs, gaps, b = lasso_path(X, y, alphas=[0.01, 0.1], fit_intercept=True,
                                        tol=1e-10, return_intercepts=True)
    assert alphas.tolist() == [0.1, 0.01]
    for k, a in enumerate(alphas):
        reg = Lasso(alpha=a, tol=1e-10).fit(X, y)
        np.testing.assert_allclose(coefs[:, k], reg.coef_, atol=1e-6)
        assert abs(b[k] - reg.intercept_) < 1e-6
    with pytest.raises(ValueError, match="alphas"):
        lasso_path(X, y, alphas=[-1.0])


@pytest.mark.parametrize("fmt", ["dense", "sparse"])
def test_positive_lasso_matches_sklearn_and_cvxpy(regression_data, fmt):
    X, y = regression_data
    X = as_format(X, fmt)
    alpha = 0.02
    ours = Lasso(alpha=alpha, positive=True, tol=1e-12).fit(X, y)
    sk = SkLasso(alpha=alpha, positive=True, tol=1e-14, max_iter=100_000).fit(X, y)
    assert np.all(ours.coef_ >= 0)
    np.testing.assert_allclose(ours.coef_, sk.coef_, atol=1e-6)
    w_ref, b_ref, obj = lasso_reference(X, y, alpha, fit_intercept=True, positive=True)
    np.testing.assert_allclose(ours.coef_, w_ref, atol=1e-5)
    with pytest.raises(TypeError, match="positive"):
        Lasso(positive="yes").fit(X, y)
