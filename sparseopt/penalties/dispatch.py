"""The one penalty switch of the compiled solvers: ``(code, params)`` to the penalty's kernel.

Solvers' kernels never write a prox themselves: they call these functions with the penalty's
``code`` and its float64 ``params`` (``penalty.kernel_params()``), and each function forwards
to the kernel the penalty's own module defines next to its class. A new penalty adds one
module and one case per switch below; no solver signature changes (a penalty with two
parameters puts both in ``params``).

Separable penalties (coordinate ``j`` at ``w`` with gradient ``g`` and curvature ``L``):

- ``prox_1d(..., x, step)``: ``argmin_u psi(u) step + (u - x)^2 / 2``;
- ``value_1d(..., x)`` and ``value_diff_1d(..., w, d) = psi(w + d) - psi(w)`` (exact);
- ``subdiff_distance_1d(..., w, g)``: ``dist(-g, d psi(w))``, the GS-s score;
- ``gsq_1d(..., w, g, L)``: the decrease of the prox-gradient step with constant ``L``, the
  GS-q score;
- ``dual_norm_1d(..., u)``: the coordinate's part of the normalised dual norm (penalties with
  a duality gap; a dual point is feasible when every part is at most 1; 0 for a penalty
  whose conjugate is finite everywhere);
- ``conjugate_1d(..., u)``: the coordinate's part of the conjugate at the rescaled dual
  point (0 for a norm, whose conjugate is the indicator of its dual ball).

Every separable kernel also receives the coordinate ``j`` (last): a penalty with
per-coordinate weights reads them from ``params`` after its scalars.

Block penalties with a radial prox (one group ``x_G`` of norm ``r`` and weight ``w_j``):

- ``block_scale(..., r, step, w_j)``: the prox maps ``x_G`` to ``block_scale * x_G``;
- ``block_value(..., r, w_j)``: the penalty of the group.

The codes are checked in Python (``SEPARABLE_CODES``, ``BLOCK_CODES``) before any kernel runs,
so each switch ends on its first penalty; a new one adds ``if code == NEW: return ...`` above
that line. The penalties' kernels are inlined into these switches (``inline="always"`` on
the kernels), so a solver loop makes one call per operation.
"""

from ..utils import njit
from . import _box as box
from . import _group_l2 as group_l2
from . import _group_mcp as group_mcp
from . import _l05 as l05
from . import _l1 as l1
from . import _l1l2 as l1l2
from . import _l23 as l23
from . import _log_sum as log_sum
from . import _mcp as mcp
from . import _scad as scad
from . import _weighted_l1 as weighted_l1

L1 = l1.CODE
GROUP_L2 = group_l2.CODE
L1L2 = l1l2.CODE
WEIGHTED_L1 = weighted_l1.CODE
MCP = mcp.CODE
SCAD = scad.CODE
L05 = l05.CODE
L23 = l23.CODE
BOX = box.CODE
LOG_SUM = log_sum.CODE
GROUP_MCP = group_mcp.CODE
# checked in Python before any kernel runs
SEPARABLE_CODES = (L1, L1L2, WEIGHTED_L1, MCP, SCAD, L05, L23, BOX, LOG_SUM)
BLOCK_CODES = (GROUP_L2, GROUP_MCP)

__all__ = ["block_positive", "block_scale", "block_value", "conjugate_1d", "dual_norm_1d",
           "gsq_1d", "prox_1d", "subdiff_distance_1d", "value_1d", "value_diff_1d"]


@njit(cache=True)
def prox_1d(code, params, x, step, j):
    """Proximal operator of ``step * psi_j`` at ``x``."""
    if code == L1L2:
        return l1l2.prox_1d(params, x, step, j)
    if code == WEIGHTED_L1:
        return weighted_l1.prox_1d(params, x, step, j)
    if code == MCP:
        return mcp.prox_1d(params, x, step, j)
    if code == SCAD:
        return scad.prox_1d(params, x, step, j)
    if code == L05:
        return l05.prox_1d(params, x, step, j)
    if code == L23:
        return l23.prox_1d(params, x, step, j)
    if code == BOX:
        return box.prox_1d(params, x, step, j)
    if code == LOG_SUM:
        return log_sum.prox_1d(params, x, step, j)
    return l1.prox_1d(params, x, step, j)  # L1


@njit(cache=True)
def value_1d(code, params, x, j):
    """``psi_j(x)``."""
    if code == L1L2:
        return l1l2.value_1d(params, x, j)
    if code == WEIGHTED_L1:
        return weighted_l1.value_1d(params, x, j)
    if code == MCP:
        return mcp.value_1d(params, x, j)
    if code == SCAD:
        return scad.value_1d(params, x, j)
    if code == L05:
        return l05.value_1d(params, x, j)
    if code == L23:
        return l23.value_1d(params, x, j)
    if code == BOX:
        return box.value_1d(params, x, j)
    if code == LOG_SUM:
        return log_sum.value_1d(params, x, j)
    return l1.value_1d(params, x, j)  # L1


