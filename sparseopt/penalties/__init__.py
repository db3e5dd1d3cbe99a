"""Penalties: values, proximal operators, conjugates and proximal greedy scores."""

from ._envelope import (
    GroupTopK,
    SparseEnvelope,
    WeightedGroupSparseEnvelope,
    fenchel_young_gap,
)
from ._norms import L1, GroupL2

__all__ = [
    "GroupL2",
    "GroupTopK",
    "L1",
    "SparseEnvelope",
    "WeightedGroupSparseEnvelope",
    "fenchel_young_gap",
]
