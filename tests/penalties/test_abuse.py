"""Abuse suite of the penalties (``sparseopt.penalties``): bad constructor parameters, bad
points and steps give a clear error naming the argument; degenerate inputs, the scale sweep
1e-100..1e100 and random points give verified results (table-driven cases plus hypothesis
properties)."""

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from sparseopt.penalties import (
    L05,
    L1,
    L1L2,
    L23,
    MCP,
    SCAD,
    Box,
    GroupL2,
    GroupMCP,
    GroupTopK,
    LogSum,
    SparseEnvelope,
    WeightedGroupSparseEnvelope,
    WeightedL1,
)

ERR = (ValueError, TypeError)
X = np.array([0.5, -2.0, 3.0, 0.0, 1.0, -0.1])
GROUPS = 2  # three groups of two coordinates

FACTORIES = {  # name -> factory of a valid penalty on 6 coordinates (keywords override)
    "L1": lambda **k: L1(**{"alpha": 1.0, **k}),
    "L1L2": lambda **k: L1L2(**{"alpha": 1.0, **k}),
    "WeightedL1": lambda **k: WeightedL1(**{"alpha": 1.0, "weights": np.ones(6), **k}),
    "MCP": lambda **k: MCP(**k),
    "SCAD": lambda **k: SCAD(**k),
    "L05": lambda **k: L05(**k),
    "L23": lambda **k: L23(**k),
    "Box": lambda **k: Box(**k),
    "LogSum": lambda **k: LogSum(**k),
    "GroupL2": lambda **k: GroupL2(**{"alpha": 1.0, "groups": GROUPS, **k}),
    "GroupMCP": lambda **k: GroupMCP(**{"alpha": 1.0, "gamma": 3.0, "groups": GROUPS, **k}),
    "SparseEnvelope": lambda **k: SparseEnvelope(**{"k": 2, **k}),
    "WeightedGroupSparseEnvelope": lambda **k: WeightedGroupSparseEnvelope(
        **{"k": 1, "groups": GROUPS, **k}),
    "GroupTopK": lambda **k: GroupTopK(**{"k": 1, "groups": GROUPS, **k}),
}
SEPARABLE = ["L1", "L1L2", "WeightedL1", "MCP", "SCAD", "L05", "L23", "Box", "LogSum"]

ALPHA_BAD = [-1.0, np.nan, np.inf, "a", None, True, 1j, [1.0]]
BOOL_BAD = ["no", 1, None]
BAD_PARAMETERS = {  # penalty -> parameter -> bad values
    "L1": {"alpha": ALPHA_BAD, "positive": BOOL_BAD},
    "L1L2": {"alpha": ALPHA_BAD, "l1_ratio": [-0.1, 1.5, np.nan, "a", None, True],
             "positive": BOOL_BAD},
    "WeightedL1": {"alpha": ALPHA_BAD, "positive": BOOL_BAD,
                   "weights": [np.ones(5), -np.ones(6), np.full(6, np.nan), "a",
                               np.ones((6, 1)), np.ones(6) + 1j, []]},
    "MCP": {"alpha": ALPHA_BAD, "gamma": [0.5, 1.0, -1.0, np.nan, np.inf, "a", None, True],
            "weights": [np.ones(5), -np.ones(6), "a"], "positive": BOOL_BAD},
    "SCAD": {"alpha": ALPHA_BAD, "gamma": [1.5, 2.0, -1.0, np.nan, np.inf, "a", None, True]},
    "L05": {"alpha": ALPHA_BAD},
    "L23": {"alpha": ALPHA_BAD},
    "Box": {"lower": [np.nan, "a", True, 2.0, np.inf, 1j],
            "upper": [np.nan, "a", True, -1.0, -np.inf, 1j],
            "linear": [np.nan, np.inf, "a", None, True, 1j]},
    "LogSum": {"alpha": ALPHA_BAD, "eps": [0.0, -1.0, np.nan, np.inf, "a", None, True]},
    "GroupL2": {"alpha": ALPHA_BAD,
                "groups": [0, 4, "a", [[0, 1], [1, 2]], [[0, 9]], None, 2.5, True],
                "weights": [np.ones(2), -np.ones(3), np.full(3, np.nan), "a"]},
    "GroupMCP": {"alpha": ALPHA_BAD, "gamma": [0.5, 1.0, np.nan, np.inf, "a", None, True],
                 "groups": [0, "a", None, True], "weights": [np.ones(2), -np.ones(3), "a"]},
    "SparseEnvelope": {"k": [0, -1, 2.5, "a", None, True], "alpha": ALPHA_BAD},
    "WeightedGroupSparseEnvelope": {"k": [0, -1, 2.5, "a", None, True],
                                    "groups": [0, "a", None],
                                    "weights": [np.ones(2), -np.ones(3), "a"],
                                    "alpha": ALPHA_BAD},
    "GroupTopK": {"k": [0, -1, 2.5, "a", None, True], "groups": [0, "a", None],
                  "alpha": ALPHA_BAD},
}


