"""Accuracy targets of sparse Bayesian learning, slow suite (``pytest -m slow tests/bayes``).

S1 (two real 16x32 factors, 3x3 grid nonzeros, 20 trials), the paper's synthetic setup (M_1 = 8,
K_i = 3, 25 dB, 20 trials), scale (two 64x256 factors, N = 65 536) and the IRS-MIMO study on the
defaults (50 draws per SNR, noise learnt and given, against the support oracle and the
published means). All trials are seeded through ``np.random.SeedSequence(...).spawn``; BLAS is
pinned to one thread. Timing targets are benchmarks (benchmarks/sbl), never asserted here.
"""

import tracemalloc
import warnings

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from sparseopt.bayes import KroneckerSBL, SparseBayesianRegression
from sparseopt.channels import IRSMIMOScenario, nmse_vs_snr
from sparseopt.datasets import make_kronecker_sparse
from sparseopt.operators import KroneckerOperator

pytestmark = pytest.mark.slow

N_TRIALS = 20


def _db(v):
    return 10.0 * np.log10(v)


def _nmse(est, x):
    return float(np.sum(np.abs(est - x) ** 2) / np.sum(np.abs(x) ** 2))


def _report(title, table):
    lines = [title] + [f"  {k}: {v}" for k, v in table.items()]
    print("\n".join(lines))


# --------------------------------------------------------------------------------------- S1

def _s1_trial(seed):
    """Factors and grid-supported x drawn once; fresh real Gaussian noise per SNR."""
    rng = np.random.default_rng(seed)
    H = KroneckerOperator([rng.standard_normal((16, 32)), rng.standard_normal((16, 32))])
    X = np.zeros((32, 32))
    rows, cols = rng.choice(32, 3, replace=False), rng.choice(32, 3, replace=False)
    X[np.ix_(rows, cols)] = rng.standard_normal((3, 3))
    x = X.ravel()
    signal = H @ x
    out = {}
    for snr in (20, 30):
        s2 = float(np.mean(signal**2) / 10 ** (snr / 10))
        out[snr] = (signal + np.sqrt(s2) * rng.standard_normal(signal.size), s2)
    support = np.flatnonzero(x)
    return H, x, support, out


@pytest.fixture(scope="module")
def s1_results():
    res = {}
    with threadpool_limits(limits=1), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for seed in np.random.SeedSequence(0).spawn(N_TRIALS):
            H, x, support, data = _s1_trial(seed)
            Hd = H.toarray()
            for snr, (y, s2) in data.items():
                fits = {
                    "svd": KroneckerSBL("svd", noise_variance=s2).fit(H, y).coef_,
                    "csbl": SparseBayesianRegression(fit_intercept=False, noise_variance=s2)
                    .fit(Hd, y).coef_,
                }
                oracle = np.zeros_like(x)
                oracle[support] = np.linalg.lstsq(Hd[:, support], y, rcond=None)[0]
                fits["oracle_ls"] = oracle
                if snr == 20:
                    fits["am"] = KroneckerSBL("am", noise_variance=s2, prune=1e-3).fit(H, y).coef_
                    fits["svd_learned"] = KroneckerSBL("svd").fit(H, y).coef_
                for name, coef in fits.items():
                    res.setdefault((name, snr), []).append(_nmse(coef, x))
    table = {f"{k[0]}@{k[1]}dB": f"median {_db(np.median(v)):6.1f} dB, mean "
             f"{_db(np.mean(v)):6.1f} dB" for k, v in sorted(res.items())}
    _report(f"S1 ({N_TRIALS} trials, known noise unless 'learned')", table)
    return {k: _db(np.median(v)) for k, v in res.items()}


@pytest.mark.parametrize("snr", [pytest.param(20, marks=pytest.mark.xfail(strict=True, reason=(
    "unattainable on these draws since classical SBL starts column-balanced: SVD-KroSBL's "
    "median (-30.9 dB) is 1 dB from the support oracle's (-31.9 dB) and classical SBL (EM) is "
    "4.6 dB behind the oracle (-27.3 dB; -23.9 dB with the former flat start), so no estimator "
    "can beat it by 5 dB here"))), 30])
def test_s1_svd_beats_classical_sbl_by_5db(s1_results, snr):
    svd, csbl = s1_results[("svd", snr)], s1_results[("csbl", snr)]
    assert svd <= csbl - 5.0, f"median SVD {svd:.1f} dB, cSBL {csbl:.1f} dB at {snr} dB"


@pytest.mark.parametrize("snr", [20, 30])
def test_s1_svd_within_4db_of_oracle_least_squares(s1_results, snr):
    svd, ls = s1_results[("svd", snr)], s1_results[("oracle_ls", snr)]
    assert svd <= ls + 4.0, f"median SVD {svd:.1f} dB, oracle LS {ls:.1f} dB at {snr} dB"


