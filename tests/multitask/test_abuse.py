"""Abuse suite of the public multi-task API (and ``make_active_multitask``): every call gives a
clear error naming the argument, or a correct result, in bounded time."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.exceptions import ConvergenceWarning

from sparseopt.datasets import make_active_multitask
from sparseopt.multitask import (
    ActiveTaskSelector,
    LassoTaskRelevance,
    MultiTaskLinearRepresentation,
    allocation_error,
    apportion,
    epoch_budgets,
    fit_shared_representation,
    l1_relevance,
    l2_relevance,
    n_epochs_auto,
    optimal_allocation,
    task_selection_curves,
)

ERR = (ValueError, TypeError)
RNG = np.random.default_rng(0)
X = RNG.standard_normal((40, 5))
Y = X @ RNG.standard_normal((5, 3))
PROB = make_active_multitask(n_features=8, n_components=2, n_relevant=2, n_tasks=6, n_target=30,
                             random_state=0)
B, W, W0 = PROB.components, PROB.task_heads, PROB.target_head


def _quiet(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # includes ConvergenceWarning
        return fn()


def _bad_arrays(good):
    nan, inf = good.copy(), good.copy()
    nan.flat[0], inf.flat[-1] = np.nan, np.inf
    out = {"nan": nan, "inf": inf, "complex": good + 1j, "strings": np.full(good.shape, "a"),
           "empty": good[:0]}
    if good.ndim == 2:
        out["sparse"] = sp.csr_matrix(good)
    return out


def _selector(**kw):
    return ActiveTaskSelector(**{"n_components": 2, "budget": 120, "random_state": 0, **kw})


def _fit_selector(sel, X0=PROB.X_target, y0=PROB.y_target, **kw):
    return sel.fit(X0, y0, **{"n_tasks": PROB.n_tasks, "sampler": PROB.sample, **kw})


DATA_CALLS = {  # name -> (call taking the abused array, the array it abuses)
    "rep.fit[X]": (lambda A: MultiTaskLinearRepresentation(2).fit(A, Y), X),
    "rep.fit[y]": (lambda A: MultiTaskLinearRepresentation(2).fit(X, A), Y),
    "rep.transform[X]": (lambda A: MultiTaskLinearRepresentation(2).fit(X, Y).transform(A), X),
    "rep.score[X]": (lambda A: MultiTaskLinearRepresentation(2).fit(X, Y).score(A, Y), X),
    "rel.fit[X]": (lambda A: LassoTaskRelevance().fit(A, Y[:, 0]), X),
    "rel.fit[components]": (lambda A: LassoTaskRelevance().fit(
        PROB.X_target, PROB.y_target, components=A, task_heads=W), B),
    "rel.fit[task_heads]": (lambda A: LassoTaskRelevance().fit(
        PROB.X_target, PROB.y_target, components=B, task_heads=A), W),
    "sel.fit[X_target]": (lambda A: _fit_selector(_selector(), X0=A), PROB.X_target),
    "allocation_error[W]": (lambda A: allocation_error(A, W0, np.ones(6)), W),
    "allocation_error[n]": (lambda A: allocation_error(W, W0, A), np.ones(6)),
    "l1_relevance[W]": (lambda A: l1_relevance(A, W0), W),
    "l2_relevance[w0]": (lambda A: l2_relevance(W, A), W0),
    "optimal_allocation[W]": (lambda A: optimal_allocation(A, W0, 100), W),
    "apportion[weights]": (lambda A: apportion(10, A), np.ones(4)),
    "fit_shared_representation[h]": (lambda A: fit_shared_representation(
        np.ones((3, 5, 5)), A, np.ones(3), np.ones(3), 1), np.ones((3, 5))),
}


@pytest.mark.parametrize("call, value", [
    pytest.param(call, value, id=f"{name}-{label}") for name, (call, good) in DATA_CALLS.items()
    for label, value in _bad_arrays(good).items()])
def test_bad_data_is_refused(call, value):
    with pytest.raises(ERR):
        _quiet(lambda: call(value))


HYPER = [  # (estimator factory, call, parameter, bad values)
    (MultiTaskLinearRepresentation, lambda e: e.fit(X, Y), "n_components",
     [0, -1, 2.5, "2", None, True]),
    (MultiTaskLinearRepresentation, lambda e: e.fit(X, Y), "max_iter", [0, 1.5, "a", None]),
    (MultiTaskLinearRepresentation, lambda e: e.fit(X, Y), "tol",
     [-1.0, np.nan, np.inf, "a", None]),
    (MultiTaskLinearRepresentation, lambda e: e.fit(X, Y), "ridge",
     [-1.0, np.nan, np.inf, "a", None]),
    (MultiTaskLinearRepresentation, lambda e: e.fit(X, Y), "init",
     ["random", np.full((5, 2), np.nan), np.ones((4, 2)), np.ones(5), None]),
    (MultiTaskLinearRepresentation, lambda e: e.fit(X, Y), "warm_start", ["no", 1, None]),
    (LassoTaskRelevance, lambda e: e.fit(X, Y[:, 0]), "alpha",
     [-1.0, np.nan, np.inf, "huge", None, True]),
    (LassoTaskRelevance, lambda e: e.fit(X, Y[:, 0]), "c_alpha", [-1.0, np.nan, "a"]),
    (LassoTaskRelevance, lambda e: e.fit(X, Y[:, 0]), "penalty", ["l0", None, 1]),
    (LassoTaskRelevance, lambda e: e.fit(X, Y[:, 0]), "task_costs",
     [np.zeros(5), -np.ones(5), np.ones(4), np.full(5, np.nan), "a"]),
    (LassoTaskRelevance, lambda e: e.fit(X, Y[:, 0]), "max_tasks", [0, -1, 1.5, "a"]),
    (LassoTaskRelevance, lambda e: e.fit(X, Y[:, 0]), "n_bootstrap", [-1, 1.5, "a", None]),
    (LassoTaskRelevance, lambda e: e.fit(X, Y[:, 0]), "tol", [-1.0, np.nan, "a"]),
    (LassoTaskRelevance, lambda e: e.fit(X, Y[:, 0]), "random_state", ["a", -1, 1.5]),
    (_selector, _fit_selector, "n_components", [0, 2.5, "a", None]),
    (_selector, _fit_selector, "budget", [0, 5, 120.5, "a", None]),
    (_selector, _fit_selector, "relevance", ["l3", np.ones(3), -np.ones(6), None]),
    (_selector, _fit_selector, "n_epochs", [0, "many", 1.5, None]),
    (_selector, _fit_selector, "explore", [-1, 1.5, "log", None]),
    (_selector, _fit_selector, "min_explore_per_task", [0, -2, 1.5]),
    (_selector, _fit_selector, "task_costs", [np.zeros(6), np.ones(5), "a"]),
    (_selector, _fit_selector, "max_tasks", [0, -1, 2.5]),
    (_selector, _fit_selector, "reuse_data", ["yes", 0, None]),
    (_selector, _fit_selector, "representation", ["pca", 3]),
    (_selector, _fit_selector, "random_state", ["a", -1, 1.5]),
]


@pytest.mark.parametrize("factory, call, name, value", [
    pytest.param(f, c, n, v, id=f"{getattr(f, '__name__', 'sel')}-{n}={v!r}"[:70])
    for f, c, n, values in HYPER for v in values])
def test_bad_hyper_parameters_are_named(factory, call, name, value):
    with pytest.raises(ERR, match=name):
        _quiet(lambda: call(factory(**{name: value})))


FIT_PARAMS = [
    ("task ids float", lambda: MultiTaskLinearRepresentation(2).fit(X, Y[:, 0],
                                                                   task=np.zeros(40)), "task"),
    ("task ids negative", lambda: MultiTaskLinearRepresentation(2).fit(
        X, Y[:, 0], task=-np.ones(40, int)), "task"),
    ("task id huge", lambda: MultiTaskLinearRepresentation(2).fit(
        X, Y[:, 0], task=np.r_[np.zeros(39, int), 10**12]), "n_tasks"),
    ("task shape", lambda: MultiTaskLinearRepresentation(2).fit(X, Y[:, 0],
                                                               task=np.zeros(3, int)), "task"),
    ("n_tasks vs columns", lambda: MultiTaskLinearRepresentation(2).fit(X, Y, n_tasks=4),
     "n_tasks"),
    ("n_tasks bad", lambda: MultiTaskLinearRepresentation(2).fit(
        X, Y[:, 0], task=np.zeros(40, int), n_tasks=0), "n_tasks"),
    ("statistics shapes", lambda: MultiTaskLinearRepresentation(2).fit_statistics(
        np.ones((2, 5, 5)), np.ones((3, 5)), np.ones(3), np.ones(3)), "statistics"),
    ("statistics nan", lambda: MultiTaskLinearRepresentation(2).fit_statistics(
        np.ones((3, 5, 5)), np.full((3, 5), np.nan), np.ones(3), np.ones(3)), "h"),
    ("statistics negative n", lambda: MultiTaskLinearRepresentation(2).fit_statistics(
        np.ones((3, 5, 5)), np.ones((3, 5)), np.ones(3), -np.ones(3)), "n"),
    ("rel heads alone", lambda: LassoTaskRelevance().fit(X, Y[:, 0], components=B), "together"),
    ("rel heads shapes", lambda: LassoTaskRelevance().fit(
        PROB.X_target, PROB.y_target, components=B.T, task_heads=W), "components"),
    ("sel no source", lambda: _selector().fit(PROB.X_target, PROB.y_target), "sampler"),
    ("sel both sources", lambda: _fit_selector(_selector(), source_pools=PROB.pools(
        20, np.random.default_rng(0))), "sampler"),
    ("sel n_tasks float", lambda: _fit_selector(_selector(), n_tasks=6.0), "n_tasks"),
    ("sel sampler not callable", lambda: _fit_selector(_selector(), sampler=3), "sampler"),
    ("sel pools not a list", lambda: _selector().fit(PROB.X_target, PROB.y_target,
                                                     source_pools=3), "source_pools"),
    ("sel pools bad pair", lambda: _selector().fit(PROB.X_target, PROB.y_target,
                                                   source_pools=[1, 2, 3]), "source_pools"),
    ("epoch_budgets", lambda: epoch_budgets(10, 0), "n_epochs"),
    ("epoch_budgets budget", lambda: epoch_budgets(-10, 2), "budget"),
    ("n_epochs_auto", lambda: n_epochs_auto(100, 0, 1), "n_tasks"),
    ("n_epochs_auto n_min", lambda: n_epochs_auto(100, 10, -1), "n_min"),
    ("apportion total", lambda: apportion(10.5, [1, 1]), "total"),
    ("apportion floor", lambda: apportion(10, [1, 1], floor=-1), "floor"),
    ("apportion caps", lambda: apportion(10, [1, 1], caps=[1.0]), "caps"),
    ("apportion eligible", lambda: apportion(10, [1, 1], eligible=[1, 0]), "eligible"),
    ("apportion floor > total", lambda: apportion(3, [1, 1], floor=2), "floor"),
    ("optimal_allocation budget", lambda: optimal_allocation(W, W0, 0), "budget"),
    ("optimal_allocation floor", lambda: optimal_allocation(W, W0, 10, floor=100), "floor"),
    ("l1_relevance costs", lambda: l1_relevance(W, W0, costs=np.zeros(6)), "costs"),
    ("l1_relevance span", lambda: l1_relevance(np.zeros((2, 3)), np.ones(2)), "span"),
    ("heads vs target", lambda: l2_relevance(W, np.ones(3)), "W"),
    ("curves budgets", lambda: task_selection_curves([1.5], 1), "budgets"),
    ("curves rules", lambda: task_selection_curves([100], 1, rules={"x": "best"}), "rules"),
]


def _make(name, value):
    return lambda: make_active_multitask(**{name: value})


MAKE_BAD = {"n_features": [0, 2.5, "3", None], "n_components": [0, 2.5, "3", None],
            "n_tasks": [0, 2.5, "3", None], "n_relevant": [0, 2.5, "3", None],
            "n_target": [0, 2.5, "3", None], "rho": [1.0, -0.1, np.nan], "noise": [-1.0, np.inf],
            "target_noise": [np.nan], "max_cond": [1.0, np.inf, "a"],
            "random_state": ["a", -1, 2.5]}
FIT_PARAMS += [(f"make {n}={v!r}", _make(n, v), n) for n, values in MAKE_BAD.items()
               for v in values]
FIT_PARAMS += [("make k > d", lambda: make_active_multitask(n_features=3, n_components=4),
                "n_components"),
               ("make relevant > k", lambda: make_active_multitask(n_relevant=6), "n_relevant"),
               ("make max_cond unreachable", lambda: make_active_multitask(
                   max_cond=1.0001, random_state=0), "max_cond")]


@pytest.mark.parametrize("call, name", [pytest.param(c, n, id=label)
                                        for label, c, n in FIT_PARAMS])
def test_bad_arguments_are_named(call, name):
    with pytest.raises(ERR, match=name):
        _quiet(call)


# ------------------------------------------------------------------ correct results
def test_layouts_and_dtypes():
    ref = MultiTaskLinearRepresentation(2).fit(X, Y)
    for Xv in (np.asfortranarray(X), np.repeat(X, 2, axis=1)[:, ::2], X.astype(object),
               X.tolist()):
        rep = MultiTaskLinearRepresentation(2).fit(Xv, Y)
        np.testing.assert_allclose(rep.components_ @ rep.task_heads_,
                                   ref.components_ @ ref.task_heads_, atol=1e-12)
    Xi = np.round(3 * X).astype(np.int64)
    a = MultiTaskLinearRepresentation(2).fit(Xi, Y)
    b = MultiTaskLinearRepresentation(2).fit(Xi.astype(np.float64), Y)
    np.testing.assert_array_equal(a.components_, b.components_)
    f32 = MultiTaskLinearRepresentation(2).fit(X.astype(np.float32), Y)
    assert f32.components_.dtype == np.float64


def test_degenerate_data():
    one = MultiTaskLinearRepresentation(2).fit(X[:, :1], Y)  # one feature: rank 1
    assert one.n_components_ == 1
    np.testing.assert_allclose(np.abs(one.components_), [[1.0]])
    zero = _quiet(lambda: MultiTaskLinearRepresentation(2).fit(X, np.zeros_like(Y)))
    assert np.all(zero.task_heads_ == 0)
    rel = LassoTaskRelevance().fit(X[:1], Y[:1, 0])  # one target row: min-norm l1 vertex
    assert np.count_nonzero(rel.relevance_) <= 1
    assert allocation_error(W, W0, np.zeros(6)) == np.inf
    np.testing.assert_array_equal(apportion(0, [1, 2]), [0, 0])


@pytest.mark.parametrize("scale", [1e-100, 1e-10, 1e10, 1e100])
def test_representation_scale_sweep(scale):
    """The subspace is scale invariant and the heads scale with y."""
    ref = MultiTaskLinearRepresentation(2).fit(X, Y)
    rep = MultiTaskLinearRepresentation(2).fit(X, scale * Y)
    P = rep.components_ @ rep.components_.T
    np.testing.assert_allclose(P, ref.components_ @ ref.components_.T, atol=1e-8)
    np.testing.assert_allclose(rep.components_ @ rep.task_heads_ / scale,
                               ref.components_ @ ref.task_heads_, rtol=1e-6, atol=1e-9)


def test_selector_edge_cases():
    sel = _quiet(lambda: _fit_selector(_selector(budget=6, n_epochs=1)))  # one sample per task
    np.testing.assert_array_equal(sel.allocation_, np.ones(6))
    pools = PROB.pools(3, np.random.default_rng(0))  # pools run dry: capped and warned
    with pytest.warns(UserWarning, match="exhausted"):
        _quiet_conv = _selector(budget=120, n_epochs=3)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            sel = _quiet_conv.fit(PROB.X_target, PROB.y_target, source_pools=pools)
    assert np.all(sel.allocation_ <= 3)


# ------------------------------------------------------------------ properties
@settings(max_examples=50, deadline=None)
@given(st.integers(0, 500), st.lists(st.floats(0, 10), min_size=1, max_size=8),
       st.integers(0, 3))
def test_property_apportion(total, weights, floor):
    w = np.array(weights)
    elig = w > 0 if np.any(w > 0) else np.ones(len(w), bool)
    if floor * elig.sum() > total:
        with pytest.raises(ValueError, match="floor"):
            apportion(total, w, floor=floor)
        return
    n = apportion(total, w, floor=floor)
    assert n.sum() == total and np.all(n >= 0) and np.all(n[elig] >= floor)
    if np.any(w > 0):
        assert np.all(n[~elig] == 0)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 4), st.integers(0, 2**32 - 1))
def test_property_optimal_allocation_beats_uniform(k, seed):
    rng = np.random.default_rng(seed)
    Wr = rng.standard_normal((k, 3 * k))
    w0 = rng.standard_normal(k)
    n, nu, value = optimal_allocation(Wr, w0, 100.0)
    assert n.sum() == pytest.approx(100.0) and np.allclose(Wr @ nu, w0, atol=1e-8)
    assert value <= allocation_error(Wr, w0, np.full(3 * k, 100.0 / (3 * k))) * (1 + 1e-9)
