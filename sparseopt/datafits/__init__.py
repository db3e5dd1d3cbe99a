"""Smooth datafits: values, gradients, Lipschitz constants and Fenchel duals."""

from ._graph import GraphQuadratic
from ._logistic import Logistic
from ._multinomial import Multinomial, bohning_matrix
from ._quadratic import Quadratic

__all__ = ["GraphQuadratic", "Logistic", "Multinomial", "Quadratic", "bohning_matrix"]
