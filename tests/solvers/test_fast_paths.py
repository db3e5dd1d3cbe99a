"""The cheap paths the solvers take on every call give the answers of the plain ones."""

import warnings

import numpy as np
import pytest

from sparseopt.datafits import Quadratic
from sparseopt.penalties import L1L2, Box, GroupL2, WeightedL1
from sparseopt.solvers import BlockCoordinateDescent
from sparseopt.solvers.bcd._anderson import Anderson, anderson_point
from sparseopt.utils import check_finite_array


def _reference_extrapolation(W):
    U = np.diff(W, axis=0)
    C = U @ U.T
    C += 1e-12 * np.trace(C) * np.eye(C.shape[0])
    c = np.linalg.solve(C, np.ones(C.shape[0]))
    return (c / c.sum()) @ W[1:]


@pytest.mark.parametrize("seed", range(5))
def test_compiled_anderson_point_is_the_closed_form(seed):
    rng = np.random.default_rng(seed)
    W = np.cumsum(rng.standard_normal((6, 40)), axis=0)
    out = np.empty(40)
    assert anderson_point(W, out)
    np.testing.assert_allclose(out, _reference_extrapolation(W), rtol=1e-10, atol=1e-12)


def test_anderson_gives_no_point_when_the_weights_are_undefined():
    out = np.empty(7)
    assert not anderson_point(np.ones((6, 7)), out)  # no differences: singular system
    acc = Anderson(2)
    assert acc.push(np.ones(3)) is None and acc.push(np.ones(3)) is None
    assert acc.push(np.ones(3)) is None  # third iterate: extrapolation undefined


def test_anderson_buffer_slots_and_push_agree():
    rng = np.random.default_rng(0)
    W = np.cumsum(rng.standard_normal((6, 9)), axis=0)
    by_push = Anderson(5)
    points = [by_push.push(row) for row in W]
    assert all(p is None for p in points[:-1])
    by_slots = Anderson(5)
    by_slots.slots(2, 9)[:] = W[:2]
    assert by_slots.filled(2) is None and by_slots.room() == 4
    by_slots.slots(4, 9)[:] = W[2:]
    np.testing.assert_allclose(by_slots.filled(4), points[-1], rtol=1e-14)
    np.testing.assert_allclose(points[-1], _reference_extrapolation(W), rtol=1e-10)


@pytest.mark.parametrize("anderson", [0, 5])
def test_compiled_recording_and_epoch_by_epoch_runs_agree(anderson, monkeypatch):
    # the fast path writes the iterates in the compiled epochs; without it the loop runs
    # epoch by epoch: same iterates, same answer, same counts
    rng = np.random.default_rng(1)
    X = rng.standard_normal((60, 120))
    y = X[:, :5] @ rng.standard_normal(5) + 0.1 * rng.standard_normal(60)
    pen = L1L2(0.05, l1_ratio=0.7)
    solver = BlockCoordinateDescent(selection="cyclic", anderson=anderson, tol=1e-10)
    w1, r1 = solver.solve(Quadratic(), pen, X, y)
    from sparseopt.solvers.bcd import _coordinates

    monkeypatch.delattr(_coordinates.CoordinateSubproblem, "record")
    w2, r2 = solver.solve(Quadratic(), pen, X, y)
    np.testing.assert_array_equal(w1, w2)
    assert (r1.n_epochs, r1.n_extrapolations) == (r2.n_epochs, r2.n_extrapolations)


@pytest.mark.parametrize("datafit", ["quadratic", "logistic"])
def test_group_recording_and_epoch_by_epoch_runs_agree(datafit, monkeypatch):
    # group epochs write their iterates in the compiled call too (and the penalty copy of a
    # solve skips re-checking the solver's own vectors): same iterates as epoch by epoch
    from sparseopt.datafits import Logistic
    from sparseopt.solvers.bcd import _groups

    rng = np.random.default_rng(2)
    X = rng.standard_normal((80, 60))
    z = X[:, :6] @ rng.standard_normal(6)
    if datafit == "logistic":
        df, y = Logistic(), np.where(z + 0.5 * rng.standard_normal(80) > 0, 1.0, -1.0)
    else:
        df, y = Quadratic(), z + 0.1 * rng.standard_normal(80)
    pen = GroupL2(0.02, groups=4)
    solver = BlockCoordinateDescent(selection="cyclic", tol=1e-10)
    w1, r1 = solver.solve(df, pen, X, y, fit_intercept=True)
    monkeypatch.delattr(_groups.GroupSubproblem, "record")
    w2, r2 = solver.solve(df, pen, X, y, fit_intercept=True)
    np.testing.assert_array_equal(w1, w2)
    assert (r1.n_epochs, r1.n_extrapolations) == (r2.n_epochs, r2.n_extrapolations)
    assert r1.converged and r1.n_extrapolations > 0 and 0 < np.count_nonzero(w1) < 60


