"""Abuse suite of the public sparse Bayesian learning API: every call gives a clear error naming
the argument, or a verified result, in bounded time (table-driven cases plus hypothesis
properties). The scale sweeps of the estimators' y and factors are in ``test_robustness.py``;
this file extends them to ``X``, to the E-steps, ``from_dense`` and ``kronecker_omp``, and to
the extreme scales where variances leave the float range."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.exceptions import ConvergenceWarning, DataConversionWarning

from sparseopt.bayes import (
    KroneckerSBL,
    NoSignalWarning,
    SparseBayesianRegression,
    check_complex_array,
    dense_estep,
    from_dense,
    kron_estep,
    kronecker_omp,
)
from sparseopt.operators import KroneckerOperator

ERR = (ValueError, TypeError)
RNG = np.random.default_rng(0)
XD = RNG.standard_normal((20, 8))
YD = XD[:, [1, 5]] @ np.array([1.0, -2.0]) + 0.01 * RNG.standard_normal(20)
FA, FB = RNG.standard_normal((6, 8)), RNG.standard_normal((5, 7))
OP = KroneckerOperator([FA, FB])
_T = np.zeros((8, 7))
_T[np.ix_([1, 4], [2, 5])] = [[1.0, -2.0], [1.5, 0.7]]
XK = _T.ravel()
YK = OP @ XK + 0.01 * RNG.standard_normal(30)


def _quiet(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # short budgets, NoSignalWarning
        return fn()


SBR = _quiet(lambda: SparseBayesianRegression().fit(XD, YD))
KSBL = _quiet(lambda: KroneckerSBL().fit([FA, FB], YK))


def _abused(good, sparse=True):
    """(label, value) pairs of abusive versions of a 1-D or 2-D array, all to be refused."""
    nan, inf = good.astype(float).copy(), good.astype(float).copy()
    nan.flat[0], inf.flat[-1] = np.nan, -np.inf
    out = {"nan": nan, "inf": inf, "empty": good[:0], "strings": np.full(good.shape, "a"),
           "scalar": 3.0, "None": None, "3-D": good.reshape((1,) * (3 - good.ndim) + good.shape),
           "ragged": [[1.0], [1.0, 2.0]],
           "complex nan": good + 1j * np.nan}
    if good.ndim == 2:
        out.update({"1-D": good[0], "no columns": good[:, :0]})
        if sparse:
            out["sparse"] = sp.csr_matrix(good)
    else:
        out.update({"2 columns": np.c_[good, good]})
        if sparse:
            out["sparse"] = sp.csr_matrix(good[None])
    return out


# ------------------------------------------------------------------ refusals (table-driven)
DATA_CALLS = {  # name -> (call taking the abused array, the good array, the argument's name)
    "SBR.fit[X]": (lambda A: SparseBayesianRegression().fit(A, YD), XD, "X"),
    "SBR.fit[y]": (lambda A: SparseBayesianRegression().fit(XD, A), YD, r"\by\b"),
    "SBR.fit[X complex y]": (lambda A: SparseBayesianRegression().fit(A, YD + 1j), XD, "X"),
    "SBR.predict[X]": (lambda A: SBR.predict(A), XD, "X"),
    "SBR.predict_std[X]": (lambda A: SBR.predict(A, return_std=True), XD, "X"),
    "KSBL.fit[dense X]": (lambda A: KroneckerSBL(factor_shapes=[(6, 8), (5, 7)]).fit(A, YK),
                          OP.toarray(), "X"),
    "KSBL.fit[factor]": (lambda A: KroneckerSBL().fit([A, FB], YK), FA, r"\bX\b|X\[0\]"),
    "KSBL.fit[y]": (lambda A: KroneckerSBL().fit([FA, FB], A), YK, r"\by\b"),
    "KSBL.predict[X]": (lambda A: KSBL.predict(A), OP.toarray(), "X"),
    "KSBL.predict[factor]": (lambda A: KSBL.predict([FA, A], return_std=True), FB,
                             r"\bX\b|X\[1\]"),
    "dense_estep[H]": (lambda A: dense_estep(A, YD, np.ones(8), 1.0), XD, "H"),
    "dense_estep[y]": (lambda A: dense_estep(XD, A, np.ones(8), 1.0), YD, r"\by\b"),
    "kron_estep[factor]": (lambda A: kron_estep([A, FB], YK, [np.ones(8), np.ones(7)], 1.0), FA,
                           r"factors\[0\]"),
    "kron_estep[y]": (lambda A: kron_estep([FA, FB], A, [np.ones(8), np.ones(7)], 1.0), YK,
                      r"\by\b"),
    "from_dense[X]": (lambda A: from_dense(A, [(6, 8), (5, 7)]), OP.toarray(), "X"),
    "kronecker_omp[factor]": (lambda A: kronecker_omp([A, FB], YK), FA, r"\bX\b|X\[0\]"),
    "kronecker_omp[y]": (lambda A: kronecker_omp([FA, FB], A), YK, r"\by\b"),
    "check_complex_array[2-D]": (lambda A: check_complex_array(A, "Z", ndim=2), XD, "Z"),
    "check_complex_array[1-D]": (lambda A: check_complex_array(A, "Z", ndim=1), YD, "Z"),
}


def _data_cases():
    cases = []
    for fname, (call, good, name) in DATA_CALLS.items():
        for label, value in _abused(good).items():
            cases.append(pytest.param(call, value, name, id=f"{fname}-{label}"))
    return cases


@pytest.mark.parametrize("call, value, match", _data_cases())
def test_bad_data_is_refused_naming_the_argument(call, value, match):
    with pytest.raises(ERR, match=match):
        _quiet(lambda: call(value))


MISMATCHES = [  # shapes that do not fit together
    ("SBR.fit y short", lambda: SparseBayesianRegression().fit(XD, YD[:3]), "inconsistent"),
    ("SBR complex y short", lambda: SparseBayesianRegression().fit(XD + 1j, YD[:3]),
     "inconsistent"),
    ("SBR one sample", lambda: SparseBayesianRegression().fit(XD[:1], YD[:1]), "n_samples"),
    ("SBR.predict features", lambda: SBR.predict(XD[:, :3] + 1j), "features"),
    ("KSBL y short", lambda: KroneckerSBL().fit([FA, FB], YK[:5]), "inconsistent"),
    ("KSBL predict operator", lambda: KSBL.predict(KroneckerOperator([FA, FB[:, :3]])),
     "columns"),
    ("KSBL predict dense", lambda: KSBL.predict(OP.toarray()[:, :5]), "features"),
    ("KSBL empty factor list", lambda: KroneckerSBL().fit([], YK), "X"),
    ("KSBL factor_shapes", lambda: KroneckerSBL(factor_shapes=[(2, 3)]).fit(OP.toarray(), YK),
     "factor_shapes"),
    ("dense_estep gamma short", lambda: dense_estep(XD, YD, np.ones(3), 1.0), "gamma"),
    ("dense_estep gamma negative", lambda: dense_estep(XD, YD, -np.ones(8), 1.0), "gamma"),
    ("dense_estep gamma nan", lambda: dense_estep(XD, YD, np.full(8, np.nan), 1.0), "gamma"),
    ("dense_estep y short", lambda: dense_estep(XD, YD[:3], np.ones(8), 1.0), r"\by\b"),
    ("kron_estep gammas count", lambda: kron_estep([FA, FB], YK, [np.ones(8)], 1.0), "gammas"),
    ("kron_estep gamma length", lambda: kron_estep([FA, FB], YK, [np.ones(3), np.ones(7)], 1.0),
     r"gammas\[0\]"),
    ("kron_estep gamma 2-D", lambda: kron_estep([FA, FB], YK, [np.ones((8, 1)), np.ones(7)],
                                                1.0), r"gammas\[0\]"),
    ("kron_estep gamma negative", lambda: kron_estep([FA, FB], YK, [-np.ones(8), np.ones(7)],
                                                     1.0), r"gammas\[0\]"),
    ("kron_estep factors None", lambda: kron_estep(None, YK, [np.ones(8)], 1.0), "factors"),
    ("kron_estep no factors", lambda: kron_estep([], YK, [], 1.0), "factors"),
    ("kron_estep y short", lambda: kron_estep([FA, FB], YK[:3], [np.ones(8), np.ones(7)], 1.0),
     r"\by\b"),
    ("from_dense not Kronecker", lambda: from_dense(XD[:6, :6], [(2, 3), (3, 2)]), "Kronecker"),
    ("from_dense wrong shapes", lambda: from_dense(OP.toarray(), [(5, 7), (6, 8)]), "Kronecker"),
    ("from_dense shapes product", lambda: from_dense(OP.toarray(), [(2, 3)]), "factor_shapes"),
    ("kronecker_omp X None", lambda: kronecker_omp(None, YK), "X"),
    ("kronecker_omp X sparse", lambda: kronecker_omp(sp.csr_matrix(FA), YK[:6]), "X"),
    ("kronecker_omp y short", lambda: kronecker_omp([FA, FB], YK[:3]), r"\by\b"),
    ("check_complex_array ndim", lambda: check_complex_array(XD, "Z", ndim=3), "ndim"),
]


@pytest.mark.parametrize("call, match", [pytest.param(c, m, id=label)
                                         for label, c, m in MISMATCHES])
def test_mismatched_arguments_are_named(call, match):
    with pytest.raises(ERR, match=match):
        _quiet(call)


NUMBERS = [-1.0, np.nan, np.inf, "abc", None, True, [1.0]]  # refused by float parameters
INTS = [0, -1, 2.5, "abc", None, True]
SBR_PARAMS = {
    "max_iter": INTS, "tol": [-1.0, np.nan, np.inf, "abc", None, True],
    "noise_variance": [0.0, -1.0, np.nan, np.inf, "abc", True, [1.0]],
    "prune": [1.0, -0.1, np.nan, "abc", None, True], "update": ["x", None, 1, "EM"],
    "fit_intercept": ["no", 1, None], "polish": ["no", 0, None],
    "verbose": [-1, "abc", np.nan, 1.5, [1]],
}
KSBL_PARAMS = {
    "method": ["x", None, 1, "SVD"], "structure": ["x", None], "svd_solver": ["x", None],
    "update": ["x", None], "polish": ["no", 1, None], "refine": ["x", 1],
    "max_iter": INTS, "max_inner": INTS, "tol": NUMBERS, "inner_tol": NUMBERS,
    "noise_variance": [0.0, -1.0, np.nan, np.inf, "abc", True],
    "prune": [1.0, -1.0, np.nan, "abc", None, [0.1, 0.2, 0.3], [[0.1]]],
    "prune_abs": [1.0, -1.0, np.nan, None, "abc"],
    "verbose": [-1, "abc", np.nan, 1.5, [1]],
    "factor_shapes": ["ab", 3, [(6, 8), (5, 7.5)], [(6, 8, 1)], []],
}
PC_PARAMS = {  # the pattern-coupled variant's own parameters
    "beta": [-1.0, np.nan, "abc", None, [1.0, 2.0, 3.0]],
    "coupled_factors": [(5,), "ab", 1.5, [0.5], [-1], [True]],
    "coupling_floor": [-1.0, np.nan, np.inf, "abc", None],
}


def _param_cases():
    cases = []
    for est, table, extra in ((SparseBayesianRegression, SBR_PARAMS, {}),
                              (KroneckerSBL, KSBL_PARAMS, {}),
                              (KroneckerSBL, PC_PARAMS, dict(method="am", structure="block"))):
        for name, values in table.items():
            cases += [pytest.param(est, extra, name, v, id=f"{est.__name__}-{name}={v!r}"[:70])
                      for v in values]
    return cases


@pytest.mark.parametrize("est, extra, name, value", _param_cases())
def test_bad_hyper_parameters_are_named(est, extra, name, value):
    model = est(**extra, **{name: value})
    data = (XD, YD) if est is SparseBayesianRegression else (
        (OP.toarray(), YK) if name == "factor_shapes" else ([FA, FB], YK))
    with pytest.raises(ERR, match=name):
        _quiet(lambda: model.fit(*data))


FUNC_PARAMS = [
    ("dense_estep", lambda v: dense_estep(XD, YD, np.ones(8), v), "sigma2",
     [0.0, -1.0, np.nan, np.inf, "abc", None]),
    ("kron_estep", lambda v: kron_estep([FA, FB], YK, [np.ones(8), np.ones(7)], v), "sigma2",
     [0.0, -1.0, np.nan, "abc"]),
    ("kron_estep", lambda v: kron_estep([FA, FB], YK, [np.ones(8), np.ones(7)], 1.0,
                                        return_parts=v), "return_parts", ["yes", 1, None]),
    ("kronecker_omp", lambda v: kronecker_omp([FA, FB], YK, noise_variance=v), "noise_variance",
     [-1.0, np.nan, np.inf, "abc", True]),
    ("kronecker_omp", lambda v: kronecker_omp([FA, FB], YK, max_atoms=v), "max_atoms",
     [-1, 2.5, "abc", True]),
    ("from_dense", lambda v: from_dense(OP.toarray(), v), "factor_shapes",
     [None, 3, "ab", [], [(6, 8, 1), (5, 7)], [(6.0, 8), (5, 7)], [(-6, -8), (-5, -7)]]),
]


@pytest.mark.parametrize("fn, name, value", [
    pytest.param(fn, name, v, id=f"{label}-{name}={v!r}"[:70])
    for label, fn, name, values in FUNC_PARAMS for v in values])
def test_bad_function_arguments_are_named(fn, name, value):
    with pytest.raises(ERR, match=name):
        fn(value)


# ------------------------------------------------------------------ correct results
@pytest.mark.parametrize("convert", [
    np.asfortranarray, lambda X: np.repeat(X, 2, axis=1)[:, ::2], lambda X: X.astype(object),
    lambda X: X.tolist()], ids=["fortran", "strided", "object", "list"])
def test_layouts_and_dtypes_give_the_float64_answer(convert):
    """The float64 answer, up to the rounding of a different memory layout."""
    got = _quiet(lambda: SparseBayesianRegression().fit(convert(XD), YD))
    np.testing.assert_allclose(got.coef_, SBR.coef_, rtol=1e-12, atol=1e-15)
    got = _quiet(lambda: KroneckerSBL().fit([convert(FA), convert(FB)], YK))
    np.testing.assert_allclose(got.coef_, KSBL.coef_, rtol=1e-12, atol=1e-15)


def test_object_arrays_of_complex_numbers_are_complex_data():
    Xc = XD + 1j * RNG.standard_normal(XD.shape)
    ref = _quiet(lambda: SparseBayesianRegression().fit(Xc, YD))
    got = _quiet(lambda: SparseBayesianRegression().fit(Xc.astype(object), YD))
    np.testing.assert_array_equal(got.coef_, ref.coef_)
    assert got.coef_.dtype == np.complex128
    z = check_complex_array(np.array([1 + 1j, 2], dtype=object), "z", ndim=1)
    np.testing.assert_array_equal(z, [1 + 1j, 2])


def test_complex_x_on_a_real_model_keeps_the_imaginary_part():
    """A real model applied to complex X is the complex linear prediction (the imaginary part
    used to be dropped)."""
    Xc = XD[:3] + 1j * XD[3:6]
    np.testing.assert_allclose(SBR.predict(Xc), Xc @ SBR.coef_ + SBR.intercept_, rtol=1e-12)
    Hc = OP.toarray()[:3] + 1j
    np.testing.assert_allclose(KSBL.predict(Hc), Hc @ KSBL.coef_, rtol=1e-12)
    assert np.iscomplexobj(KSBL.predict(Hc, return_std=True)[0])


def test_degenerate_data():
    one = _quiet(lambda: SparseBayesianRegression().fit(XD[:, 1:2], YD))  # one feature
    assert one.coef_.shape == (1,) and np.isfinite(one.coef_).all()
    assert one.coef_[0] == pytest.approx(np.polyfit(XD[:, 1], YD, 1)[0], rel=0.2)
    two = _quiet(lambda: SparseBayesianRegression().fit(XD[:2], YD[:2]))  # two samples
    assert np.isfinite(two.coef_).all() and np.isfinite(two.noise_variance_)
    single = _quiet(lambda: KroneckerSBL().fit([np.array([[2.0]])], np.array([3.0])))
    assert single.coef_.shape == (1,) and np.isfinite(single.coef_).all()
    assert 0.0 < single.coef_[0] <= 1.5  # shrunk towards 0 from the least-squares 1.5
    one_row = _quiet(lambda: KroneckerSBL().fit([FA[:1], FB[:1]], YK[:1]))
    assert np.isfinite(one_row.coef_).all()
    assert abs(YK[0] - one_row.predict([FA[:1], FB[:1]])[0]) <= abs(YK[0])


@pytest.mark.parametrize("fit", [
    lambda y: SparseBayesianRegression().fit(np.zeros((20, 3)), y),
    lambda y: SparseBayesianRegression(fit_intercept=False).fit(np.zeros((20, 3)), y),
    lambda y: KroneckerSBL().fit([np.zeros((4, 3)), np.ones((5, 2))], y),
    lambda y: KroneckerSBL("am", structure="block").fit([np.ones((4, 3)), np.zeros((5, 2))], y)],
    ids=["SBR", "SBR-no-intercept", "KSBL-svd", "KSBL-pc"])
def test_a_zero_dictionary_leaves_y_to_the_noise(fit):
    """Nothing can explain y: coef is 0, the learnt noise variance is the energy of (centred) y
    per sample, and NoSignalWarning says so (KroneckerSBL used to raise LinAlgError; classical
    SBL went through overflow and NaN warnings)."""
    y = RNG.standard_normal(20)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.warns(NoSignalWarning):
            model = fit(y)
    assert np.all(model.coef_ == 0)
    centred = y - y.mean() if getattr(model, "fit_intercept", False) else y
    assert model.noise_variance_ == pytest.approx(np.mean(centred**2), rel=1e-12)
    assert np.isfinite(model.history_["cost"]).all()


def test_column_vector_y_is_raveled_with_a_warning():
    with pytest.warns(DataConversionWarning):
        got = _quiet(lambda: KroneckerSBL().fit([FA, FB], YK[:, None]))
    np.testing.assert_array_equal(got.coef_, KSBL.coef_)
    with pytest.warns(DataConversionWarning):
        _quiet(lambda: SparseBayesianRegression().fit(XD + 0j, (YD + 0j)[:, None]))


def test_e_steps_accept_an_operator_and_agree():
    gammas = [RNG.uniform(0.5, 2, 8), RNG.uniform(0.5, 2, 7)]
    a = kron_estep(OP, YK, gammas, 0.3)
    b = kron_estep([FA, FB], YK, gammas, 0.3)
    c = dense_estep(OP.toarray(), YK, np.kron(*gammas), 0.3)
    for x, y_, z in zip(a, b, c, strict=True):
        np.testing.assert_allclose(x, y_, rtol=1e-12)
        np.testing.assert_allclose(x, z, rtol=1e-8, atol=1e-10)


def test_kronecker_omp_edge_cases():
    """No atom is chosen twice (max_atoms above N used to repeat column 0), nothing is chosen
    when nothing correlates with the residual, and max_atoms=0 is the empty model."""
    coef, support = kronecker_omp([FA[:, :2], FB[:, :2]], YK, max_atoms=50)
    assert len(support) == len(set(support.tolist())) == 4
    coef0, support0 = kronecker_omp([FA, FB], np.zeros(30))
    assert support0.size == 0 and np.all(coef0 == 0)
    coef0, support0 = kronecker_omp([np.zeros((6, 8)), FB], YK)
    assert support0.size == 0 and np.all(coef0 == 0)
    assert kronecker_omp([FA, FB], YK, max_atoms=0)[1].size == 0
    coef, support = kronecker_omp([FA, FB], YK, noise_variance=1e-3)  # the stopping rule
    assert np.all(coef[np.setdiff1d(np.arange(56), support)] == 0)
    assert np.sum((YK - OP @ coef) ** 2) <= 30 * 1e-3
    fewer = kronecker_omp([FA, FB], YK, max_atoms=len(support) - 1)[0]
    assert np.sum((YK - OP @ fewer) ** 2) > 30 * 1e-3


def test_kronecker_omp_on_complex_data():
    rng = np.random.default_rng(3)
    factors = [rng.standard_normal((12, 4)) + 1j * rng.standard_normal((12, 4)) for _ in "ab"]
    x = np.zeros(16, dtype=complex)
    x[[2, 9]] = [1 - 2j, 0.5j]
    y = KroneckerOperator(factors) @ x
    coef, support = kronecker_omp(factors, y, noise_variance=1e-20)
    assert sorted(support.tolist()) == [2, 9] and coef.dtype == np.complex128
    np.testing.assert_allclose(coef, x, atol=1e-10)
    op = KroneckerOperator(factors)
    saved = [f.copy() for f in op.factors]
    _quiet(lambda: KroneckerSBL().fit(op, y)).predict(op, return_std=True)
    for f, g in zip(op.factors, saved, strict=True):  # the operator is not modified either
        np.testing.assert_array_equal(f, g)


def test_from_dense_on_float32_and_complex_products():
    """A float32 Kronecker product is one to float32 precision (it was refused as 'not a
    Kronecker product' by a tolerance below float32's resolution)."""
    X32 = OP.toarray().astype(np.float32)
    np.testing.assert_allclose(from_dense(X32, [(6, 8), (5, 7)]).toarray(), X32, rtol=1e-5,
                               atol=1e-6)
    Xc = np.kron(FA + 1j * FA[::-1], FB)
    np.testing.assert_allclose(from_dense(Xc, [(6, 8), (5, 7)]).toarray(), Xc, atol=1e-12)
    np.testing.assert_array_equal(from_dense(np.zeros((30, 56)), [(6, 8), (5, 7)]).toarray(), 0)


def test_inputs_are_not_modified():
    X, y, F, G = XD.copy(), YD.copy(), [FA.copy(), FB.copy()], [np.ones(8), np.ones(7)]
    _quiet(lambda: SparseBayesianRegression().fit(X, y)).predict(X, return_std=True)
    _quiet(lambda: KroneckerSBL("am", structure="block").fit(F, YK.copy())).predict(
        F, return_std=True)
    dense_estep(X, y, np.ones(8), 1.0)
    kron_estep(F, YK, G, 1.0)
    kronecker_omp(F, YK)
    from_dense(OP.toarray(), [(6, 8), (5, 7)])
    for got, ref in ((X, XD), (y, YD), (F[0], FA), (F[1], FB), (G[0], np.ones(8))):
        np.testing.assert_array_equal(got, ref)


# ------------------------------------------------------------------ scale sweeps
@pytest.mark.parametrize("scale", [1e-100, 1e-10, 1e10, 1e100])
def test_classical_sbl_scaling_x(scale):
    """Scaling X scales coef by 1/c exactly (the y sweep is in test_robustness.py)."""
    got = _quiet(lambda: SparseBayesianRegression().fit(XD * scale, YD))
    np.testing.assert_allclose(got.coef_, SBR.coef_ / scale, rtol=1e-8,
                               atol=1e-12 * np.abs(SBR.coef_).max() / scale)
    assert got.intercept_ == pytest.approx(SBR.intercept_, rel=1e-8)
    assert got.noise_variance_ == pytest.approx(SBR.noise_variance_, rel=1e-8)


@pytest.mark.parametrize("scale", [1e-100, 1e100])
def test_given_noise_variance_scales_with_y(scale):
    """A known noise variance is scaled with y (it divided by cy**2, which underflowed)."""
    ref = _quiet(lambda: KroneckerSBL(noise_variance=1e-4).fit([FA, FB], YK))
    got = _quiet(lambda: KroneckerSBL(noise_variance=1e-4 * scale**2).fit([FA, FB], YK * scale))
    np.testing.assert_allclose(got.coef_, ref.coef_ * scale, rtol=1e-8,
                               atol=1e-12 * np.abs(ref.coef_).max() * scale)
    ref = _quiet(lambda: SparseBayesianRegression(noise_variance=1e-4).fit(XD, YD))
    got = _quiet(lambda: SparseBayesianRegression(noise_variance=1e-4 * scale**2).fit(
        XD, YD * scale))
    np.testing.assert_allclose(got.coef_, ref.coef_ * scale, rtol=1e-8)


@pytest.mark.parametrize("scale", [1e-200, 1e200])
def test_extreme_scales_keep_coef_and_saturate_variances(scale):
    """Beyond 1e154 the variances leave the float range: coef stays exact and the variances
    saturate at inf or 0 (both estimators raised OverflowError from Python's float power)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        for ref, fit in ((SBR, lambda: SparseBayesianRegression().fit(XD, YD * scale)),
                         (KSBL, lambda: KroneckerSBL().fit([FA, FB], YK * scale))):
            got = _quiet(fit)
            np.testing.assert_allclose(got.coef_, ref.coef_ * scale, rtol=1e-8,
                                       atol=1e-12 * np.abs(ref.coef_).max() * scale)
            expected = ref.noise_variance_ * scale**2 if scale < 1 else np.inf
            assert got.noise_variance_ == pytest.approx(expected, abs=0)
            assert np.isfinite(got.history_["cost"]).all()
        tiny_x = _quiet(lambda: SparseBayesianRegression().fit(XD / scale, YD))
        np.testing.assert_allclose(tiny_x.coef_, SBR.coef_ * scale, rtol=1e-8,
                                   atol=1e-12 * np.abs(SBR.coef_).max() * scale)