def _short(v):
    return repr(v)[:24]


@pytest.mark.parametrize("name, param, value, method", [
    pytest.param(n, p, v, m, id=f"{n}({p}={_short(v)}).{m}")
    for n, params in BAD_PARAMETERS.items() for p, values in params.items()
    for v in values for m in ("value", "prox")])
def test_bad_constructor_parameters_are_named(name, param, value, method):
    pen = FACTORIES[name](**{param: value})  # the constructor only stores
    call = (lambda: pen.value(X)) if method == "value" else (lambda: pen.prox(X, 1.0))
    with pytest.raises(ERR, match=param):
        call()


BAD_POINTS = {
    "nan": np.array([np.nan, 1, 2, 3, 4, 5.0]), "inf": np.array([np.inf, 1, 2, 3, 4, 5.0]),
    "complex": X + 1j, "strings": np.full(6, "a"), "None": None, "object": np.full(6, None),
    "sparse": sp.csr_matrix(X[None, :]),
}


@pytest.mark.parametrize("name, label, method", [
    pytest.param(n, lab, m, id=f"{n}.{m}[{lab}]")
    for n in FACTORIES for lab in BAD_POINTS for m in ("value", "prox")])
def test_bad_points_are_refused(name, label, method):
    pen, point = FACTORIES[name](), BAD_POINTS[label]
    call = (lambda: pen.value(point)) if method == "value" else (lambda: pen.prox(point, 1.0))
    with pytest.raises(ERR, match=r"\b[xw]\b|finite|real|NaN|dense|complex"):
        call()


@pytest.mark.parametrize("name, step", [
    pytest.param(n, s, id=f"{n}-step={_short(s)}") for n in FACTORIES
    for s in [-1.0, np.nan, np.inf, "a", None, 1j, True] + ([np.ones(5)] if n in SEPARABLE
                                                            else [])])
def test_bad_steps_are_named(name, step):
    with pytest.raises(ERR, match="step"):
        FACTORIES[name]().prox(X, step)


@pytest.mark.parametrize("name", ["GroupL2", "GroupMCP", "SparseEnvelope",
                                  "WeightedGroupSparseEnvelope", "GroupTopK"])
def test_vector_penalties_refuse_wrong_dimensions(name):
    pen = FACTORIES[name]()
    for bad in (X.reshape(2, 3), X.reshape(3, 2)):
        with pytest.raises(ERR, match="1-D"):
            pen.prox(bad, 1.0)
    if name != "SparseEnvelope":
        with pytest.raises(ERR):
            pen.value(X[:5])  # 5 coordinates cannot hold three groups of two


# ------------------------------------------------------------------ verified results
@pytest.mark.parametrize("name", SEPARABLE)
def test_separable_degenerate_points(name):
    pen = FACTORIES[name]() if name != "WeightedL1" else WeightedL1(1.0, np.ones(1))
    # empty input: value 0 and an empty prox
    if name != "WeightedL1":
        assert pen.value(np.zeros(0)) == 0.0
        assert pen.prox(np.zeros(0), 1.0).shape == (0,)
    # the prox of 0 is 0 (every penalty here is minimal at 0 and the box contains it)
    assert np.all(pen.prox(np.zeros(1), 1.0) == 0.0)
    # a step of 0 is the identity (inside the box for Box)
    x = np.array([0.5])
    np.testing.assert_array_equal(pen.prox(x, 0.0), x)
    # lists and ints are read as floats
    np.testing.assert_array_equal(pen.prox([1], 1.0), pen.prox(np.array([1.0]), 1.0))


