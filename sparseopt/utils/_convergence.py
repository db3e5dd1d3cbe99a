"""Primal objective and a duality gap computed the same way for every solver.

The dual point is the rescaled residual ``theta = s * (-f'(Xw + b))`` with
``s = min(1, alpha / dual_norm(X^T theta_hat))``: the one benchopt and scikit-learn use, so gaps
of different solvers (ours, skglm, celer, scikit-learn) are comparable.
"""

import numpy as np


def primal_objective(datafit, penalty, X, y, w, intercept=0.0):
    """``F(w) + Psi(w)`` with ``F(w) = f(Xw + intercept)``."""
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
    z = X @ w + intercept
    return gap_from_predictor(datafit, penalty, X, y, w, z)[0]
