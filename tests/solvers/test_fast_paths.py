"""The cheap paths the solvers take on every call give the answers of the plain ones."""

import numpy as np
import pytest

from sparseopt.datafits import Quadratic
from sparseopt.penalties import L1L2, Box, GroupL2, WeightedL1
from sparseopt.solvers import BlockCoordinateDescent
from sparseopt.solvers.bcd._anderson import Anderson, anderson_point
from sparseopt.utils import check_finite_array


def _reference_extrapolation(W):
    U = np.diff(W, axis=0)
    C = U @ U.T
    C += 1e-12 * np.trace(C) * np.eye(C.shape[0])
    c = np.linalg.solve(C, np.ones(C.shape[0]))
    return (c / c.sum()) @ W[1:]


@pytest.mark.parametrize("seed", range(5))
def test_compiled_anderson_point_is_the_closed_form(seed):
    rng = np.random.default_rng(seed)
    W = np.cumsum(rng.standard_normal((6, 40)), axis=0)
    out = np.empty(40)
    assert anderson_point(W, out)
    np.testing.assert_allclose(out, _reference_extrapolation(W), rtol=1e-10, atol=1e-12)


def test_anderson_gives_no_point_when_the_weights_are_undefined():
    out = np.empty(7)
    assert not anderson_point(np.ones((6, 7)), out)  # no differences: singular system
    acc = Anderson(2)
    assert acc.push(np.ones(3)) is None and acc.push(np.ones(3)) is None
    assert acc.push(np.ones(3)) is None  # third iterate: extrapolation undefined


def test_anderson_buffer_slots_and_push_agree():
    rng = np.random.default_rng(0)
    W = np.cumsum(rng.standard_normal((6, 9)), axis=0)
    by_push = Anderson(5)
    points = [by_push.push(row) for row in W]
    assert all(p is None for p in points[:-1])
    by_slots = Anderson(5)
    by_slots.slots(2, 9)[:] = W[:2]
    assert by_slots.filled(2) is None and by_slots.room() == 4
    by_slots.slots(4, 9)[:] = W[2:]
    np.testing.assert_allclose(by_slots.filled(4), points[-1], rtol=1e-14)
    np.testing.assert_allclose(points[-1], _reference_extrapolation(W), rtol=1e-10)


@pytest.mark.parametrize("anderson", [0, 5])
def test_compiled_recording_and_epoch_by_epoch_runs_agree(anderson, monkeypatch):
    # the fast path writes the iterates in the compiled epochs; without it the loop runs
    # epoch by epoch: same iterates, same answer, same counts
    rng = np.random.default_rng(1)
    X = rng.standard_normal((60, 120))
    y = X[:, :5] @ rng.standard_normal(5) + 0.1 * rng.standard_normal(60)
    pen = L1L2(0.05, l1_ratio=0.7)
    solver = BlockCoordinateDescent(selection="cyclic", anderson=anderson, tol=1e-10)
    w1, r1 = solver.solve(Quadratic(), pen, X, y)
    from sparseopt.solvers.bcd import _coordinates

    monkeypatch.delattr(_coordinates.CoordinateSubproblem, "record")
    w2, r2 = solver.solve(Quadratic(), pen, X, y)
    np.testing.assert_array_equal(w1, w2)
    assert (r1.n_epochs, r1.n_extrapolations) == (r2.n_epochs, r2.n_extrapolations)


def test_finiteness_check_by_the_sum_never_misses_and_never_refuses_finite_data():
    check_finite_array("X", np.array([1e308, 1e308, -1e308]))  # sum overflows: still finite
    check_finite_array("X", np.arange(10, dtype=np.int64))
    for bad in (np.array([1.0, np.nan]), np.array([np.inf, -np.inf]), np.array([-np.inf])):
        with pytest.raises(ValueError, match="X contains NaN or infinity"):
            check_finite_array("X", bad)


@pytest.mark.parametrize("pen, w, expected", [
    (WeightedL1(1.0, np.ones(3)), [-1.0, 0.0, 2.0], [-1.0, 0.0, 2.0]),
    (WeightedL1(1.0, np.ones(3), positive=True), [-1.0, 0.0, 2.0], [0.0, 0.0, 2.0]),
    (L1L2(1.0, 0.5, positive=True), [-1.0, 3.0, 2.0], [0.0, 3.0, 2.0]),
    (Box(-0.5, 1.0), [-1.0, 0.3, 2.0], [-0.5, 0.3, 1.0]),
    (GroupL2(1.0, groups=3), [-1.0, 0.0, 2.0], [-1.0, 0.0, 2.0]),
    (GroupL2(1.0, groups=3, positive=True), [-1.0, 0.0, 2.0], [0.0, 0.0, 2.0]),
])
def test_projection_is_the_prox_with_a_zero_step(pen, w, expected):
    w = np.array(w)
    out = pen.project(w)
    np.testing.assert_array_equal(out, expected)
    np.testing.assert_array_equal(out, pen.prox(w, 0.0))
    assert out is not w


@pytest.mark.parametrize("x", [
    np.array([3.0, 4.0, 0.0, 1e-3, 2.0, 0.0]),
    np.array([1e200, 1e200, 0.0, 1e-200, 1e-170, 0.0]),
    np.array([0.0, 0.0, 0.0, 1e-160, 0.0, 1e155]),
])
def test_group_norms_equal_the_scaled_reference(x):
    def norm(v):
        m = np.max(np.abs(v))
        return 0.0 if m == 0 else m * np.sqrt(np.sum((v / m) ** 2))

    expected = [norm(x[:3]), norm(x[3:])]
    np.testing.assert_allclose(GroupL2(1.0, groups=3).group_norms(x), expected, rtol=1e-14)
