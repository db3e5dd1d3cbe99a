"""BlockCoordinateDescent: every (selection, partition, update) reaches the cvxpy optimum."""

import itertools
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning

from sparseopt.datafits import Logistic, Quadratic
from sparseopt.datasets import make_bcd_paper_problem
from sparseopt.penalties import L1
from sparseopt.reference import lasso_reference, logistic_l1_reference
from sparseopt.solvers import BlockCoordinateDescent, bcd_solve
from sparseopt.utils import primal_objective

SELECTIONS = ["cyclic", "random", "lipschitz", "gs", "gsl", "gsd", "gsq"]
PARTITIONS = ["fixed", "sorted", "avg", "variable"]
UPDATES = ["gradient", "matrix", "newton"]
COMBOS = list(itertools.product(SELECTIONS, PARTITIONS, UPDATES, [1, 3]))


@pytest.fixture(scope="module")
def quad_problem():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 25))
    y = X[:, :4] @ np.array([1.0, -2.0, 0.5, 3.0]) + 0.1 * rng.standard_normal(40)
    alpha = 0.05
    w_ref, _, obj = lasso_reference(X, y, alpha)
    return X, y, alpha, w_ref, obj


@pytest.fixture(scope="module")
def logistic_problem():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((60, 20))
    y = np.sign(X[:, 0] - X[:, 1] + 0.8 * rng.standard_normal(60))
    alpha = 0.02
    w_ref, _, obj = logistic_l1_reference(X, y, alpha)
    return X, y, alpha, w_ref, obj


@pytest.mark.parametrize("selection,partition,update,block_size", COMBOS)
def test_every_combination_reaches_the_lasso_optimum(quad_problem, selection, partition,
                                                     update, block_size):
    X, y, alpha, w_ref, obj = quad_problem
    w, res = bcd_solve(Quadratic(), L1(alpha), X, y, selection=selection, partition=partition,
                       update=update, block_size=block_size, tol=1e-10, random_state=0)
    assert res.converged
    p = primal_objective(Quadratic(), L1(alpha), X, y, w)
    assert abs(p - obj) <= 1e-7 * obj
    np.testing.assert_allclose(w, w_ref, atol=1e-5)


@pytest.mark.parametrize("selection,partition,update,block_size", COMBOS)
def test_every_combination_reaches_the_logistic_optimum(logistic_problem, selection,
                                                        partition, update, block_size):
    X, y, alpha, w_ref, obj = logistic_problem
    w, res = bcd_solve(Logistic(), L1(alpha), X, y, selection=selection, partition=partition,
                       update=update, block_size=block_size, tol=1e-10, random_state=0)
    assert res.converged
    p = primal_objective(Logistic(), L1(alpha), X, y, w)
    assert abs(p - obj) <= 1e-7 * obj
    np.testing.assert_allclose(w, w_ref, atol=1e-5)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")  # tol=0 budget
@pytest.mark.parametrize("selection", SELECTIONS)
@pytest.mark.parametrize("update", ["gradient", "matrix"])
def test_paper_mode_is_monotone(selection, update):
    """Paper mode (no working set): one iteration = one block update, objective never rises."""
    prob = make_bcd_paper_problem("A", n_samples=60, n_features=120, random_state=0)
    w, res = bcd_solve(Quadratic(), None, prob.X, prob.y, selection=selection,
                       partition="sorted", block_size=4, update=update, gap_freq=1,
                       max_iter=200, random_state=0, tol=0.0)
    obj = res.history["objective"]
    assert len(obj) == 201
    assert np.all(np.diff(obj) <= 1e-12 * obj[0])
    assert obj[-1] < obj[0]


def _updates_to_reach(selection, partition, prob, target, max_iter):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        _, res = bcd_solve(Quadratic(), None, prob.X, prob.y, selection=selection,
                           partition=partition, block_size=5, gap_freq=1, max_iter=max_iter,
                           tol=0.0, random_state=0)
    obj = res.history["objective"]
    hit = np.flatnonzero(obj <= target)
    return (hit[0] if hit.size else np.inf), obj[-1]


