"""Abuse suite of the public utilities (seeds, trials, parallel maps, progress reports, the
duality-gap evaluator, the validation helpers and group encodings): every call gives a clear
error naming the argument, or a verified result (table-driven cases plus hypothesis
properties)."""

import io

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from sparseopt.datafits import Logistic, Quadratic
from sparseopt.penalties import L1
from sparseopt.utils import (
    Progress,
    check_choice,
    check_nonnegative,
    check_positive_int,
    duality_gap,
    parallel_map,
    primal_objective,
    progress,
    run_trials,
    spawn_seeds,
)
from sparseopt.utils._scale import db_to_ratio, power_of_two_scale
from sparseopt.utils._validation import check_indices, check_shape_pairs, check_verbose
from sparseopt.utils.groups import check_groups, check_weights

ERR = (ValueError, TypeError)
RNG = np.random.default_rng(0)
X = RNG.standard_normal((10, 4))
Y = RNG.standard_normal(10)
W = RNG.standard_normal(4) * 0.1


def _seed_trial(seed, config):  # module level: picklable for n_jobs=2
    return float(np.random.default_rng(seed).random()) + config


def _bad_arrays(good):
    nan = good.copy()
    nan.flat[0] = np.nan
    return {"nan": nan, "complex": good + 1j, "strings": np.full(good.shape, "a"),
            "ragged": [[1.0], [1.0, 2.0]], "None": None, "empty": good[:0]}


# ------------------------------------------------------------------ refusals (table-driven)
ARGUMENTS = [  # (label, call, name, bad values)
    ("spawn_seeds", lambda v: spawn_seeds(0, v), r"\bn\b", [0, -1, 2.5, "a", None, True]),
    ("spawn_seeds", lambda v: spawn_seeds(v, 2), "random_state",
     ["a", -1, 1.5, True, [1, 2], np.float64(3.0)]),
    ("run_trials", lambda v: run_trials(v, 2), "trial", [None, 3, "f"]),
    ("run_trials", lambda v: run_trials(_seed_trial, v, 0.0), "n_trials",
     [0, -1, 1.5, "2", None, True]),
    ("run_trials", lambda v: run_trials(_seed_trial, 2, 0.0, n_jobs=v), "n_jobs",
     ["a", 0, 1.5, True]),
    ("run_trials", lambda v: run_trials(_seed_trial, 2, 0.0, verbose=v), "verbose",
     [-1, "a", np.nan, 1.5, [1]]),
    ("run_trials", lambda v: run_trials(_seed_trial, 2, 0.0, blas_threads=v), "blas_threads",
     [0, 1.5, "a", True]),
    ("run_trials", lambda v: run_trials(_seed_trial, 2, 0.0, random_state=v), "random_state",
     ["a", -1, 1.5]),
    ("parallel_map", lambda v: parallel_map(v, [(1,)]), "func", [None, 3]),
    ("parallel_map", lambda v: parallel_map(abs, v), "arg_tuples",
     [None, 3, [1, -2], ["ab"], [{"a": 1}]]),
    ("parallel_map", lambda v: parallel_map(abs, [(1,)], n_jobs=v), "n_jobs", [0, 2.5, "a"]),
    ("progress", lambda v: progress(verbose=v), "verbose", [-1, "a", np.nan, 1.5, [1]]),
    ("progress", lambda v: progress(total=v), "total", [-1, "a", 2.5, True]),
    ("progress", lambda v: progress(verbose=1, bar=v), "bar", ["no", 1, "False"]),
    ("progress", lambda v: progress(verbose=1, bar=False, file=v), "file", ["out.txt", 3]),
    ("Progress.update", lambda v: progress().update(v), r"\bn\b", ["a", -1, 1.5, True, None]),
    ("check_choice", lambda v: check_choice("mode", v, ("a", "b")), "mode",
     ["c", None, 1, ["a"], "A"]),
    ("check_nonnegative", lambda v: check_nonnegative("tol", v), "tol",
     [-1.0, np.nan, np.inf, "1", None, True]),
    ("check_positive_int", lambda v: check_positive_int("k", v), r"\bk\b",
     [0, -1, 2.0, 2.5, "3", None, True]),
    ("check_verbose", lambda v: check_verbose(v), "verbose", [-1, 0.5, "1", np.nan]),
    ("check_shape_pairs", lambda v: check_shape_pairs("shapes", v), "shapes",
     [None, 3, [], "ab", [(1, 2, 3)], [(0, 1)], [(1.5, 2)]]),
    ("check_indices", lambda v: check_indices("idx", v, 5), "idx",
     [None, "ab", [5], [-1], [0.5], [[0]], [1, 1], np.ones(3, bool), sp.csr_matrix([[1]])]),
    ("check_groups", lambda v: check_groups(v, 4), "groups",
     [0, 3, [0, 1], [[0, 1], [1, 2, 3]], [[0, 7], [1, 2, 3]], [[0, 1, 2, 3], []],
      [[0.5, 1], [2, 3]], None, "ab", [0.0, np.nan, 1.0, 1.0], {0: [0]}, {0, 1, 2, 3}]),
    ("check_groups", lambda v: check_groups(2, v), "n_features", ["a", 4.0, 4.5, -1, None]),
    ("check_weights", lambda v: check_weights(v, np.array([0, 2, 4]), allow_zero=False),
     "weights", ["x", [-1, 1], [np.nan, 1], [1], ["a", "b"], [1j, 1], [0, 1]]),
    ("duality_gap", lambda v: duality_gap(v, L1(0.1), X, Y, W), "datafit", [None, "l2", 3]),
    ("duality_gap", lambda v: duality_gap(Quadratic(), v, X, Y, W), "penalty", ["l1", 3]),
    ("primal_objective", lambda v: primal_objective(v, L1(0.1), X, Y, W), "datafit",
     [None, "l2"]),
    ("primal_objective", lambda v: primal_objective(Quadratic(), v, X, Y, W), "penalty",
     ["l1"]),
]


