"""The one working-set outer loop of block coordinate descent, and its inner solve.

Coordinates, groups and rows of a coefficient matrix run the same loop; each kind of block
(:mod:`._coordinates`, :mod:`._groups`) supplies

- ``before_check(t)``: work before the gap (intercept refresh, sign tracking, polish);
- ``violation(grad)``: the fixed-point residual, the criterion of penalties without a gap;
- ``next_working_set(grad, gap) -> (ws, eps, cap)``: the blocks to optimise, the subproblem
  tolerance and an optional cap on its epochs;
- ``subproblem(ws, eps)``: an object with ``epochs(n)``, ``criterion()``, ``pack()``,
  ``try_point(x)``, ``n_blocks`` (updates per epoch) and ``one_step`` (one epoch suffices);
  optionally ``record(rows)``: ``len(rows)`` epochs writing ``pack()`` after each into
  ``rows`` in one compiled call (where the per-epoch Python calls would dominate a small
  problem), returning False when it cannot (the epochs then run one by one), and
  ``free_criterion`` (true when the epochs deliver the criterion as a by-product: it is then
  checked after every epoch instead of every ``freq``).
"""

from ._anderson import Anderson
from ._problem import GapMonitor


def solve_subproblem(sub, pb, eps, freq, budget, anderson):
    """Epochs on a working set until its criterion is below ``eps`` (checked every ``freq``
    epochs) or ``budget`` epochs, with Anderson extrapolation; returns ``(epochs, updates)``.
    """
    accel = Anderson(0 if sub.one_step else anderson)
    if sub.one_step or getattr(sub, "free_criterion", False):
        freq = 1
    done = 0
    size = sub.pack().size if accel.memory > 0 else 0
    while done < budget:
        n_ep = min(freq, budget - done)
        if accel.memory > 0:
            extrapolated_epochs(sub, pb, accel, n_ep, size)
        else:
            sub.epochs(n_ep)
        done += n_ep
        if sub.one_step:
            # one (inexact) Newton step per working set: it nearly always meets the inner
            # tolerance, so checking the subproblem (a gradient on the working set) costs
            # more than the outer check it would save
            break
        if sub.criterion() <= eps:
            break
    return done, done * sub.n_blocks


def extrapolated_epochs(sub, pb, accel, n, size):
    """``n`` epochs whose iterates feed ``accel``; each extrapolated point is tried (kept if
    it lowers the objective) as soon as ``memory + 1`` iterates are recorded."""
    record = getattr(sub, "record", None)
    while n > 0:
        k = min(n, accel.room())
        if record is not None and record(accel.slots(k, size)):
            x = accel.filled(k)
        else:
            for _ in range(k):
                sub.epochs(1)
                x = accel.push(sub.pack())
        if x is not None and sub.try_point(x):
            pb.n_extrapolations += 1
        n -= k


def run_working_sets(family, result, *, max_iter, max_epochs, freq, anderson):
    """Outer iterations: check the gap, build a working set, solve the subproblem on it."""
    pb = family.pb
    monitor = GapMonitor(pb, family.violation)
    family.monitor = monitor
    epochs = updates = 0
    ws_size = 0
    for t in range(max_iter + 1):
        # check t certifies the iterate after t subproblems: at most max_iter subproblems,
        # the last one followed by its own check (n_iter counts checks, capped at max_iter)
        family.before_check(t)
        grad, gap = monitor.check(result, t, ws_size)
        result.n_iter = min(t + 1, max_iter)
        if result.converged or t == max_iter or epochs >= max_epochs:
            break
        ws, eps, cap = family.next_working_set(grad, gap)
        ws_size = len(ws)
        if ws_size == 0:
            continue
        budget = max_epochs - epochs if cap is None else min(cap, max_epochs - epochs)
        e, u = solve_subproblem(family.subproblem(ws, eps), pb, eps, freq, budget, anderson)
        epochs += e
        updates += u
    result.n_epochs = epochs
    result.n_updates = updates
