"""The compiled two-factor SVD-KroSBL step runs the same iteration as the NumPy step."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from sparseopt.bayes import KroneckerSBL
from sparseopt.operators import KroneckerOperator


def _problem(complex_factor, complex_y, seed=0):
    rng = np.random.default_rng(seed)
    F1 = rng.standard_normal((12, 24))
    if complex_factor:
        F1 = F1 + 1j * rng.standard_normal((12, 24))
    F2 = rng.standard_normal((10, 20))
    H = KroneckerOperator([F1, F2])
    X = np.zeros((24, 20), dtype=complex if (complex_factor or complex_y) else float)
    X[np.ix_([2, 7, 8], [3, 11])] = rng.standard_normal((3, 2)) + (1j if complex_y else 0)
    y = H @ X.ravel()
    noise = 0.02 * rng.standard_normal(y.shape)
    if np.iscomplexobj(y):
        noise = noise + 0.02j * rng.standard_normal(y.shape)
    return H, y + noise


def _both(H, y, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        fast = KroneckerSBL("svd", **kw).fit(H, y)
        slow_cls = type("PythonLoopKroneckerSBL", (KroneckerSBL,), {"_use_kernel": False})
        slow = slow_cls("svd", **kw).fit(H, y)
    return fast, slow


@pytest.mark.parametrize("update", ["mackay", "em"])
@pytest.mark.parametrize("complex_factor, complex_y", [(False, False), (True, True),
                                                       (False, True)])
@pytest.mark.parametrize("kw", [dict(noise_variance=4e-4), dict(),
                                dict(svd_solver="power", prune=1e-2),
                                dict(svd_solver="full", prune=0.0, max_iter=40)])
def test_kernel_equals_python_loop(complex_factor, complex_y, kw, update):
    H, y = _problem(complex_factor, complex_y)
    fast, slow = _both(H, y, update=update, **kw)
    assert fast.n_iter_ == slow.n_iter_
    scale = np.abs(slow.coef_).max()
    np.testing.assert_allclose(fast.coef_, slow.coef_, atol=1e-9 * scale)
    np.testing.assert_allclose(fast.gamma_, slow.gamma_, rtol=1e-9, atol=1e-12 * scale**2)
    assert fast.noise_variance_ == pytest.approx(slow.noise_variance_, rel=1e-9)
    for key in ("cost", "noise_variance", "n_active"):
        np.testing.assert_allclose(fast.history_[key], slow.history_[key], rtol=1e-8,
                                   atol=1e-12)
    # a relative change of iterates that agree to ~1e-13: absolute agreement only
    np.testing.assert_allclose(fast.history_["gamma_change"], slow.history_["gamma_change"],
                               rtol=1e-6, atol=1e-10)
    for a, b in zip(fast.support_, slow.support_, strict=True):
        np.testing.assert_array_equal(a, b)
    assert fast.coef_.dtype == slow.coef_.dtype


def test_verbose_reports_the_iterations_and_max_iter_caps_them(capsys):
    H, y = _problem(False, False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        KroneckerSBL("svd", verbose=1, max_iter=3).fit(H, y)
    out = capsys.readouterr()
    assert "KroSBL-svd" in out.out + out.err
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        KroneckerSBL("svd", max_iter=3).fit(H, y)
    out = capsys.readouterr()
    assert "KroSBL-svd" not in out.out + out.err  # verbose=0 prints nothing
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = KroneckerSBL("svd", max_iter=2).fit(H, y)
    assert model.n_iter_ == 2 and model.history_["cost"].shape == (2,)


@pytest.mark.parametrize("n_factors", [1, 2, 3])
def test_gamma_change_is_accurate_without_forming_the_kronecker_vectors(n_factors):
    """The per-factor formula equals the dense norm, also for changes far below sqrt(eps)."""
    from sparseopt.bayes._estep import kron_vectors as _kron_all
    from sparseopt.bayes._mstep import kron_change as _kron_change

    rng = np.random.default_rng(n_factors)
    old = [rng.uniform(0.1, 2.0, n) for n in (5, 4, 3)[:n_factors]]
    keeps = [rng.uniform(size=o.size) > 0.3 for o in old]
    keeps[0][0] = True
    for eps in (1e-2, 1e-6, 1e-12):
        for pruning in (False, True):
            ks = keeps if pruning else [None] * n_factors
            kept = [o if k is None else o[k] for o, k in zip(old, ks, strict=True)]
            new = [c * (1 + eps * rng.standard_normal(c.size)) for c in kept]
            full_old = _kron_all(old)
            full_new = np.zeros_like(full_old)
            mask = _kron_all([np.ones(o.size) if k is None else k.astype(float)
                              for o, k in zip(old, ks, strict=True)]) > 0
            full_new[mask] = _kron_all(new)
            dense = np.linalg.norm(full_new - full_old) / np.linalg.norm(full_old)
            assert _kron_change(new, old, ks) == pytest.approx(dense, rel=1e-6)


@pytest.mark.parametrize("complex_data", [False, True])
@pytest.mark.parametrize("n1, n2", [(3, 20), (12, 4), (2, 1), (12, 20)])
def test_compiled_estep_on_pruned_factors_equals_kron_estep(n1, n2, complex_data):
    """A factor with fewer columns than rows takes the reduced-QR route to its eigenpairs; the
    posterior, the type-II cost, the residual, the trace term and the predictive parts agree
    with the NumPy E-step (full eigendecompositions) on every combination of shapes."""
    from sparseopt.bayes._estep import _kron_estep
    from sparseopt.bayes._kernels_sbl import estep2

    rng = np.random.default_rng(n1 * 100 + n2)
    H1 = rng.standard_normal((10, n1))
    H2 = rng.standard_normal((8, n2))
    y = rng.standard_normal(80)
    if complex_data:
        H1 = H1 + 1j * rng.standard_normal(H1.shape)
        H2 = H2 + 0j
        y = y + 1j * rng.standard_normal(80)
    g1 = rng.uniform(1e-3, 2.0, n1)
    g2 = rng.uniform(1e-3, 2.0, n2)
    ref = _kron_estep([H1, H2], y, [g1, g2], 0.3, return_parts=True)
    Mu, S, cost, resid2, trace, W1, W2, delta = estep2(H1, H2, y.reshape(10, 8), g1, g2, 0.3)
    scale = np.abs(ref[0]).max()
    np.testing.assert_allclose(Mu.ravel(), ref[0], rtol=1e-10, atol=1e-12 * scale)
    np.testing.assert_allclose(S.ravel(), ref[1], rtol=1e-10, atol=1e-12 * ref[1].max())
    for got, want in zip((cost, resid2, trace), ref[2:5], strict=True):
        assert got == pytest.approx(want, rel=1e-10)
    # predictive parts: the shrinkage sum_k |(G_1 W_1) (x) (G_2 W_2)|^2_k delta_k
    G1 = rng.standard_normal((3, n1))
    G2 = rng.standard_normal((2, n2))
    fast = KroneckerOperator([np.abs(G1 @ W1) ** 2, np.abs(G2 @ W2) ** 2]) @ delta.ravel()
    slow = KroneckerOperator([np.abs(G @ W) ** 2 for G, W in zip((G1, G2), ref[5],
                                                                  strict=True)]) @ ref[6]
    np.testing.assert_allclose(fast, slow, rtol=1e-9)


def test_kernel_predictive_std_equals_python_loop():
    H, y = _problem(True, True)
    fast, slow = _both(H, y)
    G = KroneckerOperator([np.ones((2, 24)), np.eye(20)[:3]])
    for X in (G, G.toarray()):
        mean_f, std_f = fast.predict(X, return_std=True)
        mean_s, std_s = slow.predict(X, return_std=True)
        np.testing.assert_allclose(mean_f, mean_s, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(std_f, std_s, rtol=1e-9)


def test_prune_keep_is_the_documented_rule():
    """Entries at or above max(prune * max g, prune_abs * ||g||) survive, and the largest
    always does (the first NaN when there is one, as np.max / np.argmax have it)."""
    from sparseopt.bayes._kernels_sbl import prune_keep

    rng = np.random.default_rng(3)
    for _ in range(50):
        g = rng.uniform(size=rng.integers(1, 30)) ** 4
        rel, ab = rng.choice([0.0, 1e-3, 0.3, 0.999]), rng.choice([0.0, 0.1, 0.5])
        thr = max(rel * g.max(), ab * np.linalg.norm(g) if ab > 0 else 0.0)
        want = g >= thr
        want[np.argmax(g)] = True
        keep, n_keep = prune_keep(g, rel, ab)
        np.testing.assert_array_equal(keep, want)
        assert n_keep == want.sum()
    keep, n_keep = prune_keep(np.array([1.0, 3.0, 3.0, 2.0]), 1.0, 0.0)  # ties at the max
    assert keep.tolist() == [False, True, True, False] and n_keep == 2
    keep, n_keep = prune_keep(np.array([1.0, np.nan, 5.0, np.nan]), 1e-3, 0.0)
    assert keep.tolist() == [False, True, False, False] and n_keep == 1


@pytest.mark.parametrize("shape", [(1, 1), (3, 5), (32, 32), (18, 324)])
@pytest.mark.parametrize("gap", ["clear", "tiny", "none"])
def test_top_triplet_cold_power_iteration_equals_lapack(shape, gap):
    """The cold top triplet (power iteration to rounding, LAPACK when the gap is too small for
    that) equals NumPy's SVD to rounding, on matrices with a clear gap, a tiny gap (the
    LAPACK fallback) and no triplet to converge to (a zero matrix)."""
    from sparseopt.bayes._kernels_sbl import _power_triplet, _top_triplet

    m, n = shape
    rng = np.random.default_rng(m * 1000 + n)
    A = rng.uniform(size=shape)  # nonnegative, as the M-step's D
    if gap == "tiny" and min(shape) > 1:  # two blocks of constants: s_2 / s_1 = 0.999
        a, b = (m + 1) // 2, (n + 1) // 2
        A = np.zeros(shape)
        A[:a, :b] = 1.0
        A[a:, b:] = 0.999 * np.sqrt(a * b / ((m - a) * (n - b)))
        assert not _power_triplet(A, np.ones(n), 1e-14, 100)[3]  # LAPACK decides
    elif gap == "none":
        A = np.zeros(shape)
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    for power in (True, False):
        u, s1, v = _top_triplet(A, np.ones(n), False, power)
        assert s1 == pytest.approx(s[0], rel=1e-14, abs=1e-300)
        if gap == "none":  # any unit vectors would do: LAPACK's, as without the iteration
            np.testing.assert_array_equal(u, np.abs(U[:, 0]))
            np.testing.assert_array_equal(v, np.abs(Vt[0]))
        else:  # unique up to sign (nonnegative here)
            np.testing.assert_allclose(u, np.abs(U[:, 0]), atol=1e-13)
            np.testing.assert_allclose(v, np.abs(Vt[0]), atol=1e-13)


@pytest.mark.parametrize("scale", [1e-300, 1e-200, 1e-170, 1.0, 1e160, 1e200, 1e300])
@pytest.mark.parametrize("warm", [False, True])
def test_top_triplet_is_scale_equivariant(scale, warm):
    """A collapsing prior makes the M-step's D tiny, a huge one large: the triplet's vectors
    stay unit and its value scales with D (no sum of squares under- or overflows)."""
    from sparseopt.bayes._kernels_sbl import _top_triplet

    A = np.random.default_rng(0).uniform(size=(8, 10))
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    v0 = np.abs(Vt[0]) + 0.01 if warm else np.ones(10)
    u, s1, v = _top_triplet(A * scale, v0, warm, True)
    assert s1 == pytest.approx(s[0] * scale, rel=1e-9)
    np.testing.assert_allclose(u, np.abs(U[:, 0]), atol=1e-9)
    np.testing.assert_allclose(v, np.abs(Vt[0]), atol=1e-9)


def test_a_prior_collapsing_to_zero_stays_at_zero():
    """Noise far above the signal: the SVD M-step's D shrinks towards zero and the prior
    collapses; the rank-1 fit of a tiny D must not blow it back up (no sum of squares of the
    tiny entries may underflow)."""
    from sparseopt.bayes import KroneckerSBL, NoSignalWarning

    rng = np.random.default_rng(0)
    H1, H2 = rng.standard_normal((6, 8)), rng.standard_normal((5, 7))
    x = np.zeros((8, 7))
    x[2, 3], x[5, 1] = 1.0, -0.7
    y = np.kron(H1, H2) @ x.ravel() + 0.01 * rng.standard_normal(30)
    with pytest.warns(NoSignalWarning):
        m = KroneckerSBL("svd", noise_variance=1e4, update="mackay", tol=1e-12,
                         polish=False).fit([H1, H2], y)
    assert np.max(m.gamma_) == 0.0 and not np.any(m.coef_)
