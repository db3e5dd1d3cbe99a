"""Abuse suite of the public DAG API: every call gives a clear error naming the argument, or a
correct result, in bounded time (table-driven cases plus hypothesis properties)."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.exceptions import ConvergenceWarning

from sparseopt.dag import (
    CoLiDE,
    acyclicity,
    acyclicity_grad,
    benchmark_dags,
    colide_solve,
    count_accuracy,
    is_dag,
    linear_sem_covariance,
    simulate_dag,
    simulate_linear_sem,
    simulate_noise_scales,
    simulate_parameter,
    sort_n_regress,
    threshold_to_dag,
    varsortability,
)

FAST = dict(warm_iter=200, max_iter=300, check_every=100)
CHAIN = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, -1.5], [0.0, 0.0, 0.0]])
X0 = simulate_linear_sem(CHAIN, 60, random_state=0)
C0 = np.cov(X0.T, bias=True)
ERR = (ValueError, TypeError)


def _quiet(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # short budgets
        return fn()


def _fit(X, **kw):
    return _quiet(lambda: CoLiDE(**FAST, **kw).fit(X))


def _bad_arrays(name, good):
    """(label, value) pairs of abusive versions of the matrix ``good``, all to be refused."""
    nan, inf = good.copy(), good.copy()
    nan.flat[0], inf.flat[-1] = np.nan, -np.inf
    return [(f"{name}-nan", nan), (f"{name}-inf", inf), (f"{name}-empty", np.zeros((0, 0))),
            (f"{name}-1d", good[0]), (f"{name}-3d", good[None]),
            (f"{name}-complex", good + 1j), (f"{name}-strings", good.astype(str).astype(object)
                                                  if False else np.full(good.shape, "a")),
            (f"{name}-sparse", sp.csr_matrix(good)), (f"{name}-ragged", [[1.0], [1.0, 2.0]])]


# ------------------------------------------------------------------ refusals (table-driven)
def _square_refusals():
    """Functions of one square matrix: non-square and every abusive array is refused."""
    funcs = {"acyclicity": (acyclicity, "W"), "acyclicity_grad": (acyclicity_grad, "W"),
             "is_dag": (is_dag, "A"), "threshold_to_dag": (threshold_to_dag, "W"),
             "simulate_parameter": (lambda B: simulate_parameter(B, random_state=0), "B"),
             "simulate_linear_sem": (lambda W: simulate_linear_sem(W, 5, random_state=0), "W"),
             "linear_sem_covariance": (linear_sem_covariance, "W"),
             "colide_solve": (lambda C: colide_solve(C, **FAST), "cov"),
             "count_accuracy_true": (lambda B: count_accuracy(B, CHAIN), "B_true")}
    cases = []
    for fname, (fn, arg) in funcs.items():
        good = CHAIN if fname != "colide_solve" else C0
        bad = _bad_arrays(arg, good) + [(f"{arg}-nonsquare", np.zeros((2, 3)))]
        cases += [pytest.param(fn, value, arg, id=f"{fname}[{label}]") for label, value in bad]
    return cases


@pytest.mark.parametrize("fn, value, name", _square_refusals())
def test_square_matrix_refusals(fn, value, name):
    with pytest.raises(ERR, match=name):
        fn(value)


def _x_refusals():
    funcs = {"CoLiDE.fit": lambda X: CoLiDE(**FAST).fit(X),
             "CoLiDE.score": lambda X: FITTED.score(X),
             "varsortability": lambda X: varsortability(X, CHAIN),
             "sort_n_regress": sort_n_regress}
    cases = []
    for fname, fn in funcs.items():
        for label, value in _bad_arrays("X", X0):
            if fname.startswith("CoLiDE") and label in ("X-1d", "X-3d", "X-ragged"):
                pass  # scikit-learn's own messages ("Expected 2D array"): still a ValueError
            cases.append(pytest.param(fn, value, id=f"{fname}[{label}]"))
    cases.append(pytest.param(lambda X: CoLiDE(**FAST).fit(X), X0[:1], id="CoLiDE.fit[1-sample]"))
    cases.append(pytest.param(lambda X: FITTED.score(X), X0[:, :2], id="CoLiDE.score[2-cols]"))
    cases.append(pytest.param(lambda X: varsortability(X, CHAIN), X0[:, :2],
                              id="varsortability[2-cols]"))
    cases.append(pytest.param(sort_n_regress, X0[:4], id="sort_n_regress[n<=d+1]"))
    cases.append(pytest.param(sort_n_regress, np.c_[X0, np.ones(60)], id="sort_n_regress[const]"))
    cases.append(pytest.param(lambda X: CoLiDE(**FAST).fit(X), X0 * 1e160, id="CoLiDE.fit[1e160]"))
    cases.append(pytest.param(lambda X: CoLiDE(**FAST).fit(X), X0 * 1e-170,
                              id="CoLiDE.fit[1e-170]"))
    cases.append(pytest.param(lambda X: CoLiDE(standardize=True, **FAST).fit(X),
                              np.c_[X0, np.ones(60)], id="CoLiDE.fit[standardize-const]"))
    return cases


FITTED = _fit(X0)


@pytest.mark.parametrize("fn, value", _x_refusals())
def test_data_refusals(fn, value):
    with pytest.raises(ERR):
        fn(value)


NUMBERS = [-1.0, np.nan, np.inf, "abc", None, True, [1.0]]  # refused by every float parameter
INTS = [-1, 0, 2.5, np.nan, "abc", None, True]
COLIDE_PARAMS = {
    "alpha": NUMBERS, "tol": NUMBERS, "w_threshold": NUMBERS,
    "mu_init": NUMBERS + [0.0], "mu_factor": NUMBERS + [0.0, 1.5],
    "learning_rate": NUMBERS + [0.0], "beta1": NUMBERS + [1.0], "beta2": NUMBERS + [1.0],
    "n_stages": INTS, "warm_iter": INTS, "max_iter": INTS, "check_every": INTS,
    "s": [-1.0, np.nan, np.inf, "abc", None, True, (), (1.0, 0.0), (1.0, "a")],
    "noise_scale_min": [-1.0, np.nan, np.inf, "abc", True, 0.0, np.ones(3)],
    "variance": [-1.0, "abc", None, True, "EQUAL"],
    "loss": [-1.0, "abc", None, True],
    "backend": [-1.0, "abc", None, True, "cuda"],
    "standardize": [-1.0, np.nan, "abc", None, "no", 1, [1.0]],
    "enforce_dag": [-1.0, np.nan, "abc", None, "yes", 0, [1.0]],
    "verbose": [-1.0, np.nan, "abc", [1.0], -1],
}


def _param_cases():
    return [pytest.param(name, v, id=f"{name}={v!r}") for name, values in COLIDE_PARAMS.items()
            for v in values]


@pytest.mark.parametrize("name, value", _param_cases())
def test_colide_hyper_parameter_refusals(name, value):
    with pytest.raises(ERR, match=name):
        CoLiDE(**{**FAST, name: value}).fit(X0)
    if name not in ("w_threshold", "loss", "standardize", "enforce_dag"):
        solve_name = "variance" if name == "variance" else name
        with pytest.raises(ERR, match=solve_name):
            colide_solve(C0, **{**FAST, name: value})


FUNC_PARAMS = [
    ("simulate_dag-d", lambda v: simulate_dag(v, 2), "d", [0, -1, 2.5, "5", None, np.nan]),
    ("simulate_dag-n_edges", lambda v: simulate_dag(5, v), "n_edges", [-1, 1.5, "2", 11]),
    ("simulate_dag-type", lambda v: simulate_dag(5, 2, v), "graph_type", ["er", 1, None]),
    ("simulate_parameter-w_ranges", lambda v: simulate_parameter(CHAIN != 0, v), "w_ranges",
     [(), ((1.0, 0.0),), ((0, 1, 2),), "ab", ((np.nan, 1.0),)]),
    ("simulate_noise_scales-d", lambda v: simulate_noise_scales(v), "d", [0, 2.5, None]),
    ("simulate_noise_scales-range", lambda v: simulate_noise_scales(3, v), "variance_range",
     [(-1.0, 2.0), (2.0, 1.0), (1.0,), "ab", (0.0, np.inf)]),
    ("simulate_linear_sem-n", lambda v: simulate_linear_sem(CHAIN, v), "n_samples",
     [0, -5, 2.5, None]),
    ("simulate_linear_sem-noise", lambda v: simulate_linear_sem(CHAIN, 5, v), "noise",
     ["normal", None, 3]),
    ("simulate_linear_sem-scale", lambda v: simulate_linear_sem(CHAIN, 5, noise_scale=v),
     "noise_scale", [-1.0, np.nan, [1.0, 1.0], "a", np.ones((3, 3))]),
    ("simulate_linear_sem-cyclic", lambda v: simulate_linear_sem(v, 5), "W",
     [np.array([[0.0, 1.0], [1.0, 0.0]])]),
    ("linear_sem_covariance-scale", lambda v: linear_sem_covariance(CHAIN, v), "noise_scale",
     [-1.0, np.inf, [1.0]]),
    ("acyclicity-s", lambda v: acyclicity(CHAIN, v), "s", [0.0, -1.0, np.nan, "a"]),
    ("threshold_to_dag-threshold", lambda v: threshold_to_dag(CHAIN, v), "threshold",
     [-0.1, np.nan, "a"]),
    ("count_accuracy-est", lambda v: count_accuracy(CHAIN, v), "B_est",
     [np.zeros((2, 2)), np.full((3, 3), np.nan), CHAIN + CHAIN.T, "a"]),
    ("count_accuracy-cpdag", lambda v: count_accuracy(CHAIN, v, cpdag=True), "B_est",
     [2 * CHAIN]),
    ("varsortability-tol", lambda v: varsortability(X0, CHAIN, tol=v), "tol",
     [-1.0, np.nan, "a"]),
    ("sort_n_regress-criterion", lambda v: sort_n_regress(X0, criterion=v), "criterion",
     ["R2", None]),
    ("benchmark_dags-n_graphs", lambda v: benchmark_dags({"a": sort_n_regress}, v), "n_graphs",
     [0, 1.5, "2"]),
    ("benchmark_dags-estimators", lambda v: benchmark_dags(v, 1), "estimators",
     [{}, [sort_n_regress], {"a": 3}]),
    ("benchmark_dags-noise", lambda v: benchmark_dags({"a": sort_n_regress}, 1, noise=v),
     "noise", ["cauchy"]),
]


@pytest.mark.parametrize("fn, name, value", [
    pytest.param(fn, name, v, id=f"{label}={v!r}"[:60]) for label, fn, name, values in FUNC_PARAMS
    for v in values])
def test_function_argument_refusals(fn, name, value):
    with pytest.raises(ERR, match=name):
        fn(value)


@pytest.mark.parametrize("seed", ["abc", 1.5, -1, True, [1, 2.5]])
@pytest.mark.parametrize("fn", [
    lambda r: simulate_dag(4, 3, random_state=r),
    lambda r: simulate_parameter(CHAIN != 0, random_state=r),
    lambda r: simulate_noise_scales(3, random_state=r),
    lambda r: simulate_linear_sem(CHAIN, 5, random_state=r)],
    ids=["simulate_dag", "simulate_parameter", "simulate_noise_scales", "simulate_linear_sem"])
def test_bad_seeds(fn, seed):
    with pytest.raises(ERR, match="random_state"):
        fn(seed)


# ------------------------------------------------------------------ correct results
REF = _fit(X0)


@pytest.mark.parametrize("convert", [
    lambda X: np.asfortranarray(X),
    lambda X: np.repeat(X, 2, axis=1)[:, ::2], lambda X: X.astype(object),
    lambda X: X.tolist()], ids=["fortran", "strided", "object", "list"])
def test_layouts_and_dtypes_give_the_float64_answer(convert):
    np.testing.assert_array_equal(_fit(convert(X0)).coef_, REF.coef_)


def test_float32_int_and_bool_data_are_fitted():
    for X in (X0.astype(np.float32), np.round(3 * X0).astype(np.int64), X0 > 0):
        model = _fit(X)
        np.testing.assert_array_equal(model.coef_, _fit(np.asarray(X, dtype=np.float64)).coef_)


def test_one_feature_and_two_samples():
    one = _fit(X0[:, :1])
    assert one.adjacency_.shape == (1, 1) and one.adjacency_[0, 0] == 0
    assert one.noise_scale_ == pytest.approx(X0[:, 0].std(), rel=1e-2)
    nv = _fit(X0[:, :1], variance="nonequal")
    assert nv.noise_scale_.shape == (1,)
    two = _fit(X0[:2])
    assert np.isfinite(two.coef_).all() and is_dag(two.adjacency_)


def test_degenerate_columns():
    with pytest.warns(UserWarning, match="constant"):
        const = CoLiDE(**FAST).fit(np.ones((10, 3)))
    assert np.all(const.adjacency_ == 0)
    dup = _fit(np.c_[X0, X0[:, 0]])  # a duplicated column: the floor keeps sigma > 0
    assert np.isfinite(dup.coef_).all() and is_dag(dup.adjacency_)
    assert np.all(np.asarray(_fit(np.c_[X0, X0[:, 0]], variance="nonequal").noise_scale_) > 0)


@pytest.mark.parametrize("scale", [1e-100, 1e-20, 1e20, 1e100])
def test_scale_sweep_follows_the_scale_identity(scale):
    """fit(cX, alpha, mu_init) = fit(X, alpha / c, c mu_init): same weights, scales times c."""
    X = X0 / X0.std()
    a = _fit(scale * X, alpha=0.05 * scale, mu_init=1.0 / scale)
    b = _fit(X)
    np.testing.assert_allclose(a.coef_, b.coef_, atol=1e-6)
    assert a.noise_scale_ / b.noise_scale_ == pytest.approx(scale, rel=1e-6)


def test_edge_case_functions():
    assert simulate_dag(1, 0, random_state=0).shape == (1, 1)
    assert simulate_dag(3, 0, "SF", random_state=0).sum() == 2  # m = 1: a tree
    assert acyclicity(np.zeros((1, 1))) == 0.0
    assert is_dag(np.zeros((1, 1))) and not is_dag(np.ones((1, 1)))
    assert count_accuracy(np.zeros((1, 1)), np.zeros((1, 1)))["shd"] == 0
    assert np.isnan(varsortability(X0, np.zeros((3, 3))))
    # ties are broken in row-major order: the 2-cycle loses its first edge
    np.testing.assert_array_equal(threshold_to_dag(np.array([[0.0, 0.5], [0.5, 0.0]])),
                                  [[0.0, 0.0], [0.5, 0.0]])


# ------------------------------------------------------------------ properties
dags = st.integers(1, 7).flatmap(lambda d: st.tuples(
    st.just(d), st.integers(0, d * (d - 1) // 2), st.integers(0, 2**32 - 1)))


@settings(max_examples=40, deadline=None)
@given(dags)
def test_property_simulated_dags(args):
    d, n_edges, seed = args
    B = simulate_dag(d, n_edges, random_state=seed)
    assert B.sum() == n_edges and is_dag(B) and acyclicity(B) == pytest.approx(0.0, abs=1e-12)
    W = simulate_parameter(B, random_state=seed)
    assert np.array_equal(W != 0, B != 0)
    acc = count_accuracy(B, B)
    assert acc["shd"] == 0 and acc["fdr"] == 0 and acc["nnz"] == n_edges
    assert count_accuracy(B, B.T)["shd"] == n_edges  # every edge reversed
    X = simulate_linear_sem(W, 20, random_state=seed)
    assert X.shape == (20, d) and np.isfinite(X).all()


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 6), st.integers(0, 2**32 - 1), st.floats(0.0, 1.0))
def test_property_threshold_to_dag(d, seed, threshold):
    W = np.random.default_rng(seed).uniform(-1, 1, (d, d))
    A = threshold_to_dag(W, threshold)
    assert is_dag(A)
    kept = A != 0
    np.testing.assert_array_equal(A[kept], W[kept])
    assert np.all(np.abs(A[kept]) > threshold)
