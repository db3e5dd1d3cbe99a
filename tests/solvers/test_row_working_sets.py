"""Working sets of rows (multi-task least squares): what each working set holds, how fast it
reaches a large support, and that the answer is still the solution (scikit-learn's)."""

import numpy as np
import pytest
import scipy.sparse as sp

from sparseopt.datasets import make_correlated_data
from sparseopt.linear_model import MultiTaskLasso
from sparseopt.solvers.bcd import _groups
from sparseopt.solvers.bcd._design import Design


@pytest.fixture(scope="module")
def wide():
    """100 x 600, 4 tasks, a row-sparse truth on 30% of the rows (correlated columns)."""
    X, _, w = make_correlated_data(100, 600, rho=0.5, snr=3, density=0.3, random_state=0)
    rng = np.random.default_rng(0)
    W = np.zeros((600, 4))
    W[np.flatnonzero(w)] = rng.standard_normal((np.count_nonzero(w), 4))
    Y = X @ W + rng.standard_normal((100, 4))
    alpha_max = np.max(np.linalg.norm(X.T @ Y, axis=1)) / 100
    return X, Y, alpha_max


@pytest.mark.parametrize("sparse", [False, True])
def test_rmatmat_is_the_transposed_product(sparse):
    rng = np.random.default_rng(1)
    X = rng.standard_normal((30, 20))
    design = Design.of(sp.csc_matrix(X) if sparse else X)
    for R in (rng.standard_normal(30), rng.standard_normal((30, 3))):
        out = design.rmatmat(R)
        assert out.shape == (20,) + R.shape[1:] and out.flags.c_contiguous
        np.testing.assert_allclose(out, X.T @ R, rtol=1e-13, atol=1e-13)


def test_working_sets_hold_the_support_and_violating_rows_only(wide, monkeypatch):
    X, Y, alpha_max = wide
    seen = []
    original = _groups.Rows.next_working_set

    def spy(self, grad, gap):
        W = self.pb.w.copy()
        ws, eps, cap = original(self, grad, gap)
        viol = self.pb.penalty.subdiff_distance(W.ravel(), grad.ravel())
        seen.append((W, viol, ws, self.balanced_size()))
        return ws, eps, cap

    monkeypatch.setattr(_groups.Rows, "next_working_set", spy)
    MultiTaskLasso(alpha_max / 20, fit_intercept=False, tol=1e-8).fit(X, Y)
    assert len(seen) >= 3
    for W, viol, ws, balanced in seen:
        support = np.flatnonzero(np.any(W != 0, axis=1))
        candidates = np.union1d(support, np.flatnonzero(viol > 0))
        assert np.all(np.isin(support, ws))  # the support is always in
        assert np.all(np.isin(ws, candidates))  # no row whose step would be zero
        target = max(10, 2 * support.size, balanced)  # p0 = 10
        assert ws.size == min(target, candidates.size)
    # the first working set is sized so that its epochs cost about one check (p / (2 E),
    # E = 10 epochs before the first), not p0 = 10 rows
    assert seen[0][2].size == 30


def test_large_support_is_reached_in_few_outer_iterations(wide):
    # doubling from p0 = 10 needs 6 outer iterations before the working set can hold the ~210
    # rows of the support (10, 20, 40, 80, 160 are too small); sized against the check's cost
    # (30 rows first), it takes 4
    X, Y, alpha_max = wide
    est = MultiTaskLasso(alpha_max / 20, fit_intercept=False, tol=1e-10).fit(X, Y)
    support = np.count_nonzero(np.any(est.coef_ != 0, axis=0))
    ws = est.history_["ws_size"][1:]
    assert support > 150
    assert np.flatnonzero(ws >= support)[0] + 1 <= 4


@pytest.mark.parametrize("div", [20, 5])
@pytest.mark.parametrize("fit_intercept", [False, True])
def test_large_support_solution_matches_sklearn(wide, div, fit_intercept):
    from sklearn.linear_model import MultiTaskLasso as SkMultiTaskLasso

    X, Y, alpha_max = wide
    alpha = alpha_max / div

    def objective(est):
        R = Y - X @ est.coef_.T - est.intercept_
        return np.sum(R * R) / (2 * X.shape[0]) + alpha * np.sum(np.linalg.norm(est.coef_,
                                                                                axis=0))

    ours = MultiTaskLasso(alpha, fit_intercept=fit_intercept, tol=1e-12).fit(X, Y)
    sk = SkMultiTaskLasso(alpha, fit_intercept=fit_intercept, tol=1e-14, max_iter=200_000)
    sk.fit(X, Y)
    assert objective(ours) <= objective(sk) * (1 + 1e-10)
    assert abs(objective(ours) - objective(sk)) <= 1e-8 * objective(sk)
    np.testing.assert_allclose(ours.coef_, sk.coef_, atol=1e-6)
