"""The properties checked by scikit-learn's coordinate-descent suite, for our Lasso family.

Each test states one property scikit-learn checks for its ``Lasso``/``LassoCV``/``lasso_path``
and checks it for :class:`sparseopt.linear_model.Lasso`, :class:`LassoCV` and
:func:`lasso_path`, with scikit-learn (or a closed form, or LARS) as the reference. Where our
documented conventions differ from scikit-learn's, the test is adapted and says which
convention; a property that fails because of a bug is an ``xfail(strict=True)`` whose reason
is the diagnosis.
"""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import load_diabetes, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Lasso as SkLasso
from sklearn.linear_model import LassoCV as SkLassoCV
from sklearn.linear_model import LinearRegression, lars_path
from sklearn.linear_model import lasso_path as sk_lasso_path
from sklearn.model_selection import GridSearchCV, ShuffleSplit
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sparseopt.datafits import Quadratic
from sparseopt.linear_model import Lasso, LassoCV, lasso_path
from sparseopt.penalties import L1
from sparseopt.solvers import BlockCoordinateDescent
from sparseopt.utils import primal_objective


def _ill_posed(n_samples=50, n_features=200, n_informative=10, n_targets=1, seed=0):
    """Noiseless y = X w with few samples, many features and ``n_informative`` true ones,
    plus an independent test set drawn the same way."""
    rng = np.random.RandomState(seed)
    shape = (n_features, n_targets) if n_targets > 1 else (n_features,)
    w = rng.standard_normal(shape)
    w[n_informative:] = 0.0
    X = rng.standard_normal((n_samples, n_features))
    X_test = rng.standard_normal((n_samples, n_features))
    return X, X @ w, X_test, X_test @ w


def _objective(X, y, coef, intercept, alpha):
    return primal_objective(Quadratic(), L1(alpha), X, y, coef, intercept)


def _rescaled_residual_gap(X, y, coef, alpha):
    """Primal minus dual at the dual point ``r / max(n, ||X^T r||_inf / alpha)`` of ``coef``
    (no intercept): the gap scikit-learn reports and our Lasso documents."""
    n = X.shape[0]
    r = y - X @ coef
    primal = 0.5 * (r @ r) / n + alpha * np.abs(coef).sum()
    theta = r / max(n, np.max(np.abs(X.T @ r)) / alpha)
    dual = theta @ y - 0.5 * n * (theta @ theta)
    return primal - dual


# ----------------------------------------------------------------------------- toy problems
def test_all_zero_data_gives_zero_model_and_zero_gap():
    reg = Lasso(alpha=0.1).fit([[0.0], [0.0], [0.0]], [0.0, 0.0, 0.0])
    np.testing.assert_array_equal(reg.coef_, [0.0])
    np.testing.assert_array_equal(reg.predict([[1.0], [2.0], [3.0]]), [0.0, 0.0, 0.0])
    assert reg.dual_gap_ == 0.0


@pytest.mark.parametrize("alpha, slope", [(1e-8, 1.0), (0.1, 0.85), (0.5, 0.25), (1.0, 0.0)])
def test_line_toy_closed_form(alpha, slope):
    # y = x on {-1, 0, 1} with an intercept: the Lasso slope is max(1 - 3 alpha / 2, 0)
    reg = Lasso(alpha=alpha).fit([[-1.0], [0.0], [1.0]], [-1.0, 0.0, 1.0])
    np.testing.assert_allclose(reg.coef_, [slope], atol=1e-7)
    np.testing.assert_allclose(reg.predict([[2.0], [3.0], [4.0]]),
                               slope * np.array([2.0, 3.0, 4.0]), atol=1e-7)
    assert abs(reg.intercept_) < 1e-12
    assert 0.0 <= reg.dual_gap_ < 1e-10


@pytest.mark.parametrize("alpha", [1e-8, 0.1, 0.5, 1.0])
def test_orthogonal_design_is_soft_thresholding(alpha):
    # X orthogonal: w = sign(X^T y) max(|X^T y| - n alpha, 0) exactly
    theta = np.pi / 4
    X = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    y = np.array([2.0, 1.0]) / np.sqrt(5.0)
    Xty = X.T @ y
    exact = np.sign(Xty) * np.maximum(np.abs(Xty) - 2 * alpha, 0.0)
    reg = Lasso(alpha=alpha, fit_intercept=False, tol=1e-12).fit(X, y)
    np.testing.assert_allclose(reg.coef_, exact, atol=1e-10)
    assert 0.0 <= reg.dual_gap_ < 1e-12


