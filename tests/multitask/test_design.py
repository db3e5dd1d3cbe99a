"""Exact design helpers against cvxpy / scipy and the Elfving identity."""

import numpy as np
import pytest
from scipy.optimize import minimize

from sparseopt.datasets import make_active_multitask
from sparseopt.multitask import (
    allocation_error,
    apportion,
    l1_relevance,
    l2_relevance,
    optimal_allocation,
)


def _case(seed, k=3, T=8):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((k, T)), rng.standard_normal(k)


@pytest.mark.parametrize("seed", range(10))
def test_allocation_error_is_the_constrained_minimum(seed):
    cp = pytest.importorskip("cvxpy")
    W, w0 = _case(seed)
    n = np.random.default_rng(seed + 100).uniform(1, 50, W.shape[1])
    err, nu = allocation_error(W, w0, n, return_nu=True)
    v = cp.Variable(W.shape[1])
    prob = cp.Problem(cp.Minimize(cp.sum(cp.multiply(1 / n, cp.square(v)))), [W @ v == w0])
    prob.solve()
    assert err == pytest.approx(prob.value, rel=1e-6)
    assert err == pytest.approx(np.sum(nu**2 / n), rel=1e-10)
    np.testing.assert_allclose(W @ nu, w0, atol=1e-10)
    assert allocation_error(W, w0, 2 * n) == pytest.approx(err / 2, rel=1e-12)


def test_allocation_error_infinite_outside_span():
    W = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
    assert allocation_error(W, np.array([0.0, 1.0]), np.array([5.0, 0.0, 5.0])) == np.inf
    assert np.isfinite(allocation_error(W, np.array([1.0, 0.0]), np.array([5.0, 0.0, 5.0])))


@pytest.mark.parametrize("seed", range(10))
def test_optimal_allocation_elfving_and_numerical_minimum(seed):
    W, w0 = _case(seed)
    N = 1000.0
    n, nu, value = optimal_allocation(W, w0, N)
    assert value == pytest.approx(np.abs(nu).sum() ** 2 / N, rel=1e-8)
    assert value == pytest.approx(allocation_error(W, w0, n), rel=1e-8)
    assert n.sum() == pytest.approx(N)
    # numerical minimisation of the error over the simplex (softmax parametrisation)
    T = W.shape[1]

    def f(z):
        p = np.exp(z - z.max())
        return allocation_error(W, w0, N * p / p.sum() + 1e-9)

    best = min(minimize(f, np.random.default_rng(s).standard_normal(T), method="Nelder-Mead",
                        options={"maxiter": 4000, "xatol": 1e-10, "fatol": 1e-14}).fun
               for s in range(3))
    assert value <= best * (1 + 1e-6)
    nu2 = l2_relevance(W, w0)
    for comp in (np.full(T, N / T), N * nu2**2 / np.sum(nu2**2)):
        assert value <= allocation_error(W, w0, comp) * (1 + 1e-12)
    rng = np.random.default_rng(seed)
    for _ in range(100):
        assert value <= allocation_error(W, w0, N * rng.dirichlet(np.ones(T))) * (1 + 1e-12)


def test_costs_and_floor():
    W, w0 = _case(3)
    c = np.random.default_rng(0).uniform(0.5, 4, W.shape[1])
    n, nu, value = optimal_allocation(W, w0, 500.0, costs=c)
    assert c @ n == pytest.approx(500.0)
    assert value == pytest.approx((np.sqrt(c) @ np.abs(nu)) ** 2 / 500.0, rel=1e-8)
    assert value == pytest.approx(allocation_error(W, w0, n), rel=1e-8)
    nf, _, vf = optimal_allocation(W, w0, 500.0, floor=10.0)
    assert np.all(nf >= 10.0 - 1e-9) and nf.sum() == pytest.approx(500.0)
    assert vf >= optimal_allocation(W, w0, 500.0)[2]


@pytest.mark.parametrize("seed", range(30))
def test_norm_ordering(seed):
    W, w0 = _case(seed, k=4, T=12)
    nu1, nu2 = l1_relevance(W, w0), l2_relevance(W, w0)
    T = W.shape[1]
    assert np.abs(nu1).sum() ** 2 <= np.abs(nu2).sum() ** 2 * (1 + 1e-9)
    assert np.abs(nu2).sum() ** 2 <= T * np.sum(nu2**2) * (1 + 1e-9)
    assert np.count_nonzero(nu1) <= 4
    np.testing.assert_allclose(W @ nu1, w0, atol=1e-9)


def test_l1_relevance_matches_cvxpy_and_generator():
    cp = pytest.importorskip("cvxpy")
    W, w0 = _case(1, k=3, T=10)
    c = np.random.default_rng(1).uniform(0.5, 3, 10)
    for costs in (None, c):
        nu = l1_relevance(W, w0, costs=costs)
        v = cp.Variable(10)
        wts = np.ones(10) if costs is None else np.sqrt(costs)
        prob = cp.Problem(cp.Minimize(cp.sum(cp.multiply(wts, cp.abs(v)))), [W @ v == w0])
        prob.solve()
        assert wts @ np.abs(nu) == pytest.approx(prob.value, rel=1e-6)
    for seed in range(10):
        prob_ = make_active_multitask(random_state=seed)
        nu = l1_relevance(prob_.task_heads, prob_.target_head)
        np.testing.assert_allclose(nu, prob_.relevance, atol=1e-8)
        np.testing.assert_array_equal(np.flatnonzero(nu), prob_.relevant_tasks)


def test_apportion():
    rng = np.random.default_rng(0)
    for _ in range(100):
        T = int(rng.integers(2, 20))
        w = rng.random(T) * (rng.random(T) < 0.7)
        total = int(rng.integers(T * 3, 1000))
        n = apportion(total, w, floor=2)
        assert n.sum() == total and np.all(n[w > 0] >= 2)
        caps = rng.integers(1, total, T)
        if caps.sum() >= total:
            nc = apportion(total, w + 0.1, caps=caps)
            assert nc.sum() == total and np.all(nc <= caps)
        c = rng.uniform(0.5, 3, T)
        ncost = apportion(total, w + 0.1, costs=c)
        assert c @ ncost <= total and c @ ncost > total - c.max()
    np.testing.assert_array_equal(apportion(10, [0, 0, 0]), [4, 3, 3])
    np.testing.assert_array_equal(apportion(10, [1, 1, 1]), [4, 3, 3])
