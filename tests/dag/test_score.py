"""CoLiDE.score (held-out Gaussian log-likelihood), model selection with it, to_networkx extra."""

import sys
import warnings

import numpy as np
import pytest
from scipy.stats import multivariate_normal
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV

from sparseopt.dag import (
    CoLiDE,
    linear_sem_covariance,
    simulate_dag,
    simulate_linear_sem,
    simulate_noise_scales,
    simulate_parameter,
)

KW = dict(warm_iter=2000, max_iter=4000)


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    B = simulate_dag(6, 8, random_state=rng)
    W = simulate_parameter(B, random_state=rng)
    sigma = simulate_noise_scales(6, (0.5, 4.0), random_state=rng)
    X = simulate_linear_sem(W, 400, noise_scale=sigma, random_state=rng) + 3.0
    X_test = simulate_linear_sem(W, 100, noise_scale=sigma, random_state=rng) + 3.0
    return X, X_test


def _fit(X, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # short budgets
        return CoLiDE(**{**KW, **kw}).fit(X)


@pytest.mark.parametrize("variance", ["equal", "nonequal", "fixed"])
@pytest.mark.parametrize("standardize", [False, True])
def test_score_is_the_gaussian_log_likelihood(data, variance, standardize):
    X, X_test = data
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = CoLiDE(variance, standardize=standardize, **KW).fit(X)
    W, d = model.adjacency_, X.shape[1]
    sigma = np.broadcast_to(model.noise_scale_, (d,))
    Sigma = linear_sem_covariance(W, sigma)  # (I - W)^{-T} diag(sigma^2) (I - W)^{-1}
    D = np.diag(model.scale_)
    ref = multivariate_normal(mean=model.mean_, cov=D @ Sigma @ D).logpdf(X_test).mean()
    assert model.score(X_test) == pytest.approx(ref, rel=1e-10)
    if standardize:
        np.testing.assert_allclose(model.scale_, X.std(axis=0), rtol=1e-12)
    else:
        np.testing.assert_array_equal(model.scale_, np.ones(d))
    np.testing.assert_allclose(model.mean_, X.mean(axis=0), rtol=1e-12)


def test_score_with_a_cyclic_adjacency_keeps_the_jacobian(data):
    """enforce_dag=False may leave a cycle: the log|det(I - W)| term keeps score exact."""
    X, X_test = data
    model = _fit(X, enforce_dag=False)
    model.adjacency_ = model.adjacency_.copy()
    model.adjacency_[0, 1], model.adjacency_[1, 0] = 0.5, 0.4  # force a 2-cycle
    Sigma = linear_sem_covariance(model.adjacency_, np.broadcast_to(model.noise_scale_, (6,)))
    ref = multivariate_normal(mean=model.mean_, cov=Sigma).logpdf(X_test).mean()
    assert model.score(X_test) == pytest.approx(ref, rel=1e-10)


def test_score_prefers_the_true_noise_model(data):
    """Held-out likelihood of CoLiDE-NV beats CoLiDE-EV on heteroscedastic data."""
    X, X_test = data
    ev = _fit(X)
    nv = _fit(X, variance="nonequal")
    assert nv.score(X_test) > ev.score(X_test)


def test_grid_search_without_scorer(data):
    X, _ = data
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        search = GridSearchCV(CoLiDE("nonequal", **KW), {"alpha": [0.01, 0.05, 5.0]},
                              cv=3).fit(X)
    scores = search.cv_results_["mean_test_score"]
    assert np.all(np.isfinite(scores))
    # alpha = 5 empties the graph, which explains held-out data worst
    assert search.best_params_["alpha"] != 5.0 and scores[2] < scores.max()


def test_score_constant_columns():
    X = np.ones((10, 3))
    with pytest.warns(UserWarning, match="constant"):
        model = CoLiDE().fit(X)
    assert model.score(X) == 0.0
    assert model.score(X + 1.0) == -np.inf


def test_score_checks_its_input(data):
    X, _ = data
    model = _fit(X)
    with pytest.raises(ValueError, match="features"):
        model.score(X[:, :3])
    with pytest.raises(ValueError, match="NaN"):
        model.score(np.full_like(X, np.nan))


def test_to_networkx_without_networkx_names_the_extra(data, monkeypatch):
    X, _ = data
    model = _fit(X)
    monkeypatch.setitem(sys.modules, "networkx", None)
    with pytest.raises(ImportError, match=r'pip install "sparseopt\[graph\]"'):
        model.to_networkx()
