"""Datafits: gradients, majorisation by the block bounds, duality."""

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.optimize import check_grad

from sparseopt.datafits import Logistic, Quadratic
from sparseopt.penalties import L1
from sparseopt.reference import lasso_reference, logistic_l1_reference
from sparseopt.utils import duality_gap

DATAFITS = [Quadratic(), Logistic()]


def _problem(df, seed=0, n=30, p=12):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    y = rng.standard_normal(n)
    if isinstance(df, Logistic):
        y = np.sign(y)
    return X, y


@pytest.mark.parametrize("df", DATAFITS, ids=repr)
def test_gradient_matches_finite_differences(df):
    X, y = _problem(df)
    for seed in range(5):
        w = np.random.default_rng(seed).standard_normal(X.shape[1])
        err = check_grad(lambda v: df.value(y, X @ v), lambda v: df.gradient(X, y, X @ v), w)
        assert err < 1e-6 * (1 + np.linalg.norm(df.gradient(X, y, X @ w)))


@pytest.mark.parametrize("df", DATAFITS, ids=repr)
def test_raw_hessian_matches_finite_differences(df):
    X, y = _problem(df)
    z = np.random.default_rng(3).standard_normal(len(y))
    eps = 1e-6
    fd = (df.raw_grad(y, z + eps) - df.raw_grad(y, z - eps)) / (2 * eps)
    np.testing.assert_allclose(df.raw_hessian(y, z), fd, rtol=1e-6, atol=1e-12)


@pytest.mark.parametrize("df", DATAFITS, ids=repr)
def test_block_bound_majorises(df):
    X, y = _problem(df)
    rng = np.random.default_rng(1)
    p = X.shape[1]
    for _ in range(200):
        w = rng.standard_normal(p) * 2
        b = rng.choice(p, rng.integers(1, 6), replace=False)
        d = rng.standard_normal(len(b)) * rng.choice([1e-3, 1.0, 10.0])
        H = df.block_bound(X, b)
        g = df.gradient(X, y, X @ w)[b]
        w2 = w.copy()
        w2[b] += d
        lhs = df.value(y, X @ w2)
        rhs = df.value(y, X @ w) + g @ d + 0.5 * d @ H @ d
        assert lhs <= rhs + 1e-12 * (1 + abs(rhs))
    L = df.lipschitz(X)
    np.testing.assert_allclose(L, [df.block_bound(X, [j])[0, 0] for j in range(p)])
    np.testing.assert_allclose(df.lipschitz(sp.csc_matrix(X)), L)


@pytest.mark.parametrize("df", DATAFITS, ids=repr)
def test_weak_duality_at_random_points(df):
    X, y = _problem(df)
    pen = L1(0.05)
    rng = np.random.default_rng(2)
    for _ in range(50):
        w = rng.standard_normal(X.shape[1]) * rng.choice([0.01, 1.0])
        assert duality_gap(df, pen, X, y, w) >= -1e-12


def test_zero_gap_at_reference_solutions():
    X, y = _problem(Quadratic())
    alpha = 0.05
    w, _, obj = lasso_reference(X, y, alpha)
    assert abs(duality_gap(Quadratic(), L1(alpha), X, y, w)) <= 1e-7 * obj
    yl = np.sign(y)
    w, _, obj = logistic_l1_reference(X, yl, 0.02)
    assert abs(duality_gap(Logistic(), L1(0.02), X, yl, w)) <= 1e-7 * obj


def _dual_grad(df, y, theta):
    n = len(y)
    if isinstance(df, Quadratic):
        return y - n * theta
    q = n * y * theta
    return -y * np.log(q / (1 - q))


@pytest.mark.parametrize("df", DATAFITS, ids=repr)
def test_dual_strong_concavity(df):
    """D(t2) <= D(t1) + grad D(t1)^T (t2 - t1) - mu/2 ||t2 - t1||^2 (modulus ``dual_modulus``)."""
    _, y = _problem(df)
    n = len(y)
    mu = df.dual_modulus(n)
    rng = np.random.default_rng(0)
    for _ in range(200):
        if isinstance(df, Quadratic):
            t1, t2 = rng.standard_normal((2, n))
        else:
            q1, q2 = rng.uniform(0.02, 0.98, (2, n))
            t1, t2 = q1 * y / n, q2 * y / n
        rhs = df.dual(y, t1) + _dual_grad(df, y, t1) @ (t2 - t1) - 0.5 * mu * np.sum((t2 - t1) ** 2)
        assert df.dual(y, t2) <= rhs + 1e-10


@pytest.mark.parametrize("df", DATAFITS, ids=repr)
def test_block_lipschitz_bounds_block_gradient_change(df):
    X, y = _problem(df)
    rng = np.random.default_rng(4)
    p = X.shape[1]
    for _ in range(100):
        b = rng.choice(p, 4, replace=False)
        Lb = df.block_lipschitz(X, b)
        w = rng.standard_normal(p)
        d = rng.standard_normal(4)
        w2 = w.copy()
        w2[b] += d
        change = df.gradient(X, y, X @ w2)[b] - df.gradient(X, y, X @ w)[b]
        assert np.linalg.norm(change) <= Lb * np.linalg.norm(d) * (1 + 1e-12)
    assert df.block_lipschitz(X, [3]) == pytest.approx(df.lipschitz(X)[3])
    assert df.global_lipschitz(X) >= df.block_lipschitz(X, np.arange(p)) * (1 - 1e-9)
