"""The Gamma negative log-likelihood (log link) with 1/n scaling: the class and its kernels."""

import numpy as np
from scipy.special import xlogy

from ..utils import njit
from ._base import GLMDatafit, check_pair, column_sq_norms
from ._poisson import check_targets

CODE = 4


class Gamma(GLMDatafit):
    r"""Gamma regression (log link), ``F(w) = (1/n) sum_i (z_i + y_i e^{-z_i} - 1 - log y_i)``
    with ``z = Xw`` and ``y > 0``.

    Half the Gamma deviance: skglm's ``Gamma`` up to a constant (it is zero at a perfect fit).

    Notes
    -----
    Per sample ``loss' = 1 - y e^{-z}``, ``loss'' = y e^{-z}`` and, with ``c = 1 - u >= 0``,

    .. math:: \ell^*(y, u) = u\log y + c\log c - c + 1.

    The curvature is unbounded (``curvature = inf``): block coordinate descent runs
    proximal Newton steps (``update='newton'``, ``selection='cyclic'``). The rescaled
    residual dual point keeps ``u <= 1``, so the duality gap certifies; no Gap Safe
    screening (``dual_modulus`` is 0).

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.datafits import Gamma
    >>> Gamma().value(np.array([1.0, 1.0]), np.zeros(2))
    0.0
    """

    code = CODE
    curvature = np.inf

    def check_y(self, y):
        """Finite targets ``> 0`` (ValueError naming y otherwise)."""
        return check_targets(y, "Gamma", strict=True)

    def value(self, y, Xw):
        """Mean half Gamma deviance."""
        y, Xw = check_pair(y, Xw)
        y = check_targets(y, "Gamma", strict=True)
        return float(np.mean(Xw + y * np.exp(-Xw) - 1.0 - np.log(y)))

    def raw_grad(self, y, Xw):
        """Derivative with respect to ``Xw``: ``(1 - y exp(-Xw)) / n``."""
        return (1.0 - y * np.exp(-Xw)) / y.shape[0]

    def raw_hessian(self, y, Xw):
        """``y exp(-Xw) / n``."""
        return y * np.exp(-Xw) / y.shape[0]

    def lipschitz(self, X):
        """``||X_j||^2 / n`` (a scale only: no global bound)."""
        return column_sq_norms(X) / X.shape[0]

    def dual(self, y, theta):
        """Fenchel dual ``-(1/n) sum_i loss^*(y_i, -n theta_i)`` (``-inf`` off its domain)."""
        n = y.shape[0]
        u = -n * theta
        c = 1.0 - u
        if np.min(c, initial=0.0) < -1e-12:
            return -np.inf
        c = np.maximum(c, 0.0)
        return float(-np.sum(u * np.log(y) + xlogy(c, c) - c + 1.0) / n)

    def dual_modulus(self, n_samples):
        """0: no Gap Safe screening."""
        return 0.0

    def best_intercept(self, y, Xw_no_intercept, b0=0.0):
        """Optimal intercept for fixed ``w``: ``log(mean(y exp(-Xw)))``."""
        y = check_targets(y, "Gamma", strict=True)
        t = np.log(y) - Xw_no_intercept
        m = float(np.max(t))
        return float(m + np.log(np.mean(np.exp(t - m))))


# ---------------------------------------------------------------- kernels (one sample)
@njit(cache=True, inline="always")
def loss(params, y, z):
    """``z + y exp(-z) - 1 - log y``."""
    return z + y * np.exp(-z) - 1.0 - np.log(y)


@njit(cache=True, inline="always")
def loss_grad(params, y, z):
    """``1 - y exp(-z)``."""
    return 1.0 - y * np.exp(-z)


@njit(cache=True, inline="always")
def loss_hess(params, y, z):
    """``y exp(-z)``."""
    return y * np.exp(-z)


@njit(cache=True, inline="always")
def loss_diff(params, y, z, delta):
    """``delta + y exp(-z) expm1(-delta)`` (no cancellation for small steps)."""
    return delta + y * np.exp(-z) * np.expm1(-delta)


@njit(cache=True, inline="always")
def loss_conjugate(params, y, u):
    """``u log y + c log c - c + 1`` with ``c = 1 - u >= 0``; ``+inf`` for ``u > 1``."""
    c = 1.0 - u
    if c < 0.0:
        if c < -1e-12:
            return np.inf
        c = 0.0
    out = u * np.log(y) - c + 1.0
    if c > 0.0:
        out += c * np.log(c)
    return out
