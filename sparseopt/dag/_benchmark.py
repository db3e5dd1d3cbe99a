"""Structure-learning benchmarks over many simulated DAGs, run through joblib."""

import time
import warnings
from dataclasses import dataclass, field

import numpy as np
from sklearn.base import clone

from ..utils import (
    check_estimator_dict,
    check_nonnegative,
    check_positive_int,
    is_estimator,
    reemit_warnings,
    run_trials,
)
from ._colide import CoLiDE
from ._metrics import count_accuracy
from ._scores import get_score
from ._simulate import simulate_dag, simulate_linear_sem, simulate_noise_scales, simulate_parameter

METRICS = ("shd", "tpr", "fdr", "fpr", "nnz", "noise_scale_error")


@dataclass
class DagBenchmark:
    """Outcome of :func:`benchmark_dags`.

    Attributes
    ----------
    metrics : dict of str to dict of str to ndarray of shape (n_graphs,)
        ``metrics[name][key]`` for ``key`` in ``shd``, ``tpr``, ``fdr``, ``fpr``, ``nnz``
        (:func:`count_accuracy`) and ``noise_scale_error`` (relative error of the estimated
        noise scale(s), NaN for estimators without ``noise_scale_`` and for CoLiDE's DAGMA mode,
        which holds the scale at 1).
    fit_time : dict of str to ndarray of shape (n_graphs,)
        CPU seconds of each fit (the only entry that varies between runs).
    n_edges_true : ndarray of shape (n_graphs,)
    """

    metrics: dict
    fit_time: dict = field(default_factory=dict)
    n_edges_true: np.ndarray = None

    @property
    def names(self):
        """Estimator names, in the order given."""
        return list(self.metrics)

    def mean(self):
        """Mean of every metric (and of ``fit_time``) over graphs, per estimator.

        Returns
        -------
        dict of str to dict of str to float
        """
        out = {}
        for name, m in self.metrics.items():
            out[name] = {k: float(np.mean(v)) for k, v in m.items()}
            out[name]["fit_time"] = float(np.mean(self.fit_time[name]))
        return out


def _scale_error(est_scale, sigma):
    """Relative error of a scalar (against the RMS of ``sigma``) or per-node noise scale."""
    s = np.asarray(est_scale, dtype=np.float64)
    if s.ndim == 0:
        ref = float(np.sqrt(np.mean(sigma**2)))
        return abs(float(s) - ref) / ref
    return float(np.linalg.norm(s - sigma) / np.linalg.norm(sigma))


def _dag_trial(seed, config):
    """Simulate one graph and its data, fit every estimator, score it."""
    rng = np.random.default_rng(seed)
    d = config["n_nodes"]
    B = simulate_dag(d, config["n_edges"], config["graph_type"], random_state=rng)
    W = simulate_parameter(B, config["w_ranges"], random_state=rng)
    if config["noise_variance_range"] is not None:
        sigma = simulate_noise_scales(d, config["noise_variance_range"], random_state=rng)
    else:
        sigma = np.broadcast_to(np.asarray(config["noise_scale"], dtype=np.float64), (d,)).copy()
    X = simulate_linear_sem(W, config["n_samples"], config["noise"], noise_scale=sigma,
                            random_state=rng)
    rows = {}
    for name, est in config["estimators"].items():
        t0 = time.process_time()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            if is_estimator(est):
                model = clone(est).fit(X)
                A, scale = model.adjacency_, getattr(model, "noise_scale_", None)
                if isinstance(model, CoLiDE) and \
                        not get_score(model._effective_variance()).estimates_scale:
                    scale = None  # DAGMA mode: the scale is held at 1, not estimated
            else:
                A, scale = est(X), None
        t = time.process_time() - t0
        acc = count_accuracy(B, A)
        err = np.nan if scale is None else _scale_error(scale, sigma)
        rows[name] = ([acc["shd"], acc["tpr"], acc["fdr"], acc["fpr"], acc["nnz"], err], t,
                      [(w.category, f"{name}: {w.message}") for w in caught])
    return rows, int(B.sum())


