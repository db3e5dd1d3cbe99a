"""
CoLiDE versus DAGMA: which one wins depends on the noise
=========================================================

CoLiDE estimates the noise scale jointly with the graph: one scale ('equal', CoLiDE-EV) or one
per node ('nonequal', CoLiDE-NV). DAGMA's least-squares score holds it at 1. Neither is better
everywhere, and this example shows both sides on random ER4 graphs (4 edges per node on
average) with n = 1000 samples:

* **equal noise variances** (sigma = 1) and strong edges, weights in +-[0.5, 2]: here DAGMA's
  least squares is the right model, and DAGMA wins;
* **heteroscedastic noise** (per-node variances drawn in [0.5, 10]) and weak edges, weights in
  +-[0.25, 1]: here CoLiDE-NV wins.

We report the structural Hamming distance (SHD: missing + extra + reversed edges, a reversal
counting once; lower is better). DAGMA is ``CoLiDE(variance='fixed', **DAGMA_DEFAULTS)``, which
reproduces the ``dagma`` package bit for bit. A fourth estimator, CoLiDE-EV with DAGMA's L1
weight (``alpha=0.02`` instead of CoLiDE's default 0.05), separates the effect of the score
from that of the penalty.

The simulation loop is :func:`sparseopt.dag.benchmark_dags`: it draws every graph and its data,
fits every estimator on the same data and scores it. Graphs run through joblib with ``N_JOBS``
processes; the seeds come from ``np.random.SeedSequence(0)``, so the scores are the same for any
``N_JOBS`` (both regimes use the same root seed, hence the same graph skeletons).

The size follows the environment variable ``SPARSEOPT_EXAMPLE_SIZE``: unset (or ``gallery``)
d = 20 nodes and 5 graphs per regime on two processes (about half a minute), ``small`` d = 10
and one graph in this process (used by the tests), ``full`` d = 50 and 5 graphs (minutes). The
CoLiDE paper's heteroscedastic table uses d = 200: set ``D = 200``.
"""

# %%
import os

import matplotlib.pyplot as plt
import numpy as np

from sparseopt.dag import DAGMA_DEFAULTS, CoLiDE, benchmark_dags

SIZE = os.environ.get("SPARSEOPT_EXAMPLE_SIZE", "gallery")  # "small", "gallery" or "full"
D, N_GRAPHS, N_JOBS = {"small": (10, 1, 1), "gallery": (20, 5, 2), "full": (50, 5, 2)}[SIZE]

# %%
# The estimators are given unfitted (``benchmark_dags`` clones them for every graph). The two
# regimes differ in the weight ranges and the noise: ``noise_scale=1.0`` for equal variances,
# ``noise_variance_range=(0.5, 10)`` for per-node variances drawn for every graph.
estimators = {"DAGMA": CoLiDE("fixed", **DAGMA_DEFAULTS), "CoLiDE-EV": CoLiDE("equal"),
              "CoLiDE-NV": CoLiDE("nonequal"),
              "CoLiDE-EV (alpha=0.02)": CoLiDE("equal", alpha=0.02)}
regimes = {
    "equal variance, w in +-[0.5, 2]": dict(w_ranges=((-2.0, -0.5), (0.5, 2.0)),
                                            noise_scale=1.0),
    "heteroscedastic, w in +-[0.25, 1]": dict(w_ranges=((-1.0, -0.25), (0.25, 1.0)),
                                              noise_variance_range=(0.5, 10.0)),
}
results = {}
for label, regime in regimes.items():
    res = benchmark_dags(estimators, N_GRAPHS, n_nodes=D, edges_per_node=4, n_samples=1000,
                         n_jobs=N_JOBS, random_state=0, **regime)
    results[label] = res
    mean = res.mean()
    print(f"{label} ({res.n_edges_true.mean():.0f} true edges on average)")
    for name in estimators:
        print(f"  {name:24s} SHD {mean[name]['shd']:5.1f}   TPR {mean[name]['tpr']:.2f}   "
              f"per graph {res.metrics[name]['shd'].astype(int).tolist()}")

# %%
# At the default size (d = 20, 5 graphs per regime) this prints, on the reference machine:
#
# =================================  =====  =========  =========  ======================
# regime                             DAGMA  CoLiDE-EV  CoLiDE-NV  CoLiDE-EV, alpha=0.02
# =================================  =====  =========  =========  ======================
# equal variance, w in +-[0.5, 2]      9.0       20.8       20.6                    11.6
# heteroscedastic, w in +-[0.25, 1]   49.0       45.0       40.8                    49.6
# =================================  =====  =========  =========  ======================
#
# **Equal variances: DAGMA wins.** With sigma = 1 at every node, least squares is the correctly
# specified score and CoLiDE-EV's estimated scale is about 1, so the two scores coincide up to
# the L1 weight. The gap is the penalty, not the score: CoLiDE's default ``alpha=0.05`` (the
# paper's) shrinks more than DAGMA's 0.02 and misses weak edges (lower TPR); CoLiDE-EV with
# ``alpha=0.02`` comes back close to DAGMA. CoLiDE-NV, which fits one scale per node, spends
# degrees of freedom on a variation that is not there.
#
# **Heteroscedastic noise and weak edges: CoLiDE-NV wins** (about 0.83 times DAGMA's SHD here,
# on 4 of the 5 graphs). Least squares with one scale weights every node's residual alike, so
# the nodes with large noise dominate the fit and the sparsity level is wrong for the quiet
# ones. CoLiDE-NV divides node j's residual by its own estimated scale sigma_j (in effect an L1
# weight alpha * sigma_j on the parents of j), which matters most when the edges are weak
# compared with the noise. Here the penalty is not the reason: CoLiDE-EV with DAGMA's
# ``alpha=0.02`` does no better than DAGMA (49.6). The gain grows with the number of nodes: at
# d = 10, where an ER4 graph has 40 of the 45 possible edges, DAGMA is still ahead in both
# regimes (SHD 9.4 against 12.2 for CoLiDE-NV with heteroscedastic noise), mostly because of
# the larger default ``alpha`` (CoLiDE-NV with DAGMA's settings gets 10.0 there).
#
# DAGMA's last stage also reaches its ``max_iter`` (60 000 Adam steps, the dagma package's
# default) on 3 of the 5 equal-variance graphs: ``benchmark_dags`` passes that
# ``ConvergenceWarning`` on, counted over the graphs.
#
# Simulated SEMs like these are "varsortable" (the marginal variance grows along causal paths)
# and least-squares scores exploit it; see :func:`sparseopt.dag.varsortability` and the
# :func:`sparseopt.dag.sort_n_regress` baseline before drawing conclusions for real data.

# %%
fig, ax = plt.subplots(figsize=(7, 3.5))
pos = np.arange(len(estimators))
for shift, label in zip((-0.2, 0.2), regimes, strict=True):
    mean = results[label].mean()
    ax.bar(pos + shift, [mean[m]["shd"] for m in estimators], width=0.4, label=label)
ax.set_xticks(pos, [m.replace(" (", "\n(") for m in estimators])
ax.set_ylabel(f"mean SHD (ER4, d = {D}, n = 1000)")
ax.set_title(f"{N_GRAPHS} graph(s) per regime; lower is better")
ax.legend(fontsize=8)
plt.tight_layout()
plt.show()
