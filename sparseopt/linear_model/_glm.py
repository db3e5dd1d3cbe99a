"""Any datafit with any penalty, through block coordinate descent or proximal gradient."""

import copy

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import validate_data

from ..datafits import Logistic, Quadratic, WeightedLogistic
from ..datafits import dispatch as D
from ..penalties import L1, Penalty
from ..solvers import BlockCoordinateDescent, ProximalGradient
from ..utils import check_bool
from ._base import linear_predict, refuse_complex


def check_pair(datafit, penalty):
    """Whether the pair runs on block coordinate descent (True) or proximal gradient (False);
    a ValueError naming both for a pair no solver supports."""
    d_name, p_name = type(datafit).__name__, type(penalty).__name__
    if hasattr(datafit, "with_linear_term"):
        raise ValueError(f"datafit {d_name} with penalty {p_name} is not supported by "
                         "GeneralizedLinearEstimator: QuadraticSVC is the dual of a linear SVM "
                         "(its coefficients are one per sample); use "
                         "sparseopt.linear_model.LinearSVC, or BlockCoordinateDescent().solve "
                         "on the dual design.")
    kernels = getattr(datafit, "code", -1) in D.CODES or hasattr(datafit, "reduce_problem")
    structure = getattr(penalty, "structure", None)
    bcd = structure in ("separable", "block") and getattr(penalty, "code", -1) >= 0
    unbounded = not np.isfinite(getattr(datafit, "curvature", 1.0))
    if not kernels or structure is None:
        raise ValueError(f"datafit {d_name} with penalty {p_name} is not supported by "
                         "GeneralizedLinearEstimator: it needs a single-output datafit and a "
                         "penalty of sparseopt (multi-output models have their own "
                         "estimators: MultiTaskLasso, SparseLogisticRegression).")
    if bcd and structure == "block" and unbounded:
        raise ValueError(f"datafit {d_name} with penalty {p_name} is not supported: block "
                         f"penalties take 1/L steps and {d_name} has no global curvature "
                         "bound (use a separable penalty, e.g. L1 or MCP).")
    if not bcd and not isinstance(datafit, Quadratic | Logistic):
        raise ValueError(f"datafit {d_name} with penalty {p_name} is not supported: "
                         f"{p_name} couples all coordinates (proximal gradient), which "
                         "runs with Quadratic or Logistic only.")
    return bcd


class GeneralizedLinearEstimator(RegressorMixin, BaseEstimator):
    r"""Linear model ``min_w F(Xw + b) + Psi(w)`` for a datafit and a penalty of your choice.

    Parameters
    ----------
    datafit : datafit object or None, default=None
        A single-output datafit of :mod:`sparseopt.datafits` (Quadratic, Logistic, Huber,
        Poisson, Gamma, WeightedQuadratic, WeightedLogistic); None means ``Quadratic()``.
        With a logistic datafit the targets must be in {-1, 1} and ``predict`` returns signs.
    penalty : penalty object or None, default=None
        Any penalty of :mod:`sparseopt.penalties` (None means ``L1(1.0)``).
    solver : BlockCoordinateDescent, ProximalGradient or None, default=None
        None picks block coordinate descent for penalties it can split into coordinates or
        groups (those with kernels) and proximal gradient otherwise (the envelopes couple all
        coordinates); datafits without a global curvature bound (Poisson, Gamma) get
        proximal Newton steps (``update='newton'``). A pair no solver supports raises a
        ValueError naming both.
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
        # Cox's targets are (time, event) pairs: two columns
        pairs = getattr(self.datafit, "target_columns", 1) == 2
        X, y = validate_data(self, X, y, accept_sparse=["csc", "csr", "coo"], dtype=np.float64,
                             y_numeric=True, multi_output=pairs)
        datafit = copy.deepcopy(self.datafit) if self.datafit is not None else Quadratic()
        penalty = copy.deepcopy(self.penalty) if self.penalty is not None else L1(1.0)
        separable = check_pair(datafit, penalty)
        if isinstance(datafit, Logistic | WeightedLogistic) \
                and not np.all(np.isin(y, (-1.0, 1.0))):
            raise ValueError(f"y must hold -1 and 1 with the {type(datafit).__name__} "
                             "datafit.")
        solver = self.solver
        if solver is None:
            newton = not np.isfinite(getattr(datafit, "curvature", 1.0))
            solver = BlockCoordinateDescent(selection="cyclic",
                                            update="newton" if newton else "gradient") \
                if separable else ProximalGradient()
        if isinstance(solver, BlockCoordinateDescent):
            solver = BlockCoordinateDescent(**solver.get_params())
            w, res = solver.solve(datafit, penalty, X, y, fit_intercept=fit_intercept,
                                  check_input=False)
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
        if isinstance(self.datafit, Logistic | WeightedLogistic):
            return np.where(out > 0, 1.0, -1.0)
        return out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