def test_column_of_ones_without_intercept_keeps_coef_shape():
    reg = Lasso(fit_intercept=False).fit(np.ones((3, 1)), np.ones(3))
    assert reg.coef_.shape == (1,)


def test_integer_targets_equal_float_targets():
    X = [[0, 0], [1, 1], [-1, -1]]
    a = Lasso(alpha=0.1, fit_intercept=False).fit(X, [0, 1, 2])
    b = Lasso(alpha=0.1, fit_intercept=False).fit(X, [0.0, 1.0, 2.0])
    np.testing.assert_array_equal(a.coef_, b.coef_)


def test_read_only_and_memmapped_inputs(tmp_path):
    X = np.array([[-1.0], [0.0], [1.0]])
    y = np.array([-1.0, 0.0, 1.0])
    fx, fy = tmp_path / "X.dat", tmp_path / "y.dat"
    np.memmap(fx, dtype=np.float64, mode="w+", shape=X.shape)[:] = X
    np.memmap(fy, dtype=np.float64, mode="w+", shape=y.shape)[:] = y
    Xm = np.memmap(fx, dtype=np.float64, mode="r", shape=X.shape)
    ym = np.memmap(fy, dtype=np.float64, mode="r", shape=y.shape)
    reg = Lasso(alpha=0.5).fit(Xm, ym)
    np.testing.assert_allclose(reg.coef_, [0.25], atol=1e-8)
    np.testing.assert_allclose(reg.predict([[2.0], [3.0], [4.0]]), [0.5, 0.75, 1.0], atol=1e-8)
    Xr, yr = X.copy(), y.copy()
    Xr.setflags(write=False)
    yr.setflags(write=False)
    np.testing.assert_allclose(LassoCV(n_alphas=3, cv=3).fit(Xr, yr).alphas_.shape, (3,))


# ----------------------------------------------------------------------------- duality gap
def test_dual_gap_is_a_valid_certificate():
    # whatever dual point it was measured at, dual_gap_ bounds the suboptimality of coef_
    X, y, _, _ = _ill_posed(n_samples=10, n_features=30)
    alpha = 0.01 * np.max(np.abs(X.T @ y)) / len(y)
    reg = Lasso(alpha=alpha, fit_intercept=False, tol=1e-4).fit(X, y)
    best = SkLasso(alpha=alpha, fit_intercept=False, tol=1e-14, max_iter=1_000_000).fit(X, y)
    sub = _objective(X, y, reg.coef_, 0.0, alpha) - _objective(X, y, best.coef_, 0.0, alpha)
    assert -1e-12 <= sub <= reg.dual_gap_ * (1 + 1e-9)
    assert reg.history_["criterion"][-1] == reg.dual_gap_


def test_dual_gap_at_rescaled_residual_tight_tol():
    # scikit-learn's test_lasso_dual_gap: dual_gap_ equals the gap at the rescaled residual
    # of the returned coefficients; it holds here (the last dual point is the best one)
    X, y, _, _ = _ill_posed(n_samples=10, n_features=30)
    alpha = 0.01 * np.max(np.abs(X.T @ y)) / len(y)
    reg = Lasso(alpha=alpha, fit_intercept=False).fit(X, y)
    scale = 0.5 * np.mean(y**2)  # the objective at 0: the gap's rounding is relative to it
    np.testing.assert_allclose(reg.dual_gap_, _rescaled_residual_gap(X, y, reg.coef_, alpha),
                               rtol=1e-7, atol=1e-14 * scale)


def test_dual_gap_at_rescaled_residual_loose_tol():
    X, y, _, _ = _ill_posed()
    reg = Lasso(alpha=1e-3, tol=1e-3).fit(X, y)
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    np.testing.assert_allclose(reg.dual_gap_, _rescaled_residual_gap(Xc, yc, reg.coef_, 1e-3),
                               rtol=1e-7)


# ----------------------------------------------------------------------------- LassoCV
def test_lasso_cv_matches_sklearn_grid_path_and_choice():
    # same grid (alpha_max of the centred data down to eps * alpha_max), same unshuffled
    # 3-fold split: same held-out errors and the same alpha_
    X, y, X_test, y_test = _ill_posed()
    ours = LassoCV(n_alphas=10, eps=1e-3, cv=3, tol=1e-10).fit(X, y)
    ref = SkLassoCV(alphas=10, eps=1e-3, cv=3, tol=1e-12, max_iter=200_000).fit(X, y)
    np.testing.assert_allclose(ours.alphas_, ref.alphas_, rtol=1e-12)
    np.testing.assert_allclose(ours.mse_path_, ref.mse_path_, rtol=1e-5)
    assert ours.alpha_ == pytest.approx(ref.alpha_, rel=1e-12)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-6)
    assert ours.score(X_test, y_test) > 0.99


