"""Kronecker SBL against classical SBL, ARDRegression and the published IRS-MIMO table, in one run.

Every estimator runs with the library's defaults (no tuned thresholds), BLAS pinned to one
thread, trials seeded through ``np.random.SeedSequence(...).spawn``.

1. S1: two real 16 x 32 factors (M = 256, N = 1024), 3 x 3 nonzeros on a grid, 20 dB, known
   noise: median NMSE and median fit time of KroneckerSBL('svd'), KroneckerSBL('am'),
   SparseBayesianRegression on the dense 256 x 1024 matrix (EM, the default and the published
   baseline, and MacKay's update) and scikit-learn's ARDRegression,
   with each one's time relative to SVD-KroSBL. Timing protocol, the same for every method:
   on each draw each fit runs ``--s1-repeat`` times in a row (default 3) and its time on that
   draw is the median of the repeats (so a fit is not timed cold, right after another
   method's fits have evicted its data from the caches); the table gives the median over the
   draws. Numba compilation happens before the timed section (one untimed fit per method).
2. Scale: two 64 x 256 factors (N = 65 536; the dense matrix would take 2.1 GB), 20 dB: time,
   tracemalloc peak and NMSE of KroneckerSBL('svd') (one fit, after an untimed one; the time
   is taken with tracemalloc on, which slows NumPy's allocations).
3. IRS-MIMO (288 observations, 5832 unknowns), SNR 0-20 dB, noise given and noise learnt:
   mean (linear average over draws, in dB) / median / failed share (NMSE > -10 dB) of SVD-, AM-
   and PC-KroSBL (``coupled_factors=scenario.coupled_factors``) and, on the first
   ``--csbl-trials`` draws, classical SBL on the dense matrix; beside them the least-squares
   oracle that knows the true support (the accuracy any method can hope for on these draws)
   and the published table (He and Joseph, IEEE TSP 2024, 50 trials, noise given).

Run:  python benchmarks/sbl/ratios.py [--s1-trials 20] [--s1-repeat 3] [--irs-trials 50]
                                      [--csbl-trials 10] [--n-jobs 2] [--scenario 0]
                                      [--skip s1 scale irs]

The machine these numbers come from has 2 cores shared with other jobs: compare the ratios of
one run, and run it more than once before reading much into a ratio.
"""

import argparse
import time
import tracemalloc
import warnings

import numpy as np
from sklearn.linear_model import ARDRegression
from threadpoolctl import threadpool_limits

from sparseopt.bayes import KroneckerSBL, SparseBayesianRegression
from sparseopt.channels import IRSMIMOScenario, support_oracle
from sparseopt.operators import KroneckerOperator
from sparseopt.utils import run_trials

SNRS = (0, 4, 8, 12, 16, 20)
METHODS = ("SVD", "AM", "PC")
# published IRS results (50 trials, noise given): mean dB / median dB / failed share
PAPER = {
    "SVD": {4: (-2.2, -3.7, .88), 8: (-5.2, -10.4, .50), 12: (-7.1, -19.9, .26),
            16: (-9.1, -24.2, .16), 20: (-9.8, -28.9, .14)},
    "AM": {4: (-1.5, -0.2, .86), 8: (-4.9, -8.1, .58), 12: (-7.1, -16.4, .34),
           16: (-8.6, -22.9, .24), 20: (-11.6, -29.3, .12)},
    "PC": {4: (-5.1, -9.0, .62), 8: (-8.8, -14.3, .28), 12: (-13.1, -19.2, .06),
           16: (-20.5, -23.8, 0.0), 20: (-25.3, -28.3, 0.0)},
    "cSBL": {4: (-0.2, -0.6, 1.0), 8: (-1.4, -2.3, .94), 12: (-3.3, -5.4, .68),
             16: (-6.4, -14.6, .36), 20: (-8.4, -20.8, .22)},
}


def nmse_db(est, x):
    return 10 * np.log10(np.sum(np.abs(est - x) ** 2) / np.sum(np.abs(x) ** 2))


def timed(f):
    t0 = time.perf_counter()
    out = f()
    return out, time.perf_counter() - t0


