"""The non-negative group lasso: ``GroupL2(..., positive=True)`` and ``GroupLasso(positive=True)``
against cvxpy, skglm and a brute-force prox."""

import numpy as np
import pytest
import scipy.sparse as sp

from sparseopt.datafits import Logistic, Quadratic, QuadraticMultiTask
from sparseopt.linear_model import GeneralizedLinearEstimator, GroupLasso, MultiTaskLasso
from sparseopt.penalties import GroupL2
from sparseopt.solvers import BlockCoordinateDescent, ProximalGradient

cp = pytest.importorskip("cvxpy")
from sparseopt.reference import glm_reference  # noqa: E402


def _data(seed=0, n=40, p=12):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    w = np.zeros(p)
    w[:3] = [1.0, -0.5, 2.0]  # a mixed-sign group: the constraint binds
    w[6:9] = [0.7, 0.4, 0.9]
    return X, X @ w + 0.1 * rng.standard_normal(n)


def _objective(X, y, w, b, alpha, pen):
    r = y - X @ w - b
    return r @ r / (2 * len(y)) + pen.value(w)


def test_prox_is_the_brute_force_minimiser():
    rng = np.random.default_rng(1)
    pen = GroupL2(0.7, groups=[[0, 1, 2], [3, 4]], weights=[1.0, 2.0], positive=True)
    for _ in range(20):
        x, t = 2 * rng.standard_normal(5), rng.uniform(0.1, 2.0)
        u = pen.prox(x, t)
        assert np.all(u >= 0)
        best = 0.5 * np.sum((u - x) ** 2) / t + pen.value(u)
        trials = np.maximum(u + 0.05 * rng.standard_normal((2000, 5)), 0.0)
        vals = 0.5 * np.sum((trials - x) ** 2, axis=1) / t + [pen.value(v) for v in trials]
        assert best <= vals.min() + 1e-12


def test_value_dual_norm_and_subdifferential():
    pen = GroupL2(1.0, groups=2, positive=True)
    assert pen.value(np.array([1.0, -1e-9, 0.0, 0.0])) == np.inf
    assert pen.dual_norm(np.array([-3.0, -4.0, 3.0, -4.0])) == pytest.approx(3.0)
    # at the prox of x with step 1, -(u - x) lies in the subdifferential at u
    x = np.array([3.0, -4.0, 0.2, -0.1])
    u = pen.prox(x, 1.0)
    np.testing.assert_allclose(pen.subdiff_distance(u, u - x), 0.0, atol=1e-12)


@pytest.mark.parametrize("fit_intercept", [False, True])
@pytest.mark.parametrize("fmt", ["dense", "csc"])
def test_group_lasso_positive_matches_cvxpy(fit_intercept, fmt):
    X, y = _data()
    pen = GroupL2(0.05, groups=3, positive=True)
    w_ref, b_ref, _ = glm_reference(Quadratic(), pen, X, y, fit_intercept=fit_intercept)
    Xf = sp.csc_matrix(X) if fmt == "csc" else X
    reg = GroupLasso(groups=3, alpha=0.05, positive=True, fit_intercept=fit_intercept,
                     tol=1e-12).fit(Xf, y)
    assert np.all(reg.coef_ >= 0)
    p_ours = _objective(X, y, reg.coef_, reg.intercept_, 0.05, pen)
    p_ref = _objective(X, y, np.maximum(w_ref, 0), b_ref, 0.05, pen)
    assert p_ours <= p_ref * (1 + 1e-8)
    # the constraint is active: the unconstrained fit has negative coefficients
    assert np.any(GroupLasso(groups=3, alpha=0.05, fit_intercept=fit_intercept)
                  .fit(X, y).coef_ < 0)


def test_proximal_gradient_and_logistic_positive_group():
    X, y = _data(2)
    pen = GroupL2(0.05, groups=3, positive=True)
    w_pg, _ = ProximalGradient(tol=1e-12, max_iter=20000).solve(Quadratic(), pen, X, y)
    w_ref, _, _ = glm_reference(Quadratic(), pen, X, y)
    assert _objective(X, y, w_pg, 0.0, 0.05, pen) <= \
        _objective(X, y, np.maximum(w_ref, 0), 0.0, 0.05, pen) * (1 + 1e-8)
    yc = np.where(y > np.median(y), 1.0, -1.0)
    bcd = BlockCoordinateDescent(selection="cyclic", tol=1e-12)
    est = GeneralizedLinearEstimator(datafit=Logistic(), penalty=GroupL2(0.02, 3, positive=True),
                                     solver=bcd).fit(X, yc)
    w_ref, _, _ = glm_reference(Logistic(), GroupL2(0.02, 3, positive=True), X, yc)
    pen = GroupL2(0.02, 3, positive=True)
    f = lambda w: np.mean(np.logaddexp(0, -yc * (X @ w))) + pen.value(w)  # noqa: E731
    assert np.all(est.coef_ >= 0)
    assert f(est.coef_) <= f(np.maximum(w_ref, 0)) * (1 + 1e-8)


def test_positive_group_lasso_matches_skglm():
    skglm = pytest.importorskip("skglm")
    X, y = _data(3)
    ours = GroupLasso(groups=3, alpha=0.05, positive=True, fit_intercept=False,
                      tol=1e-12).fit(X, y)
    theirs = skglm.GroupLasso(groups=3, alpha=0.05, positive=True, fit_intercept=False,
                              tol=1e-12, max_iter=1000).fit(X, y)
    pen = GroupL2(0.05, groups=3, positive=True)
    assert _objective(X, y, ours.coef_, 0.0, 0.05, pen) <= \
        _objective(X, y, theirs.coef_, 0.0, 0.05, pen) + 1e-12
    np.testing.assert_allclose(ours.coef_, theirs.coef_, atol=1e-5)


def test_positive_rows_are_refused_and_flags_are_strict():
    X, y = _data()
    Y = np.column_stack([y, -y])
    with pytest.raises(ValueError, match="positive"):
        BlockCoordinateDescent(selection="cyclic").solve(
            QuadraticMultiTask(), GroupL2(0.1, 2, positive=True), X, Y)
    with pytest.raises(TypeError, match="positive"):
        GroupLasso(groups=3, positive="yes").fit(X, y)
    assert MultiTaskLasso(alpha=0.1).fit(X, Y).coef_.shape == (2, 12)