@pytest.mark.parametrize("scale", [1e-100, 1e-20, 1e20, 1e100])
def test_e_steps_are_scale_equivariant(scale):
    """(H, c y, c^2 gamma, c^2 sigma2): mu * c, s * c^2, cost + M log c^2, resid2 * c^2."""
    c = np.sqrt(scale)
    for estep, args in ((dense_estep, (XD, YD, RNG.uniform(0.5, 2, 8), 0.3)),
                        (dense_estep, (XD[:, :5], YD, RNG.uniform(0.5, 2, 5), 0.3)),
                        (kron_estep, ([FA, FB], YK, [np.ones(8), np.ones(7)], 0.3))):
        H, y, g, s2 = args
        gs = g * scale if estep is dense_estep else [g[0] * scale, g[1]]
        ref, got = estep(H, y, g, s2), estep(H, y * c, gs, s2 * scale)
        np.testing.assert_allclose(got[0], ref[0] * c, rtol=1e-9, atol=1e-14 * c)
        np.testing.assert_allclose(got[1], ref[1] * scale, rtol=1e-9, atol=1e-14 * scale)
        assert got[2] == pytest.approx(ref[2] + len(y) * np.log(scale), rel=1e-9, abs=1e-7)
        assert got[3] == pytest.approx(ref[3] * scale, rel=1e-7)
        assert got[4] == pytest.approx(ref[4], rel=1e-9)


