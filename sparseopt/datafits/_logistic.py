"""Binary logistic loss, labels in {-1, +1}, with 1/n scaling: the class and its kernels."""

import numpy as np
from scipy.special import expit, log_expit, xlogy

from ..utils import njit
from ._base import GLMDatafit, check_pair

CODE = 1


def _xlogx(q):
    return xlogy(q, q)  # 0 log 0 = 0


class Logistic(GLMDatafit):
    r"""Logistic loss, ``F(w) = (1/n) sum_i log(1 + exp(-y_i x_i^T w))`` with ``y_i`` in {-1, 1}.

    Notes
    -----
    The loss curvature is at most ``1/4``, so ``L_j = ||X_j||^2 / (4n)`` and
    ``H_b = X_b^T X_b / (4n)`` majorises the block Hessian. The dual objective is

    .. math::

        D(\theta) = -\frac{1}{n}\sum_i h(n y_i \theta_i), \qquad h(q) = q\log q + (1-q)\log(1-q),

    defined for ``n y_i theta_i`` in [0, 1]; it is ``4n``-strongly concave. Per sample the
    kernels evaluate ``loss(y, z) = log(1 + exp(-y z))``, ``loss' = -y sigma(-y z)``,
    ``loss'' = sigma(z) (1 - sigma(z))`` and the conjugate ``loss^*(u) = h(-u y)``.

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.datafits import Logistic
    >>> round(Logistic().value(np.array([1.0, -1.0]), np.zeros(2)), 6)
    0.693147
    """

    code = CODE
    curvature = 0.25

    def check_y(self, y):
        """Targets in {-1, 1} (ValueError naming y otherwise)."""
        if not np.all(np.isin(y, (-1.0, 1.0))):
            raise ValueError("y must hold -1 and 1 with the Logistic datafit.")
        return y

    def value(self, y, Xw):
        """Mean logistic loss."""
        y, Xw = check_pair(y, Xw)
        return float(-np.mean(log_expit(y * Xw)))

    def raw_grad(self, y, Xw):
        """Derivative with respect to ``Xw``: ``-y_i sigma(-y_i z_i) / n``."""
        return -y * expit(-y * Xw) / y.shape[0]

    def raw_hessian(self, y, Xw):
        """Second derivative with respect to each ``(Xw)_i``: ``sigma (1 - sigma) / n``."""
        s = expit(Xw)
        return s * (1.0 - s) / y.shape[0]

    def dual(self, y, theta):
        """Fenchel dual objective (``-inf`` outside its domain)."""
        n = y.shape[0]
        q = n * y * theta
        if q.size and (q.min() < -1e-12 or q.max() > 1 + 1e-12):
            return -np.inf
        q = np.clip(q, 0.0, 1.0)
        return float(-(_xlogx(q) + _xlogx(1.0 - q)).sum() / n)

    def dual_modulus(self, n_samples):
        """Strong-concavity modulus of the dual, ``4 n``."""
        return 4.0 * n_samples

    def best_intercept(self, y, Xw_no_intercept, b0=0.0, tol=1e-13, max_iter=100):
        """Optimal intercept for fixed ``w`` by a safeguarded 1-D Newton method."""
        b = float(b0)
        for _ in range(max_iter):
            z = Xw_no_intercept + b
            g = float(np.sum(self.raw_grad(y, z)))
            h = float(np.sum(self.raw_hessian(y, z)))
            if h <= 0:
                break
            step = -g / h
            b += step
            if abs(step) <= tol * (1.0 + abs(b)):
                break
        return b


# ---------------------------------------------------------------- kernels (one sample)
@njit(cache=True, inline="always")
def sigmoid(t):
    """``1 / (1 + exp(-t))`` without overflow."""
    if t >= 0.0:
        return 1.0 / (1.0 + np.exp(-t))
    e = np.exp(t)
    return e / (1.0 + e)


@njit(cache=True, inline="always")
def log1pexp(t):
    """``log(1 + exp(t))`` without overflow."""
    if t > 0.0:
        return t + np.log1p(np.exp(-t))
    return np.log1p(np.exp(t))


@njit(cache=True, inline="always")
def loss(params, y, z):
    """``log(1 + exp(-y z))``."""
    return log1pexp(-y * z)


@njit(cache=True, inline="always")
def loss_grad(params, y, z):
    """``d loss / dz = -y sigma(-y z)``."""
    return -y * sigmoid(-y * z)


@njit(cache=True, inline="always")
def loss_hess(params, y, z):
    """``d^2 loss / dz^2 = sigma(z) (1 - sigma(z))``."""
    s = sigmoid(z)
    return s * (1.0 - s)


@njit(cache=True, inline="always")
def loss_diff(params, y, z, delta):
    """``loss(y, z + delta) - loss(y, z)`` without cancellation for small steps.

    Line searches compare these differences, not two rounded objective values, so Armijo tests
    stay meaningful down to decreases far below ``eps * objective``: for ``|y delta| < 1e-3``
    a fourth-order Taylor expansion, else the difference of the two stable evaluations.
    """
    u = -y * z
    e = -y * delta
    if abs(e) < 1e-3:
        s = sigmoid(u)
        v = s * (1.0 - s)
        return e * (s + e * (0.5 * v + e * (v * (1.0 - 2.0 * s) / 6.0
                                              + e * v * (1.0 - 6.0 * v) / 24.0)))
    return log1pexp(u + e) - log1pexp(u)


@njit(cache=True, inline="always")
def loss_conjugate(params, y, u):
    """``loss^*(u) = h(-u y)`` with ``h(q) = q log q + (1 - q) log(1 - q)`` on [0, 1].

    ``+inf`` outside the domain (1e-12 slack, then clipped).
    """
    q = -u * y
    if q < -1e-12 or q > 1.0 + 1e-12:
        return np.inf
    q = min(max(q, 0.0), 1.0)
    out = 0.0
    if q > 0.0:
        out += q * np.log(q)
    if q < 1.0:
        out += (1.0 - q) * np.log(1.0 - q)
    return out
