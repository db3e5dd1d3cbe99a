"""The elastic-net penalty (L1 plus squared L2): the class and its scalar kernels."""

import numpy as np

from ..utils import check_bool, check_nonnegative, njit
from ._separable import SeparablePenalty

CODE = 2


class L1L2(SeparablePenalty):
    r"""Elastic-net penalty ``alpha * (l1_ratio ||w||_1 + (1 - l1_ratio) ||w||_2^2 / 2)``.

    scikit-learn's :class:`~sklearn.linear_model.ElasticNet` penalty (and skglm's
    ``L1_plus_L2``).

    Parameters
    ----------
    alpha : float, default=1.0
        Strength, ``>= 0``.
    l1_ratio : float, default=0.5
        Mix in ``[0, 1]``: 1 is the L1 norm, 0 the ridge penalty.
    positive : bool, default=False
        Also constrain ``w >= 0``.

    Notes
    -----
    With ``a = alpha l1_ratio`` and ``b = alpha (1 - l1_ratio)``, per coordinate

    .. math::

        \psi(w) = a|w| + \frac{b}{2}w^2, \qquad
        \mathrm{prox}_{t\psi}(x) = \frac{\mathrm{sign}(x)(|x| - ta)_+}{1 + tb}, \qquad
        \psi^*(u) = \frac{(|u| - a)_+^2}{2b}.

    The conjugate is finite when ``b > 0``, so the duality gap needs no rescaling of the dual
    point (its ``dual_norm`` is 0) and includes ``psi^*`` at ``X^T theta``; with
    ``l1_ratio = 1`` it is the L1 gap. The gap is a certificate (``certificate='dual_gap'``);
    Gap Safe screening is off (its rule is written for norms).

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.penalties import L1L2
    >>> L1L2(alpha=1.0, l1_ratio=0.5).prox(np.array([3.0, -0.2]), step=1.0).tolist()
    [1.6666666666666667, -0.0]
    """

    convex = True
    certificate = "dual_gap"
    screening = False
    code = CODE

    def __init__(self, alpha=1.0, l1_ratio=0.5, *, positive=False):
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.positive = positive

    def _ab(self):
        alpha = check_nonnegative("alpha", self.alpha)
        rho = check_nonnegative("l1_ratio", self.l1_ratio)
        if rho > 1:
            raise ValueError(f"l1_ratio must be in [0, 1], got {self.l1_ratio!r}.")
        check_bool("positive", self.positive)
        return alpha * rho, alpha * (1.0 - rho)

    def _scalars(self):
        a, b = self._ab()
        return a, b, 1.0 if self.positive else 0.0

    def is_zero(self):
        a, b = self._ab()
        return a == 0.0 and b == 0.0 and not self.positive

    def coordinate_values(self, w):
        a, b = self._ab()
        w = np.asarray(w, dtype=np.float64)
        out = a * np.abs(w) + 0.5 * b * w * w
        if self.positive:
            out = np.where(w < 0, np.inf, out)
        return out

    def _prox(self, x, t):
        a, b = self._ab()
        if self.positive:
            num = np.maximum(x - t * a, 0.0)
        else:
            num = np.sign(x) * np.maximum(np.abs(x) - t * a, 0.0)
        return num / (1.0 + t * b)

    def subdiff_distance(self, w, g):
        """Distance of ``-g_j`` to the subdifferential at ``w_j`` (GS-s score)."""
        a, b = self._ab()
        w = np.asarray(w, dtype=np.float64)
        g = np.asarray(g, dtype=np.float64) + b * w
        if self.positive:
            return np.where(w > 0, np.abs(g + a), np.maximum(-(g + a), 0.0))
        return np.where(w != 0, np.abs(g + a * np.sign(w)), np.maximum(np.abs(g) - a, 0.0))

    def dual_norm(self, u):
        """The L1 dual norm when the L2 part vanishes (then the gap rescales the dual point);
        0 otherwise (the conjugate is finite everywhere)."""
        a, b = self._ab()
        u = np.asarray(u, dtype=np.float64)
        if b > 0 or u.size == 0:
            return 0.0
        m = float(np.max(u)) if self.positive else float(np.max(np.abs(u)))
        return m / self.l1_ratio

    def conjugate(self, u):
        """Fenchel conjugate ``sum_j (|u_j| - a)_+^2 / (2b)`` (an indicator when ``b = 0``)."""
        a, b = self._ab()
        u = np.asarray(u, dtype=np.float64)
        excess = np.maximum(u - a, 0.0) if self.positive else np.maximum(np.abs(u) - a, 0.0)
        if b == 0:
            return 0.0 if float(np.max(excess, initial=0.0)) <= 1e-12 * max(a, 1e-300) else np.inf
        return float(np.sum(excess * (excess / (2 * b))))  # no under/overflow of excess^2

    def rescaled_conjugate(self, u):
        a, b = self._ab()
        return 0.0 if b == 0 else self.conjugate(u)


