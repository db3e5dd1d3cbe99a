"""The one penalty switch of the compiled solvers: ``(code, params)`` to the penalty's kernel.

Solvers' kernels never write a prox themselves: they call these functions with the penalty's
``code`` and its float64 ``params`` (``penalty.kernel_params()``), and each function forwards
to the kernel the penalty's own module defines next to its class. A new penalty adds one
module and one case per switch below; no solver signature changes (a penalty with two
parameters puts both in ``params``).

Separable penalties (one coordinate ``w`` with gradient ``g`` and curvature ``L``):

- ``prox_1d(..., x, step)``: ``argmin_u psi(u) step + (u - x)^2 / 2``;
- ``value_1d(..., x)`` and ``value_diff_1d(..., w, d) = psi(w + d) - psi(w)`` (exact);
- ``subdiff_distance_1d(..., w, g)``: ``dist(-g, d psi(w))``, the GS-s score;
- ``gsq_1d(..., w, g, L)``: the decrease of the prox-gradient step with constant ``L``, the
  GS-q score;
- ``dual_norm_1d(..., u)``: the coordinate's part of the normalised dual norm (penalties with
  a duality gap; a dual point is feasible when every part is at most 1).

Block penalties with a radial prox (one group ``x_G`` of norm ``r`` and weight ``w_j``):

- ``block_scale(..., r, step, w_j)``: the prox maps ``x_G`` to ``block_scale * x_G``;
- ``block_value(..., r, w_j)``: the penalty of the group.

The codes are checked in Python (``SEPARABLE_CODES``, ``BLOCK_CODES``) before any kernel runs,
so each switch ends on its first penalty; a new one adds ``if code == NEW: return ...`` above
that line. The penalties' kernels are inlined into these switches (``inline="always"`` on
the kernels), so a solver loop makes one call per operation.
"""

from ..utils import njit
from . import _group_l2 as group_l2
from . import _l1 as l1

L1 = l1.CODE
GROUP_L2 = group_l2.CODE
SEPARABLE_CODES = (L1,)  # checked in Python before any kernel runs
BLOCK_CODES = (GROUP_L2,)

__all__ = ["block_scale", "block_value", "dual_norm_1d", "gsq_1d", "prox_1d",
           "subdiff_distance_1d", "value_1d", "value_diff_1d"]


@njit(cache=True)
def prox_1d(code, params, x, step, j):
    """Proximal operator of ``step * psi_j`` at ``x``."""
    return l1.prox_1d(params, x, step, j)  # L1


@njit(cache=True)
def value_1d(code, params, x, j):
    """``psi_j(x)``."""
    return l1.value_1d(params, x, j)  # L1


@njit(cache=True)
def value_diff_1d(code, params, w, d, j):
    """``psi_j(w + d) - psi_j(w)`` without cancellation."""
    return l1.value_diff_1d(params, w, d, j)  # L1


@njit(cache=True)
def subdiff_distance_1d(code, params, w, g, j):
    """GS-s score ``dist(-g, d psi_j(w))``."""
    return l1.subdiff_distance_1d(params, w, g, j)  # L1


@njit(cache=True)
def gsq_1d(code, params, w, g, L, j):
    """GS-q score: decrease of the prox-gradient step with constant ``L``."""
    return l1.gsq_1d(params, w, g, L, j)  # L1


@njit(cache=True)
def dual_norm_1d(code, params, u, j):
    """Normalised dual-norm part of one coordinate (penalties with a duality gap)."""
    return l1.dual_norm_1d(params, u, j)  # L1


@njit(cache=True)
def conjugate_1d(code, params, u, j):
    """``psi_j^*(u)`` at a rescaled dual point (penalties with a duality gap)."""
    return l1.conjugate_1d(params, u, j)  # L1


@njit(cache=True)
def block_scale(code, params, norm, step, weight):
    """Radial factor of the block prox: ``prox(x_G) = block_scale * x_G``."""
    return group_l2.block_scale(params, norm, step, weight)  # GROUP_L2


@njit(cache=True)
def block_value(code, params, norm, weight):
    """Penalty of one group from its norm."""
    return group_l2.block_value(params, norm, weight)  # GROUP_L2
