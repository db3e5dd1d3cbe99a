"""Nonconvex penalties: a second start from the solution of a convex surrogate.

A nonconvex problem has many stationary points and coordinate descent stops at one that
depends on where it starts and on the order of its steps. The convex surrogate (for MCP and
SCAD the L1 penalty with the same slope at zero, for the group MCP the group lasso) has one
solution, found reliably; started from it, the nonconvex run lands on the stationary point
of the local linear approximation scheme of Zou and Li (2008) and Fan, Xue and Zou (2014),
which is close to the oracle estimator under their conditions. Neither start dominates the
other, so both are run and the lower objective is kept: the answer is never worse than the
run from the caller's start alone.
"""

import warnings

import numpy as np


def wants_second_start(solver, penalty):
    """Whether ``solver`` runs a second start for ``penalty``: a nonconvex penalty with a
    convex surrogate, not identically zero, and ``convex_start`` on."""
    return (solver.convex_start and getattr(penalty, "convex", True) is False
            and hasattr(penalty, "convex_start") and not penalty.is_zero())


def _final_objective(result):
    objective = result.history.get("objective")
    return float(objective[-1]) if objective is not None and len(objective) else np.inf


def solve_from_two_starts(solve_one, datafit, penalty, X, y, w0, *, fit_intercept,
                          intercept0, check_input):
    """Run ``solve_one`` from the caller's start and from the convex surrogate's solution;
    return the run with the lower final objective (ties: the caller's start).

    ``solve_one(datafit, penalty, X, y, w0, fit_intercept=..., intercept0=...,
    check_input=...)`` is one run of the solver. The warnings of the kept run reach the
    caller; the surrogate's run only supplies a start, so its warnings are dropped. The
    result's ``start`` says which start won (``'given'`` or ``'convex'``) and
    ``start_objectives`` holds both final objectives.
    """
    runs = []
    for start in ("given", "convex"):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            if start == "given":
                w, res = solve_one(datafit, penalty, X, y, w0, fit_intercept=fit_intercept,
                                   intercept0=intercept0, check_input=check_input)
            else:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    ws, rs = solve_one(datafit, penalty.convex_start(), X, y, None,
                                       fit_intercept=fit_intercept, intercept0=None,
                                       check_input=False)
                b0 = rs.intercept if fit_intercept else None
                w, res = solve_one(datafit, penalty, X, y, ws, fit_intercept=fit_intercept,
                                   intercept0=b0, check_input=False)
        runs.append((w, res, [(c.category, str(c.message)) for c in caught]))
    objectives = tuple(_final_objective(r[1]) for r in runs)
    k = 1 if objectives[1] < objectives[0] else 0
    w, res, caught = runs[k]
    for category, message in dict.fromkeys(caught):
        warnings.warn(message, category, stacklevel=3)
    res.start = ("given", "convex")[k]
    res.start_objectives = objectives
    return w, res
