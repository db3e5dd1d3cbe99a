"""The L1 norm (optionally on the non-negative orthant): the class and its scalar kernels."""

import numpy as np

from ..utils import check_bool, check_nonnegative, njit
from ._base import Penalty
from ._separable import check_step_array, real_input

CODE = 0


class L1(Penalty):
    r"""L1 penalty ``alpha * ||w||_1``, optionally with ``w >= 0``.

    Parameters
    ----------
    alpha : float, default=1.0
        Regularisation strength, ``>= 0``. ``alpha=0`` is "no penalty".
    positive : bool, default=False
        If True the penalty is ``alpha * sum(w) + indicator(w >= 0)``.

    Notes
    -----
    The proximal operator with step ``t`` is the soft threshold

    .. math:: \mathrm{prox}_{t\alpha\|\cdot\|_1}(x)_j = \mathrm{sign}(x_j)\,(|x_j| - t\alpha)_+ ,

    (``(x_j - t alpha)_+`` when ``positive``). The conjugate is the indicator of
    ``{||v||_inf <= alpha}`` (of ``{v <= alpha}`` when ``positive``).

    The greedy scores used by block coordinate descent (see
    :class:`~sparseopt.solvers.BlockCoordinateDescent`) are, with ``g = grad F(w)``:

    - GS-s (``subdiff_distance``): ``dist(-g_j, d psi(w_j))``;
    - GS-r: ``|d_j|`` with ``d_j = prox(w_j - g_j/L_j) - w_j``;
    - GS-q (``gsq_score``): ``-(g_j d_j + L_j d_j^2 / 2 + psi(w_j + d_j) - psi(w_j))``, the
      decrease guaranteed by the proximal step.

    The module's kernels compute the same quantities for one coordinate with
    ``params = (alpha, positive)``; the methods here are their references.

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.penalties import L1
    >>> L1(alpha=1.0).prox(np.array([3.0, -0.5]), step=1.0).tolist()
    [2.0, -0.0]
    """

    structure = "separable"
    convex = True
    certificate = "dual_gap"
    screening = True
    code = CODE

    def __init__(self, alpha=1.0, *, positive=False):
        self.alpha = alpha
        self.positive = positive

    @property
    def kernel_code(self):
        """The kernel dispatch code (one for both signs: ``positive`` is a parameter)."""
        return CODE

    def kernel_params(self):
        """``(alpha, 1.0 if positive else 0.0)``."""
        return np.array([self._alpha(), 1.0 if self._positive() else 0.0])

    def is_zero(self):
        """``alpha = 0`` without the sign constraint."""
        return self._alpha() == 0.0 and not self._positive()

    def _alpha(self):
        return check_nonnegative("alpha", self.alpha)

    def _positive(self):
        return check_bool("positive", self.positive)

    def value(self, w):
        """Penalty value (``inf`` for a negative entry when ``positive``)."""
        a = self._alpha()
        w = real_input(w, "w")
        if self._positive():
            if np.any(w < 0):
                return np.inf
            return a * float(w.sum())
        return a * float(np.abs(w).sum())

    def prox(self, x, step):
        """Proximal operator of ``step * penalty`` at ``x``."""
        x = real_input(x, "x")
        t = check_step_array(step, x.shape) * self._alpha()
        if self._positive():
            return np.maximum(x - t, 0.0)
        return np.sign(x) * np.maximum(np.abs(x) - t, 0.0)

    def conjugate(self, v):
        """Fenchel conjugate: 0 on the dual ball, ``inf`` outside (1e-12 relative slack)."""
        a = self._alpha()
        v = np.asarray(v, dtype=np.float64)
        m = float(np.max(v)) if self._positive() else float(np.max(np.abs(v)))
        return 0.0 if m <= a * (1 + 1e-12) + 1e-300 else np.inf

    def dual_norm(self, v):
        """The gauge whose unit ball (times ``alpha``) is the conjugate's domain."""
        v = np.asarray(v, dtype=np.float64)
        if v.size == 0:
            return 0.0
        return float(np.max(v)) if self._positive() else float(np.max(np.abs(v)))

    def safe_zeros(self, xt, margin):
        """Gap Safe rule: coordinates with ``|X_j^T theta| + margin_j < alpha`` are zero at
        every optimum (one-sided ``X_j^T theta`` when ``positive``); ``margin_j`` is the
        safe radius times ``||X_j||``."""
        corr = xt if self._positive() else np.abs(xt)
        return corr + margin < self._alpha()

    def piece_gradient(self, w):
        """Gradient of the penalty on the linear piece holding ``w`` (nonzero entries):
        ``alpha sign(w)``. A Newton step with this piece fixed polishes least squares."""
        return self._alpha() * np.sign(np.asarray(w, dtype=np.float64))

    def subdiff_distance(self, w, g):
        """GS-s score: distance of ``-g_j`` to the subdifferential at ``w_j``."""
        a = self._alpha()
        w = np.asarray(w, dtype=np.float64)
        g = np.asarray(g, dtype=np.float64)
        if self._positive():
            return np.where(w > 0, np.abs(g + a), np.maximum(-(g + a), 0.0))
        return np.where(w != 0, np.abs(g + a * np.sign(w)), np.maximum(np.abs(g) - a, 0.0))

    def gsq_score(self, w, g, L):
        """GS-q score: decrease guaranteed by the prox-gradient step with constant ``L``.

        Evaluated without cancellation (exactly ``L d^2 / 2`` when the step stays on one linear
        piece of the penalty, ``(|g| - alpha)_+^2 / (2L)`` from zero), so it stays accurate near
        the optimum where greedy rules need it most.
        """
        a = self._alpha()
        w, g, L = np.broadcast_arrays(*(np.asarray(v, dtype=np.float64) for v in (w, g, L)))
        safe_L = np.where(L > 0, L, 1.0)
        u = self.prox(w - g / safe_L, 1.0 / safe_L)
        d = u - w
        if self._positive():
            pen = a * d
            v0 = -g - a
        else:
            pen = a * (np.abs(u) - np.abs(w))
            v0 = np.abs(g) - a
        direct = -(g * d + 0.5 * (safe_L * d) * d + pen)
        same_piece = ((u > 0) & (w > 0)) | ((u < 0) & (w < 0))
        score = np.where(same_piece, 0.5 * (safe_L * d) * d, direct)
        v0 = np.maximum(v0, 0.0)
        score = np.where(w == 0, 0.5 * v0 * (v0 / safe_L), score)  # no underflow of v0^2
        return np.where(L > 0, np.maximum(score, 0.0), 0.0)