@pytest.mark.parametrize("fn, name, value", [
    pytest.param(fn, name, v, id=f"{label}-{name}={v!r}"[:70])
    for label, fn, name, values in ARGUMENTS for v in values])
def test_bad_arguments_are_named(fn, name, value):
    with pytest.raises(ERR, match=name):
        fn(value)


GAP_DATA = {  # argument -> (its good value, its position in (X, y, w))
    "X": (X, 0), "y": (Y, 1), "w": (W, 2),
}


def _gap_cases():
    cases = []
    for fname, fn in (("duality_gap", duality_gap), ("primal_objective", primal_objective)):
        for name, (good, pos) in GAP_DATA.items():
            bad = _bad_arrays(good)
            bad["wrong length"] = good[:2]
            bad["3-D"] = good.reshape((1,) * (3 - good.ndim) + good.shape)
            if name == "X":
                bad["sparse nan"] = sp.csr_matrix(np.where(X > 1, np.nan, X))
                bad["sparse complex"] = sp.csr_matrix(X + 1j)
            for label, value in bad.items():
                args = [X, Y, W]
                args[pos] = value
                cases.append(pytest.param(fn, args, rf"\b{name}\b",
                                          id=f"{fname}[{name}]-{label}"))
        for label, value in (("nan", np.nan), ("str", "a"), ("2-D", np.ones((2, 2))),
                             ("vector", np.ones(3))):
            cases.append(pytest.param(lambda *a, fn=fn, v=value: fn(*a, intercept=v),
                                      [X, Y, W], "intercept",
                                      id=f"{fname}[intercept]-{label}"))
    return cases


@pytest.mark.parametrize("fn, args, match", _gap_cases())
def test_gap_data_is_refused_naming_the_argument(fn, args, match):
    with pytest.raises(ERR, match=match):
        fn(Quadratic(), L1(0.1), *args)


# ------------------------------------------------------------------ correct results
def test_seeds_and_trials():
    a = [np.random.default_rng(s).random() for s in spawn_seeds(0, 3)]
    b = [np.random.default_rng(s).random() for s in spawn_seeds(np.int64(0), 3)]
    assert a == b and len(set(a)) == 3
    assert len(spawn_seeds(2**200, 1)) == 1  # SeedSequence takes big ints
    for rs in (None, np.random.SeedSequence(1), np.random.default_rng(1),
               np.random.RandomState(1)):
        assert len(spawn_seeds(rs, 2)) == 2
    serial = run_trials(_seed_trial, 3, 1.0, random_state=4)
    assert run_trials(_seed_trial, 3, 1.0, random_state=4, n_jobs=2) == serial
    assert run_trials(_seed_trial, 3, 1.0, random_state=4, n_jobs=-1) == serial
    assert all(1.0 <= v < 2.0 for v in serial)


def test_parallel_map_edge_cases():
    assert parallel_map(divmod, []) == []
    assert parallel_map(abs, ((i,) for i in (-1, 2))) == [1, 2]  # a generator
    assert parallel_map(divmod, [[7, 2]]) == [(3, 1)]  # lists count as argument tuples
    assert parallel_map(divmod, [(7, 2), (9, 4)], n_jobs=2, blas_threads=None) == [(3, 1),
                                                                                     (2, 1)]


def test_progress_edge_cases():
    out = io.StringIO()
    with progress(total=0, verbose=True, bar=False, file=out, desc=3) as p:  # bool verbose
        p.update(0)
        p.update(np.int64(2), value=1.5)
    assert p.n == 2 and "[3] 2/0" in out.getvalue()
    assert list(progress(range(3), verbose=None)) == [0, 1, 2]  # None is silent
    assert list(progress(i for i in range(2))) == [0, 1]
    with pytest.raises(TypeError, match="iterable"):
        list(Progress())


