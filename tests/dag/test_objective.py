"""Scores, gradients, closed-form noise scales and the acyclicity function."""

import numpy as np
import pytest
from scipy.optimize import check_grad, minimize_scalar

from sparseopt.dag import acyclicity, acyclicity_grad, is_dag, simulate_dag, simulate_parameter
from sparseopt.dag._scores import noise_scale_hat, residual_diag, score, score_grad


def _problem(seed, d=6):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((200, d)) @ rng.standard_normal((d, d))
    Xc = X - X.mean(0)
    C = Xc.T @ Xc / 200
    W = 0.1 * rng.standard_normal((d, d))
    return C, W, Xc


@pytest.mark.parametrize("variance", ["equal", "nonequal", "fixed"])
def test_score_gradient_matches_finite_differences(variance):
    for seed in range(5):
        C, W, _ = _problem(seed)
        d = C.shape[0]
        sigma = 1.3 if variance == "equal" else np.linspace(0.5, 2, d)
        def f(w, C=C, d=d, sigma=sigma):
            return score(C, w.reshape(d, d), sigma, variance)

        def g(w, C=C, d=d, sigma=sigma):
            return score_grad(C, w.reshape(d, d), sigma, variance).ravel()

        err = check_grad(f, g, W.ravel())
        assert err <= 1e-6 * max(1.0, np.linalg.norm(g(W.ravel())))


def test_acyclicity_gradient_and_dag_characterisation():
    rng = np.random.default_rng(0)
    d = 6
    for s in (1.0, 0.8):
        W = 0.2 * rng.standard_normal((d, d))
        err = check_grad(lambda w, s=s: acyclicity(w.reshape(d, d), s),
                         lambda w, s=s: acyclicity_grad(w.reshape(d, d), s).ravel(), W.ravel())
        assert err <= 1e-6
    for seed in range(10):
        B = simulate_dag(d, 8, random_state=seed)
        W = simulate_parameter(B, random_state=seed)
        assert abs(acyclicity(W)) < 1e-12 and np.abs(acyclicity_grad(W)).max() < 1e-12
    W2 = np.zeros((d, d))
    W2[0, 1] = W2[1, 0] = 0.5
    assert acyclicity(W2) > 0 and not is_dag(W2)


def test_residual_identity_and_closed_form_scales():
    C, W, Xc = _problem(1)
    d = C.shape[0]
    Rd = residual_diag(C, W)
    np.testing.assert_allclose(Rd, np.sum((Xc - Xc @ W) ** 2, axis=0) / Xc.shape[0], rtol=1e-10)
    # profiled EV score is sqrt(d tr R): sigma_hat is the exact minimiser
    sig = noise_scale_hat(C, W, "equal", 1e-12)
    assert score(C, W, sig, "equal") == pytest.approx(np.sqrt(d * Rd.sum()), rel=1e-12)
    res = minimize_scalar(lambda s: score(C, W, s, "equal"), bounds=(1e-6, 100), method="bounded",
                          options={"xatol": 1e-12})
    assert sig == pytest.approx(res.x, rel=1e-6)
    for delta in (1e-3, -1e-3):
        assert score(C, W, sig * (1 + delta), "equal") >= score(C, W, sig, "equal")
    sigs = noise_scale_hat(C, W, "nonequal", np.full(d, 1e-12))
    assert score(C, W, sigs, "nonequal") == pytest.approx(np.sqrt(Rd).sum(), rel=1e-12)
    for j in range(d):
        for delta in (1e-3, -1e-3):
            pert = sigs.copy()
            pert[j] *= 1 + delta
            assert score(C, W, pert, "nonequal") >= score(C, W, sigs, "nonequal")
    # the floor is active on a perfectly explained column
    floor = np.full(d, 0.5)
    assert np.all(noise_scale_hat(C, W, "nonequal", floor) >= 0.5)