def benchmark_dags(estimators, n_graphs, *, n_nodes=10, edges_per_node=4, graph_type="ER",
                   n_samples=1000, w_ranges=((-2.0, -0.5), (0.5, 2.0)), noise="gauss",
                   noise_scale=1.0, noise_variance_range=None, n_jobs=None, random_state=None,
                   verbose=0):
    """Score DAG learners on ``n_graphs`` simulated linear SEMs, as in CoLiDE's experiments.

    Each graph is drawn with :func:`simulate_dag` (``edges_per_node * n_nodes`` edges, e.g.
    ER4), weighted by :func:`simulate_parameter`, sampled by :func:`simulate_linear_sem`, then
    every estimator is fitted on the same data and scored by :func:`count_accuracy`. Graphs
    run through joblib (see :func:`sparseopt.utils.run_trials`): results are identical for
    every ``n_jobs`` and backend.

    Parameters
    ----------
    estimators : dict of str to estimator or callable
        An unfitted estimator with ``fit(X)`` and ``adjacency_`` (e.g.
        :class:`CoLiDE`; cloned for every graph), or a callable ``f(X) -> adjacency`` returning
        a DAG (module-level or ``functools.partial``, so that every backend can pickle it).
    n_graphs : int
        Number of graphs, ``>= 1``.
    n_nodes : int, default=10
        Nodes ``d`` of every graph.
    edges_per_node : int, default=4
        Expected degree ``k`` of 'ERk' / 'SFk' graphs.
    graph_type : {'ER', 'SF'}, default='ER'
        Erdos-Renyi or scale-free graphs (:func:`simulate_dag`).
    n_samples : int, default=1000
        Samples drawn from each SEM.
    w_ranges : sequence of (low, high), default=((-2, -0.5), (0.5, 2))
        Edge weights are uniform on these intervals.
    noise : {'gauss', 'exp', 'gumbel', 'laplace', 'uniform'}, default='gauss'
        Noise law (:func:`simulate_linear_sem`).
    noise_scale : float or array-like of shape (n_nodes,), default=1.0
        Noise standard deviation(s), unless ``noise_variance_range`` is given.
    noise_variance_range : (low, high) or None, default=None
        Heteroscedastic regime: per-node noise variances uniform on this interval, drawn per
        graph (:func:`simulate_noise_scales`).
    n_jobs : int or None, default=None
        Graphs in parallel (joblib; None means 1 outside a ``joblib.parallel_config`` context).
    random_state : None, int, SeedSequence or Generator, default=None
        Root of the per-graph seeds.
    verbose : int, default=0
        >= 1: a progress bar over graphs.

    Returns
    -------
    DagBenchmark
        ``metrics[name]['shd']`` etc. of shape ``(n_graphs,)``; ``mean()`` summarises them.

    Notes
    -----
    Warnings raised inside the trials (e.g. a ``ConvergenceWarning`` of a short budget) are
    collected and re-emitted once per estimator and message, with the number of graphs
    concerned, whatever the joblib backend. The SHD counts a reversed edge once.

    Examples
    --------
    >>> from sparseopt.dag import CoLiDE, benchmark_dags
    >>> res = benchmark_dags({"CoLiDE-EV": CoLiDE(warm_iter=2000, max_iter=4000)}, 2,
    ...                      n_nodes=5, edges_per_node=1, n_samples=500, random_state=0)
    >>> res.metrics["CoLiDE-EV"]["shd"].shape
    (2,)
    >>> sorted(res.mean()["CoLiDE-EV"])
    ['fdr', 'fit_time', 'fpr', 'nnz', 'noise_scale_error', 'shd', 'tpr']
    """
    check_estimator_dict(estimators, "fit(X) and adjacency_,")
    n_graphs = check_positive_int("n_graphs", n_graphs)
    n_nodes = check_positive_int("n_nodes", n_nodes)
    n_samples = check_positive_int("n_samples", n_samples)
    edges_per_node = check_nonnegative("edges_per_node", edges_per_node)
    n_edges = edges_per_node * n_nodes
    if n_edges != int(n_edges):
        raise ValueError(f"edges_per_node * n_nodes must be an integer, got {n_edges}.")
    if graph_type not in ("ER", "SF"):
        raise ValueError(f"graph_type={graph_type!r}: expected 'ER' or 'SF'.")
    if graph_type == "ER" and n_edges > n_nodes * (n_nodes - 1) // 2:
        raise ValueError(f"edges_per_node={edges_per_node} gives {int(n_edges)} edges, more "
                         f"than n_nodes(n_nodes-1)/2 = {n_nodes * (n_nodes - 1) // 2}.")
    if noise not in ("gauss", "exp", "gumbel", "laplace", "uniform"):
        raise ValueError(f"noise={noise!r}: expected 'gauss', 'exp', 'gumbel', 'laplace' or "
                         "'uniform'.")
    if noise_variance_range is not None:
        lo_hi = np.asarray(noise_variance_range, dtype=np.float64)
        if lo_hi.shape != (2,) or not (0 < lo_hi[0] <= lo_hi[1] < np.inf):
            raise ValueError("noise_variance_range must be (low, high) with 0 < low <= high, "
                             f"got {noise_variance_range!r}.")
    scale = np.asarray(noise_scale, dtype=np.float64)
    if scale.ndim > 1 or (scale.ndim == 1 and scale.shape != (n_nodes,)) \
            or not np.all(np.isfinite(scale)) or np.any(scale < 0):
        raise ValueError(f"noise_scale must be a finite scalar or ({n_nodes},) array >= 0.")
    config = dict(estimators=dict(estimators), n_nodes=n_nodes, n_edges=int(n_edges),
                  graph_type=graph_type, n_samples=n_samples, w_ranges=w_ranges, noise=noise,
                  noise_scale=scale, noise_variance_range=noise_variance_range)
    out = run_trials(_dag_trial, n_graphs, config, n_jobs=n_jobs, random_state=random_state,
                     verbose=verbose, desc="benchmark_dags")
    reemit_warnings([[w for row in o[0].values() for w in row[2]] for o in out], "graphs")
    metrics, times = {}, {}
    for name in estimators:
        vals = np.array([o[0][name][0] for o in out], dtype=np.float64)  # (n_graphs, n_metrics)
        metrics[name] = {k: vals[:, i] for i, k in enumerate(METRICS)}
        times[name] = np.array([o[0][name][1] for o in out])
    return DagBenchmark(metrics=metrics, fit_time=times,
                        n_edges_true=np.array([o[1] for o in out]))
