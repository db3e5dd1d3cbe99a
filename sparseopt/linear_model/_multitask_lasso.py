"""MultiTaskLasso: multi-task least squares with the L2,1 norm of the coefficient rows."""

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from ..datafits import QuadraticMultiTask
from ..penalties import GroupL2
from ..solvers import BlockCoordinateDescent
from ._base import check_common, resolve_solver


class MultiTaskLasso(RegressorMixin, BaseEstimator):
    r"""Multi-task Lasso with scikit-learn's objective and ``coef_`` shape.

    .. math:: \frac{1}{2n}\|Y - XW - 1 b^T\|_F^2 + \alpha\sum_j \|W_{j,:}\|_2 .

    Parameters
    ----------
    alpha : float, default=1.0
        Strength, ``>= 0``.
    fit_intercept : bool, default=True
        Fit one unpenalised intercept per task.
    solver : BlockCoordinateDescent or None, default=None
        The algorithm (None: cyclic exact row steps with working sets of rows and Anderson
        extrapolation); its ``tol``, ``max_iter`` and ``verbose`` are replaced.
    max_iter : int or None, default=None
        Outer iterations (None: the solver's default).
    tol : float, default=1e-6
        Stop when the duality gap is below ``tol`` times the objective at ``W = 0``.
    warm_start : bool, default=False
        Start from the previous ``coef_`` when refitting.
    verbose : int, default=0
        Verbosity of the solver.

    Attributes
    ----------
    coef_ : ndarray of shape (n_tasks, n_features)
        As in scikit-learn (the transpose of ``W``).
    intercept_ : ndarray of shape (n_tasks,)
    dual_gap_ : float
    n_iter_ : int
    history_ : dict of ndarray
    solver_result_ : SolverResult
    n_features_in_ : int

    Notes
    -----
    The datafit is :class:`~sparseopt.datafits.QuadraticMultiTask` and the penalty
    ``GroupL2(alpha, groups=n_tasks)`` on the rows of ``W``; each row step is exact (its
    curvature is ``||X_j||^2 / n``).

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.linear_model import MultiTaskLasso
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((100, 20))
    >>> Y = np.column_stack([X[:, 0] + X[:, 3], X[:, 0] - X[:, 3]])
    >>> reg = MultiTaskLasso(alpha=0.1).fit(X, Y)
    >>> reg.coef_.shape, np.flatnonzero(np.any(reg.coef_, axis=0)).tolist()
    ((2, 20), [0, 3])
    """

    def __init__(self, alpha=1.0, *, fit_intercept=True, solver=None, max_iter=None, tol=1e-6,
                 warm_start=False, verbose=0):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.solver = solver
        self.max_iter = max_iter
        self.tol = tol
        self.warm_start = warm_start
        self.verbose = verbose

    def fit(self, X, y):
        """Fit the model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples, n_tasks)
            Targets (one column per task; a 1-D ``y`` is one task).

        Returns
        -------
        self : MultiTaskLasso
            The fitted estimator.
        """
        alpha = check_common(self)
        X, y = validate_data(self, X, y, accept_sparse=["csc", "csr", "coo"], dtype=np.float64,
                             y_numeric=True, multi_output=True, accept_large_sparse=True)
        Y = y.reshape(y.shape[0], -1)
        T = Y.shape[1]
        solver = resolve_solver(self.solver, BlockCoordinateDescent("cyclic"), tol=self.tol,
                                max_iter=self.max_iter, verbose=self.verbose)
        W0 = None
        if self.warm_start and getattr(self, "coef_", None) is not None \
                and self.coef_.shape == (T, X.shape[1]):
            W0 = self.coef_.T
        W, res = solver.solve(QuadraticMultiTask(), GroupL2(alpha, groups=T), X, Y, W0,
                              fit_intercept=self.fit_intercept, check_input=False)
        self.coef_ = np.ascontiguousarray(W.T)
        self.intercept_ = (np.asarray(res.intercept, dtype=np.float64).copy()
                           if self.fit_intercept else np.zeros(T))
        if y.ndim == 1:
            self.coef_, self.intercept_ = self.coef_[0], float(self.intercept_[0])
        self.dual_gap_ = float(res.dual_gap)
        self.n_iter_ = max(int(res.n_iter), 1)
        self.history_ = res.history
        self.solver_result_ = res
        return self

    def predict(self, X):
        """Predict ``X @ coef_.T + intercept_``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        Y_pred : ndarray of shape (n_samples, n_tasks) (or (n_samples,) for one task)
        """
        check_is_fitted(self)
        X = validate_data(self, X, accept_sparse=["csc", "csr", "coo"], dtype=np.float64,
                          reset=False, accept_large_sparse=True)
        return np.asarray(X @ self.coef_.T) + self.intercept_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.target_tags.multi_output = True
        return tags
