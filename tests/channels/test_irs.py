"""IRS-MIMO scenario: the Kronecker sparse model reproduces the physical channel exactly."""


import numpy as np
import pytest

from sparseopt.bayes import KroneckerSBL
from sparseopt.channels import IRSMIMOScenario, angular_dictionary, array_response, nmse


def test_sparse_kronecker_model_is_exact():
    scn = IRSMIMOScenario(random_state=0)
    op = scn.measurement_operator()
    assert op.shape == scn.shape == (288, 18**3)
    for seed in range(5):
        ch = scn.draw_channel(np.random.default_rng(seed))
        assert np.count_nonzero(ch.x) == 9
        np.testing.assert_allclose(op @ ch.x, ch.y_clean, atol=1e-10 * np.abs(ch.y_clean).max())
        np.testing.assert_allclose(scn.cascaded_channels(ch.x), ch.cascaded,
                                   atol=1e-10 * np.abs(ch.cascaded).max())
        # stacking convention y[k, t, r] = (H_k X)[r, t]
        Y = ch.y_clean.reshape(scn.n_configs, scn.n_pilots, scn.n_bs)
        np.testing.assert_allclose(Y[2], (ch.cascaded[2] @ scn.pilots).T, atol=1e-12)


def test_dictionaries_snr_and_metrics():
    A = angular_dictionary(8, 10)
    np.testing.assert_allclose(np.linalg.norm(A, axis=0), 1.0)
    np.testing.assert_allclose(A[:, 3], array_response(8, 2 * 3 / 10 - 1)[:, 0])
    scn = IRSMIMOScenario(random_state=1)
    ch = scn.draw_channel(np.random.default_rng(0))
    y, s2 = scn.observe(ch, 10.0, np.random.default_rng(0))
    assert np.mean(np.abs(ch.y_clean) ** 2) / s2 == pytest.approx(10.0)
    assert nmse(ch.cascaded, ch.cascaded) == 0.0
    assert scn.nmse_db(2 * ch.x, ch.x) == pytest.approx(0.0, abs=1e-9)
    y2, x2, s22 = scn.draw(20, random_state=3)
    y3, x3, s23 = scn.draw(20, random_state=3)
    np.testing.assert_array_equal(y2, y3)


def test_kronecker_sbl_estimates_the_channel():
    """Defaults (noise learnt), 20 dB, 6 seeded trials: SVD and PC medians well below -20 dB."""
    scn = IRSMIMOScenario(random_state=0)
    op = scn.measurement_operator()
    res = {"svd": [], "pc": []}
    for seed in range(6):
        y, x, s2 = scn.draw(20, random_state=seed)
        svd = KroneckerSBL("svd").fit(op, y)
        pc = KroneckerSBL("am", structure="block", coupled_factors=scn.coupled_factors).fit(op, y)
        res["svd"].append(scn.nmse_db(svd.coef_, x))
        res["pc"].append(scn.nmse_db(pc.coef_, x))
    assert np.median(res["svd"]) <= -20 and np.median(res["pc"]) <= -20


def test_upa_is_kronecker_of_ulas():
    from sparseopt.channels import upa_response

    a = upa_response((4, 3), [0.2, -0.5], [0.1, 0.7])
    np.testing.assert_allclose(a[:, 1], np.kron(array_response(4, -0.5)[:, 0],
                                                array_response(3, 0.7)[:, 0]))
    np.testing.assert_allclose(np.linalg.norm(a, axis=0), 1.0)
    with pytest.raises(ValueError, match="same length"):
        upa_response((2, 2), [0.1], [0.1, 0.2])


# ------------------------------------------------ checks against independent references

