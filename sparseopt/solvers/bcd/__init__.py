"""Block coordinate descent, split by responsibility.

- ``_solver``: :class:`BlockCoordinateDescent` (parameters, validation, set-up) and
  :func:`bcd_solve`;
- ``_rules``: the selection rules as a table (code and properties of each);
- ``_problem``: the :class:`Problem` of a run (data, parts, iterate) and the gap check;
- ``_loop``: the one working-set outer loop and its inner solve;
- ``_coordinates`` / ``_groups``: what coordinates, groups and rows of a coefficient matrix
  supply to that loop (working sets, subproblems), and the paper mode;
- ``_anderson``, ``_working_set``, ``_partition``, ``_design``: extrapolation, the
  working-set builder, fixed partitions, the design as the kernels see it;
- ``_kernels_cd``, ``_kernels_block``, ``_kernels_select``, ``_kernels_rows``: the compiled
  epochs, block updates and selection rules; the datafit and penalty math comes from
  :mod:`sparseopt.datafits.dispatch` and :mod:`sparseopt.penalties.dispatch`.
"""

from ._rules import SELECTION_RULES, SelectionRule
from ._solver import BlockCoordinateDescent, bcd_solve

__all__ = ["SELECTION_RULES", "BlockCoordinateDescent", "SelectionRule", "bcd_solve"]
