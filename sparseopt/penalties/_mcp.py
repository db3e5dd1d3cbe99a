"""The minimax concave penalty (MCP), optionally weighted: the class and its scalar kernels."""

import numpy as np

from ..utils import check_bool, check_nonnegative, njit
from ._l1 import L1
from ._separable import NonconvexPenalty, abs_step
from ._weighted_l1 import WeightedL1

CODE = 4


def check_gamma(gamma, lower):
    """A finite ``gamma > lower``."""
    g = check_nonnegative("gamma", gamma)
    if not g > lower:
        raise ValueError(f"gamma must be > {lower:g}, got {gamma!r}.")
    return g


class MCP(NonconvexPenalty):
    r"""Minimax concave penalty of Zhang (2010), optionally weighted per coordinate.

    Parameters
    ----------
    alpha : float, default=1.0
        Strength, ``>= 0``.
    gamma : float, default=3.0
        Concavity, ``> 1`` (large ``gamma`` approaches the L1 norm).
    weights : array-like of shape (n_features,) or None, default=None
        Per-coordinate weights ``>= 0`` multiplying the penalty of each coordinate,
        ``weights_j psi(w_j)`` (skglm's ``WeightedMCPenalty``; 0 leaves the coordinate
        unpenalised).
    positive : bool, default=False
        Also constrain ``w >= 0``.

    Notes
    -----
    With ``a = alpha``, the penalty is ``sum_j weights_j psi(w_j)`` where

    .. math::

        \psi(w) = \begin{cases} a|w| - \frac{w^2}{2\gamma} & |w| \le \gamma a \\
        \frac{\gamma a^2}{2} & |w| > \gamma a \end{cases}, \qquad
        \mathrm{prox}_{t\psi}(x) = \begin{cases} 0 & |x| \le ta \\
        \mathrm{sign}(x)\frac{|x| - ta}{1 - t/\gamma} & ta < |x| \le \gamma a \\
        x & |x| > \gamma a \end{cases} \quad (t < \gamma);

    for ``t >= gamma`` the prox compares ``0``, ``gamma a`` and ``x`` (the middle piece is
    concave). A weight multiplies the step: the prox of ``t weights_j psi``. MCP is
    nonconvex: there is no duality gap, so block coordinate descent stops on the fixed-point
    residual ``max_j L_j |prox(w_j - g_j / L_j) - w_j|`` and does no Gap Safe
    screening (``certificate='fixed_point'``, ``screening=False``); working sets still apply.

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.penalties import MCP
    >>> np.round(MCP(alpha=1.0, gamma=3.0).prox(np.array([0.5, 2.0, 4.0]), step=1.0), 6).tolist()
    [0.0, 1.5, 4.0]
    """

    code = CODE
    n_scalars = 3

    def __init__(self, alpha=1.0, gamma=3.0, weights=None, *, positive=False):
        self.alpha = alpha
        self.gamma = gamma
        self.weights = weights
        self.positive = positive

    def convex_start(self):
        """The weighted L1 penalty with MCP's slope at zero, ``alpha * weights`` (its
        ``positive`` too): the convex start (see
        ``BlockCoordinateDescent(convex_start=True)``)."""
        alpha, positive = self._scalars()[0], bool(self.positive)
        weights = self._checked_weights()
        if weights is None:
            return L1(alpha, positive=positive)
        return WeightedL1(alpha, weights, positive=positive)

    def _scalars(self):
        self._checked_weights()
        check_bool("positive", self.positive)
        return (check_nonnegative("alpha", self.alpha), check_gamma(self.gamma, 1.0),
                1.0 if self.positive else 0.0)

    def is_zero(self):
        return self._scalars()[0] == 0.0 and not self.positive

    def coordinate_values(self, w):
        alpha, gamma, _ = self._scalars()
        w = np.asarray(w, dtype=np.float64)
        a = alpha
        aw = np.abs(w)
        out = self._weights(w) * np.where(aw <= gamma * a, a * aw - aw * aw / (2 * gamma),
                                          0.5 * gamma * a * a)
        if self.positive:
            out = np.where(w < 0, np.inf, out)
        return out

    def _candidates(self, ax, t):
        alpha, gamma, _ = self._scalars()
        a = alpha
        t = t * self._weights(ax)  # the prox of t w_j psi is that of psi with step t w_j
        top = gamma * a
        with np.errstate(divide="ignore", invalid="ignore"):
            mid = np.where(t < gamma, (ax - t * a) / (1 - t / gamma), 0.0)
        return 0.0 * ax, np.clip(mid, 0.0, top), top, np.maximum(ax, top)

    def subdiff_distance(self, w, g):
        """Distance of ``-g_j`` to the (limiting) subdifferential at ``w_j``."""
        alpha, gamma, _ = self._scalars()
        w = np.asarray(w, dtype=np.float64)
        g = np.asarray(g, dtype=np.float64)
        weights = self._weights(w)
        a = alpha * weights
        slope = np.sign(w) * weights * np.maximum(alpha - np.abs(w) / gamma, 0.0)
        at_zero = (np.maximum(-(g + a), 0.0) if self.positive
                   else np.maximum(np.abs(g) - a, 0.0))
        return np.where(w != 0, np.abs(g + slope), at_zero)


