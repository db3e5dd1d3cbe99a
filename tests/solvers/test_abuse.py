"""Abuse suite of the solvers (``BlockCoordinateDescent``, ``ProximalGradient``,
``ForestSolver`` and their functional entry points): bad parameters, bad datafit/penalty
objects and bad data give a clear error naming the argument; degenerate data and every sparse
format give verified results (table-driven cases plus hypothesis properties)."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.exceptions import ConvergenceWarning

from sparseopt.datafits import (
    Gamma,
    GraphQuadratic,
    Logistic,
    Multinomial,
    Poisson,
    Quadratic,
    QuadraticMultiTask,
)
from sparseopt.penalties import L1, GroupL2
from sparseopt.reference import lasso_reference
from sparseopt.solvers import (
    BlockCoordinateDescent,
    ForestSolver,
    ProximalGradient,
    bcd_solve,
    prox_grad_solve,
)
from sparseopt.utils import primal_objective

ERR = (ValueError, TypeError)
RNG = np.random.default_rng(0)
X = RNG.standard_normal((30, 5))
Y = X[:, 0] + 0.1 * RNG.standard_normal(30)
A = sp.csr_matrix(np.array([[2.0, -1.0, 0.0], [-1.0, 2.0, -1.0], [0.0, -1.0, 2.0]]))
B = np.array([1.0, 0.0, 1.0])


def _quiet(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return fn()


BOOL_BAD = ["no", 1, None]
SEED_BAD = ["abc", -1, 1.5]
SOLVER_PARAMETERS = [  # (solver class, parameter, bad values)
    (BlockCoordinateDescent, "selection", ["foo", None, 3, "GSL"]),
    (BlockCoordinateDescent, "partition", ["foo", None]),
    (BlockCoordinateDescent, "block_size", [0, -1, 2.5, "a", True, 99]),
    (BlockCoordinateDescent, "update", ["foo", None]),
    (BlockCoordinateDescent, "working_set", ["yes", 1, None]),
    (BlockCoordinateDescent, "p0", [0, 2.5, "a", True]),
    (BlockCoordinateDescent, "anderson", [-1, 2.5, "a", True, None]),
    (BlockCoordinateDescent, "screening", BOOL_BAD),
    (BlockCoordinateDescent, "polish", BOOL_BAD),
    (BlockCoordinateDescent, "krylov", BOOL_BAD),
    (BlockCoordinateDescent, "max_iter", [0, -1, 2.5, "a", True]),
    (BlockCoordinateDescent, "max_epochs", [0, -1, 2.5, None]),
    (BlockCoordinateDescent, "tol", [-1.0, np.nan, np.inf, "a", None, True]),
    (BlockCoordinateDescent, "gap_freq", [0, -1, 2.5, "a"]),
    (BlockCoordinateDescent, "random_state", SEED_BAD),
    (BlockCoordinateDescent, "verbose", [-1, 1.5, "a", np.nan]),
    (ProximalGradient, "accelerated", BOOL_BAD),
    (ProximalGradient, "restart", BOOL_BAD),
    (ProximalGradient, "step", ["foo", -1.0, 0.0, np.nan]),
    (ProximalGradient, "max_iter", [0, -1, 2.5, "a", True]),
    (ProximalGradient, "tol", [-1.0, np.nan, np.inf, "a", None]),
    (ProximalGradient, "gap_freq", [0, 2.5, "a"]),
    (ProximalGradient, "verbose", [-1, 1.5, "a"]),
]


@pytest.mark.parametrize("cls, name, value", [
    pytest.param(c, n, v, id=f"{c.__name__}-{n}={v!r}") for c, n, values in SOLVER_PARAMETERS
    for v in values])
def test_bad_solver_parameters_are_named(cls, name, value):
    with pytest.raises(ERR, match=name):
        _quiet(lambda: cls(**{name: value}).solve(Quadratic(), L1(0.1), X, Y))


FOREST_PARAMETERS = {"selection": ["foo", None], "partition": ["foo", None],
                     "block_size": [0, -1, 2.5, "a", True], "krylov": BOOL_BAD,
                     "max_iter": [0, -1, 2.5, "a"], "tol": [-1.0, np.nan, "a", None],
                     "check_every_update": BOOL_BAD, "random_state": SEED_BAD}


@pytest.mark.parametrize("name, value", [
    pytest.param(n, v, id=f"{n}={v!r}") for n, values in FOREST_PARAMETERS.items()
    for v in values])
def test_bad_forest_parameters_are_named(name, value):
    with pytest.raises(ERR, match=name):
        ForestSolver(**{name: value}).solve(A, B)


SOLVERS = {"bcd": BlockCoordinateDescent, "pg": ProximalGradient}
BAD_PARTS = {"str": "quadratic", "None": None, "int": 3, "class": Quadratic, "obj": object()}


@pytest.mark.parametrize("solver", list(SOLVERS))
@pytest.mark.parametrize("label", list(BAD_PARTS))
def test_bad_datafit_and_penalty_objects_are_named(solver, label):
    with pytest.raises(TypeError, match="datafit"):
        SOLVERS[solver]().solve(BAD_PARTS[label], L1(0.1), X, Y)
    if label != "None":  # None is the unpenalised problem
        bad = L1 if label == "class" else BAD_PARTS[label]
        with pytest.raises(TypeError, match="penalty"):
            SOLVERS[solver]().solve(Quadratic(), bad, X, Y)


def _nan(A):
    out = A.astype(float).copy()
    out.flat[3] = np.nan
    return out


BAD_X = {"nan": _nan(X), "inf": np.where(X > 2, np.inf, X), "empty": X[:0],
         "no_features": X[:, :0], "1d": X[:, 0], "3d": X[:, :, None], "complex": X + 1j,
         "strings": np.full(X.shape, "a"), "sparse_nan": sp.csr_matrix(_nan(X)), "None": None,
         "ragged": [[1.0], [1.0, 2.0]]}
BAD_Y = {"nan": _nan(Y), "inf": np.r_[np.inf, Y[1:]], "short": Y[:-1], "2d": np.c_[Y, Y],
         "complex": Y + 1j, "strings": np.full(30, "a"), "None": None}
BAD_W0 = {"short": np.zeros(4), "nan": np.full(5, np.nan), "2d": np.zeros((5, 2)),
          "strings": "a", "complex": np.zeros(5) + 1j}


@pytest.mark.parametrize("solver", list(SOLVERS))
@pytest.mark.parametrize("label", list(BAD_X))
def test_bad_X_is_refused(solver, label):
    with pytest.raises(ERR, match=r"\bX\b"):
        SOLVERS[solver]().solve(Quadratic(), L1(0.1), BAD_X[label], Y)


@pytest.mark.parametrize("solver", list(SOLVERS))
@pytest.mark.parametrize("label", list(BAD_Y))
def test_bad_y_is_refused(solver, label):
    with pytest.raises(ERR, match=r"\by\b"):
        SOLVERS[solver]().solve(Quadratic(), L1(0.1), X, BAD_Y[label])


@pytest.mark.parametrize("solver", list(SOLVERS))
@pytest.mark.parametrize("label", list(BAD_W0))
def test_bad_w0_is_refused(solver, label):
    with pytest.raises(ERR, match="w0"):
        SOLVERS[solver]().solve(Quadratic(), L1(0.1), X, Y, BAD_W0[label])


@pytest.mark.parametrize("name, value", [("fit_intercept", "no"), ("fit_intercept", 1),
                                         ("intercept0", np.nan), ("intercept0", "a"),
                                         ("foo", 1)])
def test_bad_keywords_of_bcd_solve_are_named(name, value):
    with pytest.raises(ERR, match=name):
        bcd_solve(Quadratic(), L1(0.1), X, Y, fit_intercept=name == "intercept0",
                  **{name: value})
    if name == "foo":
        with pytest.raises(ERR, match=name):
            prox_grad_solve(Quadratic(), L1(0.1), X, Y, **{name: value})


FOREST_BAD_A = {"nonsymmetric": sp.csr_matrix(np.triu(A.toarray())), "indefinite": -A,
                "nan": sp.csr_matrix(np.where(A.toarray() == 2, np.nan, A.toarray())),
                "non_square": sp.csr_matrix(np.ones((2, 3))), "empty": sp.csr_matrix((0, 0)),
                "strings": "a", "None": None, "complex": A + 1j * A,
                "singular": sp.csr_matrix(np.array([[1.0, -1.0], [-1.0, 1.0]]))}


@pytest.mark.parametrize("krylov", [True, False])
@pytest.mark.parametrize("label", list(FOREST_BAD_A))
def test_forest_bad_matrix_is_refused(label, krylov):
    bad = FOREST_BAD_A[label]
    b = B[:bad.shape[0]] if hasattr(bad, "shape") and bad.shape[0] else B
    with pytest.raises(ERR, match=r"\bA\b"):
        ForestSolver(krylov=krylov).solve(bad, b)


@pytest.mark.parametrize("label, b, x0", [
    ("b short", B[:2], None), ("b nan", np.r_[np.nan, B[1:]], None), ("b 2d", np.c_[B, B], None),
    ("b complex", B + 1j, None), ("b strings", "a", None), ("b None", None, None),
    ("x0 short", B, B[:2]), ("x0 nan", B, np.r_[np.nan, B[1:]]), ("x0 strings", B, "a")])
def test_forest_bad_right_hand_side_is_named(label, b, x0):
    with pytest.raises(ERR, match=label.split()[0]):
        ForestSolver().solve(A, b, x0)


@pytest.mark.parametrize("solver", list(SOLVERS))
@pytest.mark.parametrize("datafit, target", [
    (Logistic(), np.arange(30.0)), (Logistic(), np.zeros(30)),  # ran to zeros, warning
    (Poisson(), -np.ones(30)), (Gamma(), np.zeros(30))])
def test_targets_outside_the_datafit_domain_are_named(solver, datafit, target):
    s = BlockCoordinateDescent(selection="cyclic", update="newton") if (
        solver == "bcd" and isinstance(datafit, Poisson | Gamma)) else SOLVERS[solver]()
    with pytest.raises(ValueError, match=r"\by\b"):
        s.solve(datafit, L1(0.1), X, target)


@pytest.mark.parametrize("datafit, target", [
    (Multinomial(), np.eye(3)[np.arange(30) % 3]), (QuadraticMultiTask(), np.c_[Y, Y]),
    (GraphQuadratic(), Y)])
def test_proximal_gradient_names_the_datafits_it_does_not_solve(datafit, target):
    with pytest.raises(ValueError, match="datafit"):
        ProximalGradient().solve(datafit, GroupL2(0.1, 1), X, target)


# ------------------------------------------------------------------ verified results
def _lasso_optimal(w, Xd, y, alpha, fit_intercept=False, b=0.0, rel=1e-6):
    _, _, obj_ref = lasso_reference(Xd, y, alpha, fit_intercept=fit_intercept)
    obj = primal_objective(Quadratic(), L1(alpha), Xd, y, w, b)
    assert obj <= obj_ref + rel * max(abs(obj_ref), 1e-12)


@pytest.mark.parametrize("solver", list(SOLVERS))
@pytest.mark.parametrize("fmt", ["csr", "csc", "coo", "lil", "dok", "csr_array", "csc_array",
                                 "list", "F", "float32", "int"])
def test_formats_agree_with_dense(solver, fmt):
    Xi = np.round(2 * X)
    conv = {"list": lambda M: M.tolist(), "F": np.asfortranarray,
            "float32": lambda M: M.astype(np.float32), "int": lambda M: M.astype(np.int64)}
    Xv = conv[fmt](Xi) if fmt in conv else getattr(sp, fmt if "array" in fmt
                                                  else f"{fmt}_matrix")(Xi)
    s = SOLVERS[solver](tol=1e-10)
    w_ref, _ = s.solve(Quadratic(), L1(0.1), Xi, Y)
    w, _ = s.solve(Quadratic(), L1(0.1), Xv, Y)
    np.testing.assert_allclose(w, w_ref, atol=1e-7)
    _lasso_optimal(w, Xi, Y, 0.1)


@pytest.mark.parametrize("solver", list(SOLVERS))
def test_degenerate_data(solver):
    s = SOLVERS[solver](tol=1e-12)
    # all-zero design: w = 0 exactly
    w, res = s.solve(Quadratic(), L1(0.1), np.zeros((30, 5)), Y)
    assert np.all(w == 0) and res.converged
    # one feature: the soft threshold in closed form
    x = X[:, :1]
    w, _ = s.solve(Quadratic(), L1(0.05), x, Y)
    c = float(x[:, 0] @ Y) / 30
    expected = np.sign(c) * max(abs(c) - 0.05, 0) / (float(x[:, 0] @ x[:, 0]) / 30)
    assert w[0] == pytest.approx(expected, rel=1e-8)
    # one sample: optimal (the 1-sample Lasso is solved by the reference as well)
    w, _ = s.solve(Quadratic(), L1(0.05), X[:1], Y[:1])
    _lasso_optimal(w, X[:1], Y[:1], 0.05)
    # penalty None: least squares (normal equations)
    w, _ = s.solve(Quadratic(), None, X, Y)
    np.testing.assert_allclose(w, np.linalg.lstsq(X, Y, rcond=None)[0], atol=1e-5)
    # a warm start is not modified
    w0 = np.ones(5)
    s.solve(Quadratic(), L1(0.1), X, Y, w0)
    assert np.all(w0 == 1.0)


def test_logistic_and_intercept_through_bcd_solve():
    yb = np.where(Y > 0, 1.0, -1.0)
    w, res = bcd_solve(Logistic(), L1(0.01), X, yb, tol=1e-10)
    w_pg, _ = prox_grad_solve(Logistic(), L1(0.01), X, yb, tol=1e-10, max_iter=20000)
    pb = primal_objective(Logistic(), L1(0.01), X, yb, w)
    assert pb <= primal_objective(Logistic(), L1(0.01), X, yb, w_pg) + 1e-8
    w, res = bcd_solve(Quadratic(), L1(0.05), X, Y + 3.0, fit_intercept=True, tol=1e-12)
    _lasso_optimal(w, X, Y + 3.0, 0.05, fit_intercept=True, b=res.intercept)


def test_forest_degenerate_systems():
    x, res = ForestSolver().solve(sp.csr_matrix([[2.0]]), np.array([1.0]))
    assert x[0] == pytest.approx(0.5) and res.converged
    x, _ = ForestSolver().solve(A.toarray(), B)  # a dense matrix is read as sparse
    np.testing.assert_allclose(x, [1.0, 1.0, 1.0], atol=1e-10)
    x, res = ForestSolver().solve(A, np.zeros(3))  # b = 0: x = 0 at once
    assert np.all(x == 0) and res.n_iter == 0
    diag = sp.diags([1.0, 2.0, 4.0]).tocsr()  # no edges: one node per tree
    np.testing.assert_allclose(ForestSolver(tol=1e-14).solve(diag, B)[0], B / [1, 2, 4])


# ------------------------------------------------------------------ properties
@settings(max_examples=20, deadline=None)
@given(st.integers(1, 25), st.integers(1, 8), st.integers(0, 2**31 - 1),
       st.floats(0.05, 1.5))
def test_property_bcd_and_proximal_gradient_agree(n, p, seed, ratio):
    rng = np.random.default_rng(seed)
    Xr, yr = rng.standard_normal((n, p)), rng.standard_normal(n)
    alpha = ratio * float(np.max(np.abs(Xr.T @ yr))) / n + 1e-12
    w_bcd, res = BlockCoordinateDescent(tol=1e-12).solve(Quadratic(), L1(alpha), Xr, yr)
    w_pg, _ = _quiet(lambda: ProximalGradient(tol=1e-12, max_iter=20000).solve(
        Quadratic(), L1(alpha), Xr, yr))
    ob = primal_objective(Quadratic(), L1(alpha), Xr, yr, w_bcd)
    op = primal_objective(Quadratic(), L1(alpha), Xr, yr, w_pg)
    assert res.converged
    assert ob <= op + 1e-8 * max(1.0, abs(op))
    if ratio >= 1.0:
        assert np.all(w_bcd == 0)


@settings(max_examples=20, deadline=None)
@given(st.integers(2, 30), st.integers(0, 2**31 - 1), st.booleans())
def test_property_forest_solves_random_spd_systems(n, seed, krylov):
    rng = np.random.default_rng(seed)
    M = sp.random(n, n, density=0.2, random_state=rng)
    M = M + M.T
    L = sp.diags(np.asarray(abs(M).sum(axis=1)).ravel() + 0.5) - M  # diagonally dominant
    b = rng.standard_normal(n)
    x, res = ForestSolver(krylov=krylov, tol=1e-10).solve(L.tocsr(), b)
    np.testing.assert_allclose(x, spla.spsolve(L.tocsc(), b), rtol=1e-6, atol=1e-8)