def test_finiteness_check_by_the_sum_never_misses_and_never_refuses_finite_data():
    check_finite_array("X", np.array([1e308, 1e308, -1e308]))  # sum overflows: still finite
    check_finite_array("X", np.arange(10, dtype=np.int64))
    for bad in (np.array([1.0, np.nan]), np.array([np.inf, -np.inf]), np.array([-np.inf])):
        with pytest.raises(ValueError, match="X contains NaN or infinity"):
            check_finite_array("X", bad)


@pytest.mark.parametrize("pen, w, expected", [
    (WeightedL1(1.0, np.ones(3)), [-1.0, 0.0, 2.0], [-1.0, 0.0, 2.0]),
    (WeightedL1(1.0, np.ones(3), positive=True), [-1.0, 0.0, 2.0], [0.0, 0.0, 2.0]),
    (L1L2(1.0, 0.5, positive=True), [-1.0, 3.0, 2.0], [0.0, 3.0, 2.0]),
    (Box(-0.5, 1.0), [-1.0, 0.3, 2.0], [-0.5, 0.3, 1.0]),
    (GroupL2(1.0, groups=3), [-1.0, 0.0, 2.0], [-1.0, 0.0, 2.0]),
    (GroupL2(1.0, groups=3, positive=True), [-1.0, 0.0, 2.0], [0.0, 0.0, 2.0]),
])
def test_projection_is_the_prox_with_a_zero_step(pen, w, expected):
    w = np.array(w)
    out = pen.project(w)
    np.testing.assert_array_equal(out, expected)
    np.testing.assert_array_equal(out, pen.prox(w, 0.0))
    assert out is not w


@pytest.mark.parametrize("x", [
    np.array([3.0, 4.0, 0.0, 1e-3, 2.0, 0.0]),
    np.array([1e200, 1e200, 0.0, 1e-200, 1e-170, 0.0]),
    np.array([0.0, 0.0, 0.0, 1e-160, 0.0, 1e155]),
    np.array([1e308, 1e308, 0.0, -1.7e308, 1e-310, 3e-320]),  # entries >= 2**1023, finite norms
])
def test_group_norms_equal_the_scaled_reference(x):
    def norm(v):
        m = np.max(np.abs(v))
        return 0.0 if m == 0 else m * np.sqrt(np.sum((v / m) ** 2))

    expected = [norm(x[:3]), norm(x[3:])]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warning on the way to a finite norm
        got = GroupL2(1.0, groups=3).group_norms(x)
    np.testing.assert_allclose(got, expected, rtol=1e-14)


def test_a_group_norm_beyond_the_float64_range_is_inf():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = GroupL2(1.0, groups=2).group_norms(np.array([1.5e308, -1.5e308, 3.0, 4.0]))
    assert got[0] == np.inf and got[1] == 5.0


def _kx(X):
    import scipy.sparse as sp

    if sp.issparse(X):
        X = sp.csc_matrix(X)
        return (np.zeros(1), X.data.astype(np.float64), X.indices.astype(np.int64),
                X.indptr.astype(np.int64), True)
    return (np.asfortranarray(X).ravel(order="F"), np.zeros(1), np.zeros(1, np.int64),
            np.zeros(1, np.int64), False)


