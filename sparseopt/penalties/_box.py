"""Box constraints ``lower <= w_j <= upper`` (with an optional linear term): the class and its
scalar kernels."""

import numpy as np

from ..utils import check_real, njit
from ._separable import SeparablePenalty

CODE = 9


def _bound(name, value, default):
    if value is None:
        return default
    return check_real(name, value, allow_inf=True)


class Box(SeparablePenalty):
    r"""Box constraint: the indicator of ``{lower <= w_j <= upper for every j}``, plus an
    optional linear term ``linear * sum_j w_j``.

    Parameters
    ----------
    lower : float or None, default=0.0
        Lower bound ``<= 0`` (None or ``-inf``: none).
    upper : float or None, default=1.0
        Upper bound ``>= 0`` (None or ``inf``: none). The box contains 0, where the solvers
        start.
    linear : float, default=0.0
        Slope ``c`` of a linear term ``c sum_j w_j`` added to the indicator. The dual of a
        linear SVM is least squares plus ``Box(0, C, linear=-1)`` (see
        :class:`~sparseopt.datafits.QuadraticSVC`).

    Notes
    -----
    .. math::

        \Psi(w) = \sum_j c\, w_j + \iota\{l \le w_j \le u\ \forall j\}, \qquad
        \mathrm{prox}_{t\Psi}(x)_j = \min(\max(x_j - t c, l), u), \qquad
        \Psi^*(v) = \sum_j \max(l (v_j - c), u (v_j - c)).

    Without the linear term (``c = 0``) the prox is the projection ``clip(x, lower, upper)``
    and the conjugate the support function of the box. The conjugate is finite when both
    bounds are, so the duality gap needs no rescaling of the dual point: it includes
    ``Psi^*(X^T theta)`` (``certificate='dual_gap'``). With an infinite bound the conjugate
    is infinite off a half-line and the solvers stop on the fixed-point residual instead. The
    penalty has no strength parameter (its ``alpha`` is 1: the scale the solvers' dual
    rescaling uses). With ``c != 0`` the penalty is negative somewhere in the box: its lowest
    value ``-Psi^*(0)`` (:meth:`infimum`) then sets the scale of the solvers' relative
    tolerance when the objective at ``w = 0`` is zero.

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.penalties import Box
    >>> Box(lower=0.0, upper=1.0).prox(np.array([-0.5, 0.3, 2.0]), step=1.0).tolist()
    [0.0, 0.3, 1.0]
    >>> Box(0.0, 1.0, linear=-1.0).prox(np.array([-0.5, 0.3, 2.0]), step=0.5).tolist()
    [0.0, 0.8, 1.0]
    """

    convex = True
    screening = False
    code = CODE
    n_scalars = 3

    def __init__(self, lower=0.0, upper=1.0, linear=0.0):
        self.lower = lower
        self.upper = upper
        self.linear = linear

    @property
    def alpha(self):
        """1: the box has no strength parameter (the dual point needs no rescaling)."""
        return 1.0

    @property
    def certificate(self):
        """``'dual_gap'`` with finite bounds, else ``'fixed_point'``."""
        lo, up, _ = self._scalars()
        return "dual_gap" if np.isfinite(lo) and np.isfinite(up) else "fixed_point"

    def _scalars(self):
        lo = _bound("lower", self.lower, -np.inf)
        up = _bound("upper", self.upper, np.inf)
        if not lo <= 0.0 <= up:
            raise ValueError(f"the box must contain 0 (the solvers start from w = 0): "
                             f"lower <= 0 <= upper, got lower={lo} and upper={up}.")
        return lo, up, check_real("linear", self.linear)

    def coordinate_values(self, w):
        lo, up, c = self._scalars()
        w = np.asarray(w, dtype=np.float64)
        return np.where((w >= lo) & (w <= up), c * w if c else 0.0, np.inf)

    def _prox(self, x, t):
        """``clip(x - t c, lower, upper)``."""
        lo, up, c = self._scalars()
        return np.clip(x - t * c if c else x, lo, up)

    def project(self, w):
        """``clip(w, lower, upper)``: the projection on the box."""
        lo, up, _ = self._scalars()
        return np.clip(np.asarray(w, dtype=np.float64), lo, up)

    def add_linear(self, slope):
        """A box with the same bounds and the linear term ``linear + slope``."""
        lo, up, c = self._scalars()
        return Box(lo, up, linear=c + check_real("slope", slope))

    def minimiser(self):
        """The coordinate value that minimises the penalty with a linear term: the bound the
        linear term favours (ValueError if that bound is infinite: the penalty is unbounded
        below); None without a linear term (every point of the box)."""
        lo, up, c = self._scalars()
        if c == 0.0:
            return None
        best = up if c < 0 else lo
        if not np.isfinite(best):
            raise ValueError(f"Box(lower={lo}, upper={up}, linear={c}) is unbounded below: a "
                             "coordinate the datafit does not see (a zero column) would go "
                             "to infinity; give the box a finite bound on that side.")
        return float(best)

    def infimum(self, n_features):
        """The lowest value of the penalty, ``-Psi^*(0) = n min(c lower, c upper)`` (0 without
        a linear term; ``-inf`` when the linear term is unbounded below on the box)."""
        lo, up, c = self._scalars()
        if c == 0.0:
            return 0.0
        return float(n_features * min(c * lo, c * up))

    def subdiff_distance(self, w, g):
        """Distance of ``-(g_j + c)`` to the normal cone of the box at ``w_j``."""
        lo, up, c = self._scalars()
        w = np.asarray(w, dtype=np.float64)
        g = np.asarray(g, dtype=np.float64) + c
        d = np.abs(g)
        d = np.where(w <= lo, np.maximum(-g, 0.0), d)
        d = np.where(w >= up, np.maximum(g, 0.0), d)
        return np.where((w <= lo) & (w >= up), 0.0, d)

    def dual_norm(self, u):
        """0: no rescaling (the conjugate is finite everywhere with finite bounds)."""
        return 0.0

    def conjugate(self, u):
        """``sum_j max(lower (u_j - c), upper (u_j - c))`` (the box's support function at
        ``u - c``)."""
        lo, up, c = self._scalars()
        u = np.asarray(u, dtype=np.float64) - c
        with np.errstate(invalid="ignore"):
            vals = np.where(u > 0, up * u, np.where(u < 0, lo * u, 0.0))
        return float(np.sum(vals))

    def rescaled_conjugate(self, u):
        return self.conjugate(u)