@pytest.mark.xfail(strict=True, reason=(
    "classical SBL (EM) improved with its column-balanced start (median -27.3 dB, from -23.9): "
    "AM-KroSBL (-29.4 dB) is 2.5 dB from the support oracle (-31.9 dB), so a 3 dB lead over "
    "classical SBL would put it within 0.5 dB of the oracle"))
def test_s1_am_beats_classical_sbl_by_3db(s1_results):
    am, csbl = s1_results[("am", 20)], s1_results[("csbl", 20)]
    assert am <= csbl - 3.0, f"median AM {am:.1f} dB, cSBL {csbl:.1f} dB at 20 dB"


def test_s1_svd_learned_noise_within_1db_of_known(s1_results):
    known, learned = s1_results[("svd", 20)], s1_results[("svd_learned", 20)]
    assert abs(learned - known) <= 1.0, f"median SVD known {known:.1f}, learned {learned:.1f} dB"


# --------------------------------------------------------------------------------------- PS

@pytest.fixture(scope="module")
def ps_results():
    """The paper's synthetic setup: I = 3, N_i = 15, (M_1, M_2, M_3) = (8, 12, 15), K_i = 3
    (27 nonzeros), 25 dB, known noise, at most 150 iterations; its prune thresholds."""
    res = {"svd": [], "am": []}
    with threadpool_limits(limits=1), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for seed in np.random.SeedSequence(2).spawn(N_TRIALS):
            factors, y, x, s2 = make_kronecker_sparse([(8, 15), (12, 15), (15, 15)], 3, 25,
                                                      random_state=np.random.default_rng(seed))
            H = KroneckerOperator(factors)
            res["svd"].append(_nmse(KroneckerSBL("svd", noise_variance=s2, max_iter=150,
                                                 prune=1e-3).fit(H, y).coef_, x))
            res["am"].append(_nmse(KroneckerSBL("am", noise_variance=s2, max_iter=150,
                                                prune=1e-2).fit(H, y).coef_, x))
    _report(f"PS M_1=8, K_i=3, 25 dB ({N_TRIALS} trials)",
            {k: f"median {_db(np.median(v)):6.1f} dB, mean {_db(np.mean(v)):6.1f} dB"
             for k, v in res.items()})
    return {k: _db(np.median(v)) for k, v in res.items()}


def test_ps_medians(ps_results):
    svd, am = ps_results["svd"], ps_results["am"]
    assert svd <= -32.0, f"median SVD {svd:.1f} dB"
    assert am <= -22.0, f"median AM {am:.1f} dB"
    assert svd <= am, f"median SVD {svd:.1f} dB, AM {am:.1f} dB"


# ------------------------------------------------------------------------------------ scale

def test_scale_64x256_factors_memory_and_accuracy():
    """M = 4096, N = 65 536 (a dense H would take 2.1 GB): tracemalloc peak < 100 MB and NMSE
    <= -35 dB for the SVD variant at 20 dB with 4x4 grid nonzeros."""
    rng = np.random.default_rng(np.random.SeedSequence(3).spawn(1)[0])
    H = KroneckerOperator([rng.standard_normal((64, 256)), rng.standard_normal((64, 256))])
    X = np.zeros((256, 256))
    X[np.ix_(rng.choice(256, 4, replace=False), rng.choice(256, 4, replace=False))] = \
        rng.standard_normal((4, 4))
    x = X.ravel()
    signal = H @ x
    s2 = float(np.mean(signal**2) / 10**2)
    y = signal + np.sqrt(s2) * rng.standard_normal(signal.size)
    with threadpool_limits(limits=1), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tracemalloc.start()
        try:
            model = KroneckerSBL("svd", noise_variance=s2).fit(H, y)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    err = _db(_nmse(model.coef_, x))
    print(f"scale: peak {peak / 2**20:.1f} MB, NMSE {err:.1f} dB, {model.n_iter_} iterations")
    assert peak < 100 * 2**20, f"tracemalloc peak {peak / 2**20:.1f} MB"
    assert err <= -35.0, f"NMSE {err:.1f} dB"


# -------------------------------------------------------------------------------------- IRS

IRS_SNRS = (4, 8, 12, 16, 20)
IRS_TRIALS = 50


