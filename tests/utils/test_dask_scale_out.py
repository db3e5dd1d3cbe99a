"""Scale-out recipe: the same call on a 2-worker dask.distributed cluster gives the same numbers."""

import os
from functools import partial

import numpy as np
import pytest

from sparseopt.bayes import KroneckerSBL, kronecker_omp
from sparseopt.channels import IRSMIMOScenario, nmse_vs_snr
from sparseopt.linear_model import LassoCV
from sparseopt.utils import parallel_map


@pytest.mark.slow
def test_local_cluster_matches_sequential_run():
    pytest.importorskip("distributed")
    from dask.distributed import Client, LocalCluster
    from joblib import parallel_config

    scn = IRSMIMOScenario(random_state=0, n_ms=4, n_bs=8, n_irs=64, n_grid=10, n_configs=4,
                          n_pilots=4)
    estimators = {"SVD-KroSBL": KroneckerSBL("svd", max_iter=40),
                  "Kronecker OMP": partial(kronecker_omp, max_atoms=20)}
    rng = np.random.default_rng(0)
    X = rng.standard_normal((60, 15))
    y = X[:, 0] - X[:, 2] + 0.3 * rng.standard_normal(60)

    seq = nmse_vs_snr(scn, estimators, [5, 20], 4, random_state=7)
    seq_cv = LassoCV(n_alphas=8, cv=3).fit(X, y)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        with parallel_config(backend="dask"):
            pids = set(parallel_map(os.getpid, [()] * 4))
            worker_pids = set(client.run(os.getpid).values())
            assert pids <= worker_pids and os.getpid() not in pids  # really ran on the workers
            dist = nmse_vs_snr(scn, estimators, [5, 20], 4, random_state=7)  # n_jobs=None
            dist_cv = LassoCV(n_alphas=8, cv=3).fit(X, y)
    for name in seq.names:
        np.testing.assert_array_equal(seq.nmse_db[name], dist.nmse_db[name])
    np.testing.assert_array_equal(seq_cv.mse_path_, dist_cv.mse_path_)
    np.testing.assert_array_equal(seq_cv.coef_, dist_cv.coef_)
