"""Block kernels of block coordinate descent: block matrices, the block updates, GSQ scores.

Conventions as in :mod:`._kernels_cd` (``kx``, ``parts = (df, dfp, lsq, pen, pp, smooth,
curv)``; ``smooth``: the penalty is identically zero, so a block model is solved by Cholesky).
"""

import numpy as np

from ...datafits import dispatch as D
from ...penalties import dispatch as P
from ...utils import njit
from ._kernels_cd import column_axpy


# --------------------------------------------------------------------------- block matrices
@njit(cache=True)
def block_matrix(kx, js, nb, y, z, df, dfp, hessian, curv, H, scratch):
    """``H[:nb, :nb] = X_b^T W X_b`` with ``W = f''(z)`` (hessian) or ``curv / n`` (bound)."""
    Xd, data, indices, indptr, is_sparse = kx
    n = y.shape[0]
    inv_n = 1.0 / n
    for a in range(nb):
        # scatter weighted column a into scratch
        for i in range(n):
            scratch[i] = 0.0
        ja = js[a]
        if is_sparse:
            for k in range(indptr[ja], indptr[ja + 1]):
                i = indices[k]
                wi = D.loss_hess(df, dfp, y[i], z[i]) * inv_n if hessian else curv * inv_n
                scratch[i] = data[k] * wi
        else:
            for i in range(n):
                wi = D.loss_hess(df, dfp, y[i], z[i]) * inv_n if hessian else curv * inv_n
                scratch[i] = Xd[ja * n + i] * wi
        for c in range(a, nb):
            jc = js[c]
            s = 0.0
            if is_sparse:
                for k in range(indptr[jc], indptr[jc + 1]):
                    s += data[k] * scratch[indices[k]]
            else:
                off = jc * n
                for i in range(n):
                    s += Xd[off + i] * scratch[i]
            H[a, c] = s
            H[c, a] = s


@njit(cache=True)
def block_bounds(kx, y, z, ws, blk_ptr, blk_pos, df, dfp, curv, out):
    """``out[b] = curv X_b^T X_b / n`` for every fixed block (padded to tau x tau)."""
    n_blocks = blk_ptr.shape[0] - 1
    tau = out.shape[1]
    js = np.empty(tau, dtype=np.int64)
    H = np.empty((tau, tau))
    scratch = np.empty(y.shape[0])
    for b in range(n_blocks):
        nb = blk_ptr[b + 1] - blk_ptr[b]
        for a in range(nb):
            js[a] = ws[blk_pos[blk_ptr[b] + a]]
        block_matrix(kx, js, nb, y, z, df, dfp, False, curv, H, scratch)
        for a in range(nb):
            for c in range(nb):
                out[b, a, c] = H[a, c]


@njit(cache=True)
def lambda_max(H, nb):
    """Largest eigenvalue of ``H[:nb, :nb]``."""
    if nb == 1:
        return H[0, 0]
    return np.linalg.eigvalsh(np.ascontiguousarray(H[:nb, :nb]))[-1]


@njit(cache=True)
def cholesky_solve(H, nb, rhs, out):
    """Solve H[:nb,:nb] out = rhs by Cholesky; return False if H is not numerically PD."""
    Lc = np.zeros((nb, nb))
    scale = 0.0
    for a in range(nb):
        scale = max(scale, abs(H[a, a]))
    for a in range(nb):
        s = H[a, a]
        for k in range(a):
            s -= Lc[a, k] * Lc[a, k]
        if s <= 1e-13 * scale or scale == 0.0:
            return False
        Lc[a, a] = np.sqrt(s)
        for c in range(a + 1, nb):
            t = H[c, a]
            for k in range(a):
                t -= Lc[c, k] * Lc[a, k]
            Lc[c, a] = t / Lc[a, a]
    tmp = np.empty(nb)
    for a in range(nb):
        t = rhs[a]
        for k in range(a):
            t -= Lc[a, k] * tmp[k]
        tmp[a] = t / Lc[a, a]
    for a in range(nb - 1, -1, -1):
        t = tmp[a]
        for k in range(a + 1, nb):
            t -= Lc[k, a] * out[k]
        out[a] = t / Lc[a, a]
    return True


