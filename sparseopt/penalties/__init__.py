"""Penalties: values, proximal operators, conjugates and proximal greedy scores."""

from ._norms import L1

__all__ = ["L1"]
