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

then show where the adaptive nu^1 rule spent its budget. The size follows the environment
variable ``SPARSEOPT_EXAMPLE_SIZE``: unset (or ``gallery``) 2 seeds and budgets up to 10k,
``small`` one seed and two small budgets (used by the tests), ``full`` the benchmark's 10 seeds
and budgets up to 100k.
"""

# %%
import os
import warnings

import matplotlib.pyplot as plt
import numpy as np
from threadpoolctl import threadpool_limits

from sparseopt.datasets import make_active_multitask
from sparseopt.multitask import ActiveTaskSelector

SIZE = os.environ.get("SPARSEOPT_EXAMPLE_SIZE", "gallery")  # "small", "gallery" or "full"
N_SEEDS, BUDGETS = {"small": (1, [1_000, 2_000]), "gallery": (2, [2_000, 5_000, 10_000]),
                    "full": (10, [2_000, 5_000, 10_000, 20_000, 50_000, 100_000])}[SIZE]
RULES = ["uniform", "nu2 known", "nu1 known", "nu2 adaptive", "nu1 adaptive"]


def run(prob, rule, budget):
    relevance = {"uniform": "uniform", "nu2 adaptive": "l2", "nu1 adaptive": "l1",
                 "nu2 known": prob.nu2**2, "nu1 known": np.abs(prob.relevance)}[rule]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sel = ActiveTaskSelector(budget=budget, relevance=relevance, random_state=0).fit(
            prob.X_target, prob.y_target, n_tasks=prob.n_tasks, sampler=prob.sample)
    return prob.excess_risk(sel.coef_), sel


threadpool_limits(1)  # the many tiny BLAS calls run faster on one thread
risk = {rule: np.zeros(len(BUDGETS)) for rule in RULES}
for seed in range(N_SEEDS):
    prob = make_active_multitask(random_state=seed)
    for rule in RULES:
        for b, budget in enumerate(BUDGETS):
            risk[rule][b] += run(prob, rule, budget)[0] / N_SEEDS
for rule in RULES:
    print(f"{rule:14s}", " ".join(f"{r:.4f}" for r in risk[rule]))

# %%
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
for rule in RULES:
    ax1.loglog(BUDGETS, risk[rule], "o-", label=rule)
ax1.set_xlabel("total source samples")
ax1.set_ylabel("target excess risk")
ax1.legend(fontsize=8)
prob = make_active_multitask(random_state=0)
_, sel = run(prob, "nu1 adaptive", BUDGETS[-1])
colors = np.where(np.isin(np.arange(prob.n_tasks), prob.relevant_tasks), "C3", "C7")
ax2.bar(np.arange(prob.n_tasks), sel.allocation_, color=colors)
ax2.set_xlabel("source task (red: relevant)")
ax2.set_ylabel("samples drawn")
ax2.set_title(f"adaptive nu^1 at N = {BUDGETS[-1]}")
plt.tight_layout()
plt.show()
