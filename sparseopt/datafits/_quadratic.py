"""Least-squares datafit with scikit-learn's 1/(2n) scaling: the class and its kernels."""

import numpy as np

from ..utils import njit
from ._base import GLMDatafit, check_pair

CODE = 0


class Quadratic(GLMDatafit):
    r"""Least squares, ``F(w) = ||y - Xw||^2 / (2 n)``.

    Notes
    -----
    With :math:`z = Xw`,

    .. math::

        f(z) = \frac{1}{2n}\|y - z\|_2^2, \qquad
        f^*(-\theta) \Rightarrow D(\theta) = \langle y, \theta\rangle - \frac{n}{2}\|\theta\|_2^2,

    so the dual objective is ``n``-strongly concave (``dual_modulus``). The exact block Hessian is
    ``X_b^T X_b / n``, hence ``L_j = ||X_j||^2 / n``. Per sample the kernels evaluate
    ``loss(y, z) = (y - z)^2 / 2``, ``loss' = z - y``, ``loss'' = 1`` and the conjugate
    ``loss^*(u) = u y + u^2 / 2``.

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.datafits import Quadratic
    >>> X = np.eye(2); y = np.array([1.0, -1.0])
    >>> Quadratic().value(y, X @ np.zeros(2))
    0.5
    """

    code = CODE
    curvature = 1.0
    is_least_squares = True

    def value(self, y, Xw):
        """Value ``||y - Xw||^2 / (2 n)``."""
        y, Xw = check_pair(y, Xw)
        r = y - Xw
        return float(r @ r) / (2 * y.shape[0])

    def raw_grad(self, y, Xw):
        """Derivative with respect to ``Xw``: ``(Xw - y) / n``."""
        return (Xw - y) / y.shape[0]

    def raw_hessian(self, y, Xw):
        """Second derivative with respect to each ``(Xw)_i``: ``1 / n``."""
        return np.full(y.shape[0], 1.0 / y.shape[0])

    def dual(self, y, theta):
        """Fenchel dual objective ``<y, theta> - n ||theta||^2 / 2``."""
        return float(y @ theta) - 0.5 * y.shape[0] * float(theta @ theta)

    def dual_modulus(self, n_samples):
        """Strong-concavity modulus of the dual, ``n``."""
        return float(n_samples)

    def best_intercept(self, y, Xw_no_intercept, b0=0.0):
        """Optimal intercept for fixed ``w``: the mean residual (``b0`` is not needed)."""
        return float(np.mean(y - Xw_no_intercept))


# ---------------------------------------------------------------- kernels (one sample)
@njit(cache=True, inline="always")
def loss(params, y, z):
    """``(y - z)^2 / 2``."""
    r = y - z
    return 0.5 * r * r


@njit(cache=True, inline="always")
def loss_grad(params, y, z):
    """``d loss / dz = z - y``."""
    return z - y


@njit(cache=True, inline="always")
def loss_hess(params, y, z):
    """``d^2 loss / dz^2 = 1``."""
    return 1.0


@njit(cache=True, inline="always")
def loss_diff(params, y, z, delta):
    """``loss(y, z + delta) - loss(y, z) = delta (delta / 2 - (y - z))``, exactly."""
    r = y - z
    return delta * (0.5 * delta - r)


@njit(cache=True, inline="always")
def loss_conjugate(params, y, u):
    """``loss^*(u) = sup_z u z - loss(y, z) = u y + u^2 / 2``."""
    return u * y + 0.5 * u * u
