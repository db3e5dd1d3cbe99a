"""Box constraints ``lower <= w_j <= upper``: the class and its scalar kernels."""

import numpy as np

from ..utils import check_real, njit
from ._separable import SeparablePenalty

CODE = 9


def _bound(name, value, default):
    if value is None:
        return default
    return check_real(name, value, allow_inf=True)


class Box(SeparablePenalty):
    r"""Box constraint: the indicator of ``{lower <= w_j <= upper for every j}``.

    Parameters
    ----------
    lower : float or None, default=0.0
        Lower bound ``<= 0`` (None or ``-inf``: none).
    upper : float or None, default=1.0
        Upper bound ``>= 0`` (None or ``inf``: none). The box contains 0, where the solvers
        start.

    Notes
    -----
    .. math::

        \Psi(w) = \iota\{l \le w_j \le u\ \forall j\}, \qquad
        \mathrm{prox}(x)_j = \min(\max(x_j, l), u), \qquad \Psi^*(v) = \sum_j \max(l v_j, u v_j).

    The prox is the projection ``clip(x, lower, upper)`` and the conjugate the support
    function ``Psi^*(u) = sum_j max(lower u_j, upper u_j)`` (finite when both bounds are),
    so the duality gap needs no rescaling of the dual point: it includes ``Psi^*(X^T theta)``
    (``certificate='dual_gap'``). With an infinite bound the conjugate is infinite off a
    half-line and the solvers stop on the fixed-point residual instead. The penalty has no
    strength parameter (its ``alpha`` is 1: the scale the solvers' dual rescaling uses).

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.penalties import Box
    >>> Box(lower=0.0, upper=1.0).prox(np.array([-0.5, 0.3, 2.0]), step=1.0).tolist()
    [0.0, 0.3, 1.0]
    """

    convex = True
    screening = False
    code = CODE
    n_scalars = 2

    def __init__(self, lower=0.0, upper=1.0):
        self.lower = lower
        self.upper = upper

    @property
    def alpha(self):
        """1: the box has no strength parameter (the dual point needs no rescaling)."""
        return 1.0

    @property
    def certificate(self):
        """``'dual_gap'`` with finite bounds, else ``'fixed_point'``."""
        lo, up = self._scalars()
        return "dual_gap" if np.isfinite(lo) and np.isfinite(up) else "fixed_point"

    def _scalars(self):
        lo = _bound("lower", self.lower, -np.inf)
        up = _bound("upper", self.upper, np.inf)
        if not lo <= 0.0 <= up:
            raise ValueError(f"the box must contain 0 (the solvers start from w = 0): "
                             f"lower <= 0 <= upper, got lower={lo} and upper={up}.")
        return lo, up

    def coordinate_values(self, w):
        lo, up = self._scalars()
        w = np.asarray(w, dtype=np.float64)
        return np.where((w >= lo) & (w <= up), 0.0, np.inf)

    def _prox(self, x, t):
        """Projection onto the box (any step)."""
        lo, up = self._scalars()
        return np.clip(x, lo, up)

    def project(self, w):
        """``clip(w, lower, upper)`` (the prox, for any step)."""
        return self._prox(np.asarray(w, dtype=np.float64), 0.0)

    def subdiff_distance(self, w, g):
        """Distance of ``-g_j`` to the normal cone of the box at ``w_j``."""
        lo, up = self._scalars()
        w = np.asarray(w, dtype=np.float64)
        g = np.asarray(g, dtype=np.float64)
        d = np.abs(g)
        d = np.where(w <= lo, np.maximum(-g, 0.0), d)
        d = np.where(w >= up, np.maximum(g, 0.0), d)
        return np.where((w <= lo) & (w >= up), 0.0, d)

    def dual_norm(self, u):
        """0: no rescaling (the conjugate is finite everywhere with finite bounds)."""
        return 0.0

    def conjugate(self, u):
        """Support function ``sum_j max(lower u_j, upper u_j)``."""
        lo, up = self._scalars()
        u = np.asarray(u, dtype=np.float64)
        with np.errstate(invalid="ignore"):
            vals = np.where(u > 0, up * u, np.where(u < 0, lo * u, 0.0))
        return float(np.sum(vals))

    def rescaled_conjugate(self, u):
        return self.conjugate(u)


# ---------------------------------------------------------------- kernels (one coordinate)
# params = (lower, upper).
@njit(cache=True, inline="always")
def prox_1d(params, x, step, j):
    """``clip(x, lower, upper)``."""
    if x < params[0]:
        return params[0]
    if x > params[1]:
        return params[1]
    return x


@njit(cache=True, inline="always")
def value_1d(params, x, j):
    """0 in the box (the solvers keep iterates there)."""
    return 0.0


@njit(cache=True, inline="always")
def value_diff_1d(params, w, d, j):
    """0 between points of the box."""
    return 0.0


@njit(cache=True, inline="always")
def subdiff_distance_1d(params, w, g, j):
    """Distance of ``-g`` to the normal cone at ``w``."""
    lo, up = params[0], params[1]
    if w <= lo and w >= up:
        return 0.0
    if w <= lo:
        return -g if g < 0.0 else 0.0
    if w >= up:
        return g if g > 0.0 else 0.0
    return abs(g)


@njit(cache=True, inline="always")
def gsq_1d(params, w, g, L, j):
    """Decrease guaranteed by the projected gradient step with constant ``L``."""
    if L <= 0.0:
        return 0.0
    d = prox_1d(params, w - g / L, 1.0 / L, j) - w
    q = g * d + 0.5 * L * d * d
    return -q if q < 0.0 else 0.0


@njit(cache=True, inline="always")
def dual_norm_1d(params, u, j):
    """0: the conjugate is finite everywhere (no rescaling)."""
    return 0.0


@njit(cache=True, inline="always")
def conjugate_1d(params, u, j):
    """``max(lower u, upper u)``."""
    if u > 0.0:
        return params[1] * u
    if u < 0.0:
        return params[0] * u
    return 0.0
