"""Primal objective and a duality gap computed the same way for every solver.

The dual point is the rescaled residual ``theta = s * (-f'(Xw + b))`` with
``s = min(1, alpha / dual_norm(X^T theta_hat))``: the one benchopt and scikit-learn use, so gaps
of different solvers (ours, skglm, celer, scikit-learn) are comparable.
"""

import numpy as np

from ._validation import check_finite_array, check_real_array


def _check_parts(datafit, penalty, needs):
    """The datafit and penalty provide what the evaluation calls (TypeError naming them)."""
    for attr in ("value", "raw_grad", "dual")[:needs]:
        if not callable(getattr(datafit, attr, None)):
            raise TypeError(f"datafit must provide {attr}() (e.g. Quadratic(), Logistic()), got "
                            f"{type(datafit).__name__}.")
    if penalty is None:
        return
    for attr in ("value", "dual_norm")[:needs]:
        if not callable(getattr(penalty, attr, None)):
            raise TypeError(f"penalty must be None or provide {attr}() (e.g. L1(alpha)), got "
                            f"{type(penalty).__name__}.")
    if needs > 1 and not hasattr(penalty, "alpha"):
        raise TypeError(f"penalty must have an alpha (e.g. L1(alpha)), got "
                        f"{type(penalty).__name__}.")


def _check_data(X, y, w, intercept):
    """Real finite ``X`` (dense or sparse), ``y``, ``w`` and ``intercept`` of matching sizes."""
    if hasattr(X, "tocsr"):
        if np.iscomplexobj(X.data) or X.data.dtype.kind not in "biuf":
            raise TypeError(f"X must hold real numbers, got dtype {X.data.dtype}.")
        check_finite_array("X", X)
        if X.ndim != 2 or min(X.shape) < 1:
            raise ValueError(f"X must be a non-empty 2-D matrix, got shape {X.shape}.")
    else:
        X = check_real_array("X", X, ndim=2)
    y = check_real_array("y", y)
    w = check_real_array("w", w)
    if y.ndim not in (1, 2) or y.shape[0] != X.shape[0]:
        raise ValueError(f"y must have one entry (row) per sample of X ({X.shape[0]}), got shape "
                         f"{y.shape}.")
    if w.ndim not in (1, 2) or w.shape[0] != X.shape[1]:
        raise ValueError(f"w must have one entry (row) per feature of X ({X.shape[1]}), got "
                         f"shape {w.shape}.")
    intercept = check_real_array("intercept", intercept)
    if intercept.ndim > 1 or (intercept.ndim == 1 and w.ndim == 1):
        raise ValueError(f"intercept must be a scalar (or one per column of w), got shape "
                         f"{intercept.shape}.")
    return X, y, w, intercept[()] if intercept.ndim == 0 else intercept


def primal_objective(datafit, penalty, X, y, w, intercept=0.0):
    """``F(w) + Psi(w)`` with ``F(w) = f(Xw + intercept)``.

    ``X`` (dense or sparse), ``y``, ``w`` and ``intercept`` must be real and finite, with
    matching sizes (errors name the argument).
    """
    _check_parts(datafit, penalty, 1)
    X, y, w, intercept = _check_data(X, y, w, intercept)
    z = X @ w + intercept
    pen = 0.0 if penalty is None else penalty.value(w)
    return datafit.value(y, z) + pen


def gap_from_predictor(datafit, penalty, X, y, w, z, grad=None, y_dual=None, raw=None):
    """Duality gap at ``w`` with linear predictor ``z``; returns ``(gap, primal, dual, Xt_theta)``.

    ``raw = f'(z)`` and ``grad = X^T f'(z)`` may be passed when already known (``grad`` as a
    vector, raveled like ``w``). ``y_dual`` (default ``y``) is the target used in the dual
    objective: the solvers run least squares on the residual (``y = 0``, ``z = Xw - y``) and
    pass the true targets here.
    """
    if raw is None:
        raw = datafit.raw_grad(y, z)
    if grad is None:
        grad = X.T @ raw
    alpha = 0.0 if penalty is None else float(penalty.alpha)
    primal = datafit.value(y, z) + (0.0 if penalty is None else penalty.value(w))
    if alpha == 0.0:
        return np.inf, primal, -np.inf, -grad
    dn = penalty.dual_norm(-grad)
    scale = 1.0 if dn <= alpha else alpha / dn
    theta = -scale * raw
    dual = datafit.dual(y if y_dual is None else y_dual, theta)
    if hasattr(penalty, "rescaled_conjugate"):  # 0 for a norm (an indicator at theta)
        dual -= penalty.rescaled_conjugate(-scale * grad)
    return primal - dual, primal, dual, -scale * grad


def duality_gap(datafit, penalty, X, y, w, intercept=0.0):
    """Duality gap of ``min_w F(w) + Psi(w)`` at ``(w, intercept)``.

    Parameters
    ----------
    datafit : Quadratic or Logistic
    penalty : L1
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
    w : ndarray of shape (n_features,)
    intercept : float, default=0.0
        With an intercept the gap certifies only when the intercept is optimal for ``w``
        (then the dual point sums to zero).

    Returns
    -------
    gap : float
        ``P(w) - D(theta) >= 0``.

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.datafits import Quadratic
    >>> from sparseopt.penalties import L1
    >>> from sparseopt.utils import duality_gap
    >>> X = np.eye(3); y = np.array([3.0, 0.1, -2.0])
    >>> w = np.array([2.0, 0.0, -1.0])  # the exact solution for alpha = 1/3
    >>> bool(abs(duality_gap(Quadratic(), L1(1 / 3), X, y, w)) < 1e-12)
    True
    """
    _check_parts(datafit, penalty, 3)
    X, y, w, intercept = _check_data(X, y, w, intercept)
    z = X @ w + intercept
    return gap_from_predictor(datafit, penalty, X, y, w, z)[0]
