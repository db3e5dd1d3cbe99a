"""Shared representation (closed forms, streaming) and task relevance (vs sklearn / cvxpy)."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Lasso as SkLasso

from sparseopt.datasets import make_active_multitask
from sparseopt.multitask import LassoTaskRelevance, MultiTaskLinearRepresentation


def _projector(B):
    Q, _ = np.linalg.qr(B)
    return Q @ Q.T


def test_orthogonal_design_is_eckart_young():
    rng = np.random.default_rng(0)
    n, d, T, k = 40, 10, 7, 3
    Q, _ = np.linalg.qr(rng.standard_normal((n, d)))
    X = Q * np.sqrt(n)  # X^T X = n I
    Y = rng.standard_normal((n, T))
    ols = X.T @ Y / n
    U, _, _ = np.linalg.svd(ols)
    # spectral start: exact to 1e-8; from a random start the objective-based stop leaves the
    # subspace error at ~sqrt(eps) (the objective is quadratic in it)
    for init, tol in (("spectral", 1e-8), (rng.standard_normal((d, k)), 1e-7)):
        # the objective converges like the squared subspace error: run to a fixed point
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            rep = MultiTaskLinearRepresentation(k, ridge=0.0, tol=0.0, max_iter=3000,
                                                init=init).fit(X, Y)
        assert np.abs(_projector(rep.components_) - _projector(U[:, :k])).max() <= tol


def test_full_rank_is_per_task_ols_and_noiseless_recovery():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((80, 6))
    Y = rng.standard_normal((80, 4))
    rep = MultiTaskLinearRepresentation(6, ridge=0.0).fit(X, Y)
    np.testing.assert_allclose(rep.components_ @ rep.task_heads_,
                               np.linalg.lstsq(X, Y, rcond=None)[0], atol=1e-8)
    B = np.linalg.qr(rng.standard_normal((12, 3)))[0]
    W = rng.standard_normal((3, 9))
    task = np.repeat(np.arange(9), 20)
    Xs = rng.standard_normal((180, 12))
    ys = np.einsum("ij,ji->i", Xs, (B @ W)[:, task])
    rep = MultiTaskLinearRepresentation(3, ridge=0.0, tol=1e-14, max_iter=1000).fit(
        Xs, ys, task=task)
    sines = np.linalg.svd((np.eye(12) - _projector(rep.components_)) @ B, compute_uv=False)
    assert sines.max() <= 1e-6
    assert np.all(np.diff(rep.history_["objective"]) <= 1e-10 * rep.history_["objective"][0])


def test_partial_fit_equals_fit_and_warning():
    rng = np.random.default_rng(2)
    X = rng.standard_normal((120, 8))
    task = rng.integers(0, 5, 120)
    y = rng.standard_normal(120)
    full = MultiTaskLinearRepresentation(2, ridge=0.0, tol=1e-13, max_iter=300).fit(X, y,
                                                                                  task=task)
    part = MultiTaskLinearRepresentation(2, ridge=0.0, tol=1e-13, max_iter=300)
    for sl in (slice(0, 50), slice(50, 120)):
        part.partial_fit(X[sl], y[sl], task=task[sl])
    np.testing.assert_allclose(part._G, full._G, atol=1e-12)
    with pytest.warns(ConvergenceWarning, match="max_iter=1"):
        MultiTaskLinearRepresentation(2, max_iter=1, tol=0.0).fit(X, y, task=task)


def test_relevance_basis_pursuit_and_lasso_vs_sklearn():
    prob = make_active_multitask(random_state=0)
    rel = LassoTaskRelevance().fit(prob.X_target, prob.y_target, components=prob.components,
                                   task_heads=prob.task_heads)
    assert np.count_nonzero(rel.relevance_) <= 5
    assert rel.allocation_weights_.sum() == pytest.approx(1.0)
    # float alpha: the k-row reduction solves the full Z problem (compare with sklearn on Z)
    Z = prob.X_target @ prob.components @ prob.task_heads
    alpha = 0.01
    ours = LassoTaskRelevance(alpha).fit(Z, prob.y_target)
    sk = SkLasso(alpha=alpha, fit_intercept=False, tol=1e-12, max_iter=100_000).fit(
        Z, prob.y_target)

    def obj(nu):
        r = prob.y_target - Z @ nu
        return r @ r / (2 * len(r)) + alpha * np.abs(nu).sum()

    assert obj(ours.relevance_) <= obj(sk.coef_) * (1 + 1e-8)
    assert abs(obj(ours.relevance_) - obj(sk.coef_)) <= 1e-7 * obj(sk.coef_)
    rep_mode = LassoTaskRelevance(alpha).fit(prob.X_target, prob.y_target,
                                             components=prob.components,
                                             task_heads=prob.task_heads)
    assert obj(rep_mode.relevance_) == pytest.approx(obj(ours.relevance_), rel=1e-7)
    np.testing.assert_allclose(rep_mode.predict(prob.X_target), Z @ rep_mode.relevance_)


def test_relevance_options():
    prob = make_active_multitask(random_state=1)
    kw = dict(components=prob.components, task_heads=prob.task_heads)
    X0, y0 = prob.X_target, prob.y_target
    l2 = LassoTaskRelevance(penalty="l2").fit(X0, y0, **kw)
    F = X0 @ prob.components
    w0 = np.linalg.lstsq(F, y0, rcond=None)[0]
    np.testing.assert_allclose(l2.relevance_, np.linalg.pinv(prob.task_heads) @ w0, atol=1e-10)
    top = LassoTaskRelevance(penalty="l2", max_tasks=3).fit(X0, y0, **kw)
    assert np.count_nonzero(top.relevance_) == 3
    with pytest.warns(UserWarning, match="zero"):
        LassoTaskRelevance(alpha=1e6).fit(X0, y0, **kw)
    b1 = LassoTaskRelevance(n_bootstrap=5, random_state=0).fit(X0, y0, **kw)
    b2 = LassoTaskRelevance(n_bootstrap=5, random_state=0).fit(X0, y0, **kw)
    np.testing.assert_array_equal(b1.relevance_, b2.relevance_)
    assert b1.support_frequency_.max() == 1.0
    with pytest.raises(ValueError, match="task_costs"):
        LassoTaskRelevance(penalty="l2", task_costs=np.ones(100)).fit(X0, y0, **kw)
    with pytest.raises(ValueError, match="alpha"):
        LassoTaskRelevance(alpha=-1.0).fit(X0, y0, **kw)


def test_target_head_variance_with_true_components():
    """With B = B*, E||w0_hat - w0||^2 = sigma0^2 k / (n0 - k - 1) (5000 draws, 5%)."""
    prob = make_active_multitask(random_state=0)
    rng = np.random.default_rng(0)
    errs = []
    theta0 = prob.components @ prob.target_head
    for _ in range(5000):
        X0 = rng.standard_normal((20, 50))
        y0 = X0 @ theta0 + 0.25 * rng.standard_normal(20)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rel = LassoTaskRelevance(penalty="l2").fit(X0, y0, components=prob.components,
                                                      task_heads=prob.task_heads)
        errs.append(np.sum((rel.target_head_ - prob.target_head) ** 2))
    assert np.mean(errs) == pytest.approx(0.25**2 * 5 / (20 - 5 - 1), rel=0.05)
