"""The L2/3 quasi-norm penalty ``alpha sum_j |w_j|^(2/3)``: the class and its scalar kernels."""

import numpy as np

from ..utils import check_nonnegative, njit
from ._l1 import L1Start
from ._separable import NonconvexPenalty, abs_step

CODE = 7


class L23(L1Start, NonconvexPenalty):
    r"""L2/3 penalty ``alpha * sum_j |w_j|^(2/3)``.

    Parameters
    ----------
    alpha : float, default=1.0
        Strength, ``>= 0``.

    Notes
    -----
    .. math::

        \Psi(w) = \alpha\sum_j |w_j|^{2/3}

    For ``x > 0`` and ``lambda = t alpha`` the nonzero stationary points of
    ``(u - x)^2 / (2t) + alpha u^(2/3)`` solve, with ``v = u^(1/3)``, the quartic
    ``v^4 - x v + 2 lambda / 3 = 0``; the prox is its largest root cubed when that beats
    ``u = 0`` (zero below ``|x| = 2 (2 lambda / 3)^(3/4)``, Cao et al. 2013). The kernel
    finds the root by Newton's method from ``x^(1/3)`` (monotone: the quartic is convex
    there); the reference method by the roots of the polynomial. Nonconvex with an infinite
    slope at 0: block coordinate descent stops on the fixed-point residual, without Gap Safe
    screening (``certificate='fixed_point'``, ``screening=False``).

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.penalties import L23
    >>> np.round(L23(alpha=1.0).prox(np.array([1.0, 3.0]), step=1.0), 6).tolist()
    [0.0, 2.509411]
    """

    code = CODE
    n_scalars = 1

    def __init__(self, alpha=1.0):
        self.alpha = alpha

    def _scalars(self):
        return (check_nonnegative("alpha", self.alpha),)

    def is_zero(self):
        return self._scalars()[0] == 0.0

    def coordinate_values(self, w):
        return self._scalars()[0] * np.abs(np.asarray(w, dtype=np.float64)) ** (2.0 / 3.0)

    def _candidates(self, ax, t):
        lam = t * self._scalars()[0]
        roots = np.zeros((4,) + ax.shape)
        for idx in np.ndindex(ax.shape):
            r = np.roots([1.0, 0.0, 0.0, -ax[idx], 2.0 * lam[idx] / 3.0])
            r = np.real(r[np.abs(np.imag(r)) < 1e-9])
            roots[(slice(None),) + idx] = np.concatenate([r[r > 0] ** 3, np.zeros(4)])[:4]
        return (0.0 * ax, *roots)

    def subdiff_distance(self, w, g):
        """``|g + (2 alpha / 3) sign(w) |w|^(-1/3)|`` off zero; 0 at zero (infinite slope)."""
        a = self._scalars()[0]
        w = np.asarray(w, dtype=np.float64)
        g = np.asarray(g, dtype=np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            slope = np.where(w != 0, 2 * a * np.sign(w) / (3 * np.cbrt(np.abs(w))), 0.0)
        return np.where(w != 0, np.abs(g + slope), 0.0)


# ---------------------------------------------------------------- kernels (one coordinate)
# params = (alpha,).
@njit(cache=True, inline="always")
def prox_1d(params, x, step, j):
    """Largest root of ``v^4 - |x| v + 2 step alpha / 3`` by Newton, cubed, if it beats 0."""
    lam = step * params[0]
    ax = abs(x)
    if lam <= 0.0:
        return x
    if ax <= 0.0:
        return 0.0
    c = 2.0 * lam / 3.0
    v = np.cbrt(ax)
    v_min = np.cbrt(ax / 4.0)  # the quartic's minimum on v > 0
    for _ in range(100):
        dv = (v * v * v * v - ax * v + c) / (4.0 * v * v * v - ax)
        v -= dv
        if v <= v_min:  # from the right Newton never passes a root: there is none
            return 0.0
        if abs(dv) <= 1e-15 * v:
            break
    u = v * v * v
    if 0.5 * (u - ax) * (u - ax) + lam * v * v < 0.5 * ax * ax:
        return u if x > 0.0 else -u
    return 0.0


@njit(cache=True, inline="always")
def value_1d(params, x, j):
    """``alpha |x|^(2/3)``."""
    v = np.cbrt(abs(x))
    return params[0] * v * v


@njit(cache=True, inline="always")
def value_diff_1d(params, w, d, j):
    """``psi(w + d) - psi(w)``, without cancellation: with ``A = |w + d|^(2/3)`` and
    ``B = |w|^(2/3)``, ``A - B = (|w + d| - |w|)(|w + d| + |w|) / (A^2 + AB + B^2)``."""
    a = np.cbrt(abs(w + d))
    a *= a
    b = np.cbrt(abs(w))
    b *= b
    den = a * a + a * b + b * b
    if den <= 0.0:
        return 0.0
    return params[0] * abs_step(w, d) * (abs(w + d) + abs(w)) / den


@njit(cache=True, inline="always")
def subdiff_distance_1d(params, w, g, j):
    """``|g + (2 alpha / 3) sign(w) |w|^(-1/3)|``; 0 at ``w = 0`` (infinite slope)."""
    if w == 0.0:
        return 0.0
    s = 2.0 * params[0] / (3.0 * np.cbrt(abs(w)))
    return abs(g + s) if w > 0.0 else abs(g - s)


@njit(cache=True, inline="always")
def gsq_1d(params, w, g, L, j):
    """Decrease guaranteed by the 1-D prox-gradient step with constant ``L`` (GS-q score)."""
    if L <= 0.0:
        return 0.0
    d = prox_1d(params, w - g / L, 1.0 / L, j) - w
    q = g * d + 0.5 * L * d * d + value_diff_1d(params, w, d, j)
    return -q if q < 0.0 else 0.0
