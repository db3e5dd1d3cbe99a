"""GroupSparseRegression: exactly k groups, stationarity, ridge limit, equivariances."""

import numpy as np
import pytest
from sklearn.linear_model import Ridge

from sparseopt.datasets import make_group_sparse_regression
from sparseopt.linear_model import GroupSparseRegression
from sparseopt.solvers import BlockCoordinateDescent


@pytest.fixture(scope="module")
def demo():
    return make_group_sparse_regression(random_state=0)


def _n_groups(w, groups):
    return np.count_nonzero(np.bincount(groups, w * w))


def test_exactly_k_groups_and_stationarity(demo):
    X, y, _, groups, _ = demo
    reg = GroupSparseRegression(5, groups, alpha=0.05 * y.var()).fit(X, y)
    assert _n_groups(reg.coef_, groups) == 5 and len(reg.active_groups_) == 5
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    n = X.shape[0]
    grad = Xc.T @ (Xc @ reg.coef_ - yc) / n
    S = np.isin(groups, reg.active_groups_)
    # restricted normal equations on the kept groups
    assert np.abs(grad[S]).max() <= 1e-8 * np.linalg.norm(X, 2) * np.linalg.norm(y) / n
    # L-stationarity of group IHT: kept groups dominate eta * gradient norms of the others
    eta = n / np.linalg.norm(Xc, 2) ** 2
    v_w = np.sqrt(np.bincount(groups, reg.coef_**2))
    v_g = np.sqrt(np.bincount(groups, grad**2))
    out = np.setdiff1d(np.arange(groups.max() + 1), reg.active_groups_)
    assert v_w[reg.active_groups_].min() >= eta * v_g[out].max() - 1e-10
    np.testing.assert_allclose(reg.predict(X), X @ reg.coef_ + reg.intercept_)
    assert set(reg.history_) == {"objective", "gap", "t", "n_active_groups", "stage"}


def test_convex_stage_keeps_at_least_k(demo):
    X, y, _, groups, _ = demo
    reg = GroupSparseRegression(5, groups, alpha=0.05 * y.var(), exact=False).fit(X, y)
    assert _n_groups(reg.coef_, groups) >= 5
    np.testing.assert_array_equal(reg.coef_, reg.convex_coef_)


def test_k_equal_m_is_ridge():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 12))
    y = rng.standard_normal(40) + 2.0
    reg = GroupSparseRegression(4, 3, alpha=0.3, exact=False, tol=1e-14,
                                max_iter=100_000).fit(X, y)
    ridge = Ridge(alpha=40 * 0.3).fit(X, y)
    np.testing.assert_allclose(reg.coef_, ridge.coef_, atol=1e-6)
    assert reg.intercept_ == pytest.approx(ridge.intercept_, abs=1e-6)


def test_scaling_equivariances(demo):
    X, y, _, groups, _ = demo
    a = 0.05 * y.var()
    base = GroupSparseRegression(5, groups, alpha=a, tol=1e-12, max_iter=5000).fit(X, y)
    scaled_y = GroupSparseRegression(5, groups, alpha=a, tol=1e-12, max_iter=5000).fit(X, 3 * y)
    np.testing.assert_allclose(scaled_y.coef_, 3 * base.coef_, rtol=1e-6, atol=1e-8)
    scaled_X = GroupSparseRegression(5, groups, alpha=a * 4, tol=1e-12,
                                     max_iter=5000).fit(2 * X, y)
    np.testing.assert_allclose(scaled_X.coef_, base.coef_ / 2, rtol=1e-6, atol=1e-8)


def test_warm_start_and_errors(demo):
    X, y, _, groups, _ = demo
    reg = GroupSparseRegression(5, groups, alpha=0.05 * y.var(), warm_start=True).fit(X, y)
    coef = reg.coef_.copy()
    reg.fit(X, y)
    np.testing.assert_allclose(reg.coef_, coef, atol=1e-8)
    for k in (0, 51, 2.5):
        with pytest.raises(ValueError, match="n_groups_active"):
            GroupSparseRegression(k, groups).fit(X, y)
    with pytest.raises(ValueError, match="groups"):
        GroupSparseRegression(1, 7).fit(X, y)
    with pytest.raises(ValueError, match="solver"):
        GroupSparseRegression(1, groups, solver=BlockCoordinateDescent()).fit(X, y)


def test_support_recovery_rates():
    """At rho = 0, exact=True recovers the true groups in >= 9 of 10 seeds."""
    ok_exact = ok_topk = 0
    for seed in range(10):
        X, y, _, groups, active = make_group_sparse_regression(rho=0.0, random_state=seed)
        reg = GroupSparseRegression(5, groups, alpha=0.05 * y.var()).fit(X, y)
        assert len(reg.active_groups_) == 5  # exact=True: exactly k groups, every seed
        ok_exact += np.array_equal(reg.active_groups_, active)
        norms = np.sqrt(np.bincount(groups, reg.convex_coef_**2))
        ok_topk += np.array_equal(np.sort(np.argsort(-norms)[:5]), active)
    assert ok_exact >= 9 and ok_topk >= 8