# ---------------------------------------------------------------- kernels (one coordinate)
# params = (a, b, positive) with a = alpha l1_ratio, b = alpha (1 - l1_ratio).
@njit(cache=True, inline="always")
def prox_1d(params, x, step, j):
    """Soft threshold at ``step a``, then shrink by ``1 + step b``."""
    t = step * params[0]
    if params[2] != 0.0:
        v = x - t
        return v / (1.0 + step * params[1]) if v > 0.0 else 0.0
    if x > t:
        return (x - t) / (1.0 + step * params[1])
    if x < -t:
        return (x + t) / (1.0 + step * params[1])
    return 0.0


@njit(cache=True, inline="always")
def value_1d(params, x, j):
    """``a |x| + b x^2 / 2``."""
    return params[0] * abs(x) + 0.5 * params[1] * x * x


@njit(cache=True, inline="always")
def value_diff_1d(params, w, d, j):
    """``psi(w + d) - psi(w)``: the L1 part exactly on one sign, the L2 part ``b d (w + d/2)``."""
    a = params[0]
    x = w + d
    if w > 0.0 and x >= 0.0:
        l1 = a * d
    elif w < 0.0 and x <= 0.0:
        l1 = -a * d
    else:
        l1 = a * (abs(x) - abs(w))
    return l1 + params[1] * d * (w + 0.5 * d)


@njit(cache=True, inline="always")
def subdiff_distance_1d(params, w, g, j):
    """Distance of ``-g`` to ``a d|w| + b w`` (GS-s score)."""
    a = params[0]
    g = g + params[1] * w
    if w > 0.0:
        return abs(g + a)
    if params[2] != 0.0:
        v = -(g + a)
        return v if v > 0.0 else 0.0
    if w < 0.0:
        return abs(g - a)
    v = abs(g) - a
    return v if v > 0.0 else 0.0


@njit(cache=True, inline="always")
def gsq_1d(params, w, g, L, j):
    """Decrease guaranteed by the 1-D prox-gradient step with constant ``L`` (GS-q score)."""
    if L <= 0.0:
        return 0.0
    d = prox_1d(params, w - g / L, 1.0 / L, j) - w
    q = g * d + 0.5 * L * d * d + value_diff_1d(params, w, d, j)
    return -q if q < 0.0 else 0.0


@njit(cache=True, inline="always")
def dual_norm_1d(params, u, j):
    """``|u| / a`` when ``b = 0`` (the L1 case), else 0 (no rescaling needed)."""
    if params[1] > 0.0:
        return 0.0
    if params[2] != 0.0:
        return u / params[0]
    return abs(u) / params[0]


@njit(cache=True, inline="always")
def conjugate_1d(params, u, j):
    """``(|u| - a)_+^2 / (2b)`` (0 when ``b = 0``: the point was rescaled into the ball)."""
    b = params[1]
    if b <= 0.0:
        return 0.0
    v = (u if params[2] != 0.0 else abs(u)) - params[0]
    return v * (0.5 * v / b) if v > 0.0 else 0.0  # v^2 would under/overflow at scale