# --------------------------------------------------------------------------- block models
@njit(cache=True)
def block_qp(H, nb, g, wb, js, pen, pp, smooth, d, max_sweeps=1000):
    """Minimise ``g^T d + d^T H d / 2 + psi(w_b + d) - psi(w_b)`` over ``d`` (size ``nb``).

    Unpenalised blocks use a Cholesky solve; otherwise (or if H is singular) cyclic coordinate
    descent on the block model until ``max |change| <= 1e-12 (1 + max |d|)``.
    """
    if smooth:
        rhs = np.empty(nb)
        for a in range(nb):
            rhs[a] = -g[a]
        if cholesky_solve(H, nb, rhs, d):
            return
    Hd = np.zeros(nb)
    for a in range(nb):
        d[a] = 0.0
    for _ in range(max_sweeps):
        max_change = 0.0
        max_d = 0.0
        for a in range(nb):
            haa = H[a, a]
            if haa <= 0.0:
                continue
            grad_a = g[a] + Hd[a]
            x = wb[a] + d[a]
            new_x = P.prox_1d(pen, pp, x - grad_a / haa, 1.0 / haa, js[a])
            change = new_x - x
            if change != 0.0:
                d[a] += change
                for c in range(nb):
                    Hd[c] += H[c, a] * change
                if abs(change) > max_change:
                    max_change = abs(change)
            if abs(d[a]) > max_d:
                max_d = abs(d[a])
        if max_change <= 1e-12 * (1.0 + max_d):
            break


@njit(cache=True)
def gsq_block(H, nb, g, wb, js, pen, pp, smooth):
    """Decrease guaranteed by minimising the block model with matrix H (GS-q / GSQ score)."""
    d = np.empty(nb)
    if smooth:
        rhs = np.empty(nb)
        for a in range(nb):
            rhs[a] = -g[a]
        if cholesky_solve(H, nb, rhs, d):
            s = 0.0
            for a in range(nb):
                s -= g[a] * d[a]
            return 0.5 * s
    block_qp(H, nb, g, wb, js, pen, pp, smooth, d)
    q = 0.0
    for a in range(nb):
        hd = 0.0
        for c in range(nb):
            hd += H[a, c] * d[c]
        q += g[a] * d[a] + 0.5 * d[a] * hd + P.value_diff_1d(pen, pp, wb[a], d[a], js[a])
    return -q if q < 0.0 else 0.0


@njit(cache=True)
def two_metric_direction(H, nb, ge, wb, d, eps=1e-4):
    """Two-metric projection direction for ``w >= 0`` (Gafni and Bertsekas, 1984).

    ``ge`` is the gradient of the smooth objective on the feasible set (datafit gradient plus
    ``alpha`` for the non-negative L1 penalty). Coordinates at the bound (``w_j < eps``) with
    ``ge_j > 0`` take the diagonally scaled gradient step ``-ge_j / H_jj``; the others take
    the Newton step ``-H_FF^{-1} ge_F`` (Cholesky; the diagonal scaling if it fails). The
    caller projects ``w + t d`` onto ``w >= 0`` along its line search.
    """
    free = np.empty(nb, dtype=np.int64)
    nf = 0
    for a in range(nb):
        if wb[a] < eps and ge[a] > 0.0:
            d[a] = -ge[a] / H[a, a] if H[a, a] > 0.0 else 0.0
        else:
            free[nf] = a
            nf += 1
    if nf == 0:
        return
    HF = np.empty((nf, nf))
    rhs = np.empty(nf)
    dF = np.empty(nf)
    for i in range(nf):
        rhs[i] = -ge[free[i]]
        for k in range(nf):
            HF[i, k] = H[free[i], free[k]]
    if not cholesky_solve(HF, nf, rhs, dF):
        for i in range(nf):
            hii = HF[i, i]
            dF[i] = rhs[i] / hii if hii > 0.0 else 0.0
    for i in range(nf):
        d[free[i]] = dF[i]


