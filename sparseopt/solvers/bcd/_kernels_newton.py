"""Proximal Newton kernels of block coordinate descent: the quadratic model of the datafit on a
working set, its minimiser by coordinate sweeps, and the line search on the true objective
(the conventions of :mod:`._kernels_cd`: ``kx``, ``parts``, ``z`` the linear predictor)."""

import numpy as np

from ...datafits import dispatch as D
from ...penalties import dispatch as P
from ...utils import njit
from ._kernels_cd import col_axpy, col_dot


@njit(cache=True, inline="always")
def _newton_model(kx, y, z, ws, df, dfp, fit_intercept):
    """Gradient and curvature of the datafit's quadratic model at ``z``, per coordinate of
    ``ws``, and per sample (``raw = f'(z)``, ``h = f''(z)``).

    With an intercept, also ``hx_j = sum_i h_i X_ij`` and the curvature of the model with the
    intercept eliminated, ``sum_i h_i (X_ij - m_j)^2`` with ``m_j = hx_j / sum(h)`` (the
    column centred at its curvature-weighted mean), computed without cancellation and in
    ``O(nnz)`` for a sparse column; otherwise ``hx`` is zero and the two curvatures agree.
    """
    Xd, data, indices, indptr, is_sparse = kx
    n = y.shape[0]
    m = ws.shape[0]
    inv_n = 1.0 / n
    raw = np.empty(n)
    h = np.empty(n)
    D.grad_hess_fill(df, dfp, y, z, raw, h)
    hb = 0.0
    for i in range(n):
        raw[i] *= inv_n
        h[i] *= inv_n
        hb += h[i]
    center = fit_intercept and hb > 1e-300
    g = np.empty(m)
    curv = np.empty(m)
    hx = np.zeros(m)
    for k in range(m):
        j = ws[k]
        s = 0.0
        c = 0.0
        q = 0.0
        if is_sparse:
            for t in range(indptr[j], indptr[j + 1]):
                i = indices[t]
                s += data[t] * raw[i]
                q += data[t] * h[i]
        else:
            for i in range(n):
                s += Xd[j * n + i] * raw[i]
                q += Xd[j * n + i] * h[i]
        g[k] = s
        mean = q / hb if center else 0.0
        if is_sparse:
            h_nz = 0.0
            for t in range(indptr[j], indptr[j + 1]):
                i = indices[t]
                c += (data[t] - mean) * (data[t] - mean) * h[i]
                h_nz += h[i]
            rest = hb - h_nz if center else 0.0
            c += mean * mean * (rest if rest > 0.0 else 0.0)
        else:
            for i in range(n):
                c += (Xd[j * n + i] - mean) * (Xd[j * n + i] - mean) * h[i]
        curv[k] = c
        if center:
            hx[k] = q
    return raw, h, g, curv, hx, hb if center else 0.0


@njit(cache=True, inline="always")
def _newton_direction(kx, w, ws, pen, pp, raw, g, h, curv, hx, hb, max_sweeps, sweep_tol, d,
                      v):
    """Minimise the Newton model by cyclic coordinate descent; returns ``(d_b, sweeps)``
    (``d`` filled in place, ``v = X_ws d + d_b`` on return).

    With an intercept (``hb > 0``) it is eliminated exactly: for every ``d`` the model's best
    intercept step is ``d_b = -(sum(raw) + h^T X d) / hb``, kept current as ``d`` changes, and
    each coordinate minimises the reduced model (curvature ``curv``, that of the column
    centred at its ``h``-weighted mean). This is coordinate descent on the centred columns,
    an exact change of variables: the intercept no longer competes with uncentred features
    that are nearly collinear with it. Every update costs ``O(nnz)`` of its column.
    """
    Xd, data, indices, indptr, is_sparse = kx
    n = raw.shape[0]
    m = ws.shape[0]
    db = 0.0
    if hb > 0.0:
        gb = 0.0
        for i in range(n):
            gb += raw[i]
        db = -gb / hb
    hv = np.zeros(n)  # h o (X d), kept current so each model gradient is one dot product
    sweeps = 0
    active_only = False
    while sweeps < max_sweeps:
        # glmnet's active-set cycling: after a full sweep, sweep the nonzero coordinates of
        # the model point until they settle, then a full sweep again; a full sweep that
        # changes nothing beyond the tolerance ends the solve
        sweeps += 1
        max_change = 0.0
        max_val = 0.0
        for k in range(m):
            if curv[k] <= 1e-300:
                continue
            j = ws[k]
            old = w[j] + d[k]
            if active_only and old == 0.0:
                continue
            s = g[k] + col_dot(kx, j, hv) + db * hx[k]
            new = P.prox_1d(pen, pp, old - s / curv[k], 1.0 / curv[k], j)
            change = new - old
            if change != 0.0:
                d[k] += change
                if hb > 0.0:
                    db -= change * hx[k] / hb
                if is_sparse:
                    for t in range(indptr[j], indptr[j + 1]):
                        i = indices[t]
                        hv[i] += change * data[t] * h[i]
                else:
                    off = j * n
                    for i in range(n):
                        hv[i] += change * Xd[off + i] * h[i]
                if abs(change) > max_change:
                    max_change = abs(change)
            if abs(new) > max_val:
                max_val = abs(new)
        settled = max_change <= sweep_tol * (1.0 + max_val)
        if settled and not active_only:
            break
        active_only = not settled
    # the direction's predictor, once at the end (not kept current through the sweeps)
    for k in range(m):
        if d[k] != 0.0:
            col_axpy(kx, ws[k], d[k], v)
    if db != 0.0:
        for i in range(n):
            v[i] += db
    return db, sweeps