@pytest.mark.parametrize("scale", [1e-300, 1e-100, 1e100, 1e300])
def test_from_dense_is_scale_equivariant(scale):
    """from_dense(c X) has the unit factors of from_dense(X) and c times its last factor; a
    matrix that is not a Kronecker product is refused at every scale (below 1e-154 and above
    1e154 the misfit test used to under/overflow and accept anything)."""
    X = OP.toarray()
    ref, got = from_dense(X, [(6, 8), (5, 7)]), from_dense(X * scale, [(6, 8), (5, 7)])
    np.testing.assert_allclose(got.factors[0], ref.factors[0], rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(got.factors[1], ref.factors[1] * scale, rtol=1e-10,
                               atol=1e-14 * scale)
    with pytest.raises(ValueError, match="not a Kronecker product"):
        from_dense(RNG.standard_normal((30, 56)) * scale, [(6, 8), (5, 7)])


@pytest.mark.parametrize("scale", [1e-200, 1e-100, 1e100, 1e200])
def test_kronecker_omp_is_scale_equivariant(scale):
    """Scaling y (and the noise variance), or a factor, scales coef and keeps the support
    (column norms of factors scaled by 1e-200 underflowed and OMP picked columns 0, 1, 2)."""
    ref_coef, ref_supp = kronecker_omp([FA, FB], YK, noise_variance=1e-3)
    c = np.sqrt(scale)  # the noise variance scales with c^2
    coef, supp = kronecker_omp([FA, FB], YK * c, noise_variance=1e-3 * scale)
    np.testing.assert_array_equal(supp, ref_supp)
    np.testing.assert_allclose(coef, ref_coef * c, rtol=1e-10)
    coef, supp = kronecker_omp([FA * scale, FB], YK, noise_variance=1e-3)
    np.testing.assert_array_equal(supp, ref_supp)
    np.testing.assert_allclose(coef, ref_coef / scale, rtol=1e-10)


# ------------------------------------------------------------------ properties
@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 4), st.integers(1, 4)), min_size=1, max_size=3),
       st.booleans(), st.integers(0, 2**32 - 1))
