"""Shared plumbing of the L1 linear estimators (solver resolution, parameter checks)."""

import numbers

import numpy as np

from ..solvers import BlockCoordinateDescent
from ..utils import check_nonnegative, check_positive_int


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
    if isinstance(verbose, bool) or not isinstance(verbose, numbers.Integral) or verbose < 0:
        raise ValueError(f"verbose must be an int >= 0, got {verbose!r}.")
    params["verbose"] = int(verbose) or params["verbose"]
    return BlockCoordinateDescent(**params)


def check_common(est):
    """Validate the parameters every L1 linear estimator shares."""
    alpha = check_nonnegative("alpha", est.alpha)
    if not isinstance(est.fit_intercept, bool | np.bool_):
        raise TypeError(f"fit_intercept must be a bool, got {est.fit_intercept!r}.")
    if not isinstance(est.warm_start, bool | np.bool_):
        raise TypeError(f"warm_start must be a bool, got {est.warm_start!r}.")
    return alpha


def linear_predict(est, X):
    """``X @ est.coef_ + est.intercept_`` for a fitted single-output linear estimator, after
    the usual checks (fitted, same number of features; dense or sparse ``X``)."""
    from sklearn.utils.validation import check_is_fitted, validate_data

    check_is_fitted(est)
    X = validate_data(est, X, accept_sparse=["csc", "csr", "coo"], dtype=np.float64,
                      reset=False, accept_large_sparse=True)
    return np.asarray(X @ est.coef_).ravel() + est.intercept_
