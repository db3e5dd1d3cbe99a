"""Smooth datafits F(w) = f(Xw): values, gradients, Lipschitz constants and Fenchel duals."""

from ._logistic import Logistic
from ._quadratic import Quadratic

__all__ = ["Logistic", "Quadratic"]
