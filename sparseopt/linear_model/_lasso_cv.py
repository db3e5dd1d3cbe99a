"""LassoCV: the Lasso with ``alpha`` chosen by K-fold cross-validation over a path."""

import numbers

import numpy as np
import scipy.sparse as sp
from sklearn.utils.validation import validate_data

from ..utils import check_bool, check_positive_int, parallel_map
from ._base import (
    SparseLinearRegressor,
    least_squares_scales,
    refuse_complex,
    resolve_solver,
    scaled_copy,
    unscaled_alphas,
)
from ._lasso import (
    Lasso,
    _alpha_grid,
    _check_alphas,
    _default_grid_size,
    _default_lasso_solver,
    _single_path,
)
from ._sparse_regressor import least_squares_datafit


def _null_correlation(alpha_max, X, y):
    """``alpha_max`` is zero up to the rounding of the centring: ``y`` is constant or ``X``
    is zero (relative to the data's own scale, so the test is the same at every scale)."""
    x_max = float(abs(X).max()) if X.shape[0] * X.shape[1] else 0.0
    return alpha_max <= 16 * np.finfo(np.float64).eps * x_max * float(np.max(np.abs(y)))


def _fold_mse(X, y, train, test, alphas, bcd, fit_intercept, sw=None):
    """Test mean squared error (weighted by ``sw``) of every alpha of the path fitted on one
    training fold."""
    X_train = X[train].tocsc() if sp.issparse(X) else X[train]
    datafit = None
    if sw is not None:
        datafit, X_train = least_squares_datafit(X_train, sw[train], fit_intercept)
    coefs, _, intercepts = _single_path(X_train, y[train], alphas, bcd, fit_intercept, datafit)
    pred = np.asarray(X[test] @ coefs) + intercepts[None, :]
    return np.average((y[test][:, None] - pred) ** 2, axis=0,
                      weights=None if sw is None else sw[test])


