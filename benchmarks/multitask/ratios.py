"""Source budget each allocation rule needs to reach uniform sampling's target error.

Generator defaults of ``make_active_multitask`` (d=50, k=5, T=100, 5 relevant sources, n_0=20),
seeds from ``SeedSequence(0).spawn(n_seeds)``, budgets 2k..100k, every rule on the same problems.
For each rule the mean target excess risk over seeds is interpolated (log-log) to find the
budget reaching uniform's mean excess at the largest budget; the ratio to that budget is printed.
One BLAS thread per trial; trials run in parallel with joblib.

Run:  python benchmarks/multitask/ratios.py --seeds 10 --n-jobs 2
"""

import argparse
import warnings

import numpy as np
from joblib import Parallel, delayed
from threadpoolctl import threadpool_limits

from sparseopt.datasets import make_active_multitask
from sparseopt.multitask import ActiveTaskSelector

RULES = ["uniform", "nu2 known", "nu1 known", "nu2 adaptive", "nu1 adaptive",
         "nu1 adaptive, bagged"]


def trial(seed_seq, budgets):
    """All rules and budgets on one generated problem: {(rule, budget): (excess, share_on_S)}."""
    prob = make_active_multitask(random_state=np.random.default_rng(seed_seq))
    theta_star = prob.components @ prob.target_head
    F = prob.X_target @ prob.components
    w0 = np.linalg.lstsq(F, prob.y_target, rcond=None)[0]
    er_best = float(np.sum((prob.components @ w0 - theta_star) ** 2))  # ER with B*
    out = {}
    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for rule in RULES:
            from sparseopt.multitask import LassoTaskRelevance

            rel = {"uniform": "uniform", "nu2 adaptive": "l2", "nu1 adaptive": "l1",
                   "nu2 known": prob.nu2**2, "nu1 known": np.abs(prob.relevance),
                   "nu1 adaptive, bagged": LassoTaskRelevance(n_bootstrap=25, random_state=0),
                   }[rule]
            for N in budgets:
                sel = ActiveTaskSelector(budget=N, relevance=rel, random_state=0).fit(
                    prob.X_target, prob.y_target, n_tasks=prob.n_tasks, sampler=prob.sample)
                excess = prob.excess_risk(sel.coef_) - er_best
                share = sel.allocation_[prob.relevant_tasks].sum() / N
                out[(rule, N)] = (excess, share)
    return out


def budget_to_reach(budgets, errors, level):
    """Log-log interpolation of the budget at which ``errors`` first reaches ``level``."""
    lb, le = np.log(budgets), np.log(np.maximum(errors, 1e-300))
    for i in range(len(budgets)):
        if errors[i] <= level:
            if i == 0:
                return budgets[0]
            f = (np.log(level) - le[i - 1]) / (le[i] - le[i - 1])
            return float(np.exp(lb[i - 1] + f * (lb[i] - lb[i - 1])))
    return np.inf


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--n-jobs", type=int, default=2)
    ap.add_argument("--budgets", type=int, nargs="*",
                    default=[2_000, 5_000, 10_000, 20_000, 50_000, 100_000])
    args = ap.parse_args()
    seeds = np.random.SeedSequence(0).spawn(args.seeds)
    res = Parallel(n_jobs=args.n_jobs)(delayed(trial)(s, args.budgets) for s in seeds)
    B = np.array(args.budgets, dtype=float)
    mean = {r: np.array([np.mean([o[(r, N)][0] for o in res]) for N in args.budgets])
            for r in RULES}
    level = mean["uniform"][-1]
    print(f"# {args.seeds} seeds; excess = ER - ER(B*); level = uniform's mean excess at "
          f"N = {args.budgets[-1]}: {level:.5f}")
    print(f"  {'rule':22s} " + " ".join(f"{N:>8d}" for N in args.budgets) +
          "   budget ratio  share on S (last N)")
    for r in RULES:
        ratio = budget_to_reach(B, mean[r], level) / B[-1]
        share = np.mean([o[(r, args.budgets[-1])][1] for o in res])
        print(f"  {r:22s} " + " ".join(f"{e:8.4f}" for e in mean[r]) +
              f"   {ratio:11.2f}  {share:10.2f}")


if __name__ == "__main__":
    main()
