"""KroneckerSBL / SparseBayesianRegression against independent
references (np.kron dense matrices, np.linalg.inv closed forms, slogdet, cvxpy, numpy SVD,
scipy.optimize.nnls).

The M-steps are tested through the public estimator: with ``max_iter=1`` and ``prune=0`` the
fitted ``gamma_factors_`` are exactly one M-step applied to ``d = |mu|^2 + s`` from the E-step at
the initial ``gamma``, which a dense closed-form E-step reproduces independently.
"""

import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_limits

from sparseopt.bayes import KroneckerSBL, SparseBayesianRegression, from_dense, kron_estep
from sparseopt.operators import KroneckerOperator


@pytest.fixture(autouse=True)
def _one_blas_thread():
    """Small dense problems: BLAS threads only add contention on a shared machine."""
    with threadpool_limits(limits=1):
        yield


def _rand(rng, shape, complex_=False):
    a = rng.standard_normal(shape)
    return a + 1j * rng.standard_normal(shape) if complex_ else a


def _kron_list(vs):
    out = np.ones(1)
    for v in vs:
        out = np.kron(out, v)
    return out


def _dense(factors):
    out = np.ones((1, 1))
    for f in factors:
        out = np.kron(out, f)
    return out


def _closed_form_estep(H, y, gamma, sigma2):
    """Posterior by the textbook closed form Sigma = (H^H H / s2 + Gamma^-1)^-1 (np.linalg.inv)."""
    Sigma = np.linalg.inv(H.conj().T @ H / sigma2 + np.diag(1.0 / gamma))
    mu = Sigma @ (H.conj().T @ y) / sigma2
    return mu, np.real(np.diag(Sigma))


def _type2_cost(H, y, gamma, sigma2):
    C = sigma2 * np.eye(H.shape[0]) + (H * gamma) @ H.conj().T
    return np.linalg.slogdet(C)[1] + np.real(np.vdot(y, np.linalg.solve(C, y)))


def _grid_problem(seed, shapes, ks, snr_db=20.0, complex_=False):
    """Kronecker-sparse problem with the grid support of , drawn here (not by the library)."""
    rng = np.random.default_rng(seed)
    factors = [_rand(rng, s, complex_) for s in shapes]
    X = np.zeros([n for _, n in shapes], dtype=complex if complex_ else float)
    sup = [np.sort(rng.choice(n, k, replace=False)) for (_, n), k in zip(shapes, ks, strict=True)]
    X[np.ix_(*sup)] = _rand(rng, tuple(ks), complex_)
    x = X.ravel()
    signal = _dense(factors) @ x
    s2 = float(np.mean(np.abs(signal) ** 2) / 10 ** (snr_db / 10))
    noise = _rand(rng, signal.size, complex_) * np.sqrt(s2 / (2 if complex_ else 1))
    return factors, signal + noise, x, s2


def _start(factors, y, couplings=None, floor=0.0):
    """The documented start, rebuilt here: every factor flat (a coupled one C 1 plus the floor
    times its norm), factors at unit norm, and the last one scaled so that
    tr(H Gamma H^H) = prod_i sum_n gamma_i[n] ||h_in||^2 equals ||y||^2."""
    couplings = couplings or {}
    gs = []
    for i, f in enumerate(factors):
        g = np.ones(f.shape[1])
        if i in couplings:
            g = couplings[i] @ g
            g = g + floor * np.linalg.norm(g)
        gs.append(g / np.linalg.norm(g))
    power = np.prod([g @ np.sum(np.abs(f) ** 2, axis=0) for g, f in zip(gs, factors,
                                                                         strict=True)])
    gs[-1] = gs[-1] * np.real(np.vdot(y, y)) / power
    return gs


def _s2_start(y):
    """The documented start of a learnt noise variance: a tenth of the mean energy of y."""
    return 0.1 * np.mean(np.abs(y) ** 2)


def _q_value(D, gamma):
    return float(np.sum(np.log(gamma) + D / gamma))