def _direct_channels(scn, m, d, cl_a, cl_b, alpha_a, alpha_2):
    """Physical simulation H_k = H_2 diag(theta_k) H_1, written here from the arrays."""
    G, L = scn.n_grid, len(cl_a)
    f = 2.0 * np.arange(G) / G - 1.0

    def ula(n, fr):
        return np.exp(1j * np.pi * np.arange(n) * fr) / np.sqrt(n)

    irs_arrival = sum(a * ula(scn.n_irs, f[i]) for a, i in zip(alpha_a, cl_a, strict=True))
    bs_arrival = sum(a * ula(scn.n_bs, f[i]) for a, i in zip(alpha_2, cl_b, strict=True))
    H1 = np.sqrt(scn.n_ms * scn.n_irs / L) * np.outer(irs_arrival, ula(scn.n_ms, f[m]).conj())
    H2 = np.sqrt(scn.n_bs * scn.n_irs / L) * np.outer(bs_arrival, ula(scn.n_irs, f[d]).conj())
    return np.stack([H2 @ np.diag(scn.irs_configs[:, k]) @ H1 for k in range(scn.n_configs)])


@pytest.mark.parametrize("m, d, a, b", [(4, 9, 2, 7), (0, 1, 15, 0), (17, 16, 0, 15)])
def test_operator_and_cascaded_channels_match_direct_simulation(m, d, a, b):
    """x built from its closed form (c x_irs (x) e_m (x) x_bs, x_irs[(d - i) mod G] = alpha_a[i]):
    measurement_operator() @ x equals vec of H_k X stacked as y[k, t, r], and cascaded_channels(x)
    equals H_2 diag(theta_k) H_1, both to 1e-12 (relative); includes cyclic wrap of (d - i)."""
    scn = IRSMIMOScenario(random_state=5)
    G, L = scn.n_grid, scn.n_paths
    rng = np.random.default_rng(m + 100 * d)
    cl_a, cl_b = np.arange(a, a + L), np.arange(b, b + L)
    alpha_a = rng.standard_normal(L) + 1j * rng.standard_normal(L)
    alpha_2 = rng.standard_normal(L) + 1j * rng.standard_normal(L)
    Hk = _direct_channels(scn, m, d, cl_a, cl_b, alpha_a, alpha_2)
    X = np.zeros((G, G, G), dtype=complex)
    c = scn.n_irs * np.sqrt(scn.n_ms * scn.n_bs) / L
    for ia, i in enumerate(cl_a):
        for jb, j in enumerate(cl_b):
            X[(d - i) % G, m, j] = c * alpha_a[ia] * alpha_2[jb]
    x = X.ravel()
    Y = np.stack([(Hk[k] @ scn.pilots).T for k in range(scn.n_configs)])  # y[k, t, r]
    tol = 1e-12
    np.testing.assert_allclose(scn.measurement_operator() @ x, Y.ravel(),
                               atol=tol * np.abs(Y).max())
    np.testing.assert_allclose(scn.cascaded_channels(x), Hk, atol=tol * np.abs(Hk).max())
    # dense np.kron form of the same operator
    F = np.kron(np.kron(scn.F1, scn.F2), scn.F3)
    np.testing.assert_allclose(F @ x, Y.ravel(), atol=tol * np.abs(Y).max())


def test_draw_channel_block_pattern():
    """nnz(x_true) = 9 on a grid: a cyclic block of 3 in factor 1, one index in factor 2, a block
    of 3 in factor 3; X is rank one across the factors; y_clean = H @ x_true to 1e-12."""
    scn = IRSMIMOScenario(random_state=0)
    G = scn.n_grid
    op = scn.measurement_operator()
    for seed in np.random.SeedSequence(7).spawn(30):
        ch = scn.draw_channel(np.random.default_rng(seed))
        assert np.count_nonzero(ch.x) == 9
        X = ch.x.reshape(G, G, G)
        s1, s2, s3 = (np.flatnonzero(np.any(X != 0, axis=ax)) for ax in ((1, 2), (0, 2), (0, 1)))
        assert len(s1) == 3 and len(s2) == 1 and len(s3) == 3
        assert np.all(X[np.ix_(s1, s2, s3)] != 0)
        assert s3[2] - s3[0] == 2  # BS cluster: contiguous, no wrap
        gaps = np.sort(np.diff(np.r_[s1, s1[0] + G]))
        assert gaps.tolist() == [1, 1, G - 2]  # IRS block: contiguous up to a cyclic wrap
        assert np.linalg.matrix_rank(X[:, s2[0], :], tol=1e-9 * np.abs(X).max()) == 1
        np.testing.assert_allclose(op @ ch.x, ch.y_clean, atol=1e-12 * np.abs(ch.y_clean).max())


