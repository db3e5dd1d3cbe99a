"""DAG benchmarks over seeded graphs: identical for any n_jobs, consistent with a hand loop."""

from functools import partial

import numpy as np
import pytest

from sparseopt.dag import (
    CoLiDE,
    benchmark_dags,
    count_accuracy,
    simulate_dag,
    simulate_linear_sem,
    simulate_noise_scales,
    simulate_parameter,
    sort_n_regress,
    threshold_to_dag,
)
from sparseopt.utils import spawn_seeds


def sortnregress_dag(X, threshold=0.3):
    return threshold_to_dag(sort_n_regress(X), threshold)


def _estimators():
    return {"CoLiDE-NV": CoLiDE("nonequal", warm_iter=1000, max_iter=2000),
            "sortnregress": partial(sortnregress_dag, threshold=0.3)}


def test_n_jobs_2_equals_n_jobs_1_bit_for_bit():
    kw = dict(n_nodes=6, edges_per_node=1, n_samples=300, noise_variance_range=(0.5, 2.0),
              random_state=2)
    seq = benchmark_dags(_estimators(), 2, **kw)
    par = benchmark_dags(_estimators(), 2, n_jobs=2, **kw)
    assert seq.names == ["CoLiDE-NV", "sortnregress"]
    np.testing.assert_array_equal(seq.n_edges_true, par.n_edges_true)
    for name in seq.names:
        for key, val in seq.metrics[name].items():
            assert val.shape == (2,)
            np.testing.assert_array_equal(val, par.metrics[name][key])
    assert np.all(np.isfinite(seq.metrics["CoLiDE-NV"]["noise_scale_error"]))
    assert np.all(np.isnan(seq.metrics["sortnregress"]["noise_scale_error"]))


def test_matches_a_hand_written_loop():
    res = benchmark_dags({"sortnregress": sortnregress_dag}, 2, n_nodes=8, edges_per_node=2,
                         n_samples=200, noise_variance_range=(0.5, 10.0), random_state=5)
    for g, seed in enumerate(spawn_seeds(5, 2)):
        rng = np.random.default_rng(seed)
        B = simulate_dag(8, 16, "ER", random_state=rng)
        W = simulate_parameter(B, ((-2.0, -0.5), (0.5, 2.0)), random_state=rng)
        sigma = simulate_noise_scales(8, (0.5, 10.0), random_state=rng)
        X = simulate_linear_sem(W, 200, noise_scale=sigma, random_state=rng)
        acc = count_accuracy(B, sortnregress_dag(X))
        assert res.n_edges_true[g] == 16
        for key in ("shd", "tpr", "fdr", "fpr", "nnz"):
            assert res.metrics["sortnregress"][key][g] == acc[key]
    summary = res.mean()["sortnregress"]
    assert summary["shd"] == pytest.approx(np.mean(res.metrics["sortnregress"]["shd"]))


def test_bad_input():
    est = {"s": sortnregress_dag}
    with pytest.raises(ValueError, match="n_graphs"):
        benchmark_dags(est, 0)
    with pytest.raises(TypeError, match="estimators"):
        benchmark_dags([sortnregress_dag], 1)
    with pytest.raises(ValueError, match="graph_type"):
        benchmark_dags(est, 1, graph_type="BA")
    with pytest.raises(ValueError, match="edges_per_node"):
        benchmark_dags(est, 1, n_nodes=4, edges_per_node=3)
    for bad in (np.inf, np.nan, -1.0):  # inf was an OverflowError
        with pytest.raises(ValueError, match="edges_per_node"):
            benchmark_dags(est, 1, n_nodes=4, edges_per_node=bad)
    with pytest.raises(TypeError, match="edges_per_node"):
        benchmark_dags(est, 1, n_nodes=4, edges_per_node="2")
    with pytest.raises(ValueError, match="noise_variance_range"):
        benchmark_dags(est, 1, noise_variance_range=(2.0, 1.0))
    with pytest.raises(ValueError, match="noise="):
        benchmark_dags(est, 1, noise="cauchy")


def test_dagma_mode_has_no_noise_scale_error():
    res = benchmark_dags({"DAGMA": CoLiDE("fixed", warm_iter=300, max_iter=300),
                          "lsq": CoLiDE(loss="lsq", warm_iter=300, max_iter=300)}, 1,
                         n_nodes=5, edges_per_node=1, n_samples=200, random_state=0)
    assert np.isnan(res.metrics["DAGMA"]["noise_scale_error"]).all()
    assert np.isnan(res.metrics["lsq"]["noise_scale_error"]).all()
