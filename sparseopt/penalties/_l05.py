"""The L0.5 quasi-norm penalty ``alpha sum_j sqrt|w_j|``: the class and its scalar kernels."""

import numpy as np

from ..utils import check_nonnegative, njit
from ._l1 import L1Start
from ._separable import NonconvexPenalty, abs_step

CODE = 6


class L05(L1Start, NonconvexPenalty):
    r"""L0.5 penalty ``alpha * sum_j |w_j|^(1/2)``.

    Parameters
    ----------
    alpha : float, default=1.0
        Strength, ``>= 0``.

    Notes
    -----
    .. math::

        \Psi(w) = \alpha\sum_j |w_j|^{1/2}

    For ``x > 0`` and ``lambda = t alpha`` the nonzero stationary points of
    ``(u - x)^2 / (2t) + alpha sqrt(u)`` solve, with ``v = sqrt(u)``, the cubic
    ``v^3 - x v + lambda / 2 = 0``; the prox is its largest root squared when that beats
    ``u = 0`` (the half-thresholding rule of Xu et al. 2012: zero below
    ``|x| = 1.5 lambda^(2/3)``). The kernel finds the root by Newton's method from
    ``sqrt(x)`` (monotone: the cubic is convex there); the reference method by the roots of
    the polynomial. The penalty is nonconvex with an infinite slope at 0 (every ``-g`` is in
    its limiting subdifferential there): block coordinate descent stops on the fixed-point
    residual, without Gap Safe screening (``certificate='fixed_point'``, ``screening=False``).

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.penalties import L05
    >>> np.round(L05(alpha=1.0).prox(np.array([1.0, 3.0]), step=1.0), 6).tolist()
    [0.0, 2.695453]
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
        return self._scalars()[0] * np.sqrt(np.abs(np.asarray(w, dtype=np.float64)))

    def _candidates(self, ax, t):
        lam = t * self._scalars()[0]
        roots = np.zeros((3,) + ax.shape)
        for idx in np.ndindex(ax.shape):
            r = np.roots([1.0, 0.0, -ax[idx], 0.5 * lam[idx]])
            r = np.real(r[np.abs(np.imag(r)) < 1e-9])
            roots[(slice(None),) + idx] = np.concatenate([r[r > 0] ** 2, np.zeros(3)])[:3]
        return (0.0 * ax, *roots)

    def subdiff_distance(self, w, g):
        """``|g + alpha sign(w) / (2 sqrt|w|)|`` off zero; 0 at zero (infinite slope)."""
        a = self._scalars()[0]
        w = np.asarray(w, dtype=np.float64)
        g = np.asarray(g, dtype=np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            slope = np.where(w != 0, a * np.sign(w) / (2 * np.sqrt(np.abs(w))), 0.0)
        return np.where(w != 0, np.abs(g + slope), 0.0)


# ---------------------------------------------------------------- kernels (one coordinate)
# params = (alpha,).
@njit(cache=True, inline="always")
def prox_1d(params, x, step, j):
    """Largest root of ``v^3 - |x| v + step alpha / 2`` by Newton, squared, if it beats 0."""
    lam = step * params[0]
    ax = abs(x)
    if lam <= 0.0:
        return x
    if ax <= 0.0:
        return 0.0
    v = np.sqrt(ax)
    v_min = np.sqrt(ax / 3.0)  # the cubic's minimum on v > 0
    for _ in range(100):
        dv = (v * v * v - ax * v + 0.5 * lam) / (3.0 * v * v - ax)
        v -= dv
        if v <= v_min:  # from the right Newton never passes a root: there is none
            return 0.0
        if abs(dv) <= 1e-15 * v:
            break
    u = v * v
    if 0.5 * (u - ax) * (u - ax) + lam * v < 0.5 * ax * ax:
        return u if x > 0.0 else -u
    return 0.0


@njit(cache=True, inline="always")
def value_1d(params, x, j):
    """``alpha sqrt|x|``."""
    return params[0] * np.sqrt(abs(x))


@njit(cache=True, inline="always")
def value_diff_1d(params, w, d, j):
    """``psi(w + d) - psi(w) = alpha (|w + d| - |w|) / (sqrt|w + d| + sqrt|w|)`` (no
    cancellation)."""
    den = np.sqrt(abs(w + d)) + np.sqrt(abs(w))
    if den <= 0.0:
        return 0.0
    return params[0] * abs_step(w, d) / den


@njit(cache=True, inline="always")
def subdiff_distance_1d(params, w, g, j):
    """``|g + alpha sign(w) / (2 sqrt|w|)|``; 0 at ``w = 0`` (infinite slope)."""
    if w == 0.0:
        return 0.0
    s = params[0] / (2.0 * np.sqrt(abs(w)))
    return abs(g + s) if w > 0.0 else abs(g - s)


@njit(cache=True, inline="always")
def gsq_1d(params, w, g, L, j):
    """Decrease guaranteed by the 1-D prox-gradient step with constant ``L`` (GS-q score)."""
    if L <= 0.0:
        return 0.0
    d = prox_1d(params, w - g / L, 1.0 / L, j) - w
    q = g * d + 0.5 * L * d * d + value_diff_1d(params, w, d, j)
    return -q if q < 0.0 else 0.0