# --------------------------------------------------------------------------- block updates
@njit(cache=True, inline="always")
def gradient_delta(nb, wb, js, gb, Lblk, pen, pp, delta):
    """The ``1/L_b`` proximal gradient step; False if ``L_b <= 0`` (no step)."""
    if Lblk <= 0.0:
        return False
    for a in range(nb):
        delta[a] = P.prox_1d(pen, pp, wb[a] - gb[a] / Lblk, 1.0 / Lblk, js[a]) - wb[a]
    return True


@njit(cache=True, inline="always")
def _line_change(kx, js, nb, delta, xd):
    """``xd = X_b delta`` (the change of the predictor along the block step)."""
    for i in range(xd.shape[0]):
        xd[i] = 0.0
    for a in range(nb):
        if delta[a] != 0.0:
            column_axpy(kx, js[a], delta[a], xd)


@njit(cache=True, inline="always")
def two_metric_delta(kx, js, nb, wb, gb, H, Lblk, y, z, parts, work):
    """Two-metric projection step for ``w >= 0`` with a projected Armijo search; falls back to
    the projected ``1/L_b`` gradient step. ``work = (delta, ge, dirn, xd)``; False: no step."""
    df, dfp, lsq, pen, pp, smooth, curv = parts
    delta, ge, dirn, xd = work
    alpha = pp[0]
    inv_n = 1.0 / y.shape[0]
    for a in range(nb):
        ge[a] = gb[a] + alpha
    two_metric_direction(H, nb, ge, wb, dirn)
    t = 1.0
    for _ in range(30):
        dec = 0.0
        moved = False
        for a in range(nb):
            x = wb[a] + t * dirn[a]
            delta[a] = (x if x > 0.0 else 0.0) - wb[a]
            dec += ge[a] * delta[a]
            if delta[a] != 0.0:
                moved = True
        if not moved:
            break
        if dec < 0.0:
            _line_change(kx, js, nb, delta, xd)
            dphi = 0.0
            for i in range(y.shape[0]):
                dphi += D.loss_diff(df, dfp, y[i], z[i], xd[i])
            dphi *= inv_n
            for a in range(nb):
                dphi += alpha * delta[a]
            if dphi <= 1e-4 * dec:
                return True
        t *= 0.5
    return gradient_delta(nb, wb, js, gb, Lblk, pen, pp, delta)


@njit(cache=True, inline="always")
def model_delta(kx, js, nb, wb, gb, H, Lblk, hessian, y, z, parts, work):
    """Minimise the block model with ``H`` (bound: 'matrix'; Hessian: 'newton', then an
    Armijo search on the true objective, falling back to the ``1/L_b`` step). False: no
    step."""
    df, dfp, lsq, pen, pp, smooth, curv = parts
    delta, ge, dirn, xd = work
    block_qp(H, nb, gb, wb, js, pen, pp, smooth, delta)
    if not hessian:
        return True
    inv_n = 1.0 / y.shape[0]
    dec = 0.0
    for a in range(nb):
        dec += gb[a] * delta[a] + P.value_diff_1d(pen, pp, wb[a], delta[a], js[a])
    _line_change(kx, js, nb, delta, xd)
    t = 1.0
    if dec < 0.0:
        for _ in range(30):
            dphi = 0.0
            for i in range(y.shape[0]):
                dphi += D.loss_diff(df, dfp, y[i], z[i], t * xd[i])
            dphi *= inv_n
            for a in range(nb):
                dphi += P.value_diff_1d(pen, pp, wb[a], t * delta[a], js[a])
            if dphi <= 1e-4 * t * dec:
                for a in range(nb):
                    delta[a] *= t
                return True
            t *= 0.5
    return gradient_delta(nb, wb, js, gb, Lblk, pen, pp, delta)
