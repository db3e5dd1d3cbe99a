"""Multinomial datafit: derivatives, Bohning bounds and the Fenchel dual, against independent
references (finite differences, eigenvalues, cvxpy through the estimator's certified optimum)."""

import numpy as np
import pytest
from scipy.special import softmax

from sparseopt.datafits import Multinomial, bohning_matrix


def _problem(n=30, p=6, K=4, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    Y = np.eye(K)[rng.integers(0, K, n)]
    W = rng.standard_normal((p, K))
    return X, Y, W


def test_value_gradient_hessian_match_finite_differences():
    X, Y, W = _problem()
    df = Multinomial()
    f = lambda W: df.value(Y, X @ W)  # noqa: E731
    G = df.gradient(X, Y, X @ W)
    eps = 1e-6
    num = np.zeros_like(W)
    for j in range(W.shape[0]):
        for c in range(W.shape[1]):
            E = np.zeros_like(W)
            E[j, c] = eps
            num[j, c] = (f(W + E) - f(W - E)) / (2 * eps)
    np.testing.assert_allclose(G, num, rtol=1e-6, atol=1e-9)
    # per-sample score Hessians against differences of raw_grad
    Z = X @ W
    H = df.raw_hessian(Y, Z)
    for c in range(Y.shape[1]):
        E = np.zeros_like(Z)
        E[:, c] = eps
        dg = (df.raw_grad(Y, Z + E) - df.raw_grad(Y, Z - E)) / (2 * eps)
        np.testing.assert_allclose(H[:, :, c], dg, rtol=1e-5, atol=1e-10)
    # the value at W = 0 is log K and the explicit formula holds
    assert df.value(Y, np.zeros_like(Z)) == pytest.approx(np.log(Y.shape[1]))
    P = softmax(Z, axis=1)
    assert df.value(Y, Z) == pytest.approx(-np.mean(np.log(np.sum(P * Y, axis=1))))


@pytest.mark.parametrize("K", [2, 3, 5, 8])
def test_bohning_bound_dominates_every_restricted_hessian(K):
    rng = np.random.default_rng(K)
    for m in range(1, K + 1):
        B = bohning_matrix(m, K)
        for _ in range(2000 // K):
            p = rng.dirichlet(np.full(K, rng.choice([0.1, 1.0, 10.0])))
            cls = rng.choice(K, m, replace=False)
            Hp = (np.diag(p) - np.outer(p, p))[np.ix_(cls, cls)]
            assert np.linalg.eigvalsh(B - Hp)[0] >= -1e-12
    # with all classes the bound is singular along the all-ones vector only
    ev = np.linalg.eigvalsh(bohning_matrix(K, K))
    assert ev[0] == pytest.approx(0.0, abs=1e-14) and ev[1] == pytest.approx(0.5)


def test_block_bound_majorises_the_true_block_hessian_and_constants():
    X, Y, W = _problem(n=40, p=5, K=4, seed=3)
    df = Multinomial()
    n, K = Y.shape
    Z = X @ W
    Hs = df.raw_hessian(Y, Z) * n  # per-sample diag(p) - pp^T
    for feats, cls in [([0, 2], [1, 3]), ([1, 2, 4], [0, 1, 2, 3]), ([3], [2])]:
        feats, cls = np.array(feats), np.array(cls)
        # exact Hessian of F restricted to W[feats][:, cls], C order (feature-major)
        Hx = np.einsum("ia,ib,icd->acbd", X[:, feats], X[:, feats],
                       Hs[:, cls][:, :, cls]) / n
        Hx = Hx.reshape(feats.size * cls.size, -1)
        Hb = df.block_bound(X, feats, cls, K)
        assert np.linalg.eigvalsh(Hb - Hx)[0] >= -1e-12
    L = df.lipschitz(X, K)
    assert L.shape == (5, K)
    np.testing.assert_allclose(L[:, 0], np.sum(X**2, axis=0) / (4 * n))
    np.testing.assert_allclose(df.row_lipschitz(X), np.sum(X**2, axis=0) / (2 * n))
    assert df.global_lipschitz(X) == pytest.approx(np.linalg.norm(X, 2) ** 2 / (2 * n))
    with pytest.raises(ValueError, match="classes"):
        df.block_bound(X, [0], [4], K)


def test_dual_weak_duality_and_domain():
    X, Y, W = _problem(seed=4)
    df = Multinomial()
    n = Y.shape[0]
    rng = np.random.default_rng(0)
    for _ in range(20):
        Q = rng.dirichlet(np.ones(Y.shape[1]), n)
        Theta = (Y - Q) / n
        # Fenchel-Young: F(Z) >= <Theta', Z> ... weak duality for the unpenalised problem needs
        # X^T Theta = 0; instead check the conjugate inequality f(Z) + f*(-Theta) >= -<Theta, Z>
        Z = rng.standard_normal(Y.shape)
        assert df.value(Y, Z) >= df.dual(Y, Theta) - np.sum(Theta * Z) - 1e-12
    # equality at Theta = dual_point(Z) (Fenchel-Young is tight at the gradient)
    Z = X @ W
    Theta = df.dual_point(Y, Z)
    assert df.value(Y, Z) == pytest.approx(df.dual(Y, Theta) - np.sum(Theta * Z), rel=1e-12)
    assert df.dual(Y, -Y / n) == -np.inf  # q = 2 Y leaves the simplex
    assert df.dual_modulus(n) == n
    with pytest.raises(ValueError, match="same shape"):
        df.value(Y, Z[:, :2])


def test_estimator_optimum_has_zero_gap_with_this_dual():
    """The multinomial SparseLogisticRegression (cvxpy-checked elsewhere) closes this dual's gap."""
    from sparseopt.linear_model import SparseLogisticRegression

    rng = np.random.default_rng(1)
    X = rng.standard_normal((60, 8))
    y = rng.integers(0, 3, 60)
    alpha = 0.02
    clf = SparseLogisticRegression(alpha=alpha, fit_intercept=False, tol=1e-10).fit(X, y)
    W = clf.coef_.T
    Y = np.eye(3)[y]
    df = Multinomial()
    Z = X @ W
    primal = df.value(Y, Z) + alpha * np.sum(np.linalg.norm(W, axis=1))
    theta = df.dual_point(Y, Z)
    s = min(1.0, alpha / np.max(np.linalg.norm(X.T @ theta, axis=1)))
    gap = primal - df.dual(Y, s * theta)
    assert 0 <= gap <= 1e-8


def test_weighted_targets_weigh_the_samples():
    """Rows ``Y_i = s_i e_{y_i}``: the loss is the s-weighted sum, the gradient matches finite
    differences, the dual satisfies Fenchel-Young at the residual dual point, and the row
    constants are ``sum_i s_i X_ij^2 / (2n)``."""
    rng = np.random.default_rng(5)
    n, K, p = 12, 3, 4
    labels = rng.integers(0, K, n)
    s = rng.uniform(0.0, 3.0, n)
    s[2] = 0.0
    Y1 = np.eye(K)[labels]
    Y = s[:, None] * Y1
    Z = rng.standard_normal((n, K))
    df = Multinomial()
    per_sample = np.log(np.exp(Z).sum(axis=1)) - Z[np.arange(n), labels]
    assert df.value(Y, Z) == pytest.approx(s @ per_sample / n, rel=1e-13)
    G = df.raw_grad(Y, Z)
    E = np.zeros_like(Z)
    E[4, 1] = 1e-6
    fd = (df.value(Y, Z + E) - df.value(Y, Z - E)) / 2e-6
    assert fd == pytest.approx(G[4, 1], rel=1e-6)
    U = n * G  # f_i'(z_i); the dual point is theta = -G
    assert df.dual(Y, -G) == pytest.approx(df.value(Y, Z) - np.sum(U * Z) / n, rel=1e-12)
    H = df.raw_hessian(Y, Z)
    np.testing.assert_allclose(H[5], s[5] * df.raw_hessian(Y1, Z)[5], rtol=1e-13)
    X = rng.standard_normal((n, p))
    np.testing.assert_allclose(df.row_lipschitz(X, Y), (X ** 2).T @ s / (2 * n), rtol=1e-13)
    np.testing.assert_allclose(df.row_lipschitz(X, Y1), df.row_lipschitz(X), rtol=1e-13)
    freq = np.bincount(labels, weights=s, minlength=K) / s.sum()
    b = df.null_intercept(Y)
    np.testing.assert_allclose(np.exp(b) / np.exp(b).sum(), freq, rtol=1e-10)
