"""Semi-supervised learning: label propagation by forest-block coordinate descent."""

from ._label_propagation import LabelPropagation, harmonic_system

__all__ = ["LabelPropagation", "harmonic_system"]
