"""Abuse suite of the public linear models (``sparseopt.linear_model``): every call gives a
clear error naming the argument, or a verified correct result, in bounded time."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.exceptions import ConvergenceWarning

from sparseopt.datafits import Logistic, Quadratic
from sparseopt.linear_model import (
    GeneralizedLinearEstimator,
    GroupSparseRegression,
    Lasso,
    LassoCV,
    SparseLogisticRegression,
    lasso_path,
)
from sparseopt.penalties import L1, GroupL2
from sparseopt.reference import lasso_reference, logistic_l1_reference
from sparseopt.solvers import BlockCoordinateDescent, ProximalGradient
from sparseopt.utils import primal_objective

ERR = (ValueError, TypeError)
RNG = np.random.default_rng(0)
X = RNG.standard_normal((40, 6))
Y = X[:, 0] - 2.0 * X[:, 3] + 0.1 * RNG.standard_normal(40) + 0.5
YC = (Y > np.median(Y)).astype(int)
GROUPS = 2  # three groups of two features


def _quiet(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return fn()


def _bad_arrays(good, sparse_ok=True):
    nan, inf = good.astype(float), good.astype(float)
    nan.flat[0], inf.flat[-1] = np.nan, np.inf
    out = {"nan": nan, "inf": inf, "complex": good + 1j, "strings": np.full(good.shape, "a"),
           "empty": good[:0], "object": np.full(good.shape, None)}
    if good.ndim == 2:
        out["3d"] = good[:, :, None]
        out["no_features"] = good[:, :0]
        if sparse_ok:
            nan_sp = sp.csr_matrix(good)
            nan_sp.data[0] = np.nan
            out["sparse_nan"] = nan_sp
        else:
            out["sparse"] = sp.csr_matrix(good)
    else:
        out["2d"] = np.column_stack([good, good])
        out["short"] = good[:-1]
    return out


def _gsr(**kw):
    return GroupSparseRegression(**{"n_groups_active": 1, "groups": GROUPS, "alpha": 0.1, **kw})


def _gle(**kw):
    return GeneralizedLinearEstimator(**{"datafit": Quadratic(), "penalty": L1(0.05), **kw})


FITS = {  # name -> (factory, target, accepts sparse X)
    "Lasso": (lambda: Lasso(alpha=0.05), Y, True),
    "LassoCV": (lambda: LassoCV(n_alphas=4, cv=2), Y, True),
    "SparseLogisticRegression": (lambda: SparseLogisticRegression(alpha=0.01), YC, True),
    "GroupSparseRegression": (_gsr, Y, False),
    "GeneralizedLinearEstimator": (_gle, Y, True),
}


@pytest.mark.parametrize("factory, target, value", [
    pytest.param(f, t, v, id=f"{name}.fit[X]-{label}")
    for name, (f, t, sparse_ok) in FITS.items()
    for label, v in _bad_arrays(X, sparse_ok).items()])
def test_bad_X_is_refused(factory, target, value):
    with pytest.raises(ERR, match="X|[Ss]parse|sample|feature|dimension|finite|complex|"
                                  "string|float|array"):
        _quiet(lambda: factory().fit(value, target))


@pytest.mark.parametrize("factory, target, value", [
    pytest.param(f, t, v, id=f"{name}.fit[y]-{label}")
    for name, (f, t, _) in FITS.items()
    for label, v in _bad_arrays(t.astype(float)).items()
    if not (label == "2d" and name == "GeneralizedLinearEstimator")])
def test_bad_y_is_refused(factory, target, value):
    with pytest.raises(ERR, match="y|sample|finite|complex|string|float|class|target|"
                                  "dimension|shape|array|inconsistent"):
        _quiet(lambda: factory().fit(X, value))


@pytest.mark.parametrize("name", list(FITS))
def test_predict_refuses_bad_X(name):
    factory, target, _ = FITS[name]
    est = _quiet(lambda: factory().fit(X, target))
    for bad in (X[:, :3], np.full_like(X, np.nan), X + 1j, np.full(X.shape, "a")):
        with pytest.raises(ERR):
            est.predict(bad)


HYPER = [  # (factory, target, parameter, bad values)
    (Lasso, Y, "alpha", [-1.0, np.nan, np.inf, "a", None, True, 1j]),
    (Lasso, Y, "fit_intercept", ["no", 1, None]),
    (Lasso, Y, "positive", ["no", 1, None]),
    (Lasso, Y, "warm_start", ["yes", 0]),
    (Lasso, Y, "max_iter", [0, -1, 2.5, "a", True]),
    (Lasso, Y, "tol", [-1.0, np.nan, np.inf, "a", None]),
    (Lasso, Y, "verbose", [-1, 1.5, "a"]),
    (Lasso, Y, "solver", ["cd", 3, ProximalGradient()]),
    (LassoCV, Y, "alphas", ["a", [1.0, "x"], [-1.0], [], [np.nan], [1.0, np.inf], [True]]),
    (LassoCV, Y, "n_alphas", [0, -1, 2.5, "a", None]),
    (LassoCV, Y, "eps", [0.0, -1.0, 10.0, np.nan, "a", None]),
    (LassoCV, Y, "cv", [0, 1, "a", 2.5]),
    (LassoCV, Y, "n_jobs", [0, 1.5, "a"]),
    (LassoCV, Y, "fit_intercept", ["no", None]),
    (LassoCV, Y, "tol", [-1.0, np.nan]),
    (LassoCV, Y, "max_iter", [0, 2.5]),
    (LassoCV, Y, "verbose", [-1, "a"]),
    (LassoCV, Y, "solver", ["cd"]),
    (SparseLogisticRegression, YC, "alpha", [-1.0, np.nan, np.inf, "a", None]),
    (SparseLogisticRegression, YC, "fit_intercept", ["no", None]),
    (SparseLogisticRegression, YC, "warm_start", ["yes"]),
    (SparseLogisticRegression, YC, "max_iter", [0, -1, 2.5, "a"]),
    (SparseLogisticRegression, YC, "tol", [-1.0, np.nan, "a"]),
    (SparseLogisticRegression, YC, "solver", ["saga", 3]),
    (SparseLogisticRegression, YC, "verbose", [-1, "a"]),
    (_gsr, Y, "n_groups_active", [0, -1, 4, 1.5, "1", None, True]),
    (_gsr, Y, "groups", [0, 4, "a", [[0, 1], [1, 2]], [[0, 1]], [[0, 9]], None]),
    (_gsr, Y, "alpha", [0.0, -1.0, np.nan, np.inf, "a"]),
    (_gsr, Y, "weights", [np.ones(2), -np.ones(3), np.zeros(3), "root", np.full(3, np.nan)]),
    (_gsr, Y, "exact", ["no", 1, None]),
    (_gsr, Y, "fit_intercept", ["no", None]),
    (_gsr, Y, "warm_start", ["yes"]),
    (_gsr, Y, "continuation", [(0.0, 1.1), (0.5, 1.0), (2.0, 1.1), "a", (0.5,)]),
    (_gsr, Y, "max_iter", [0, 2.5, "a"]),
    (_gsr, Y, "tol", [-1.0, np.nan]),
    (_gsr, Y, "solver", [BlockCoordinateDescent(), "pg"]),
    (_gle, Y, "datafit", ["quadratic", 3]),
    (_gle, Y, "penalty", ["l1", 3]),
    (_gle, Y, "solver", ["bcd", 3]),
    (_gle, Y, "fit_intercept", ["no", None]),
]


@pytest.mark.parametrize("factory, target, name, value", [
    pytest.param(f, t, n, v, id=f"{getattr(f, '__name__', 'f')}-{n}={v!r}"[:70])
    for f, t, n, values in HYPER for v in values])
def test_bad_hyper_parameters_are_named(factory, target, name, value):
    with pytest.raises(ERR, match=name):
        _quiet(lambda: factory(**{name: value}).fit(X, target))


PATH_BAD = {"alphas": ["a", [1.0, "x"], [-1.0], [], [np.nan]], "n_alphas": [0, 2.5, "a"],
            "eps": [0.0, 10.0, np.nan, "a"], "fit_intercept": ["no"], "tol": [-1.0, np.nan],
            "max_iter": [0, 2.5], "n_jobs": [0, "a"], "return_intercepts": ["yes"],
            "solver": ["cd"], "verbose": [-1, "a"]}


@pytest.mark.parametrize("name, value", [pytest.param(n, v, id=f"{n}={v!r}")
                                         for n, values in PATH_BAD.items() for v in values])
def test_lasso_path_bad_arguments_are_named(name, value):
    with pytest.raises(ERR, match=name):
        _quiet(lambda: lasso_path(X, Y, **{name: value}))


@pytest.mark.parametrize("label, Xb, yb", [
    ("X nan", np.full_like(X, np.nan), Y), ("y inf", X, np.full_like(Y, np.inf)),
    ("y rows", X, Y[:-1]), ("y 3d", X, Y[:, None, None]), ("X 1d", Y, Y),
    ("X complex", X + 1j, Y),
    ("y empty targets", X, Y[:, :0] if Y.ndim == 2 else Y[:, None][:, :0]),
])
def test_lasso_path_bad_data_is_refused(label, Xb, yb):
    with pytest.raises(ERR):
        _quiet(lambda: lasso_path(Xb, yb))


def test_logistic_target_errors():
    with pytest.raises(ValueError, match="class"):
        SparseLogisticRegression().fit(X, np.zeros(40))  # a single class
    with pytest.raises(ValueError, match="continuous|class|target"):
        SparseLogisticRegression().fit(X, Y)  # continuous targets


# ------------------------------------------------------------------ correct results
def _lasso_ok(est, Xd, y, alpha, fit_intercept=True):
    """The fitted Lasso is optimal: objective within tolerance of the cvxpy reference."""
    _, _, obj_ref = lasso_reference(Xd, y, alpha, fit_intercept=fit_intercept)
    b = est.intercept_ if fit_intercept else 0.0
    obj = primal_objective(Quadratic(), L1(alpha), Xd, y, est.coef_, b)
    assert obj <= obj_ref + 1e-6 * max(abs(obj_ref), 1e-12)


@pytest.mark.parametrize("fmt", ["F", "C_strided", "int", "float32", "list", "csr", "csc",
                                 "coo", "lil", "csr_array", "csc_array", "bool"])
def test_layouts_dtypes_and_sparse_formats(fmt):
    Xi = np.round(2 * X)
    conv = {"F": lambda A: np.asfortranarray(A), "C_strided": lambda A: np.repeat(A, 2, 1)[:, ::2],
            "int": lambda A: A.astype(np.int64), "float32": lambda A: A.astype(np.float32),
            "list": lambda A: A.tolist(), "csr": sp.csr_matrix, "csc": sp.csc_matrix,
            "coo": sp.coo_matrix, "lil": sp.lil_matrix, "csr_array": sp.csr_array,
            "csc_array": sp.csc_array, "bool": lambda A: A > 0}
    Xv = conv[fmt](Xi)
    Xd = (Xi > 0).astype(float) if fmt == "bool" else Xi
    ref = Lasso(alpha=0.05, tol=1e-10).fit(Xd, Y)
    reg = Lasso(alpha=0.05, tol=1e-10).fit(Xv, Y)
    np.testing.assert_allclose(reg.coef_, ref.coef_, atol=1e-8)
    assert reg.coef_.dtype == np.float64
    np.testing.assert_allclose(reg.predict(Xv), ref.predict(Xd), atol=1e-8)
    clf = SparseLogisticRegression(alpha=0.01, tol=1e-10).fit(Xv, YC)
    cref = SparseLogisticRegression(alpha=0.01, tol=1e-10).fit(Xd, YC)
    np.testing.assert_allclose(clf.coef_, cref.coef_, atol=1e-7)


def test_one_sample_one_feature_and_degenerate_columns():
    # one sample with an intercept: the intercept explains it, coefficients are zero
    one = Lasso(alpha=0.1).fit(X[:1], Y[:1])
    assert np.all(one.coef_ == 0) and one.intercept_ == pytest.approx(Y[0])
    # one feature: the closed form soft threshold on the centred data
    x = X[:, :1]
    xc, yc = x[:, 0] - x.mean(), Y - Y.mean()
    a = 0.05
    w = np.sign(xc @ yc) * max(abs(xc @ yc) / 40 - a, 0) / (xc @ xc / 40)
    reg = Lasso(alpha=a, tol=1e-12).fit(x, Y)
    assert reg.coef_[0] == pytest.approx(w, rel=1e-9)
    # constant and zero columns get zero coefficients
    Xz = np.column_stack([X, np.zeros(40), np.full(40, 3.0)])
    reg = Lasso(alpha=0.05, tol=1e-10).fit(Xz, Y)
    assert reg.coef_[-2] == 0 and reg.coef_[-1] == 0
    _lasso_ok(reg, Xz, Y, 0.05)
    # all-zero design: the intercept is the mean, everything else zero, converged
    zero = Lasso(alpha=0.05).fit(np.zeros_like(X), Y)
    assert np.all(zero.coef_ == 0) and zero.intercept_ == pytest.approx(Y.mean())
    # a two-class problem on one sample per class
    clf = SparseLogisticRegression(alpha=0.01).fit(X[:2], [0, 1])
    assert clf.predict(X[:2]).tolist() == [0, 1] or np.all(clf.coef_ == 0)
    # GroupSparseRegression on one sample: no crash, k groups at most
    g = _quiet(lambda: _gsr().fit(X[:1], Y[:1]))
    assert len(g.active_groups_) <= 1


def test_lasso_cv_degenerate_cases():
    cv = LassoCV(n_alphas=3, cv=2).fit(X, np.full(40, 7.0))  # constant target
    assert np.all(cv.coef_ == 0) and cv.intercept_ == pytest.approx(7.0)
    with pytest.raises(ValueError, match="n_splits|cv|sample"):
        LassoCV(cv=5).fit(X[:3], Y[:3])  # fewer samples than folds
    cv = LassoCV(alphas=[0.1], cv=2).fit(X, Y)  # a single alpha
    assert cv.alpha_ == 0.1
    _lasso_ok(cv, X, Y, 0.1)


SCALES = [1e-100, 1e-50, 1e-10, 1e10, 1e50, 1e100]


@pytest.mark.parametrize("scale", SCALES)
def test_scale_sweep_lasso_family(scale):
    # X -> s X, y -> s y, alpha -> s^2 alpha: coef_ unchanged, intercept_ scaled by s
    ref = Lasso(alpha=0.05, tol=1e-10).fit(X, Y)
    reg = Lasso(alpha=0.05 * scale**2, tol=1e-10).fit(scale * X, scale * Y)
    np.testing.assert_allclose(reg.coef_, ref.coef_, rtol=1e-7, atol=1e-10)
    assert reg.intercept_ == pytest.approx(scale * ref.intercept_, rel=1e-7)
    assert reg.dual_gap_ <= 1e-10 * scale**2 * 0.5 * Y.var() * 2
    # y alone scales the answer (alpha with it): Lasso is 1-homogeneous in (y, alpha)
    reg = Lasso(alpha=0.05 * scale, tol=1e-10).fit(X, scale * Y)
    np.testing.assert_allclose(reg.coef_, scale * ref.coef_, rtol=1e-7, atol=1e-10 * scale)
    alphas, coefs, _ = lasso_path(scale * X, scale * Y, n_alphas=4, fit_intercept=True)
    ralphas, rcoefs, _ = lasso_path(X, Y, n_alphas=4, fit_intercept=True)
    np.testing.assert_allclose(alphas, scale**2 * ralphas, rtol=1e-10)
    np.testing.assert_allclose(coefs, rcoefs, rtol=1e-6, atol=1e-9)
    cv = LassoCV(n_alphas=4, cv=2).fit(scale * X, scale * Y)
    rcv = LassoCV(n_alphas=4, cv=2).fit(X, Y)
    assert cv.alpha_ == pytest.approx(scale**2 * rcv.alpha_, rel=1e-10)
    np.testing.assert_allclose(cv.coef_, rcv.coef_, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("scale", SCALES)
def test_scale_sweep_logistic_group_and_generic(scale):
    # logistic: X -> s X, alpha -> s alpha gives coef_ / s (the margins are unchanged)
    ref = SparseLogisticRegression(alpha=0.01, tol=1e-10).fit(X, YC)
    clf = SparseLogisticRegression(alpha=0.01 * scale, tol=1e-10).fit(scale * X, YC)
    np.testing.assert_allclose(clf.coef_ * scale, ref.coef_, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(clf.intercept_, ref.intercept_, rtol=1e-6, atol=1e-9)
    # GroupSparseRegression: X -> s X, y -> s y, alpha -> s^2 alpha leaves coef_ unchanged
    gref = _gsr(tol=1e-10).fit(X, Y)
    g = _gsr(alpha=0.1 * scale**2, tol=1e-10).fit(scale * X, scale * Y)
    np.testing.assert_allclose(g.coef_, gref.coef_, rtol=1e-6, atol=1e-9)
    # the generic estimator on Quadratic + L1 is the Lasso, at every scale
    gle = _gle(penalty=L1(0.05 * scale**2), fit_intercept=True,
               solver=BlockCoordinateDescent(tol=1e-10)).fit(scale * X, scale * Y)
    np.testing.assert_allclose(gle.coef_, Lasso(alpha=0.05, tol=1e-10).fit(X, Y).coef_,
                               rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("scale", [1e-300, 1e300])
def test_extreme_scales_answer_or_refuse(scale):
    # beyond the sweep: the Lasso family is solved on a rescaled copy; the logistic model
    # either answers correctly or refuses X by name (its curvature over- or underflows)
    reg = Lasso(alpha=0.05, tol=1e-10).fit(X, Y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        big = Lasso(alpha=0.05 * scale, tol=1e-10).fit(X, scale * Y)
        np.testing.assert_allclose(big.coef_, scale * reg.coef_, rtol=1e-7)
        try:
            clf = SparseLogisticRegression(alpha=0.01 * scale).fit(scale * X, YC)
        except ValueError as exc:
            assert "X" in str(exc)
        else:
            ref = SparseLogisticRegression(alpha=0.01).fit(X, YC)
            np.testing.assert_allclose(clf.coef_ * scale, ref.coef_, rtol=1e-5, atol=1e-8)


def test_convergence_warnings_reach_the_caller():
    for est, t in [(Lasso(alpha=1e-4, max_iter=1, tol=1e-14), Y),
                   (SparseLogisticRegression(alpha=1e-4, max_iter=1, tol=1e-14), YC),
                   (_gsr(max_iter=1, tol=1e-14), Y),
                   (LassoCV(n_alphas=3, cv=2, max_iter=1, tol=1e-14, n_jobs=2), Y)]:
        with pytest.warns(ConvergenceWarning, match="max_iter"):
            est.fit(X, t)


def test_logistic_matches_the_reference_with_and_without_intercept():
    yp = np.where(YC == 1, 1.0, -1.0)
    for fi in (False, True):
        clf = SparseLogisticRegression(alpha=0.01, fit_intercept=fi, tol=1e-10).fit(X, YC)
        _, _, obj_ref = logistic_l1_reference(X, yp, 0.01, fit_intercept=fi)
        obj = primal_objective(Logistic(), L1(0.01), X, yp, clf.coef_.ravel(),
                               clf.intercept_[0] if fi else 0.0)
        assert obj <= obj_ref * (1 + 1e-7)


# ------------------------------------------------------------------ properties
@settings(max_examples=25, deadline=None)
@given(st.integers(1, 30), st.integers(1, 8), st.floats(1e-3, 10.0),
       st.integers(0, 2**31 - 1), st.booleans())
def test_property_lasso_kkt(n, p, alpha_ratio, seed, fit_intercept):
    """Any small random problem: the answer satisfies the Lasso's optimality conditions."""
    rng = np.random.default_rng(seed)
    Xr = rng.standard_normal((n, p))
    yr = rng.standard_normal(n)
    Xc = Xr - Xr.mean(0) if fit_intercept else Xr
    yc = yr - yr.mean() if fit_intercept else yr
    amax = float(np.max(np.abs(Xc.T @ yc))) / n
    alpha = alpha_ratio * amax / 10 + 1e-12
    reg = Lasso(alpha=alpha, tol=1e-12, fit_intercept=fit_intercept).fit(Xr, yr)
    r = yc - Xc @ reg.coef_
    g = Xc.T @ r / n
    slack = 1e-5 * (amax + 1e-12)
    assert np.all(np.abs(g) <= alpha + slack)
    on = reg.coef_ != 0
    np.testing.assert_allclose(g[on], alpha * np.sign(reg.coef_[on]), atol=slack)
    if fit_intercept:
        assert reg.intercept_ == pytest.approx(yr.mean() - Xr.mean(0) @ reg.coef_,
                                               abs=1e-8 * (1 + abs(yr).max()))


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 2**31 - 1), st.floats(-60, 60))
def test_property_lasso_is_scale_equivariant(seed, log2_scale):
    s = 2.0 ** round(log2_scale)  # powers of two: the answers agree to rounding
    rng = np.random.default_rng(seed)
    Xr, yr = rng.standard_normal((20, 5)), rng.standard_normal(20)
    ref = Lasso(alpha=0.05, tol=1e-10).fit(Xr, yr)
    reg = Lasso(alpha=0.05 * s * s, tol=1e-10).fit(s * Xr, s * yr)
    np.testing.assert_allclose(reg.coef_, ref.coef_, rtol=1e-9, atol=1e-12)


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 2**31 - 1), st.sampled_from([0.3, 1.0, 3.0]))
def test_property_group_penalty_glm_is_block_sparse(seed, ratio):
    rng = np.random.default_rng(seed)
    Xr, yr = rng.standard_normal((30, 6)), rng.standard_normal(30)
    norms = np.linalg.norm((Xr.T @ yr).reshape(3, 2), axis=1) / 30
    gle = GeneralizedLinearEstimator(Quadratic(), GroupL2(ratio * norms.max(), 2),
                                     BlockCoordinateDescent(selection="cyclic",
                                                            tol=1e-10)).fit(Xr, yr)
    blocks = np.linalg.norm(gle.coef_.reshape(3, 2), axis=1)
    if ratio >= 1.0:
        assert np.all(blocks == 0)
    assert np.all((blocks == 0) | (blocks > 1e-12))