def test_lasso_cv_agrees_with_lars_on_the_grid():
    # LARS-Lasso (exact path, linear between kinks) and our path give the same coefficients
    # at the grid points of the CV (no intercept on both sides)
    X, y, _, _ = _ill_posed()
    alphas_lars, _, coefs_lars = lars_path(X, y, method="lasso")
    grid = np.geomspace(alphas_lars[0], alphas_lars[0] * 0.05, 6)
    _, coefs, _ = lasso_path(X, y, alphas=grid, tol=1e-12)
    for k, a in enumerate(grid):
        lars_at_a = np.array([np.interp(a, alphas_lars[::-1], row[::-1]) for row in coefs_lars])
        np.testing.assert_allclose(coefs[:, k], lars_at_a, atol=1e-6)


def test_lasso_cv_in_a_pipeline_with_shuffle_split():
    X, y = load_diabetes(return_X_y=True)
    cv = ShuffleSplit(n_splits=4, random_state=0)
    ours = make_pipeline(StandardScaler(), LassoCV(cv=cv, n_alphas=30)).fit(X, y)
    ref = make_pipeline(StandardScaler(), SkLassoCV(cv=cv, alphas=30, tol=1e-10,
                                                    max_iter=100_000)).fit(X, y)
    assert ours[-1].alpha_ == pytest.approx(ref[-1].alpha_, rel=1e-10)
    np.testing.assert_allclose(ours.predict(X), ref.predict(X), rtol=1e-4)


def test_lasso_cv_equals_grid_search():
    # the CV estimator picks the alpha GridSearchCV picks with the same folds and the MSE
    X, y = make_regression(n_samples=200, n_features=10, effective_rank=10, n_informative=6,
                           noise=10, random_state=0)
    alphas = np.logspace(-5, 0, 10)
    reg = LassoCV(alphas=alphas, cv=5, tol=1e-10).fit(X, y)
    gs = GridSearchCV(Lasso(tol=1e-10), {"alpha": alphas}, cv=5,
                      scoring="neg_mean_squared_error").fit(X, y)
    assert reg.alpha_ == pytest.approx(gs.best_params_["alpha"])
    np.testing.assert_allclose(-reg.mse_path_.mean(axis=1)[::-1],
                               gs.cv_results_["mean_test_score"], rtol=1e-6)


def test_lasso_cv_keeps_its_parameters():
    X, y, _, _ = _ill_posed()
    reg = LassoCV(n_alphas=50, eps=1e-3, tol=1e-3).fit(X, y)
    assert reg.n_alphas == 50 and reg.eps == 1e-3 and reg.alphas is None
    assert len(reg.alphas_) == 50 and reg.mse_path_.shape == (50, 5)


@pytest.mark.parametrize("alphas", [(1, -1, -100), (-0.1, -1.0, -10.0), (1.0, np.nan),
                                    (1.0, np.inf), ()])
def test_lasso_cv_refuses_bad_alphas(alphas):
    X, y, _, _ = _ill_posed(n_samples=5, n_features=5)
    with pytest.raises(ValueError, match="alphas"):
        LassoCV(alphas=alphas).fit(X, y)


@pytest.mark.parametrize("alphas", [(1, 1.0, "1"), (1, 1.0, "abc")])
def test_lasso_cv_refuses_string_alphas(alphas):
    X, y, _, _ = _ill_posed(n_samples=5, n_features=5)
    with pytest.raises((TypeError, ValueError), match="alphas"):
        LassoCV(alphas=alphas).fit(X, y)


@pytest.mark.parametrize("y_value", [0.0, 5.0])
def test_lasso_cv_uniform_targets(y_value):
    rng = np.random.RandomState(0)
    X_train, X_test = rng.random_sample((10, 3)), rng.random_sample((10, 3))
    y = np.full(10, y_value)
    reg = LassoCV(n_alphas=3).fit(X_train, y)
    np.testing.assert_array_equal(reg.predict(X_test), y)
    np.testing.assert_array_equal(reg.alphas_, [np.finfo(float).resolution] * 3)


def test_lasso_cv_refuses_two_dimensional_y():
    # convention: LassoCV (like Lasso) is single-target; y of shape (n, 2) is refused
    rng = np.random.RandomState(0)
    with pytest.raises(ValueError, match="1d array"):
        LassoCV().fit(rng.randn(10, 2), rng.randn(10, 2))


