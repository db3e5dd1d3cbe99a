import numpy as np
import pytest
import scipy.sparse as sp


def _random_design(n, p, seed, rho=0.0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    if rho:
        for j in range(1, p):
            X[:, j] = rho * X[:, j - 1] + np.sqrt(1 - rho**2) * X[:, j]
    w = np.zeros(p)
    w[rng.choice(p, max(1, p // 8), replace=False)] = rng.standard_normal(max(1, p // 8))
    y = X @ w + 0.3 * rng.standard_normal(n) + 0.7
    return X, y


@pytest.fixture(params=["random", "correlated"])
def regression_data(request):
    rho = 0.0 if request.param == "random" else 0.9
    return _random_design(60, 40, 0, rho)


@pytest.fixture
def small_regression():
    return _random_design(50, 30, 1)


@pytest.fixture
def small_classification():
    X, y = _random_design(80, 25, 2)
    return X, np.where(y > np.median(y), 1.0, -1.0)


def as_format(X, fmt):
    if fmt == "dense":
        return X
    if fmt == "dense_c":
        return np.ascontiguousarray(X)
    return sp.csc_matrix(np.where(np.abs(X) > 0.3, X, 0.0))
