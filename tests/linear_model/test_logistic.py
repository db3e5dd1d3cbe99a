"""SparseLogisticRegression against cvxpy and liblinear."""

import numpy as np
import pytest
import sklearn
from sklearn.linear_model import LogisticRegression

from sparseopt.datafits import Logistic
from sparseopt.linear_model import SparseLogisticRegression
from sparseopt.penalties import L1
from sparseopt.reference import logistic_l1_reference
from sparseopt.solvers import BlockCoordinateDescent
from sparseopt.utils import primal_objective

from ..conftest import as_format

# scikit-learn >= 1.8 selects L1 with l1_ratio=1 (penalty= is deprecated)
L1_KW = ({"l1_ratio": 1.0} if tuple(int(v) for v in sklearn.__version__.split(".")[:2]) >= (1, 8)
         else {"penalty": "l1"})


@pytest.fixture(params=["random", "correlated"])
def classification_data(request):
    rng = np.random.default_rng(5)
    X = rng.standard_normal((80, 25))
    if request.param == "correlated":
        for j in range(1, X.shape[1]):
            X[:, j] = 0.9 * X[:, j - 1] + np.sqrt(1 - 0.81) * X[:, j]
    y = np.sign(X[:, 0] - 0.5 * X[:, 3] + 0.3 + 0.5 * rng.standard_normal(80))
    return X, y


@pytest.mark.parametrize("fmt", ["dense", "sparse"])
@pytest.mark.parametrize("fit_intercept", [False, True])
@pytest.mark.parametrize("update", ["newton", "gradient"])
def test_logistic_matches_cvxpy(classification_data, fmt, fit_intercept, update):
    X, y = classification_data
    X = as_format(X, fmt)
    alpha = 0.02
    clf = SparseLogisticRegression(alpha=alpha, fit_intercept=fit_intercept, tol=1e-10,
                                   solver=BlockCoordinateDescent(update=update,
                                                                 selection="cyclic"))
    clf.fit(X, y)
    w_ref, b_ref, obj_ref = logistic_l1_reference(X, y, alpha, fit_intercept=fit_intercept)
    obj = primal_objective(Logistic(), L1(alpha), X, y, clf.coef_[0], clf.intercept_[0])
    assert abs(obj - obj_ref) <= 1e-7 * obj_ref
    np.testing.assert_allclose(clf.coef_[0], w_ref, atol=1e-5)
    assert abs(clf.intercept_[0] - b_ref) < 1e-5


def test_logistic_matches_liblinear(small_classification):
    X, y = small_classification
    n = X.shape[0]
    alpha = 0.01
    ours = SparseLogisticRegression(alpha=alpha, fit_intercept=False, tol=1e-12).fit(X, y)
    lib = LogisticRegression(C=1 / (n * alpha), solver="liblinear", fit_intercept=False,
                             tol=1e-12, max_iter=100_000, **L1_KW).fit(X, y)
    o1 = primal_objective(Logistic(), L1(alpha), X, y, ours.coef_[0])
    o2 = primal_objective(Logistic(), L1(alpha), X, y, lib.coef_[0])
    assert o1 <= o2 * (1 + 1e-9)
    np.testing.assert_allclose(ours.coef_, lib.coef_, atol=1e-4)


def test_labels_probabilities_and_predictions(small_classification):
    X, y = small_classification
    labels = np.where(y > 0, "spam", "ham")
    clf = SparseLogisticRegression(alpha=0.01).fit(X, labels)
    assert clf.classes_.tolist() == ["ham", "spam"]
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_allclose(np.log(proba), clf.predict_log_proba(X), atol=1e-12)
    pred = clf.predict(X)
    np.testing.assert_array_equal(pred, clf.classes_[proba.argmax(axis=1)])
    assert clf.score(X, labels) > 0.8
    assert clf.coef_.shape == (1, X.shape[1]) and clf.intercept_.shape == (1,)