def _reference_epochs(datafit, alpha, X, y, w, ws, L, n_epochs):
    """Cyclic proximal coordinate descent written out in NumPy from the datafit's own
    gradient (the plain path the compiled epochs must reproduce)."""
    for _ in range(n_epochs):
        for j in ws:
            g = float(X[:, j] @ datafit.raw_grad(y, X @ w))
            u = w[j] - g / L[j]
            w[j] = np.sign(u) * max(abs(u) - alpha / L[j], 0.0)
    return w


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("name", ["huber", "logistic", "poisson"])
def test_epochs_keep_the_loss_derivatives_current(name, sparse):
    # the compiled epochs dot each column with a kept copy of loss'(y, Xw) refreshed only on
    # the rows a step touches: the iterates are those of recomputing it at every coordinate
    import scipy.sparse as sp

    from sparseopt.datafits import Huber, Logistic, Poisson
    from sparseopt.penalties import L1
    from sparseopt.solvers.bcd._kernels_cd import cd_epochs

    rng = np.random.default_rng(3)
    n, p = 50, 30
    X = rng.standard_normal((n, p)) * (rng.random((n, p)) < 0.4)
    z0 = X[:, :4] @ rng.standard_normal(4)
    datafit, y = {
        "huber": (Huber(0.5), z0 + rng.standard_t(1, n)),
        "logistic": (Logistic(), np.where(z0 + rng.standard_normal(n) > 0, 1.0, -1.0)),
        "poisson": (Poisson(), rng.poisson(np.exp(0.3 * z0)).astype(float)),
    }[name]
    Xs = sp.csc_matrix(X) if sparse else X
    L = datafit.lipschitz(X) * (4.0 if name == "poisson" else 1.0)
    alpha = 0.02
    ws = rng.permutation(p)[:20].astype(np.int64)
    w0 = np.zeros(p)
    w0[ws[:3]] = 0.1
    pen = L1(alpha)
    parts = (datafit.code, datafit.kernel_params(), False, pen.code, pen.kernel_params(),
             False, float(min(datafit.curvature, 1.0)))
    w, z = w0.copy(), X @ w0
    cd_epochs(_kx(Xs), y, z, w, np.zeros(1), False, ws, L, parts, 6, np.zeros(0),
              np.zeros((0, 0)))
    w_ref = _reference_epochs(datafit, alpha, X, y, w0.copy(), ws, L, 6)
    np.testing.assert_allclose(w, w_ref, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(z, X @ w, rtol=1e-10, atol=1e-12)
    assert np.count_nonzero(w) > 0
    # with an intercept, its step moves every sample: the kept derivatives are refreshed after
    # it, so six epochs in one call are six calls of one epoch (each starting afresh)
    runs = []
    for calls, per_call in ((1, 6), (6, 1)):
        w, b = w0.copy(), np.zeros(1)
        z = X @ w
        for _ in range(calls):
            cd_epochs(_kx(Xs), y, z, w, b, True, ws, L, parts, per_call, np.zeros(0),
                      np.zeros((0, 0)))
        runs.append((w, b[0], z))
    np.testing.assert_allclose(runs[0][0], runs[1][0], rtol=1e-12, atol=1e-14)
    assert runs[0][1] == pytest.approx(runs[1][1], rel=1e-12) and runs[0][1] != 0.0
    np.testing.assert_allclose(runs[0][2], X @ runs[0][0] + runs[0][1], rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", ["logistic", "poisson"])
def test_newton_direction_minimises_its_model(name):
    # the sweeps cycle on the model's nonzero coordinates between full sweeps: the direction
    # they return is still a fixed point of the whole model, and v is its predictor
    from sparseopt.datafits import Logistic, Poisson
    from sparseopt.penalties import L1
    from sparseopt.solvers.bcd._kernels_newton import newton_direction

    rng = np.random.default_rng(5)
    n, p = 80, 60
    X = rng.standard_normal((n, p))
    z0 = X[:, :5] @ rng.standard_normal(5) * 0.5
    datafit, y = {
        "logistic": (Logistic(), np.where(z0 + rng.standard_normal(n) > 0, 1.0, -1.0)),
        "poisson": (Poisson(), rng.poisson(np.exp(z0)).astype(float)),
    }[name]
    alpha = 0.05 * float(np.max(np.abs(X.T @ datafit.raw_grad(y, np.zeros(n)))))
    w = np.zeros(p)
    w[:3] = 0.2
    z = X @ w
    ws = np.arange(40, dtype=np.int64)
    pen = L1(alpha)
    parts = (datafit.code, datafit.kernel_params(), False, pen.code, pen.kernel_params(),
             False, float(datafit.curvature))
    d, v, db, g, gb, h, hx, hb, sweeps = newton_direction(_kx(X), y, z, w, ws, parts, False,
                                                          500, 1e-13)
    assert sweeps < 500 and db == 0.0
    Xw = X[:, ws]
    np.testing.assert_allclose(g, Xw.T @ datafit.raw_grad(y, z), rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(v, Xw @ d, rtol=1e-10, atol=1e-12)
    model_grad = g + Xw.T @ (h * (Xw @ d))
    curv = np.einsum("ij,ij,i->j", Xw, Xw, h)
    u = w[ws] + d - model_grad / curv
    fixed = np.sign(u) * np.maximum(np.abs(u) - alpha / curv, 0.0)
    np.testing.assert_allclose(fixed, w[ws] + d, rtol=0, atol=1e-9 * (1 + np.abs(d).max()))
    assert np.count_nonzero(w[ws] + d) > 0 and np.count_nonzero(w[ws] + d) < ws.size


def test_a_solve_leaves_the_users_group_penalty_checking_its_input():
    pen = GroupL2(0.1, groups=2)
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((20, 6)), rng.standard_normal(20)
    BlockCoordinateDescent(selection="cyclic").solve(Quadratic(), pen, X, y)
    with pytest.raises(ValueError, match="x"):
        pen.value(np.array([1.0, np.nan, 0.0, 0.0, 0.0, 0.0]))
    with pytest.raises(TypeError, match="x"):
        pen.group_norms(np.ones(6) + 1j)
    frozen = pen.for_solve()  # the solve's copy trusts the solver's own vectors
    assert frozen.value(np.ones(6)) == pytest.approx(pen.value(np.ones(6)))


def test_check_input_skips_only_the_finiteness_pass():
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((30, 8)), rng.standard_normal(30)
    solver = BlockCoordinateDescent(selection="cyclic", tol=1e-10)
    pen = L1L2(0.1, l1_ratio=0.5)
    w1, _ = solver.solve(Quadratic(), pen, X, y)
    w2, _ = solver.solve(Quadratic(), pen, X, y, check_input=False)
    np.testing.assert_array_equal(w1, w2)
    X_bad = X.copy()
    X_bad[3, 2] = np.nan
    with pytest.raises(ValueError, match="X"):
        solver.solve(Quadratic(), pen, X_bad, y)
    with pytest.raises(TypeError, match="check_input"):
        solver.solve(Quadratic(), pen, X, y, check_input="no")
    with pytest.raises(ValueError, match="2-D"):  # shapes are checked either way
        solver.solve(Quadratic(), pen, X[0], y, check_input=False)
    # the estimators check X themselves before handing it over
    from sparseopt.linear_model import ElasticNet, Lasso

    for est in (Lasso(0.1), ElasticNet(0.1)):
        with pytest.raises(ValueError, match="NaN"):
            est.fit(X_bad, y)


@pytest.mark.parametrize("seed", [7, 9, 24, 32])
def test_newton_on_huber_certifies_a_tight_tolerance(seed):
    # Huber's curvature is 0 or 1 with a kink between: near the optimum its Newton steps gain
    # less than the objective's rounding level while the iterate is still ~1e-10 away, which
    # the gap sees. Such steps are refused and majorised epochs finish the job (these draws
    # stalled at a relative gap of 2e-10..3e-9 for 100 iterations before)
    import scipy.sparse as sp

    from sparseopt.datafits import Huber
    from sparseopt.penalties import L1

    rng = np.random.default_rng(seed)
    X = (sp.random(100, 50, density=0.3, random_state=seed, format="csc") * 2.0).toarray()
    w_true = np.zeros(50)
    w_true[:5] = 2 * rng.standard_normal(5)
    z = X @ w_true + 0.3
    y = z + 0.3 * rng.standard_normal(100) + (rng.random(100) < 0.1) * 10
    runs = {}
    for update in ("newton", "gradient"):
        runs[update] = BlockCoordinateDescent(selection="cyclic", update=update,
                                              tol=1e-10).solve(Huber(1.0), L1(0.05), X, y)
    (w_n, r_n), (w_g, r_g) = runs["newton"], runs["gradient"]
    assert r_n.converged and r_g.converged and r_n.n_iter < 30
    np.testing.assert_allclose(w_n, w_g, atol=1e-9)
