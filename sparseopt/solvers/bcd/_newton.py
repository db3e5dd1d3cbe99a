"""Proximal Newton steps on a working set (logistic and other smooth non-quadratic datafits).

One step: the quadratic model of the datafit plus the penalty is minimised by cyclic
coordinate descent (compiled, :func:`._kernels_newton.newton_direction`); when those sweeps run
out before the model is solved (strongly correlated or badly scaled columns, where coordinate
descent on the model crawls), the model is solved exactly on the sign pattern they found
(:func:`refine_direction`); then a backtracking line search on the true objective sets the
step (:func:`._kernels_newton.newton_line_search`).
"""

import numpy as np

from . import _kernels_newton as KN

MAX_SWEEPS = 20


def prox_newton_step(pb, ws, sweep_tol):
    """One proximal Newton step on the coordinates ``ws`` (and the intercept); False when no
    step was taken (no descent direction, or no acceptable step length)."""
    kx = pb.design.kx
    d, v, db, g, gb, h, hx, hb, sweeps = KN.newton_direction(
        kx, pb.y, pb.z, pb.w, ws, pb.parts, pb.kernel_intercept, MAX_SWEEPS, sweep_tol)
    if sweeps >= MAX_SWEEPS:
        refined = refine_direction(pb, ws, d, g, gb, h, hx, hb)
        if refined is not None:
            d, v, db = refined
    # with a global curvature bound, a step that gains less than the objective's rounding
    # level is refused, and majorised epochs take over (see Plan.run); without one (Poisson,
    # Gamma) there is nothing to hand over to, and such steps still move the iterate
    floor = 4.0 * np.finfo(np.float64).eps * pb.P0 if np.isfinite(pb.parts[6]) else 0.0
    return KN.newton_line_search(pb.y, pb.z, pb.w, pb.intercept, ws, pb.parts, d, v, db, g, gb,
                                 floor)


def refine_direction(pb, ws, d, g, gb, h, hx, hb):
    """A better minimiser of the Newton model than ``d``, from the sign pattern of ``w + d``;
    None when it cannot be computed. Returns ``(d, v, db)``.

    With ``T`` the coordinates of ``ws`` that are nonzero in ``w`` or ``w + d`` and ``S``
    those nonzero in ``w + d``, the model reduced by the intercept (gradient
    ``g - hx gb / hb``, matrix ``X^T H X - hx hx^T / hb``) is quadratic on the pattern's
    linear piece of the penalty; its minimiser there solves
    ``M_SS d_S = -(g_S + psi'_S + M_SN d_N)`` with ``d_N = -w_N``. The model decreases
    monotonically from ``d`` to that point (a convex quadratic on a segment ending at its
    minimiser), so the step goes there, or up to where a coordinate first reaches zero (the
    ratio test of active-set methods), which it then keeps: never a worse model value than
    ``d``. It is attempted only when it costs no more than the sweeps already spent
    (``n |T|^2 <= MAX_SWEEPS * n * |ws|``) and for penalties linear on each sign pattern
    (``piece_gradient``).
    """
    penalty = pb.penalty
    if not hasattr(penalty, "piece_gradient"):
        return None
    w_ws = pb.w[ws]
    new = w_ws + d
    T = np.flatnonzero((new != 0) | (w_ws != 0))
    S_in_T = new[T] != 0
    if T.size == 0 or not S_in_T.any() or T.size * T.size > MAX_SWEEPS * ws.size:
        return None
    XT = pb.design.columns(ws[T])
    M = XT.T @ (XT * h[:, None])
    gt = g[T].copy()
    if hb > 0.0:
        M -= np.outer(hx[T], hx[T]) / hb
        gt -= hx[T] * (gb / hb)
    S, N = np.flatnonzero(S_in_T), np.flatnonzero(~S_in_T)
    target = np.empty(T.size)
    target[N] = -w_ws[T[N]]
    rhs = -(gt[S] + penalty.piece_gradient(new[T[S]]) + M[np.ix_(S, N)] @ target[N])
    try:
        chol = np.linalg.cholesky(M[np.ix_(S, S)])
    except np.linalg.LinAlgError:
        return None
    target[S] = np.linalg.solve(chol.T, np.linalg.solve(chol, rhs))
    if not np.all(np.isfinite(target)):
        return None
    # ratio test: the largest step towards the target keeping the signs of w + d on S
    a = new[T[S]]
    b = w_ws[T[S]] + target[S]
    cross = np.sign(b) != np.sign(a)
    tau = min(1.0, float(np.min(a[cross] / (a[cross] - b[cross]), initial=1.0)))
    dT = d[T] + tau * (target - d[T])
    if tau < 1.0:
        hit = S[cross & (a / np.where(a != b, a - b, 1.0) <= tau)]
        dT[hit] = -w_ws[T[hit]]  # the blocking coordinates reach zero exactly
    d_new = d.copy()
    d_new[T] = dT
    db = -(gb + hx[T] @ dT) / hb if hb > 0.0 else 0.0
    return d_new, XT @ dT + db, db