def test_greedy_rules_need_no_more_iterations_than_cyclic():
    """On the paper's dataset A recipe (reduced size), greedy rules beat cyclic per iteration."""
    prob = make_bcd_paper_problem("A", n_samples=200, n_features=1000, random_state=1)
    f0 = Quadratic().value(prob.y, np.zeros_like(prob.y))
    _, f_cyclic = _updates_to_reach("cyclic", "sorted", prob, 0.0, 500)
    target = f_cyclic  # what cyclic reaches after 500 block updates
    n_cyclic = 500
    for selection in ("gs", "gsl", "gsd", "gsq"):
        for partition in ("sorted", "variable"):
            n_greedy, f_end = _updates_to_reach(selection, partition, prob, target, 500)
            assert n_greedy <= n_cyclic, (selection, partition)
            assert f_end <= f_cyclic
    # and the paper's headline ordering: GSL with variable blocks beats GS with fixed blocks
    _, f_gsl_vb = _updates_to_reach("gsl", "variable", prob, 0.0, 500)
    _, f_gs_fb = _updates_to_reach("gs", "sorted", prob, 0.0, 500)
    assert f_gsl_vb < f_gs_fb < f0


def test_unpenalised_least_squares_matches_lstsq():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((50, 10))
    y = rng.standard_normal(50)
    w, res = bcd_solve(Quadratic(), None, X, y, selection="gsl", block_size=3, update="matrix",
                       tol=1e-12)
    assert res.converged and np.isinf(res.dual_gap)
    np.testing.assert_allclose(w, np.linalg.lstsq(X, y, rcond=None)[0], atol=1e-9)


@pytest.mark.parametrize("fit_intercept", [False, True])
@pytest.mark.parametrize("df_name", ["quadratic", "logistic"])
def test_sparse_equals_dense(quad_problem, logistic_problem, fit_intercept, df_name):
    X, y, alpha, _, _ = quad_problem if df_name == "quadratic" else logistic_problem
    df = Quadratic() if df_name == "quadratic" else Logistic()
    Xs = np.where(np.abs(X) > 0.5, X, 0.0)
    for selection in ("cyclic", "gsl"):
        wd, rd = bcd_solve(df, L1(alpha), Xs, y, selection=selection, tol=1e-12,
                           fit_intercept=fit_intercept)
        ws_, rs = bcd_solve(df, L1(alpha), sp.csc_matrix(Xs), y, selection=selection,
                            tol=1e-12, fit_intercept=fit_intercept)
        np.testing.assert_allclose(wd, ws_, atol=1e-8)
        assert abs(rd.intercept - rs.intercept) < 1e-8


def test_int64_sparse_indices(quad_problem):
    X, y, alpha, w_ref, _ = quad_problem
    Xs = sp.csc_matrix(X)
    Xs.indices = Xs.indices.astype(np.int64)
    Xs.indptr = Xs.indptr.astype(np.int64)
    w, _ = bcd_solve(Quadratic(), L1(alpha), Xs, y, tol=1e-10)
    np.testing.assert_allclose(w, w_ref, atol=1e-5)


def test_inputs_are_not_modified(quad_problem):
    X, y, alpha, _, _ = quad_problem
    X0, y0, w0 = X.copy(), y.copy(), np.ones(X.shape[1])
    w0_copy = w0.copy()
    bcd_solve(Quadratic(), L1(alpha), X, y, w0=w0, fit_intercept=True)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)
    np.testing.assert_array_equal(w0, w0_copy)


@pytest.mark.parametrize("kwargs,name", [
    ({"selection": "best"}, "selection"),
    ({"partition": "tree"}, "partition"),
    ({"update": "message_passing"}, "update"),
    ({"block_size": 0}, "block_size"),
    ({"block_size": 26}, "block_size"),
    ({"tol": -1.0}, "tol"),
    ({"working_set": "yes"}, "working_set"),
    ({"anderson": -1}, "anderson"),
])
def test_invalid_parameters_raise_naming_the_parameter(quad_problem, kwargs, name):
    X, y, alpha, _, _ = quad_problem
    with pytest.raises(ValueError, match=name):
        bcd_solve(Quadratic(), L1(alpha), X, y, **kwargs)


def test_convergence_warning_names_max_iter_and_tol(quad_problem):
    X, y, alpha, _, _ = quad_problem
    with pytest.warns(ConvergenceWarning, match=r"max_iter=1.*tol=1e-12"):
        _, res = bcd_solve(Quadratic(), L1(alpha), X, y, max_iter=1, tol=1e-12)
    assert not res.converged


