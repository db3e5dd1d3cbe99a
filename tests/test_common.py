"""scikit-learn's estimator checks over every public estimator."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from sparseopt.bayes import KroneckerSBL, SparseBayesianRegression
from sparseopt.dag import CoLiDE
from sparseopt.datafits import Huber
from sparseopt.linear_model import (
    CoxEstimator,
    ElasticNet,
    ElasticNetCV,
    GeneralizedLinearEstimator,
    GroupLasso,
    GroupSparseRegression,
    Lasso,
    LassoCV,
    LinearSVC,
    MCPRegression,
    MultiTaskLasso,
    SparseLogisticRegression,
    WeightedLasso,
)
from sparseopt.multitask import LassoTaskRelevance, MultiTaskLinearRepresentation
from sparseopt.penalties import L1, L1L2, MCP
from sparseopt.semi_supervised import LabelPropagation

ESTIMATORS = [
    Lasso(alpha=0.01, tol=1e-10),  # sample-weight checks compare predictions to 1e-7
    LassoCV(n_alphas=5, cv=3, tol=1e-10),
    SparseLogisticRegression(alpha=0.001, tol=1e-12),  # sample-weight checks: 1e-7 on proba
    GroupSparseRegression(n_groups_active=1, groups=1, alpha=0.01),
    CoLiDE(warm_iter=2000, max_iter=4000),
    MultiTaskLinearRepresentation(n_components=2),
    LassoTaskRelevance(alpha=0.01),
    SparseBayesianRegression(),
    KroneckerSBL(),
    LabelPropagation(),
    GeneralizedLinearEstimator(penalty=L1(0.01)),
    ElasticNet(alpha=0.01, tol=1e-14),  # weak strong convexity: coef error ~ sqrt(gap)
    ElasticNetCV(n_alphas=5, cv=3, tol=1e-10),
    WeightedLasso(alpha=0.01, tol=1e-10),
    MCPRegression(alpha=0.01, tol=1e-14),
    GroupLasso(groups=1, alpha=0.01, tol=1e-10),
    MultiTaskLasso(alpha=0.01),
    GeneralizedLinearEstimator(datafit=Huber(1.0), penalty=L1L2(0.01, 0.5)),
    GeneralizedLinearEstimator(datafit=Huber(1.0), penalty=MCP(0.01, 3.0)),
    LinearSVC(),
    CoxEstimator(alpha=0.1),  # 1-D targets: times that are all events
]


def _expected_failed_checks(estimator):
    if isinstance(estimator, SparseBayesianRegression | KroneckerSBL):
        return {"check_complex_data": "complex data is supported by design (SBL for channels)"}
    if isinstance(estimator, ElasticNetCV | LassoCV):
        # as in scikit-learn: repeated rows change the cross-validation folds
        return {name: "repeated rows change the cross-validation folds" for name in
                ("check_sample_weight_equivalence_on_dense_data",
                 "check_sample_weight_equivalence_on_sparse_data")}
    if isinstance(estimator, MCPRegression):
        # a nonconvex problem: the weighted sparse fit (rows rescaled, data centred) and the
        # replicated one (sparse X, the engine's intercept coordinate) take different
        # coordinate paths and may stop at different stationary points (both verified
        # fixed points; predictions differ by ~0.1 on the check's data)
        return {"check_sample_weight_equivalence_on_sparse_data":
                "nonconvex: different coordinate paths reach different stationary points"}
    return {}


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=_expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
