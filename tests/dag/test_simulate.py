import numpy as np
import pytest

from sparseopt.dag import (
    is_dag,
    linear_sem_covariance,
    simulate_dag,
    simulate_linear_sem,
    simulate_parameter,
)


def test_er_and_sf_graphs():
    for seed in range(20):
        B = simulate_dag(12, 24, "ER", random_state=seed)
        assert B.sum() == 24 and is_dag(B)
        S = simulate_dag(30, 60, "SF", random_state=seed)
        m = 2
        assert S.sum() == m * 29 - m * (m - 1) / 2 and is_dag(S)
        assert S.sum(axis=0).max() >= 2 * S.sum(axis=0).mean()
    with pytest.raises(ValueError, match="n_edges"):
        simulate_dag(4, 7)
    with pytest.raises(ValueError, match="graph_type"):
        simulate_dag(4, 2, "XX")


def test_weights_and_noise_laws():
    B = simulate_dag(10, 20, random_state=0)
    W = simulate_parameter(B, random_state=0)
    assert np.all((np.abs(W[B != 0]) >= 0.5) & (np.abs(W[B != 0]) <= 2.0))
    assert (W > 0).any() and (W < 0).any() and np.all(W[B == 0] == 0)
    empty = np.zeros((3, 3))
    for noise in ("gauss", "exp", "gumbel", "laplace", "uniform"):
        X = simulate_linear_sem(empty, 200_000, noise, noise_scale=[0.5, 1.0, 2.0],
                                random_state=1)
        np.testing.assert_allclose(X.std(axis=0), [0.5, 1.0, 2.0], rtol=0.01)


def test_covariance_and_reproducibility():
    B = simulate_dag(6, 8, random_state=3)
    W = simulate_parameter(B, random_state=3)
    X = simulate_linear_sem(W, 200_000, noise_scale=1.5, random_state=0)
    S = linear_sem_covariance(W, 1.5)
    np.testing.assert_allclose(np.cov(X.T, bias=True), S, atol=0.03 * np.abs(S).max())
    state = np.random.get_state()[1].copy()  # noqa: NPY002 (checking the legacy global RNG)
    a = simulate_linear_sem(W, 10, random_state=5)
    b = simulate_linear_sem(W, 10, random_state=5)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(np.random.get_state()[1], state)  # noqa: NPY002
    with pytest.raises(ValueError, match="DAG"):
        simulate_linear_sem(np.array([[0, 1.0], [1.0, 0]]), 5)
