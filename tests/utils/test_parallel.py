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


def _warning_call(k):
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    if k % 2 == 0:
        warnings.warn("did not converge within max_iter", ConvergenceWarning)
        warnings.warn("did not converge within max_iter", ConvergenceWarning)  # same call
    if k == 3:
        warnings.warn("odd three", UserWarning)
    return k


def _warning_trial(seed, config):
    return _warning_call(config)


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_worker_warnings_reach_the_caller_once_with_a_count(n_jobs):
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    from sparseopt.utils import parallel_map

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = parallel_map(_warning_call, [(k,) for k in range(5)], n_jobs=n_jobs)
    assert out == list(range(5))
    conv = [w for w in caught if issubclass(w.category, ConvergenceWarning)]
    assert [str(w.message) for w in conv] == ["did not converge within max_iter (in 3 of 5 calls)"]
    assert conv[0].filename == __file__  # points at the caller of parallel_map
    assert [str(w.message) for w in caught if w.category is UserWarning] == [
        "odd three (in 1 of 5 calls)"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run_trials(_warning_trial, 2, 0, n_jobs=n_jobs, random_state=0)
    assert [str(w.message) for w in caught] == [
        "did not converge within max_iter (in 2 of 2 calls)"]
    assert caught[0].filename == __file__


def test_a_warning_made_an_error_still_raises_in_the_caller():
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    from sparseopt.utils import parallel_map

    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        with pytest.raises(ConvergenceWarning, match="max_iter"):
            parallel_map(_warning_call, [(0,), (1,)])
