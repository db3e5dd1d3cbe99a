"""Sparse linear models: Lasso, LassoCV, ElasticNet, ElasticNetCV, WeightedLasso,
MCPRegression, GroupLasso, MultiTaskLasso, SparseLogisticRegression, GroupSparseRegression,
LinearSVC, CoxEstimator (with concordance_index), lasso_path and the generic
GeneralizedLinearEstimator (any datafit with any penalty)."""

from ._cox import CoxEstimator, concordance_index
from ._elastic_net_cv import ElasticNetCV
from ._glm import GeneralizedLinearEstimator
from ._group_sparse import GroupSparseRegression
from ._lasso import Lasso, lasso_path
from ._lasso_cv import LassoCV
from ._logistic import SparseLogisticRegression
from ._multitask_lasso import MultiTaskLasso
from ._penalised import ElasticNet, GroupLasso, MCPRegression, WeightedLasso
from ._svc import LinearSVC

__all__ = [
    "CoxEstimator",
    "ElasticNet",
    "ElasticNetCV",
    "GeneralizedLinearEstimator",
    "GroupLasso",
    "GroupSparseRegression",
    "Lasso",
    "LassoCV",
    "LinearSVC",
    "MCPRegression",
    "MultiTaskLasso",
    "SparseLogisticRegression",
    "WeightedLasso",
    "concordance_index",
    "lasso_path",
]
