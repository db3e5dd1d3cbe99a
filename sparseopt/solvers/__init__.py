"""Solvers: block coordinate descent (Numba kernels in ``_kernels_cd``) and proximal gradient."""

from ._bcd import BCDResult, BlockCoordinateDescent, bcd_solve
from ._prox_grad import ProxGradResult, ProximalGradient, prox_grad_solve

__all__ = [
    "BCDResult",
    "BlockCoordinateDescent",
    "ProxGradResult",
    "ProximalGradient",
    "bcd_solve",
    "prox_grad_solve",
]
