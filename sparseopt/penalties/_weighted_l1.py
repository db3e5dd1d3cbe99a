"""The weighted L1 norm: the class and its scalar kernels."""

import numpy as np

from ..utils import check_bool, check_nonnegative, njit
from ._separable import SeparablePenalty

CODE = 3


class WeightedL1(SeparablePenalty):
    r"""Weighted L1 penalty ``alpha * sum_j weights_j |w_j|`` (optionally with ``w >= 0``).

    Parameters
    ----------
    alpha : float, default=1.0
        Strength, ``>= 0``.
    weights : array-like of shape (n_features,)
        Per-coordinate weights ``>= 0``; a zero weight leaves its coordinate unpenalised.
    positive : bool, default=False
        Also constrain ``w >= 0``.

    Notes
    -----
    .. math::

        \mathrm{prox}_{t\psi}(x)_j = \mathrm{sign}(x_j)(|x_j| - t\alpha\omega_j)_+, \qquad
        \Psi^*(u) = \iota\{|u_j| \le \alpha\omega_j\ \forall j\}.

    With positive weights the dual norm is ``max_j |u_j| / omega_j`` and the duality gap
    certifies (Gap Safe screening applies: ``|X_j^T theta| + r ||X_j|| < alpha omega_j``). A
    zero weight makes the dual constraint ``X_j^T theta = 0``, which the rescaled residual
    meets only at the optimum; such a penalty stops on the fixed-point residual instead
    (``certificate`` is then ``'fixed_point'``, screening off).

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.penalties import WeightedL1
    >>> pen = WeightedL1(alpha=1.0, weights=[1.0, 0.0])
    >>> pen.prox(np.array([3.0, -0.5]), step=1.0).tolist()
    [2.0, -0.5]
    """

    convex = True
    code = CODE
    n_scalars = 2

    def __init__(self, alpha=1.0, weights=None, *, positive=False):
        self.alpha = alpha
        self.weights = weights
        self.positive = positive

    @property
    def certificate(self):
        """``'dual_gap'`` with positive weights, ``'fixed_point'`` with a zero weight."""
        w = self._checked_weights(allow_none=False)
        return "dual_gap" if np.all(w > 0) else "fixed_point"

    @property
    def screening(self):
        """Gap Safe screening is valid with positive weights."""
        return self.certificate == "dual_gap"

    def _scalars(self):
        self._checked_weights(allow_none=False)
        check_bool("positive", self.positive)
        return check_nonnegative("alpha", self.alpha), 1.0 if self.positive else 0.0

    def is_zero(self):
        a = self._scalars()[0]
        return not self.positive and (a == 0.0 or not np.any(self._weights_all() > 0))

    def _weights_all(self):
        return self._checked_weights(allow_none=False)

    def coordinate_values(self, w):
        a = self._scalars()[0]
        w = np.asarray(w, dtype=np.float64)
        out = a * self._weights(w) * np.abs(w)
        if self.positive:
            out = np.where(w < 0, np.inf, out)
        return out

    def _prox(self, x, t):
        a = self._scalars()[0]
        t = t * a * self._weights(x)
        if self.positive:
            return np.maximum(x - t, 0.0)
        return np.sign(x) * np.maximum(np.abs(x) - t, 0.0)

    def subdiff_distance(self, w, g):
        """Distance of ``-g_j`` to the subdifferential at ``w_j`` (GS-s score)."""
        w = np.asarray(w, dtype=np.float64)
        g = np.asarray(g, dtype=np.float64)
        t = self._scalars()[0] * self._weights(w)
        if self.positive:
            return np.where(w > 0, np.abs(g + t), np.maximum(-(g + t), 0.0))
        return np.where(w != 0, np.abs(g + t * np.sign(w)), np.maximum(np.abs(g) - t, 0.0))

    def dual_norm(self, u):
        """``max_j |u_j| / weights_j`` (``u_j`` when positive; ``inf`` if an unpenalised
        coordinate has ``u_j != 0``)."""
        u = np.asarray(u, dtype=np.float64)
        wts = self._weights(u)
        v = u if self.positive else np.abs(u)
        if np.any((wts == 0) & (v > 0)):
            return np.inf
        pos = wts > 0
        return float(np.max(v[pos] / wts[pos])) if np.any(pos) else 0.0

    def conjugate(self, u):
        """0 on the dual ball ``{|u_j| <= alpha weights_j}``, ``inf`` outside (1e-12 slack)."""
        dn = self.dual_norm(u)
        return 0.0 if dn <= self._scalars()[0] * (1 + 1e-12) + 1e-300 else np.inf

    def safe_zeros(self, xt, margin):
        """Gap Safe rule: ``|X_j^T theta| + margin_j < alpha weights_j`` (one-sided when
        positive) proves ``w_j = 0`` at every optimum."""
        corr = xt if self.positive else np.abs(xt)
        return corr + margin < self._scalars()[0] * self._weights(xt)


# ---------------------------------------------------------------- kernels (one coordinate)
# params = (alpha, positive, weights[0], ..., weights[p-1]).
@njit(cache=True, inline="always")
def prox_1d(params, x, step, j):
    """Soft threshold at ``step alpha weights_j`` (one-sided when positive)."""
    t = step * params[0] * params[2 + j]
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
    """``alpha weights_j |x|``."""
    return params[0] * params[2 + j] * abs(x)


@njit(cache=True, inline="always")
def value_diff_1d(params, w, d, j):
    """``psi_j(w + d) - psi_j(w)``, exact on one sign."""
    a = params[0] * params[2 + j]
    x = w + d
    if w > 0.0 and x >= 0.0:
        return a * d
    if w < 0.0 and x <= 0.0:
        return -a * d
    return a * (abs(x) - abs(w))


@njit(cache=True, inline="always")
def subdiff_distance_1d(params, w, g, j):
    """Distance of ``-g`` to the subdifferential at ``w`` (GS-s score)."""
    a = params[0] * params[2 + j]
    if w > 0.0:
        return abs(g + a)
    if params[1] != 0.0:
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
    """``|u| / (alpha weights_j)`` (``u / ...`` when positive)."""
    v = u if params[1] != 0.0 else abs(u)
    return v / (params[0] * params[2 + j])


@njit(cache=True, inline="always")
def conjugate_1d(params, u, j):
    """0: the rescaled dual point lies in the weighted ball."""
    return 0.0
