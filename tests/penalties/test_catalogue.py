"""The catalogue's penalties: kernels (through the dispatch switch) against the reference
methods, the prox against a brute-force minimisation, declarations and parameter objects."""

import numpy as np
import pytest
from sklearn.base import clone

from sparseopt.penalties import (
    L05,
    L1L2,
    L23,
    MCP,
    SCAD,
    Box,
    GroupL2,
    GroupMCP,
    LogSum,
    WeightedL1,
)
from sparseopt.penalties import dispatch as P

N = 300
WEIGHTS = np.random.default_rng(7).uniform(0.0, 2.0, N)
WEIGHTS[::7] = 0.0

SEPARABLE = {
    "l1l2": L1L2(0.7, 0.3),
    "l1l2_pos": L1L2(0.7, 0.6, positive=True),
    "l1l2_ridge": L1L2(0.5, 0.0),
    "weighted_l1": WeightedL1(0.6, WEIGHTS),
    "weighted_l1_pos": WeightedL1(0.6, WEIGHTS + 0.1, positive=True),
    "mcp": MCP(0.8, 3.0),
    "mcp_weighted": MCP(0.8, 2.5, weights=WEIGHTS),
    "mcp_pos": MCP(0.8, 3.0, positive=True),
    "scad": SCAD(0.7, 3.7),
    "l05": L05(0.6),
    "l23": L23(0.6),
    "box": Box(-0.5, 1.5),
    "box_linear": Box(-0.5, 1.5, linear=0.7),
    "box_linear_svm": Box(0.0, 2.0, linear=-1.0),
    "log_sum": LogSum(0.7, 0.4),
}


def _points(rng, positive=False, box=None):
    w = rng.standard_normal(N) * 2
    w[rng.random(N) < 0.3] = 0.0
    if positive:
        w = np.abs(w)
    if box is not None:
        w = np.clip(w, *box)
    return w, rng.standard_normal(N) * 2, rng.uniform(0.05, 5, N)


def _one(f, pen, *arrays):
    code, pp = pen.code, pen.kernel_params()
    return np.array([f(code, pp, *map(float, x), j)
                     for j, x in enumerate(zip(*arrays, strict=True))])