# ---------------------------------------------------------------- kernels (one coordinate)
# params = (alpha, positive): positive != 0 restricts to w >= 0; j (the coordinate) is unused.
@njit(cache=True, inline="always")
def prox_1d(params, x, step, j):
    """Soft threshold of ``x`` at ``step * alpha`` (one-sided when positive)."""
    t = step * params[0]
    if params[1] != 0.0:
        v = x - t
        return v if v > 0.0 else 0.0
    if x > t:
        return x - t
    if x < -t:
        return x + t
    return 0.0


@njit(cache=True, inline="always")
def value_1d(params, x, j):
    """``alpha |x|`` (``alpha x`` when positive; the caller keeps ``x >= 0``)."""
    if params[1] != 0.0:
        return params[0] * x
    return params[0] * abs(x)


@njit(cache=True, inline="always")
def value_diff_1d(params, w, d, j):
    """``psi(w + d) - psi(w)``, exact (no cancellation) on one linear piece."""
    alpha = params[0]
    if params[1] != 0.0:
        return alpha * d
    x = w + d
    if w > 0.0 and x >= 0.0:
        return alpha * d
    if w < 0.0 and x <= 0.0:
        return -alpha * d
    return alpha * (abs(x) - abs(w))


@njit(cache=True, inline="always")
def subdiff_distance_1d(params, w, g, j):
    """Distance of ``-g`` to the subdifferential of the penalty at ``w`` (GS-s score)."""
    alpha = params[0]
    if params[1] != 0.0:
        if w > 0.0:
            return abs(g + alpha)
        v = -(g + alpha)
        return v if v > 0.0 else 0.0
    if w > 0.0:
        return abs(g + alpha)
    if w < 0.0:
        return abs(g - alpha)
    v = abs(g) - alpha
    return v if v > 0.0 else 0.0


@njit(cache=True, inline="always")
def gsq_1d(params, w, g, L, j):
    """Decrease guaranteed by the 1-D prox-gradient step with constant ``L`` (GS-q score).

    Without cancellation: when the step stays on one linear piece the decrease is exactly
    ``L d^2 / 2``; from ``w = 0`` it is ``(|g| - alpha)_+^2 / (2 L)``.
    """
    if L <= 0.0:
        return 0.0
    alpha = params[0]
    if w == 0.0:
        v = -g - alpha if params[1] != 0.0 else abs(g) - alpha
        # (v / L) first: v * v alone underflows when the data are tiny (v ~ L ~ s^2)
        return 0.5 * v * (v / L) if v > 0.0 else 0.0
    u = prox_1d(params, w - g / L, 1.0 / L, j)
    d = u - w
    if (u > 0.0 and w > 0.0) or (u < 0.0 and w < 0.0):
        return 0.5 * (L * d) * d
    q = g * d + 0.5 * (L * d) * d + value_1d(params, u, j) - value_1d(params, w, j)
    return -q if q < 0.0 else 0.0


@njit(cache=True, inline="always")
def dual_norm_1d(params, u, j):
    """This coordinate's part of the dual norm, normalised: ``|u| / alpha`` (``u / alpha``
    when positive); a dual point is feasible when the largest part is at most 1."""
    if params[1] != 0.0:
        return u / params[0]
    return abs(u) / params[0]


@njit(cache=True, inline="always")
def conjugate_1d(params, u, j):
    """This coordinate's part of the conjugate at a feasible (rescaled) dual point: 0."""
    return 0.0


class L1Start:
    """Mixin of the nonconvex penalties whose convex start is ``L1(alpha)``."""

    def convex_start(self):
        """The convex penalty whose solution block coordinate descent uses as a second start
        (see ``BlockCoordinateDescent(convex_start=True)``): ``L1(alpha)``, the slope of the
        penalty at zero (L0.5 and L2/3, whose slope at zero is infinite, use ``alpha``
        too)."""
        return L1(self._scalars()[0])
