"""Abuse suite of the catalogue's estimators (ElasticNet, ElasticNetCV, WeightedLasso,
MCPRegression, GroupLasso, MultiTaskLasso): bad hyper-parameters, data and sample weights give
a clear error naming the argument; degenerate data, sparse formats and the scale sweep give
verified results (table-driven cases plus hypothesis properties)."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn.linear_model as skl
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.exceptions import ConvergenceWarning

from sparseopt.linear_model import (
    ElasticNet,
    ElasticNetCV,
    GroupLasso,
    Lasso,
    MCPRegression,
    MultiTaskLasso,
    WeightedLasso,
)
from sparseopt.solvers import BlockCoordinateDescent

ERR = (ValueError, TypeError)
RNG = np.random.default_rng(0)
X = RNG.standard_normal((40, 6))
Y = X[:, 0] - 2.0 * X[:, 3] + 0.1 * RNG.standard_normal(40) + 0.5
Y2 = np.c_[Y, -0.5 * Y + 0.1 * RNG.standard_normal(40)]


def _quiet(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return fn()


ESTIMATORS = {  # name -> (factory with keyword overrides, target)
    "ElasticNet": (lambda **k: ElasticNet(**{"alpha": 0.05, **k}), Y),
    "ElasticNetCV": (lambda **k: ElasticNetCV(**{"n_alphas": 4, "cv": 2, **k}), Y),
    "WeightedLasso": (lambda **k: WeightedLasso(**{"alpha": 0.05, "weights": np.ones(6), **k}),
                      Y),
    "MCPRegression": (lambda **k: MCPRegression(**{"alpha": 0.05, **k}), Y),
    "GroupLasso": (lambda **k: GroupLasso(**{"groups": 2, "alpha": 0.05, **k}), Y),
    "MultiTaskLasso": (lambda **k: MultiTaskLasso(**{"alpha": 0.05, **k}), Y2),
}

ALPHA_BAD = [-1.0, np.nan, np.inf, "a", None, True, 1j]
BOOL_BAD = ["no", 1, None]
COMMON = {"alpha": ALPHA_BAD, "fit_intercept": BOOL_BAD, "positive": BOOL_BAD,
          "warm_start": ["yes", 0], "max_iter": [0, -1, 2.5, "a", True],
          "tol": [-1.0, np.nan, np.inf, "a", None], "verbose": [-1, 1.5, "a"],
          "solver": ["cd", 3, BlockCoordinateDescent]}
SPECIFIC = {
    "ElasticNet": {"l1_ratio": [-0.1, 1.5, np.nan, "a", None, True]},
    "ElasticNetCV": {"l1_ratio": [-0.1, 1.5, np.nan, "a", None, [0.5, 2.0], [], True],
                     "alphas": ["a", [-1.0], [], [np.nan]], "n_alphas": [0, 2.5, "a"],
                     "eps": [0.0, -1.0, 10.0, np.nan, "a"], "cv": [0, 1, "a", 2.5],
                     "n_jobs": [0, 1.5, "a"]},
    "WeightedLasso": {"weights": [np.ones(5), -np.ones(6), np.full(6, np.nan), "a",
                                  np.ones((6, 1))]},
    "MCPRegression": {"gamma": [0.5, 1.0, -1.0, np.nan, np.inf, "a", None, True]},
    "GroupLasso": {"groups": [0, 4, 5, "a", [[0, 1], [1, 2]], [[0, 9]], None, 2.5, True,
                              [[0, 1]]],
                   "weights": [np.ones(2), -np.ones(3), np.full(3, np.nan), "a"]},
    "MultiTaskLasso": {},
}


def _cases():
    for name, (factory, _) in ESTIMATORS.items():
        params = factory().get_params()
        table = {**{k: v for k, v in COMMON.items() if k in params}, **SPECIFIC[name]}
        for param, values in table.items():
            for v in values:
                yield pytest.param(name, param, v, id=f"{name}-{param}={v!r}"[:70])


@pytest.mark.parametrize("name, param, value", list(_cases()))
def test_bad_hyper_parameters_are_named(name, param, value):
    factory, target = ESTIMATORS[name]
    with pytest.raises(ERR, match=param):
        _quiet(lambda: factory(**{param: value}).fit(X, target))


def _nan(A):
    out = A.astype(float).copy()
    out.flat[0] = np.nan
    return out


BAD_X = {"nan": _nan(X), "inf": np.where(X > 2, np.inf, X), "empty": X[:0],
         "no_features": X[:, :0], "1d": X[:, 0], "complex": X + 1j,
         "strings": np.full(X.shape, "a"), "sparse_nan": sp.csr_matrix(_nan(X))}


@pytest.mark.parametrize("name", list(ESTIMATORS))
@pytest.mark.parametrize("label", list(BAD_X))
def test_bad_X_is_refused(name, label):
    factory, target = ESTIMATORS[name]
    with pytest.raises(ERR, match=r"\bX\b|sample|feature|2D|[Cc]omplex|string|float"):
        _quiet(lambda: factory().fit(BAD_X[label], target))


def _bad_targets(t):
    out = {"nan": _nan(t), "short": t[:-1], "complex": t + 1j, "strings": np.full(t.shape, "a"),
           "3d": t[..., None, None] if t.ndim == 1 else t[:, :, None]}
    if t.ndim == 1:
        out["2d"] = np.c_[t, t]
    return out


@pytest.mark.parametrize("name, label", [
    pytest.param(n, lab, id=f"{n}-{lab}") for n, (_, t) in ESTIMATORS.items()
    for lab in _bad_targets(t)])
def test_bad_y_is_refused(name, label):
    factory, target = ESTIMATORS[name]
    with pytest.raises(ERR, match=r"\by\b|sample|[Cc]omplex|string|float|dim|shape"):
        _quiet(lambda: factory().fit(X, _bad_targets(target)[label]))


BAD_SW = {"negative": -np.ones(40), "zeros": np.zeros(40), "nan": np.full(40, np.nan),
          "short": np.ones(39), "strings": "a", "2d": np.ones((40, 1)), "inf": np.full(40, np.inf),
          "complex": np.ones(40) + 1j}
WEIGHTED = ["ElasticNet", "ElasticNetCV", "WeightedLasso", "MCPRegression", "GroupLasso"]


@pytest.mark.parametrize("name", WEIGHTED)
@pytest.mark.parametrize("label", list(BAD_SW))
def test_bad_sample_weight_is_named(name, label):
    factory, target = ESTIMATORS[name]
    with pytest.raises(ERR, match="sample_weight"):
        _quiet(lambda: factory().fit(X, target, sample_weight=BAD_SW[label]))


@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_predict_refuses_bad_X(name):
    factory, target = ESTIMATORS[name]
    est = _quiet(lambda: factory().fit(X, target))
    for bad in (X[:, :3], np.full_like(X, np.nan), X + 1j, np.full(X.shape, "a")):
        with pytest.raises(ERR):
            est.predict(bad)


# ------------------------------------------------------------------ verified results
def test_elastic_net_family_matches_scikit_learn():
    for alpha, ratio in [(0.05, 0.5), (0.2, 0.9), (1.0, 0.1)]:
        ours = ElasticNet(alpha=alpha, l1_ratio=ratio, tol=1e-12).fit(X, Y)
        ref = skl.ElasticNet(alpha=alpha, l1_ratio=ratio, tol=1e-14, max_iter=100000).fit(X, Y)
        np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-7)
        assert ours.intercept_ == pytest.approx(ref.intercept_, abs=1e-7)
    ours = MultiTaskLasso(alpha=0.05, tol=1e-12).fit(X, Y2)
    ref = skl.MultiTaskLasso(alpha=0.05, tol=1e-14, max_iter=100000).fit(X, Y2)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-7)


def test_special_cases_reduce_to_the_lasso():
    lasso = Lasso(alpha=0.05, tol=1e-12).fit(X, Y).coef_
    same = {
        "ElasticNet l1_ratio=1": ElasticNet(alpha=0.05, l1_ratio=1.0, tol=1e-12),
        "WeightedLasso unit weights": WeightedLasso(alpha=0.05, weights=np.ones(6), tol=1e-12),
        "WeightedLasso weights=None": WeightedLasso(alpha=0.05, tol=1e-12),
        "GroupLasso singletons": GroupLasso(groups=1, alpha=0.05, tol=1e-12),
    }
    for label, est in same.items():
        np.testing.assert_allclose(est.fit(X, Y).coef_, lasso, atol=1e-8, err_msg=label)
    # MCP with a huge gamma is the Lasso on the data's scale
    np.testing.assert_allclose(MCPRegression(alpha=0.05, gamma=1e8, tol=1e-12).fit(X, Y).coef_,
                               lasso, atol=1e-6)
    # one task is the Lasso
    np.testing.assert_allclose(MultiTaskLasso(alpha=0.05, tol=1e-12).fit(X, Y[:, None])
                               .coef_.ravel(), lasso, atol=1e-8)
    # zero weights leave coordinates unpenalised: all zero is least squares
    ls = np.linalg.lstsq(np.c_[X, np.ones(40)], Y, rcond=None)[0]
    np.testing.assert_allclose(WeightedLasso(alpha=0.05, weights=np.zeros(6), tol=1e-14)
                               .fit(X, Y).coef_, ls[:6], atol=1e-7)


@pytest.mark.parametrize("name", WEIGHTED)
def test_integer_sample_weights_repeat_rows(name):
    factory, target = ESTIMATORS[name]
    sw = np.arange(40) % 3
    rows = np.repeat(np.arange(40), sw)
    kw = {"tol": 1e-12} if name != "ElasticNetCV" else {"tol": 1e-12, "cv": [
        (np.arange(20), np.arange(20, 40)), (np.arange(20, 40), np.arange(20))]}
    if name == "ElasticNetCV":  # the folds differ between the two fits: fix the grid only
        kw = {"tol": 1e-12, "alphas": [0.1, 0.01], "cv": 2}
        a = factory(**kw).fit(X, target, sample_weight=sw)
        b = ElasticNet(alpha=a.alpha_, tol=1e-12).fit(X[rows], target[rows])
        np.testing.assert_allclose(a.coef_, b.coef_, atol=1e-6)
        return
    a = factory(**kw).fit(X, target, sample_weight=sw).coef_
    b = factory(**kw).fit(X[rows], target[rows]).coef_
    np.testing.assert_allclose(a, b, atol=1e-6)


@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_degenerate_data(name):
    factory, target = ESTIMATORS[name]
    if name != "ElasticNetCV":
        one = _quiet(lambda: factory().fit(X[:1], target[:1]))  # one sample: the intercept
        assert np.all(one.coef_ == 0)
        np.testing.assert_allclose(one.predict(X[:1]), target[:1])
    else:
        with pytest.raises(ValueError, match="n_splits|cv|sample"):
            factory().fit(X[:1], target[:1])
    zero = _quiet(lambda: factory().fit(np.zeros_like(X), target))  # all-zero design
    assert np.all(zero.coef_ == 0)
    np.testing.assert_allclose(zero.intercept_, target.mean(axis=0), atol=1e-10)
    const = _quiet(lambda: factory().fit(X, np.full_like(target, 7.0)))  # constant target
    assert np.all(const.coef_ == 0)


@pytest.mark.parametrize("name", list(ESTIMATORS))
@pytest.mark.parametrize("fmt", ["csr", "csc", "coo", "F", "float32", "list"])
def test_formats_agree_with_dense(name, fmt):
    factory, target = ESTIMATORS[name]
    conv = {"csr": sp.csr_matrix, "csc": sp.csc_matrix, "coo": sp.coo_matrix,
            "F": np.asfortranarray, "float32": lambda A: A.astype(np.float32),
            "list": lambda A: A.tolist()}
    Xi = np.round(2 * X) / 2  # exact in float32
    ref = _quiet(lambda: factory(tol=1e-12).fit(Xi, target))
    est = _quiet(lambda: factory(tol=1e-12).fit(conv[fmt](Xi), target))
    np.testing.assert_allclose(est.coef_, ref.coef_, atol=1e-7)
    np.testing.assert_allclose(est.intercept_, ref.intercept_, atol=1e-7)


SCALES = [1e-100, 1e-10, 1e10, 1e100]


@pytest.mark.filterwarnings("error::RuntimeWarning")  # no overflow on the way either
@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("name", ["ElasticNet", "WeightedLasso", "GroupLasso",
                                  "MultiTaskLasso", "ElasticNetCV"])
def test_scale_sweep_quadratic_models(name, scale):
    # X -> s X, y -> s y, alpha -> s^2 alpha: coef_ unchanged, intercept_ scaled by s
    factory, target = ESTIMATORS[name]
    if name == "ElasticNetCV":
        ref = factory(tol=1e-10).fit(X, target)
        est = factory(tol=1e-10).fit(scale * X, scale * target)
        assert est.alpha_ == pytest.approx(scale**2 * ref.alpha_, rel=1e-9)
    else:
        ref = factory(tol=1e-10).fit(X, target)
        est = factory(alpha=0.05 * scale**2, tol=1e-10).fit(scale * X, scale * target)
    np.testing.assert_allclose(est.coef_, ref.coef_, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(est.intercept_, scale * np.asarray(ref.intercept_), rtol=1e-6)


@pytest.mark.parametrize("scale", SCALES)
def test_scale_sweep_mcp(scale):
    # y -> s y, alpha -> s alpha at fixed gamma: coef_ scaled by s (MCP is 2-homogeneous in
    # (w, alpha) jointly)
    ref = MCPRegression(alpha=0.05, tol=1e-10).fit(X, Y)
    est = MCPRegression(alpha=0.05 * scale, tol=1e-10).fit(X, scale * Y)
    np.testing.assert_allclose(est.coef_, scale * ref.coef_, rtol=1e-6, atol=1e-9 * scale)


# ------------------------------------------------------------------ properties
@settings(max_examples=15, deadline=None)
@given(st.integers(2, 25), st.integers(1, 6), st.integers(0, 2**31 - 1),
       st.floats(0.01, 1.0), st.floats(0.0, 1.0))
def test_property_elastic_net_kkt(n, p, seed, alpha, ratio):
    """Any small problem: the elastic net answer satisfies its optimality conditions."""
    rng = np.random.default_rng(seed)
    Xr, yr = rng.standard_normal((n, p)), rng.standard_normal(n)
    est = ElasticNet(alpha=alpha, l1_ratio=ratio, tol=1e-12).fit(Xr, yr)
    Xc, yc = Xr - Xr.mean(0), yr - yr.mean()
    g = Xc.T @ (yc - Xc @ est.coef_) / n - alpha * (1 - ratio) * est.coef_
    slack = 1e-6 * (1 + np.abs(Xc.T @ yc).max() / n)
    assert np.all(np.abs(g) <= alpha * ratio + slack)
    on = est.coef_ != 0
    np.testing.assert_allclose(g[on], alpha * ratio * np.sign(est.coef_[on]), atol=slack)


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 2**31 - 1), st.sampled_from([0.3, 1.0, 2.0]))
def test_property_group_lasso_zeroes_whole_groups(seed, ratio):
    rng = np.random.default_rng(seed)
    Xr, yr = rng.standard_normal((30, 6)), rng.standard_normal(30)
    Xc, yc = Xr - Xr.mean(0), yr - yr.mean()
    norms = np.linalg.norm((Xc.T @ yc).reshape(3, 2), axis=1) / 30  # unit group weights
    est = GroupLasso(groups=2, alpha=ratio * norms.max(), tol=1e-12).fit(Xr, yr)
    blocks = np.linalg.norm(est.coef_.reshape(3, 2), axis=1)
    if ratio >= 1.0:
        assert np.all(blocks == 0)
    assert np.all((blocks == 0) | (blocks > 1e-12))