# ---------------------------------------------------------------- kernels (one coordinate)
# params = (alpha, gamma, positive[, weights[0], ..., weights[p-1]]); a weight multiplies
# the coordinate's penalty.
@njit(cache=True, inline="always")
def _weight(params, j):
    if params.shape[0] > 3:
        return params[3 + j]
    return 1.0


@njit(cache=True, inline="always")
def _psi(a, gamma, v):
    """MCP of a magnitude ``v >= 0``."""
    if v <= gamma * a:
        return a * v - 0.5 * v * v / gamma
    return 0.5 * gamma * a * a


@njit(cache=True, inline="always")
def prox_magnitude(a, gamma, ax, step):
    """The prox of a magnitude ``ax >= 0``: the global minimiser over ``u >= 0`` of
    ``(u - ax)^2 / (2 step) + psi_a(u)`` (0 first on ties); group MCP uses it on norms."""
    top = gamma * a
    best = 0.0
    best_h = 0.5 * ax * ax / step
    if step < gamma:  # convex middle piece: its stationary point, clipped
        u = (ax - step * a) / (1.0 - step / gamma)
        u = min(max(u, 0.0), top)
        h = 0.5 * (u - ax) * (u - ax) / step + _psi(a, gamma, u)
        if h < best_h:
            best, best_h = u, h
    h = 0.5 * (top - ax) * (top - ax) / step + _psi(a, gamma, top)
    if h < best_h:
        best, best_h = top, h
    if ax > top:
        h = _psi(a, gamma, ax)
        if h < best_h:
            best = ax
    return best


@njit(cache=True, inline="always")
def prox_1d(params, x, step, j):
    """The global minimiser of ``(u - x)^2 / (2 step) + psi(u)`` (0 first on ties)."""
    if step <= 0.0:
        return x if (params[2] == 0.0 or x > 0.0) else 0.0
    if params[2] != 0.0 and x <= 0.0:
        return 0.0
    t = step * _weight(params, j)
    if t <= 0.0:
        return x
    u = prox_magnitude(params[0], params[1], abs(x), t)
    return u if x >= 0.0 else -u


@njit(cache=True, inline="always")
def value_1d(params, x, j):
    """``w_j psi(x)``."""
    return _weight(params, j) * _psi(params[0], params[1], abs(x))


@njit(cache=True, inline="always")
def value_diff_1d(params, w, d, j):
    """``w_j (psi(w + d) - psi(w))``; on the concave piece (both magnitudes
    ``<= gamma a``) as ``(v1 - v0)(a - (v1 + v0) / (2 gamma))`` (no cancellation), 0 on the
    flat one."""
    a, gamma, c = params[0], params[1], _weight(params, j)
    v0, v1 = abs(w), abs(w + d)
    top = gamma * a
    if v0 <= top and v1 <= top:
        return c * abs_step(w, d) * (a - 0.5 * (v0 + v1) / gamma)
    if v0 > top and v1 > top:
        return 0.0
    return c * (_psi(a, gamma, v1) - _psi(a, gamma, v0))


@njit(cache=True, inline="always")
def subdiff_distance_1d(params, w, g, j):
    """Distance of ``-g`` to the limiting subdifferential at ``w``."""
    c = _weight(params, j)
    a = params[0] * c
    if w == 0.0:
        v = -(g + a) if params[2] != 0.0 else abs(g) - a
        return v if v > 0.0 else 0.0
    s = params[0] - abs(w) / params[1]
    if s < 0.0:
        s = 0.0
    s *= c
    return abs(g + s) if w > 0.0 else abs(g - s)


@njit(cache=True, inline="always")
def gsq_1d(params, w, g, L, j):
    """Decrease guaranteed by the 1-D prox-gradient step with constant ``L`` (GS-q score)."""
    if L <= 0.0:
        return 0.0
    d = prox_1d(params, w - g / L, 1.0 / L, j) - w
    q = g * d + 0.5 * L * d * d + value_diff_1d(params, w, d, j)
    return -q if q < 0.0 else 0.0
