"""Each penalty's scalar kernels (reached through the dispatch switch) against the Python
reference methods of its class, and the declarations the solvers rely on."""

import numpy as np
import pytest

from sparseopt.penalties import (
    L1,
    GroupL2,
    GroupTopK,
    Penalty,
    SparseEnvelope,
    WeightedGroupSparseEnvelope,
)
from sparseopt.penalties import dispatch as P


def _points(rng, n=400):
    w = rng.standard_normal(n) * 2
    w[rng.random(n) < 0.3] = 0.0
    return w, rng.standard_normal(n) * 2, rng.uniform(0.05, 5, n)


@pytest.mark.parametrize("positive", [False, True])
def test_l1_kernels_match_the_reference_methods(positive):
    rng = np.random.default_rng(0)
    pen = L1(0.7, positive=positive)
    code, pp = pen.code, pen.kernel_params()
    w, g, L = _points(rng)
    if positive:
        w = np.abs(w)
    one = lambda f, *a: np.array([f(code, pp, *map(float, x), j)  # noqa: E731
                                  for j, x in enumerate(zip(*a, strict=True))])
    np.testing.assert_allclose(one(P.prox_1d, w - g / L, 1 / L), pen.prox(w - g / L, 1 / L),
                               rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(one(P.value_1d, w), [pen.value([v]) for v in w], rtol=1e-14)
    d = rng.standard_normal(w.size)
    if positive:
        d = np.maximum(d, -w)
    ref = [pen.value([a + b]) - pen.value([a]) for a, b in zip(w, d, strict=True)]
    np.testing.assert_allclose(one(P.value_diff_1d, w, d), ref, atol=1e-12)
    np.testing.assert_allclose(one(P.subdiff_distance_1d, w, g), pen.subdiff_distance(w, g),
                               rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(one(P.gsq_1d, w, g, L), pen.gsq_score(w, g, L), rtol=1e-12,
                               atol=1e-15)
    # the normalised dual norm: feasible (<= 1) exactly when the reference says so
    u = rng.standard_normal(w.size)
    np.testing.assert_allclose(pen.alpha * one(P.dual_norm_1d, u).max(), pen.dual_norm(u),
                               rtol=1e-14)


def test_group_l2_block_kernels_match_the_reference_prox():
    rng = np.random.default_rng(1)
    groups = np.repeat(np.arange(6), 3)
    pen = GroupL2(0.4, groups, weights="sqrt_size")
    code, pp = pen.code, pen.kernel_params()
    _, _, weights, labels = pen.encoding(18)
    for step in (0.1, 1.0, 5.0):
        x = rng.standard_normal(18) * rng.uniform(0, 2, 6)[labels]
        norms = pen.group_norms(x)
        scale = np.array([P.block_scale(code, pp, norms[k], step, weights[k]) for k in range(6)])
        np.testing.assert_allclose(scale[labels] * x, pen.prox(x, step), rtol=1e-14)
        value = sum(P.block_value(code, pp, norms[k], weights[k]) for k in range(6))
        assert value == pytest.approx(pen.value(x), rel=1e-14)


def test_group_l2_scores_against_a_direct_computation():
    """GS-q: the decrease of the group prox-gradient step; GS-s: the distance to the
    subdifferential (computed here from the definitions, group by group)."""
    rng = np.random.default_rng(2)
    groups = np.repeat(np.arange(5), 4)
    pen = GroupL2(0.3, groups)
    x = rng.standard_normal(20)
    x[groups == 1] = 0.0
    x[groups == 3] = 0.0
    g = rng.standard_normal(20)
    L = rng.uniform(0.5, 3, 5)
    gsq, gss = pen.gsq_score(x, g, L), pen.subdiff_distance(x, g)
    for k in range(5):
        m = groups == k
        u = x[m] - g[m] / L[k]
        d = max(0.0, 1 - 0.3 / (L[k] * np.linalg.norm(u))) * u - x[m]
        q = g[m] @ d + 0.5 * L[k] * d @ d + 0.3 * (np.linalg.norm(x[m] + d)
                                                   - np.linalg.norm(x[m]))
        assert gsq[k] == pytest.approx(max(-q, 0.0), rel=1e-10, abs=1e-14)
        nx = np.linalg.norm(x[m])
        ref = (np.linalg.norm(g[m] + 0.3 * x[m] / nx) if nx > 0
               else max(np.linalg.norm(g[m]) - 0.3, 0.0))
        assert gss[k] == pytest.approx(ref, rel=1e-12, abs=1e-15)


def test_declarations():
    assert (L1.structure, L1.convex, L1.certificate, L1.screening) == (
        "separable", True, "dual_gap", True)
    assert (GroupL2.structure, GroupL2(1.0, 2).certificate) == ("block", "dual_gap")
    # an unpenalised group (weight 0) has no usable duality gap: fixed-point criterion
    assert GroupL2(1.0, 2, weights=[0.0, 1.0]).certificate == "fixed_point"
    assert GroupL2(1.0, 2, weights="sqrt_size").certificate == "dual_gap"
    for cls in (SparseEnvelope, WeightedGroupSparseEnvelope):
        assert (cls.structure, cls.certificate, cls.code) == ("vector", "fenchel_young", -1)
    assert (GroupTopK.structure, GroupTopK.convex, GroupTopK.certificate) == (
        "vector", False, "fixed_point")
    codes = [c.code for c in (L1, GroupL2)]
    assert len(set(codes)) == len(codes) and all(issubclass(c, Penalty) for c in (L1, GroupL2))
    assert L1(0.0).is_zero() and not L1(0.0, positive=True).is_zero()


def test_a_penalty_outside_the_switch_is_refused():
    """Codes are checked before any kernel runs: the switches end on their first case."""
    from sparseopt.datafits import Quadratic
    from sparseopt.solvers import bcd_solve

    class Unknown(L1):
        code = 99

    assert 99 not in P.SEPARABLE_CODES
    with pytest.raises(TypeError, match="kernels"):
        bcd_solve(Quadratic(), Unknown(0.1), np.eye(3), np.ones(3))
