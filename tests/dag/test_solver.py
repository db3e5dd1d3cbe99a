"""The central-path solver: backends, retries, scale identity, population recovery, DAGMA parity."""

import numpy as np
import pytest

from sparseopt.dag import (
    DAGMA_DEFAULTS,
    CoLiDE,
    colide_solve,
    linear_sem_covariance,
    simulate_dag,
    simulate_linear_sem,
    simulate_parameter,
)


def _data(seed=0, d=10, n=500, edges=20):
    B = simulate_dag(d, edges, random_state=seed)
    W = simulate_parameter(B, random_state=seed)
    X = simulate_linear_sem(W, n, random_state=seed)
    return B, W, X


def _cov(X):
    Xc = X - X.mean(axis=0)
    return Xc.T @ Xc / X.shape[0]


@pytest.mark.parametrize("variance", ["equal", "nonequal", "fixed"])
def test_numba_matches_numpy(variance):
    _, _, X = _data()
    C = _cov(X)
    kw = dict(variance=variance, warm_iter=2000, max_iter=3000)
    r1 = colide_solve(C, backend="numpy", **kw)
    r2 = colide_solve(C, backend="numba", **kw)
    assert np.abs(r1.coef - r2.coef).max() <= 1e-6
    np.testing.assert_allclose(r1.noise_scale, r2.noise_scale, rtol=1e-8)


def test_retries_do_not_touch_callers_s():
    _, _, X = _data()
    s = [1.0, 0.9, 0.8, 0.7]
    s_copy = list(s)
    res = colide_solve(_cov(X), learning_rate=0.5, s=s, warm_iter=500, max_iter=500)
    assert res.history["retries"].sum() > 0
    assert s == s_copy
    # each retry adds 0.1 to that stage's s
    for t, r in enumerate(res.history["retries"]):
        assert res.history["s"][t] == pytest.approx(s[t] + 0.1 * r)


def test_population_chain_recovered_with_convention():
    """Chain 0 -> 1 -> 2 (weights 1.0, -1.5): coef_[i, j] != 0 means i -> j."""
    W = np.zeros((3, 3))
    W[0, 1], W[1, 2] = 1.0, -1.5
    res = colide_solve(linear_sem_covariance(W, 1.0), variance="equal", warm_iter=5000,
                       max_iter=10000)
    A = np.abs(res.coef) > 0.3
    assert {tuple(e) for e in np.argwhere(A)} == {(0, 1), (1, 2)}


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")  # short budget
@pytest.mark.parametrize("variance", ["equal", "nonequal"])
def test_scale_identity(variance):
    """fit(cX, alpha) == fit(X, alpha/c, mu_init=c mu_init), noise scales times c."""
    _, _, X = _data(seed=1, n=500, edges=20)
    c = 7.0
    kw = dict(warm_iter=3000, max_iter=6000)
    a = CoLiDE(variance, alpha=0.05, **kw).fit(c * X)
    b = CoLiDE(variance, alpha=0.05 / c, mu_init=c, **kw).fit(X)
    assert np.abs(a.coef_ - b.coef_).max() <= 1e-3
    np.testing.assert_array_equal(a.adjacency_ != 0, b.adjacency_ != 0)
    np.testing.assert_allclose(np.asarray(a.noise_scale_) / np.asarray(b.noise_scale_), c,
                               rtol=1e-5)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_dagma_mode_scale_identity():
    _, _, X = _data(seed=2)
    c = 7.0
    kw = dict(warm_iter=3000, max_iter=6000)
    a = CoLiDE("fixed", alpha=0.03, **kw).fit(c * X)
    b = CoLiDE("fixed", alpha=0.03 / c**2, mu_init=c**2, **kw).fit(X)
    assert np.abs(a.coef_ - b.coef_).max() <= 1e-3


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_dagma_parity(backend):
    """variance='fixed' with DAGMA's defaults reproduces the dagma package (same data)."""
    linear = pytest.importorskip("dagma.linear")
    _, _, X = _data(seed=0, d=10, n=500, edges=20)
    res = colide_solve(_cov(X), variance="fixed", backend=backend,
                       **{**DAGMA_DEFAULTS, "alpha": 0.03})
    W_ref = linear.DagmaLinear("l2").fit(X.copy(), lambda1=0.03, w_threshold=0.0,
                                         s=list(DAGMA_DEFAULTS["s"]))
    assert np.abs(res.coef - W_ref).max() <= 1e-6
    np.testing.assert_array_equal(np.abs(res.coef) >= 0.3, np.abs(W_ref) >= 0.3)


def test_dagma_defaults_are_estimator_parameters():
    """``CoLiDE('fixed', **DAGMA_DEFAULTS)`` is valid and equals colide_solve with them."""
    from sparseopt.dag import CoLiDE

    params = {**DAGMA_DEFAULTS, "n_stages": 2, "warm_iter": 300, "max_iter": 300,
              "check_every": 100}
    est = CoLiDE("fixed", **params, w_threshold=0.0, enforce_dag=False)
    assert est.get_params()["alpha"] == DAGMA_DEFAULTS["alpha"]
    _, _, X = _data(seed=1, d=5, n=200, edges=5)
    est.fit(X)
    res = colide_solve(_cov(X - X.mean(0)), variance="fixed", **params)
    np.testing.assert_allclose(est.coef_, res.coef, atol=1e-12)


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_dagma_parity_is_bit_for_bit(backend):
    """Same arithmetic in the same order as the dagma package: identical weights, not just close."""
    linear = pytest.importorskip("dagma.linear")
    _, _, X = _data(seed=3, d=8, n=300, edges=12)
    res = colide_solve(_cov(X), variance="fixed", backend=backend,
                       **{**DAGMA_DEFAULTS, "alpha": 0.05})
    W_ref = linear.DagmaLinear("l2").fit(X.copy(), lambda1=0.05, w_threshold=0.0,
                                         s=list(DAGMA_DEFAULTS["s"]))
    np.testing.assert_array_equal(res.coef, W_ref)
