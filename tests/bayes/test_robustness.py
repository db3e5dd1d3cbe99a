"""Sparse Bayesian learning out of the box: the all-noise collapse, degenerate inputs, extreme
scales and parameter validation (each case failed, crashed or hung before the scale-aware start
and the validation were added)."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from sparseopt.bayes import KroneckerSBL, NoSignalWarning, SparseBayesianRegression
from sparseopt.channels import IRSMIMOScenario, nmse_vs_snr
from sparseopt.operators import KroneckerOperator

VARIANTS = {
    "svd": dict(method="svd"),
    "am": dict(method="am"),
    "pc": dict(method="am", structure="block", coupled_factors=(0, 2)),
}


@pytest.fixture(scope="module")
def irs():
    scn = IRSMIMOScenario(random_state=0)
    return scn, scn.measurement_operator()


def _quiet_fit(model, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(X, y)


def test_learnt_noise_no_longer_collapses_to_all_noise(irs):
    """The reported case: with the noise learnt, the old start put all of y into the noise
    (NMSE 0 dB, noise variance ~100x the truth, 2 iterations, no warning)."""
    scn, H = irs
    y, x, nv = scn.draw(snr_db=20, random_state=3)
    for name, kw in VARIANTS.items():
        with warnings.catch_warnings():
            warnings.simplefilter("error", NoSignalWarning)
            m = KroneckerSBL(**kw).fit(H, y)
        assert scn.nmse_db(m.coef_, x) < -20, name
        assert 0.5 < m.noise_variance_ / nv < 2.0, name
        assert m.n_iter_ > 2, name


def test_learnt_noise_matches_given_noise_on_seeded_draws(irs):
    """Medians over a few seeded draws at 12 and 20 dB: learnt within 1.5 dB of given."""
    scn, H = irs
    for snr in (12, 20):
        known, learnt = [], []
        for seed in range(6):
            y, x, nv = scn.draw(snr_db=snr, random_state=100 + seed)
            known.append(scn.nmse_db(_quiet_fit(KroneckerSBL(noise_variance=nv), H, y).coef_, x))
            learnt.append(scn.nmse_db(_quiet_fit(KroneckerSBL(), H, y).coef_, x))
        assert np.median(learnt) <= np.median(known) + 1.5, snr
        assert np.median(known) < -12, snr


def _small_problem(complex_=False, seed=0):
    rng = np.random.default_rng(seed)
    factors = [rng.standard_normal((6, 9)), rng.standard_normal((5, 8)),
               rng.standard_normal((4, 5))]
    if complex_:
        factors[0] = factors[0] + 1j * rng.standard_normal((6, 9))
    X = np.zeros((9, 8, 5), dtype=complex if complex_ else float)
    X[np.ix_([2, 3], [5], [1, 2])] = rng.standard_normal((2, 1, 2))
    H = KroneckerOperator(factors)
    y = H @ X.ravel()
    return factors, y + 0.01 * np.abs(y).max() * rng.standard_normal(y.shape)


@pytest.mark.parametrize("name", list(VARIANTS))
@pytest.mark.parametrize("complex_", [False, True])
@pytest.mark.parametrize("scale", [1e-100, 1e-10, 1e10, 1e100])
def test_answers_are_scale_equivariant(name, complex_, scale):
    """Scaling y (and, separately, a factor) scales coef exactly: the fit runs on a copy scaled
    by powers of two, so nothing depends on an absolute floor."""
    factors, y = _small_problem(complex_)
    ref = _quiet_fit(KroneckerSBL(**VARIANTS[name]), factors, y)
    by_y = _quiet_fit(KroneckerSBL(**VARIANTS[name]), factors, y * scale)
    np.testing.assert_allclose(by_y.coef_, ref.coef_ * scale, rtol=1e-8,
                               atol=1e-12 * np.abs(ref.coef_).max() * scale)
    assert by_y.noise_variance_ == pytest.approx(ref.noise_variance_ * scale**2, rel=1e-8)
    assert by_y.n_iter_ == ref.n_iter_
    scaled = [factors[0] * scale] + factors[1:]
    by_h = _quiet_fit(KroneckerSBL(**VARIANTS[name]), scaled, y)
    np.testing.assert_allclose(by_h.coef_, ref.coef_ / scale, rtol=1e-8,
                               atol=1e-12 * np.abs(ref.coef_).max() / scale)


@pytest.mark.parametrize("name", list(VARIANTS))
def test_y_at_the_top_of_the_float64_range(name):
    """y whose largest entry is 1.5e308 (beyond the largest power of two): the working copy is
    scaled by 2**1023 and the answer is the scaled answer (it was coef = 0 before)."""
    factors, y = _small_problem()
    scale = 1.5e308 / np.abs(y).max()
    ref = _quiet_fit(KroneckerSBL(**VARIANTS[name]), factors, y)
    got = _quiet_fit(KroneckerSBL(**VARIANTS[name]), factors, y * scale)
    np.testing.assert_allclose(got.coef_ / scale, ref.coef_, rtol=1e-8,
                               atol=1e-12 * np.abs(ref.coef_).max())
    assert np.any(got.coef_)


@pytest.mark.parametrize("scale", [1e-100, 1e-8, 1e8, 1e100])
@pytest.mark.parametrize("update", ["em", "mackay"])
def test_classical_sbl_is_scale_equivariant(scale, update):
    rng = np.random.default_rng(1)
    X = rng.standard_normal((30, 50))
    y = X[:, [3, 7]] @ np.array([1.0, -2.0]) + 0.01 * rng.standard_normal(30) + 5.0
    ref = _quiet_fit(SparseBayesianRegression(update=update), X, y)
    got = _quiet_fit(SparseBayesianRegression(update=update), X, y * scale)
    np.testing.assert_allclose(got.coef_, ref.coef_ * scale, rtol=1e-8,
                               atol=1e-12 * np.abs(ref.coef_).max() * scale)
    assert got.intercept_ == pytest.approx(ref.intercept_ * scale, rel=1e-8)
    assert got.noise_variance_ == pytest.approx(ref.noise_variance_ * scale**2, rel=1e-8)


@pytest.mark.parametrize("name", list(VARIANTS))
def test_all_zero_y_gives_zero_coef(name):
    factors, y = _small_problem()
    m = KroneckerSBL(**VARIANTS[name]).fit(factors, np.zeros_like(y))
    assert np.all(m.coef_ == 0) and m.noise_variance_ == 0.0
    mean, std = m.predict(factors, return_std=True)
    assert np.all(mean == 0) and np.all(std == 0)
    c = SparseBayesianRegression().fit(np.ones((5, 3)) + np.eye(5, 3), np.full(5, 2.0))
    assert np.all(c.coef_ == 0) and c.intercept_ == pytest.approx(2.0)


@pytest.mark.parametrize("update", ["mackay", "em"])
@pytest.mark.parametrize("seed", range(8))
def test_no_pruning_with_mackay_updates_stays_finite(seed, update):
    """With prune=0 a variance product underflowed to 0 made MacKay's weight 1 - s/gamma a 0/0
    (a ZeroDivisionError in the compiled two-factor step, NaN then LinAlgError with three)."""
    from sparseopt.datasets import make_kronecker_sparse

    for shapes in (((8, 12), (8, 12)), ((4, 6), (4, 6), (3, 5))):
        factors, y = make_kronecker_sparse(shapes, 2, 10.0, random_state=seed)[:2]
        for method in ("svd", "am"):
            m = _quiet_fit(KroneckerSBL(method, prune=0.0, update=update), factors, y)
            assert np.all(np.isfinite(m.coef_)) and np.isfinite(m.noise_variance_)


def test_predict_keeps_the_imaginary_part_of_complex_inputs():
    factors, y = _small_problem()
    m = _quiet_fit(KroneckerSBL(), factors, y)
    G = [f + 1j * np.ones_like(f) for f in factors]
    np.testing.assert_allclose(m.predict(G), KroneckerOperator(G) @ m.coef_)
    assert np.iscomplexobj(m.predict(G))
    Xd = KroneckerOperator(factors).toarray()
    c = _quiet_fit(SparseBayesianRegression(), Xd, y)
    assert np.iscomplexobj(c.predict(Xd + 1j))


def test_predict_refuses_factors_of_another_split():
    factors, y = _small_problem()
    m = _quiet_fit(KroneckerSBL(), factors, y)
    with pytest.raises(ValueError, match="columns"):
        m.predict([np.ones((2, 8)), np.ones((2, 9)), np.ones((2, 5))], return_std=True)


@pytest.mark.parametrize("name", list(VARIANTS))
def test_aggressive_pruning_keeps_every_factor_nonempty(name):
    """Thresholds that prune everything else leave the largest entry of each factor (the
    interpreter aborted in scipy's nnls on an empty factor; 'am'/'svd' raised obscure errors)."""
    factors, y = _small_problem()
    m = _quiet_fit(KroneckerSBL(**VARIANTS[name], prune=0.999, prune_abs=0.999), factors, y)
    assert all(len(s) >= 1 for s in m.support_)
    assert np.all(np.isfinite(m.coef_))


def test_pure_noise_warns_that_no_signal_was_found():
    """Noise seen through a tall dictionary (4 unknowns, 200 observations): the evidence sets
    the prior to (near) zero and the fit says so."""
    rng = np.random.default_rng(5)
    factors = [rng.standard_normal((20, 2)), rng.standard_normal((10, 2))]
    y = rng.standard_normal(200)
    with pytest.warns(NoSignalWarning, match="noise explaining y"):
        m = KroneckerSBL(noise_variance=1.0).fit(factors, y)
    assert np.abs(m.coef_).max() < 0.2
    rng = np.random.default_rng(0)
    X = rng.standard_normal((200, 4))
    with pytest.warns(NoSignalWarning):
        SparseBayesianRegression().fit(X, rng.standard_normal(200) * 1e-3)
    assert issubclass(NoSignalWarning, ConvergenceWarning)


def test_inner_sweep_cap_is_reported():
    factors, y = _small_problem()
    with pytest.warns(ConvergenceWarning, match="max_inner=1"):
        KroneckerSBL("am", update="em", max_inner=1, inner_tol=0.0, max_iter=3).fit(factors, y)


@pytest.mark.parametrize("params, match", [
    (dict(method="am", structure="block", beta=-5), "beta"),
    (dict(method="am", structure="block", beta=np.nan), "beta"),
    (dict(method="am", structure="block", beta=[0.5, 0.5]), "beta"),
    (dict(prune=2.0), "prune"),
    (dict(prune=-1e-3), "prune"),
    (dict(prune=[1e-3, np.nan, 1e-3]), "prune"),
    (dict(prune_abs=1e3), "prune_abs"),
    (dict(coupling_floor=-1.0), "coupling_floor"),
    (dict(noise_variance=0.0), "noise_variance"),
    (dict(noise_variance=-1.0), "noise_variance"),
    (dict(noise_variance=np.inf), "noise_variance"),
    (dict(noise_variance="1"), "noise_variance"),
    (dict(max_inner=0), "max_inner"),
    (dict(max_inner=2.5), "max_inner"),
    (dict(max_iter=0), "max_iter"),
    (dict(tol=np.nan), "tol"),
    (dict(inner_tol=-1.0), "inner_tol"),
    (dict(update="fast"), "update"),
    (dict(polish="no"), "polish"),
    (dict(refine="x", method="am", structure="block"), "refine"),
    (dict(svd_solver="lapack"), "svd_solver"),
    (dict(method="am", structure="block", coupled_factors=(0, 7)), "coupled_factors"),
    (dict(method="am", structure="block", coupled_factors="ab"), "coupled_factors"),
])
def test_kronecker_sbl_parameters_are_validated(params, match):
    factors, y = _small_problem()
    with pytest.raises((ValueError, TypeError), match=match):
        KroneckerSBL(**params).fit(factors, y)


@pytest.mark.parametrize("factor_shapes", [[(2, 3)], [(0, 4), (3, 2)], [(2, 2.5)], "ab", 3])
def test_factor_shapes_are_validated(factor_shapes):
    X = np.random.default_rng(0).standard_normal((6, 8))
    with pytest.raises((ValueError, TypeError), match="factor_shapes|X has shape"):
        KroneckerSBL(factor_shapes=factor_shapes).fit(X, np.ones(6))


def test_empty_factor_is_refused():
    with pytest.raises(ValueError, match=r"X\[0\]"):
        KroneckerSBL().fit([np.ones((3, 0)), np.ones((2, 2))], np.ones(6))


@pytest.mark.parametrize("params, match", [
    (dict(prune=2.0), "prune"), (dict(noise_variance=np.inf), "noise_variance"),
    (dict(fit_intercept="no"), "fit_intercept"), (dict(update="x"), "update"),
    (dict(max_iter=2.5), "max_iter"), (dict(tol=-1), "tol"), (dict(polish=1), "polish"),
])
def test_classical_sbl_parameters_are_validated(params, match):
    X = np.random.default_rng(0).standard_normal((10, 4))
    with pytest.raises((ValueError, TypeError), match=match):
        SparseBayesianRegression(**params).fit(X, X[:, 0])


@pytest.mark.parametrize("kw, match", [
    (dict(n_ms=0), "n_ms"), (dict(n_bs=0), "n_bs"), (dict(n_irs=0), "n_irs"),
    (dict(n_grid=2.0), "n_grid"), (dict(n_paths=30), "n_paths"),
    (dict(random_state="abc"), "random_state"), (dict(random_state=1.5), "random_state"),
    (dict(random_state=-1), "random_state"),
])
def test_irs_scenario_validates_its_sizes_and_seed(kw, match):
    """n_ms=0 used to be accepted and draw() never returned."""
    with pytest.raises((ValueError, TypeError), match=match):
        IRSMIMOScenario(**kw)


@pytest.mark.parametrize("snr", [np.nan, np.inf, "20"])
def test_irs_scenario_validates_snr(irs, snr):
    scn, _ = irs
    with pytest.raises((ValueError, TypeError), match="snr_db"):
        scn.draw(snr_db=snr, random_state=0)


def test_nmse_vs_snr_reemits_the_estimators_warnings(irs):
    scn, _ = irs
    with pytest.warns(ConvergenceWarning, match=r"svd: KroneckerSBL did not converge.*\(in 2 of "
                                                r"2 trials\)"):
        nmse_vs_snr(scn, {"svd": KroneckerSBL(max_iter=1)}, [20], 2, random_state=0, n_jobs=2)
