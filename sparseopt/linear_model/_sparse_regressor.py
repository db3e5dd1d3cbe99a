"""Shared fit of the catalogue's single-output regressors (least squares, any penalty)."""

import numpy as np
import scipy.sparse as sp
from sklearn.utils.validation import validate_data

from ..datafits import Quadratic, WeightedQuadratic
from ..solvers import BlockCoordinateDescent
from ..utils import check_sample_weight
from ._base import SparseLinearRegressor, check_common, resolve_solver

# dense copies of sparse X made for sample weights with an intercept stay below this size
_DENSIFY_CAP = 2 * 10**7


def least_squares_datafit(X, sample_weight, fit_intercept):
    """``(datafit, X)``: Quadratic, or WeightedQuadratic with scikit-learn's convention
    (weights rescaled to sum to ``n_samples``). Weighted centring needs dense data, so sparse
    ``X`` with an intercept and weights is densified (ValueError past 2e7 entries)."""
    if sample_weight is None:
        return Quadratic(), X
    sw = check_sample_weight(sample_weight, X.shape[0])
    if sp.issparse(X) and fit_intercept:
        if X.shape[0] * X.shape[1] > _DENSIFY_CAP:
            raise ValueError("sample_weight with sparse X and fit_intercept=True densifies X "
                             "(weighted centring); X is too large: use fit_intercept=False "
                             "or dense X.")
        X = X.toarray()
    return WeightedQuadratic(sw), X


def default_solver():
    """Cyclic coordinate descent with working sets, Anderson extrapolation and screening."""
    return BlockCoordinateDescent(selection="cyclic", partition="fixed", block_size=1,
                                  update="gradient", working_set="auto", anderson=5,
                                  screening=True)


class BCDRegressor(SparseLinearRegressor):
    """Base of the least-squares regressors of the catalogue: subclasses give the penalty
    (``_penalty(n_features)``) and the default solver; ``fit`` is shared."""

    def _default_solver(self):
        return default_solver()

    def fit(self, X, y, sample_weight=None):
        """Fit the model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data (sparse input is used as CSC without densifying, except with
            ``sample_weight`` and an intercept).
        y : array-like of shape (n_samples,)
            Targets.
        sample_weight : array-like of shape (n_samples,) or None, default=None
            Sample weights ``>= 0``, rescaled to sum to ``n_samples`` (scikit-learn's
            convention: integer weights equal repeated rows).

        Returns
        -------
        self
            The fitted estimator.
        """
        check_common(self)
        X, y = validate_data(self, X, y, accept_sparse=["csc", "csr", "coo"], dtype=np.float64,
                             y_numeric=True, accept_large_sparse=True)
        penalty = self._penalty(X.shape[1])
        datafit, X = least_squares_datafit(X, sample_weight, self.fit_intercept)
        solver = resolve_solver(self.solver, self._default_solver(), tol=self.tol,
                                max_iter=self.max_iter, verbose=self.verbose)
        w0 = None
        if self.warm_start and getattr(self, "coef_", None) is not None \
                and self.coef_.shape == (X.shape[1],):
            w0 = self.coef_
        w, res = solver.solve(datafit, penalty, X, y, w0, fit_intercept=self.fit_intercept,
                              check_input=False)
        self.coef_ = w
        self.intercept_ = float(res.intercept) if self.fit_intercept else 0.0
        if penalty.certificate == "dual_gap":
            self.dual_gap_ = float(res.dual_gap)
        self.n_iter_ = max(int(res.n_iter), 1)
        self.history_ = res.history
        self.solver_result_ = res
        return self
