"""The log-sum penalty ``alpha sum_j log(1 + |w_j| / eps)``: the class and its kernels."""

import numpy as np

from ..utils import check_nonnegative, njit
from ._l1 import L1
from ._separable import NonconvexPenalty, abs_step

CODE = 8


class LogSum(NonconvexPenalty):
    r"""Log-sum penalty ``alpha * sum_j log(1 + |w_j| / eps)`` (Candes, Wakin and Boyd 2008).

    Parameters
    ----------
    alpha : float, default=1.0
        Strength, ``>= 0``.
    eps : float, default=1.0
        Curvature, ``> 0`` (small ``eps``: closer to the L0 pseudo-norm).

    Notes
    -----
    .. math::

        \Psi(w) = \alpha\sum_j \log\left(1 + \frac{|w_j|}{\varepsilon}\right)

    For ``x > 0`` and ``lambda = t alpha`` the nonzero stationary points of
    ``(u - x)^2 / (2t) + alpha log(1 + u / eps)`` solve
    ``u^2 + (eps - x) u + lambda - x eps = 0``; the prox is the larger root when it is
    positive and beats ``u = 0``. The slope at 0 is ``alpha / eps``. Nonconvex: block
    coordinate descent stops on the fixed-point residual, without Gap Safe screening
    (``certificate='fixed_point'``, ``screening=False``).

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.penalties import LogSum
    >>> np.round(LogSum(alpha=1.0, eps=1.0).prox(np.array([0.5, 3.0]), step=1.0), 6).tolist()
    [0.0, 2.732051]
    """

    code = CODE
    n_scalars = 2

    def __init__(self, alpha=1.0, eps=1.0):
        self.alpha = alpha
        self.eps = eps

    def _scalars(self):
        return (check_nonnegative("alpha", self.alpha),
                check_nonnegative("eps", self.eps, allow_zero=False))

    def convex_start(self):
        """``L1(alpha / eps)``, the slope of the penalty at zero: the convex start (see
        ``BlockCoordinateDescent(convex_start=True)``)."""
        alpha, eps = self._scalars()
        return L1(alpha / eps)

    def is_zero(self):
        return self._scalars()[0] == 0.0

    def coordinate_values(self, w):
        a, eps = self._scalars()
        return a * np.log1p(np.abs(np.asarray(w, dtype=np.float64)) / eps)

    def _candidates(self, ax, t):
        a, eps = self._scalars()
        disc = (ax + eps) ** 2 - 4 * t * a
        root = 0.5 * ((ax - eps) + np.sqrt(np.maximum(disc, 0.0)))
        return 0.0 * ax, np.where((disc >= 0) & (root > 0), root, 0.0)

    def subdiff_distance(self, w, g):
        """``|g + alpha sign(w) / (eps + |w|)|`` off zero, ``(|g| - alpha / eps)_+`` at 0."""
        a, eps = self._scalars()
        w = np.asarray(w, dtype=np.float64)
        g = np.asarray(g, dtype=np.float64)
        slope = a * np.sign(w) / (eps + np.abs(w))
        return np.where(w != 0, np.abs(g + slope), np.maximum(np.abs(g) - a / eps, 0.0))


# ---------------------------------------------------------------- kernels (one coordinate)
# params = (alpha, eps).
@njit(cache=True, inline="always")
def prox_1d(params, x, step, j):
    """The larger root of the stationarity quadratic, if positive and better than 0."""
    a, eps = params[0], params[1]
    lam = step * a
    ax = abs(x)
    if lam <= 0.0:
        return x
    disc = (ax + eps) * (ax + eps) - 4.0 * lam
    if disc < 0.0:
        return 0.0
    u = 0.5 * ((ax - eps) + np.sqrt(disc))
    if u <= 0.0:
        return 0.0
    if 0.5 * (u - ax) * (u - ax) + lam * np.log1p(u / eps) < 0.5 * ax * ax:
        return u if x > 0.0 else -u
    return 0.0


@njit(cache=True, inline="always")
def value_1d(params, x, j):
    """``alpha log(1 + |x| / eps)``."""
    return params[0] * np.log1p(abs(x) / params[1])


@njit(cache=True, inline="always")
def value_diff_1d(params, w, d, j):
    """``psi(w + d) - psi(w) = alpha log1p((|w + d| - |w|) / (eps + |w|))`` (no
    cancellation)."""
    return params[0] * np.log1p(abs_step(w, d) / (params[1] + abs(w)))


@njit(cache=True, inline="always")
def subdiff_distance_1d(params, w, g, j):
    """Distance of ``-g`` to the limiting subdifferential at ``w``."""
    a, eps = params[0], params[1]
    if w == 0.0:
        v = abs(g) - a / eps
        return v if v > 0.0 else 0.0
    s = a / (eps + abs(w))
    return abs(g + s) if w > 0.0 else abs(g - s)


@njit(cache=True, inline="always")
def gsq_1d(params, w, g, L, j):
    """Decrease guaranteed by the 1-D prox-gradient step with constant ``L`` (GS-q score)."""
    if L <= 0.0:
        return 0.0
    d = prox_1d(params, w - g / L, 1.0 / L, j) - w
    q = g * d + 0.5 * L * d * d + value_diff_1d(params, w, d, j)
    return -q if q < 0.0 else 0.0
