"""Sparse Bayesian learning: classical EM-SBL and Kronecker-structured SBL."""

from ..utils import check_complex_array
from ._engine import NoSignalWarning
from ._estep import dense_estep, kron_estep
from ._komp import kronecker_omp
from ._kronecker_sbl import KroneckerSBL, from_dense
from ._sbl import SparseBayesianRegression

__all__ = [
    "KroneckerSBL",
    "NoSignalWarning",
    "SparseBayesianRegression",
    "check_complex_array",
    "dense_estep",
    "from_dense",
    "kron_estep",
    "kronecker_omp",
]