def summary(values_db):
    """mean (linear average, dB) / median (dB) / failed share (NMSE > -10 dB)."""
    v = np.asarray(values_db)
    return 10 * np.log10(np.mean(10 ** (v / 10))), np.median(v), np.mean(v > -10)


def grid_problem(rng, m, n, k, snr_db):
    H = KroneckerOperator([rng.standard_normal((m, n)), rng.standard_normal((m, n))])
    X = np.zeros((n, n))
    X[np.ix_(rng.choice(n, k, replace=False), rng.choice(n, k, replace=False))] = \
        rng.standard_normal((k, k))
    x = X.ravel()
    signal = H @ x
    s2 = np.mean(signal**2) / 10 ** (snr_db / 10)
    return H, signal + np.sqrt(s2) * rng.standard_normal(signal.size), x, s2


def timed_median(f, repeat):
    """``f()`` run ``repeat`` times in a row: its last output and the median time."""
    times = []
    for _ in range(repeat):
        out, t = timed(f)
        times.append(t)
    return out, float(np.median(times))


def s1(n_trials, repeat=3):
    res = {k: ([], []) for k in ("KroSBL svd", "KroSBL am", "cSBL", "cSBL (MacKay)",
                                 "ARDRegression")}
    for i, seed in enumerate(np.random.SeedSequence(0).spawn(n_trials)):
        H, y, x, s2 = grid_problem(np.random.default_rng(seed), 16, 32, 3, 20)
        Hd = H.toarray()
        fits = {
            "KroSBL svd": lambda: KroneckerSBL("svd", noise_variance=s2).fit(H, y).coef_,
            "KroSBL am": lambda: KroneckerSBL("am", noise_variance=s2).fit(H, y).coef_,
            "cSBL": lambda: SparseBayesianRegression(fit_intercept=False,
                                                     noise_variance=s2).fit(Hd, y).coef_,
            "cSBL (MacKay)": lambda: SparseBayesianRegression(
                fit_intercept=False, noise_variance=s2, update="mackay").fit(Hd, y).coef_,
            "ARDRegression": lambda: ARDRegression(fit_intercept=False).fit(Hd, y).coef_,
        }
        if i == 0:  # warm-up: numba compilation and first-call costs stay out of the table
            for f in fits.values():
                f()
        for name, f in fits.items():
            coef, t = timed_median(f, repeat)
            res[name][0].append(nmse_db(coef, x))
            res[name][1].append(t)
    print(f"\n## S1: 16x32 (x) 16x32, 3x3 grid nonzeros, 20 dB, known noise, {n_trials} trials "
          f"(time per draw: median of {repeat} fits in a row)\n")
    print("| method | median NMSE (dB) | median time (s) | time / SVD-KroSBL |")
    print("|---|---|---|---|")
    t_svd = np.median(res["KroSBL svd"][1])
    for name, (nm, ts) in res.items():
        print(f"| {name} | {np.median(nm):.1f} | {np.median(ts):.4f} | "
              f"{np.median(ts) / t_svd:.1f} |")


def scale():
    H, y, x, s2 = grid_problem(np.random.default_rng(1), 64, 256, 4, 20)
    KroneckerSBL("svd", noise_variance=s2).fit(H, y)  # untimed: first-use kernel loading
    tracemalloc.start()
    model, t = timed(lambda: KroneckerSBL("svd", noise_variance=s2).fit(H, y))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"\n## Scale: 64x256 (x) 64x256 (N = 65 536), 4x4 nonzeros, 20 dB: time {t:.2f} s, "
          f"tracemalloc peak {peak / 2**20:.1f} MB, NMSE {nmse_db(model.coef_, x):.1f} dB, "
          f"{model.n_iter_} iterations")


def _estimators(scenario):
    return {"SVD": KroneckerSBL("svd"), "AM": KroneckerSBL("am"),
            "PC": KroneckerSBL("am", structure="block",
                               coupled_factors=scenario.coupled_factors)}


