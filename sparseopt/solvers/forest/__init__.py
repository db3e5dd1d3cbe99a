"""The graph solver: forest blocks of a sparse SPD system, solved exactly by message passing.

Layout: ``_kernels_tree`` (union-find forest growth, tree orders and solves, sweep-
preconditioned CG), ``_kernels_schur`` (CG on the Schur complement of one forest),
``_partition`` (forest and colour partitions), ``_sweeps`` (forest block coordinate descent),
``_pcg`` (forest-preconditioned CG), ``_solver`` (:class:`ForestSolver`).
"""

from ._solver import ForestSolver, PreparedForest

__all__ = ["ForestSolver", "PreparedForest"]
