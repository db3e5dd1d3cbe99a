"""The Lasso: least squares with an L1 penalty, solved by block coordinate descent."""

import numbers

import numpy as np
import scipy.sparse as sp
from sklearn.utils.validation import check_array, validate_data

from ..datafits import Quadratic
from ..penalties import L1
from ..solvers import BlockCoordinateDescent
from ..utils import (
    check_bool,
    check_n_jobs,
    check_positive_int,
    check_real,
    check_verbose,
    parallel_map,
)
from ._base import (
    SparseLinearRegressor,
    check_common,
    least_squares_scales,
    refuse_complex,
    resolve_solver,
    scaled_copy,
    unscaled_alphas,
)


def _default_lasso_solver():
    return BlockCoordinateDescent(selection="cyclic", partition="fixed", block_size=1,
                                  update="gradient", working_set="auto", anderson=5,
                                  screening=True)


class Lasso(SparseLinearRegressor):
    r"""Linear regression with an L1 penalty, solved by (block) coordinate descent.

    Minimises scikit-learn's Lasso objective

    .. math:: \frac{1}{2n}\|y - Xw - b\|_2^2 + \alpha \|w\|_1 .

    Parameters
    ----------
    alpha : float, default=1.0
        L1 strength, ``>= 0``. ``alpha = 0`` is unpenalised least squares (stopped on the
        gradient norm).
    fit_intercept : bool, default=True
        Fit the unpenalised intercept ``b``.
    positive : bool, default=False
        Constrain the coefficients to be non-negative (the penalty becomes
        ``alpha * sum(w) + indicator(w >= 0)``; proximal steps project onto the orthant).
    solver : BlockCoordinateDescent or None, default=None
        The algorithm. None: cyclic coordinate descent with working sets, Anderson
        extrapolation and Gap Safe screening (the fastest per second). Any selection rule,
        partition and update of :class:`~sparseopt.solvers.BlockCoordinateDescent` may be given;
        its ``tol`` and ``max_iter`` are replaced by the estimator's.
    max_iter : int or None, default=None
        Outer iterations (None: the solver's default).
    tol : float, default=1e-6
        Stop when the duality gap is below ``tol * P0``, ``P0`` the objective at ``w = 0``.
    warm_start : bool, default=False
        Start from the previous ``coef_`` when refitting.
    verbose : int, default=0
        Verbosity of the solver.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
    intercept_ : float
    dual_gap_ : float
        Duality gap of the returned ``coef_`` (at its own rescaled-residual dual point, see
        Notes; same scaling as the objective).
    n_iter_ : int
        Outer iterations run (>= 1).
    history_ : dict of ndarray
        Per outer iteration: ``iter``, ``time``, ``objective``, ``criterion`` (duality gap),
        ``ws_size``, ``support_size``.
    solver_result_ : BCDResult
        Everything the solver reported.
    n_features_in_ : int

    See Also
    --------
    lasso_path : solutions along a decreasing grid of ``alpha`` with warm starts.
    sparseopt.solvers.BlockCoordinateDescent : the solver and its selection rules.

    Notes
    -----
    The duality gap is evaluated at the rescaled residual
    ``theta = r / max(n, ||X^T r||_inf / alpha)``, the same point scikit-learn uses, so
    ``tol`` here equals ``tol / 2`` of scikit-learn's (which stops at ``gap <= tol ||y||^2 / n``).

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.linear_model import Lasso
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((100, 30))
    >>> y = X[:, 0] - 2 * X[:, 5] + 0.01 * rng.standard_normal(100)
    >>> reg = Lasso(alpha=0.1).fit(X, y)
    >>> np.flatnonzero(reg.coef_).tolist()
    [0, 5]
    """

    def __init__(self, alpha=1.0, *, fit_intercept=True, positive=False, solver=None,
                 max_iter=None, tol=1e-6, warm_start=False, verbose=0):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.positive = positive
        self.solver = solver
        self.max_iter = max_iter
        self.tol = tol
        self.warm_start = warm_start
        self.verbose = verbose

    def fit(self, X, y, sample_weight=None):
        """Fit the model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data; sparse input is used as CSC without densifying (except with
            ``sample_weight`` and an intercept: the weighted centring densifies it).
        y : array-like of shape (n_samples,)
            Targets.
        sample_weight : array-like of shape (n_samples,) or None, default=None
            Sample weights ``>= 0``, rescaled to sum to ``n_samples`` (scikit-learn's
            convention: integer weights equal repeated rows).

        Returns
        -------
        self : Lasso
            The fitted estimator.
        """
        alpha = check_common(self)
        refuse_complex(X=X, y=y)
        X, y = validate_data(self, X, y, accept_sparse=["csc", "csr", "coo"], dtype=np.float64,
                             y_numeric=True, accept_large_sparse=True)
        solver = resolve_solver(self.solver, _default_lasso_solver(), tol=self.tol,
                                max_iter=self.max_iter, verbose=self.verbose)
        positive = check_bool("positive", self.positive)
        sx, sy = least_squares_scales(X, y)  # exact rescaling of extreme data (else 1, 1)
        w0 = None
        if self.warm_start and getattr(self, "coef_", None) is not None \
                and self.coef_.shape == (X.shape[1],):
            w0 = self.coef_ * (sx / sy)
        from ._sparse_regressor import least_squares_datafit

        datafit, Xs = least_squares_datafit(scaled_copy(X, sx), sample_weight, self.fit_intercept)
        w, res = solver.solve(datafit, L1(alpha / sx / sy, positive=positive), Xs, y / sy, w0,
                              fit_intercept=self.fit_intercept, check_input=False)
        self.coef_ = w * (sy / sx)
        self.intercept_ = float(res.intercept) * sy if self.fit_intercept else 0.0
        self.dual_gap_ = float(res.dual_gap) * sy * sy
        self.n_iter_ = max(int(res.n_iter), 1)
        self.history_ = res.history
        self.solver_result_ = res
        return self