def test_multinomial_matches_cvxpy_and_predicts():
    cp = pytest.importorskip("cvxpy")
    rng = np.random.default_rng(0)
    n, p, K = 60, 8, 3
    X = rng.standard_normal((n, p))
    lab = np.argmax(X[:, :K] + 0.5 * rng.standard_normal((n, K)), axis=1)
    alpha = 0.02
    clf = SparseLogisticRegression(alpha=alpha, fit_intercept=False, tol=1e-10).fit(X, lab)
    Y = np.eye(K)[lab]
    Wv = cp.Variable((p, K))
    Z = X @ Wv
    obj = cp.sum(cp.log_sum_exp(Z, axis=1) - cp.sum(cp.multiply(Y, Z), axis=1)) / n \
        + alpha * cp.sum(cp.norm(Wv, 2, axis=1))
    prob = cp.Problem(cp.Minimize(obj))
    prob.solve(solver=cp.CLARABEL)
    from sparseopt.solvers._multinomial import multinomial_objective

    ours = multinomial_objective(X, Y, clf.coef_.T, np.zeros(K), alpha)
    assert abs(ours - prob.value) <= 1e-7 * prob.value
    np.testing.assert_allclose(clf.coef_.T, Wv.value, atol=1e-4)
    assert clf.coef_.shape == (K, p) and clf.intercept_.shape == (K,)
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[proba.argmax(axis=1)])
    # whole rows are zero or not (row-group penalty)
    big = SparseLogisticRegression(alpha=0.15, fit_intercept=True).fit(X, lab)
    zero_rows = np.all(big.coef_ == 0, axis=0)
    assert zero_rows.any() and not np.all(zero_rows)


def test_warm_start(small_classification):
    X, y = small_classification
    clf = SparseLogisticRegression(alpha=0.01, warm_start=True, tol=1e-10).fit(X, y)
    coef = clf.coef_.copy()
    clf.fit(X, y)
    assert clf.n_iter_ == 1
    np.testing.assert_allclose(clf.coef_, coef, atol=1e-8)


def test_bad_alpha(small_classification):
    X, y = small_classification
    with pytest.raises(ValueError, match="alpha"):
        SparseLogisticRegression(alpha=-0.1).fit(X, y)


@pytest.mark.parametrize("fit_intercept", [False, True])
def test_multinomial_reference_solve(fit_intercept):
    """reference_solve certifies a multinomial fit (and a non-negative Lasso fit)."""
    pytest.importorskip("cvxpy")
    from sparseopt.linear_model import Lasso
    from sparseopt.reference import reference_solve

    rng = np.random.default_rng(3)
    X = rng.standard_normal((80, 6))
    y = np.argmax(X[:, :4] + 0.3 * rng.standard_normal((80, 4)), axis=1)
    clf = SparseLogisticRegression(alpha=0.03, fit_intercept=fit_intercept, tol=1e-10).fit(X, y)
    coef, b, obj = reference_solve(clf, X, y)
    np.testing.assert_allclose(clf.coef_, coef, atol=2e-4)
    # intercepts are defined up to a common shift (softmax invariance)
    np.testing.assert_allclose(clf.intercept_ - clf.intercept_.mean(), b - b.mean(), atol=2e-4)
    Z = X @ clf.coef_.T + clf.intercept_
    Y = np.eye(4)[y]
    ours = np.mean(np.log(np.exp(Z).sum(1)) - (Z * Y).sum(1)) + 0.03 * np.linalg.norm(
        clf.coef_, axis=0).sum()
    assert ours <= obj + 1e-7 * abs(obj)
    reg = Lasso(alpha=0.05, positive=True, tol=1e-10).fit(X, X[:, 0] - X[:, 1])
    w, _, _ = reference_solve(reg, X, X[:, 0] - X[:, 1])
    assert np.all(w >= -1e-8) and np.allclose(w, reg.coef_, atol=1e-5)