def irs_trial(seed, config):
    """One channel draw, observed at every SNR: NMSE (dB) and time of each method, noise
    given and learnt, plus the support oracle and (optionally) dense classical SBL."""
    scenario, snrs, with_csbl = config
    rng = np.random.default_rng(seed)
    op = scenario.measurement_operator()
    ch = scenario.draw_channel(rng)
    support = np.flatnonzero(ch.x)
    dense = op.toarray() if with_csbl else None
    out = {}
    for snr in snrs:
        y, s2 = scenario.observe(ch, snr, rng)
        oracle = support_oracle(op, y, support)
        out[("oracle", "given", snr)] = (scenario.nmse_db(oracle, ch.x), 0.0)
        for noise in ("given", "learnt"):
            for name, est in _estimators(scenario).items():
                est.set_params(noise_variance=s2 if noise == "given" else None)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    model, t = timed(lambda est=est, y=y: est.fit(op, y))
                out[(name, noise, snr)] = (scenario.nmse_db(model.coef_, ch.x), t)
        if with_csbl:
            for name, update in (("cSBL", "em"), ("cSBL (MacKay)", "mackay")):
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    model, t = timed(lambda y=y, s2=s2, update=update: SparseBayesianRegression(
                        fit_intercept=False, noise_variance=s2, update=update).fit(dense, y))
                out[(name, "given", snr)] = (scenario.nmse_db(model.coef_, ch.x), t)
    return out


def irs(n_trials, csbl_trials, n_jobs, scenario_seed):
    scn = IRSMIMOScenario(random_state=scenario_seed)
    main = run_trials(irs_trial, n_trials, (scn, SNRS, False), n_jobs=n_jobs, random_state=1,
                      verbose=1, desc="IRS trials")
    csbl = run_trials(irs_trial, csbl_trials, (scn, SNRS, True), n_jobs=n_jobs,
                      random_state=1, verbose=1, desc="cSBL trials") if csbl_trials else []

    def col(results, key):
        return [r[key][0] for r in results if key in r]

    print(f"\n## IRS-MIMO, IRSMIMOScenario(random_state={scenario_seed}), {n_trials} draws "
          f"(cSBL: the first {csbl_trials}); cells: mean dB / median dB / failed share\n")
    print("| method | noise | " + " | ".join(f"{s} dB" for s in SNRS) + " | s per fit (20 dB) |")
    print("|---|---|" + "---|" * len(SNRS) + "---|")
    rows = [("oracle", "given", main)]
    rows += [(m, noise, main) for m in METHODS for noise in ("given", "learnt")]
    rows += [("cSBL", "given", csbl), ("cSBL (MacKay)", "given", csbl)] if csbl_trials else []
    for name, noise, results in rows:
        cells = []
        for s in SNRS:
            mean, med, fail = summary(col(results, (name, noise, s)))
            cells.append(f"{mean:.1f} / {med:.1f} / {fail:.2f}")
        t = np.median([r[(name, noise, 20)][1] for r in results]) if name != "oracle" else 0
        print(f"| {name} | {noise} | " + " | ".join(cells) + f" | {t:.3f} |")
        if name in PAPER and noise == "given":
            paper = [f"{PAPER[name][s][0]} / {PAPER[name][s][1]} / {PAPER[name][s][2]:.2f}"
                     if s in PAPER[name] else "" for s in SNRS]
            print(f"| {name} (paper) | given | " + " | ".join(paper) + " | |")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--s1-trials", type=int, default=20)
    ap.add_argument("--s1-repeat", type=int, default=3,
                    help="S1: fits per method and draw, timed as their median")
    ap.add_argument("--irs-trials", type=int, default=50)
    ap.add_argument("--csbl-trials", type=int, default=10,
                    help="draws on which dense classical SBL also runs (seconds per fit)")
    ap.add_argument("--n-jobs", type=int, default=1)
    ap.add_argument("--scenario", type=int, default=0,
                    help="random_state of IRSMIMOScenario (pilots and IRS configurations)")
    ap.add_argument("--skip", nargs="*", default=(), choices=("s1", "scale", "irs"))
    args = ap.parse_args()
    print("BLAS pinned to one thread (threadpoolctl); library defaults everywhere.")
    with threadpool_limits(limits=1), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if "s1" not in args.skip:
            s1(args.s1_trials, args.s1_repeat)
        if "scale" not in args.skip:
            scale()
        if "irs" not in args.skip:
            irs(args.irs_trials, min(args.csbl_trials, args.irs_trials), args.n_jobs,
                args.scenario)


if __name__ == "__main__":
    main()