def test_property_from_dense_recovers_kronecker_products(shapes, complex_, seed):
    rng = np.random.default_rng(seed)
    factors = [rng.standard_normal(s) + (1j * rng.standard_normal(s) if complex_ else 0)
               for s in shapes]
    X = KroneckerOperator(factors).toarray()
    op = from_dense(X, shapes)
    assert op.factor_shapes == [tuple(s) for s in shapes]
    np.testing.assert_allclose(op.toarray(), X, atol=1e-9 * np.abs(X).max())
    for f in op.factors[:-1]:
        assert np.linalg.norm(f) == pytest.approx(1.0)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 4), st.integers(1, 4), st.integers(0, 20), st.integers(-60, 60),
       st.integers(0, 2**32 - 1))
def test_property_kronecker_omp_support_and_exact_power_of_two_scaling(n1, n2, max_atoms, e,
                                                                        seed):
    rng = np.random.default_rng(seed)
    factors = [rng.standard_normal((3, n1)), rng.standard_normal((2, n2))]
    y = rng.standard_normal(6)
    coef, support = kronecker_omp(factors, y, max_atoms=max_atoms)
    assert len(support) == len(set(support.tolist())) <= min(max_atoms, n1 * n2)
    assert np.all(coef[np.setdiff1d(np.arange(n1 * n2), support)] == 0)
    H = np.kron(*factors)
    assert np.linalg.norm(y - H @ coef) <= np.linalg.norm(y) * (1 + 1e-12)
    c = 2.0**e  # powers of two: the answer is scaled bit for bit
    coef_c, support_c = kronecker_omp([factors[0] * c, factors[1]], y * c, max_atoms=max_atoms)
    np.testing.assert_array_equal(support_c, support)
    np.testing.assert_array_equal(coef_c, coef)


@settings(max_examples=25, deadline=None)
@given(st.integers(2, 6), st.integers(1, 6), st.booleans(), st.integers(0, 2**32 - 1))
def test_property_sbl_fits_are_finite_and_predict_consistently(n, p, complex_, seed):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) + (1j * rng.standard_normal((n, p)) if complex_ else 0)
    y = rng.standard_normal(n)
    model = _quiet(lambda: SparseBayesianRegression().fit(X, y))
    assert model.coef_.shape == (p,) and np.isfinite(model.coef_).all()
    assert np.all(model.gamma_ >= 0) and model.noise_variance_ >= 0
    mean, std = model.predict(X, return_std=True)
    np.testing.assert_allclose(mean, X @ model.coef_ + model.intercept_, atol=1e-10)
    assert np.all(std >= np.sqrt(model.noise_variance_) * (1 - 1e-12))