@pytest.fixture(scope="module")
def irs_curves():
    """The IRS study on the defaults, 50 draws per SNR, noise learnt and given, with the
    support oracle (least squares on the true support)."""
    scn = IRSMIMOScenario(random_state=0)
    estimators = {"SVD": KroneckerSBL("svd"), "AM": KroneckerSBL("am"),
                  "PC": KroneckerSBL("am", structure="block",
                                     coupled_factors=scn.coupled_factors)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = {noise: nmse_vs_snr(scn, estimators, IRS_SNRS, IRS_TRIALS, oracle=True,
                                  known_noise=noise == "given", n_jobs=2, random_state=1)
               for noise in ("given", "learnt")}
    for noise, c in out.items():
        _report(f"IRS, noise {noise} ({IRS_TRIALS} draws): mean / median / failed",
                {m: "  ".join(f"{s}dB {a:6.1f}/{b:6.1f}/{f:.2f}" for s, a, b, f in zip(
                    IRS_SNRS, c.mean_db()[m], c.median_db()[m], c.failure_rate()[m],
                    strict=True)) for m in c.names})
    return out


@pytest.mark.parametrize("name", ["SVD", "AM"])
def test_irs_learnt_noise_median_and_failures_at_20db(irs_curves, name):
    c = irs_curves["learnt"]
    med, failed = c.median_db()[name][-1], c.failure_rate()[name][-1]
    assert med <= -25.0, f"{name} median at 20 dB with the noise learnt: {med:.1f} dB"
    assert failed <= 0.05, f"{name} failed share at 20 dB with the noise learnt: {failed:.2f}"


@pytest.mark.parametrize("name", ["SVD", "AM", "PC"])
def test_irs_learnt_noise_within_1p5db_of_given(irs_curves, name):
    learnt = irs_curves["learnt"].median_db()[name]
    given = irs_curves["given"].median_db()[name]
    assert np.all(learnt <= given + 1.5), (f"{name} medians learnt {np.round(learnt, 1)}, "
                                           f"given {np.round(given, 1)}")


@pytest.mark.parametrize("name", ["SVD", "AM"])
def test_irs_means_below_the_published_ones(irs_curves, name):
    """The published means (noise given) of SVD- and AM-KroSBL, at every SNR."""
    paper = {"SVD": (-2.2, -5.2, -7.1, -9.1, -9.8), "AM": (-1.5, -4.9, -7.1, -8.6, -11.6)}[name]
    ours = irs_curves["given"].mean_db()[name]
    assert np.all(ours <= paper), f"{name} means {np.round(ours, 1)}, published {paper}"


def test_irs_pc_medians_and_failures_below_the_published_ones(irs_curves):
    """PC-KroSBL's published medians and failed shares (noise given), at every SNR (one draw of
    slack on the failed share). Its published means are not a test: a single draw whose
    channel the pilots barely identify moves a 50-draw mean by 2-3 dB, and at 16 and 20 dB the
    published means lie below the support oracle's on these draws."""
    c = irs_curves["given"]
    medians, failed = c.median_db()["PC"], c.failure_rate()["PC"]
    assert np.all(medians <= (-9.0, -14.3, -19.2, -23.8, -28.3)), np.round(medians, 1)
    assert np.all(failed <= np.array((0.62, 0.28, 0.06, 0.0, 0.0)) + 0.02), failed


def test_irs_pc_failures_and_oracle_gap_at_high_snr(irs_curves):
    c = irs_curves["given"]
    assert c.failure_rate()["PC"][-1] <= max(0.02, c.failure_rate()["support oracle"][-1])
    gap = c.mean_db()["PC"][-2:] - c.mean_db()["support oracle"][-2:]
    assert np.all(gap <= 1.0), f"PC mean minus oracle mean at 16, 20 dB: {np.round(gap, 1)}"


@pytest.mark.parametrize("name", ["SVD", "AM", "PC"])
def test_irs_medians_non_increasing_in_snr(irs_curves, name):
    meds = irs_curves["learnt"].median_db()[name]
    assert np.all(np.diff(meds) <= 1.0), f"{name} medians {np.round(meds, 1).tolist()} dB"


# ------------------------------------------------------------------------------ peer (EM)

@pytest.mark.parametrize("seed", range(3))
def test_peer_ardregression_em_update(seed):
    """Peer target for update='em' (the fast test covers 'mackay'; EM needs thousands of
    iterations to reach tol=1e-10): coef relative difference <= 5e-3, equal supports at
    1e-2 max, sigma^2 within 3% of 1 / ARDRegression.alpha_."""
    from sklearn.linear_model import ARDRegression

    rng = np.random.default_rng(seed)
    X = rng.standard_normal((100, 20))
    w = np.zeros(20)
    w[rng.choice(20, 5, replace=False)] = rng.standard_normal(5)
    y = X @ w + 0.1 * rng.standard_normal(100)
    with threadpool_limits(limits=1), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ard = ARDRegression(fit_intercept=False, threshold_lambda=1e8, tol=1e-12,
                            max_iter=10000).fit(X, y)
        ours = SparseBayesianRegression(prune=1e-8, tol=1e-10, max_iter=20000, update="em",
                                        fit_intercept=False).fit(X, y)
    rel = np.linalg.norm(ours.coef_ - ard.coef_) / np.linalg.norm(ard.coef_)
    print(f"ARD peer (em), seed {seed}: coef rel diff {rel:.2e}, "
          f"sigma2 ratio {ours.noise_variance_ * ard.alpha_:.4f}, {ours.n_iter_} iterations")
    assert rel <= 5e-3
    big = np.abs(ard.coef_) > 1e-2 * np.abs(ard.coef_).max()
    np.testing.assert_array_equal(np.abs(ours.coef_) > 1e-2 * np.abs(ours.coef_).max(), big)
    assert ours.noise_variance_ == pytest.approx(1.0 / ard.alpha_, rel=0.03)