@njit(cache=True)
def value_diff_1d(code, params, w, d, j):
    """``psi_j(w + d) - psi_j(w)`` without cancellation."""
    if code == L1L2:
        return l1l2.value_diff_1d(params, w, d, j)
    if code == WEIGHTED_L1:
        return weighted_l1.value_diff_1d(params, w, d, j)
    if code == MCP:
        return mcp.value_diff_1d(params, w, d, j)
    if code == SCAD:
        return scad.value_diff_1d(params, w, d, j)
    if code == L05:
        return l05.value_diff_1d(params, w, d, j)
    if code == L23:
        return l23.value_diff_1d(params, w, d, j)
    if code == BOX:
        return box.value_diff_1d(params, w, d, j)
    if code == LOG_SUM:
        return log_sum.value_diff_1d(params, w, d, j)
    return l1.value_diff_1d(params, w, d, j)  # L1


@njit(cache=True)
def subdiff_distance_1d(code, params, w, g, j):
    """GS-s score ``dist(-g, d psi_j(w))``."""
    if code == L1L2:
        return l1l2.subdiff_distance_1d(params, w, g, j)
    if code == WEIGHTED_L1:
        return weighted_l1.subdiff_distance_1d(params, w, g, j)
    if code == MCP:
        return mcp.subdiff_distance_1d(params, w, g, j)
    if code == SCAD:
        return scad.subdiff_distance_1d(params, w, g, j)
    if code == L05:
        return l05.subdiff_distance_1d(params, w, g, j)
    if code == L23:
        return l23.subdiff_distance_1d(params, w, g, j)
    if code == BOX:
        return box.subdiff_distance_1d(params, w, g, j)
    if code == LOG_SUM:
        return log_sum.subdiff_distance_1d(params, w, g, j)
    return l1.subdiff_distance_1d(params, w, g, j)  # L1


@njit(cache=True)
def gsq_1d(code, params, w, g, L, j):
    """GS-q score: decrease of the prox-gradient step with constant ``L``."""
    if code == L1L2:
        return l1l2.gsq_1d(params, w, g, L, j)
    if code == WEIGHTED_L1:
        return weighted_l1.gsq_1d(params, w, g, L, j)
    if code == MCP:
        return mcp.gsq_1d(params, w, g, L, j)
    if code == SCAD:
        return scad.gsq_1d(params, w, g, L, j)
    if code == L05:
        return l05.gsq_1d(params, w, g, L, j)
    if code == L23:
        return l23.gsq_1d(params, w, g, L, j)
    if code == BOX:
        return box.gsq_1d(params, w, g, L, j)
    if code == LOG_SUM:
        return log_sum.gsq_1d(params, w, g, L, j)
    return l1.gsq_1d(params, w, g, L, j)  # L1


@njit(cache=True)
def dual_norm_1d(code, params, u, j):
    """Normalised dual-norm part of one coordinate (penalties with a duality gap)."""
    if code == L1L2:
        return l1l2.dual_norm_1d(params, u, j)
    if code == WEIGHTED_L1:
        return weighted_l1.dual_norm_1d(params, u, j)
    if code == BOX:
        return box.dual_norm_1d(params, u, j)
    return l1.dual_norm_1d(params, u, j)  # L1


@njit(cache=True)
def conjugate_1d(code, params, u, j):
    """``psi_j^*(u)`` at a rescaled dual point (penalties with a duality gap)."""
    if code == L1L2:
        return l1l2.conjugate_1d(params, u, j)
    if code == WEIGHTED_L1:
        return weighted_l1.conjugate_1d(params, u, j)
    if code == BOX:
        return box.conjugate_1d(params, u, j)
    return l1.conjugate_1d(params, u, j)  # L1


@njit(cache=True)
def block_scale(code, params, norm, step, weight):
    """Radial factor of the block prox: ``prox(x_G) = block_scale * x_G``."""
    if code == GROUP_MCP:
        return group_mcp.block_scale(params, norm, step, weight)
    return group_l2.block_scale(params, norm, step, weight)  # GROUP_L2


@njit(cache=True)
def block_positive(code, params):
    """Whether the block prox first projects the group on ``x >= 0`` (then
    ``prox(x_G) = block_scale(||(x_G)_+||) * (x_G)_+``)."""
    if code == GROUP_L2:
        return group_l2.block_positive(params)
    return False  # GROUP_MCP


@njit(cache=True)
def block_value(code, params, norm, weight):
    """Penalty of one group from its norm."""
    if code == GROUP_MCP:
        return group_mcp.block_value(params, norm, weight)
    return group_l2.block_value(params, norm, weight)  # GROUP_L2
