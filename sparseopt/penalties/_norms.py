"""The L1 norm (optionally restricted to the non-negative orthant) and the group L2 norm."""

import numpy as np

from ..utils._validation import check_nonnegative
from ._groups_base import GroupedPenalty, check_vector


class L1:
    r"""Weighted-free L1 penalty ``alpha * ||w||_1``, optionally with ``w >= 0``.

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

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.penalties import L1
    >>> L1(alpha=1.0).prox(np.array([3.0, -0.5]), step=1.0).tolist()
    [2.0, -0.0]
    """

    code = 0

    def __init__(self, alpha=1.0, *, positive=False):
        self.alpha = alpha
        self.positive = positive

    def __repr__(self):
        return f"L1(alpha={self.alpha!r}, positive={self.positive!r})"

    @property
    def kernel_code(self):
        """Integer code the Numba kernels dispatch on (0: L1, 1: positive L1)."""
        return 1 if self.positive else 0

    def _alpha(self):
        return check_nonnegative("alpha", self.alpha)

    def value(self, w):
        """Penalty value (``inf`` for a negative entry when ``positive``)."""
        a = self._alpha()
        w = np.asarray(w)
        if self.positive:
            if np.any(w < 0):
                return np.inf
            return a * float(w.sum())
        return a * float(np.abs(w).sum())

    def prox(self, x, step):
        """Proximal operator of ``step * penalty`` at ``x``."""
        step = np.asarray(step, dtype=np.float64)
        if step.ndim == 0:
            check_nonnegative("step", float(step))
        elif np.any(~np.isfinite(step)) or np.any(step < 0):
            raise ValueError("step must be finite and >= 0.")
        t = step * self._alpha()
        x = np.asarray(x, dtype=np.float64)
        if self.positive:
            return np.maximum(x - t, 0.0)
        return np.sign(x) * np.maximum(np.abs(x) - t, 0.0)

    def conjugate(self, v):
        """Fenchel conjugate: 0 on the dual ball, ``inf`` outside (1e-12 relative slack)."""
        a = self._alpha()
        v = np.asarray(v, dtype=np.float64)
        m = float(np.max(v)) if self.positive else float(np.max(np.abs(v)))
        return 0.0 if m <= a * (1 + 1e-12) + 1e-300 else np.inf

    def dual_norm(self, v):
        """The gauge whose unit ball (times ``alpha``) is the conjugate's domain."""
        v = np.asarray(v, dtype=np.float64)
        if v.size == 0:
            return 0.0
        return float(np.max(v)) if self.positive else float(np.max(np.abs(v)))

    def subdiff_distance(self, w, g):
        """GS-s score: distance of ``-g_j`` to the subdifferential at ``w_j``."""
        a = self._alpha()
        w = np.asarray(w, dtype=np.float64)
        g = np.asarray(g, dtype=np.float64)
        if self.positive:
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
        if self.positive:
            pen = a * d
            v0 = -g - a
        else:
            pen = a * (np.abs(u) - np.abs(w))
            v0 = np.abs(g) - a
        direct = -(g * d + 0.5 * safe_L * d * d + pen)
        same_piece = ((u > 0) & (w > 0)) | ((u < 0) & (w < 0))
        score = np.where(same_piece, 0.5 * safe_L * d * d, direct)
        score = np.where(w == 0, 0.5 * np.maximum(v0, 0.0) ** 2 / safe_L, score)
        return np.where(L > 0, np.maximum(score, 0.0), 0.0)


class GroupL2(GroupedPenalty):
    r"""Group-lasso penalty ``alpha * sum_j w_j ||x_{G_j}||_2`` over non-overlapping groups.

    Parameters
    ----------
    alpha : float
        Strength, ``>= 0``.
    groups : int, label array, list of index sequences or (grp_ptr, grp_indices)
        See :func:`sparseopt.utils.groups.check_groups`. An int ``g`` means contiguous groups of
        size ``g``; overlapping groups raise ValueError.
    weights : None, 'sqrt_size' or array of shape (n_groups,), default=None
        Norm weights ``w_j >= 0`` (0 leaves a group unpenalised).

    Notes
    -----
    .. math::

        \mathrm{prox}_{t P}(x)_{G_j} = x_{G_j}\max\left(0, 1 - \frac{t\alpha w_j}{\|x_{G_j}\|}
        \right), \qquad P^*(u) = \iota\{\|u_{G_j}\| \le \alpha w_j\ \forall j\}.

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.penalties import GroupL2
    >>> pen = GroupL2(1.0, groups=2)
    >>> pen.prox(np.array([3.0, 4.0, 0.3, 0.4]), step=1.0)
    array([2.4, 3.2, 0. , 0. ])
    """

    def __init__(self, alpha, groups, weights=None):
        self.alpha = alpha
        self.groups = groups
        self.weights = weights

    def __repr__(self):
        return f"GroupL2(alpha={self.alpha!r}, groups={self.groups!r})"

    def value(self, x):
        """Penalty value."""
        x = check_vector(x)
        _, _, w, _ = self._encoding(x.size)
        return check_nonnegative("alpha", self.alpha) * float(w @ self.group_norms(x))

    def prox(self, x, step):
        """Group soft-thresholding with threshold ``step * alpha * w_j``."""
        x = check_vector(x)
        t = check_nonnegative("step", step) * check_nonnegative("alpha", self.alpha)
        _, _, w, labels = self._encoding(x.size)
        v = self.group_norms(x)
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.where(v > 0, np.maximum(0.0, 1.0 - t * w / v), 0.0)
        scale = np.where(w == 0, 1.0, scale)
        return x * scale[labels]

    def dual_norm(self, u):
        """``max_j ||u_{G_j}|| / w_j`` (``inf`` if an unpenalised group has ``u_G != 0``)."""
        u = check_vector(u, "u")
        _, _, w, _ = self._encoding(u.size)
        v = self.group_norms(u)
        if np.any((w == 0) & (v > 0)):
            return np.inf
        pos = w > 0
        return float(np.max(v[pos] / w[pos])) if np.any(pos) else 0.0

    def conjugate(self, u):
        """0 on the dual ball ``{||u_G|| <= alpha w_j}``, ``inf`` outside (1e-12 slack)."""
        a = check_nonnegative("alpha", self.alpha)
        return 0.0 if self.dual_norm(u) <= a * (1 + 1e-12) + 1e-300 else np.inf
