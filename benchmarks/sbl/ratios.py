"""Kronecker SBL against classical SBL and scikit-learn's ARDRegression, in one run.

1. S1: two real 16x32 factors (M = 256, N = 1024), 3x3 nonzeros on a grid, SNR 20 dB, known
   noise variance, seeded trials: median NMSE (dB) and median fit time of KroneckerSBL('svd'),
   KroneckerSBL('am'), SparseBayesianRegression (dense 256 x 1024) and ARDRegression.
2. Scale: two 64x256 factors (M = 4096, N = 65 536; the dense matrix would take 2.1 GB), 4x4
   nonzeros, 20 dB: time, tracemalloc peak and NMSE of KroneckerSBL('svd').
3. IRS scenario: median / mean NMSE of SVD, AM and PC-KroSBL over trials at 4..20 dB, their QPSK
   symbol error rates, and dense classical SBL at 20 dB on the first --csbl-trials trials (T6).

Run:  python benchmarks/sbl/ratios.py [--trials 10] [--irs-trials 20] [--csbl-trials 10]
"""

import argparse
import time
import tracemalloc
import warnings

import numpy as np
from sklearn.linear_model import ARDRegression
from threadpoolctl import threadpool_limits

from sparseopt.bayes import KroneckerSBL, SparseBayesianRegression
from sparseopt.channels import IRSMIMOScenario
from sparseopt.operators import KroneckerOperator


def grid_problem(rng, m, n, k, snr_db):
    H = KroneckerOperator([rng.standard_normal((m, n)), rng.standard_normal((m, n))])
    X = np.zeros((n, n))
    X[np.ix_(rng.choice(n, k, replace=False), rng.choice(n, k, replace=False))] = \
        rng.standard_normal((k, k))
    x = X.ravel()
    signal = H @ x
    s2 = np.mean(signal**2) / 10 ** (snr_db / 10)
    return H, signal + np.sqrt(s2) * rng.standard_normal(signal.size), x, s2


def nmse_db(est, x):
    return 10 * np.log10(np.sum(np.abs(est - x) ** 2) / np.sum(np.abs(x) ** 2))


def timed(f):
    t0 = time.perf_counter()
    out = f()
    return out, time.perf_counter() - t0


def s1(n_trials):
    res = {k: ([], []) for k in ("KroSBL svd", "KroSBL am", "cSBL", "ARDRegression")}
    for seed in np.random.SeedSequence(0).spawn(n_trials):
        H, y, x, s2 = grid_problem(np.random.default_rng(seed), 16, 32, 3, 20)
        Hd = H.toarray()
        fits = {
            "KroSBL svd": lambda: KroneckerSBL("svd", noise_variance=s2).fit(H, y).coef_,
            "KroSBL am": lambda: KroneckerSBL("am", noise_variance=s2).fit(H, y).coef_,
            "cSBL": lambda: SparseBayesianRegression(fit_intercept=False,
                                                     noise_variance=s2).fit(Hd, y).coef_,
            "ARDRegression": lambda: ARDRegression(fit_intercept=False).fit(Hd, y).coef_,
        }
        for name, f in fits.items():
            coef, t = timed(f)
            res[name][0].append(nmse_db(coef, x))
            res[name][1].append(t)
    print(f"\n## S1: 16x32 (x) 16x32, 3x3 grid nonzeros, 20 dB, known noise, {n_trials} trials")
    t_svd = np.median(res["KroSBL svd"][1])
    for name, (nm, ts) in res.items():
        print(f"  {name:14s} median NMSE {np.median(nm):7.1f} dB   median time {np.median(ts):7.3f}"
              f" s   time / KroSBL-svd {np.median(ts) / t_svd:6.1f}")


def scale():
    H, y, x, s2 = grid_problem(np.random.default_rng(1), 64, 256, 4, 20)
    tracemalloc.start()
    model, t = timed(lambda: KroneckerSBL("svd", noise_variance=s2).fit(H, y))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"\n## Scale: 64x256 (x) 64x256 (N = 65 536), 4x4 nonzeros, 20 dB: time {t:.2f} s, "
          f"tracemalloc peak {peak / 2**20:.1f} MB, NMSE {nmse_db(model.coef_, x):.1f} dB, "
          f"{model.n_iter_} iterations")


