"""Smooth datafits: values, gradients, Lipschitz constants and Fenchel duals.

Each datafit's module holds its class (the Python reference) and its scalar Numba kernels;
:mod:`sparseopt.datafits.dispatch` is the one switch through which solvers reach the kernels.
"""

from ._graph import GraphQuadratic, check_graph_matrix
from ._logistic import Logistic
from ._multinomial import Multinomial, bohning_matrix
from ._quadratic import Quadratic

__all__ = ["GraphQuadratic", "Logistic", "Multinomial", "Quadratic", "bohning_matrix",
           "check_graph_matrix"]
