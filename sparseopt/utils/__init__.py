"""Validation helpers, the convergence monitor, the external duality-gap evaluator, seeded
joblib trials, progress reporting, parameter objects and the lazy Numba decorator.

Other subpackages import these helpers from here (``from ..utils import check_choice``),
never from the private modules that hold them.
"""

from ._convergence import duality_gap, gap_from_predictor, primal_objective
from ._jit import njit
from ._numba import NumbaCacheWarning
from ._parallel import parallel_map, run_trials, spawn_seeds
from ._params import ParamsMixin
from ._progress import Progress, progress
from ._validation import (
    check_bool,
    check_choice,
    check_estimator_dict,
    check_finite_array,
    check_nonnegative,
    check_positive_int,
    check_real,
    check_sample_weight,
    check_seed,
    is_estimator,
)

__all__ = [
    "NumbaCacheWarning",
    "ParamsMixin",
    "Progress",
    "check_bool",
    "check_choice",
    "check_estimator_dict",
    "check_finite_array",
    "check_nonnegative",
    "check_positive_int",
    "check_real",
    "check_sample_weight",
    "check_seed",
    "duality_gap",
    "gap_from_predictor",
    "is_estimator",
    "njit",
    "parallel_map",
    "primal_objective",
    "progress",
    "run_trials",
    "spawn_seeds",
]

# Shared with the other subpackages, not part of the documented API.
from ._complex import _as_numeric as as_numeric  # noqa: E402, F401
from ._complex import check_complex_array, is_complex, ravel_column  # noqa: E402, F401
from ._numba import cache_report, kernel_dispatchers  # noqa: E402, F401
from ._parallel import check_n_jobs  # noqa: E402, F401
from ._scale import db_to_ratio, power_of_two_scale  # noqa: E402, F401
from ._validation import (  # noqa: E402, F401
    check_indices,
    check_real_array,
    check_shape_pairs,
    check_verbose,
    reemit_warnings,
)
