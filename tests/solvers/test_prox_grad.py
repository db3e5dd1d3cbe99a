"""ProximalGradient against scikit-learn, skglm and closed forms."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Lasso as SkLasso
from sklearn.linear_model import Ridge

from sparseopt.datafits import Logistic, Quadratic
from sparseopt.datasets import make_group_sparse_regression
from sparseopt.penalties import (
    L1,
    GroupL2,
    GroupTopK,
    SparseEnvelope,
    WeightedGroupSparseEnvelope,
)
from sparseopt.reference import logistic_l1_reference
from sparseopt.solvers import BlockCoordinateDescent, ProximalGradient, prox_grad_solve


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((60, 24))
    y = X[:, :6] @ rng.standard_normal(6) + 0.1 * rng.standard_normal(60)
    return X, y


@pytest.mark.parametrize("step", ["backtracking", None])
@pytest.mark.parametrize("accelerated", [True, False])
def test_l1_matches_sklearn(data, step, accelerated):
    X, y = data
    w, res = prox_grad_solve(Quadratic(), L1(0.05), X, y, step=step, accelerated=accelerated,
                             tol=1e-13, max_iter=50_000)
    sk = SkLasso(alpha=0.05, fit_intercept=False, tol=1e-14, max_iter=100_000).fit(X, y)
    assert res.converged
    np.testing.assert_allclose(w, sk.coef_, atol=1e-6)


def test_group_l2_matches_skglm(data):
    skglm = pytest.importorskip("skglm")
    X, y = data
    alpha = 0.05
    w, res = prox_grad_solve(Quadratic(), GroupL2(alpha, 3), X, y, tol=1e-13, max_iter=50_000)
    ref = skglm.GroupLasso(groups=3, alpha=alpha, fit_intercept=False, tol=1e-12,
                           max_iter=10_000).fit(X, y)
    np.testing.assert_allclose(w, ref.coef_, atol=1e-6)


def test_wgsef_k_equal_m_is_ridge(data):
    X, y = data
    n = X.shape[0]
    pen = WeightedGroupSparseEnvelope(8, 3, alpha=0.2)  # 8 groups of 3: k = m
    w, res = prox_grad_solve(Quadratic(), pen, X, y, tol=1e-15, max_iter=50_000)
    ridge = Ridge(alpha=n * 0.2, fit_intercept=False, tol=1e-14, solver="cholesky").fit(X, y)
    np.testing.assert_allclose(w, ridge.coef_, atol=1e-8)


def test_sef_gap_certifies_suboptimality(data):
    """The Fenchel-Young criterion is a duality gap: it bounds P(w) - P* (P* from a long run)."""
    X, y = data
    pen = SparseEnvelope(4, alpha=0.3)
    w_star, _ = prox_grad_solve(Quadratic(), pen, X, y, tol=1e-15, max_iter=100_000)
    p_star = Quadratic().value(y, X @ w_star) + pen.value(w_star)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        w, res = prox_grad_solve(Quadratic(), pen, X, y, max_iter=7, gap_freq=1, tol=0.0)
    p = Quadratic().value(y, X @ w) + pen.value(w)
    assert 0 <= p - p_star <= res.criterion * (1 + 1e-9)


def test_logistic_l1_matches_cvxpy(data):
    X, y = data
    yb = np.sign(y)
    w, res = prox_grad_solve(Logistic(), L1(0.02), X, yb, tol=1e-12, max_iter=100_000)
    w_ref, _, _ = logistic_l1_reference(X, yb, 0.02)
    np.testing.assert_allclose(w, w_ref, atol=1e-5)


def test_ista_is_monotone(data):
    X, y = data
    pen = WeightedGroupSparseEnvelope(2, 4, alpha=0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        _, res = prox_grad_solve(Quadratic(), pen, X, y, accelerated=False, step=None,
                                 gap_freq=1, max_iter=200, tol=0.0)
    obj = res.history["objective"]
    assert np.all(np.diff(obj) <= 1e-12 * obj[0])


def test_restart_beats_ista():
    """FISTA with restart needs <= 0.6 x ISTA's iterations (convex WGSEF stage)."""
    ratios = []
    for seed in range(3):
        X, y, _, groups, _ = make_group_sparse_regression(random_state=seed)
        X = X - X.mean(axis=0)
        y = y - y.mean()
        pen = WeightedGroupSparseEnvelope(5, groups, alpha=0.05 * y.var())
        kw = dict(tol=1e-10, max_iter=20_000, gap_freq=1, step=None)
        _, fista = prox_grad_solve(Quadratic(), pen, X, y, **kw)
        _, ista = prox_grad_solve(Quadratic(), pen, X, y, accelerated=False, **kw)
        assert fista.converged and ista.converged
        ratios.append(fista.n_iter / ista.n_iter)
    assert max(ratios) <= 0.6


def test_errors(data):
    X, y = data
    L = Quadratic().global_lipschitz(X)
    with pytest.raises(ValueError, match="step"):
        prox_grad_solve(Quadratic(), L1(0.1), X, y, step=2.0 / L)
    with pytest.raises(ValueError, match="step"):
        prox_grad_solve(Quadratic(), L1(0.1), X, y, step="armijo")
    with pytest.warns(ConvergenceWarning, match="max_iter=5.*tol"):
        prox_grad_solve(Quadratic(), L1(0.01), X, y, max_iter=5, tol=1e-14)
    for pen in (SparseEnvelope(2), WeightedGroupSparseEnvelope(2, 3), GroupTopK(2, 3)):
        with pytest.raises(ValueError, match="whole-vector prox"):
            BlockCoordinateDescent().solve(Quadratic(), pen, X, y)


def test_nonconvex_group_topk_converges(data):
    X, y = data
    w, res = prox_grad_solve(Quadratic(), GroupTopK(2, 3, alpha=100.0), X, y, step=None,
                             accelerated=False, tol=1e-10, max_iter=5000)
    assert res.converged
    norms = np.sqrt(np.bincount(np.repeat(np.arange(8), 3), w * w))
    assert np.count_nonzero(norms) == 2


def test_solver_params():
    s = ProximalGradient()
    assert s.set_params(tol=1e-3).tol == 1e-3
    with pytest.raises(ValueError, match="nope"):
        s.set_params(nope=1)
