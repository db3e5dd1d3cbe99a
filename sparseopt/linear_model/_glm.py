"""Any datafit with any penalty, through block coordinate descent or proximal gradient."""

import copy

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import validate_data

from ..datafits import Logistic, Quadratic
from ..penalties import L1, Penalty
from ..solvers import BlockCoordinateDescent, ProximalGradient
from ..utils import check_bool
from ._base import linear_predict, refuse_complex


class GeneralizedLinearEstimator(RegressorMixin, BaseEstimator):
    r"""Linear model ``min_w F(Xw + b) + Psi(w)`` for a datafit and a penalty of your choice.

    Parameters
    ----------
    datafit : Quadratic or Logistic, default=None
        None means ``Quadratic()`` (least squares). With ``Logistic`` the targets must be in
        {-1, 1} and ``predict`` returns signs.
    penalty : penalty object or None, default=None
        Any penalty of :mod:`sparseopt.penalties` (None means ``L1(1.0)``).
    solver : BlockCoordinateDescent, ProximalGradient or None, default=None
        None picks block coordinate descent for penalties it can split into coordinates or
        groups (those with kernels: L1, GroupL2) and proximal gradient otherwise (the envelopes
        couple all coordinates).
    fit_intercept : bool, default=False
        Unpenalised intercept (with proximal gradient: least squares only, by centring).

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
    intercept_ : float
    n_iter_ : int
    history_ : dict of ndarray
    solver_result_ : BCDResult or ProxGradResult

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.linear_model import GeneralizedLinearEstimator
    >>> from sparseopt.penalties import WeightedGroupSparseEnvelope
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((80, 12)); y = X[:, :3] @ [1.0, -1.0, 2.0]
    >>> est = GeneralizedLinearEstimator(penalty=WeightedGroupSparseEnvelope(1, 3, alpha=0.1))
    >>> int(np.count_nonzero(est.fit(X, y).coef_[3:] ** 2 > 1e-3))
    0
    """

    def __init__(self, datafit=None, penalty=None, solver=None, *, fit_intercept=False):
        self.datafit = datafit
        self.penalty = penalty
        self.solver = solver
        self.fit_intercept = fit_intercept

    def fit(self, X, y):
        """Fit the model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)

        Returns
        -------
        self : GeneralizedLinearEstimator
            The fitted estimator.
        """
        fit_intercept = check_bool("fit_intercept", self.fit_intercept)
        if self.penalty is not None and not isinstance(self.penalty, Penalty):
            raise TypeError(f"penalty must be None or a sparseopt penalty (L1, GroupL2, ...), "
                            f"got {self.penalty!r}.")
        refuse_complex(X=X, y=y)
        X, y = validate_data(self, X, y, accept_sparse=["csc", "csr", "coo"], dtype=np.float64,
                             y_numeric=True)
        datafit = copy.deepcopy(self.datafit) if self.datafit is not None else Quadratic()
        penalty = copy.deepcopy(self.penalty) if self.penalty is not None else L1(1.0)
        if not isinstance(datafit, Quadratic | Logistic):
            raise TypeError(f"datafit must be Quadratic or Logistic, got "
                            f"{type(datafit).__name__}.")
        if isinstance(datafit, Logistic) and not np.all(np.isin(y, (-1.0, 1.0))):
            raise ValueError("y must hold -1 and 1 with the Logistic datafit.")
        separable = (getattr(penalty, "structure", "vector") != "vector"
                     and getattr(penalty, "code", -1) >= 0)
        solver = self.solver
        if solver is None:
            solver = BlockCoordinateDescent(selection="cyclic") if separable else \
                ProximalGradient()
        if isinstance(solver, BlockCoordinateDescent):
            solver = BlockCoordinateDescent(**solver.get_params())
            w, res = solver.solve(datafit, penalty, X, y, fit_intercept=fit_intercept)
            intercept = res.intercept
        elif isinstance(solver, ProximalGradient):
            solver = ProximalGradient(**solver.get_params())
            if fit_intercept:
                if not isinstance(datafit, Quadratic) or not isinstance(X, np.ndarray):
                    raise ValueError("fit_intercept with ProximalGradient needs the Quadratic "
                                     "datafit and dense X.")
                X_mean, y_mean = X.mean(axis=0), float(y.mean())
                w, res = solver.solve(datafit, penalty, X - X_mean, y - y_mean)
                intercept = y_mean - float(X_mean @ w)
            else:
                w, res = solver.solve(datafit, penalty, X, y)
                intercept = 0.0
        else:
            raise TypeError("solver must be None, a BlockCoordinateDescent or a "
                            f"ProximalGradient, got {type(solver).__name__}.")
        self.coef_ = w
        self.intercept_ = float(intercept)
        self.n_iter_ = max(int(res.n_iter), 1)
        self.history_ = res.history
        self.solver_result_ = res
        return self

    def predict(self, X):
        """``X @ coef_ + intercept_`` (its sign with the Logistic datafit).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        out = linear_predict(self, X)
        if isinstance(self.datafit, Logistic):
            return np.where(out > 0, 1.0, -1.0)
        return out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
