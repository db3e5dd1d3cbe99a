"""The one result type of every solver (block coordinate descent, forests, proximal gradient)."""

from dataclasses import dataclass, field, fields

import numpy as np


@dataclass
class SolverResult:
    """What a solver reports besides the solution.

    Every solver of :mod:`sparseopt.solvers` returns ``(solution, SolverResult)``; a field a
    solver does not use keeps its default. Fields can also be read as ``result["name"]``.

    Attributes
    ----------
    n_iter : int
        Outer iterations (working sets), block updates (paper mode, forest sweeps),
        conjugate-gradient iterations (forest PCG) or proximal-gradient iterations.
    converged : bool
        Whether the stopping criterion reached ``tol``.
    criterion : float
        Last stopping criterion (duality gap, gradient norm, relative residual or relative
        step).
    rel_gap : float
        Last stopping criterion divided by its reference (``P0``, the initial gradient norm,
        or ``||b||``).
    dual_gap : float
        Last duality gap (``inf`` where no gap is computed).
    n_epochs : int
        Inner epochs (``ceil(|ws| / block_size)`` block updates each).
    n_updates : int
        Block updates in total (forest PCG: exact forest solves).
    intercept : float or ndarray
        Fitted intercept (0 without one; one per class for the multinomial loss).
    n_screened : int
        Coordinates removed by Gap Safe screening at the end.
    n_extrapolations : int
        Anderson extrapolations accepted (each one decreased the objective).
    n_polished : int
        Accepted Newton steps on the support (see ``polish``).
    active_set_iter : int
        Outer iteration from which the support and signs no longer changed (the identified
        active set; -1 where not tracked).
    effective_selection : str
        The rule actually run (e.g. 'gsl' with variable blocks runs GSD with ``d_j = L_j``).
    n_blocks : int
        Forests of the graph solver's partition (0 elsewhere).
    step : float
        Last step size (proximal gradient).
    start : str
        Block coordinate descent on a nonconvex penalty with ``convex_start``: which start
        gave the returned point, ``'given'`` (``w0``, or zero) or ``'convex'`` (the convex
        surrogate's solution); ``'given'`` elsewhere.
    start_objectives : tuple of float
        The final objectives from the two starts (empty with one start).
    history : dict of ndarray
        One entry per check: ``iter``, ``time``, ``objective``, ``criterion`` and, depending on
        the solver, ``ws_size``, ``support_size`` or ``n_restarts``.
    """

    n_iter: int = 0
    converged: bool = False
    criterion: float = np.inf
    rel_gap: float = np.inf
    dual_gap: float = np.inf
    n_epochs: int = 0
    n_updates: int = 0
    intercept: object = 0.0
    n_screened: int = 0
    n_extrapolations: int = 0
    n_polished: int = 0
    active_set_iter: int = -1
    effective_selection: str = ""
    n_blocks: int = 0
    step: float = np.nan
    start: str = "given"
    start_objectives: tuple = ()
    history: dict = field(default_factory=dict)

    def __getitem__(self, name):
        if name not in {f.name for f in fields(self)}:
            raise KeyError(name)
        return getattr(self, name)


class History:
    """Per-check records of a run, returned as a dict of arrays."""

    def __init__(self, keys):
        self._records = {k: [] for k in keys}

    def record(self, **values):
        for key, value in values.items():
            self._records[key].append(value)

    def __len__(self):
        first = next(iter(self._records.values()), [])
        return len(first)

    def arrays(self):
        return {k: np.asarray(v) for k, v in self._records.items()}
