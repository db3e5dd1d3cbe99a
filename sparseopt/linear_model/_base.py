"""Shared plumbing of the L1 linear estimators (solver resolution, parameter checks)."""


import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin

from ..solvers import BlockCoordinateDescent
from ..utils import (
    check_bool,
    check_nonnegative,
    check_positive_int,
    is_complex,
    power_of_two_scale,
)

# data whose largest entry lies in this range is solved as given; outside it, squares and
# sums of squares (column norms, the objective, the gap) could over- or underflow
_SAFE_SCALE = (2.0**-256, 2.0**256)


def least_squares_scales(X, y):
    """``(sx, sy)``: powers of two to divide ``X`` and ``y`` by before a least-squares fit
    (both 1.0 unless the data lie outside the safe range).

    The Lasso is exactly equivariant under ``X -> X / sx``, ``y -> y / sy``: the solution of
    the scaled problem with ``alpha / (sx sy)`` is ``coef * sx / sy``, its intercept
    ``intercept / sy`` and its objective and duality gap are divided by ``sy^2``. Dividing by
    powers of two is exact, so the fit on the scaled copy is the fit, bit for bit, wherever
    nothing overflows.
    """
    # 2^1024 (the power of two above data near float64's maximum) is inf: cap at 2^1023
    with np.errstate(over="ignore"):
        sx = min(power_of_two_scale(X.data if sp.issparse(X) else X), 2.0**1023)
        sy = min(power_of_two_scale(y), 2.0**1023)
    lo, hi = _SAFE_SCALE
    if lo <= sx <= hi and lo <= sy <= hi:
        return 1.0, 1.0
    return sx, sy


def scaled_copy(X, s):
    """``X / s`` (a copy; ``X`` itself when ``s == 1``)."""
    return X if s == 1.0 else X / s


def resolve_solver(solver, default, *, tol, max_iter, verbose):
    """A fresh BlockCoordinateDescent carrying the estimator's tol/max_iter/verbose.

    The user's instance is never modified (so ``get_params``/``clone`` stay exact).
    """
    if solver is None:
        solver = default
    elif not isinstance(solver, BlockCoordinateDescent):
        raise TypeError(
            "solver must be None or a sparseopt.solvers.BlockCoordinateDescent instance, "
            f"got {type(solver).__name__}."
        )
    params = solver.get_params()
    params["tol"] = check_nonnegative("tol", tol)
    if max_iter is not None:
        params["max_iter"] = check_positive_int("max_iter", max_iter)
    check_positive_int("verbose", verbose, minimum=0)
    params["verbose"] = int(verbose) or params["verbose"]
    return BlockCoordinateDescent(**params)


def check_common(est):
    """Validate the parameters every L1 linear estimator shares."""
    alpha = check_nonnegative("alpha", est.alpha)
    check_bool("fit_intercept", est.fit_intercept)
    check_bool("warm_start", est.warm_start)
    return alpha


def linear_predict(est, X):
    """``X @ est.coef_ + est.intercept_`` for a fitted single-output linear estimator (no
    ``intercept_``: 0), after the usual checks (fitted, same number of features; dense or
    sparse ``X``)."""
    from sklearn.utils.validation import check_is_fitted, validate_data

    check_is_fitted(est)
    X = validate_data(est, X, accept_sparse=["csc", "csr", "coo"], dtype=np.float64,
                      reset=False, accept_large_sparse=True)
    return np.asarray(X @ est.coef_).ravel() + getattr(est, "intercept_", 0.0)


def unscaled_alphas(alphas, sx, sy):
    """The grid ``alphas`` of the rescaled problem in the units of the data; a ValueError
    naming X and y when it is not representable in float64."""
    with np.errstate(over="ignore"):
        out = alphas * sx * sy
    if not np.all(np.isfinite(out)):
        raise ValueError(
            "X and y are too large: the regularisation path of these data (alpha_max = "
            "||X^T y||_inf / n) overflows float64; divide X and y by a common scale.")
    return out


def refuse_complex(**arrays):
    """A ValueError naming the first complex input (these models are real; scikit-learn's
    own refusal, whose wording is kept, does not name the argument)."""
    for name, value in arrays.items():
        dtype = getattr(value, "dtype", None)
        if (dtype is not None and dtype.kind == "c") or (dtype is None and is_complex(value)):
            raise ValueError(f"Complex data not supported: {name} must be real, got complex "
                             "values.")


def class_labels(y, estimator):
    """The sorted classes of the labels ``y`` (at least two); a ValueError for continuous
    targets (scikit-learn's wording) or a single class."""
    from sklearn.utils.multiclass import type_of_target

    if y.dtype.kind in "biu" or (y.dtype.kind == "f" and np.array_equal(y, np.round(y))):
        y_type = "multiclass"  # numeric labels: type_of_target's answer, without its cost
    elif y.dtype.kind == "f":
        y_type = "continuous"
    else:
        y_type = type_of_target(y, input_name="y", raise_unknown=True)
    if y_type not in ("binary", "multiclass"):
        # scikit-learn's wording (check_classification_targets), without a second pass
        raise ValueError(f"Unknown label type: {y_type}. {estimator} needs class labels "
                         "(binary or multiclass).")
    classes = np.unique(y)
    if len(classes) < 2:
        raise ValueError("y must hold samples of 2 classes, but the data contains only one "
                         f"class: {classes[0]!r}.")
    return classes


class SparseLinearRegressor(RegressorMixin, BaseEstimator):
    """Base of the single-output linear regressors: ``predict`` and the sparse-input tag."""

    def predict(self, X):
        """Predict ``X @ coef_ + intercept_``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        return linear_predict(self, X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


class LinearClassifier(ClassifierMixin, BaseEstimator):
    """Base of the linear classifiers (``coef_`` of shape ``(1 or n_classes, n_features)``,
    ``intercept_``, ``classes_``): the decision function, the predicted labels and the
    sparse-input tag."""

    def decision_function(self, X):
        """Signed distance ``X @ coef_.T + intercept_``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        scores : ndarray of shape (n_samples,) or (n_samples, n_classes)
            One column per class with more than two classes; with two, positive means
            ``classes_[1]``.
        """
        from sklearn.utils.validation import check_is_fitted, validate_data

        check_is_fitted(self)
        X = validate_data(self, X, accept_sparse=["csc", "csr", "coo"], dtype=np.float64,
                          reset=False, accept_large_sparse=True)
        if len(self.classes_) > 2:
            return np.asarray(X @ self.coef_.T) + self.intercept_
        return np.asarray(X @ self.coef_[0]).ravel() + self.intercept_[0]

    def predict(self, X):
        """Predicted class labels.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        labels : ndarray of shape (n_samples,)
        """
        scores = self.decision_function(X)
        if scores.ndim == 2:
            return self.classes_[np.argmax(scores, axis=1)]
        return self.classes_[(scores > 0).astype(int)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
