"""Sparse Bayesian learning: E-steps against dense formulas, EM monotonicity, estimators."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from sparseopt.bayes import (
    KroneckerSBL,
    SparseBayesianRegression,
    dense_estep,
    from_dense,
    kron_estep,
)
from sparseopt.operators import KroneckerOperator


def _rand(rng, shape, complex_):
    a = rng.standard_normal(shape)
    return a + 1j * rng.standard_normal(shape) if complex_ else a


def _naive_estep(H, y, gamma, sigma2):
    M = H.shape[0]
    C = sigma2 * np.eye(M) + (H * gamma) @ H.conj().T
    Ci = np.linalg.inv(C)
    mu = gamma * (H.conj().T @ Ci @ y)
    Sigma = np.diag(gamma) - (gamma[:, None] * H.conj().T) @ Ci @ (H * gamma)
    cost = np.linalg.slogdet(C)[1] + np.real(np.vdot(y, Ci @ y))
    return mu, np.real(np.diag(Sigma)), cost


@pytest.mark.parametrize("complex_", [False, True])
@pytest.mark.parametrize("shape", [(8, 5), (6, 15)])  # primal and dual forms
def test_dense_estep_matches_naive(complex_, shape):
    rng = np.random.default_rng(0)
    H = _rand(rng, shape, complex_)
    y = _rand(rng, shape[0], complex_)
    gamma = rng.uniform(0.1, 2.0, shape[1])
    mu, s, cost, resid2, trace = dense_estep(H, y, gamma, 0.3)
    mu0, s0, cost0 = _naive_estep(H, y, gamma, 0.3)
    np.testing.assert_allclose(mu, mu0, atol=1e-10)
    np.testing.assert_allclose(s, s0, atol=1e-10)
    assert cost == pytest.approx(cost0, rel=1e-10)
    assert resid2 == pytest.approx(np.sum(np.abs(y - H @ mu0) ** 2), rel=1e-10)


@pytest.mark.parametrize("complex_", [False, True])
@pytest.mark.parametrize("shapes", [[(3, 5), (4, 6)], [(5, 3), (2, 4)], [(2, 3), (3, 2), (2, 3)]])
def test_kron_estep_equals_dense_estep(complex_, shapes):
    rng = np.random.default_rng(1)
    factors = [_rand(rng, s, complex_) for s in shapes]
    op = KroneckerOperator(factors)
    gammas = [rng.uniform(0.1, 2.0, s[1]) for s in shapes]
    gamma = gammas[0]
    for g in gammas[1:]:
        gamma = np.kron(gamma, g)
    y = _rand(rng, op.shape[0], complex_)
    got = kron_estep(factors, y, gammas, 0.2)
    mu0, s0, cost0 = _naive_estep(op.toarray(), y, gamma, 0.2)
    np.testing.assert_allclose(got[0], mu0, atol=1e-10)
    np.testing.assert_allclose(got[1], s0, atol=1e-10)
    assert got[2] == pytest.approx(cost0, rel=1e-10)
    assert got[3] == pytest.approx(np.sum(np.abs(y - op.toarray() @ mu0) ** 2), rel=1e-9)
    assert got[4] == pytest.approx(np.sum(1 - s0 / gamma), rel=1e-9)


def _kron_problem(seed, complex_=False, snr_db=20):
    rng = np.random.default_rng(seed)
    H = KroneckerOperator([_rand(rng, (16, 32), complex_) / 4, _rand(rng, (16, 32), complex_) / 4])
    X = np.zeros((32, 32), dtype=complex if complex_ else float)
    X[np.ix_(rng.choice(32, 3, replace=False), rng.choice(32, 3, replace=False))] = \
        _rand(rng, (3, 3), complex_)
    x = X.ravel()
    signal = H @ x
    sig2 = np.mean(np.abs(signal) ** 2) / 10 ** (snr_db / 10)
    noise = _rand(rng, 256, complex_) * np.sqrt(sig2 / (2 if complex_ else 1))
    return H, signal + noise, x, sig2


def _nmse_db(est, x):
    return 10 * np.log10(np.sum(np.abs(est - x) ** 2) / np.sum(np.abs(x) ** 2))


def test_em_cost_never_increases():
    H, y, _, sig2 = _kron_problem(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        am = KroneckerSBL("am", update="em", noise_variance=sig2, prune=0.0,
                          max_iter=60).fit(H, y)
        cs = SparseBayesianRegression(update="em", fit_intercept=False, noise_variance=sig2,
                                      prune=0.0,
                                      max_iter=60).fit(H.toarray(), y)
    for cost in (am.history_["cost"], cs.history_["cost"]):
        assert np.all(np.diff(cost) <= 1e-9 * np.abs(cost[:-1]))


def test_sbl_matches_a_dense_reference_em():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((20, 30))
    w = np.zeros(30)
    w[[2, 7]] = [1.5, -1.0]
    y = X @ w + 0.05 * rng.standard_normal(20)
    # the documented start: each column's prior carries ||y||^2 / N; the noise at a tenth of
    # the mean energy
    gamma = np.sum(y**2) / (30 * np.sum(X**2, axis=0))
    sigma2 = 0.1 * np.mean(y**2)
    for _ in range(25):  # textbook EM with learned noise, no pruning
        mu, s, _ = _naive_estep(X, y, gamma, sigma2)
        resid = np.sum((y - X @ mu) ** 2)
        sigma2 = (resid + sigma2 * np.sum(1 - s / gamma)) / 20
        gamma = mu**2 + s
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reg = SparseBayesianRegression(update="em", fit_intercept=False, prune=0.0, max_iter=25,
                                       tol=0.0).fit(X, y)
    np.testing.assert_allclose(reg.gamma_, gamma, rtol=1e-8, atol=1e-12)
    assert reg.noise_variance_ == pytest.approx(sigma2, rel=1e-8)


@pytest.mark.parametrize("complex_", [False, True])
@pytest.mark.parametrize("update", ["em", "mackay"])
def test_sbl_does_not_depend_on_the_scales_of_the_columns(complex_, update):
    # the evidence and the updates are unchanged by x_j c, gamma_j / c^2: so are the start, the
    # pruning and the stopping rule, and the fit on rescaled columns is the rescaled fit
    rng = np.random.default_rng(5)
    X = _rand(rng, (40, 120), complex_)
    w = np.zeros(120, dtype=X.dtype)
    w[[3, 30, 77]] = [2.0, -1.5, 1.0]
    y = X @ w + 0.05 * _rand(rng, 40, complex_)
    c = np.exp(rng.uniform(-4, 4, 120))
    for intercept in (False, True):
        a = SparseBayesianRegression(update=update, fit_intercept=intercept).fit(X, y)
        b = SparseBayesianRegression(update=update, fit_intercept=intercept).fit(X * c, y)
        assert b.n_iter_ == a.n_iter_
        np.testing.assert_array_equal(b.active_, a.active_)
        np.testing.assert_allclose(b.coef_ * c, a.coef_, rtol=1e-8, atol=1e-10)
        np.testing.assert_allclose(b.gamma_ * c**2, a.gamma_, rtol=1e-8, atol=1e-12)
        assert set(np.flatnonzero(np.abs(a.coef_) > 0.2)) == {3, 30, 77}


@pytest.mark.parametrize("complex_", [False, True])
def test_sbl_recovers_and_predicts(complex_):
    rng = np.random.default_rng(4)
    X = _rand(rng, (40, 80), complex_)
    w = np.zeros(80, dtype=complex if complex_ else float)
    w[[5, 50, 70]] = [2.0, -1.0, 1.5]
    y = X @ w + 0.01 * _rand(rng, 40, complex_) + 3.0
    reg = SparseBayesianRegression().fit(X, y)
    assert set(np.flatnonzero(np.abs(reg.coef_) > 0.2)) == {5, 50, 70}
    assert reg.coef_.dtype == (np.complex128 if complex_ else np.float64)
    mean, std = reg.predict(X, return_std=True)
    np.testing.assert_allclose(mean, y, atol=0.1)
    assert np.all(std >= np.sqrt(reg.noise_variance_) * (1 - 1e-12))
    with pytest.raises(ValueError, match="NaN"):
        SparseBayesianRegression().fit(np.full((3, 2), np.nan), np.ones(3))


def test_kronecker_sbl_beats_classical_sbl():
    """Seeded 2-factor 16x32 problems (make_kronecker_sparse: 3x3 grid, 9 nonzeros), SNR 20 dB,
    known noise: SVD-KroSBL is better than classical SBL on the median and not worse (0.5 dB
    slack) on four draws of five. (Classical SBL gained up to 7 dB on these draws from the
    scale-aware start and MacKay's update, and more from the column-balanced start; on seed 4
    it now keeps one more of the weak true coefficients than SVD-KroSBL and wins by 3.4 dB,
    both within 6 dB of the support oracle; the 20-draw comparison is a benchmark.)"""
    from sparseopt.datasets import make_kronecker_sparse

    gains = []
    for seed in range(5):
        factors, y, x, sig2 = make_kronecker_sparse([(16, 32), (16, 32)], 3, 20,
                                                    random_state=seed)
        H = KroneckerOperator(factors)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            kro = KroneckerSBL("svd", noise_variance=sig2).fit(H, y)
            cs = SparseBayesianRegression(fit_intercept=False, noise_variance=sig2).fit(
                H.toarray(), y)
        gains.append(_nmse_db(cs.coef_, x) - _nmse_db(kro.coef_, x))
    assert np.median(gains) >= 1.0
    assert np.sum(np.asarray(gains) >= -0.5) >= 4


@pytest.mark.parametrize("method", ["svd", "am"])
def test_kronecker_sbl_complex_learned_noise_and_inputs(method):
    H, y, x, sig2 = _kron_problem(7, complex_=True, snr_db=25)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        m1 = KroneckerSBL(method).fit(H, y)
        m2 = KroneckerSBL(method).fit(list(H.factors), y)
        m3 = KroneckerSBL(method, factor_shapes=[(16, 32), (16, 32)]).fit(H.toarray(), y)
    assert _nmse_db(m1.coef_, x) < -15
    np.testing.assert_allclose(m1.coef_, m2.coef_)
    np.testing.assert_allclose(m1.coef_, m3.coef_, atol=1e-6 * np.abs(x).max())
    assert m1.coef_.dtype == np.complex128
    np.testing.assert_allclose(m1.predict(H), H @ m1.coef_)
    with pytest.raises(ValueError, match="method"):
        KroneckerSBL("xx").fit(H, y)
    with pytest.raises(ValueError, match="structure"):
        KroneckerSBL(structure="blocks").fit(H, y)


def test_from_dense():
    rng = np.random.default_rng(0)
    A, B, C = rng.standard_normal((2, 3)), rng.standard_normal((3, 2)), rng.standard_normal((2, 2))
    K = np.kron(np.kron(A, B), C)
    op = from_dense(K, [(2, 3), (3, 2), (2, 2)])
    np.testing.assert_allclose(op.toarray(), K, atol=1e-12)
    with pytest.raises(ValueError, match="Kronecker"):
        from_dense(rng.standard_normal((6, 6)), [(2, 2), (3, 3)])


def test_block_structure_zero_coupling_is_am_and_errors():
    H, y, x, sig2 = _kron_problem(2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        am = KroneckerSBL("am", noise_variance=sig2, max_iter=40).fit(H, y)
        pc0 = KroneckerSBL("am", structure="block", beta=0.0, coupling_floor=0.0, refine=None,
                           noise_variance=sig2, max_iter=40).fit(H, y)
    np.testing.assert_allclose(pc0.coef_, am.coef_, rtol=1e-6, atol=1e-9)
    with pytest.raises(ValueError, match="method"):
        KroneckerSBL("svd", structure="block").fit(H, y)
    with pytest.raises(ValueError, match="coupled_factors"):
        KroneckerSBL("am", structure="block", coupled_factors=(5,)).fit(H, y)


def test_kronecker_omp():
    from sparseopt.bayes import kronecker_omp

    rng = np.random.default_rng(0)
    A, B = rng.standard_normal((12, 20)), rng.standard_normal((12, 20))
    x = np.zeros(400)
    x[[5, 77, 301]] = [1.0, -2.0, 0.5]
    y = np.kron(A, B) @ x
    coef, support = kronecker_omp([A, B], y, noise_variance=1e-14)
    assert sorted(support.tolist()) == [5, 77, 301]
    np.testing.assert_allclose(coef, x, atol=1e-8)
    coef2, support2 = kronecker_omp(KroneckerOperator([A, B]), y, max_atoms=1)
    assert len(support2) == 1
    with pytest.raises(ValueError, match="y"):
        kronecker_omp([A, B], y[:-1])


def test_kronecker_predictive_std_matches_dense_formula():
    H, y, x, sig2 = _kron_problem(4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        m = KroneckerSBL("svd", noise_variance=sig2, max_iter=30).fit(H, y)
    # dense posterior covariance on the active grid
    supports = m.support_
    gammas = [g[sp] for g, sp in zip(m.gamma_factors_, supports, strict=True)]
    cols = np.ravel_multi_index(np.ix_(*supports), (32, 32)).ravel()
    Hd = H.toarray()[:, cols]
    g = np.kron(gammas[0], gammas[1])
    C = sig2 * np.eye(256) + (Hd * g) @ Hd.T
    Sigma = np.diag(g) - (g[:, None] * Hd.T) @ np.linalg.solve(C, Hd * g)
    rng = np.random.default_rng(0)
    G1, G2 = rng.standard_normal((3, 32)), rng.standard_normal((2, 32))
    Gd = np.kron(G1, G2)[:, cols]
    want = np.sqrt(np.diag(Gd @ Sigma @ Gd.T) + sig2)
    mean, std = m.predict(KroneckerOperator([G1, G2]), return_std=True)
    np.testing.assert_allclose(std, want, rtol=1e-8)
    np.testing.assert_allclose(mean, np.kron(G1, G2) @ m.coef_)
    mean_d, std_d = m.predict(np.kron(G1, G2), return_std=True)
    np.testing.assert_allclose(std_d, want, rtol=1e-8)


@pytest.mark.parametrize("seed", range(3))
def test_peer_ardregression(seed):
    """SparseBayesianRegression agrees with scikit-learn's ARDRegression (MacKay updates)."""
    from sklearn.linear_model import ARDRegression

    rng = np.random.default_rng(seed)
    X = rng.standard_normal((100, 20))
    w = np.zeros(20)
    w[rng.choice(20, 5, replace=False)] = rng.standard_normal(5)
    y = X @ w + 0.1 * rng.standard_normal(100)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ard = ARDRegression(fit_intercept=False, threshold_lambda=1e8, tol=1e-12,
                            max_iter=10000).fit(X, y)
        ours = SparseBayesianRegression(prune=1e-8, tol=1e-10, max_iter=20000, update="mackay",
                                        fit_intercept=False).fit(X, y)
    assert np.linalg.norm(ours.coef_ - ard.coef_) <= 5e-3 * np.linalg.norm(ard.coef_)
    big = np.abs(ard.coef_) > 1e-2 * np.abs(ard.coef_).max()
    np.testing.assert_array_equal(np.abs(ours.coef_) > 1e-2 * np.abs(ours.coef_).max(), big)
    assert ours.noise_variance_ == pytest.approx(1.0 / ard.alpha_, rel=0.03)
