"""Smooth datafits: values, gradients, Lipschitz constants and Fenchel duals.

Each datafit's module holds its class (the Python reference) and its scalar Numba kernels;
:mod:`sparseopt.datafits.dispatch` is the one switch through which solvers reach the kernels.
"""

from ._cox import Cox, check_survival
from ._gamma import Gamma
from ._graph import GraphQuadratic, check_graph_matrix
from ._huber import Huber
from ._logistic import Logistic
from ._multinomial import Multinomial, bohning_matrix
from ._poisson import Poisson
from ._quadratic import Quadratic
from ._quadratic_multitask import QuadraticMultiTask
from ._quadratic_svc import QuadraticSVC
from ._weighted_logistic import SignedLogistic, WeightedLogistic
from ._weighted_quadratic import WeightedQuadratic

__all__ = ["Cox", "Gamma", "GraphQuadratic", "Huber", "Logistic", "Multinomial", "Poisson",
           "Quadratic", "QuadraticMultiTask", "QuadraticSVC", "SignedLogistic", "WeightedLogistic",
           "WeightedQuadratic", "bohning_matrix", "check_graph_matrix", "check_survival"]
