"""Regressions: bad inputs of the DAG tools get clear errors, convergence reaches the caller."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from sparseopt.dag import (
    CoLiDE,
    benchmark_dags,
    colide_solve,
    count_accuracy,
    linear_sem_covariance,
    simulate_dag,
    simulate_linear_sem,
    simulate_noise_scales,
    simulate_parameter,
)

CHAIN = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, -1.5], [0.0, 0.0, 0.0]])
SHORT = dict(warm_iter=200, max_iter=300, check_every=100)


@pytest.fixture(scope="module")
def X():
    return simulate_linear_sem(CHAIN, 200, random_state=0)


@pytest.mark.parametrize("param", ["standardize", "enforce_dag"])
@pytest.mark.parametrize("value", ["no", "False", 0, 1.0, None])
def test_strict_booleans(X, param, value):
    with pytest.raises(TypeError, match=param):
        CoLiDE(**{param: value}, **SHORT).fit(X)


def test_standardize_false_is_not_standardising(X):
    """The string 'no' used to standardise; False must give the raw-scale fit."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        raw = CoLiDE(standardize=False, **SHORT).fit(X)
        std = CoLiDE(standardize=True, **SHORT).fit(X)
    assert np.abs(raw.coef_ - std.coef_).max() > 1e-3
    np.testing.assert_array_equal(raw.scale_, np.ones(3))


@pytest.mark.parametrize("kwargs, name, error", [
    ({"variance": "foo"}, "variance", ValueError),
    ({"variance": "foo", "backend": "numpy"}, "variance", ValueError),
    ({"s": ()}, "s", ValueError),
    ({"s": (1.0, np.nan)}, "s", ValueError),
    ({"s": "abc"}, "s", ValueError),
    ({"check_every": 0}, "check_every", ValueError),
    ({"n_stages": 0}, "n_stages", ValueError),
    ({"warm_iter": 2.5}, "warm_iter", TypeError),
    ({"alpha": -0.1}, "alpha", ValueError),
    ({"alpha": np.nan}, "alpha", ValueError),
    ({"alpha": "big"}, "alpha", TypeError),
    ({"backend": "foo"}, "backend", ValueError),
    ({"mu_factor": 0.0}, "mu_factor", ValueError),
    ({"mu_init": -1.0}, "mu_init", ValueError),
    ({"learning_rate": np.inf}, "learning_rate", ValueError),
    ({"beta2": 1.0}, "beta2", ValueError),
    ({"tol": -1e-3}, "tol", ValueError),
    ({"max_retries": -1}, "max_retries", ValueError),
    ({"domain_slack": -1.0}, "domain_slack", ValueError),
    ({"noise_scale_min": 0.0}, "noise_scale_min", ValueError),
    ({"noise_scale_min": np.ones(3)}, "noise_scale_min", ValueError),  # 'equal' mode
    ({"verbose": -1}, "verbose", ValueError),
])
def test_colide_solve_names_the_bad_parameter(X, kwargs, name, error):
    C = np.cov(X.T, bias=True)
    with pytest.raises(error, match=rf"\b{name}\b"):
        colide_solve(C, **SHORT | kwargs)


@pytest.mark.parametrize("cov", [np.ones((2, 3)), np.array([[1.0, np.nan], [np.nan, 1.0]]),
                                 np.array([[1.0, 0.5], [0.0, 1.0]]), -np.eye(3), np.zeros((0, 0)),
                                 "cov", np.ones(3)])
def test_colide_solve_refuses_bad_covariances(cov):
    with pytest.raises((ValueError, TypeError), match=r"\bcov\b"):
        colide_solve(cov, **SHORT)


def test_colide_solve_zero_covariance():
    with pytest.raises(ValueError, match="noise_scale_min"):
        colide_solve(np.zeros((3, 3)), **SHORT)
    res = colide_solve(np.zeros((3, 3)), variance="equal", noise_scale_min=1.0, **SHORT)
    assert np.all(res.coef == 0)


def test_colide_solve_warns_on_non_convergence(X):
    C = np.cov(X.T, bias=True)
    with pytest.warns(ConvergenceWarning, match=r"max_iter=300, tol=1e-06"):
        res = colide_solve(C, **SHORT)
    assert not res.converged
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        assert colide_solve(C, warm_iter=3000, max_iter=20000).converged


