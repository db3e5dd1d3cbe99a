"""L1 penalty: prox, conjugate, and the greedy scores against brute-force 1-D minimisation."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sparseopt.penalties import L1

finite = st.floats(-50, 50, allow_nan=False, allow_infinity=False)


def _brute_prox(pen, x, t):
    grid = np.linspace(-60, 60, 240001)
    vals = 0.5 * (grid - x) ** 2 + t * pen.alpha * (np.abs(grid) if not pen.positive else grid)
    if pen.positive:
        vals[grid < 0] = np.inf
    return grid[np.argmin(vals)]


@pytest.mark.parametrize("positive", [False, True])
def test_prox_matches_grid_minimisation(positive):
    pen = L1(0.7, positive=positive)
    rng = np.random.default_rng(0)
    for x in rng.uniform(-5, 5, 20):
        assert abs(pen.prox(np.array([x]), 1.3)[0] - _brute_prox(pen, x, 1.3)) < 1e-3


@settings(max_examples=200, deadline=None)
@given(x=finite, alpha=st.floats(0, 10), step=st.floats(1e-3, 10))
def test_moreau_identity(x, alpha, step):
    """prox_{t f}(x) + t prox_{f*/t}(x/t) = x; for L1 the second prox is a projection."""
    pen = L1(alpha)
    p = pen.prox(np.array([x]), step)[0]
    proj = np.clip(x / step, -alpha, alpha)
    assert abs(p + step * proj - x) <= 1e-9 * (1 + abs(x))


def test_conjugate_and_dual_norm():
    pen = L1(2.0)
    assert pen.conjugate([1.0, -2.0]) == 0.0
    assert pen.conjugate([2.1]) == np.inf
    pos = L1(2.0, positive=True)
    assert pos.conjugate([-100.0, 2.0]) == 0.0
    assert pos.conjugate([2.5]) == np.inf
    assert pen.dual_norm([1.0, -3.0]) == 3.0 and pos.dual_norm([1.0, -3.0]) == 1.0


@settings(max_examples=300, deadline=None)
@given(w=st.one_of(st.just(0.0), finite), g=finite, L=st.floats(0.01, 20),
       alpha=st.floats(0, 5), positive=st.booleans())
def test_gsq_is_the_decrease_of_the_prox_step(w, g, L, alpha, positive):
    """GS-q = -(min_d g d + L d^2/2 + psi(w + d) - psi(w)), by brute force on a fine grid."""
    pen = L1(alpha, positive=positive)
    if positive:
        w = abs(w)
    score = pen.gsq_score(np.array([w]), np.array([g]), np.array([L]))[0]
    d = pen.prox(np.array([w - g / L]), 1.0 / L)[0] - w
    model = g * d + 0.5 * L * d * d + pen.value([w + d]) - pen.value([w])
    assert score >= 0
    assert abs(score + min(model, 0.0)) <= 1e-9 * (1 + abs(model) + abs(g * d))
    grid = w + np.linspace(-3, 3, 6001) * (abs(d) + 1e-3)
    vals = g * (grid - w) + 0.5 * L * (grid - w) ** 2 + alpha * (
        grid if positive else np.abs(grid)) - alpha * (w if positive else abs(w))
    if positive:
        vals[grid < 0] = np.inf
    assert -score <= vals.min() + 1e-9 * (1 + abs(vals.min()))


def test_subdiff_distance():
    pen = L1(1.0)
    np.testing.assert_allclose(pen.subdiff_distance([0.0, 0.0, 2.0, -1.0], [0.5, -3.0, 0.5, 0.5]),
                               [0.0, 2.0, 1.5, 0.5])
    pos = L1(1.0, positive=True)
    np.testing.assert_allclose(pos.subdiff_distance([0.0, 0.0, 1.0], [-3.0, 0.5, 0.5]),
                               [2.0, 0.0, 1.5])


def test_bad_alpha():
    with pytest.raises(ValueError, match="alpha"):
        L1(-1.0).prox(np.ones(2), 1.0)
    with pytest.raises(TypeError, match="alpha"):
        L1("a").value(np.ones(2))
