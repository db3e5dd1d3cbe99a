"""The Huber loss (robust regression) with 1/n scaling: the class and its kernels."""

import numpy as np

from ..utils import check_nonnegative, njit
from ._base import GLMDatafit, check_pair
from ._intercept import monotone_root

CODE = 2


class Huber(GLMDatafit):
    r"""Huber loss, ``F(w) = (1/n) sum_i h_delta(y_i - x_i^T w)`` (skglm's ``Huber``).

    Parameters
    ----------
    delta : float, default=1.0
        Threshold ``> 0`` between the quadratic and the linear parts.

    Notes
    -----
    .. math::

        h_\delta(r) = \begin{cases} r^2 / 2 & |r| \le \delta \\
        \delta |r| - \delta^2 / 2 & |r| > \delta \end{cases}, \qquad
        \ell^*(y, u) = u y + \frac{u^2}{2} + \iota\{|u| \le \delta\}.

    Per sample ``loss' = clip(z - y, -delta, delta)`` and ``loss'' <= 1`` (the curvature
    bound, so ``L_j = ||X_j||^2 / n``). The rescaled residual dual point keeps
    ``|u| <= delta``, so the duality gap certifies; the dual is ``n``-strongly concave.

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.datafits import Huber
    >>> Huber(delta=1.0).value(np.array([0.5, 3.0]), np.zeros(2))
    1.3125
    """

    code = CODE
    curvature = 1.0

    def __init__(self, delta=1.0):
        self.delta = delta

    def _delta(self):
        return check_nonnegative("delta", self.delta, allow_zero=False)

    def kernel_params(self):
        """``(delta,)``."""
        return np.array([self._delta()])

    def value(self, y, Xw):
        """Mean Huber loss of the residuals."""
        y, Xw = check_pair(y, Xw)
        d = self._delta()
        r = np.abs(y - Xw)
        return float(np.mean(np.where(r <= d, 0.5 * r * r, d * r - 0.5 * d * d)))

    def raw_grad(self, y, Xw):
        """Derivative with respect to ``Xw``: ``clip(Xw - y, -delta, delta) / n``."""
        d = self._delta()
        return np.clip(Xw - y, -d, d) / y.shape[0]

    def raw_hessian(self, y, Xw):
        """``1 / n`` on the quadratic part, 0 on the linear part."""
        return (np.abs(y - Xw) <= self._delta()) / y.shape[0]

    def dual(self, y, theta):
        """Fenchel dual ``<y, theta> - n ||theta||^2 / 2`` on ``|n theta_i| <= delta``."""
        n = y.shape[0]
        if np.max(np.abs(n * theta), initial=0.0) > self._delta() * (1 + 1e-12):
            return -np.inf
        return float(y @ theta) - 0.5 * n * float(theta @ theta)

    def dual_modulus(self, n_samples):
        """Strong-concavity modulus of the dual, ``n``."""
        return float(n_samples)

    def best_intercept(self, y, Xw_no_intercept, b0=0.0):
        """Optimal intercept for fixed ``w`` (a 1-D monotone root)."""
        return monotone_root(self, y, Xw_no_intercept, b0)


# ---------------------------------------------------------------- kernels (one sample)
# params = (delta,).
@njit(cache=True, inline="always")
def loss(params, y, z):
    """``h_delta(y - z)``."""
    d = params[0]
    r = abs(y - z)
    if r <= d:
        return 0.5 * r * r
    return d * r - 0.5 * d * d


@njit(cache=True, inline="always")
def loss_grad(params, y, z):
    """``clip(z - y, -delta, delta)``."""
    d = params[0]
    return min(max(z - y, -d), d)  # no branch: the loops over samples vectorise


@njit(cache=True, inline="always")
def loss_hess(params, y, z):
    """1 on the quadratic part, 0 on the linear part."""
    return 1.0 if abs(y - z) <= params[0] else 0.0


@njit(cache=True, inline="always")
def loss_diff(params, y, z, delta):
    """``loss(y, z + delta) - loss(y, z)`` (exact on the quadratic part)."""
    d = params[0]
    r = y - z
    if abs(r) <= d and abs(r - delta) <= d:
        return delta * (0.5 * delta - r)
    return loss(params, y, z + delta) - loss(params, y, z)


@njit(cache=True, inline="always")
def loss_conjugate(params, y, u):
    """``u y + u^2 / 2`` on ``|u| <= delta`` (1e-12 slack), ``+inf`` outside."""
    if abs(u) > params[0] * (1.0 + 1e-12):
        return np.inf
    return u * y + 0.5 * u * u
