"""Sparse linear models: Lasso, LassoCV, SparseLogisticRegression, GroupSparseRegression,
lasso_path and the generic GeneralizedLinearEstimator (any datafit with any penalty)."""

from ._glm import GeneralizedLinearEstimator
from ._group_sparse import GroupSparseRegression
from ._lasso import Lasso, lasso_path
from ._lasso_cv import LassoCV
from ._logistic import SparseLogisticRegression

__all__ = [
    "GeneralizedLinearEstimator",
    "GroupSparseRegression",
    "Lasso",
    "LassoCV",
    "SparseLogisticRegression",
    "lasso_path",
]
