"""sparseopt: sparse optimisation and Bayesian sparse recovery with a scikit-learn interface.

Subpackages are imported lazily, so ``import sparseopt`` is fast and does not load Numba; the
Numba kernels compile (or load from the on-disk cache) at the first fit.
"""

import importlib

__version__ = "0.1.0.dev0"

_SUBMODULES = ("linear_model", "solvers", "datafits", "penalties", "utils", "datasets", "reference",
               "dag", "multitask", "bayes", "operators", "channels", "semi_supervised",
               "plotting")
_ESTIMATORS = {
    "Lasso": "linear_model",
    "LassoCV": "linear_model",
    "SparseLogisticRegression": "linear_model",
    "GroupSparseRegression": "linear_model",
    "GeneralizedLinearEstimator": "linear_model",
    "ProximalGradient": "solvers",
    "CoLiDE": "dag",
    "ActiveTaskSelector": "multitask",
    "SparseBayesianRegression": "bayes",
    "KroneckerSBL": "bayes",
    "LabelPropagation": "semi_supervised",
    "lasso_path": "linear_model",
    "BlockCoordinateDescent": "solvers",
}

__all__ = [*_SUBMODULES, *_ESTIMATORS, "__version__"]


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f"sparseopt.{name}")
    if name in _ESTIMATORS:
        module = importlib.import_module(f"sparseopt.{_ESTIMATORS[name]}")
        return getattr(module, name)
    raise AttributeError(f"module 'sparseopt' has no attribute {name!r}")


def __dir__():
    return sorted(__all__)
