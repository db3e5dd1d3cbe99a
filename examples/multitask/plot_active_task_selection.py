"""
Which source tasks to sample: uniform, nu^2 and nu^1 allocations
================================================================

A target task with 20 labelled samples shares a 5-dimensional linear representation with 100
source tasks that we can sample. Only 5 sources matter for the target (their heads span its
head). We compare, as the source budget grows, the target excess risk of

* **uniform** sampling,
* the **nu^2** rule (allocation proportional to the squared minimum-norm relevance, Chen et al.
  2022), known (oracle) and adaptive,
* the **nu^1** rule (allocation proportional to the l1-minimal relevance, Wang et al. 2023),
  known and adaptive (estimated by :class:`~sparseopt.multitask.LassoTaskRelevance` between
  epochs of :class:`~sparseopt.multitask.ActiveTaskSelector`),

then show where the adaptive nu^1 rule spent its budget on one problem.

The curves come from :func:`sparseopt.multitask.task_selection_curves`, whose default rules are
these five: for each generated problem (``make_active_multitask`` with its default sizes), every
rule runs :class:`~sparseopt.multitask.ActiveTaskSelector` at every budget with the same
selector seed. Problems run through joblib with ``N_JOBS`` processes (``-1``: every core), one
BLAS thread each; the seeds come from ``np.random.SeedSequence(0)``, so the curves are the same
for any ``N_JOBS``.

The size follows the environment variable ``SPARSEOPT_EXAMPLE_SIZE``: unset (or ``gallery``) 2
problems on two processes and budgets up to 10k, ``small`` one problem and two small budgets in
this process (used by the tests), ``full`` the benchmark's 10 problems and budgets up to 100k on
two processes.
"""

# %%
import os
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_limits

from sparseopt.datasets import make_active_multitask
from sparseopt.multitask import ActiveTaskSelector, task_selection_curves

SIZE = os.environ.get("SPARSEOPT_EXAMPLE_SIZE", "gallery")  # "small", "gallery" or "full"
N_SEEDS, BUDGETS, N_JOBS = {
    "small": (1, [1_000, 2_000], 1),
    "gallery": (2, [2_000, 5_000, 10_000], 2),
    "full": (10, [2_000, 5_000, 10_000, 20_000, 50_000, 100_000], 2),
}[SIZE]

# %%
# ``rules=None`` selects the five rules above ('uniform', the oracle weights 'oracle_l2' and
# 'oracle_l1' computed from each problem's true relevance, and the adaptive 'l2' and 'l1').
# The dashed line is the excess risk of the target head fitted with the true representation:
# a floor that no amount of source data removes.
curves = task_selection_curves(BUDGETS, N_SEEDS, n_jobs=N_JOBS, random_state=0)
risk = curves.mean()
print(f"{'rule':14s}", " ".join(f"{b:>7d}" for b in BUDGETS),
      "  share on relevant sources (last budget)")
for rule in curves.names:
    print(f"{rule:14s}", " ".join(f"{r:7.4f}" for r in risk[rule]),
          f"  {curves.relevant_share[rule][-1].mean():.2f}")
print(f"floor (true representation): {curves.oracle_risk.mean():.4f}")

# %%
# The allocation itself is a single fit, outside the Monte-Carlo routine: the adaptive nu^1
# rule at the largest budget on one problem.
prob = make_active_multitask(random_state=0)
with threadpool_limits(limits=1, user_api="blas"), warnings.catch_warnings():
    # the first epoch has few samples per source: its representation fit may stop at max_iter
    warnings.simplefilter("ignore", ConvergenceWarning)
    sel = ActiveTaskSelector(budget=BUDGETS[-1], relevance="l1", random_state=0).fit(
        prob.X_target, prob.y_target, n_tasks=prob.n_tasks, sampler=prob.sample)

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
for rule in curves.names:
    ax1.loglog(BUDGETS, risk[rule], "o-", label=rule)
ax1.axhline(curves.oracle_risk.mean(), color="k", ls="--", lw=1, label="true representation")
ax1.set_xlabel("total source samples")
ax1.set_ylabel(f"target excess risk (mean of {N_SEEDS})")
ax1.legend(fontsize=8)
colors = np.where(np.isin(np.arange(prob.n_tasks), prob.relevant_tasks), "C3", "C7")
ax2.bar(np.arange(prob.n_tasks), sel.allocation_, color=colors)
ax2.set_xlabel("source task (red: relevant)")
ax2.set_ylabel("samples drawn")
ax2.set_title(f"adaptive nu^1 at N = {BUDGETS[-1]}")
plt.tight_layout()
plt.show()
