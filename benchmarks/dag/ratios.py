"""CoLiDE-EV, CoLiDE-NV, our DAGMA mode and the dagma package on the same data, in one run.

ER4 graphs, n = 1000, two regimes:
  'ev'    equal noise variance (sigma = 1), weights +-[0.5, 2];
  'hetero' per-node variances U[0.5, 10], weights +-[0.25, 1] (the paper's heteroscedastic table).
Reports SHD (a reversal counts once), TPR, FDR, nnz, noise-scale error and CPU seconds per method,
means over seeds, and the ratios against the dagma package.

The graphs, their data and the scores come from ``sparseopt.dag.benchmark_dags`` (seeds
``SeedSequence(0).spawn(seeds)``; every method on the same data; results identical for any
``--n-jobs``); the dagma package enters it as a function of ``X``. Before the table, a separate
parity run checks our DAGMA mode against dagma on the first ``--parity-graphs`` of the same graphs
(max |W - W_dagma| must be <= 1e-6) and reports their varsortability.

dagma's wheel declares torch as a dependency it does not need for linear models: install it with
``pip install --no-deps dagma`` (plus tqdm). One BLAS thread per graph; graphs run in parallel
with joblib.

Run:  python benchmarks/dag/ratios.py --d 20 50 --seeds 5 --n-jobs 2
"""

import argparse
import os
import warnings

import numpy as np
from joblib import Parallel, delayed
from threadpoolctl import threadpool_limits

from sparseopt.dag import (
    DAGMA_DEFAULTS,
    CoLiDE,
    benchmark_dags,
    simulate_dag,
    simulate_linear_sem,
    simulate_noise_scales,
    simulate_parameter,
    threshold_to_dag,
    varsortability,
)
from sparseopt.utils import spawn_seeds

os.environ.setdefault("TQDM_DISABLE", "1")  # dagma's progress bars

ROOT_SEED = 0
N_SAMPLES = 1000
DAGMA_LAMBDA, DAGMA_THRESHOLD = 0.02, 0.3
REGIMES = {
    "ev": dict(w_ranges=((-2.0, -0.5), (0.5, 2.0)), noise_scale=1.0),
    "hetero": dict(w_ranges=((-1.0, -0.25), (0.25, 1.0)), noise_variance_range=(0.5, 10.0)),
}
OURS_DAGMA = dict(DAGMA_DEFAULTS, alpha=DAGMA_LAMBDA)
METHODS = {  # name -> (estimator or callable, variance mode or None)
    "ours, DAGMA mode": (CoLiDE("fixed", **OURS_DAGMA), "fixed"),
    "CoLiDE-EV": (CoLiDE("equal"), "equal"),
    "CoLiDE-NV": (CoLiDE("nonequal"), "nonequal"),
    "CoLiDE-EV a=.02": (CoLiDE("equal", alpha=DAGMA_LAMBDA), "equal"),  # DAGMA's lambda
}


def dagma_weights(X):
    """The dagma package's weights (it centres X in place, hence the copy)."""
    from dagma.linear import DagmaLinear

    return DagmaLinear("l2", verbose=False).fit(X.copy(), lambda1=DAGMA_LAMBDA, w_threshold=0.0,
                                                s=list(DAGMA_DEFAULTS["s"]))


def dagma_adjacency(X):
    """dagma's thresholded graph: the callable form ``benchmark_dags`` accepts."""
    return threshold_to_dag(dagma_weights(X), DAGMA_THRESHOLD)


def make_data(seed, d, regime):
    """The data of one ``benchmark_dags`` graph, redrawn with the public simulators."""
    rng = np.random.default_rng(seed)
    cfg = REGIMES[regime]
    B = simulate_dag(d, 4 * d, "ER", random_state=rng)
    W = simulate_parameter(B, cfg["w_ranges"], random_state=rng)
    if "noise_variance_range" in cfg:
        sigma = simulate_noise_scales(d, cfg["noise_variance_range"], random_state=rng)
    else:
        sigma = np.full(d, cfg["noise_scale"])
    return B, simulate_linear_sem(W, N_SAMPLES, noise_scale=sigma, random_state=rng)


def parity(seed, d, regime):
    """Our DAGMA mode against the dagma package on one graph: (max |W diff|, varsort, edges)."""
    B, X = make_data(seed, d, regime)
    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        W_ref = dagma_weights(X)
        W = CoLiDE("fixed", **OURS_DAGMA).fit(X).coef_
    return float(np.abs(W - W_ref).max()), varsortability(X, B), int(B.sum())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--d", type=int, nargs="*", default=[20, 50])
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--n-jobs", type=int, default=2)
    ap.add_argument("--regimes", nargs="*", default=["ev", "hetero"])
    ap.add_argument("--parity-graphs", type=int, default=2,
                    help="graphs (the first of the benchmark's) on which our DAGMA mode is "
                         "checked against dagma's weights")
    args = ap.parse_args()
    estimators = {"dagma (pip)": dagma_adjacency, **{k: v[0] for k, v in METHODS.items()}}
    variance = {"dagma (pip)": None, **{k: v[1] for k, v in METHODS.items()}}
    for d in args.d:
        for regime in args.regimes:
            n_par = min(args.parity_graphs, args.seeds)
            checks = Parallel(n_jobs=args.n_jobs)(
                delayed(parity)(s, d, regime) for s in spawn_seeds(ROOT_SEED, args.seeds)[:n_par])
            res = benchmark_dags(estimators, args.seeds, n_nodes=d, edges_per_node=4,
                                 n_samples=N_SAMPLES, n_jobs=args.n_jobs, random_state=ROOT_SEED,
                                 **REGIMES[regime])
            same = [c[2] for c in checks] == res.n_edges_true[:n_par].tolist()
            print(f"\n## ER4, d={d}, n={N_SAMPLES}, regime={regime}, {args.seeds} seeds "
                  f"(SHD counts a reversal once)")
            print(f"  max |W_ours - W_dagma| (DAGMA mode, {n_par} graph(s)"
                  f"{'' if same else ', NOT the graphs of the table'}): "
                  f"{max(c[0] for c in checks):.1e}; varsortability "
                  f"{np.mean([c[1] for c in checks]):.2f}")
            print(f"  {'method':18s} {'SHD':>7s} {'TPR':>5s} {'FDR':>5s} {'nnz':>6s} "
                  f"{'scale err':>9s} {'CPU s':>7s}")
            means = res.mean()
            for method, m in means.items():
                has_scale = variance[method] in ("equal", "nonequal")  # estimated, not fixed
                err_txt = f"{m['noise_scale_error']:9.3f}" if has_scale else f"{'-':>9s}"
                print(f"  {method:18s} {m['shd']:7.1f} {m['tpr']:5.2f} {m['fdr']:5.2f} "
                      f"{m['nnz']:6.1f} {err_txt} {m['fit_time']:7.2f}")
            ref = means["dagma (pip)"]
            for method in ("CoLiDE-EV", "CoLiDE-NV", "CoLiDE-EV a=.02", "ours, DAGMA mode"):
                print(f"  {method}/dagma: SHD x{means[method]['shd'] / max(ref['shd'], 1e-9):.2f}, "
                      f"CPU x{means[method]['fit_time'] / ref['fit_time']:.2f}")


if __name__ == "__main__":
    main()