def irs(n_trials, csbl_trials, n_symbols=20_000):
    scn = IRSMIMOScenario(random_state=0)
    op = scn.measurement_operator()
    Hd = op.toarray() if csbl_trials else None
    snrs = [4, 8, 12, 16, 20]
    methods = {
        "SVD": lambda s2: KroneckerSBL("svd", noise_variance=s2, max_iter=150, prune=0.0,
                                       prune_abs=1e-4),
        "AM": lambda s2: KroneckerSBL("am", noise_variance=s2, max_iter=150,
                                      prune=(1e-2, 1e-1, 1e-3), prune_abs=1e-4, inner_tol=1e-4),
        "PC(0.8)": lambda s2: KroneckerSBL("am", structure="block", beta=0.8,
                                           coupled_factors=(0, 2), noise_variance=s2,
                                           max_iter=150, prune=(1e-2, 1e-1, 1e-2),
                                           prune_abs=1e-4, inner_tol=1e-4, max_inner=9),
    }
    res = {(m, s): [] for m in methods for s in snrs}
    ser = {(m, s): [] for m in methods for s in snrs}
    times = {m: [] for m in methods}
    csbl = {"nmse": [], "ser": [], "time": [], "svd_time": [], "svd_nmse": []}
    for trial, seed in enumerate(np.random.SeedSequence(1).spawn(n_trials)):
        rng = np.random.default_rng(seed)
        ch = scn.draw_channel(rng)
        for s in snrs:
            y, s2 = scn.observe(ch, s, rng)
            for m, make in methods.items():
                est, t = timed(lambda make=make, s2=s2, y=y: make(s2).fit(op, y))
                res[(m, s)].append(scn.nmse(est.coef_, ch.x))
                ser[(m, s)].append(scn.ser_qpsk(est.coef_, ch.x, s, n_symbols, rng=trial))
                if s == 20:
                    times[m].append(t)
                    if m == "SVD" and trial < csbl_trials:
                        csbl["svd_time"].append(t)
                        csbl["svd_nmse"].append(res[(m, s)][-1])
            if s == 20 and trial < csbl_trials:
                est, t = timed(lambda s2=s2, y=y: SparseBayesianRegression(
                    fit_intercept=False, noise_variance=s2, max_iter=150, tol=1e-4).fit(Hd, y))
                csbl["nmse"].append(scn.nmse(est.coef_, ch.x))
                csbl["ser"].append(scn.ser_qpsk(est.coef_, ch.x, s, n_symbols, rng=trial))
                csbl["time"].append(t)
    print(f"\n## IRS scenario (M = 288, N = 5832), known noise, {n_trials} trials: "
          "median / mean NMSE (dB, mean taken linearly) / failure fraction (> -10 dB)")
    print("  method   " + "".join(f"{s:>20d}" for s in snrs) + "   time at 20 dB")
    for m in methods:
        cells = []
        for s in snrs:
            v = np.array(res[(m, s)])
            cells.append(f"{10 * np.log10(np.median(v)):6.1f}/{10 * np.log10(np.mean(v)):6.1f}/"
                         f"{np.mean(v > 0.1):4.2f}")
        print(f"  {m:8s} " + "".join(f"{c:>20s}" for c in cells) +
              f"   {np.median(times[m]):.2f} s")
    print(f"  QPSK symbol error rate (rank-1 beamforming from the estimate, {n_symbols} symbols "
          "per configuration), mean over trials:")
    for m in methods:
        print(f"  {m:8s} " + "".join(f"{np.mean(ser[(m, s)]):>20.2e}" for s in snrs))
    if csbl_trials:
        v = np.array(csbl["nmse"])
        sv = np.array(csbl["svd_nmse"])
        print(f"  cSBL (dense 288 x 5832, max_iter 150, tol 1e-4) at 20 dB on the first "
              f"{csbl_trials} trials: median / mean NMSE {10 * np.log10(np.median(v)):.1f} / "
              f"{10 * np.log10(np.mean(v)):.1f} dB (SVD on the same trials "
              f"{10 * np.log10(np.median(sv)):.1f} / {10 * np.log10(np.mean(sv)):.1f} dB), "
              f"failure fraction {np.mean(v > 0.1):.2f}, SER {np.mean(csbl['ser']):.2e}, median "
              f"time {np.median(csbl['time']):.1f} s = "
              f"{np.median(csbl['time']) / np.median(csbl['svd_time']):.0f}x SVD's")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--trials", type=int, default=10)
    ap.add_argument("--irs-trials", type=int, default=20)
    ap.add_argument("--csbl-trials", type=int, default=10,
                    help="IRS trials on which dense classical SBL also runs at 20 dB")
    args = ap.parse_args()
    with threadpool_limits(limits=1), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s1(args.trials)
        scale()
        irs(args.irs_trials, min(args.csbl_trials, args.irs_trials))


if __name__ == "__main__":
    main()
