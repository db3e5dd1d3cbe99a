"""Solvers: block coordinate descent (Numba kernels in ``_kernels_cd``)."""

from ._bcd import BCDResult, BlockCoordinateDescent, bcd_solve

__all__ = ["BCDResult", "BlockCoordinateDescent", "bcd_solve"]
