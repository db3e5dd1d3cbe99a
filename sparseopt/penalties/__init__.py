"""Penalties: values, proximal operators, conjugates and proximal greedy scores.

Each penalty's module holds its class (the Python reference) and, for the penalties block
coordinate descent uses, its scalar Numba kernels; :mod:`sparseopt.penalties.dispatch` is the
one switch through which solvers reach them. :class:`Penalty` lists what a penalty declares.
"""

from ._base import Penalty
from ._envelope import (
    GroupTopK,
    SparseEnvelope,
    WeightedGroupSparseEnvelope,
    fenchel_young_gap,
)
from ._group_l2 import GroupL2
from ._l1 import L1

__all__ = [
    "GroupL2",
    "GroupTopK",
    "L1",
    "Penalty",
    "SparseEnvelope",
    "WeightedGroupSparseEnvelope",
    "fenchel_young_gap",
]
