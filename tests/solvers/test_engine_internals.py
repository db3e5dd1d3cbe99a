"""Engine pieces that exist for speed must compute what their plain counterparts compute:
the compiled objective and working-set gap, the compiled coordinate curvatures, the
per-coordinate fixed-point scores, and the penalty copies a solve works on."""

import numpy as np
import pytest
import scipy.sparse as sp

from sparseopt.datafits import Huber, Poisson, Quadratic
from sparseopt.penalties import L1L2, MCP, SCAD, GroupL2, WeightedL1
from sparseopt.solvers import bcd_solve
from sparseopt.solvers.bcd import _kernels_cd as K
from sparseopt.solvers.bcd._design import Design


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((50, 40))
    y = X[:, :5] @ rng.standard_normal(5) + 0.1 * rng.standard_normal(50)
    return X, y


@pytest.mark.parametrize("sparse", [False, True])
def test_weighted_sq_norms_match_einsum(sparse):
    rng = np.random.default_rng(1)
    X = sp.random(60, 25, density=0.3, random_state=2, format="csc") if sparse else \
        rng.standard_normal((60, 25))
    h = rng.random(60)
    out = np.empty(25)
    K.weighted_sq_norms(Design.of(X).kx, h, out)
    Xa = X.toarray() if sparse else X
    np.testing.assert_allclose(out, np.einsum("ij,ij,i->j", Xa, Xa, h), rtol=1e-13)


@pytest.mark.parametrize("pen", [MCP(0.3, 3.0), SCAD(0.2, 3.7), L1L2(0.3, 0.5)])
def test_fixed_point_scores_are_the_parts_of_the_violation(pen):
    rng = np.random.default_rng(3)
    p = 200
    w = rng.standard_normal(p)
    w[rng.random(p) < 0.4] = 0.0
    g, L = rng.standard_normal(p), rng.uniform(0.1, 3.0, p)
    L[:5] = 0.0
    pp = pen.kernel_params()
    out = np.empty(p)
    K.fixed_point_scores(pen.code, pp, w, g, L, out)
    assert np.all(out[:5] == 0.0)
    safe = np.where(L > 0, L, 1.0)
    ref = np.where(L > 0, L * np.abs(pen.prox(w - g / safe, 1.0 / safe) - w), 0.0)
    np.testing.assert_allclose(out, ref, rtol=1e-12, atol=1e-14)
    worst = K.fixed_point_violation(pen.code, pp, w, g, L, np.arange(p, dtype=np.int64))
    assert worst == out.max()


@pytest.mark.parametrize("df", [Quadratic(), Huber(1.0), Poisson()])
@pytest.mark.parametrize("pen", [WeightedL1(0.1, np.linspace(0.5, 1.5, 40)), MCP(0.1, 3.0)])
def test_compiled_objective_matches_the_reference_methods(data, df, pen):
    X, y = data
    y = np.floor(np.abs(y)) if isinstance(df, Poisson) else y
    rng = np.random.default_rng(4)
    w = rng.standard_normal(40) * (rng.random(40) < 0.3) * 0.1
    z = X @ w
    val = K.objective_value(df.code, df.kernel_params(), pen.code, pen.kernel_params(), y, z, w)
    assert val == pytest.approx(df.value(y, z) + pen.value(w), rel=1e-13)


def test_a_solve_leaves_the_penalty_untouched_and_validates_weights(data):
    X, y = data
    weights = np.linspace(0.5, 1.5, 40)
    pen = WeightedL1(0.05, weights)
    before = dict(pen.__dict__)
    w1, res = bcd_solve(Quadratic(), pen, X, y, tol=1e-10)
    assert res.converged and pen.__dict__.keys() == before.keys()
    assert pen.weights is weights
    # the copy a solve works on holds the weights it checked; mutating the user's array
    # afterwards is seen by the next solve (nothing is cached on the user's object)
    weights[0] = -1.0
    with pytest.raises(ValueError, match="weights"):
        bcd_solve(Quadratic(), pen, X, y, tol=1e-10)
    weights[0] = 0.5
    w2, _ = bcd_solve(Quadratic(), pen, X, y, tol=1e-10)
    np.testing.assert_array_equal(w1, w2)


def test_group_encoding_is_fresh_for_each_solve(data):
    X, y = data
    weights = np.ones(8)
    pen = GroupL2(0.1, 5, weights=weights)
    w1, res = bcd_solve(Quadratic(), pen, X, y, selection="cyclic", tol=1e-10)
    assert res.converged and "_solve_encodings" not in pen.__dict__
    weights[:] = 100.0  # mutated in place: the next solve must see the new weights
    w2, _ = bcd_solve(Quadratic(), pen, X, y, selection="cyclic", tol=1e-10)
    assert np.count_nonzero(w2) < np.count_nonzero(w1)
