"""Seeded joblib trials: identical results for any n_jobs, in trial order."""

import numpy as np
import pytest

from sparseopt.utils import run_trials, spawn_seeds


def _draw_trial(seed, config):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((config["n"], config["n"]))
    return np.linalg.solve(A.T @ A + np.eye(config["n"]), A.T @ rng.standard_normal(config["n"]))


def test_n_jobs_2_equals_n_jobs_1_bit_for_bit():
    cfg = {"n": 30}
    seq = run_trials(_draw_trial, 6, cfg, n_jobs=1, random_state=3)
    par = run_trials(_draw_trial, 6, cfg, n_jobs=2, random_state=3)
    assert len(seq) == len(par) == 6
    np.testing.assert_array_equal(np.array(seq), np.array(par))
    # trial i gets the i-th spawned child, whatever n_trials is
    first = _draw_trial(spawn_seeds(3, 6)[0], cfg)
    np.testing.assert_array_equal(seq[0], first)
    np.testing.assert_array_equal(run_trials(_draw_trial, 2, cfg, random_state=3)[1], seq[1])


def test_random_state_forms():
    g1 = run_trials(_draw_trial, 2, {"n": 3}, random_state=np.random.default_rng(5))
    g2 = run_trials(_draw_trial, 2, {"n": 3}, random_state=np.random.default_rng(5))
    np.testing.assert_array_equal(g1, g2)
    s1 = run_trials(_draw_trial, 2, {"n": 3}, random_state=np.random.SeedSequence(7))
    s2 = run_trials(_draw_trial, 2, {"n": 3}, random_state=7)
    np.testing.assert_array_equal(s1, s2)
    assert not np.array_equal(run_trials(_draw_trial, 1, {"n": 3}, random_state=1)[0],
                              run_trials(_draw_trial, 1, {"n": 3}, random_state=2)[0])


def test_bad_input_names_the_argument():
    with pytest.raises(ValueError, match="n_trials"):
        run_trials(_draw_trial, 0)
    with pytest.raises(TypeError, match="n_trials"):
        run_trials(_draw_trial, 2.5)
    with pytest.raises(TypeError, match="trial"):
        run_trials("not callable", 2)
    with pytest.raises(TypeError, match="random_state"):
        spawn_seeds("zero", 2)
    with pytest.raises(ValueError, match="random_state"):
        spawn_seeds(-1, 2)
    with pytest.raises(ValueError, match="blas_threads"):
        run_trials(_draw_trial, 1, {"n": 2}, blas_threads=0)


def test_verbose_reports_each_trial(capsys):
    run_trials(_draw_trial, 3, {"n": 2}, random_state=0, verbose=1, desc="mc")
    frames = capsys.readouterr().err.replace("\r", "\n").split("\n")
    assert [f for f in frames if f.startswith("mc: 100%")] and all(
        any(f.startswith("mc:") and f"{k}/3" in f for f in frames) for k in (0, 3))
