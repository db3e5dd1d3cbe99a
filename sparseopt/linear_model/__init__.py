"""Sparse linear models: Lasso, SparseLogisticRegression, GroupSparseRegression, lasso_path."""

from ._group_sparse import GroupSparseRegression
from ._lasso import Lasso, lasso_path
from ._logistic import SparseLogisticRegression

__all__ = ["GroupSparseRegression", "Lasso", "SparseLogisticRegression", "lasso_path"]
