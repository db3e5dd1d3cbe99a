"""The CoLiDE estimator: recovery, determinism, inputs untouched, validation."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from sparseopt.dag import (
    CoLiDE,
    count_accuracy,
    is_dag,
    simulate_dag,
    simulate_linear_sem,
    simulate_parameter,
)


@pytest.fixture(scope="module")
def er2():
    B = simulate_dag(10, 20, random_state=0)
    W = simulate_parameter(B, random_state=0)
    X = simulate_linear_sem(W, 1000, random_state=1)
    return B, X


def test_ev_recovers_er2_and_nv_is_close(er2):
    B, X = er2
    ev = CoLiDE("equal").fit(X)
    assert count_accuracy(B, ev.adjacency_)["shd"] <= 1
    assert abs(ev.noise_scale_ - 1.0) <= 0.05
    nv = CoLiDE("nonequal").fit(X)
    assert count_accuracy(B, nv.adjacency_)["shd"] <= 8
    assert nv.noise_scale_.shape == (10,)


def test_input_untouched_and_deterministic(er2):
    _, X = er2
    X0 = X.copy()
    Xr = X.copy()
    Xr.flags.writeable = False
    a = CoLiDE(warm_iter=1000, max_iter=2000).fit(Xr)
    b = CoLiDE(warm_iter=1000, max_iter=2000).fit(X)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    assert a.n_iter_ >= 1 and set(a.history_) >= {"mu", "s", "n_iter", "h", "converged"}


def test_adjacency_always_a_dag():
    for seed in range(10):
        B = simulate_dag(8, 16, random_state=seed)
        X = simulate_linear_sem(simulate_parameter(B, random_state=seed), 200,
                                random_state=seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            m = CoLiDE(warm_iter=200, max_iter=300, w_threshold=0.0).fit(X)
        assert is_dag(m.adjacency_)
        assert m.causal_order_ is not None


def test_convergence_warning_and_validation(er2):
    _, X = er2
    with pytest.warns(ConvergenceWarning, match="max_iter=5.*tol"):
        CoLiDE(warm_iter=5, max_iter=5).fit(X)
    bad = [({"variance": "huge"}, "variance"), ({"alpha": -1}, "alpha"), ({"tol": -1}, "tol"),
           ({"n_stages": 0}, "n_stages"), ({"check_every": 0}, "check_every"),
           ({"s": (1.0, -0.5)}, "s"), ({"mu_factor": 1.5}, "mu_factor"),
           ({"learning_rate": 0}, "learning_rate"), ({"beta1": 1.0}, "beta1"),
           ({"noise_scale_min": -1.0}, "noise_scale_min"), ({"w_threshold": -0.1}, "w_threshold"),
           ({"backend": "gpu"}, "backend")]
    for kwargs, name in bad:
        with pytest.raises(ValueError, match=name):
            CoLiDE(**kwargs).fit(X[:50])
    with pytest.raises(ValueError, match="sample"):
        CoLiDE().fit(X[:1])


def test_constant_columns_and_standardize(er2):
    _, X = er2
    with pytest.warns(UserWarning, match="constant"):
        m = CoLiDE().fit(np.ones((20, 3)))
    assert np.all(m.coef_ == 0) and m.noise_scale_ == 0.0
    kw = dict(warm_iter=1000, max_iter=2000)
    a = CoLiDE(standardize=True, **kw).fit(X)
    Z = (X - X.mean(0)) / X.std(0)
    b = CoLiDE(**kw).fit(Z)
    assert np.abs(a.coef_ - b.coef_).max() <= 1e-12
    # negative control: a global rescaling changes the graph at fixed (alpha, mu_init)
    c = CoLiDE(**kw).fit(7 * X)
    d = CoLiDE(**kw).fit(X)
    assert np.abs(c.coef_ - d.coef_).max() > 1e-3


def test_to_networkx(er2):
    nx = pytest.importorskip("networkx")
    _, X = er2
    m = CoLiDE(warm_iter=2000, max_iter=4000).fit(X)
    G = m.to_networkx()
    assert isinstance(G, nx.DiGraph) and G.number_of_edges() == np.count_nonzero(m.adjacency_)


def test_loss_lsq_is_the_dagma_mode(er2):
    _, X = er2
    kw = dict(warm_iter=500, max_iter=1000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        a = CoLiDE(loss="lsq", **kw).fit(X[:200])
        b = CoLiDE("fixed", **kw).fit(X[:200])
    np.testing.assert_array_equal(a.coef_, b.coef_)
    assert a.noise_scale_ == 1.0
    with pytest.raises(ValueError, match="loss"):
        CoLiDE(loss="l1").fit(X[:50])