def _alpha_grid(X, Y, n_alphas, eps, fit_intercept):
    """``n_alphas`` values log-spaced from ``alpha_max`` (largest over the columns of ``Y``)."""
    n_alphas = check_positive_int("n_alphas", n_alphas)
    eps = check_real("eps", eps, low=0.0, low_inclusive=False, high=1.0)
    Yc = Y - Y.mean(axis=0) if fit_intercept else Y
    corr = np.asarray(X.T @ Yc)
    if fit_intercept:
        corr = corr - np.asarray(X.mean(axis=0)).reshape(-1, 1) * Yc.sum(axis=0)
    alpha_max = float(np.max(np.abs(corr))) / X.shape[0] if X.shape[1] else 0.0
    return alpha_max * np.logspace(0, np.log10(eps), n_alphas)


def _default_grid_size(alphas, n_alphas):
    """The size of the default grid, or None when ``alphas`` is a grid of values.

    scikit-learn (>= 1.7) gives the size as ``alphas=int``; ``n_alphas`` (the older name)
    is used when ``alphas`` is None.
    """
    if alphas is None:
        return check_positive_int("n_alphas", n_alphas)
    if isinstance(alphas, numbers.Integral) and not isinstance(alphas, bool | np.bool_):
        return check_positive_int("alphas", alphas)
    return None


def _check_alphas(alphas):
    """The grid given by the user, sorted decreasingly: real numbers, finite and >= 0."""
    if isinstance(alphas, str) or hasattr(alphas, "tocsr"):
        raise TypeError(f"alphas must be a sequence of real numbers, got {alphas!r}.")
    values = np.asarray(alphas, dtype=object).ravel()
    for i, a in enumerate(values):
        if isinstance(a, bool | np.bool_) or not isinstance(a, numbers.Real):
            raise TypeError(f"alphas[{i}] must be a real number, got {a!r}.")
    alphas = np.sort(values.astype(np.float64))[::-1]
    if alphas.size == 0 or np.any(~np.isfinite(alphas)) or np.any(alphas < 0):
        raise ValueError("alphas must be a non-empty array of finite values >= 0.")
    return alphas


def _single_path(X, y, alphas, bcd, fit_intercept, datafit=None):
    """One warm-started path (module-level so that joblib workers can run it)."""
    datafit = Quadratic() if datafit is None else datafit
    coefs = np.zeros((X.shape[1], len(alphas)))
    gaps = np.zeros(len(alphas))
    intercepts = np.zeros(len(alphas))
    w = None
    for k, a in enumerate(alphas):
        w, res = bcd.solve(datafit, L1(float(a)), X, y, w, fit_intercept=fit_intercept,
                           check_input=False)
        coefs[:, k] = w
        gaps[k] = res.dual_gap
        intercepts[k] = res.intercept
    return coefs, gaps, intercepts