@pytest.mark.parametrize("fit_intercept", [False, True])
@pytest.mark.parametrize("fmt", ["dense", "csc"])
def test_lasso_cv_alpha_max_zeroes_and_just_below_does_not(fit_intercept, fmt):
    X = np.array([[3.0, -1.0], [2.0, -5.0], [5.0, -3.0], [1.0, -4.0]])
    y = X @ np.array([1.0, -2.0])
    Xf = sp.csc_matrix(X) if fmt == "csc" else X
    cv = LassoCV(n_alphas=1, eps=1.0, cv=2, fit_intercept=fit_intercept).fit(Xf, y)
    np.testing.assert_allclose(cv.coef_, 0.0, atol=1e-12)
    reg = Lasso(alpha=0.99 * cv.alpha_, tol=1e-10, fit_intercept=fit_intercept).fit(Xf, y)
    assert np.max(np.abs(reg.coef_)) > 1e-3


def test_lasso_cv_sparse_float32_equals_float64():
    X, y, _, _ = _ill_posed(n_features=10)
    a = LassoCV(n_alphas=5).fit(sp.csr_matrix(X), y)
    b = LassoCV(n_alphas=5).fit(sp.csr_matrix(X, dtype=np.float32), y)
    assert a.alpha_ == pytest.approx(b.alpha_, rel=1e-5)
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-5, atol=1e-7)


