"""SEF, WGSEF, GroupTopK and GroupL2: certificates, closed forms and special cases."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import brentq

from sparseopt.penalties import (
    L1,
    GroupL2,
    GroupTopK,
    SparseEnvelope,
    WeightedGroupSparseEnvelope,
    fenchel_young_gap,
)


def _random_case(seed):
    """Random x (exact zeros, ties, scales 1e-3..1e3), groups of size 1-4, weights."""
    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, 5, rng.integers(2, 13))
    n = int(sizes.sum())
    x = rng.standard_normal(n) * 10.0 ** rng.uniform(-3, 3)
    x[rng.random(n) < 0.2] = 0.0
    if n > 3 and rng.random() < 0.3:
        x[1] = x[0]
    groups = np.repeat(np.arange(len(sizes)), sizes)
    weights = np.sqrt(sizes) * rng.uniform(0.5, 2, len(sizes))
    k = int(rng.integers(1, len(sizes) + 1))
    step = 10.0 ** rng.uniform(-3, 3)
    alpha = 10.0 ** rng.uniform(-1, 1)
    return x, groups, weights, k, step, alpha


def _penalties(groups, weights, k, alpha):
    return [SparseEnvelope(k, alpha=alpha),
            WeightedGroupSparseEnvelope(k, groups, alpha=alpha),
            WeightedGroupSparseEnvelope(k, groups, weights, alpha=alpha)]


@pytest.mark.parametrize("seed", range(1000))
def test_fenchel_young_certificate(seed):
    """u = (x - z)/t is a subgradient at z = prox(x, t): FY gap ~ 0 (exact algorithm check)."""
    x, groups, weights, k, step, alpha = _random_case(seed)
    for pen in _penalties(groups, weights, k, alpha):
        z = pen.prox(x, step)
        u = (x - z) / step
        gap = fenchel_young_gap(pen, z, u)
        assert abs(gap) <= 1e-12 * (alpha + x @ x / (2 * step)), (pen, gap)


def _value_brentq(a, k):
    """s_k via the box form's water level, solved by brentq: an independent computation."""
    a = np.abs(a)
    if np.count_nonzero(a) <= k:
        return 0.5 * a @ a
    # theta_i = min(1, a_i / c) with sum theta = k; s_k = 1/2 sum a_i^2 / theta_i
    c = brentq(lambda c: np.minimum(1, a / c).sum() - k, 1e-300, a.sum() / k * (1 + 1e-12),
               xtol=1e-300, rtol=1e-15, maxiter=1000)
    th = np.minimum(1, a / c)
    nz = a > 0
    return 0.5 * np.sum(a[nz] ** 2 / th[nz])


def _value_ksupport(a, k):
    """Argyriou et al.'s k-support norm formula, searched over r: 1/2 ||a||_(k)^2."""
    z = np.sort(np.abs(a))[::-1]
    for r in range(k):
        head = z[: k - r - 1]
        tail = z[k - r - 1:].sum()
        lo = z[k - r - 1]
        hi = np.inf if k - r - 2 < 0 else z[k - r - 2]
        if hi > tail / (r + 1) >= lo:
            return 0.5 * (head @ head + tail**2 / (r + 1))
    raise AssertionError("no r found")


@pytest.mark.parametrize("seed", range(200))
def test_value_against_independent_formulas(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 30))
    a = rng.standard_normal(n) * 10.0 ** rng.uniform(-3, 3)
    k = int(rng.integers(1, n + 1))
    v = SparseEnvelope(k).value(a)
    assert v == pytest.approx(_value_brentq(a, k), rel=1e-12)
    assert v == pytest.approx(_value_ksupport(a, k), rel=1e-12)


def test_hand_examples():
    sef = SparseEnvelope(2)
    assert sef.value([3.0, 1.0, 1.0, 1.0]) == 9.0
    np.testing.assert_allclose(sef.prox(np.array([3.0, 1, 1, 1]), 1.0), [1.5, .25, .25, .25])
    np.testing.assert_allclose(SparseEnvelope(3).prox(np.array([5, -4, 3, 0.1, -0.2, 0.05]), 1.0),
                               [2.5, -2, 1.5, 0, 0, 0], atol=1e-15)