def lasso_path(X, y, *, alphas=None, n_alphas=100, eps=1e-3, fit_intercept=False, solver=None,
               tol=1e-6, max_iter=None, return_intercepts=False, n_jobs=None, verbose=0):
    """Lasso solutions along a decreasing grid of ``alpha``, each warm-started from the last.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
    y : array-like of shape (n_samples,) or (n_samples, n_targets)
        With several targets, each column gets its own (independent) Lasso path on the shared
        grid; the paths run in parallel with ``n_jobs``.
    alphas : array-like or None, default=None
        The grid (sorted decreasingly before use). None: ``n_alphas`` values log-spaced from
        ``alpha_max = ||X^T y||_inf / n`` (centred data with an intercept; the largest over the
        targets) down to ``eps * alpha_max``.
    n_alphas : int, default=100
    eps : float, default=1e-3
    fit_intercept : bool, default=False
    solver : BlockCoordinateDescent or None, default=None
    tol : float, default=1e-6
    max_iter : int or None, default=None
    return_intercepts : bool, default=False
        Also return the intercepts.
    n_jobs : int or None, default=None
        Targets solved in parallel (joblib). One path is sequential by nature (each solution
        warm-starts the next), so the parallel axis is the targets (and the folds in
        :class:`LassoCV`). With several targets every path runs with one BLAS thread, in the
        main process or in a worker, so the result is the same for every ``n_jobs``.
    verbose : int, default=0
        >= 1: a progress bar over targets.

    Returns
    -------
    alphas : ndarray of shape (n_alphas,)
    coefs : ndarray of shape (n_features, n_alphas) or (n_targets, n_features, n_alphas)
    dual_gaps : ndarray of shape (n_alphas,) or (n_targets, n_alphas)
    intercepts : ndarray of shape (n_alphas,) or (n_targets, n_alphas)
        Only with ``return_intercepts=True``.

    See Also
    --------
    LassoCV : chooses ``alpha`` by cross-validation over such a path, folds in parallel.

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.linear_model import lasso_path
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((50, 10)); y = X[:, 2] + 0.1 * rng.standard_normal(50)
    >>> alphas, coefs, gaps = lasso_path(X, y, n_alphas=5)
    >>> coefs.shape, bool(np.all(coefs[:, 0] == 0))
    ((10, 5), True)
    >>> Y = np.column_stack([y, X[:, 7]])  # two targets: two independent paths
    >>> alphas, coefs, gaps = lasso_path(X, Y, n_alphas=5)
    >>> coefs.shape
    (2, 10, 5)
    """
    fit_intercept = check_bool("fit_intercept", fit_intercept)
    return_intercepts = check_bool("return_intercepts", return_intercepts)
    verbose = check_verbose(verbose)
    check_n_jobs(n_jobs)
    refuse_complex(X=X, y=y)
    X = check_array(X, accept_sparse=["csc", "csr", "coo"], dtype=np.float64,
                    accept_large_sparse=True, input_name="X")
    y = check_array(y, ensure_2d=False, dtype=np.float64, input_name="y")
    if y.ndim not in (1, 2) or y.shape[0] != X.shape[0] or (y.ndim == 2 and y.shape[1] == 0):
        raise ValueError(f"y must have shape ({X.shape[0]},) or ({X.shape[0]}, n_targets), "
                         f"got {y.shape}.")
    Y = y.reshape(y.shape[0], -1)
    sx, sy = least_squares_scales(X, y)  # exact rescaling of extreme data (else 1, 1)
    X, y, Y = scaled_copy(X, sx), y / sy, Y / sy
    if alphas is None:
        alphas = _alpha_grid(X, Y, n_alphas, eps, fit_intercept)
    else:
        alphas = _check_alphas(alphas) / sx / sy
    alphas_out = unscaled_alphas(alphas, sx, sy)
    bcd = resolve_solver(solver, _default_lasso_solver(), tol=tol, max_iter=max_iter, verbose=0)
    if sp.issparse(X):
        X = X.tocsc()
    if y.ndim == 1:
        coefs, gaps, intercepts = _single_path(X, y, alphas, bcd, fit_intercept)
    else:
        out = parallel_map(_single_path, [(X, np.ascontiguousarray(Y[:, j]), alphas, bcd,
                                           fit_intercept) for j in range(Y.shape[1])],
                           n_jobs=n_jobs, verbose=verbose, desc="lasso_path")
        coefs, gaps, intercepts = (np.stack([o[i] for o in out]) for i in range(3))
    alphas, coefs, gaps, intercepts = (alphas_out, coefs * (sy / sx), gaps * sy * sy,
                                       intercepts * sy)
    if return_intercepts:
        return alphas, coefs, gaps, intercepts
    return alphas, coefs, gaps
