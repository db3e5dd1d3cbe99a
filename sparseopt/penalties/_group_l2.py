"""The group L2 norm (group lasso): the class and its block kernels."""

import numpy as np

from ..utils import check_bool, check_nonnegative, njit
from ._base import Penalty
from ._groups_base import GroupedPenalty

CODE = 1


class GroupL2(GroupedPenalty, Penalty):
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
    positive : bool, default=False
        Also constrain ``x >= 0`` (the non-negative group lasso).

    Notes
    -----
    .. math::

        \mathrm{prox}_{t P}(x)_{G_j} = x_{G_j}\max\left(0, 1 - \frac{t\alpha w_j}{\|x_{G_j}\|}
        \right), \qquad P^*(u) = \iota\{\|u_{G_j}\| \le \alpha w_j\ \forall j\}.

    With ``positive=True`` the penalty adds the indicator of ``x >= 0``; the prox applies the
    same radial factor to ``(x_{G_j})_+`` (the projection first, then the group shrinkage, which
    is exact because the shrinkage of a non-negative vector stays non-negative), and the
    conjugate's ball uses ``\|(u_{G_j})_+\|``.

    The prox is radial: the module's kernel ``block_scale`` returns the factor applied to a
    group from its norm, so block solvers (groups, rows of a coefficient matrix) share it.

    With positive weights the duality gap at the rescaled residual certifies the solution. A
    zero weight makes the dual constraint ``X_{G_j}^T theta = 0``, which the rescaled residual
    meets only at the optimum (so the rescaling would send the dual point to zero and the gap
    would never close); such a penalty stops on the fixed-point residual instead
    (``certificate`` is then ``'fixed_point'``).

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.penalties import GroupL2
    >>> pen = GroupL2(1.0, groups=2)
    >>> pen.prox(np.array([3.0, 4.0, 0.3, 0.4]), step=1.0)
    array([2.4, 3.2, 0. , 0. ])
    """

    structure = "block"
    convex = True
    screening = False
    code = CODE

    def __init__(self, alpha, groups, weights=None, *, positive=False):
        self.alpha = alpha
        self.groups = groups
        self.weights = weights
        self.positive = positive

    def _positive(self):
        return check_bool("positive", getattr(self, "positive", False))

    @property
    def certificate(self):
        """``'dual_gap'`` with positive group weights, ``'fixed_point'`` with a zero one."""
        weights = self.weights
        if weights is None or isinstance(weights, str):
            return "dual_gap"
        try:
            weights = np.asarray(weights, dtype=np.float64)
        except (TypeError, ValueError):
            return "dual_gap"  # invalid weights are refused by the encoding, with a message
        return "fixed_point" if np.any(weights == 0) else "dual_gap"

    def kernel_params(self):
        """``(alpha, positive)``; the group weights travel separately (one per group)."""
        return np.array([check_nonnegative("alpha", self.alpha),
                         1.0 if self._positive() else 0.0])

    def is_zero(self):
        """``alpha = 0`` without the sign constraint."""
        return check_nonnegative("alpha", self.alpha) == 0.0 and not self._positive()

    def value(self, x):
        """Penalty value."""
        x = self._vector(x)
        _, _, w, _ = self._encoding(x.size)
        if self._positive() and np.any(x < 0):
            return np.inf
        return check_nonnegative("alpha", self.alpha) * float(w @ self.group_norms(x))

    def project(self, x):
        """Projection on the domain, ``prox(x, 0)``: ``max(x, 0)`` with ``positive=True``, a
        copy otherwise (the solvers project every extrapolated point)."""
        x = np.asarray(x, dtype=np.float64)
        return np.maximum(x, 0.0) if self._positive() else x.copy()

    def prox(self, x, step):
        """Group soft-thresholding with threshold ``step * alpha * w_j``."""
        x = self._vector(x)
        t = check_nonnegative("step", step) * check_nonnegative("alpha", self.alpha)
        _, _, w, labels = self._encoding(x.size)
        if self._positive():
            x = np.maximum(x, 0.0)
        v = self.group_norms(x)
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.where(v > 0, np.maximum(0.0, 1.0 - t * w / v), 0.0)
        scale = np.where(w == 0, 1.0, scale)
        return x * scale[labels]

    def dual_norm(self, u):
        """``max_j ||u_{G_j}|| / w_j`` (``inf`` if an unpenalised group has ``u_G != 0``);
        with ``positive``, of ``(u_{G_j})_+``."""
        u = self._vector(u, "u")
        _, _, w, _ = self._encoding(u.size)
        v = self.group_norms(np.maximum(u, 0.0) if self._positive() else u)
        if np.any((w == 0) & (v > 0)):
            return np.inf
        pos = w > 0
        return float(np.max(v[pos] / w[pos])) if np.any(pos) else 0.0

    def conjugate(self, u):
        """0 on the dual ball ``{||u_G|| <= alpha w_j}``, ``inf`` outside (1e-12 slack)."""
        a = check_nonnegative("alpha", self.alpha)
        return 0.0 if self.dual_norm(u) <= a * (1 + 1e-12) + 1e-300 else np.inf

    def subdiff_distance(self, x, g):
        """Per group: distance of ``-g_G`` to the subdifferential at ``x_G`` (GS-s score),
        ``||g_G + alpha w_j x_G / ||x_G||||`` on a nonzero group, ``(||g_G|| - alpha w_j)_+``
        on a zero one."""
        x, g = self._vector(x), self._vector(g, "g")
        a = check_nonnegative("alpha", self.alpha)
        _, _, w, labels = self._encoding(x.size)
        xn = self.group_norms(x)
        positive = self._positive()
        # from a zero group: -g must lie in the ball (of its positive part, with the constraint)
        out = np.maximum(self.group_norms(np.maximum(-g, 0.0) if positive else g) - a * w, 0.0)
        nz = xn > 0
        if np.any(nz):
            with np.errstate(divide="ignore", invalid="ignore"):
                unit = np.where(xn > 0, a * w / xn, 0.0)
            r = g + unit[labels] * x
            if positive:  # a zero coordinate of a nonzero group only needs -g_j <= 0
                r = np.where(x == 0, np.maximum(-g, 0.0), r)
            out[nz] = self.group_norms(r)[nz]
        return out

    def gsq_score(self, x, g, L):
        """Per group: the decrease ``-(g_G^T d + L_G ||d||^2 / 2 + psi(x + d) - psi(x))``
        guaranteed by the group prox-gradient step ``d`` with constant ``L_G`` (GS-q score);
        ``(||g_G|| - alpha w_j)_+^2 / (2 L_G)`` from a zero group, without cancellation."""
        x, g = self._vector(x), self._vector(g, "g")
        L = np.asarray(L, dtype=np.float64)
        a = check_nonnegative("alpha", self.alpha)
        _, _, w, labels = self._encoding(x.size)
        safe_L = np.where(L > 0, L, 1.0)
        u = x - g / safe_L[labels]
        positive = self._positive()
        if positive:
            u = np.maximum(u, 0.0)
        un = self.group_norms(u)
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.where(un > 0, np.maximum(0.0, 1.0 - a * w / (safe_L * un)), 0.0)
        scale = np.where(w == 0, 1.0, scale)
        d = scale[labels] * u - x
        dot = np.bincount(labels, g * d, minlength=L.size)
        dd = np.bincount(labels, d * d, minlength=L.size)
        q = dot + 0.5 * safe_L * dd + a * w * (self.group_norms(x + d) - self.group_norms(x))
        score = np.maximum(-q, 0.0)
        zero = self.group_norms(x) == 0
        gz = self.group_norms(np.maximum(-g, 0.0) if positive else g)
        v = np.maximum(gz[zero] - a * w[zero], 0.0)
        score[zero] = v * (v / (2 * safe_L[zero]))  # v^2 alone overflows on extreme data
        return np.where(L > 0, score, 0.0)


# ---------------------------------------------------------------- kernels (one group)
# params = (alpha, positive); weight is the group's norm weight w_j.
@njit(cache=True, inline="always")
def block_scale(params, norm, step, weight):
    """Factor of the group prox at a point of norm ``norm``: ``(1 - t / norm)_+``,
    ``t = step alpha weight``."""
    thr = step * params[0] * weight
    if norm > thr:
        return 1.0 - thr / norm
    return 0.0


@njit(cache=True, inline="always")
def block_value(params, norm, weight):
    """``alpha weight ||x_G||`` from the group's norm."""
    return params[0] * weight * norm


@njit(cache=True, inline="always")
def block_positive(params):
    """Whether the prox projects the group on ``x >= 0`` before the radial factor."""
    return params[1] != 0.0
