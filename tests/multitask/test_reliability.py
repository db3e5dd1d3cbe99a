"""Regressions: clear errors on bad inputs, warnings that reach the caller, no huge allocations."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from sparseopt.datasets import make_active_multitask
from sparseopt.multitask import (
    ActiveTaskSelector,
    LassoTaskRelevance,
    MultiTaskLinearRepresentation,
    allocation_error,
    optimal_allocation,
    task_selection_curves,
)


@pytest.fixture(scope="module")
def prob():
    return make_active_multitask(n_features=12, n_components=3, n_relevant=3, n_tasks=15,
                                 n_target=40, random_state=0)


@pytest.fixture(scope="module")
def xy():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((60, 6))
    return X, X @ rng.standard_normal((6, 4))


def _selector_fit(prob, **kw):
    params = dict(budget=600, random_state=0) | kw
    return ActiveTaskSelector(**params).fit(prob.X_target, prob.y_target, n_tasks=prob.n_tasks,
                                            sampler=prob.sample)


@pytest.mark.parametrize("param, value", [("ridge", np.nan), ("ridge", -1.0), ("tol", np.nan),
                                          ("ridge", np.inf), ("tol", "small")])
def test_representation_refuses_bad_scalars(xy, param, value):
    X, Y = xy
    with pytest.raises((ValueError, TypeError), match=param):
        MultiTaskLinearRepresentation(2, **{param: value}).fit(X, Y)


def test_representation_refuses_non_finite_init(xy):
    X, Y = xy
    init = np.ones((6, 2))
    init[0, 0] = np.nan
    with pytest.raises(ValueError, match="init"):
        MultiTaskLinearRepresentation(2, init=init).fit(X, Y)


def test_representation_accepts_numpy_ints(xy):
    X, Y = xy
    rep = MultiTaskLinearRepresentation(np.int64(2), max_iter=np.int32(50)).fit(X, Y)
    ref = MultiTaskLinearRepresentation(2, max_iter=50).fit(X, Y)
    np.testing.assert_array_equal(rep.components_, ref.components_)


def test_representation_strict_bool(xy):
    X, Y = xy
    with pytest.raises(TypeError, match="warm_start"):
        MultiTaskLinearRepresentation(2, warm_start="no").fit(X, Y)


def test_huge_task_id_is_refused_without_allocating():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((5, 8))
    task = np.array([0, 1, 2, 3, 10**9])
    with pytest.raises(ValueError, match="n_tasks"):
        MultiTaskLinearRepresentation(1).fit(X, np.ones(5), task=task)
    with pytest.raises(ValueError, match="n_tasks=4"):
        MultiTaskLinearRepresentation(1).fit(X, np.ones(5), task=np.arange(5), n_tasks=4)
    with pytest.raises(ValueError, match="task"):
        MultiTaskLinearRepresentation(1).fit(X, np.ones(5), task=-task)


def test_task_ids_with_n_tasks(xy):
    """n_tasks declares tasks beyond the largest id (zero heads); partial_fit grows them."""
    X, Y = xy
    task = np.arange(60) % 3
    y = Y[np.arange(60), task]
    rep = MultiTaskLinearRepresentation(2).fit(X, y, task=task, n_tasks=5)
    assert rep.task_heads_.shape == (2, 5) and not rep.task_heads_[:, 3:].any()
    np.testing.assert_array_equal(rep.n_samples_per_task_, [20, 20, 20, 0, 0])
    rep.partial_fit(X[:3], y[:3], task=np.array([4, 4, 4]))  # id 4 < tasks seen
    assert rep.n_samples_per_task_[4] == 3


def test_selector_max_tasks_and_bools(prob):
    with pytest.raises(ValueError, match="max_tasks"):
        _selector_fit(prob, max_tasks=0)
    with pytest.raises(TypeError, match="reuse_data"):
        _selector_fit(prob, reuse_data="no")
    with pytest.raises(ValueError, match="explore"):
        _selector_fit(prob, explore=-1)
    with pytest.raises(ValueError, match="min_explore_per_task"):
        _selector_fit(prob, min_explore_per_task=0)
    with pytest.raises(TypeError, match="representation"):
        _selector_fit(prob, representation="pca")
    with pytest.raises(ValueError, match="n_tasks"):
        ActiveTaskSelector(budget=600).fit(prob.X_target, prob.y_target, n_tasks=0,
                                           sampler=prob.sample)


@pytest.mark.parametrize("seed, error", [("abc", TypeError), (1.5, TypeError),
                                         (-1, ValueError)])
def test_bad_random_state_is_named(prob, seed, error):
    with pytest.raises(error, match="random_state"):
        _selector_fit(prob, random_state=seed)
    with pytest.raises(error, match="random_state"):
        LassoTaskRelevance(n_bootstrap=2, random_state=seed).fit(
            prob.X_target, prob.y_target, components=prob.components,
            task_heads=prob.task_heads)
    with pytest.raises(error, match="random_state"):
        make_active_multitask(random_state=seed)


def test_selector_lets_convergence_warnings_through(prob):
    """A representation that cannot converge warns once, summarised over the epochs."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sel = _selector_fit(prob, representation=MultiTaskLinearRepresentation(max_iter=1))
    conv = [str(w.message) for w in caught if issubclass(w.category, ConvergenceWarning)]
    assert len(conv) == 1
    assert "max_iter=1" in conv[0] and "tol=" in conv[0]
    assert f"(in {sel.n_epochs_} of {sel.n_epochs_} epochs)" in conv[0]


def test_relevance_lets_solver_warnings_through(prob):
    """The inner Lasso's ConvergenceWarning (tol=0 cannot be certified) is not swallowed."""
    with pytest.warns(ConvergenceWarning, match="max_iter"):
        LassoTaskRelevance(alpha=1e-3, tol=0.0).fit(
            prob.X_target, prob.y_target, components=prob.components,
            task_heads=prob.task_heads)


def test_curves_let_warnings_through():
    with pytest.warns(ConvergenceWarning, match=r"uniform, budget 300: .*max_iter=1"):
        task_selection_curves(
            [300], 1, rules={"uniform": "uniform"},
            problem=dict(n_features=10, n_components=2, n_relevant=2, n_tasks=10),
            selector=ActiveTaskSelector(
                n_components=2, representation=MultiTaskLinearRepresentation(max_iter=1)),
            random_state=0)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_design_helpers_refuse_non_finite(bad):
    W = np.eye(2)
    w0 = np.array([1.0, 0.0])
    n = np.array([4.0, 1.0])
    Wb = W.copy()
    Wb[0, 1] = bad
    with pytest.raises(ValueError, match="W"):
        allocation_error(Wb, w0, n)
    with pytest.raises(ValueError, match="w0"):
        allocation_error(W, np.array([bad, 0.0]), n)
    with pytest.raises(ValueError, match="W"):
        optimal_allocation(Wb, w0, 10)
    with pytest.raises(ValueError, match="budget"):
        optimal_allocation(W, w0, bad)
    with pytest.raises(ValueError, match="floor"):
        optimal_allocation(W, w0, 10, floor=bad)
    with pytest.raises(ValueError, match="costs"):
        optimal_allocation(W, w0, 10, costs=[1.0, bad])
    with pytest.raises(TypeError, match="return_nu"):
        allocation_error(W, w0, n, return_nu="yes")
