"""Sparse linear models: Lasso, SparseLogisticRegression and the Lasso path."""

from ._lasso import Lasso, lasso_path
from ._logistic import SparseLogisticRegression

__all__ = ["Lasso", "SparseLogisticRegression", "lasso_path"]
