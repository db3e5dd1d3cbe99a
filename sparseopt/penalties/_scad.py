"""The smoothly clipped absolute deviation penalty (SCAD): the class and its scalar kernels."""

import numpy as np

from ..utils import check_nonnegative, njit
from ._l1 import L1Start
from ._mcp import check_gamma
from ._separable import NonconvexPenalty, abs_step

CODE = 5


class SCAD(L1Start, NonconvexPenalty):
    r"""Smoothly clipped absolute deviation of Fan and Li (2001).

    Parameters
    ----------
    alpha : float, default=1.0
        Strength, ``>= 0``.
    gamma : float, default=3.7
        Concavity, ``> 2``.

    Notes
    -----
    .. math::

        \psi(w) = \begin{cases} \alpha|w| & |w| \le \alpha \\
        \frac{2\gamma\alpha|w| - w^2 - \alpha^2}{2(\gamma - 1)} & \alpha < |w| \le \gamma\alpha \\
        \frac{\alpha^2(\gamma + 1)}{2} & |w| > \gamma\alpha \end{cases}

    and for a step ``t < gamma - 1`` the prox is the soft threshold at ``t alpha`` up to
    ``|x| <= alpha (1 + t)``, ``sign(x) ((gamma - 1)|x| - t gamma alpha) / (gamma - 1 - t)``
    up to ``gamma alpha``, and ``x`` beyond; in general the prox compares the stationary point
    of each piece (clipped to it) and the ends of the pieces. SCAD is nonconvex: block
    coordinate descent stops on the fixed-point residual and does no Gap Safe screening
    (``certificate='fixed_point'``, ``screening=False``).

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.penalties import SCAD
    >>> SCAD(alpha=1.0, gamma=3.7).prox(np.array([0.5, 1.5, 5.0]), step=1.0).tolist()
    [0.0, 0.5, 5.0]
    """

    code = CODE
    n_scalars = 2

    def __init__(self, alpha=1.0, gamma=3.7):
        self.alpha = alpha
        self.gamma = gamma

    def _scalars(self):
        return check_nonnegative("alpha", self.alpha), check_gamma(self.gamma, 2.0)

    def is_zero(self):
        return self._scalars()[0] == 0.0

    def coordinate_values(self, w):
        a, gamma = self._scalars()
        v = np.abs(np.asarray(w, dtype=np.float64))
        mid = (2 * gamma * a * v - v * v - a * a) / (2 * (gamma - 1))
        return np.where(v <= a, a * v, np.where(v <= gamma * a, mid, 0.5 * a * a * (gamma + 1)))

    def _candidates(self, ax, t):
        a, gamma = self._scalars()
        first = np.clip(ax - t * a, 0.0, a)
        with np.errstate(divide="ignore", invalid="ignore"):
            mid = np.where(t < gamma - 1,
                           ((gamma - 1) * ax - t * gamma * a) / (gamma - 1 - t), a)
        return 0.0 * ax, first, a + 0.0 * ax, np.clip(mid, a, gamma * a), \
            gamma * a + 0.0 * ax, np.maximum(ax, gamma * a)

    def subdiff_distance(self, w, g):
        """Distance of ``-g_j`` to the (limiting) subdifferential at ``w_j``."""
        a, gamma = self._scalars()
        w = np.asarray(w, dtype=np.float64)
        g = np.asarray(g, dtype=np.float64)
        v = np.abs(w)
        slope = np.where(v <= a, a, np.maximum(gamma * a - v, 0.0) / (gamma - 1))
        return np.where(w != 0, np.abs(g + np.sign(w) * slope), np.maximum(np.abs(g) - a, 0.0))


# ---------------------------------------------------------------- kernels (one coordinate)
# params = (alpha, gamma).
@njit(cache=True, inline="always")
def _psi(a, gamma, v):
    """SCAD of a magnitude ``v >= 0``."""
    if v <= a:
        return a * v
    if v <= gamma * a:
        return (2.0 * gamma * a * v - v * v - a * a) / (2.0 * (gamma - 1.0))
    return 0.5 * a * a * (gamma + 1.0)


@njit(cache=True, inline="always")
def _h(a, gamma, ax, u, step):
    return 0.5 * (u - ax) * (u - ax) / step + _psi(a, gamma, u)


@njit(cache=True, inline="always")
def prox_1d(params, x, step, j):
    """The global minimiser of ``(u - x)^2 / (2 step) + psi(u)`` (0 first on ties)."""
    if step <= 0.0:
        return x
    a, gamma = params[0], params[1]
    ax = abs(x)
    best = 0.0
    best_h = 0.5 * ax * ax / step
    u = min(max(ax - step * a, 0.0), a)  # the L1 piece
    h = _h(a, gamma, ax, u, step)
    if h < best_h:
        best, best_h = u, h
    top = gamma * a
    if step < gamma - 1.0:  # convex middle piece
        u = ((gamma - 1.0) * ax - step * gamma * a) / (gamma - 1.0 - step)
        u = min(max(u, a), top)
    else:
        u = top
    h = _h(a, gamma, ax, u, step)
    if h < best_h:
        best, best_h = u, h
    h = _h(a, gamma, ax, top, step)
    if h < best_h:
        best, best_h = top, h
    if ax > top:
        h = _psi(a, gamma, ax)
        if h < best_h:
            best = ax
    return best if x >= 0.0 else -best


@njit(cache=True, inline="always")
def value_1d(params, x, j):
    """``psi(x)``."""
    return _psi(params[0], params[1], abs(x))


@njit(cache=True, inline="always")
def value_diff_1d(params, w, d, j):
    """``psi(w + d) - psi(w)``, without cancellation when both magnitudes lie on one piece
    (linear, quadratic or flat)."""
    a, gamma = params[0], params[1]
    v0, v1 = abs(w), abs(w + d)
    if v0 <= a and v1 <= a:
        return a * abs_step(w, d)
    top = gamma * a
    if a < v0 <= top and a < v1 <= top:
        return abs_step(w, d) * (gamma * a - 0.5 * (v0 + v1)) / (gamma - 1.0)
    if v0 > top and v1 > top:
        return 0.0
    return _psi(a, gamma, v1) - _psi(a, gamma, v0)


@njit(cache=True, inline="always")
def subdiff_distance_1d(params, w, g, j):
    """Distance of ``-g`` to the limiting subdifferential at ``w``."""
    a, gamma = params[0], params[1]
    if w == 0.0:
        v = abs(g) - a
        return v if v > 0.0 else 0.0
    v = abs(w)
    if v <= a:
        s = a
    else:
        s = (gamma * a - v) / (gamma - 1.0)
        if s < 0.0:
            s = 0.0
    return abs(g + s) if w > 0.0 else abs(g - s)


@njit(cache=True, inline="always")
def gsq_1d(params, w, g, L, j):
    """Decrease guaranteed by the 1-D prox-gradient step with constant ``L`` (GS-q score)."""
    if L <= 0.0:
        return 0.0
    d = prox_1d(params, w - g / L, 1.0 / L, j) - w
    q = g * d + 0.5 * L * d * d + value_diff_1d(params, w, d, j)
    return -q if q < 0.0 else 0.0