def test_lasso_cv_sparse_input_convergence_warning():
    X, y, _, _ = _ill_posed(n_samples=50, n_features=25)
    Xs = sp.csr_matrix(X, dtype=np.float32)
    with pytest.warns(ConvergenceWarning, match="max_iter"):
        LassoCV(max_iter=1, tol=0.0, n_alphas=5).fit(Xs, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        LassoCV(n_alphas=20).fit(Xs, y)


def test_lasso_cv_refuses_unrouted_fit_params():
    # scikit-learn refuses `groups` without metadata routing; our fit takes (X, y) only
    X, y = make_regression(random_state=42)
    with pytest.raises(TypeError):
        LassoCV().fit(X, y, groups=np.arange(len(y)) % 2)


@pytest.mark.slow
def test_lasso_cv_loky_on_memmapped_data():
    # joblib memmaps arrays over 1 MB for loky workers; fancy-indexing them must work
    import joblib

    X, y = make_regression(int(1e6) // 8 + 1, 1, random_state=0)
    assert X.nbytes > 1e6
    with joblib.parallel_backend("loky"):
        reg = LassoCV(n_jobs=2, cv=3, n_alphas=10).fit(X, y)
    ref = LassoCV(n_jobs=1, cv=3, n_alphas=10).fit(X, y)
    np.testing.assert_array_equal(reg.mse_path_, ref.mse_path_)


# ----------------------------------------------------------------------------- lasso_path
@pytest.mark.parametrize("n_targets", [1, 2])
def test_path_sparse_equals_dense(n_targets):
    X, y, _, _ = _ill_posed(n_samples=50, n_features=20, n_targets=n_targets)
    _, coefs, _ = lasso_path(X, y, tol=1e-10)
    _, coefs_sp, _ = lasso_path(sp.csr_matrix(X), y, tol=1e-10)
    np.testing.assert_allclose(coefs_sp, coefs, atol=1e-8)


def test_path_matches_sklearn_path():
    X, y, _, _ = _ill_posed(n_samples=50, n_features=20)
    alphas, coefs, gaps = lasso_path(X, y, n_alphas=15, tol=1e-12)
    _, sk_coefs, _ = sk_lasso_path(X, y, alphas=alphas, tol=1e-14, max_iter=1_000_000)
    np.testing.assert_allclose(coefs, sk_coefs, atol=1e-7)
    assert np.all(gaps >= 0)


def test_path_multitarget_is_per_target():
    # scikit-learn's test_enet_multitarget, on the path: column k of Y gets its own path
    X, Y, _, _ = _ill_posed(n_samples=10, n_features=8, n_informative=10, n_targets=3)
    alphas, coefs, gaps, b = lasso_path(X, Y, n_alphas=5, fit_intercept=True, tol=1e-10,
                                        return_intercepts=True)
    for k in range(3):
        _, ck, gk, bk = lasso_path(X, Y[:, k], alphas=alphas, fit_intercept=True, tol=1e-10,
                                   return_intercepts=True)
        np.testing.assert_allclose(coefs[k], ck, atol=1e-12)
        np.testing.assert_allclose(b[k], bk, atol=1e-12)
        np.testing.assert_allclose(gaps[k], gk, atol=1e-14)


def test_path_refuses_unknown_parameter():
    # convention: keyword-only signature, so Python's TypeError (scikit-learn: ValueError)
    X, y, _, _ = _ill_posed(n_samples=50, n_features=20)
    with pytest.raises(TypeError, match="normalize"):
        lasso_path(X, y, normalize=True)


# ----------------------------------------------------------------------------- warm starts
def _warm_chain(max_iter, n_fits, alpha=0.1):
    X, y, _, _ = _ill_posed()
    warm = Lasso(alpha=alpha, max_iter=max_iter, tol=1e-10, warm_start=True)
    objs = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for _ in range(n_fits):
            warm.fit(X, y)
            objs.append(_objective(X, y, warm.coef_, warm.intercept_, alpha))
    return X, y, warm, np.array(objs)


def test_warm_start_continues_from_previous_coef():
    # scikit-learn: two warm fits of max_iter=5 equal one of max_iter=10. Adapted (our
    # max_iter counts working-set rounds, whose sizes restart with every fit): repeated warm
    # fits with a small budget decrease the objective monotonically to the cold solution
    X, y, warm, objs = _warm_chain(max_iter=2, n_fits=30)
    cold = Lasso(alpha=0.1, tol=1e-10).fit(X, y)
    assert objs[0] < 0.5 * np.mean((y - y.mean()) ** 2)  # the first fit made progress
    assert np.all(np.diff(objs) <= 1e-12 * objs[0])
    np.testing.assert_allclose(warm.coef_, cold.coef_, atol=1e-6)


def test_warm_start_with_one_iteration_budget_makes_progress():
    X, y, warm, objs = _warm_chain(max_iter=1, n_fits=5)
    assert objs[-1] < 0.5 * np.mean((y - y.mean()) ** 2)


@pytest.mark.parametrize("fmt", ["dense", "csr"])
def test_refit_invariance_cold_start(fmt):
    X, y, _, _ = _ill_posed()
    Xf = sp.csr_matrix(X) if fmt == "csr" else X
    model = Lasso(alpha=1e-3, tol=1e-3).fit(Xf, y)
    n_ref = model.n_iter_
    assert n_ref > 2
    model.fit(Xf, y)
    assert model.n_iter_ == n_ref


@pytest.mark.parametrize("alpha, tol", [(1e-2, 1e-3), (1e-3, 1e-6)])
@pytest.mark.parametrize("fmt", ["dense", "csr"])
def test_warm_refit_of_converged_model_does_no_work(fmt, alpha, tol):
    # scikit-learn: n_iter_ == 0. Convention here: n_iter_ >= 1 always (documented), so a
    # converged warm refit reports n_iter_ == 1 (the check) and zero epochs
    X, y, _, _ = _ill_posed()
    Xf = sp.csr_matrix(X) if fmt == "csr" else X
    model = Lasso(alpha=alpha, tol=tol).fit(Xf, y)
    model.set_params(warm_start=True).fit(Xf, y)
    assert model.n_iter_ == 1
    assert model.solver_result_.n_epochs == 0


@pytest.mark.parametrize("fmt", ["dense", "csr"])
def test_warm_refit_of_converged_model_does_no_work_loose_tol(fmt):
    X, y, _, _ = _ill_posed()
    Xf = sp.csr_matrix(X) if fmt == "csr" else X
    model = Lasso(alpha=1e-3, tol=1e-3).fit(Xf, y)
    model.set_params(warm_start=True).fit(Xf, y)
    assert model.n_iter_ == 1
    assert model.solver_result_.n_epochs == 0


def _cold_and_warm_epochs(solver=None):
    # Adapted: our n_iter_ counts working-set rounds; the work is solver_result_.n_epochs
    X, y = load_diabetes(return_X_y=True)
    low, high = 1e-5, 1e-4
    cold_low = Lasso(alpha=low, solver=solver).fit(X, y)
    cold_high = Lasso(alpha=high, solver=solver).fit(X, y)
    warm = Lasso(alpha=high, solver=solver, warm_start=True).fit(X, y)
    warm.set_params(alpha=low).fit(X, y)
    np.testing.assert_allclose(warm.coef_, cold_low.coef_, rtol=1e-4, atol=1e-4)
    return (cold_low.solver_result_.n_epochs, cold_high.solver_result_.n_epochs,
            warm.solver_result_.n_epochs)


def test_warm_start_from_stronger_regularisation_is_cheaper_plain_cd():
    cold_low, cold_high, warm = _cold_and_warm_epochs(
        BlockCoordinateDescent(selection="cyclic", anderson=0))
    assert cold_low > cold_high
    assert cold_low > warm


@pytest.mark.xfail(strict=True, reason=(
    "Performance, not correctness (kept as a target): with the default solver (Anderson "
    "extrapolation, subproblem checked every 10 epochs) the warm start from alpha=1e-4 costs "
    "as many epochs (60) as the cold fit at alpha=1e-5 on diabetes at tol=1e-6 (at tol=1e-10 "
    "since the gap is taken at the current iterate: 70 warm vs 80 cold); without Anderson it "
    "is cheaper (580 vs 880). alpha is 5e-6 alpha_max: the warm point is within 6e-4 of the "
    "optimum in objective but its rescaled-residual gap is 1158 (vs 2965 cold), because the "
    "dual point must satisfy ||X^T theta||_inf <= n alpha, which a near-optimal residual "
    "meets only after rescaling by ~0.1. Both runs then need the same three 20-epoch "
    "subproblems to certify: the epochs go to certifying, not to moving."))
def test_warm_start_from_stronger_regularisation_is_cheaper():
    cold_low, cold_high, warm = _cold_and_warm_epochs()
    assert cold_low > cold_high
    assert cold_low > warm


# ----------------------------------------------------------------------------- solver options
@pytest.mark.parametrize("fmt", ["dense", "wide", "csr"])
def test_random_and_cyclic_selection_agree(fmt):
    X, y, _, _ = _ill_posed(n_samples=50, n_features=20)
    if fmt == "wide":
        X, y = X.T, y[:20]
    elif fmt == "csr":
        X = sp.csr_matrix(X)
    cyc = Lasso(alpha=0.05, tol=1e-12).fit(X, y)
    rnd = Lasso(alpha=0.05, tol=1e-12,
                solver=BlockCoordinateDescent(selection="random", random_state=42)).fit(X, y)
    np.testing.assert_allclose(rnd.coef_, cyc.coef_, atol=1e-7)
    assert rnd.intercept_ == pytest.approx(cyc.intercept_, abs=1e-7)


@pytest.mark.parametrize("options", [dict(screening=False), dict(anderson=0),
                                     dict(working_set=False), dict(polish=True)], ids=str)
def test_screening_and_accelerations_do_not_change_the_solution(options):
    # scikit-learn checks its solvers with and without Gap Safe screening (and Gram) agree;
    # at alpha_max every variant returns zeros
    X, y = make_regression(random_state=0)
    amax = np.max(np.abs(X.T @ (y - y.mean()))) / len(y)
    params = dict(selection="cyclic", **options)
    for alpha in (amax, amax / 10):
        ref = Lasso(alpha=alpha, tol=1e-12).fit(X, y)
        alt = Lasso(alpha=alpha, tol=1e-12, solver=BlockCoordinateDescent(**params)).fit(X, y)
        np.testing.assert_allclose(alt.coef_, ref.coef_, rtol=1e-6, atol=1e-8 * amax)
        if alpha == amax:
            np.testing.assert_array_equal(ref.coef_, 0.0)
        else:
            assert 2 <= np.count_nonzero(np.abs(ref.coef_) > 1e-8) < X.shape[1]


# ----------------------------------------------------------------------------- constraints
def test_positive_constraint_on_negative_slope():
    X, y = [[-1.0], [0.0], [1.0]], [1.0, 0.0, -1.0]
    reg = Lasso(alpha=0.1, positive=True).fit(X, y)
    assert min(reg.coef_) >= 0
    np.testing.assert_array_equal(reg.coef_, SkLasso(alpha=0.1, positive=True).fit(X, y).coef_)


def test_positive_constraint_matches_sklearn_on_ill_posed_data():
    X, y, _, _ = _ill_posed()
    ours = Lasso(alpha=0.05, positive=True, tol=1e-12).fit(X, y)
    ref = SkLasso(alpha=0.05, positive=True, tol=1e-14, max_iter=1_000_000).fit(X, y)
    assert ours.coef_.min() >= 0 and Lasso(alpha=0.05).fit(X, y).coef_.min() < 0
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-7)


# ----------------------------------------------------------------------------- alpha = 0
@pytest.mark.parametrize("effective_rank", [None, 10])
def test_alpha_zero_is_ordinary_least_squares(effective_rank):
    # Convention: alpha=0 is documented as unpenalised least squares (no UserWarning as in
    # scikit-learn); it must reach the OLS fit
    X, y = make_regression(n_samples=300, n_features=100, effective_rank=effective_rank,
                           n_informative=50, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        reg = Lasso(alpha=0.0, tol=1e-12).fit(X, y)
    ols = LinearRegression().fit(X, y)
    np.testing.assert_allclose(reg.predict(X), ols.predict(X), rtol=1e-7,
                               atol=1e-9 * np.abs(y).max())
    np.testing.assert_allclose(reg.coef_, ols.coef_, atol=1e-8 * np.abs(ols.coef_).max())


# ----------------------------------------------------------------------------- warnings
def test_non_convergence_warns_naming_max_iter_and_tol():
    reg = Lasso(alpha=1e-10, fit_intercept=False, warm_start=True, max_iter=1, tol=1e-10)
    reg.coef_ = np.array([1.0, 1.0, 1.0, 1000.0])
    X = np.array([[-1.0, -1.0, 1.0, 1.0], [1.0, 1.0, -1.0, -1.0]])
    with pytest.warns(ConvergenceWarning, match=r"max_iter.*tol"):
        reg.fit(X, np.array([-1.0, 1.0]))


@pytest.mark.parametrize("alpha", [1.0, 0.01])
def test_large_problem_converges_without_warning(alpha):
    rng = np.random.RandomState(0)
    X = rng.standard_normal((1000, 500))
    y = rng.standard_normal(1000)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        reg = Lasso(alpha=alpha).fit(X, y)
    assert reg.solver_result_.converged


# ----------------------------------------------------------------------------- inputs
@pytest.mark.parametrize("order", ["C", "F"])
def test_inputs_are_never_modified(order):
    # scikit-learn's copy_X=True: X and y unchanged (we have no copy_X; we never write them)
    X, y, _, _ = _ill_posed()
    X = np.asarray(X, order=order) + 3.0
    Xs = sp.csc_matrix(np.where(np.abs(X - 3) > 1, X, 0.0))
    for data in (X, Xs):
        X0, y0 = data.copy(), y.copy()
        Lasso(alpha=0.05).fit(data, y)
        LassoCV(n_alphas=3, eps=0.1, cv=2).fit(data, y)
        lasso_path(data, y, n_alphas=3, eps=0.1, fit_intercept=True)
        if sp.issparse(data):
            assert (data != X0).nnz == 0 and data.format == "csc"
        else:
            np.testing.assert_array_equal(data, X0)
            assert data.flags[f"{order}_CONTIGUOUS"]
        np.testing.assert_array_equal(y, y0)


@pytest.mark.parametrize("fit_intercept", [False, True])
def test_float32_input_gives_the_float64_answer(fit_intercept):
    # Convention (not documented yet): we compute in float64 and coef_ is float64 for float32
    # input (scikit-learn keeps float32)
    X, y, _, _ = _ill_posed(n_samples=20, n_features=10)
    X32, y32 = X.astype(np.float32), y.astype(np.float32)
    r32 = Lasso(alpha=0.5, fit_intercept=fit_intercept).fit(X32, y32)
    r64 = Lasso(alpha=0.5, fit_intercept=fit_intercept).fit(X32.astype(np.float64),
                                                             y32.astype(np.float64))
    assert r32.coef_.dtype == np.float64
    np.testing.assert_array_equal(r32.coef_, r64.coef_)
    np.testing.assert_allclose(r32.coef_, Lasso(alpha=0.5, fit_intercept=fit_intercept)
                               .fit(X, y).coef_, atol=1e-4)


@pytest.mark.parametrize("fit_intercept", [False, True])
@pytest.mark.parametrize("positive", [False, True])
def test_sparse_dense_equality_with_intercept(fit_intercept, positive):
    rng = np.random.RandomState(0)
    X = rng.standard_normal((60, 40))
    X[rng.random_sample(X.shape) < 0.7] = 0.0
    X += 0.5 * (X != 0)  # uncentred nonzeros: the intercept matters
    y = X[:, :5] @ rng.standard_normal(5) + 2.0 + 0.1 * rng.standard_normal(60)
    kw = dict(alpha=0.02, fit_intercept=fit_intercept, positive=positive, tol=1e-12)
    dense = Lasso(**kw).fit(X, y)
    for fmt in (sp.csc_matrix, sp.csr_matrix, sp.coo_matrix, sp.lil_matrix, sp.csc_array,
                sp.csr_array):
        sparse = Lasso(**kw).fit(fmt(X), y)
        np.testing.assert_allclose(sparse.coef_, dense.coef_, atol=1e-8)
        assert sparse.intercept_ == pytest.approx(dense.intercept_, abs=1e-8)
    ref = SkLasso(tol=1e-14, max_iter=1_000_000, **{k: v for k, v in kw.items()
                                                     if k != "tol"}).fit(X, y)
    np.testing.assert_allclose(dense.coef_, ref.coef_, atol=1e-7)


def test_sparse_uncentred_columns_with_intercept_converge_like_dense():
    X, y, _, _ = _ill_posed()
    X = X + 3.0
    Xs = sp.csc_matrix(np.where(np.abs(X - 3.0) > 1.0, X, 0.0))
    for alpha in (1e-2, 1e-3):
        dense = Lasso(alpha=alpha).fit(Xs.toarray(), y)
        with warnings.catch_warnings():
            warnings.simplefilter("error", ConvergenceWarning)
            sparse = Lasso(alpha=alpha).fit(Xs, y)
        o_d = _objective(Xs.toarray(), y, dense.coef_, dense.intercept_, alpha)
        o_s = _objective(Xs.toarray(), y, sparse.coef_, sparse.intercept_, alpha)
        # both objectives are within their own certified duality gap of the optimum
        assert abs(o_s - o_d) <= max(sparse.dual_gap_, dense.dual_gap_) * (1 + 1e-6)
        # same problem, same solver: the work may differ by the format, not by an order of
        # magnitude. (On this ill-posed problem the count is chaotic in the rounding: the
        # Anderson weights solve a nearly singular system, and a change of its last bits
        # alone moved the dense count between 3820 and 10300 at alpha=1e-3.)
        assert sparse.solver_result_.n_epochs <= 10 * dense.solver_result_.n_epochs


def test_data_near_float_max_gives_a_clear_value_error_or_the_answer():
    # scikit-learn refuses these data; the Lasso is scale-equivariant, and it is solved on an
    # exactly rescaled copy: alpha = 0.1 is negligible at this scale, so the answer is the
    # least-squares fit divided by the scale (a clear ValueError naming X would also do).
    # The duality gap of so small an effective alpha cannot be certified in float64
    # (||X^T r|| is at rounding level): a ConvergenceWarning is expected, not a wrong answer.
    rng = np.random.RandomState(0)
    U = rng.uniform(size=(10, 2))
    X = np.finfo(np.float64).max * U
    y = rng.randint(0, 2, size=10).astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("error", RuntimeWarning)
        try:
            reg = Lasso(alpha=0.1).fit(X, y)
        except ValueError as exc:
            assert "X" in str(exc)
            return
    ols = np.linalg.lstsq(U - U.mean(axis=0), y - y.mean(), rcond=None)[0]
    np.testing.assert_allclose(reg.coef_ * np.finfo(np.float64).max, ols, rtol=1e-6)
    np.testing.assert_allclose(reg.predict(X), y.mean() + (U - U.mean(axis=0)) @ ols,
                               rtol=1e-6)


# ----------------------------------------------------------------------------- edge cases
@pytest.mark.parametrize("fmt", ["dense", "csc"])
def test_zero_target_gives_zero_model(fmt):
    X, _, _, _ = _ill_posed(n_features=20)
    Xf = sp.csc_matrix(X) if fmt == "csc" else X
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        reg = Lasso(alpha=0.1).fit(Xf, np.zeros(X.shape[0]))
    np.testing.assert_array_equal(reg.coef_, 0.0)
    assert reg.intercept_ == 0.0 and reg.dual_gap_ == 0.0


@pytest.mark.parametrize("fmt", ["dense", "csc"])
def test_constant_and_zero_columns_get_zero_coefficients(fmt):
    # a constant column is absorbed by the intercept, a zero column carries nothing: both get
    # coefficient 0 and the other coefficients are those of the fit without them
    X, y, _, _ = _ill_posed(n_features=20)
    X_extra = np.column_stack([X, np.full(len(y), 7.0), np.zeros(len(y))])
    Xf = sp.csc_matrix(X_extra) if fmt == "csc" else X_extra
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        reg = Lasso(alpha=0.05, tol=1e-12).fit(Xf, y)
    ref = Lasso(alpha=0.05, tol=1e-12).fit(X, y)
    np.testing.assert_array_equal(reg.coef_[-2:], 0.0)
    np.testing.assert_allclose(reg.coef_[:-2], ref.coef_, atol=1e-8)
    assert reg.intercept_ == pytest.approx(ref.intercept_, abs=1e-8)


def test_single_sample():
    # with an intercept one sample is fitted by the intercept alone; without, the Lasso puts
    # the weight on the largest |x_j|: w_0 = (x_0 y - alpha) / x_0^2 when x_0 y > alpha
    X, y = np.array([[2.0, 1.0]]), np.array([3.0])
    reg = Lasso(alpha=1.0).fit(X, y)
    np.testing.assert_array_equal(reg.coef_, 0.0)
    assert reg.intercept_ == 3.0
    reg = Lasso(alpha=1.0, fit_intercept=False, tol=1e-12).fit(X, y)
    np.testing.assert_allclose(reg.coef_, [1.25, 0.0], atol=1e-10)
