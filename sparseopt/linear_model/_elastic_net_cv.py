"""ElasticNetCV: the elastic net with ``alpha`` (and ``l1_ratio``) chosen by K-fold
cross-validation over warm-started paths."""

import numbers

import numpy as np
import scipy.sparse as sp
from sklearn.utils.validation import validate_data

from ..penalties import L1L2
from ..utils import (
    check_bool,
    check_positive_int,
    check_real,
    check_real_array,
    check_sample_weight,
    parallel_map,
)
from ._base import SparseLinearRegressor, resolve_solver
from ._lasso import _check_alphas, _default_grid_size
from ._lasso_cv import _null_correlation
from ._penalised import ElasticNet
from ._sparse_regressor import default_solver, least_squares_datafit


def _ratios(l1_ratio):
    r = None if isinstance(l1_ratio, str) else np.atleast_1d(np.asarray(l1_ratio, dtype=object))
    if r is None or r.ndim != 1 or r.size == 0:
        raise ValueError(f"l1_ratio must be a float or a list of floats in [0, 1], got "
                         f"{l1_ratio!r}.")
    return np.array([check_real("l1_ratio", v, low=0.0, high=1.0) for v in r])


def _grid(X, y, sw, ratio, n_alphas, eps, fit_intercept):
    """``n_alphas`` values from ``alpha_max = ||X^T y||_inf / (n l1_ratio)`` (centred and
    weighted data) down to ``eps * alpha_max`` (scikit-learn's grid)."""
    datafit, X = least_squares_datafit(X, sw, fit_intercept)
    if hasattr(datafit, "reduce_problem"):
        _, X, y, _ = datafit.reduce_problem(X, y, fit_intercept)
        fit_intercept = False
    yc = y - y.mean() if fit_intercept else y
    corr = np.asarray(X.T @ yc).ravel()
    if fit_intercept:
        corr = corr - np.asarray(X.mean(axis=0)).ravel() * yc.sum()
    alpha_max = float(np.max(np.abs(corr), initial=0.0)) / (X.shape[0] * max(ratio, 1e-3))
    if _null_correlation(alpha_max, X, y):  # y constant or X zero, relative to their scale
        x_max = float(abs(X).max()) if X.shape[0] * X.shape[1] else 0.0
        alpha_max = np.finfo(np.float64).resolution * x_max * float(np.max(np.abs(y)))
    return alpha_max * np.logspace(0, np.log10(eps), n_alphas)


def _path(X, y, sw, alphas, ratio, positive, bcd, fit_intercept):
    """Warm-started elastic-net path: coefficients and intercepts per alpha."""
    datafit, X = least_squares_datafit(X, sw, fit_intercept)
    coefs = np.zeros((X.shape[1], len(alphas)))
    intercepts = np.zeros(len(alphas))
    w = None
    for k, a in enumerate(alphas):
        w, res = bcd.solve(datafit, L1L2(float(a), float(ratio), positive=positive), X, y, w,
                           fit_intercept=fit_intercept, check_input=False)
        coefs[:, k] = w
        intercepts[k] = res.intercept
    return coefs, intercepts


def _fold_mse(X, y, sw, train, test, alpha_grid, ratios, positive, bcd, fit_intercept):
    """Held-out (weighted) mean squared error of every (l1_ratio, alpha) on one fold."""
    X_train = X[train].tocsc() if sp.issparse(X) else X[train]
    sw_train = None if sw is None else sw[train]
    sw_test = None if sw is None else sw[test]
    out = np.empty((len(ratios), alpha_grid.shape[1]))
    for r, ratio in enumerate(ratios):
        coefs, b = _path(X_train, y[train], sw_train, alpha_grid[r], ratio, positive, bcd,
                         fit_intercept)
        pred = np.asarray(X[test] @ coefs) + b[None, :]
        out[r] = np.average((y[test][:, None] - pred) ** 2, axis=0, weights=sw_test)
    return out