def test_noise_power_and_circularity():
    """Empirical noise power within 5% of sigma^2 over > 1e5 complex samples; real and
    imaginary parts each carry sigma^2 / 2; fresh noise per call."""
    scn = IRSMIMOScenario(random_state=0)
    ch = scn.draw_channel(np.random.default_rng(0))
    rng = np.random.default_rng(1)
    noise, sig = [], None
    for _ in range(400):  # 400 x 288 = 115 200 samples
        y, s2 = scn.observe(ch, 12.0, rng)
        sig = s2 if sig is None else sig
        assert s2 == sig
        noise.append(y - ch.y_clean)
    n = np.concatenate(noise)
    assert n.size >= 1e5
    assert np.mean(np.abs(n) ** 2) == pytest.approx(sig, rel=0.05)
    assert np.mean(n.real**2) == pytest.approx(sig / 2, rel=0.05)
    assert np.mean(n.imag**2) == pytest.approx(sig / 2, rel=0.05)
    assert abs(np.mean(n)) < 0.05 * np.sqrt(sig)
    assert not np.array_equal(noise[0], noise[1])
    assert np.mean(np.abs(ch.y_clean) ** 2) / sig == pytest.approx(10**1.2, rel=1e-12)


def test_seed_determinism():
    a, b, c = (IRSMIMOScenario(random_state=s) for s in (3, 3, 4))
    np.testing.assert_array_equal(a.pilots, b.pilots)
    np.testing.assert_array_equal(a.irs_configs, b.irs_configs)
    assert not np.array_equal(a.irs_configs, c.irs_configs)
    c1 = a.draw_channel(np.random.default_rng(9))
    c2 = b.draw_channel(np.random.default_rng(9))
    np.testing.assert_array_equal(c1.x, c2.x)
    np.testing.assert_array_equal(c1.cascaded, c2.cascaded)
    y1, s1 = a.observe(c1, 8.0, np.random.default_rng(2))
    y2, s2 = b.observe(c2, 8.0, np.random.default_rng(2))
    np.testing.assert_array_equal(y1, y2)
    assert s1 == s2
    # QPSK pilots and +-1/sqrt(N_IRS) configurations
    np.testing.assert_allclose(np.abs(a.pilots), 1 / np.sqrt(a.n_ms))
    np.testing.assert_allclose(np.abs(a.irs_configs), 1 / np.sqrt(a.n_irs))


def test_nmse_db_closed_form():
    """Per-configuration perturbation H_k (1 + eps_k): NMSE = mean_k eps_k^2 (linear mean over
    k, then dB); for an estimate (1 + e) x of the sparse vector, nmse_db = 20 log10 |e|."""
    from sparseopt.channels import nmse_db

    scn = IRSMIMOScenario(random_state=0)
    ch = scn.draw_channel(np.random.default_rng(4))
    eps = np.array([0.1, 0.02, 0.3, 0.05, 0.0, 0.2])
    est = ch.cascaded * (1 + eps)[:, None, None]
    assert nmse(est, ch.cascaded) == pytest.approx(np.mean(eps**2), rel=1e-12)
    assert nmse_db(est, ch.cascaded) == pytest.approx(10 * np.log10(np.mean(eps**2)), rel=1e-12)
    e = 0.03 - 0.04j  # |e| = 0.05
    assert scn.nmse_db((1 + e) * ch.x, ch.x) == pytest.approx(20 * np.log10(0.05), rel=1e-10)
    # additive error: closed form from the per-configuration Frobenius norms
    rng = np.random.default_rng(5)
    E = rng.standard_normal(ch.cascaded.shape) + 1j * rng.standard_normal(ch.cascaded.shape)
    want = np.mean(np.sum(np.abs(E) ** 2, axis=(1, 2)) / np.sum(np.abs(ch.cascaded) ** 2,
                                                                    axis=(1, 2)))
    assert nmse_db(ch.cascaded + E, ch.cascaded) == pytest.approx(10 * np.log10(want), rel=1e-12)
