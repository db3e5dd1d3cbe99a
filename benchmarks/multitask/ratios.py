"""Source budget each allocation rule needs to reach uniform sampling's target error.

Generator defaults of ``make_active_multitask`` (d=50, k=5, T=100, 5 relevant sources, n_0=20),
budgets 2k..100k, every rule on the same problems with the same selector seed (common random
numbers). The trials are ``sparseopt.multitask.task_selection_curves`` (problem seeds from
``SeedSequence(0).spawn(n_seeds)``; results identical for any ``--n-jobs``; one BLAS thread per
problem). The excess of a rule is its target excess risk minus that of the target head fitted
with the true representation B* (``curves.oracle_risk``). For each rule the mean excess over
seeds is interpolated (log-log) to find the budget reaching uniform's mean excess at the largest
budget; the ratio to that budget is printed, with the share of the last budget spent on the
relevant sources.

Run:  python benchmarks/multitask/ratios.py --seeds 10 --n-jobs 2
"""

import argparse
import dataclasses

from sparseopt.multitask import LassoTaskRelevance, task_selection_curves

RULES = {"uniform": "uniform", "nu2 known": "oracle_l2", "nu1 known": "oracle_l1",
         "nu2 adaptive": "l2", "nu1 adaptive": "l1",
         "nu1 adaptive, bagged": LassoTaskRelevance(n_bootstrap=25, random_state=0)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--n-jobs", type=int, default=2)
    ap.add_argument("--budgets", type=int, nargs="*",
                    default=[2_000, 5_000, 10_000, 20_000, 50_000, 100_000])
    args = ap.parse_args()
    curves = task_selection_curves(args.budgets, args.seeds, rules=RULES, n_jobs=args.n_jobs,
                                   random_state=0)
    # excess over the B* floor, per problem; budget_to_reach then works on its mean
    excess = dataclasses.replace(curves, excess_risk={
        r: v - curves.oracle_risk for r, v in curves.excess_risk.items()})
    mean = excess.mean()
    level = mean["uniform"][-1]
    reach = excess.budget_to_reach(level)
    print(f"# {args.seeds} seeds; excess = ER - ER(B*); level = uniform's mean excess at "
          f"N = {args.budgets[-1]}: {level:.5f}")
    print(f"  {'rule':22s} " + " ".join(f"{N:>8d}" for N in args.budgets) +
          "   budget ratio  share on S (last N)")
    for r in RULES:
        ratio = reach[r] / args.budgets[-1]
        share = curves.relevant_share[r][-1].mean()
        print(f"  {r:22s} " + " ".join(f"{e:8.4f}" for e in mean[r]) +
              f"   {ratio:11.2f}  {share:10.2f}")


if __name__ == "__main__":
    main()