@njit(cache=True)
def newton_direction(kx, y, z, w, ws, parts, fit_intercept, max_sweeps, sweep_tol):
    """The proximal Newton direction on the coordinates ``ws`` (and the intercept).

    The quadratic model of the datafit at ``z`` (weights ``f''(z)``) plus the penalty is
    minimised by cyclic coordinate descent (glmnet / skglm ProxNewton). Returns
    ``(d, v, db, g, gb, h, hx, hb, sweeps)``: the direction on ``ws``, its predictor
    ``v = X_ws d + db``, the intercept step, the model's gradient on ``ws`` and on the
    intercept (``sum f'(z)``), the per-sample curvature, and the intercept elimination terms
    (see :func:`_newton_model`).
    """
    df, dfp, lsq, pen, pp, smooth, curv_bound = parts
    raw, h, g, curv, hx, hb = _newton_model(kx, y, z, ws, df, dfp, fit_intercept)
    d = np.zeros(ws.shape[0])
    v = np.zeros(y.shape[0])
    db, sweeps = _newton_direction(kx, w, ws, pen, pp, raw, g, h, curv, hx, hb, max_sweeps,
                                   sweep_tol, d, v)
    gb = 0.0
    for i in range(y.shape[0]):
        gb += raw[i]
    return d, v, db, g, gb, h, hx, hb, sweeps


@njit(cache=True)
def newton_line_search(y, z, w, intercept, ws, parts, d, v, db, g, gb, floor):
    """Armijo backtracking along the Newton direction ``(d, db)`` on the true objective;
    applies the accepted step to ``w``, ``intercept`` and ``z`` and returns True, or returns
    False (nothing changed) when ``d`` is no descent direction, when the decrease it predicts
    is below ``floor`` (the objective's rounding level, where Armijo's test compares rounding
    errors and would accept steps that make no progress), or when no step is acceptable.
    ``gb`` is the model's intercept gradient ``sum f'(z)``."""
    df, dfp, lsq, pen, pp, smooth, curv_bound = parts
    n = y.shape[0]
    m = ws.shape[0]
    inv_n = 1.0 / n
    dec = db * gb
    for k in range(m):
        dec += g[k] * d[k] + P.value_diff_1d(pen, pp, w[ws[k]], d[k], ws[k])
    if dec >= -floor:
        return False
    t = 1.0
    ok = False
    for _ in range(40):
        dphi = D.diff_sum(df, dfp, y, z, v, t) * inv_n
        for k in range(m):
            dphi += P.value_diff_1d(pen, pp, w[ws[k]], t * d[k], ws[k])
        if dphi <= 1e-4 * t * dec:
            ok = True
            break
        t *= 0.5
    if not ok:
        return False
    for k in range(m):
        w[ws[k]] += t * d[k]
    intercept[0] += t * db
    for i in range(n):
        z[i] += t * v[i]
    return True