@pytest.mark.parametrize("seed", range(50))
def test_special_cases(seed):
    x, groups, weights, _, step, alpha = _random_case(seed)
    m = groups.max() + 1
    v = np.sqrt(np.bincount(groups, x * x, minlength=m))
    # k = 1: half the squared (weighted) group-lasso norm
    pen1 = WeightedGroupSparseEnvelope(1, groups, weights)
    assert pen1.value(x) == pytest.approx(0.5 * (weights @ v) ** 2, rel=1e-12)
    assert pen1.value(x) == pytest.approx(0.5 * GroupL2(1.0, groups, weights).value(x) ** 2,
                                          rel=1e-12)
    # k >= m: weighted ridge, value and prox
    penm = WeightedGroupSparseEnvelope(m, groups, weights, alpha=alpha)
    assert penm.value(x) == pytest.approx(0.5 * alpha * np.sum(weights**2 * v**2), rel=1e-12)
    d = (weights**2)[groups]
    np.testing.assert_allclose(penm.prox(x, step), x / (1 + step * alpha * d), rtol=1e-12)
    # singleton groups with unit weights: SEF
    n = len(x)
    k = max(1, n // 3)
    np.testing.assert_allclose(WeightedGroupSparseEnvelope(k, 1).prox(x, step),
                               SparseEnvelope(k).prox(x, step), rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("seed", range(50))
def test_sef_is_half_squared_norm_iff_k_sparse(seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(10)
    k = int(rng.integers(1, 10))
    sef = SparseEnvelope(k)
    assert sef.value(x) >= 0.5 * x @ x * (1 - 1e-14)
    assert sef.value(x) > 0.5 * x @ x * (1 + 1e-10)  # 10 nonzeros > k
    xs = x.copy()
    xs[np.argsort(np.abs(x))[: 10 - k]] = 0.0
    assert sef.value(xs) == 0.5 * xs @ xs


@pytest.mark.parametrize("seed", range(100))
def test_prox_keeps_at_least_k_groups_and_invariances(seed):
    x, groups, weights, k, step, alpha = _random_case(seed)
    m = groups.max() + 1
    pen = WeightedGroupSparseEnvelope(k, groups, weights, alpha=alpha)
    z = pen.prox(x, step)
    nz_x = np.count_nonzero(np.bincount(groups, x * x, minlength=m))
    nz_z = np.count_nonzero(np.bincount(groups, z * z, minlength=m))
    assert nz_z >= min(k, nz_x)
    c = -3.7
    scale = np.abs(x).max() + 1e-300  # soft-thresholded radii can cancel: compare on |x|'s scale
    np.testing.assert_allclose(pen.prox(c * x, step), c * z, rtol=1e-12, atol=1e-13 * 4 * scale)
    signs = np.where(np.random.default_rng(seed).random(len(x)) < 0.5, -1.0, 1.0)
    np.testing.assert_allclose(pen.prox(signs * x, step), signs * z, rtol=1e-12,
                               atol=1e-13 * scale)
    # firm nonexpansiveness: ||Px - Py||^2 <= <Px - Py, x - y>
    y = x + np.random.default_rng(seed + 1).standard_normal(len(x)) * (np.abs(x).max() + 1)
    pz, py = z, pen.prox(y, step)
    assert (pz - py) @ (pz - py) <= (pz - py) @ (x - y) * (1 + 1e-10) + 1e-12 * (x @ x + y @ y)


@settings(max_examples=200, deadline=None)
@given(scale=st.floats(1e-150, 1e150), k=st.integers(1, 6), step=st.floats(1e-6, 1e6))
def test_huge_and_tiny_scales(scale, k, step):
    x = scale * np.array([3.0, -1.0, 1.0, 0.0, 2.0, 2.0, -0.5])
    pen = SparseEnvelope(k)
    z = pen.prox(x, step)
    assert np.all(np.isfinite(z))
    assert np.count_nonzero(z) >= min(k, 6)
    np.testing.assert_allclose(z / scale, pen.prox(x / scale, step), rtol=1e-10, atol=1e-13)


def test_subgradient_kkt_sef():
    """(x - z)/t matches the closed-form subdifferential at z."""
    rng = np.random.default_rng(0)
    for _ in range(100):
        x = rng.standard_normal(12)
        k, t = int(rng.integers(1, 6)), float(rng.uniform(0.1, 3))
        z = SparseEnvelope(k).prox(x, t)
        g = (x - z) / t
        a = np.sort(np.abs(z[np.abs(z) > 1e-12 * np.abs(x).max()]))[::-1]
        if len(a) > k:
            T = np.cumsum(a[::-1])[::-1]
            rho = next(T[N] / (k - N) for N in range(k)
                       if (N == 0 or a[N - 1] > T[N] / (k - N) - 1e-12) and T[N] / (k - N)
                       >= a[N] - 1e-12)
        elif len(a) == k:
            rho = a[-1]
        else:
            rho = 0.0
        nz = np.abs(z) > 1e-12 * np.abs(x).max()  # radii can round to tiny nonzeros
        np.testing.assert_allclose(np.abs(g[nz]), np.maximum(np.abs(z[nz]), rho), rtol=1e-9)
        assert np.all(np.abs(g[~nz]) <= rho * (1 + 1e-9) + 1e-12)


def test_group_topk():
    rng = np.random.default_rng(0)
    for _ in range(50):
        m = int(rng.integers(2, 8))
        groups = np.repeat(np.arange(m), 2)
        x = rng.standard_normal(2 * m)
        k = int(rng.integers(1, m + 1))
        pen = GroupTopK(k, groups)
        z = pen.prox(x, step=1.0)
        v = np.sqrt(np.bincount(groups, x * x))
        # brute force over all k-subsets: best = keep the k largest groups
        best = min(0.5 * np.sum(np.delete(v, list(S)) ** 2)
                   for S in itertools.combinations(range(m), k))
        assert 0.5 * np.sum((z - x) ** 2) == pytest.approx(best, abs=1e-12)
        assert np.count_nonzero(np.bincount(groups, z * z)) == min(k, m)
        assert pen.value(z) == 0.0
        if k < m:
            assert pen.value(x) > 0.0
    # ties at the k-th value go to the lower group index
    x = np.array([1.0, 0.0, 0.0, 1.0, 1.0, 0.0])
    np.testing.assert_array_equal(GroupTopK(1, 2).prox(x, 2.0), [1.0, 0, 0, 0, 0, 0])


def test_group_topk_small_lambda_matches_convex_form():
    """lambda < 1: prox of lambda h equals the prox of a scaled WGSEF (objective dominance)."""
    rng = np.random.default_rng(1)
    groups = np.repeat(np.arange(5), 3)
    for _ in range(20):
        x = rng.standard_normal(15)
        lam = float(rng.uniform(0.05, 0.95))
        pen = GroupTopK(2, groups)
        z = pen.prox(x, lam)

        def obj(v, lam=lam, pen=pen, x=x):
            return lam * pen.value(v) + 0.5 * np.sum((v - x) ** 2)

        for _ in range(50):
            trial = z + 0.05 * rng.standard_normal(15)
            assert obj(z) <= obj(trial) + 1e-12


@pytest.mark.parametrize("seed", range(100))
def test_groupl2_and_l1_moreau(seed):
    x, groups, weights, _, step, alpha = _random_case(seed)
    weights[0] = 0.0  # an unpenalised group is left untouched
    pen = GroupL2(alpha, groups, weights)
    z = pen.prox(x, step)
    m = groups.max() + 1
    v = np.sqrt(np.bincount(groups, x * x, minlength=m))
    with np.errstate(divide="ignore", invalid="ignore"):
        proj = x * np.where(v > 0, np.minimum(1, step * alpha * weights / v), 0)[groups]
    proj[groups == 0] = 0.0
    np.testing.assert_allclose(z + proj, x, rtol=1e-14, atol=1e-14 * np.abs(x).max())
    np.testing.assert_array_equal(z[groups == 0], x[groups == 0])
    u = (x - z) / step  # (x - z) cancels when z ~ x: tolerance on the scale of x / step
    assert pen.dual_norm(u) <= alpha + 1e-12 * (alpha + np.abs(x).max() / step)
    assert abs(pen.value(z) - z @ u) <= 1e-12 * (alpha + x @ x / (2 * step))
    # singleton groups with unit weights = L1
    np.testing.assert_allclose(GroupL2(alpha, 1).prox(x, step), L1(alpha).prox(x, step))


def test_conjugate_outside_ball_and_errors():
    pen = GroupL2(1.0, 2)
    assert pen.conjugate(np.array([3.0, 4.0, 0, 0])) == np.inf
    with pytest.raises(ValueError, match="step"):
        SparseEnvelope(2).prox(np.ones(3), 0.0)
    with pytest.raises(ValueError, match="k"):
        SparseEnvelope(0).value(np.ones(3))
    with pytest.raises(TypeError, match="real"):
        SparseEnvelope(1).prox(np.ones(3) * 1j, 1.0)
    with pytest.raises(ValueError, match="weights"):
        WeightedGroupSparseEnvelope(1, 1, weights=[1.0, 0.0, 1.0]).value(np.ones(3))
    with pytest.raises(ValueError, match="groups"):
        WeightedGroupSparseEnvelope(1, [[0, 1], [1, 2]]).value(np.ones(3))


def test_group_topk_near_one_keeps_k_groups():
    """lambda = 1 - 1e-16 (e.g. (t / eta) * eta rounding) still returns exactly k groups."""
    rng = np.random.default_rng(3)
    groups = np.repeat(np.arange(10), 3)
    for _ in range(50):
        x = rng.standard_normal(30)
        for lam in (1 - 1e-16, 1 - 1e-12, np.nextafter(1.0, 0.0)):
            z = GroupTopK(4, groups).prox(x, lam)
            assert np.count_nonzero(np.bincount(groups, z * z)) == 4


def _cvxpy_envelope_prox(x, lam, k, groups=None, d=None):
    """prox_{lam P}(x) = x - lam * prox_{P*/lam}(x/lam) with P* = 1/2 top-k(||u_G||^2 / d_G)."""
    cp = pytest.importorskip("cvxpy")
    u = cp.Variable(x.size)
    if groups is None:
        conj = 0.5 * cp.sum_largest(cp.square(u), k)
    else:
        m = groups.max() + 1
        terms = cp.hstack([cp.sum_squares(u[np.flatnonzero(groups == j)]) / d[j]
                           for j in range(m)])
        conj = 0.5 * cp.sum_largest(terms, k)
    prob = cp.Problem(cp.Minimize(conj / lam + 0.5 * cp.sum_squares(u - x / lam)))
    prob.solve(solver=cp.CLARABEL, tol_gap_abs=1e-12, tol_gap_rel=1e-12, tol_feas=1e-12)
    return x - lam * np.asarray(u.value)


@pytest.mark.filterwarnings("ignore:Solution may be inaccurate")  # cvxpy is a weak oracle
@pytest.mark.parametrize("seed", range(15))
def test_prox_against_cvxpy_moreau(seed):
    """Prox via cvxpy on the conjugate (Moreau identity): an independent, solver-based oracle."""
    rng = np.random.default_rng(seed)
    n = 12
    x = rng.standard_normal(n) * rng.uniform(0.5, 3)
    lam = float(10 ** rng.uniform(-1, 1))
    k = int(rng.integers(1, 5))
    z = SparseEnvelope(k).prox(x, lam)
    np.testing.assert_allclose(z, _cvxpy_envelope_prox(x, lam, k), atol=1e-5 * max(1, abs(x).max()))
    groups = np.arange(n) % 4
    w = np.sqrt(3) * rng.uniform(0.5, 2, 4)
    for weights in (None, w):
        pen = WeightedGroupSparseEnvelope(min(k, 3), groups, weights)
        d = np.ones(4) if weights is None else w**2
        ref = _cvxpy_envelope_prox(x, lam, min(k, 3), groups, d)
        z = pen.prox(x, lam)
        np.testing.assert_allclose(z, ref, atol=2e-4 * max(1, abs(x).max()))
        # objective dominance: ours is never worse than the solver's point
        def obj(v, pen=pen):
            return lam * pen.value(v) + 0.5 * np.sum((v - x) ** 2)

        assert obj(z) <= obj(ref) + 1e-10 * (1 + x @ x / 2)