def test_degenerate_parameters_give_exact_answers():
    np.testing.assert_array_equal(L1(0.0).prox(X, 1.0), X)  # alpha = 0: identity
    np.testing.assert_array_equal(WeightedL1(1.0, np.zeros(6)).prox(X, 1.0), X)
    assert L1L2(1.0, l1_ratio=0.0).prox(np.array([2.0]), 1.0)[0] == pytest.approx(1.0)
    np.testing.assert_allclose(L1L2(1.0, l1_ratio=1.0).prox(X, 1.0), L1(1.0).prox(X, 1.0))
    # k at least the number of coordinates (or groups): the sparsity constraint is void,
    # s_k(x) = ||x||^2 / 2, and its prox with step t is x / (1 + t)
    assert SparseEnvelope(7).value(X) == pytest.approx(0.5 * X @ X)
    np.testing.assert_allclose(SparseEnvelope(7).prox(X, 1.0), X / 2)
    np.testing.assert_allclose(GroupTopK(4, GROUPS).prox(X, 1.0), X)
    assert GroupTopK(4, GROUPS).value(X) == 0.0
    # unbounded box: None or an infinite bound is no constraint
    np.testing.assert_array_equal(Box(None, None).prox(X, 1.0), X)
    np.testing.assert_array_equal(Box(-np.inf, np.inf).prox(X, 1.0), X)
    # the separable penalties act coordinate-wise on any shape
    np.testing.assert_allclose(MCP().prox(X.reshape(2, 3), 1.0).ravel(), MCP().prox(X, 1.0))


# scale sweep: with the parameters scaled as the penalty's homogeneity asks, the prox at
# s x is s times the prox at x (and the value scales by s^degree at fixed parameters)
SCALED = {  # name -> (penalty at scale s, degree of the value in x at fixed parameters)
    "L1": (lambda s: L1(s), 1.0),
    "WeightedL1": (lambda s: WeightedL1(s, np.arange(1.0, 7.0)), 1.0),
    "MCP": (lambda s: MCP(s, 3.0), None),
    "SCAD": (lambda s: SCAD(s, 3.7), None),
    "L05": (lambda s: L05(s**1.5), 0.5),
    "L23": (lambda s: L23(s ** (4.0 / 3.0)), 2.0 / 3.0),
    "Box": (lambda s: Box(-s, 2 * s), None),
    "LogSum": (lambda s: LogSum(s * s, s), None),
    "GroupL2": (lambda s: GroupL2(s, GROUPS), 1.0),
    "GroupMCP": (lambda s: GroupMCP(s, 3.0, GROUPS), None),
    "SparseEnvelope": (lambda s: SparseEnvelope(2), 2.0),
    "WeightedGroupSparseEnvelope": (
        lambda s: WeightedGroupSparseEnvelope(1, GROUPS, [1.0, 2.0, 0.5]), 2.0),
    "GroupTopK": (lambda s: GroupTopK(1, GROUPS), None),
}
SCALES = [1e-100, 1e-50, 1e-10, 1e10, 1e50, 1e100]


@pytest.mark.parametrize("name", list(SCALED))
@pytest.mark.parametrize("scale", SCALES)
def test_scale_sweep(name, scale):
    make, degree = SCALED[name]
    ref = make(1.0).prox(X, 0.7)
    out = make(scale).prox(scale * X, 0.7)
    assert np.all(np.isfinite(out))
    np.testing.assert_allclose(out, scale * ref, rtol=1e-9, atol=0)
    if degree is not None:
        v, v_ref = make(1.0).value(scale * X), make(1.0).value(X)
        assert v == pytest.approx(scale**degree * v_ref, rel=1e-9)


# ------------------------------------------------------------------ properties
def _scalar_objective(pen, x, t, u):
    return (u - x) ** 2 / (2 * t) + pen.value(np.array([u]))


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(SEPARABLE), st.floats(-50, 50), st.floats(0.05, 5.0))
def test_property_separable_prox_is_a_global_minimiser(name, x, t):
    pen = FACTORIES[name]() if name != "WeightedL1" else WeightedL1(1.0, [2.0])
    p = float(pen.prox(np.array([x]), t)[0])
    best = _scalar_objective(pen, x, t, p)
    assert np.isfinite(best)
    grid = np.linspace(-abs(x) - 2.0, abs(x) + 2.0, 2001)
    others = [_scalar_objective(pen, x, t, u) for u in grid]
    assert best <= min(others) + 1e-9 * (1.0 + abs(best))


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(["GroupL2", "GroupMCP", "SparseEnvelope",
                        "WeightedGroupSparseEnvelope", "GroupTopK"]),
       st.integers(0, 2**31 - 1), st.floats(0.1, 3.0))
def test_property_vector_prox_beats_random_points(name, seed, t):
    rng = np.random.default_rng(seed)
    pen = FACTORIES[name]()
    x = 3 * rng.standard_normal(6)
    p = pen.prox(x, t)

    def objective(u):
        return 0.5 * float((u - x) @ (u - x)) / t + pen.value(u)

    best = objective(p)
    assert np.isfinite(best)
    for _ in range(30):
        u = p + rng.standard_normal(6) * rng.choice([1e-3, 0.1, 1.0])
        if name == "GroupTopK":  # stay feasible: keep the support of one group
            u = np.where(p != 0, u, 0.0)
        assert best <= objective(u) + 1e-9 * (1.0 + abs(best))