class ElasticNetCV(SparseLinearRegressor):
    r"""Elastic net with ``alpha`` (and ``l1_ratio``) chosen by cross-validation.

    For every fold and every ``l1_ratio``, a warm-started path of :class:`ElasticNet`
    fits over a decreasing grid of ``alpha`` is scored by its (sample-weighted) mean squared
    error on the held-out part; the pair with the smallest mean over folds is refitted on all
    the data. Folds run in parallel with ``n_jobs``.

    Parameters
    ----------
    l1_ratio : float or list of float, default=0.5
        The mixes tried, in ``[0, 1]``.
    alphas : array-like, int or None, default=None
        One grid for every ``l1_ratio``. None: per ``l1_ratio``, ``n_alphas`` values
        log-spaced from ``alpha_max = ||X^T y||_inf / (n l1_ratio)`` (scikit-learn's) down to
        ``eps * alpha_max``; an int: that many values (scikit-learn's ``alphas=int``).
    n_alphas : int, default=100
        Size of the default grid when ``alphas`` is None.
    eps : float, default=1e-3
    cv : int, cross-validation generator or iterable, default=5
    fit_intercept : bool, default=True
    positive : bool, default=False
        Constrain ``w >= 0`` in the final refit and along the paths.
    solver : BlockCoordinateDescent or None, default=None
    max_iter : int or None, default=None
    tol : float, default=1e-6
        Duality-gap tolerance of each fit, relative to the objective at ``w = 0``.
    n_jobs : int or None, default=None
        Folds in parallel (joblib).
    verbose : int, default=0

    Attributes
    ----------
    alpha_ : float
    l1_ratio_ : float
    alphas_ : ndarray of shape (n_l1_ratio, n_alphas), or (n_alphas,) for one ratio
    mse_path_ : ndarray of shape (n_l1_ratio, n_alphas, n_folds), or (n_alphas, n_folds)
    coef_ : ndarray of shape (n_features,)
    intercept_ : float
    dual_gap_ : float
    n_iter_ : int
    history_ : dict of ndarray
    n_features_in_ : int

    Notes
    -----
    With folds :math:`(T_k, V_k)_{k=1}^K` and :math:`\hat w_{\alpha,\rho}^{(k)}` the
    :class:`ElasticNet` fit on :math:`T_k`, the choice is

    .. math::

        (\hat\alpha, \hat\rho) = \arg\min_{\alpha, \rho} \frac1K\sum_{k=1}^K
        \frac{\sum_{i \in V_k} s_i (y_i - x_i^\top\hat w_{\alpha,\rho}^{(k)} - \hat b^{(k)})^2}
        {\sum_{i \in V_k} s_i}

    (``s_i = 1`` without ``sample_weight``), followed by a refit on all the data.

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.linear_model import ElasticNetCV
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((80, 20))
    >>> y = X[:, 0] - 2 * X[:, 3] + 0.1 * rng.standard_normal(80)
    >>> reg = ElasticNetCV(l1_ratio=[0.5, 0.9], n_alphas=10, cv=3).fit(X, y)
    >>> reg.mse_path_.shape, np.flatnonzero(np.abs(reg.coef_) > 0.1).tolist()
    ((2, 10, 3), [0, 3])
    """

    def __init__(self, *, l1_ratio=0.5, alphas=None, n_alphas=100, eps=1e-3, cv=5,
                 fit_intercept=True, positive=False, solver=None, max_iter=None, tol=1e-6,
                 n_jobs=None, verbose=0):
        self.l1_ratio = l1_ratio
        self.alphas = alphas
        self.n_alphas = n_alphas
        self.eps = eps
        self.cv = cv
        self.fit_intercept = fit_intercept
        self.positive = positive
        self.solver = solver
        self.max_iter = max_iter
        self.tol = tol
        self.n_jobs = n_jobs
        self.verbose = verbose

    def fit(self, X, y, sample_weight=None):
        """Choose ``(l1_ratio, alpha)`` by cross-validation, then refit on all the data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,) or None, default=None
            Sample weights (scikit-learn's convention), used in the fits and the held-out
            errors.

        Returns
        -------
        self : ElasticNetCV
            The fitted estimator.
        """
        for name in ("fit_intercept", "positive"):
            check_bool(name, getattr(self, name))
        check_positive_int("verbose", self.verbose, minimum=0)
        X, y = validate_data(self, X, y, accept_sparse=["csc", "csr", "coo"], dtype=np.float64,
                             y_numeric=True, accept_large_sparse=True)
        y = check_real_array("y", y, ndim=1)
        ratios = _ratios(self.l1_ratio)
        sw = None if sample_weight is None else check_sample_weight(sample_weight, X.shape[0])
        n_alphas = _default_grid_size(self.alphas, self.n_alphas)
        if n_alphas is not None:
            eps = check_real("eps", self.eps, low=0.0, low_inclusive=False, high=1.0)
            grid = np.stack([_grid(X, y, sw, r, n_alphas, eps, self.fit_intercept)
                             for r in ratios])
        else:
            grid = np.tile(_check_alphas(self.alphas), (len(ratios), 1))
        bcd = resolve_solver(self.solver, default_solver(), tol=self.tol,
                             max_iter=self.max_iter, verbose=0)
        from sklearn.model_selection import check_cv

        if isinstance(self.cv, numbers.Integral | np.bool_ | str):
            check_positive_int("cv", self.cv, minimum=2)  # a number of folds: at least 2
        folds = list(check_cv(self.cv).split(X, y))
        Xf = X.tocsr() if sp.issparse(X) else X
        mse = parallel_map(_fold_mse, [(Xf, y, sw, train, test, grid, ratios,
                                        bool(self.positive), bcd, self.fit_intercept)
                                       for train, test in folds],
                           n_jobs=self.n_jobs, verbose=self.verbose, desc="ElasticNetCV folds")
        mse_path = np.stack(mse, axis=-1)  # (n_ratios, n_alphas, n_folds)
        mean = mse_path.mean(axis=-1)
        r, k = np.unravel_index(int(np.argmin(mean)), mean.shape)
        self.l1_ratio_ = float(ratios[r])
        self.alpha_ = float(grid[r, k])
        single = np.ndim(self.l1_ratio) == 0
        self.alphas_ = grid[0] if single else grid
        self.mse_path_ = mse_path[0] if single else mse_path
        final = ElasticNet(self.alpha_, self.l1_ratio_, fit_intercept=self.fit_intercept,
                           positive=self.positive, solver=self.solver, max_iter=self.max_iter,
                           tol=self.tol, verbose=max(int(self.verbose) - 1, 0))
        final.fit(X, y, sample_weight=sample_weight)
        self.coef_ = final.coef_
        self.intercept_ = final.intercept_
        self.dual_gap_ = final.dual_gap_
        self.n_iter_ = final.n_iter_
        self.history_ = final.history_
        return self
