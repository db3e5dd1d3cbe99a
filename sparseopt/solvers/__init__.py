"""Solvers: block coordinate descent, the forest (graph) solver and proximal gradient.

Every solver returns ``(solution, SolverResult)``; ``BCDResult`` and ``ProxGradResult`` are
the same class under the names earlier versions used.
"""

from ._prox_grad import ProximalGradient, prox_grad_solve
from ._result import SolverResult
from .bcd import BlockCoordinateDescent, bcd_solve
from .forest import ForestSolver, PreparedForest

BCDResult = SolverResult
ProxGradResult = SolverResult

__all__ = [
    "BCDResult",
    "BlockCoordinateDescent",
    "ForestSolver",
    "PreparedForest",
    "ProxGradResult",
    "ProximalGradient",
    "SolverResult",
    "bcd_solve",
    "prox_grad_solve",
]
