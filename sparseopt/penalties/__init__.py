"""Penalties: values, proximal operators, conjugates and proximal greedy scores.

Each penalty's module holds its class (the Python reference) and, for the penalties block
coordinate descent uses, its scalar Numba kernels; :mod:`sparseopt.penalties.dispatch` is the
one switch through which solvers reach them. :class:`Penalty` lists what a penalty declares.
"""

from ._base import Penalty
from ._box import Box
from ._envelope import (
    GroupTopK,
    SparseEnvelope,
    WeightedGroupSparseEnvelope,
    fenchel_young_gap,
)
from ._group_l2 import GroupL2
from ._group_mcp import GroupMCP
from ._l05 import L05
from ._l1 import L1
from ._l1l2 import L1L2
from ._l23 import L23
from ._log_sum import LogSum
from ._mcp import MCP
from ._scad import SCAD
from ._weighted_l1 import WeightedL1

__all__ = [
    "MCP",
    "SCAD",
    "Box",
    "GroupL2",
    "GroupMCP",
    "GroupTopK",
    "L05",
    "L1",
    "L1L2",
    "L23",
    "LogSum",
    "Penalty",
    "SparseEnvelope",
    "WeightedGroupSparseEnvelope",
    "WeightedL1",
    "fenchel_young_gap",
]
