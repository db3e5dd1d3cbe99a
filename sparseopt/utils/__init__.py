"""Validation helpers, the convergence monitor, the external duality-gap evaluator, seeded
joblib trials and progress reporting."""

from ._convergence import duality_gap, primal_objective
from ._parallel import parallel_map, run_trials, spawn_seeds
from ._progress import Progress, progress
from ._validation import check_choice, check_nonnegative, check_positive_int

__all__ = [
    "Progress",
    "check_choice",
    "check_nonnegative",
    "check_positive_int",
    "duality_gap",
    "parallel_map",
    "primal_objective",
    "progress",
    "run_trials",
    "spawn_seeds",
]