class LassoCV(SparseLinearRegressor):
    r"""Lasso with the regularisation chosen by cross-validation along a warm-started path.

    For every fold, :func:`lasso_path` is fitted on the training part over a common grid of
    ``alpha`` and scored by its mean squared error on the held-out part; ``alpha_`` minimises
    the mean over folds, and the :class:`Lasso` is refitted on all the data with it. The folds
    run in parallel with ``n_jobs`` (joblib; each with one BLAS thread, so the result is the
    same for every ``n_jobs`` and every backend).

    Parameters
    ----------
    alphas : array-like, int or None, default=None
        The grid. None: ``n_alphas`` values log-spaced from ``alpha_max`` (computed on all the
        data) down to ``eps * alpha_max``; an int: that many values (scikit-learn's
        ``alphas=int``).
    n_alphas : int, default=100
        Size of the default grid when ``alphas`` is None.
    eps : float, default=1e-3
        Ratio of the smallest to the largest alpha of the default grid.
    cv : int, cross-validation generator or iterable, default=5
        As in scikit-learn (:func:`sklearn.model_selection.check_cv`): an int is the number of
        :class:`~sklearn.model_selection.KFold` folds (not shuffled).
    fit_intercept : bool, default=True
        Fit the unpenalised intercept.
    solver : BlockCoordinateDescent or None, default=None
        As in :class:`Lasso`.
    max_iter : int or None, default=None
        Outer iterations of each fit (None: the solver's default).
    tol : float, default=1e-6
        Duality-gap tolerance of each fit, relative to the objective at ``w = 0``.
    n_jobs : int or None, default=None
        Folds in parallel (joblib; None means 1 outside a ``joblib.parallel_config`` context).
    verbose : int, default=0
        >= 1: a progress bar over folds; >= 2: also the solver's lines of the final refit.

    Attributes
    ----------
    alpha_ : float
        The chosen regularisation.
    alphas_ : ndarray of shape (n_alphas,)
        The grid, decreasing.
    mse_path_ : ndarray of shape (n_alphas, n_folds)
        Held-out mean squared error of every alpha and fold.
    coef_ : ndarray of shape (n_features,)
    intercept_ : float
    dual_gap_ : float
        Duality gap of the final refit.
    n_iter_ : int
        Outer iterations of the final refit (>= 1).
    history_ : dict of ndarray
        The final refit's history (see :class:`Lasso`).
    n_features_in_ : int

    See Also
    --------
    Lasso : The estimator refitted with ``alpha_``.
    lasso_path : The path computed on each fold.

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.linear_model import LassoCV
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((80, 20))
    >>> y = X[:, 0] - 2 * X[:, 3] + 0.1 * rng.standard_normal(80)
    >>> reg = LassoCV(n_alphas=20, cv=4).fit(X, y)
    >>> reg.mse_path_.shape, np.flatnonzero(np.abs(reg.coef_) > 0.1).tolist()
    ((20, 4), [0, 3])
    """

    def __init__(self, *, alphas=None, n_alphas=100, eps=1e-3, cv=5, fit_intercept=True,
                 solver=None, max_iter=None, tol=1e-6, n_jobs=None, verbose=0):
        self.alphas = alphas
        self.n_alphas = n_alphas
        self.eps = eps
        self.cv = cv
        self.fit_intercept = fit_intercept
        self.solver = solver
        self.max_iter = max_iter
        self.tol = tol
        self.n_jobs = n_jobs
        self.verbose = verbose

    def fit(self, X, y, sample_weight=None):
        """Choose ``alpha`` by cross-validation, then refit on all the data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Targets.
        sample_weight : array-like of shape (n_samples,) or None, default=None
            Sample weights (scikit-learn's convention), used in the fits, the grid and the
            held-out errors.

        Returns
        -------
        self : LassoCV
            The fitted estimator.
        """
        check_bool("fit_intercept", self.fit_intercept)
        check_positive_int("verbose", self.verbose, minimum=0)
        refuse_complex(X=X, y=y)
        X, y = validate_data(self, X, y, accept_sparse=["csc", "csr", "coo"], dtype=np.float64,
                             y_numeric=True, accept_large_sparse=True)
        # extreme data are solved on an exactly rescaled copy (see least_squares_scales):
        # alphas in its units are alpha / (sx sy), held-out errors are divided by sy^2
        sx, sy = least_squares_scales(X, y)
        X, y = scaled_copy(X, sx), y / sy
        sw = None
        if sample_weight is not None:  # checked and rescaled to sum to n_samples
            sw = least_squares_datafit(X, sample_weight, self.fit_intercept)[0].sample_weight
        n_alphas = _default_grid_size(self.alphas, self.n_alphas)
        if n_alphas is not None:
            if sw is not None:  # the grid of the weighted problem
                datafit, Xg = least_squares_datafit(X, sw, self.fit_intercept)
                _, Xg, yg, _ = datafit.reduce_problem(Xg, y, self.fit_intercept)
                alphas = _alpha_grid(Xg, yg[:, None], n_alphas, self.eps, False)
            else:
                alphas = _alpha_grid(X, y[:, None], n_alphas, self.eps, self.fit_intercept)
            if _null_correlation(alphas[0], X, y):  # y is constant (or X is zero)
                alphas = np.full(alphas.size, np.finfo(np.float64).resolution / sx / sy)
        else:
            alphas = _check_alphas(self.alphas) / sx / sy
        alphas_out = unscaled_alphas(alphas, sx, sy)
        bcd = resolve_solver(self.solver, _default_lasso_solver(), tol=self.tol,
                             max_iter=self.max_iter, verbose=0)
        from sklearn.model_selection import check_cv  # lazy: keeps the first import light

        if isinstance(self.cv, numbers.Integral | bool | np.bool_) or isinstance(self.cv, str):
            check_positive_int("cv", self.cv, minimum=2)  # a number of folds: at least 2
        folds = list(check_cv(self.cv).split(X, y))
        Xf = X.tocsr() if sp.issparse(X) else X  # row slicing
        mse = parallel_map(_fold_mse, [(Xf, y, train, test, alphas, bcd, self.fit_intercept, sw)
                                       for train, test in folds],
                           n_jobs=self.n_jobs, verbose=self.verbose, desc="LassoCV folds")
        mse = np.column_stack(mse)
        best = int(np.argmin(mse.mean(axis=1)))  # ties: the largest alpha
        final = Lasso(float(alphas[best]), fit_intercept=self.fit_intercept, solver=self.solver,
                      max_iter=self.max_iter, tol=self.tol,
                      verbose=max(int(self.verbose) - 1, 0)).fit(X, y, sample_weight=sw)
        self.alphas_ = alphas_out
        with np.errstate(over="ignore"):  # errors above float64's range are inf, honestly
            self.mse_path_ = mse * sy * sy
        self.alpha_ = float(self.alphas_[best])
        self.coef_ = final.coef_ * (sy / sx)
        self.intercept_ = final.intercept_ * sy
        self.dual_gap_ = final.dual_gap_ * sy * sy
        self.n_iter_ = final.n_iter_
        self.history_ = final.history_
        return self