@pytest.mark.parametrize("name", SEPARABLE)
def test_kernels_match_the_reference_methods(name):
    pen = SEPARABLE[name]
    rng = np.random.default_rng(0)
    box = (pen.lower, pen.upper) if isinstance(pen, Box) else None
    w, g, L = _points(rng, getattr(pen, "positive", False), box)
    x = w - g / L
    np.testing.assert_allclose(_one(P.prox_1d, pen, x, 1 / L), pen.prox(x, 1 / L),
                               rtol=1e-10, atol=1e-12)
    vals = pen.coordinate_values(w)
    np.testing.assert_allclose(_one(P.value_1d, pen, w), vals, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(pen.value(w), vals.sum(), rtol=1e-13)
    u = pen.prox(x, 1 / L)
    np.testing.assert_allclose(_one(P.value_diff_1d, pen, w, u - w),
                               pen.coordinate_values(u) - vals, atol=1e-11)
    np.testing.assert_allclose(_one(P.subdiff_distance_1d, pen, w, g),
                               pen.subdiff_distance(w, g), rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(_one(P.gsq_1d, pen, w, g, L), pen.gsq_score(w, g, L),
                               rtol=1e-8, atol=1e-11)
    if pen.certificate == "dual_gap":
        v = rng.standard_normal(N)
        dn = _one(P.dual_norm_1d, pen, v).max()
        s = 1.0 if dn <= 1 else 1 / dn
        np.testing.assert_allclose(pen.alpha * dn, pen.dual_norm(v), rtol=1e-13)
        np.testing.assert_allclose(_one(P.conjugate_1d, pen, s * v).sum(),
                                   pen.rescaled_conjugate(s * v), rtol=1e-12, atol=1e-14)
        assert np.isfinite(pen.conjugate(s * v))


@pytest.mark.parametrize("name", ["mcp", "mcp_weighted", "scad", "l05", "l23", "log_sum"])
def test_value_diff_resolves_steps_below_rounding(name):
    """``psi(w + d) - psi(w)`` for a step far below the rounding error of ``psi(w)``: the
    kernel must give ``psi'(w) d`` (a line search near a fixed point compares such
    differences with ``g d``; a difference of two values there is pure rounding noise)."""
    pen = SEPARABLE[name]
    rng = np.random.default_rng(3)
    w = rng.choice([-1, 1], N) * rng.uniform(0.05, 4.0, N)
    d = 1e-13 * rng.choice([-1, 1], N)
    slope = pen.subdiff_distance(w, np.zeros(N)) * np.sign(w)  # psi'(w) off zero
    diff = _one(P.value_diff_1d, pen, w, d)
    np.testing.assert_allclose(diff, slope * d, rtol=1e-6, atol=1e-30)


@pytest.mark.parametrize("name", SEPARABLE)
def test_prox_is_a_global_minimiser(name):
    """Against a dense grid: the prox objective is the grid's minimum (up to the grid)."""
    pen = SEPARABLE[name]
    rng = np.random.default_rng(1)
    grid = np.linspace(-8, 8, 32_001)
    for step in (0.1, 1.0, 4.0):
        for _ in range(8):
            j = int(rng.integers(N))
            x = float(rng.standard_normal() * 3)
            u = float(P.prox_1d(pen.code, pen.kernel_params(), x, step, j))
            vals = _one_coordinate(pen, grid, j)
            h = (grid - x) ** 2 / (2 * step) + vals
            hu = (u - x) ** 2 / (2 * step) + _one_coordinate(pen, np.array([u]), j)[0]
            assert hu <= h.min() + 1e-7


def _one_coordinate(pen, v, j):
    """The penalty of coordinate ``j`` at every value of ``v`` (the reference method)."""
    if getattr(pen, "weights", None) is None:
        return pen.coordinate_values(v)
    return clone(pen).set_params(weights=np.full(v.size, pen.weights[j])).coordinate_values(v)


def test_box_prox_and_conjugate():
    pen = Box(-1.0, 2.0)
    np.testing.assert_array_equal(pen.prox(np.array([-3.0, 0.5, 5.0]), 1.0), [-1, 0.5, 2])
    u = np.array([1.0, -2.0, 0.0])
    assert pen.conjugate(u) == 2.0 + 2.0
    assert Box(None, 1.0).certificate == "fixed_point"
    with pytest.raises(ValueError, match="contain 0"):
        Box(0.5, 1.0).prox(np.zeros(1), 1.0)


@pytest.mark.parametrize("pen", [GroupMCP(0.6, 3.0, groups=3),
                                 GroupMCP(0.6, 2.0, groups=3, weights="sqrt_size"),
                                 GroupL2(0.6, groups=3, weights=np.r_[0.0, np.ones(5)])])
def test_group_block_kernels(pen):
    rng = np.random.default_rng(2)
    _, _, weights, labels = pen.encoding(18)
    for step in (0.1, 1.0, 5.0):
        x = rng.standard_normal(18) * rng.uniform(0, 2, 6)[labels]
        norms = pen.group_norms(x)
        scale = np.array([P.block_scale(pen.code, pen.kernel_params(), norms[k], step,
                                        weights[k]) for k in range(6)])
        np.testing.assert_allclose(scale[labels] * x, pen.prox(x, step), atol=1e-12)
        vals = [P.block_value(pen.code, pen.kernel_params(), norms[k], weights[k])
                for k in range(6)]
        np.testing.assert_allclose(sum(vals), pen.value(x), rtol=1e-12)


def test_group_mcp_prox_is_mcp_of_the_norm():
    pen = GroupMCP(1.0, 3.0, groups=2)
    x = np.array([0.6, 0.8, 3.0, 4.0])
    out = pen.prox(x, 1.0)
    np.testing.assert_allclose(out[:2], 0.0)
    np.testing.assert_allclose(out[2:], x[2:])  # norm 5 > gamma alpha: unchanged
    x = np.array([1.2, 1.6])  # norm 2: (2 - 1) / (1 - 1/3) = 1.5
    np.testing.assert_allclose(np.linalg.norm(pen.prox(x, 1.0)), 1.5)


@pytest.mark.parametrize("pen", [*SEPARABLE.values(), GroupMCP(0.5, 3.0, groups=2)])
def test_parameter_objects(pen):
    params = pen.get_params()
    other = clone(pen)
    assert other is not pen and other.get_params().keys() == params.keys()
    if "alpha" in params:
        other.set_params(alpha=0.123)
        assert other.alpha == 0.123 and pen.alpha != 0.123


@pytest.mark.parametrize("bad, match", [
    (lambda: L1L2(1.0, 1.5).prox(np.ones(2), 1.0), "l1_ratio"),
    (lambda: MCP(1.0, 0.5).prox(np.ones(2), 1.0), "gamma"),
    (lambda: SCAD(1.0, 2.0).prox(np.ones(2), 1.0), "gamma"),
    (lambda: LogSum(1.0, 0.0).prox(np.ones(2), 1.0), "eps"),
    (lambda: WeightedL1(1.0, [1.0, -1.0]).prox(np.ones(2), 1.0), "weights"),
    (lambda: WeightedL1(1.0, None).kernel_params(), "weights"),
    (lambda: WeightedL1(1.0, [1.0, 2.0]).check_n_features(3), "weights"),
    (lambda: L05(-1.0).prox(np.ones(2), 1.0), "alpha"),
])
def test_bad_parameters_are_refused(bad, match):
    with pytest.raises((ValueError, TypeError), match=match):
        bad()


def test_declarations():
    for pen in (MCP(), SCAD(), L05(), L23(), LogSum(), GroupMCP(1.0, 3.0, 2)):
        assert not pen.convex and pen.certificate == "fixed_point" and not pen.screening
    for pen in (L1L2(), Box(), WeightedL1(1.0, np.ones(3))):
        assert pen.convex and pen.certificate == "dual_gap"
    assert WeightedL1(1.0, np.ones(3)).screening
    assert WeightedL1(1.0, [1.0, 0.0]).certificate == "fixed_point"


@pytest.mark.parametrize("magnitude", [1.0, 1e-160, 1e-300, 1e150, 1e300])
def test_group_norms_of_equal_contiguous_groups_match_the_general_path(magnitude):
    # contiguous groups of one size (the rows of a matrix) take a reshape path; listing the
    # same groups in another order takes the general one: same norms, no over/underflow
    rng = np.random.default_rng(3)
    size, m = 4, 30
    x = rng.standard_normal(size * m) * magnitude
    x[:size] = 0.0  # a zero group
    x[size] = 5e-324  # a group holding the smallest subnormal
    x[-1] = 8e307  # and one holding a huge entry (its square overflows)
    groups = [list(range(g * size, (g + 1) * size)) for g in range(m)]
    rows = GroupL2(1.0, groups=size).group_norms(x)
    general = GroupL2(1.0, groups=groups[::-1]).group_norms(x)[::-1]
    np.testing.assert_allclose(rows, general, rtol=4e-16, atol=0.0)
    assert rows[0] == 0.0 and rows[1] > 0.0 and np.isfinite(rows[-1])
    big = x[-size:]
    assert rows[-1] == pytest.approx(big.max() * np.linalg.norm(big / big.max()), rel=1e-15)
