"""
Block updates and active-set identification
===========================================

Two more comparisons of Nutini, Laradji and Schmidt (JMLR 2022) on a reduced version of their
dataset A, in "paper mode" (one iteration = one block update, ``working_set=False``):

1. **update rules** for least squares with greedy variable blocks of size 5: the ``1/L_b``
   gradient step against the matrix step (exact block minimisation), with GSL and GSQ selection;
2. **non-negative L1** (dataset ``A_l1``): proximal-gradient, proximal-Newton and two-metric
   projection block updates with the GS-q rule. After finitely many iterations the active set
   (the support) is identified, and Newton-type updates then converge very fast.

Objective minus optimum against iterations, log scale. The size follows the environment
variable ``SPARSEOPT_EXAMPLE_SIZE``: unset (or ``gallery``) 200 x 1000, ``small`` 100 x 400
(used by the tests), ``full`` the paper's 1000 x 10000 problems.
"""

# %%
import os
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning

from sparseopt.datafits import Quadratic
from sparseopt.datasets import make_bcd_paper_problem
from sparseopt.penalties import L1
from sparseopt.solvers import bcd_solve

warnings.simplefilter("ignore", ConvergenceWarning)
SIZE = os.environ.get("SPARSEOPT_EXAMPLE_SIZE", "gallery")  # "small", "gallery" or "full"
n, p, n_iter = {"small": (100, 400, 150), "gallery": (200, 1000, 300),
                "full": (1000, 10000, 300)}[SIZE]
A = make_bcd_paper_problem("A", n_samples=n, n_features=p, random_state=1)

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
for selection in ("gsl", "gsq"):
    for update in ("gradient", "matrix"):
        _, res = bcd_solve(Quadratic(), None, A.X, A.y, selection=selection,
                           partition="variable", block_size=5, update=update, gap_freq=1,
                           max_iter=n_iter, tol=0.0, working_set=False)
        ax1.semilogy(res.history["iter"], n * res.history["objective"],
                     label=f"{selection.upper()}-VB, {update}")
ax1.set_xlabel("block updates")
ax1.set_ylabel(r"$\frac{1}{2}\|Ax-b\|^2$ (f* = 0)")
ax1.set_title("least squares: update rules")
ax1.legend(fontsize=8)

# %%
# Non-negative L1: the optimum is computed once with a tight tolerance.
Al1 = make_bcd_paper_problem("A_l1", n_samples=n, n_features=p, random_state=1)
# the paper's lambda = 5e4 suits the full size; scale it to the reduced problem
alpha = Al1.alpha if SIZE == "full" else 0.25 * np.max(Al1.X.T @ Al1.y) / n
pen = L1(alpha, positive=True)
w_star, _ = bcd_solve(Quadratic(), pen, Al1.X, Al1.y, selection="cyclic", tol=1e-14,
                      max_iter=1000)
f_star = Quadratic().value(Al1.y, Al1.X @ w_star) + pen.value(w_star)
for update in ("gradient", "newton", "two_metric"):
    w, res = bcd_solve(Quadratic(), pen, Al1.X, Al1.y, selection="gsq", partition="variable",
                       block_size=5, update=update, gap_freq=1, max_iter=n_iter, tol=0.0,
                       working_set=False)
    gap = np.maximum(n * (res.history["objective"] - f_star), 1e-16)
    ax2.semilogy(res.history["iter"], gap, label=f"GS-q VB, {update}")
    support = res.history["support_size"]
    print(f"{update:10s}: final f - f* = {gap[-1]:.2e}, support {support[-1]} "
          f"(optimum: {np.count_nonzero(w_star)})")
ax2.set_xlabel("block updates")
ax2.set_ylabel(r"$f - f^*$ (paper scale)")
ax2.set_title("non-negative L1: gradient vs Newton-type blocks")
ax2.legend(fontsize=8)
plt.tight_layout()
plt.show()