def _fit_quiet(model, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(X, y)


# ---------------------------------------------------------------- E-step exactness ()

@pytest.mark.parametrize("complex_", [False, True])
@pytest.mark.parametrize("shapes", [
    [(7, 5)],                      # I = 1, M > N
    [(4, 6)],                      # I = 1, M < N
    [(5, 3), (4, 2)],              # I = 2, M_i > N_i for both
    [(3, 5), (4, 6)],              # I = 2, M_i < N_i
    [(2, 3), (3, 2), (2, 4)],      # I = 3, mixed
])
def test_kron_estep_against_closed_form_inverse(shapes, complex_):
    """kron_estep vs Sigma = (H^H H / s2 + Gamma^-1)^-1 (np.linalg.inv), cost vs slogdet, and the
    O(M) residual / trace identities vs their dense counterparts, all rtol 1e-10."""
    rng = np.random.default_rng(11)
    factors = [_rand(rng, s, complex_) for s in shapes]
    gammas = [rng.uniform(0.2, 3.0, s[1]) for s in shapes]
    H, gamma = _dense(factors), _kron_list(gammas)
    assert H.shape[1] <= 200
    y = _rand(rng, H.shape[0], complex_)
    sigma2 = 0.37
    mu, s, cost, resid2, trace = kron_estep(factors, y, gammas, sigma2)
    mu0, s0 = _closed_form_estep(H, y, gamma, sigma2)
    np.testing.assert_allclose(mu, mu0, rtol=1e-10, atol=1e-12 * np.abs(mu0).max())
    np.testing.assert_allclose(s, s0, rtol=1e-10)
    assert cost == pytest.approx(_type2_cost(H, y, gamma, sigma2), rel=1e-10)
    assert resid2 == pytest.approx(np.sum(np.abs(y - H @ mu0) ** 2), rel=1e-10)
    # tr(H Sigma H^H) = sigma2 * sum_j (1 - s_j / gamma_j)
    Sigma = np.linalg.inv(H.conj().T @ H / sigma2 + np.diag(1.0 / gamma))
    assert trace == pytest.approx(np.sum(1 - s0 / gamma), rel=1e-10)
    assert sigma2 * trace == pytest.approx(np.real(np.trace(H @ Sigma @ H.conj().T)), rel=1e-10)


@pytest.mark.parametrize("complex_", [False, True])
def test_kron_estep_on_pruned_factors(complex_):
    """Pruning = column selection per factor: the structured E-step on H_i[:, S_i] equals the
    dense closed form on the matching columns of np.kron(H_1, H_2, H_3)."""
    rng = np.random.default_rng(12)
    shapes = [(3, 6), (4, 5), (2, 4)]
    factors = [_rand(rng, s, complex_) for s in shapes]
    sups = [np.array([0, 2, 5]), np.array([1, 4]), np.array([0, 1, 3])]
    sub = [f[:, sp] for f, sp in zip(factors, sups, strict=True)]
    cols = np.ravel_multi_index(np.ix_(*sups), [6, 5, 4]).ravel()
    H = _dense(factors)[:, cols]
    np.testing.assert_array_equal(H, _dense(sub))
    gammas = [rng.uniform(0.2, 3.0, len(sp)) for sp in sups]
    y = _rand(rng, H.shape[0], complex_)
    mu, s, cost, resid2, trace = kron_estep(sub, y, gammas, 0.05)
    mu0, s0 = _closed_form_estep(H, y, _kron_list(gammas), 0.05)
    np.testing.assert_allclose(mu, mu0, rtol=1e-10, atol=1e-12 * np.abs(mu0).max())
    np.testing.assert_allclose(s, s0, rtol=1e-10)
    assert cost == pytest.approx(_type2_cost(H, y, _kron_list(gammas), 0.05), rel=1e-10)


def test_noise_update_matches_dense_formula():
    """One EM iteration with learned noise (max_iter=1): noise_variance_ equals
    (||y - H mu||^2 + s2_old sum(1 - s/gamma)) / M from the dense closed form at the start
    (each estimator's own start: the Kronecker one flat per factor, the dense one balanced
    over the columns)."""
    factors, y, _, _ = _grid_problem(3, [(4, 6), (5, 3)], (2, 2), complex_=True)
    H = _dense(factors)
    s2_0 = _s2_start(y)
    g0 = _kron_list(_start(factors, y))
    mu0, s0 = _closed_form_estep(H, y, g0, s2_0)
    want = (np.sum(np.abs(y - H @ mu0) ** 2) + s2_0 * np.sum(1 - s0 / g0)) / H.shape[0]
    m = _fit_quiet(KroneckerSBL("svd", update="em", max_iter=1, prune=0.0), factors, y)
    assert m.noise_variance_ == pytest.approx(want, rel=1e-10)
    g0 = np.sum(np.abs(y) ** 2) / (H.shape[1] * np.sum(np.abs(H) ** 2, axis=0))
    mu0, s0 = _closed_form_estep(H, y, g0, s2_0)
    want = (np.sum(np.abs(y - H @ mu0) ** 2) + s2_0 * np.sum(1 - s0 / g0)) / H.shape[0]
    c = _fit_quiet(SparseBayesianRegression(update="em", max_iter=1, prune=0.0,
                                            fit_intercept=False), H, y)
    assert c.noise_variance_ == pytest.approx(want, rel=1e-10)


@pytest.mark.parametrize("complex_", [False, True])
def test_predictive_std_three_factors_after_pruning(complex_):
    """Structured predictive std (Kronecker X_new and dense X_new) against diag(G Sigma G^H) + s2
    with Sigma from np.linalg.inv on the surviving grid; shapes are right after pruning."""
    factors, y, _, s2 = _grid_problem(5, [(4, 6), (3, 5), (4, 4)], (2, 2, 2), 25, complex_)
    m = _fit_quiet(KroneckerSBL("svd", update="em", noise_variance=s2, prune=0.2, max_iter=15),
                   factors, y)
    sups = m.support_
    assert sum(len(sp) for sp in sups) < 15  # something was pruned
    cols = np.ravel_multi_index(np.ix_(*sups), [6, 5, 4]).ravel()
    g = m.gamma_[cols]
    g_fac = [gf[sp] for gf, sp in zip(m.gamma_factors_, sups, strict=True)]
    np.testing.assert_allclose(g, _kron_list(g_fac), rtol=1e-12)
    Hd = _dense(factors)[:, cols]
    Sigma = np.linalg.inv(Hd.conj().T @ Hd / s2 + np.diag(1.0 / g))
    rng = np.random.default_rng(0)
    Gs = [_rand(rng, (2, 6), complex_), _rand(rng, (3, 5), complex_), _rand(rng, (1, 4), complex_)]
    Gd = _dense(Gs)
    want = np.sqrt(np.real(np.diag(Gd[:, cols] @ Sigma @ Gd[:, cols].conj().T)) + s2)
    mean, std = m.predict(KroneckerOperator(Gs), return_std=True)
    assert mean.shape == std.shape == (6,)
    np.testing.assert_allclose(std, want, rtol=1e-10)
    mean_d, std_d = m.predict(Gd, return_std=True)
    np.testing.assert_allclose(std_d, want, rtol=1e-10)
    np.testing.assert_allclose(mean_d, Gd @ m.coef_, rtol=1e-10, atol=1e-12)
    # posterior variances of the fit are the diagonal of the same Sigma
    np.testing.assert_allclose(m.sigma_diag_[cols], np.real(np.diag(Sigma)), rtol=1e-9)


# --------------------------------------------------------------------- AM M-step

def _one_mstep(model, factors, y, s2, prior_gammas):
    """D from the dense closed-form E-step at the initial prior, and the library's M-step output
    (gamma_factors_ after max_iter=1, prune=0)."""
    H = _dense(factors)
    mu, s = _closed_form_estep(H, y, _kron_list(prior_gammas), s2)
    D = (np.abs(mu) ** 2 + s).reshape([f.shape[1] for f in factors])
    m = _fit_quiet(model.set_params(max_iter=1, prune=0.0, noise_variance=s2), factors, y)
    return D, m


def test_am_mstep_reaches_the_cvxpy_optimum():
    """After convergence of the inner sweeps Q equals the cvxpy optimum of the convex
    log-parametrised problem min N2 sum th1 + N1 sum th2 + sum D_ab exp(-th1_a - th2_b)."""
    cp = pytest.importorskip("cvxpy")
    factors, y, _, s2 = _grid_problem(21, [(4, 5), (5, 6)], (2, 2), 15)
    D, m = _one_mstep(KroneckerSBL("am", update="em", inner_tol=1e-14, max_inner=5000), factors,
                      y, s2, _start(factors, y))
    g1, g2 = m.gamma_factors_
    q_lib = _q_value(D, np.outer(g1, g2))
    n1, n2 = D.shape
    t1, t2 = cp.Variable(n1), cp.Variable(n2)
    S = cp.reshape(t1, (n1, 1), order="C") @ np.ones((1, n2)) + \
        np.ones((n1, 1)) @ cp.reshape(t2, (1, n2), order="C")
    obj = n2 * cp.sum(t1) + n1 * cp.sum(t2) + cp.sum(cp.multiply(D, cp.exp(-S)))
    prob = cp.Problem(cp.Minimize(obj))
    prob.solve(solver=cp.CLARABEL)
    assert prob.status == "optimal"
    assert q_lib == pytest.approx(prob.value, rel=1e-6)
    assert q_lib <= prob.value + 1e-6 * abs(prob.value)
    # scale fixing: gamma_1 has unit norm, the scale lives in gamma_2
    assert np.linalg.norm(g1) == pytest.approx(1.0, rel=1e-12)
    # stationarity of each block at the optimum: gamma_1 = D(1/gamma_2)/N_2, gamma_2 = D^T(1/g1)/N_1
    np.testing.assert_allclose(g1, D @ (1 / g2) / n2, rtol=1e-6)
    np.testing.assert_allclose(g2, D.T @ (1 / g1) / n1, rtol=1e-6)


def test_am_single_sweep_matches_hand_written_sweep_and_each_sweep_decreases_q():
    """max_inner=1 is one Gauss-Seidel sweep (γ1 = D(1/γ2)/N2 then γ2 = D^T(1/γ1)/N1) followed
    by the normalisation, which leaves (x)γ unchanged; more sweeps never increase Q."""
    factors, y, _, s2 = _grid_problem(22, [(4, 5), (5, 6)], (2, 2), 15, complex_=True)
    p1, p2 = _start(factors, y)
    D, m = _one_mstep(KroneckerSBL("am", update="em", max_inner=1), factors, y, s2, [p1, p2])
    n1, n2 = D.shape
    h1 = D @ (1 / p2) / n2
    q_after_block1 = _q_value(D, np.outer(h1, p2))
    h2 = D.T @ (1 / h1) / n1
    q_after_block2 = _q_value(D, np.outer(h1, h2))
    assert q_after_block1 <= _q_value(D, np.outer(p1, p2))
    assert q_after_block2 <= q_after_block1
    g1, g2 = m.gamma_factors_
    np.testing.assert_allclose(np.outer(g1, g2), np.outer(h1, h2), rtol=1e-12)  # ⊗γ unchanged
    np.testing.assert_allclose(g1, h1 / np.linalg.norm(h1), rtol=1e-12)
    np.testing.assert_allclose(g2, h2 * np.linalg.norm(h1), rtol=1e-12)
    qs = []
    for k in (1, 2, 3, 5, 10, 40):
        _, mk = _one_mstep(KroneckerSBL("am", update="em", max_inner=k, inner_tol=0.0), factors,
                           y, s2, [p1, p2])
        qs.append(_q_value(D, np.outer(*mk.gamma_factors_)))
    assert np.all(np.diff(qs) <= 1e-12 * np.abs(qs[:-1]))


def test_am_three_factor_sweep():
    """I = 3: one sweep of γ_i[n] = mean_{j: j_i = n} D_j / prod_{k≠i} γ_k[j_k] (Gauss-Seidel),
    then γ_1, γ_2 normalised and the scale in γ_3."""
    shapes = [(3, 4), (3, 3), (2, 5)]
    factors, y, _, s2 = _grid_problem(23, shapes, (2, 2, 2), 15)
    g = _start(factors, y)
    D, m = _one_mstep(KroneckerSBL("am", update="em", max_inner=1), factors, y, s2, g)
    g[0] = np.einsum("abc,b,c->a", D, 1 / g[1], 1 / g[2]) / 15
    g[1] = np.einsum("abc,a,c->b", D, 1 / g[0], 1 / g[2]) / 20
    g[2] = np.einsum("abc,a,b->c", D, 1 / g[0], 1 / g[1]) / 12
    n0, n1 = np.linalg.norm(g[0]), np.linalg.norm(g[1])
    want = [g[0] / n0, g[1] / n1, g[2] * n0 * n1]
    for got, w in zip(m.gamma_factors_, want, strict=True):
        np.testing.assert_allclose(got, w, rtol=1e-11)


# --------------------------------------------------------------------- SVD M-step

@pytest.mark.parametrize("solver", ["auto", "power", "full"])
def test_svd_mstep_is_eckart_young(solver):
    """I = 2: (γ1, γ2) = (|u1|, s1|v1|) from numpy's SVD of D; ||D - γ1γ2^T||² = ||D||² - s1²;
    nonnegative outputs."""
    factors, y, _, s2 = _grid_problem(31, [(5, 7), (4, 6)], (2, 2), 20, complex_=True)
    D, m = _one_mstep(KroneckerSBL("svd", update="em", svd_solver=solver), factors, y, s2,
                      _start(factors, y))
    U, S, Vt = np.linalg.svd(D)
    g1, g2 = m.gamma_factors_
    assert np.all(g1 >= 0) and np.all(g2 >= 0)
    np.testing.assert_allclose(g1, np.abs(U[:, 0]), rtol=1e-10)
    np.testing.assert_allclose(g2, S[0] * np.abs(Vt[0]), rtol=1e-10)
    misfit = np.linalg.norm(D - np.outer(g1, g2)) ** 2
    assert misfit == pytest.approx(np.linalg.norm(D) ** 2 - S[0] ** 2, rel=1e-8,
                                   abs=1e-12 * S[0] ** 2)
    # no rank-1 nonnegative pair does better (Eckart-Young lower bound)
    rng = np.random.default_rng(0)
    for _ in range(20):
        a, b = np.abs(g1 + 0.1 * rng.standard_normal(7)), np.abs(g2 + 0.1 * rng.standard_normal(6))
        assert np.linalg.norm(D - np.outer(a, b)) ** 2 >= misfit * (1 - 1e-12)


def test_svd_mstep_three_factors_is_the_sequential_scheme():
    """I = 3: SVD of D.reshape(N1, N2 N3) -> γ1 = |u1|; s1|v1| reshaped to (N2, N3) -> SVD ->
    γ2 = |u|, γ3 = s|v| (numpy SVDs)."""
    shapes = [(3, 4), (3, 5), (2, 3)]
    factors, y, _, s2 = _grid_problem(32, shapes, (2, 2, 2), 20)
    D, m = _one_mstep(KroneckerSBL("svd", update="em", svd_solver="full"), factors, y, s2,
                      _start(factors, y))
    U, S, Vt = np.linalg.svd(D.reshape(4, 15))
    R = (S[0] * np.abs(Vt[0])).reshape(5, 3)
    U2, S2, Vt2 = np.linalg.svd(R)
    want = [np.abs(U[:, 0]), np.abs(U2[:, 0]), S2[0] * np.abs(Vt2[0])]
    for got, w in zip(m.gamma_factors_, want, strict=True):
        np.testing.assert_allclose(got, w, rtol=1e-10)


def test_svd_solvers_agree_on_whole_fits():
    """'power', 'full' and 'auto' give the same fit to 1e-8, on factors large enough (N_i > 64)
    for 'auto' to pick the power iteration, and on small factors (where 'auto' is LAPACK)."""
    for shapes, ks in (([(6, 70), (6, 66)], (2, 2)), ([(8, 12), (6, 10)], (2, 2))):
        factors, y, x, s2 = _grid_problem(33, shapes, ks, 25)
        fits = {s: _fit_quiet(KroneckerSBL("svd", update="em", svd_solver=s, noise_variance=s2,
                                           max_iter=30), factors, y)
                for s in ("power", "full", "auto")}
        ref = fits["full"].coef_
        for s in ("power", "auto"):
            np.testing.assert_allclose(fits[s].coef_, ref, rtol=1e-8,
                                       atol=1e-8 * np.abs(ref).max())
            np.testing.assert_allclose(fits[s].gamma_, fits["full"].gamma_, rtol=1e-8,
                                       atol=1e-8 * fits["full"].gamma_.max())
            assert fits[s].n_iter_ == fits["full"].n_iter_


# --------------------------------------------------------------------- PC step

def test_pc_step_is_scipy_nnls():
    """One PC sweep on factor 0 (coupled, β = 0.6): t = D(1/γ̃2)/N2, g = nnls(C, t) with C the
    tridiagonal I + β(S + S^T), γ̃1 = C g + floor ||C g||; factor 1 uncoupled; then
    normalisation."""
    from scipy.optimize import nnls

    beta, floor = 0.6, 1e-3
    n1, n2 = 6, 5
    C = np.eye(n1) + beta * (np.eye(n1, k=1) + np.eye(n1, k=-1))
    factors, y, _, s2 = _grid_problem(41, [(4, n1), (4, n2)], (2, 2), 15)
    init = _start(factors, y, {0: C}, floor)
    D, m = _one_mstep(KroneckerSBL("am", update="em", structure="block", beta=beta,
                                   coupled_factors=(0,), coupling_floor=floor, max_inner=1,
                                   refine=None), factors, y, s2, init)
    t = D @ (1 / init[1]) / n2
    g, _ = nnls(C, t)
    h1 = C @ g + floor * np.linalg.norm(C @ g)
    h2 = D.T @ (1 / h1) / n1
    nrm = np.linalg.norm(h1)
    np.testing.assert_allclose(m.gamma_factors_[0], h1 / nrm, rtol=1e-10)
    np.testing.assert_allclose(m.gamma_factors_[1], h2 * nrm, rtol=1e-10)


def test_pc_coupling_is_pruned_to_the_principal_submatrix():
    """After pruning, a coupled factor's C_i is the principal submatrix of the full tridiagonal
    matrix on the survivors (no coupling across a pruned gap). Reference: iteration 2 rebuilt
    by hand from the iteration-1 output, a dense closed-form E-step and scipy's nnls."""
    from scipy.optimize import nnls

    beta, floor, prune = 0.8, 1e-5, 0.6
    n1, n2 = 8, 5
    factors, y, _, s2 = _grid_problem(41, [(5, n1), (4, n2)], (2, 2), 20)  # a gap survives
    kw = dict(structure="block", beta=beta, coupled_factors=(0,), coupling_floor=floor,
              max_inner=1, noise_variance=s2, prune=(prune, 0.0), refine=None)
    m1 = _fit_quiet(KroneckerSBL("am", update="em", max_iter=1, **kw), factors, y)
    m2 = _fit_quiet(KroneckerSBL("am", update="em", max_iter=2, tol=0.0, **kw), factors, y)
    g1, g2 = m1.gamma_factors_
    keep = np.flatnonzero(g1 >= prune * g1.max())
    assert 1 < len(keep) < n1 and np.any(np.diff(keep) > 1)  # a gap inside the survivors
    np.testing.assert_array_equal(m2.support_[0], keep)
    H = _dense([factors[0][:, keep], factors[1]])
    prior = [g1[keep], g2]
    mu, s = _closed_form_estep(H, y, _kron_list(prior), s2)
    D = (np.abs(mu) ** 2 + s).reshape(len(keep), n2)
    C_full = np.eye(n1) + beta * (np.eye(n1, k=1) + np.eye(n1, k=-1))
    C = C_full[np.ix_(keep, keep)]
    t = D @ (1 / prior[1]) / n2
    g = C @ nnls(C, t)[0]
    h1 = g + floor * np.linalg.norm(g)
    h2 = D.T @ (1 / h1) / len(keep)
    nrm = np.linalg.norm(h1)
    np.testing.assert_allclose(m2.gamma_factors_[0][keep], h1 / nrm, rtol=1e-9)
    np.testing.assert_allclose(m2.gamma_factors_[1], h2 * nrm, rtol=1e-9)
    assert np.all(np.delete(m2.gamma_factors_[0], keep) == 0)


@pytest.mark.parametrize("max_inner", [1, 9, 100])
def test_pc_zero_coupling_equals_am(max_inner):
    """β = 0 and floor = 0: PC-KroSBL is AM, rtol 1e-10 (3 factors, all coupled, pruning on)."""
    factors, y, _, s2 = _grid_problem(43, [(4, 6), (3, 5), (4, 6)], (2, 1, 2), 20,
                                      complex_=True)
    kw = dict(noise_variance=s2, max_iter=40, max_inner=max_inner, inner_tol=1e-4,
              prune=(1e-2, 1e-1, 1e-2))
    am = _fit_quiet(KroneckerSBL("am", update="em", **kw), factors, y)
    pc = _fit_quiet(KroneckerSBL("am", update="em", structure="block", beta=0.0, coupling_floor=0.0,
                                 refine=None, **kw), factors, y)
    assert pc.n_iter_ == am.n_iter_
    np.testing.assert_allclose(pc.coef_, am.coef_, rtol=1e-10, atol=1e-12 * np.abs(am.coef_).max())
    np.testing.assert_allclose(pc.gamma_, am.gamma_, rtol=1e-10, atol=1e-14 * am.gamma_.max())


# ------------------------------------------------------------ monotonicity, fixed point

@pytest.mark.parametrize("learn_noise", [False, True])
@pytest.mark.parametrize("complex_", [False, True])
def test_em_cost_monotone_known_and_learned_noise(learn_noise, complex_):
    """classical EM and AM with prune = 0: history_['cost'] non-increasing (1e-9 relative), and
    each recorded cost equals the slogdet type-II cost at the recorded noise level."""
    factors, y, _, s2 = _grid_problem(51, [(6, 9), (5, 8)], (2, 2), 20, complex_)
    H = _dense(factors)
    nv = None if learn_noise else s2
    am = _fit_quiet(KroneckerSBL("am", update="em", noise_variance=nv, prune=0.0, max_iter=80),
                    factors, y)
    cs = _fit_quiet(SparseBayesianRegression(update="em", fit_intercept=False, noise_variance=nv,
                                             prune=0.0,
                                             max_iter=80), H, y)
    for cost in (am.history_["cost"], cs.history_["cost"]):
        assert len(cost) >= 5
        assert np.all(np.diff(cost) <= 1e-9 * np.abs(cost[:-1]))
    # the first recorded cost is L at the start (slogdet): flat per factor for the Kronecker
    # model, balanced over the columns (gamma_j = ||y||^2 / (N ||h_j||^2)) for the dense one
    s2_0 = s2 if nv else _s2_start(y)
    L0 = _type2_cost(H, y, _kron_list(_start(factors, y)), s2_0)
    assert am.history_["cost"][0] == pytest.approx(L0, rel=1e-10)
    balanced = np.sum(np.abs(y) ** 2) / (H.shape[1] * np.sum(np.abs(H) ** 2, axis=0))
    L0 = _type2_cost(H, y, balanced, s2_0)
    assert cs.history_["cost"][0] == pytest.approx(L0, rel=1e-10)


def test_fixed_points():
    """At convergence: cSBL has gamma ≈ |mu|^2 + s; AM satisfies the stationarity conditions of
    the Kronecker-constrained M-step with d = |mu|^2 + s."""
    rng = np.random.default_rng(52)
    X = rng.standard_normal((30, 12))
    w = np.zeros(12)
    w[[1, 4, 9]] = [1.0, -0.7, 2.0]
    y = X @ w + 0.05 * rng.standard_normal(30)
    cs = SparseBayesianRegression(fit_intercept=False, update="em", prune=1e-6, tol=1e-11,
                                  max_iter=100000).fit(X, y)
    a = cs.active_
    np.testing.assert_allclose(cs.gamma_[a], np.abs(cs.coef_[a]) ** 2 + cs.sigma_diag_[a],
                               rtol=1e-6)
    factors, y2, _, s2 = _grid_problem(53, [(6, 7), (6, 8)], (2, 3), 25)
    am = KroneckerSBL("am", update="em", noise_variance=s2, prune=1e-4, tol=1e-10, max_iter=20000,
                      inner_tol=1e-13, max_inner=1000).fit(factors, y2)
    s1, s2_ = am.support_
    g1, g2 = am.gamma_factors_[0][s1], am.gamma_factors_[1][s2_]
    D = (np.abs(am.coef_) ** 2 + am.sigma_diag_).reshape(7, 8)[np.ix_(s1, s2_)]
    np.testing.assert_allclose(g1, D @ (1 / g2) / len(s2_), rtol=1e-5)
    np.testing.assert_allclose(g2, D.T @ (1 / g1) / len(s1), rtol=1e-5)


# ------------------------------------------------------------------ reductions, symmetry

@pytest.mark.parametrize("complex_", [False, True])
@pytest.mark.parametrize("shape", [(30, 60), (40, 25)])  # dual and primal dense E-step
@pytest.mark.parametrize("learn_noise", [False, True])
@pytest.mark.parametrize("method", ["svd", "am"])
def test_one_factor_kronecker_sbl_is_classical_sbl(method, learn_noise, shape, complex_):
    """a dense X with factor_shapes=None is I = 1, where AM and SVD both give gamma = d:
    KroneckerSBL equals SparseBayesianRegression(fit_intercept=False) with the same prune and tol
    (coef rtol 1e-8, same iteration count, same noise variance) on columns of one norm, where
    the classical fit's column-balanced start, pruning and stopping rule are the Kronecker
    model's flat ones."""
    rng = np.random.default_rng(61)
    X = _rand(rng, shape, complex_)
    X /= np.linalg.norm(X, axis=0)
    w = np.zeros(shape[1], dtype=X.dtype)
    w[[2, 9, 17]] = [1.0, -2.0, 0.5]
    y = X @ w + 0.05 * _rand(rng, shape[0], complex_)
    nv = None if learn_noise else 0.05**2
    kw = dict(noise_variance=nv, prune=1e-3, tol=1e-6, max_iter=500)
    cs = SparseBayesianRegression(update="em", fit_intercept=False, **kw).fit(X, y)
    kro = KroneckerSBL(method, update="em", **kw).fit(X, y)
    assert kro.n_iter_ == cs.n_iter_
    np.testing.assert_array_equal(np.flatnonzero(kro.gamma_), cs.active_)
    np.testing.assert_allclose(kro.coef_, cs.coef_, rtol=1e-8, atol=1e-12 * np.abs(cs.coef_).max())
    np.testing.assert_allclose(kro.gamma_, cs.gamma_, rtol=1e-8, atol=1e-14 * cs.gamma_.max())
    assert kro.noise_variance_ == pytest.approx(cs.noise_variance_, rel=1e-8)


def _estimators():
    return [SparseBayesianRegression(update="em", fit_intercept=False, prune=1e-3, max_iter=60),
            KroneckerSBL("svd", update="em", max_iter=60),
            KroneckerSBL("am", update="em", max_iter=60)]


@pytest.mark.parametrize("est", _estimators(), ids=["csbl", "svd", "am"])
def test_real_fit_equals_complex_cast_fit(est):
    factors, y, _, _ = _grid_problem(62, [(6, 8), (5, 7)], (2, 2), 20)
    X = factors if isinstance(est, KroneckerSBL) else _dense(factors)
    Xc = [f.astype(complex) for f in X] if isinstance(X, list) else X.astype(complex)
    r = _fit_quiet(clone(est), X, y)
    c = _fit_quiet(clone(est), Xc, y.astype(complex))
    assert r.coef_.dtype == np.float64 and c.coef_.dtype == np.complex128
    assert np.max(np.abs(c.coef_.imag)) <= 1e-12 * max(np.abs(r.coef_).max(), 1.0)
    np.testing.assert_allclose(c.coef_.real, r.coef_, rtol=1e-9, atol=1e-12 * np.abs(r.coef_).max())
    np.testing.assert_allclose(c.gamma_, r.gamma_, rtol=1e-9, atol=1e-14 * r.gamma_.max())
    assert c.noise_variance_ == pytest.approx(r.noise_variance_, rel=1e-9)


@pytest.mark.parametrize("est", _estimators(), ids=["csbl", "svd", "am"])
def test_conjugating_data_conjugates_coef(est):
    factors, y, _, _ = _grid_problem(63, [(6, 8), (5, 7)], (2, 2), 20, complex_=True)
    if isinstance(est, KroneckerSBL):
        X, Xc = factors, [f.conj() for f in factors]
    else:
        X = _dense(factors)
        Xc = X.conj()
    a = _fit_quiet(clone(est), X, y)
    b = _fit_quiet(clone(est), Xc, y.conj())
    np.testing.assert_allclose(b.coef_, a.coef_.conj(), rtol=1e-9,
                               atol=1e-12 * np.abs(a.coef_).max())
    np.testing.assert_allclose(b.gamma_, a.gamma_, rtol=1e-9, atol=1e-14 * a.gamma_.max())


def test_from_dense_complex_and_two_factor_round_trip():
    rng = np.random.default_rng(64)
    A, B = _rand(rng, (3, 4), True), _rand(rng, (2, 5), True)
    K = np.kron(A, B)
    op = from_dense(K, [(3, 4), (2, 5)])
    np.testing.assert_allclose(op.toarray(), K, atol=1e-12 * np.abs(K).max())
    # the estimator given the dense matrix + factor_shapes equals the factor-list fit
    x = np.zeros(20, dtype=complex)
    x[[3, 7, 13]] = [1.0, 2.0j, -1.0]
    y = K @ x + 0.01 * _rand(rng, 6, True)
    a = _fit_quiet(KroneckerSBL("svd", update="em", noise_variance=1e-4, max_iter=30), [A, B], y)
    b = _fit_quiet(KroneckerSBL("svd", update="em", noise_variance=1e-4, max_iter=30,
                                factor_shapes=[(3, 4), (2, 5)]), K, y)
    np.testing.assert_allclose(b.coef_, a.coef_, rtol=1e-6, atol=1e-8 * np.abs(a.coef_).max())
    with pytest.raises(ValueError, match="Kronecker"):
        from_dense(_rand(rng, (6, 20), True), [(3, 4), (2, 5)])


# ----------------------------------------------------------------------------- API

@pytest.mark.parametrize("est", [SparseBayesianRegression(update="em", prune=0.0,
                                                          noise_variance=0.01),
                                 KroneckerSBL("svd", update="em", prune=(0.0, 0.0),
                                              noise_variance=0.01),
                                 KroneckerSBL("am", update="em", prune=[0.0, 0.0],
                                              noise_variance=0.01)],
                         ids=["csbl", "svd", "am"])
def test_convergence_warning_names_max_iter_and_tol(est):
    factors, y, _, _ = _grid_problem(71, [(5, 7), (5, 7)], (2, 2), 20)
    X = factors if isinstance(est, KroneckerSBL) else _dense(factors)
    est = clone(est).set_params(max_iter=2)
    with pytest.warns(ConvergenceWarning, match=r"max_iter=2.*tol|tol.*max_iter=2"):
        est.fit(X, y)
    assert est.n_iter_ == 2
    assert len(est.history_["cost"]) == 2


@pytest.mark.parametrize("est", _estimators(), ids=["csbl", "svd", "am"])
def test_fit_does_not_mutate_params_and_n_iter(est):
    factors, y, _, _ = _grid_problem(72, [(5, 7), (5, 7)], (2, 2), 20)
    X = factors if isinstance(est, KroneckerSBL) else _dense(factors)
    est = clone(est)
    if isinstance(est, KroneckerSBL):
        est.set_params(prune=[1e-3, 1e-2], structure="block", method="am", beta=[0.5, 0.8],
                       coupled_factors=[1])
    before = {k: (list(v) if isinstance(v, list) else v) for k, v in est.get_params().items()}
    _fit_quiet(est, X, y)
    after = est.get_params()
    assert after.keys() == before.keys()
    for k in before:
        assert after[k] == before[k], k
    assert est.n_iter_ >= 1


@pytest.mark.parametrize("est", [SparseBayesianRegression(update="em", fit_intercept=False,
                                                          prune=0.05),
                                 KroneckerSBL("svd", update="em", prune=0.05),
                                 KroneckerSBL("am", update="em", prune=0.05)],
                         ids=["csbl", "svd", "am"])
@pytest.mark.parametrize("complex_", [False, True])
def test_predict_return_std_shape_after_pruning(est, complex_):
    """sklearn #10128: return_std must have one entry per sample after pruning."""
    factors, y, _, _ = _grid_problem(73, [(6, 8), (5, 7)], (2, 2), 25, complex_)
    H = _dense(factors)
    est = _fit_quiet(clone(est), factors if isinstance(est, KroneckerSBL) else H, y)
    assert np.count_nonzero(est.gamma_) < 56
    Xnew = _rand(np.random.default_rng(0), (9, 56), complex_)
    mean, std = est.predict(Xnew, return_std=True)
    assert mean.shape == (9,) and std.shape == (9,)
    assert np.all(np.isfinite(std)) and np.all(std >= np.sqrt(est.noise_variance_) * (1 - 1e-12))
    # and it equals the dense closed form on the surviving columns
    a = np.flatnonzero(est.gamma_)
    Ha = H[:, a]
    Sigma = np.linalg.inv(Ha.conj().T @ Ha / est.noise_variance_ + np.diag(1 / est.gamma_[a]))
    want = np.sqrt(np.real(np.diag(Xnew[:, a] @ Sigma @ Xnew[:, a].conj().T))
                   + est.noise_variance_)
    np.testing.assert_allclose(std, want, rtol=1e-8)
    assert est.predict(Xnew).shape == (9,)


def test_value_errors_name_the_parameter():
    factors, y, _, _ = _grid_problem(74, [(4, 5), (4, 5)], (1, 1), 20)
    for bad, name in [(dict(svd_solver="lapack"), "svd_solver"), (dict(method="omp"), "method"),
                      (dict(structure="tree"), "structure"), (dict(max_iter=0), "max_iter")]:
        with pytest.raises(ValueError, match=name) as exc:
            KroneckerSBL(**bad).fit(factors, y)
        if name in ("svd_solver", "method", "structure"):  # lists the accepted values
            accepted = {"svd_solver": ("auto", "power", "full"), "method": ("svd", "am"),
                        "structure": ("none", "block")}[name]
            assert all(v in str(exc.value) for v in accepted)
    with pytest.raises(ValueError, match="structure") as exc:
        KroneckerSBL("svd", update="em", structure="block").fit(factors, y)
    assert "method" in str(exc.value)
    with pytest.raises(ValueError, match="update"):
        SparseBayesianRegression(update="newton").fit(_dense(factors), y)
    assert KroneckerSBL().svd_solver == "auto"
