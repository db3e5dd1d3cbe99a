"""The group (block) minimax concave penalty: the class and its block kernels."""

import numpy as np

from ..utils import check_nonnegative, njit
from . import _mcp as mcp
from ._base import Penalty
from ._groups_base import GroupedPenalty

CODE = 10


class GroupMCP(GroupedPenalty, Penalty):
    r"""Group MCP: ``sum_j w_j MCP_{alpha, gamma}(||x_{G_j}||_2)`` over non-overlapping groups.

    Parameters
    ----------
    alpha : float
        Strength, ``>= 0``.
    gamma : float
        Concavity, ``> 1``.
    groups : int, label array, list of index sequences or (grp_ptr, grp_indices)
        As for :class:`GroupL2` (an int ``g``: contiguous groups of size ``g``).
    weights : None, 'sqrt_size' or array of shape (n_groups,), default=None
        Group weights ``w_j >= 0`` multiplying each group's penalty (as the weights of
        :class:`MCP`; 0 leaves a group unpenalised).

    Notes
    -----
    .. math::

        \Psi(x) = \sum_j w_j \rho_{\alpha,\gamma}(\|x_{G_j}\|_2), \qquad
        \rho_{a,\gamma}(r) = \begin{cases} a r - \frac{r^2}{2\gamma} & r \le \gamma a \\
        \frac{\gamma a^2}{2} & r > \gamma a. \end{cases}

    The penalty is MCP (see :class:`MCP`) applied to each group's norm, so its prox is
    radial: ``prox(x_G) = x_G p(||x_G||) / ||x_G||`` with ``p`` the scalar MCP prox of the
    norm (the kernel ``block_scale`` returns that factor). Nonconvex: block coordinate
    descent stops on the fixed-point residual of the group steps, without Gap Safe
    screening (``certificate='fixed_point'``, ``screening=False``).

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.penalties import GroupMCP
    >>> pen = GroupMCP(1.0, 3.0, groups=2)
    >>> pen.prox(np.array([3.0, 4.0, 0.3, 0.4]), step=1.0).tolist()
    [3.0, 4.0, 0.0, 0.0]
    """

    structure = "block"
    convex = False
    certificate = "fixed_point"
    screening = False
    code = CODE

    def __init__(self, alpha, gamma, groups, weights=None):
        self.alpha = alpha
        self.gamma = gamma
        self.groups = groups
        self.weights = weights

    def convex_start(self):
        """The group lasso with the same groups, weights and ``alpha`` (the slope of the
        group MCP at zero), whose solution block coordinate descent uses as a second start
        (see ``BlockCoordinateDescent(convex_start=True)``)."""
        from ._group_l2 import GroupL2

        return GroupL2(self.alpha, groups=self.groups, weights=self.weights)

    def kernel_params(self):
        """``(alpha, gamma)``; the group weights travel separately (one per group)."""
        return np.array([check_nonnegative("alpha", self.alpha),
                         mcp.check_gamma(self.gamma, 1.0)])

    def is_zero(self):
        return check_nonnegative("alpha", self.alpha) == 0.0

    def _norm_pen(self, n):
        """The scalar MCP on group norms (per-group weights)."""
        _, _, w, _ = self._encoding(n)
        return mcp.MCP(self.alpha, self.gamma, weights=w)

    def value(self, x):
        """Penalty value."""
        x = self._vector(x)
        return self._norm_pen(x.size).value(self.group_norms(x))

    def prox(self, x, step):
        """Radial MCP prox of every group."""
        x = self._vector(x)
        step = check_nonnegative("step", step)
        _, _, _, labels = self._encoding(x.size)
        v = self.group_norms(x)
        p = self._norm_pen(x.size).prox(v, step)
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.where(v > 0, p / v, 0.0)
        return x * scale[labels]

    def subdiff_distance(self, x, g):
        """Per group: ``||g_G + w_j psi'(||x_G||) x_G / ||x_G|| ||`` off zero,
        ``(||g_G|| - alpha w_j)_+`` at zero."""
        x, g = self._vector(x), self._vector(g, "g")
        alpha, gamma = self.kernel_params()
        _, _, w, labels = self._encoding(x.size)
        xn = self.group_norms(x)
        a = alpha * w
        slope = w * np.maximum(alpha - xn / gamma, 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            unit = np.where(xn > 0, slope / xn, 0.0)
        out = np.maximum(self.group_norms(g) - a, 0.0)
        return np.where(xn > 0, self.group_norms(g + unit[labels] * x), out)

    def gsq_score(self, x, g, L):
        """Per group: the decrease ``-(g_G^T d + L_G ||d||^2 / 2 + psi(x + d) - psi(x))`` of
        the group prox-gradient step with constant ``L_G`` (0 where ``L_G <= 0``)."""
        x, g = self._vector(x), self._vector(g, "g")
        L = np.asarray(L, dtype=np.float64)
        _, _, _, labels = self._encoding(x.size)
        safe_L = np.where(L > 0, L, 1.0)
        u = x - g / safe_L[labels]
        un = self.group_norms(u)
        pen = self._norm_pen(x.size)
        p = pen.prox(un, 1.0 / safe_L)
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.where(un > 0, p / un, 0.0)
        d = scale[labels] * u - x
        dot = np.bincount(labels, g * d, minlength=L.size)
        dd = np.bincount(labels, d * d, minlength=L.size)
        diff = pen.coordinate_values(self.group_norms(x + d)) - pen.coordinate_values(
            self.group_norms(x))
        score = np.maximum(-(dot + 0.5 * safe_L * dd + diff), 0.0)
        return np.where(L > 0, score, 0.0)


# ---------------------------------------------------------------- kernels (one group)
# params = (alpha, gamma); weight is the group's weight w_j.
@njit(cache=True, inline="always")
def block_scale(params, norm, step, weight):
    """Factor of the group prox at a point of norm ``norm``: ``p(norm) / norm``."""
    if norm <= 0.0:
        return 0.0
    t = step * weight  # the prox of step * weight * MCP is that of MCP with step t
    if t <= 0.0:
        return 1.0
    return mcp.prox_magnitude(params[0], params[1], norm, t) / norm


@njit(cache=True, inline="always")
def block_value(params, norm, weight):
    """The group's weight times the MCP of its norm."""
    a = params[0]
    gamma = params[1]
    if norm <= gamma * a:
        return weight * (a * norm - 0.5 * norm * norm / gamma)
    return weight * 0.5 * gamma * a * a
