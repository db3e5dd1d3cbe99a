"""Penalties without a duality gap (nonconvex ones, by their declaration) stop on the
fixed-point residual: the engine path they take, exercised with convex penalties declared as
gap-free, must land on the same optimum as the gap-certified runs."""

import numpy as np
import pytest

from sparseopt.datafits import Logistic, Quadratic
from sparseopt.penalties import L1, GroupL2
from sparseopt.solvers import bcd_solve


class FixedPointL1(L1):
    certificate = "fixed_point"


class FixedPointGroupL2(GroupL2):
    certificate = "fixed_point"


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((60, 30))
    y = X[:, :4] @ np.array([1.5, -2.0, 1.0, 0.5]) + 0.1 * rng.standard_normal(60)
    return X, y


@pytest.mark.parametrize("kw", [dict(selection="cyclic"), dict(selection="gsl", block_size=3),
                                dict(selection="cyclic", working_set=False)])
@pytest.mark.parametrize("df_name", ["quadratic", "logistic"])
def test_fixed_point_criterion_reaches_the_gap_certified_optimum(data, kw, df_name):
    X, y = data
    df = Quadratic() if df_name == "quadratic" else Logistic()
    if df_name == "logistic":
        y = np.sign(y)
    ref, res_gap = bcd_solve(df, L1(0.05), X, y, tol=1e-12, **kw)
    w, res = bcd_solve(df, FixedPointL1(0.05), X, y, tol=1e-10, **kw)
    assert res.converged and res_gap.converged
    assert np.isinf(res.dual_gap) and res.rel_gap <= 1e-10
    np.testing.assert_allclose(w, ref, atol=1e-7)


def test_fixed_point_criterion_for_groups_and_rows(data):
    from sparseopt.datafits import Multinomial

    X, y = data
    groups = np.arange(30) // 3
    ref, _ = bcd_solve(Quadratic(), GroupL2(0.1, groups), X, y, selection="cyclic", tol=1e-12)
    w, res = bcd_solve(Quadratic(), FixedPointGroupL2(0.1, groups), X, y, selection="cyclic",
                       tol=1e-10)
    assert res.converged
    np.testing.assert_allclose(w, ref, atol=1e-7)
    Y = np.eye(3)[np.digitize(y, np.quantile(y, [1 / 3, 2 / 3]))]
    W_ref, _ = bcd_solve(Multinomial(), GroupL2(0.02, 3), X, Y, selection="cyclic", tol=1e-12,
                         fit_intercept=True)
    W, res = bcd_solve(Multinomial(), FixedPointGroupL2(0.02, 3), X, Y, selection="cyclic",
                       tol=1e-10, fit_intercept=True)
    assert res.converged and W.shape == (30, 3)
    np.testing.assert_allclose(W, W_ref, atol=1e-6)