@pytest.mark.parametrize("selection", ["random", "lipschitz", "cyclic"])
def test_seeds_reproduce(quad_problem, selection):
    X, y, alpha, _, _ = quad_problem
    kw = dict(selection=selection, partition="variable", block_size=3, max_iter=3,
              random_state=7, tol=0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        w1, _ = bcd_solve(Quadratic(), L1(alpha), X, y, **kw)
        w2, _ = bcd_solve(Quadratic(), L1(alpha), X, y, **kw)
        w3, _ = bcd_solve(Quadratic(), L1(alpha), X, y, **{**kw, "random_state": 8})
    np.testing.assert_array_equal(w1, w2)
    assert not np.array_equal(w1, w3)


def test_scaling_invariance():
    """(F, Psi) -> (cF, cPsi): the paper's 1/2||Ax-b||^2 equals ours times n, same iterates."""
    prob = make_bcd_paper_problem("A", n_samples=50, n_features=80, random_state=0)
    X, y = prob.X, prob.y
    kw = dict(selection="gsl", partition="sorted", block_size=4, gap_freq=1, max_iter=50,
              tol=0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        w1, r1 = bcd_solve(Quadratic(), L1(0.1), X, y, working_set=False, **kw)
        c = 3.0  # scale F by c: X -> sqrt(c) X, y -> sqrt(c) y; Psi by c: alpha -> c alpha
        w2, r2 = bcd_solve(Quadratic(), L1(0.1 * c), np.sqrt(c) * X, np.sqrt(c) * y,
                           working_set=False, **kw)
    np.testing.assert_allclose(w1, w2, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(c * r1.history["objective"], r2.history["objective"], rtol=1e-9)


def test_history_and_result_fields(quad_problem):
    X, y, alpha, _, obj = quad_problem
    w, res = bcd_solve(Quadratic(), L1(alpha), X, y, tol=1e-8)
    h = res.history
    assert set(h) == {"iter", "time", "objective", "criterion", "ws_size", "support_size"}
    assert 0 <= res.active_set_iter < res.n_iter
    assert len(h["objective"]) == res.n_iter
    assert h["criterion"][-1] <= 1e-8 * Quadratic().value(y, np.zeros_like(y))
    assert res.dual_gap == h["criterion"][-1] and res.converged
    assert np.all(np.diff(h["time"]) >= 0)


def test_positive_l1(quad_problem):
    X, y, alpha, _, _ = quad_problem
    w_ref, _, obj = lasso_reference(X, y, alpha, positive=True)
    for selection in ("cyclic", "gsl"):
        w, res = bcd_solve(Quadratic(), L1(alpha, positive=True), X, y, selection=selection,
                           tol=1e-10)
        assert res.converged and np.all(w >= 0)
        np.testing.assert_allclose(w, w_ref, atol=1e-5)


def test_screening_is_safe(quad_problem):
    """Screened coordinates are zero in a tight reference, and the solution is unchanged."""
    X, y, alpha, w_ref, _ = quad_problem
    solver = BlockCoordinateDescent(selection="cyclic", screening=True, tol=1e-12)
    w, res = solver.solve(Quadratic(), L1(alpha), X, y)
    assert res.n_screened > 0
    np.testing.assert_allclose(w, w_ref, atol=1e-6)


def test_solver_get_set_params():
    s = BlockCoordinateDescent(selection="gs", block_size=2)
    assert s.get_params()["selection"] == "gs"
    assert s.set_params(block_size=3).block_size == 3
    with pytest.raises(ValueError, match="nope"):
        s.set_params(nope=1)


@pytest.mark.parametrize("sparse", [False, True])
def test_anderson_is_used_and_keeps_the_optimum(sparse):
    from sparseopt.datasets import make_correlated_data

    X, y, _ = make_correlated_data(100, 300, rho=0.9, density=0.1, random_state=0)
    X = sp.csc_matrix(X) if sparse else X
    alpha = np.max(np.abs(X.T @ y)) / 100 / 50
    w_ref, _, obj = lasso_reference(X, y, alpha)
    w, res = bcd_solve(Quadratic(), L1(alpha), X, y, selection="cyclic", tol=1e-10,
                       anderson=5)
    assert res.n_extrapolations > 0
    np.testing.assert_allclose(w, w_ref, atol=1e-5)
    _, res0 = bcd_solve(Quadratic(), L1(alpha), X, y, selection="cyclic", tol=1e-10,
                        anderson=0)
    assert res0.n_extrapolations == 0


@pytest.mark.parametrize("fit_intercept", [False, True])
@pytest.mark.parametrize("df_name", ["quadratic", "logistic"])
@pytest.mark.parametrize("fmt", ["dense", "sparse"])
def test_group_l2_block_coordinate_descent(df_name, fit_intercept, fmt):
    from sparseopt.penalties import GroupL2
    from sparseopt.reference import group_lasso_reference

    rng = np.random.default_rng(3)
    X = rng.standard_normal((50, 18))
    if fmt == "sparse":
        X = sp.csc_matrix(np.where(np.abs(X) > 0.4, X, 0.0))
    y = np.asarray(X[:, :6] @ rng.standard_normal(6)).ravel() + 0.2 * rng.standard_normal(50)
    df = Quadratic()
    if df_name == "logistic":
        y, df = np.sign(y), Logistic()
    alpha = 0.03
    groups = np.arange(18) % 6  # interleaved groups of 3
    w, res = bcd_solve(df, GroupL2(alpha, groups, "sqrt_size"), X, y, selection="cyclic",
                       tol=1e-11, fit_intercept=fit_intercept)
    w_ref, b_ref, obj = group_lasso_reference(X, y, alpha, groups, "sqrt_size", datafit=df_name,
                                              fit_intercept=fit_intercept)
    assert res.converged
    np.testing.assert_allclose(w, w_ref, atol=1e-5)
    assert abs(res.intercept - b_ref) < 1e-5
    # whole groups are zero or not: blocks never split a group
    norms = np.sqrt(np.bincount(groups, w * w))
    for g in np.flatnonzero(norms == 0):
        assert np.all(w[groups == g] == 0)


@pytest.mark.parametrize("kwargs,name", [
    ({"selection": "gsl"}, "selection"),
    ({"partition": "sorted"}, "partition"),
    ({"update": "newton"}, "update"),
    ({"block_size": 2}, "block_size"),
])
def test_group_l2_unsupported_options(quad_problem, kwargs, name):
    from sparseopt.penalties import GroupL2

    X, y, _, _, _ = quad_problem
    params = {"selection": "cyclic", **kwargs}
    with pytest.raises(ValueError, match=name):
        bcd_solve(Quadratic(), GroupL2(0.1, 5), X, y, **params)


def test_gsq_fixed_blocks_pick_the_brute_force_best_block():
    """GSQ-FB maximises g_b^T H_b^-1 g_b / 2 (Psi = 0): compare with a dense computation."""
    from sparseopt.solvers.bcd import _kernels_block as K
    from sparseopt.solvers.bcd._design import prepare_design as _prepare_design

    rng = np.random.default_rng(0)
    X = rng.standard_normal((30, 12))
    y = rng.standard_normal(30)
    w = rng.standard_normal(12) * 0.1
    g = X.T @ (X @ w - y) / 30
    blocks = [np.arange(0, 4), np.arange(4, 8), np.arange(8, 12)]
    dense = [0.5 * g[b] @ np.linalg.solve(X[:, b].T @ X[:, b] / 30, g[b]) for b in blocks]
    _, kx = _prepare_design(X)
    Hc = np.zeros((3, 4, 4))
    ws = np.arange(12, dtype=np.int64)
    K.block_bounds(kx, np.zeros(30), X @ w - y, ws, np.array([0, 4, 8, 12]), ws, 0, np.zeros(0),
                   1.0, Hc)
    pp = L1(0.0).kernel_params()
    ours = [K.gsq_block(Hc[i], 4, g[b], w[b], np.asarray(b, dtype=np.int64), L1.code, pp, True)
            for i, b in enumerate(blocks)]
    np.testing.assert_allclose(ours, dense, rtol=1e-10)
    # with tau = 1 the GSL, GSD(d=L) and GSQ scores rank coordinates identically
    L = np.sum(X**2, axis=0) / 30
    gsq1 = [K.gsq_block(np.array([[L[j]]]), 1, g[[j]], w[[j]], np.array([j]), L1.code, pp, True)
            for j in range(12)]
    np.testing.assert_allclose(gsq1, g**2 / (2 * L), rtol=1e-12)


def test_polish_lands_on_the_exact_solution():
    from sparseopt.datasets import make_correlated_data

    X, y, _ = make_correlated_data(100, 200, rho=0.9, density=0.1, random_state=0)
    alpha = np.max(np.abs(X.T @ y)) / 100 / 10
    P0 = Quadratic().value(y, np.zeros_like(y))
    w, res = bcd_solve(Quadratic(), L1(alpha), X, y, selection="cyclic", polish=True,
                       tol=1e-13)
    assert res.n_polished >= 1 and res.converged
    assert res.dual_gap <= 1e-12 * P0
    w_ref, _, _ = lasso_reference(X, y, alpha)
    np.testing.assert_allclose(w, w_ref, atol=1e-6)