# ---------------------------------------------------------------- kernels (one coordinate)
# params = (lower, upper, linear).
@njit(cache=True, inline="always")
def prox_1d(params, x, step, j):
    """``clip(x - step c, lower, upper)``."""
    x = x - step * params[2]
    if x < params[0]:
        return params[0]
    if x > params[1]:
        return params[1]
    return x


@njit(cache=True, inline="always")
def value_1d(params, x, j):
    """``c x`` in the box (the solvers keep iterates there)."""
    return params[2] * x


@njit(cache=True, inline="always")
def value_diff_1d(params, w, d, j):
    """``c d`` between points of the box."""
    return params[2] * d


@njit(cache=True, inline="always")
def subdiff_distance_1d(params, w, g, j):
    """Distance of ``-(g + c)`` to the normal cone at ``w``."""
    lo, up = params[0], params[1]
    g = g + params[2]
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
    q = (g + params[2]) * d + 0.5 * L * d * d
    return -q if q < 0.0 else 0.0


@njit(cache=True, inline="always")
def dual_norm_1d(params, u, j):
    """0: the conjugate is finite everywhere (no rescaling)."""
    return 0.0


@njit(cache=True, inline="always")
def conjugate_1d(params, u, j):
    """``max(lower (u - c), upper (u - c))``."""
    u = u - params[2]
    if u > 0.0:
        return params[1] * u
    if u < 0.0:
        return params[0] * u
    return 0.0
