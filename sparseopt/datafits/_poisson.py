"""The Poisson negative log-likelihood (log link) with 1/n scaling: the class and its kernels."""

import numpy as np
from scipy.special import xlogy

from ..utils import njit
from ._base import GLMDatafit, check_pair, column_sq_norms

CODE = 3


def check_targets(y, name, strict):
    """Finite targets ``> 0`` (``strict``) or ``>= 0``."""
    y = np.asarray(y, dtype=np.float64)
    bad = (y <= 0) if strict else (y < 0)
    if not np.all(np.isfinite(y)) or np.any(bad):
        raise ValueError(f"y must hold finite values {'> 0' if strict else '>= 0'} with the "
                         f"{name} datafit.")
    return y


class Poisson(GLMDatafit):
    r"""Poisson regression, ``F(w) = (1/n) sum_i (exp(x_i^T w) - y_i x_i^T w)`` (``y >= 0``).

    skglm's ``Poisson``: the mean is ``exp(Xw)`` (log link).

    Notes
    -----
    Per sample ``loss(y, z) = e^z - y z``, ``loss' = e^z - y``, ``loss'' = e^z`` and

    .. math:: \ell^*(y, u) = (u + y)\log(u + y) - (u + y) \quad (u + y \ge 0).

    The curvature is unbounded (``curvature = inf``): there is no global Lipschitz
    constant, so block coordinate descent runs proximal Newton steps (``update='newton'``,
    ``selection='cyclic'``) and scores working sets with the local curvature. The rescaled
    residual dual point stays in the conjugate's domain (``u + y = s e^z + (1 - s) y``), so
    the duality gap certifies; the dual is not uniformly strongly concave, so there is no
    Gap Safe screening (``dual_modulus`` is 0).

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.datafits import Poisson
    >>> Poisson().value(np.array([1.0, 2.0]), np.zeros(2))
    1.0
    """

    code = CODE
    curvature = np.inf

    def check_y(self, y):
        """Finite targets ``>= 0`` (ValueError naming y otherwise)."""
        return check_targets(y, "Poisson", strict=False)

    def value(self, y, Xw):
        """Mean Poisson deviance part ``exp(Xw) - y Xw``."""
        y, Xw = check_pair(y, Xw)
        y = check_targets(y, "Poisson", strict=False)
        return float(np.mean(np.exp(Xw) - y * Xw))

    def raw_grad(self, y, Xw):
        """Derivative with respect to ``Xw``: ``(exp(Xw) - y) / n``."""
        return (np.exp(Xw) - y) / y.shape[0]

    def raw_hessian(self, y, Xw):
        """``exp(Xw) / n``."""
        return np.exp(Xw) / y.shape[0]

    def lipschitz(self, X):
        """The curvature at ``Xw = 0``, ``||X_j||^2 / n`` (a scale only: no global bound)."""
        return column_sq_norms(X) / X.shape[0]

    def dual(self, y, theta):
        """Fenchel dual ``-(1/n) sum_i loss^*(y_i, -n theta_i)`` (``-inf`` off its domain)."""
        n = y.shape[0]
        v = y - n * theta
        if np.min(v, initial=0.0) < -1e-12 * max(1.0, float(np.max(np.abs(y), initial=0.0))):
            return -np.inf
        v = np.maximum(v, 0.0)
        return float(-np.sum(xlogy(v, v) - v) / n)

    def dual_modulus(self, n_samples):
        """0: the dual is not uniformly strongly concave (no Gap Safe screening)."""
        return 0.0

    def best_intercept(self, y, Xw_no_intercept, b0=0.0):
        """Optimal intercept for fixed ``w``: ``log(sum y / sum exp(Xw))``."""
        y = check_targets(y, "Poisson", strict=False)
        s = float(np.sum(y))
        if s <= 0:
            raise ValueError("y must not be all zero with the Poisson datafit and an "
                             "intercept (the intercept would be -inf).")
        m = float(np.max(Xw_no_intercept))
        return float(np.log(s) - m - np.log(np.sum(np.exp(Xw_no_intercept - m))))


# ---------------------------------------------------------------- kernels (one sample)
@njit(cache=True, inline="always")
def loss(params, y, z):
    """``exp(z) - y z``."""
    return np.exp(z) - y * z


@njit(cache=True, inline="always")
def loss_grad(params, y, z):
    """``exp(z) - y``."""
    return np.exp(z) - y


@njit(cache=True, inline="always")
def loss_hess(params, y, z):
    """``exp(z)``."""
    return np.exp(z)


@njit(cache=True, inline="always")
def loss_diff(params, y, z, delta):
    """``exp(z) expm1(delta) - y delta`` (no cancellation for small steps)."""
    return np.exp(z) * np.expm1(delta) - y * delta


@njit(cache=True, inline="always")
def loss_conjugate(params, y, u):
    """``(u + y) log(u + y) - (u + y)``; ``+inf`` for ``u + y < 0``."""
    v = u + y
    if v < 0.0:
        if v < -1e-12 * (1.0 + abs(y)):
            return np.inf
        v = 0.0
    if v == 0.0:
        return 0.0
    return v * np.log(v) - v
