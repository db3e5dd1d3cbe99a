"""LassoCV against scikit-learn; lasso_path over several targets; n_jobs never changes results."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import LassoCV as SkLassoCV
from sklearn.model_selection import KFold

from sparseopt.linear_model import Lasso, LassoCV, lasso_path


def _data(n=60, p=25, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    y = X[:, 1] - 1.5 * X[:, 4] + 0.5 * rng.standard_normal(n) + 2.0
    return X, y


def test_matches_sklearn_lasso_cv():
    X, y = _data()
    ours = LassoCV(n_alphas=15, eps=1e-2, cv=4, tol=1e-12).fit(X, y)
    sk = SkLassoCV(alphas=ours.alphas_, cv=4, tol=1e-14, max_iter=100_000).fit(X, y)
    np.testing.assert_allclose(ours.alphas_, sk.alphas_)
    np.testing.assert_allclose(ours.mse_path_, sk.mse_path_, rtol=1e-6)
    assert ours.alpha_ == pytest.approx(sk.alpha_)
    np.testing.assert_allclose(ours.coef_, sk.coef_, atol=1e-6)
    assert ours.intercept_ == pytest.approx(sk.intercept_, abs=1e-6)
    ref = Lasso(ours.alpha_, tol=1e-12).fit(X, y)
    np.testing.assert_array_equal(ours.coef_, ref.coef_)
    assert ours.n_iter_ >= 1 and "objective" in ours.history_


def test_lasso_cv_n_jobs_2_equals_n_jobs_1_bit_for_bit():
    X, y = _data(seed=1)
    seq = LassoCV(n_alphas=10, cv=KFold(3, shuffle=True, random_state=0)).fit(X, y)
    par = LassoCV(n_alphas=10, cv=KFold(3, shuffle=True, random_state=0), n_jobs=2).fit(X, y)
    np.testing.assert_array_equal(seq.mse_path_, par.mse_path_)
    np.testing.assert_array_equal(seq.coef_, par.coef_)
    assert seq.alpha_ == par.alpha_


def test_lasso_path_targets_in_parallel_bit_for_bit():
    X, y = _data(seed=2)
    Y = np.column_stack([y, X[:, 7] - X[:, 9], -y])
    a1, c1, g1, b1 = lasso_path(X, Y, n_alphas=8, fit_intercept=True, return_intercepts=True)
    a2, c2, g2, b2 = lasso_path(X, Y, n_alphas=8, fit_intercept=True, return_intercepts=True,
                                n_jobs=2)
    assert c1.shape == (3, 25, 8) and g1.shape == b1.shape == (3, 8)
    for u, v in ((a1, a2), (c1, c2), (g1, g2), (b1, b2)):
        np.testing.assert_array_equal(u, v)
    # each target's path is the single-target path on the shared grid
    for j in range(3):
        _, c, g = lasso_path(X, Y[:, j], alphas=a1, fit_intercept=True)
        np.testing.assert_allclose(c1[j], c, atol=1e-10)
    # the grid starts at the largest alpha_max over targets: the first column is all zero
    assert np.all(c1[:, :, 0] == 0) and np.any(c1[:, :, 1] != 0)


def test_sparse_input_and_constant_target():
    X, y = _data(seed=3)
    Xs = sp.csr_matrix(np.where(np.abs(X) > 0.5, X, 0.0))
    dense = LassoCV(n_alphas=6, cv=3).fit(Xs.toarray(), y)
    sparse = LassoCV(n_alphas=6, cv=3).fit(Xs, y)
    np.testing.assert_allclose(dense.mse_path_, sparse.mse_path_, rtol=1e-4)
    const = LassoCV(n_alphas=4, cv=3).fit(X, np.full(60, 3.0))
    assert np.all(const.coef_ == 0) and const.intercept_ == pytest.approx(3.0)


def test_bad_input():
    X, y = _data()
    with pytest.raises(ValueError, match="n_alphas"):
        LassoCV(n_alphas=0).fit(X, y)
    with pytest.raises(ValueError, match="alphas"):
        LassoCV(alphas=[-1.0]).fit(X, y)
    with pytest.raises(TypeError, match="fit_intercept"):
        LassoCV(fit_intercept="yes").fit(X, y)
    with pytest.raises(ValueError, match="y must have shape"):
        lasso_path(X, np.zeros((59, 2)))