def test_validation_helpers_accept_numpy_types():
    assert check_positive_int("k", np.int32(3)) == 3
    assert check_nonnegative("tol", np.float32(0.5)) == 0.5
    assert check_verbose(True) == 1 and check_verbose(None) == 0
    np.testing.assert_array_equal(check_indices("idx", np.array([True, False, True]), 3), [0, 2])
    np.testing.assert_array_equal(check_indices("idx", [], 3), [])
    np.testing.assert_array_equal(check_indices("idx", [1, 1], 3, allow_repeats=True), [1, 1])
    assert check_shape_pairs("s", [[2, 3], (np.int64(1), 4)]) == [(2, 3), (1, 4)]
    ptr, idx = check_groups(["b", "a", "b"], np.int64(3))
    np.testing.assert_array_equal(ptr, [0, 1, 3])
    np.testing.assert_array_equal(idx, [1, 0, 2])
    assert check_groups(2, 0)[1].size == 0


def test_gap_accepts_layouts_and_formats():
    ref = duality_gap(Quadratic(), L1(0.1), X, Y, W)
    for Xv in (np.asfortranarray(X), X.tolist(), X.astype(object), sp.csr_matrix(X),
               sp.csc_matrix(X)):
        assert duality_gap(Quadratic(), L1(0.1), Xv, Y.tolist(), list(W)) == \
            pytest.approx(ref, rel=1e-12)
    assert duality_gap(Quadratic(), None, X, Y, W) == np.inf  # no penalty: no certificate
    assert primal_objective(Quadratic(), None, X, Y, W, np.float32(0.5)) == \
        pytest.approx(0.5 * np.mean((Y - X @ W - 0.5) ** 2))


def test_gap_inputs_are_not_modified():
    x, y, w = X.copy(), Y.copy(), W.copy()
    duality_gap(Logistic(), L1(0.05), x, np.sign(y), w, 0.3)
    primal_objective(Quadratic(), L1(0.1), x, y, w, 0.3)
    for got, ref in ((x, X), (y, Y), (w, W)):
        np.testing.assert_array_equal(got, ref)


@pytest.mark.parametrize("scale", [1e-100, 1e-20, 1e20, 1e100])
def test_gap_scale_sweep(scale):
    """Lasso: (c y, c w, c alpha) scales the objective and the gap by c^2; logistic: (c X,
    w / c, c alpha) leaves them unchanged."""
    gap = duality_gap(Quadratic(), L1(0.1), X, Y, W)
    obj = primal_objective(Quadratic(), L1(0.1), X, Y, W)
    assert duality_gap(Quadratic(), L1(0.1 * scale), X, Y * scale, W * scale) == \
        pytest.approx(gap * scale**2, rel=1e-10)
    assert primal_objective(Quadratic(), L1(0.1 * scale), X, Y * scale, W * scale) == \
        pytest.approx(obj * scale**2, rel=1e-12)
    yl = np.sign(Y)
    assert duality_gap(Logistic(), L1(0.05 * scale), X * scale, yl, W / scale) == \
        pytest.approx(duality_gap(Logistic(), L1(0.05), X, yl, W), rel=1e-10)


def test_scale_helpers():
    assert power_of_two_scale(np.zeros(3)) == 1.0
    assert power_of_two_scale([np.nan, 1.0]) == 1.0
    assert power_of_two_scale([3.0]) == 4.0 and power_of_two_scale([4.0]) == 8.0
    # at the top of the range the scale is the largest power of two, not inf
    assert power_of_two_scale([1.5e308]) == 2.0**1023 == power_of_two_scale([2.0**1023])
    np.testing.assert_array_equal(power_of_two_scale(np.array([[1.7e308], [1.0]]), axis=1),
                                  [[2.0**1023], [2.0]])
    np.testing.assert_array_equal(power_of_two_scale(np.array([[0.0, 0.0], [1e-300, 3.0]]),
                                                     axis=1).ravel(),
                                  [1.0, 4.0])
    assert db_to_ratio(20.0) == 100.0 and db_to_ratio(1e6) == np.inf and db_to_ratio(-1e6) == 0


# ------------------------------------------------------------------ properties
@settings(max_examples=40, deadline=None)
@given(st.one_of(st.none(), st.integers(0, 2**64)), st.integers(1, 5))
def test_property_spawn_seeds_are_reproducible(random_state, n):
    seeds = spawn_seeds(random_state, n)
    assert len(seeds) == n
    if random_state is not None:
        again = spawn_seeds(random_state, n)
        assert [s.generate_state(1)[0] for s in seeds] == [s.generate_state(1)[0]
                                                           for s in again]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 5), min_size=1, max_size=12))
def test_property_check_groups_partitions(labels):
    ptr, idx = check_groups(labels, len(labels))
    assert ptr[0] == 0 and ptr[-1] == len(labels) and np.all(np.diff(ptr) > 0)
    assert sorted(idx.tolist()) == list(range(len(labels)))
    for j in range(len(ptr) - 1):  # one label per group
        assert len({labels[i] for i in idx[ptr[j]:ptr[j + 1]]}) == 1


@settings(max_examples=40, deadline=None)
@given(st.floats(-1e300, 1e300, allow_nan=False).filter(lambda v: v != 0))
def test_property_power_of_two_scale_brackets(value):
    c = power_of_two_scale(np.array([value, value / 3]))
    assert c / 2 <= abs(value) < c
    assert np.frexp(c)[0] == 0.5  # a power of two
