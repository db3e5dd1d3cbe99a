"""Validation helpers, the convergence monitor and the external duality-gap evaluator."""

from ._convergence import duality_gap, primal_objective
from ._validation import check_choice, check_nonnegative, check_positive_int

__all__ = [
    "check_choice",
    "check_nonnegative",
    "check_positive_int",
    "duality_gap",
    "primal_objective",
]