def test_colide_warns_once(X):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        CoLiDE(**SHORT).fit(X)
    conv = [w for w in caught if issubclass(w.category, ConvergenceWarning)]
    assert len(conv) == 1 and "max_iter=300" in str(conv[0].message)


def test_benchmark_passes_convergence_warnings_on():
    with pytest.warns(ConvergenceWarning, match=r"CoLiDE: .*max_iter=300.*\(in 2 of 2 graphs\)"):
        benchmark_dags({"CoLiDE": CoLiDE(**SHORT)}, 2, n_nodes=4, edges_per_node=1,
                       n_samples=100, random_state=0)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_simulators_refuse_non_finite(bad):
    W = CHAIN.copy()
    W[0, 1] = bad
    with pytest.raises(ValueError, match="W"):
        simulate_linear_sem(W, 10, random_state=0)
    with pytest.raises(ValueError, match="W"):
        linear_sem_covariance(W)
    with pytest.raises(ValueError, match="noise_scale"):
        simulate_linear_sem(CHAIN, 10, noise_scale=bad, random_state=0)
    with pytest.raises(ValueError, match="noise_scale"):
        simulate_linear_sem(CHAIN, 10, noise_scale=[1.0, bad, 1.0], random_state=0)
    with pytest.raises(ValueError, match="noise_scale"):
        linear_sem_covariance(CHAIN, bad)
    with pytest.raises(ValueError, match="variance_range"):
        simulate_noise_scales(3, (0.5, bad), random_state=0)
    with pytest.raises(ValueError, match="variance_range"):
        simulate_noise_scales(3, (bad, 1.0), random_state=0)
    with pytest.raises(ValueError, match="w_ranges"):
        simulate_parameter(np.ones((2, 2)), ((bad, 1.0),), random_state=0)
    with pytest.raises(ValueError, match="B"):
        simulate_parameter(np.full((2, 2), bad), random_state=0)


def test_simulators_refuse_bad_shapes_and_scales():
    with pytest.raises(ValueError, match="noise_scale"):
        simulate_linear_sem(CHAIN, 10, noise_scale=[1.0, 2.0], random_state=0)
    with pytest.raises(ValueError, match="noise_scale"):
        linear_sem_covariance(CHAIN, [1.0, -1.0, 1.0])
    with pytest.raises(ValueError, match="noise"):
        simulate_linear_sem(CHAIN, 10, noise="cauchy", random_state=0)
    with pytest.raises(ValueError, match="n_samples"):
        simulate_linear_sem(CHAIN, 0, random_state=0)
    with pytest.raises(ValueError, match="variance_range"):
        simulate_noise_scales(3, (2.0, 1.0))
    with pytest.raises(ValueError, match="singular"):
        linear_sem_covariance(np.array([[0.0, 1.0], [1.0, 0.0]]))


@pytest.mark.parametrize("B_est, name", [(np.zeros((3, 3)), "B_true"),
                                         (np.zeros((2, 2)), "B_est")])
def test_count_accuracy_shapes(B_est, name):
    B_true = np.zeros((3, 3)) if name == "B_est" else np.zeros((3, 2))
    with pytest.raises(ValueError, match=name):
        count_accuracy(B_true, B_est)
    with pytest.raises(ValueError, match="B_est"):
        count_accuracy(np.zeros((3, 3)), np.full((3, 3), np.nan))
    with pytest.raises(TypeError, match="cpdag"):
        count_accuracy(np.zeros((3, 3)), np.zeros((3, 3)), cpdag="yes")


@pytest.mark.parametrize("seed, error", [("abc", TypeError), (1.5, TypeError),
                                         (-1, ValueError), (True, TypeError)])
def test_bad_random_state_is_named(seed, error):
    calls = [lambda: simulate_dag(5, 4, random_state=seed),
             lambda: simulate_parameter(np.triu(np.ones((3, 3)), 1), random_state=seed),
             lambda: simulate_noise_scales(3, random_state=seed),
             lambda: simulate_linear_sem(CHAIN, 5, random_state=seed)]
    for call in calls:
        with pytest.raises(error, match="random_state"):
            call()


def test_valid_seeds_unchanged():
    """Seeds accepted before give the same draws (ints, Generators, SeedSequences)."""
    for seed in (0, np.int64(3), np.random.SeedSequence(1)):
        np.testing.assert_array_equal(simulate_noise_scales(4, random_state=seed),
                                      np.sqrt(np.random.default_rng(seed).uniform(0.5, 10, 4)))
