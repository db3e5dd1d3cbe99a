"""Synthetic problems shared by tests, examples and benchmarks."""

from ._bcd_paper import make_bcd_paper_problem
from ._correlated import make_correlated_data
from ._group_sparse import make_group_sparse_regression
from ._kronecker import make_kronecker_sparse
from ._multitask import MultiTaskProblem, make_active_multitask, make_multitask_linear

__all__ = [
    "MultiTaskProblem",
    "make_active_multitask",
    "make_bcd_paper_problem",
    "make_correlated_data",
    "make_group_sparse_regression",
    "make_kronecker_sparse",
    "make_multitask_linear",
]
