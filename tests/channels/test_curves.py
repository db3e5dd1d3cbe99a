"""Monte-Carlo NMSE curves: seeded, identical for any n_jobs, and consistent with a hand loop."""

from functools import partial

import numpy as np
import pytest

from sparseopt.bayes import KroneckerSBL, kronecker_omp
from sparseopt.channels import IRSMIMOScenario, nmse_vs_snr
from sparseopt.utils import spawn_seeds

SMALL = dict(n_ms=4, n_bs=8, n_irs=64, n_grid=10, n_configs=4, n_pilots=4)


def _estimators():
    return {"SVD-KroSBL": KroneckerSBL("svd", max_iter=40),
            "Kronecker OMP": partial(kronecker_omp, max_atoms=20)}


def test_n_jobs_2_equals_n_jobs_1_bit_for_bit():
    scn = IRSMIMOScenario(random_state=0, **SMALL)
    seq = nmse_vs_snr(scn, _estimators(), [5, 20], 3, random_state=1)
    par = nmse_vs_snr(scn, _estimators(), [5, 20], 3, n_jobs=2, random_state=1)
    assert seq.names == par.names == ["SVD-KroSBL", "Kronecker OMP"]
    for name in seq.names:
        assert seq.nmse_db[name].shape == (2, 3)
        np.testing.assert_array_equal(seq.nmse_db[name], par.nmse_db[name])
        assert seq.fit_time[name].shape == (2, 3)
    # higher SNR, lower error (medians)
    med = seq.median_db()
    assert np.all(med["SVD-KroSBL"][1] < med["SVD-KroSBL"][0])


def test_matches_a_hand_written_trial_loop():
    scn = IRSMIMOScenario(random_state=0, **SMALL)
    curves = nmse_vs_snr(scn, _estimators(), [10.0], 2, random_state=4)
    op = scn.measurement_operator()
    for t, seed in enumerate(spawn_seeds(4, 2)):
        rng = np.random.default_rng(seed)
        ch = scn.draw_channel(rng)
        y, s2 = scn.observe(ch, 10.0, rng)
        coef, _ = kronecker_omp(op, y, noise_variance=s2, max_atoms=20)
        assert curves.nmse_db["Kronecker OMP"][0, t] == scn.nmse_db(coef, ch.x)
    # summaries
    v = curves.nmse_db["Kronecker OMP"][0]
    assert curves.mean_db()["Kronecker OMP"][0] == pytest.approx(
        10 * np.log10(np.mean(10 ** (v / 10))))
    assert curves.failure_rate(0.0)["Kronecker OMP"].shape == (1,)


def test_bad_input():
    scn = IRSMIMOScenario(random_state=0, **SMALL)
    with pytest.raises(ValueError, match="n_trials"):
        nmse_vs_snr(scn, _estimators(), [10], 0)
    with pytest.raises(TypeError, match="estimators"):
        nmse_vs_snr(scn, [KroneckerSBL()], [10], 1)
    with pytest.raises(TypeError, match=r"estimators\['x'\]"):
        nmse_vs_snr(scn, {"x": 3}, [10], 1)
    with pytest.raises(ValueError, match="snr_db"):
        nmse_vs_snr(scn, _estimators(), [np.nan], 1)
    with pytest.raises(TypeError, match="scenario"):
        nmse_vs_snr(object(), _estimators(), [10], 1)
