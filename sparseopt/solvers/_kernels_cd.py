"""Numba kernels of block coordinate descent (residual form, dense and CSC).

Conventions shared by every kernel
----------------------------------
- ``Xd`` is the dense design flattened in column-major order (``X.ravel(order='F')``, a view of
  a Fortran-ordered X), so column ``j`` is the contiguous slice ``Xd[j*n:(j+1)*n]`` whatever the
  shape (a length-1 dummy when the design is sparse);
  ``data, indices, indptr`` are the CSC arrays (length-1 dummies when dense); ``is_sparse``
  selects the branch once per column operation, so dense and sparse share one compiled signature.
- ``z`` is the linear predictor ``X w + intercept``, updated incrementally (never recomputed).
  For least squares (``df = 0``) the driver passes ``y = 0`` and ``z = Xw + intercept - y`` (the
  negative residual): the loss and its derivatives are unchanged, and a coordinate gradient is
  one BLAS dot product ``X_j^T z`` on dense data.
- ``df`` is the datafit code (0 quadratic, 1 logistic); ``pen`` the penalty code (0 L1,
  1 positive L1); ``alpha = 0`` with ``pen = 0`` is the unpenalised problem.
- Selection codes: 0 cyclic, 1 random, 2 lipschitz, 3 gs, 4 gsl, 5 gsd, 6 gsq.
- Update codes: 0 gradient, 1 matrix, 2 newton.

Nothing here is compiled at import: Numba compiles (or loads from its cache) at first call.
"""

import numpy as np
from numba import njit

SEL_CYCLIC, SEL_RANDOM, SEL_LIPSCHITZ, SEL_GS, SEL_GSL, SEL_GSD, SEL_GSQ = 0, 1, 2, 3, 4, 5, 6
UPD_GRADIENT, UPD_MATRIX, UPD_NEWTON, UPD_TMP = 0, 1, 2, 3


# --------------------------------------------------------------------------- scalar helpers
@njit(cache=True)
def _sigmoid(t):
    if t >= 0.0:
        return 1.0 / (1.0 + np.exp(-t))
    e = np.exp(t)
    return e / (1.0 + e)


@njit(cache=True)
def _log1pexp(t):
    # log(1 + exp(t)), stable
    if t > 0.0:
        return t + np.log1p(np.exp(-t))
    return np.log1p(np.exp(t))


@njit(cache=True)
def _raw_grad_i(df, yi, zi, inv_n):
    if df == 0:
        return (zi - yi) * inv_n
    return -yi * _sigmoid(-yi * zi) * inv_n


@njit(cache=True)
def _raw_hess_i(df, yi, zi, inv_n):
    if df == 0:
        return inv_n
    s = _sigmoid(zi)
    return s * (1.0 - s) * inv_n


@njit(cache=True)
def _loss_i(df, yi, zi):
    if df == 0:
        r = yi - zi
        return 0.5 * r * r
    return _log1pexp(-yi * zi)


@njit(cache=True)
def _loss_diff_i(df, yi, zi, delta):
    """``loss(y_i, z_i + delta) - loss(y_i, z_i)`` without cancellation for small steps.

    Line searches compare these differences, not two rounded objective values, so Armijo tests
    stay meaningful down to decreases far below ``eps * objective``.
    """
    if df == 0:
        r = yi - zi
        return delta * (0.5 * delta - r)
    u = -yi * zi
    e = -yi * delta
    if abs(e) < 1e-3:
        s = _sigmoid(u)
        v = s * (1.0 - s)
        return e * (s + e * (0.5 * v + e * (v * (1.0 - 2.0 * s) / 6.0
                                              + e * v * (1.0 - 6.0 * v) / 24.0)))
    return _log1pexp(u + e) - _log1pexp(u)


@njit(cache=True)
def _prox1(pen, x, t):
    if pen == 1:
        v = x - t
        return v if v > 0.0 else 0.0
    if x > t:
        return x - t
    if x < -t:
        return x + t
    return 0.0


@njit(cache=True)
def _pen1(pen, alpha, x):
    if pen == 1:
        return alpha * x
    return alpha * abs(x)


@njit(cache=True)
def _pen_diff(pen, alpha, wj, dj):
    """``psi(w_j + d_j) - psi(w_j)``, exact (no cancellation) on one linear piece."""
    if pen == 1:
        return alpha * dj
    x = wj + dj
    if wj > 0.0 and x >= 0.0:
        return alpha * dj
    if wj < 0.0 and x <= 0.0:
        return -alpha * dj
    return alpha * (abs(x) - abs(wj))


@njit(cache=True)
def _gsq1(pen, alpha, wj, gj, Lj):
    """Guaranteed decrease of the 1-D prox-gradient step with constant Lj (GS-q score).

    Evaluated without cancellation: when the step stays on one linear piece of the penalty the
    decrease is exactly ``Lj d^2 / 2``; from ``w_j = 0`` it is ``(|g_j| - alpha)_+^2 / (2 Lj)``.
    """
    if Lj <= 0.0:
        return 0.0
    if wj == 0.0:
        v = -gj - alpha if pen == 1 else abs(gj) - alpha
        return 0.5 * v * v / Lj if v > 0.0 else 0.0
    u = _prox1(pen, wj - gj / Lj, alpha / Lj)
    d = u - wj
    if (u > 0.0 and wj > 0.0) or (u < 0.0 and wj < 0.0):
        return 0.5 * Lj * d * d
    q = gj * d + 0.5 * Lj * d * d + _pen1(pen, alpha, u) - _pen1(pen, alpha, wj)
    return -q if q < 0.0 else 0.0


@njit(cache=True)
def _gss1(pen, alpha, wj, gj):
    """Distance of -g_j to the subdifferential of the penalty at w_j (GS-s score)."""
    if pen == 1:
        if wj > 0.0:
            return abs(gj + alpha)
        v = -(gj + alpha)
        return v if v > 0.0 else 0.0
    if wj > 0.0:
        return abs(gj + alpha)
    if wj < 0.0:
        return abs(gj - alpha)
    v = abs(gj) - alpha
    return v if v > 0.0 else 0.0


# --------------------------------------------------------------------------- column helpers
@njit(cache=True)
def _col_grad(is_sparse, Xd, data, indices, indptr, j, y, z, df, inv_n):
    s = 0.0
    if is_sparse:
        for k in range(indptr[j], indptr[j + 1]):
            i = indices[k]
            s += data[k] * _raw_grad_i(df, y[i], z[i], inv_n)
    elif df == 0:
        # least squares: the driver passes y = 0 and z = Xw + b - y (see module docstring)
        n = z.shape[0]
        s = np.dot(Xd[j * n:(j + 1) * n], z) * inv_n
    else:
        n = z.shape[0]
        off = j * n
        for i in range(n):
            s += Xd[off + i] * _raw_grad_i(df, y[i], z[i], inv_n)
    return s


@njit(cache=True)
def _col_axpy(is_sparse, Xd, data, indices, indptr, j, a, v):
    if is_sparse:
        for k in range(indptr[j], indptr[j + 1]):
            v[indices[k]] += a * data[k]
    else:
        n = v.shape[0]
        col = Xd[j * n:(j + 1) * n]
        for i in range(n):
            v[i] += a * col[i]


@njit(cache=True)
def _col_sq_weighted(is_sparse, Xd, data, indices, indptr, j, y, z, df, inv_n):
    s = 0.0
    if is_sparse:
        for k in range(indptr[j], indptr[j + 1]):
            i = indices[k]
            s += data[k] * data[k] * _raw_hess_i(df, y[i], z[i], inv_n)
    else:
        n = z.shape[0]
        off = j * n
        for i in range(n):
            s += Xd[off + i] * Xd[off + i] * _raw_hess_i(df, y[i], z[i], inv_n)
    return s


@njit(cache=True)
def grad_subset(Xd, data, indices, indptr, is_sparse, y, z, df, ws, out):
    """``out[k] = X_{ws[k]}^T f'(z)`` for every position ``k`` of ``ws``."""
    inv_n = 1.0 / y.shape[0]
    for k in range(ws.shape[0]):
        out[k] = _col_grad(is_sparse, Xd, data, indices, indptr, ws[k], y, z, df, inv_n)


@njit(cache=True)
def predict_subset(Xd, data, indices, indptr, is_sparse, w, ws, intercept, out):
    """``out = X[:, ws] @ w[ws] + intercept``."""
    out[:] = intercept
    for k in range(ws.shape[0]):
        j = ws[k]
        if w[j] != 0.0:
            _col_axpy(is_sparse, Xd, data, indices, indptr, j, w[j], out)


@njit(cache=True)
def datafit_value(df, y, z):
    """Datafit value ``(1/n) sum_i loss(y_i, z_i)``."""
    s = 0.0
    for i in range(y.shape[0]):
        s += _loss_i(df, y[i], z[i])
    return s / y.shape[0]


@njit(cache=True)
def _intercept_step(df, y, z, intercept):
    """Exact (quadratic) or backtracked Newton (logistic) step on the intercept; updates z."""
    n = y.shape[0]
    inv_n = 1.0 / n
    g = 0.0
    h = 0.0
    for i in range(n):
        g += _raw_grad_i(df, y[i], z[i], inv_n)
        h += _raw_hess_i(df, y[i], z[i], inv_n)
    if df == 0:
        delta = -g  # h == 1 exactly
    else:
        if h < 1e-12:
            h = 0.25
        delta = -g / h
        for _ in range(40):
            df1 = 0.0
            for i in range(n):
                df1 += _loss_diff_i(df, y[i], z[i], delta)
            if df1 * inv_n <= 1e-4 * delta * g:
                break
            delta *= 0.5
        else:
            delta = 0.0
    for i in range(n):
        z[i] += delta
    intercept[0] += delta


# --------------------------------------------------------------------------- fast cyclic CD
@njit(cache=True)
def cd_epochs(Xd, data, indices, indptr, is_sparse, y, z, w, intercept, fit_intercept,
              ws, L, df, pen, alpha, n_epochs):
    """``n_epochs`` cyclic proximal coordinate-descent epochs over the coordinates ``ws``.

    With ``L_j`` the exact coordinate curvature for the quadratic datafit, each step is the exact
    coordinate minimiser (the 'cyclic' / block_size=1 / 'gradient' combination of BCD).
    """
    inv_n = 1.0 / y.shape[0]
    for _ in range(n_epochs):
        for k in range(ws.shape[0]):
            j = ws[k]
            Lj = L[j]
            if Lj <= 0.0:
                continue
            g = _col_grad(is_sparse, Xd, data, indices, indptr, j, y, z, df, inv_n)
            old = w[j]
            new = _prox1(pen, old - g / Lj, alpha / Lj)
            if new != old:
                w[j] = new
                _col_axpy(is_sparse, Xd, data, indices, indptr, j, new - old, z)
        if fit_intercept:
            _intercept_step(df, y, z, intercept)


# --------------------------------------------------------------------------- block helpers
@njit(cache=True)
def _block_matrix(Xd, data, indices, indptr, is_sparse, js, nb, y, z, df, hessian, curv,
                  H, scratch):
    """H[:nb, :nb] = X_b^T W X_b with W = f''(z) (hessian) or curv/n (bound)."""
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
                wi = _raw_hess_i(df, y[i], z[i], inv_n) if hessian else curv * inv_n
                scratch[i] = data[k] * wi
        else:
            for i in range(n):
                wi = _raw_hess_i(df, y[i], z[i], inv_n) if hessian else curv * inv_n
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
def _lambda_max(H, nb):
    if nb == 1:
        return H[0, 0]
    return np.linalg.eigvalsh(np.ascontiguousarray(H[:nb, :nb]))[-1]


@njit(cache=True)
def _cholesky_solve(H, nb, rhs, out):
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
    if not _cholesky_solve(HF, nf, rhs, dF):
        for i in range(nf):
            hii = HF[i, i]
            dF[i] = rhs[i] / hii if hii > 0.0 else 0.0
    for i in range(nf):
        d[free[i]] = dF[i]


@njit(cache=True)
def block_qp(H, nb, g, wb, pen, alpha, d, max_sweeps=1000):
    """Minimise ``g^T d + d^T H d / 2 + psi(w_b + d) - psi(w_b)`` over ``d`` (size ``nb``).

    Unpenalised blocks use a Cholesky solve; otherwise (or if H is singular) cyclic coordinate
    descent on the block model until ``max |change| <= 1e-12 (1 + max |d|)``.
    """
    if alpha == 0.0 and pen == 0:
        rhs = np.empty(nb)
        for a in range(nb):
            rhs[a] = -g[a]
        if _cholesky_solve(H, nb, rhs, d):
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
            new_x = _prox1(pen, x - grad_a / haa, alpha / haa)
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
def _top_tau(score, m, tau, out):
    """Positions of the ``tau`` largest scores (ties to the lower position); returns count."""
    cnt = 0
    min_k = 0
    for k in range(m):
        s = score[k]
        if cnt < tau:
            out[cnt] = k
            cnt += 1
            if cnt == tau:
                min_k = 0
                for c in range(1, cnt):
                    if score[out[c]] < score[out[min_k]] or (
                        score[out[c]] == score[out[min_k]] and out[c] > out[min_k]
                    ):
                        min_k = c
        elif s > score[out[min_k]]:
            out[min_k] = k
            min_k = 0
            for c in range(1, cnt):
                if score[out[c]] < score[out[min_k]] or (
                    score[out[c]] == score[out[min_k]] and out[c] > out[min_k]
                ):
                    min_k = c
    return cnt


@njit(cache=True)
def _weighted_choice(weights, total):
    u = np.random.random() * total
    acc = 0.0
    last = -1
    for k in range(weights.shape[0]):
        if weights[k] > 0.0:
            last = k
            acc += weights[k]
            if u < acc:
                return k
    return last


@njit(cache=True)
def _col_dot(is_sparse, Xd, data, indices, indptr, j, v):
    s = 0.0
    if is_sparse:
        for k in range(indptr[j], indptr[j + 1]):
            s += data[k] * v[indices[k]]
    else:
        n = v.shape[0]
        s = np.dot(Xd[j * n:(j + 1) * n], v)
    return s


@njit(cache=True)
def block_bounds(Xd, data, indices, indptr, is_sparse, y, z, ws, blk_ptr, blk_pos, curv, out):
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
        _block_matrix(Xd, data, indices, indptr, is_sparse, js, nb, y, z, 0, False, curv, H,
                      scratch)
        for a in range(nb):
            for c in range(nb):
                out[b, a, c] = H[a, c]


@njit(cache=True)
def _gsq_block(H, nb, g, wb, pen, alpha):
    """Decrease guaranteed by minimising the block model with matrix H (GS-q / GSQ score)."""
    d = np.empty(nb)
    if alpha == 0.0 and pen == 0:
        rhs = np.empty(nb)
        for a in range(nb):
            rhs[a] = -g[a]
        if _cholesky_solve(H, nb, rhs, d):
            s = 0.0
            for a in range(nb):
                s -= g[a] * d[a]
            return 0.5 * s
    block_qp(H, nb, g, wb, pen, alpha, d)
    q = 0.0
    for a in range(nb):
        hd = 0.0
        for c in range(nb):
            hd += H[a, c] * d[c]
        q += g[a] * d[a] + 0.5 * d[a] * hd + _pen_diff(pen, alpha, wb[a], d[a])
    return -q if q < 0.0 else 0.0


@njit(cache=True)
def _greedy_block(Xd, data, indices, indptr, is_sparse, ws, gvec, L, curv, inv_n, tau,
                  score, bpos, w, pen, alpha):
    """GSQ with variable blocks: greedy forward selection on the global quadratic model.

    Approximately maximises the decrease of ``g^T d + d^T H d / 2 + psi(w + d) - psi(w)`` over
    ``tau``-sparse ``d`` (H the global bound, ``H_jj = L_j``): starting from ``d = 0``, add
    the coordinate whose proximal 1-D step on the model gradient ``r = g + H d`` decreases
    the model most (the GS-q score at ``r``, so the first pick is GS-L's), then re-minimise
    the model over the chosen coordinates (cyclic proximal coordinate passes with the
    columns of ``H``), and repeat. Unlike the top-``tau`` scores of GS-L this accounts for
    the correlation of the chosen coordinates (orthogonal matching pursuit on the model).
    ``score`` (GS-q at ``g``) pads the block if the model stops decreasing. Costs ``tau``
    passes over the working set's columns.
    """
    m = ws.shape[0]
    d = np.zeros(m)
    r = gvec[:m].copy()
    chosen = np.zeros(m, dtype=np.bool_)
    Hc = np.empty((tau, m))
    t = np.zeros(int(1.0 / inv_n + 0.5))  # one entry per sample
    nb = 0
    for _ in range(tau):
        best = -1
        best_score = 0.0
        for k in range(m):
            if chosen[k]:
                continue
            j = ws[k]
            if L[j] <= 0.0:
                continue
            sk = _gsq1(pen, alpha, w[j] + d[k], r[k], L[j])
            if sk > best_score:
                best_score = sk
                best = k
        if best < 0:
            break
        chosen[best] = True
        bpos[nb] = best
        # column of H for the new coordinate, over the working set
        for i in range(t.shape[0]):
            t[i] = 0.0
        _col_axpy(is_sparse, Xd, data, indices, indptr, ws[best], 1.0, t)
        for k in range(m):
            Hc[nb, k] = curv * inv_n * _col_dot(is_sparse, Xd, data, indices, indptr, ws[k], t)
        nb += 1
        # re-minimise the model over the chosen coordinates
        for _ in range(50):
            moved = 0.0
            for a in range(nb):
                k = bpos[a]
                j = ws[k]
                c = Hc[a, k]
                if c <= 0.0:
                    continue
                new = _prox1(pen, w[j] + d[k] - r[k] / c, alpha / c) - w[j]
                delta = new - d[k]
                if delta != 0.0:
                    d[k] = new
                    for i in range(m):
                        r[i] += delta * Hc[a, i]
                    moved = max(moved, c * delta * delta)
            if moved <= 1e-30:
                break
    if nb < tau:
        order = np.argsort(-score)
        for k in order:
            if nb >= tau:
                break
            if not chosen[k]:
                chosen[k] = True
                bpos[nb] = k
                nb += 1
    return nb


@njit(cache=True)
def bcd_updates(Xd, data, indices, indptr, is_sparse, y, z, w, intercept, fit_intercept,
                ws, blk_ptr, blk_pos, Lb, L, Dg, variable, tau, sel, upd, df, pen, alpha, curv,
                n_updates, seed, G, use_gram, gvec, Hcache):
    """Run ``n_updates`` block updates of BCD restricted to the coordinates ``ws``.

    Fixed partitions are given as ``blk_ptr``/``blk_pos`` (positions into ``ws``) with block
    constants ``Lb``; ``variable=True`` re-chooses ``tau`` coordinates at every update. ``L`` are
    the coordinate constants and ``Dg`` the diagonal bounds used by 'gsd' (both indexed globally).
    With ``use_gram`` (quadratic datafit, no intercept coordinate) ``G = X_ws^T X_ws / n`` keeps
    the working-set gradient ``gvec`` current in O(|ws| tau) per update; otherwise greedy rules
    recompute it from the residual at each update. An epoch is ``ceil(|ws| / tau)`` updates; the
    intercept (if any) is refreshed after every epoch.
    """
    np.random.seed(seed)
    m = ws.shape[0]
    n = y.shape[0]
    inv_n = 1.0 / n
    greedy = sel >= SEL_GS
    if variable:
        n_blocks = (m + tau - 1) // tau
    else:
        n_blocks = blk_ptr.shape[0] - 1
    bpos = np.empty(tau, dtype=np.int64)
    js = np.empty(tau, dtype=np.int64)
    gb = np.empty(tau)
    wb = np.empty(tau)
    delta = np.empty(tau)
    ge = np.empty(tau)
    dirn = np.empty(tau)
    H = np.empty((tau, tau))
    scratch = np.empty(n)
    xd = np.empty(n)
    perm = np.arange(m)
    score = np.zeros(m)
    weights = np.empty(m)
    cum = np.empty(max(n_blocks, 1))
    if not variable and sel == SEL_LIPSCHITZ:
        acc = 0.0
        for b in range(n_blocks):
            acc += Lb[b]
            cum[b] = acc
    if use_gram:
        grad_subset(Xd, data, indices, indptr, is_sparse, y, z, df, ws, gvec)
    have_g = use_gram

    for it in range(n_updates):
        # ------------------------------------------------------------ choose the block
        nb = 0
        blk = -1
        if greedy:
            if not use_gram:
                grad_subset(Xd, data, indices, indptr, is_sparse, y, z, df, ws, gvec)
                have_g = True
            for k in range(m):
                j = ws[k]
                if sel == SEL_GS:
                    score[k] = _gss1(pen, alpha, w[j], gvec[k])
                elif sel == SEL_GSD:
                    score[k] = _gsq1(pen, alpha, w[j], gvec[k], Dg[j])
                elif variable:  # gsl (and gsq padding) with variable blocks: per-coordinate L_j
                    score[k] = _gsq1(pen, alpha, w[j], gvec[k], L[j])
            if variable:
                if sel == SEL_GSQ:
                    nb = _greedy_block(Xd, data, indices, indptr, is_sparse, ws, gvec, L,
                                       curv, inv_n, tau, score, bpos, w, pen, alpha)
                else:
                    nb = _top_tau(score, m, tau, bpos)
            else:
                best = -1.0
                for b in range(n_blocks):
                    s = 0.0
                    if sel == SEL_GSQ:
                        nbk = blk_ptr[b + 1] - blk_ptr[b]
                        for a in range(nbk):
                            k = blk_pos[blk_ptr[b] + a]
                            gb[a] = gvec[k]
                            wb[a] = w[ws[k]]
                        s = _gsq_block(Hcache[b], nbk, gb, wb, pen, alpha)
                    for t in range(blk_ptr[b], blk_ptr[b + 1]):
                        if sel == SEL_GSQ:
                            break
                        k = blk_pos[t]
                        if sel == SEL_GS:
                            s += score[k] * score[k]
                        elif sel == SEL_GSL:
                            s += _gsq1(pen, alpha, w[ws[k]], gvec[k], Lb[b])
                        else:
                            s += score[k]
                    if s > best:
                        best = s
                        blk = b
        elif variable:
            if sel == SEL_CYCLIC:
                pos = it % n_blocks
                if pos == 0:
                    perm = np.random.permutation(m)
                start = pos * tau
                nb = min(tau, m - start)
                for a in range(nb):
                    bpos[a] = perm[start + a]
            elif sel == SEL_RANDOM:
                nb = min(tau, m)
                for a in range(nb):
                    r = a + np.random.randint(m - a)
                    tmp = perm[a]
                    perm[a] = perm[r]
                    perm[r] = tmp
                    bpos[a] = perm[a]
            else:  # lipschitz, without replacement, P(j) proportional to L_j
                total = 0.0
                for k in range(m):
                    weights[k] = L[ws[k]]
                    total += weights[k]
                nb = 0
                for _ in range(min(tau, m)):
                    if total <= 0.0:
                        break
                    k = _weighted_choice(weights, total)
                    bpos[nb] = k
                    nb += 1
                    total -= weights[k]
                    weights[k] = 0.0
        else:
            if sel == SEL_CYCLIC:
                blk = it % n_blocks
            elif sel == SEL_RANDOM:
                blk = np.random.randint(n_blocks)
            else:
                u = np.random.random() * cum[n_blocks - 1]
                blk = np.searchsorted(cum[:n_blocks], u, side="right")
                if blk >= n_blocks:
                    blk = n_blocks - 1
        if blk >= 0:
            nb = blk_ptr[blk + 1] - blk_ptr[blk]
            for a in range(nb):
                bpos[a] = blk_pos[blk_ptr[blk] + a]
        if nb == 0:
            continue
        for a in range(nb):
            js[a] = ws[bpos[a]]
            wb[a] = w[js[a]]
            if have_g:
                gb[a] = gvec[bpos[a]]
            else:
                gb[a] = _col_grad(is_sparse, Xd, data, indices, indptr, js[a], y, z, df, inv_n)

        # ------------------------------------------------------------ block update
        hessian = (upd == UPD_NEWTON or upd == UPD_TMP) and df != 0
        need_H = upd != UPD_GRADIENT or (blk < 0 and nb > 1)
        if need_H:
            if use_gram and not hessian:
                for a in range(nb):
                    for c in range(nb):
                        H[a, c] = curv * G[bpos[a], bpos[c]]
            else:
                _block_matrix(Xd, data, indices, indptr, is_sparse, js, nb, y, z, df, hessian,
                              curv, H, scratch)
        if blk >= 0:
            Lblk = Lb[blk]
        elif nb == 1:
            Lblk = L[js[0]]
        else:
            Lblk = 0.0
            if upd == UPD_GRADIENT or upd == UPD_TMP or hessian:
                if hessian:  # gradient fallback needs the bound, not the Hessian
                    _block_matrix(Xd, data, indices, indptr, is_sparse, js, nb, y, z, df,
                                  False, curv, H, scratch)
                Lblk = _lambda_max(H, nb)
                if hessian:
                    _block_matrix(Xd, data, indices, indptr, is_sparse, js, nb, y, z, df,
                                  True, curv, H, scratch)
        if upd == UPD_GRADIENT:
            if Lblk <= 0.0:
                continue
            for a in range(nb):
                delta[a] = _prox1(pen, wb[a] - gb[a] / Lblk, alpha / Lblk) - wb[a]
        elif upd == UPD_TMP:  # w >= 0 (pen == 1): two-metric direction, projected search
            for a in range(nb):
                ge[a] = gb[a] + alpha
            two_metric_direction(H, nb, ge, wb, dirn)
            t = 1.0
            accepted = False
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
                    for i in range(n):
                        xd[i] = 0.0
                    for a in range(nb):
                        if delta[a] != 0.0:
                            _col_axpy(is_sparse, Xd, data, indices, indptr, js[a], delta[a], xd)
                    dphi = 0.0
                    for i in range(n):
                        dphi += _loss_diff_i(df, y[i], z[i], xd[i])
                    dphi *= inv_n
                    for a in range(nb):
                        dphi += alpha * delta[a]
                    if dphi <= 1e-4 * dec:
                        accepted = True
                        break
                t *= 0.5
            if not accepted:  # fall back to the projected 1/L_b gradient step
                if Lblk <= 0.0:
                    continue
                for a in range(nb):
                    delta[a] = _prox1(pen, wb[a] - gb[a] / Lblk, alpha / Lblk) - wb[a]
        else:
            block_qp(H, nb, gb, wb, pen, alpha, delta)
            if hessian:
                # backtracking (Armijo, c = 1e-4) on the true objective along delta
                dec = 0.0
                for a in range(nb):
                    dec += gb[a] * delta[a] + _pen_diff(pen, alpha, wb[a], delta[a])
                for i in range(n):
                    xd[i] = 0.0
                for a in range(nb):
                    if delta[a] != 0.0:
                        _col_axpy(is_sparse, Xd, data, indices, indptr, js[a], delta[a], xd)
                t = 1.0
                accepted = False
                if dec < 0.0:
                    for _ in range(30):
                        dphi = 0.0
                        for i in range(n):
                            dphi += _loss_diff_i(df, y[i], z[i], t * xd[i])
                        dphi *= inv_n
                        for a in range(nb):
                            dphi += _pen_diff(pen, alpha, wb[a], t * delta[a])
                        if dphi <= 1e-4 * t * dec:
                            accepted = True
                            break
                        t *= 0.5
                if accepted:
                    for a in range(nb):
                        delta[a] *= t
                else:  # fall back to the 1/L_b gradient step
                    if Lblk <= 0.0:
                        continue
                    for a in range(nb):
                        delta[a] = _prox1(pen, wb[a] - gb[a] / Lblk, alpha / Lblk) - wb[a]

        # ------------------------------------------------------------ apply
        for a in range(nb):
            if delta[a] != 0.0:
                w[js[a]] = wb[a] + delta[a]
                _col_axpy(is_sparse, Xd, data, indices, indptr, js[a], delta[a], z)
                if use_gram:
                    pa = bpos[a]
                    for k in range(m):
                        gvec[k] += G[k, pa] * delta[a]
        if not use_gram:
            have_g = False
        if fit_intercept and (it + 1) % n_blocks == 0:
            _intercept_step(df, y, z, intercept)


@njit(cache=True)
def prox_newton_step(Xd, data, indices, indptr, is_sparse, y, z, w, intercept, fit_intercept,
                     ws, df, pen, alpha, max_sweeps, sweep_tol):
    """One proximal Newton step on the coordinates ``ws`` (and the intercept).

    The quadratic model of the datafit at ``z`` (weights ``f''(z)``) plus the penalty is
    minimised by cyclic coordinate descent on the model residual ``v = X_ws d + d_b``, then an
    Armijo backtracking search on the true objective sets the step (glmnet / skglm ProxNewton).
    Returns the number of model sweeps, negated when no step was taken (no descent direction or
    no acceptable step length).
    """
    n = y.shape[0]
    m = ws.shape[0]
    inv_n = 1.0 / n
    raw = np.empty(n)
    h = np.empty(n)
    for i in range(n):
        raw[i] = _raw_grad_i(df, y[i], z[i], inv_n)
        h[i] = _raw_hess_i(df, y[i], z[i], inv_n)
    g = np.empty(m)
    curv = np.empty(m)
    for k in range(m):
        j = ws[k]
        s = 0.0
        c = 0.0
        if is_sparse:
            for t in range(indptr[j], indptr[j + 1]):
                i = indices[t]
                s += data[t] * raw[i]
                c += data[t] * data[t] * h[i]
        else:
            for i in range(n):
                s += Xd[j * n + i] * raw[i]
                c += Xd[j * n + i] * Xd[j * n + i] * h[i]
        g[k] = s
        curv[k] = c
    gb = 0.0
    hb = 0.0
    for i in range(n):
        gb += raw[i]
        hb += h[i]
    d = np.zeros(m)
    db = 0.0
    v = np.zeros(n)
    hv = np.zeros(n)  # h o v, kept current so each model gradient is one (BLAS) dot product
    sweeps = 0
    for sweep in range(max_sweeps):
        sweeps = sweep + 1
        max_change = 0.0
        max_val = 0.0
        for k in range(m):
            if curv[k] <= 1e-300:
                continue
            j = ws[k]
            s = g[k] + _col_dot(is_sparse, Xd, data, indices, indptr, j, hv)
            old = w[j] + d[k]
            new = _prox1(pen, old - s / curv[k], alpha / curv[k])
            change = new - old
            if change != 0.0:
                d[k] += change
                if is_sparse:
                    for t in range(indptr[j], indptr[j + 1]):
                        i = indices[t]
                        v[i] += change * data[t]
                        hv[i] += change * data[t] * h[i]
                else:
                    off = j * n
                    for i in range(n):
                        xi = change * Xd[off + i]
                        v[i] += xi
                        hv[i] += xi * h[i]
                if abs(change) > max_change:
                    max_change = abs(change)
            if abs(new) > max_val:
                max_val = abs(new)
        if fit_intercept and hb > 1e-300:
            s = gb
            for i in range(n):
                s += hv[i]
            change = -s / hb
            db += change
            for i in range(n):
                v[i] += change
                hv[i] += change * h[i]
            if abs(change) > max_change:
                max_change = abs(change)
        if max_change <= sweep_tol * (1.0 + max_val):
            break
    # Armijo backtracking on the true objective
    dec = db * gb
    for k in range(m):
        j = ws[k]
        dec += g[k] * d[k] + _pen_diff(pen, alpha, w[j], d[k])
    if dec >= 0.0:
        return -sweeps
    t = 1.0
    ok = False
    for _ in range(40):
        dphi = 0.0
        for i in range(n):
            dphi += _loss_diff_i(df, y[i], z[i], t * v[i])
        dphi *= inv_n
        for k in range(m):
            j = ws[k]
            dphi += _pen_diff(pen, alpha, w[j], t * d[k])
        if dphi <= 1e-4 * t * dec:
            ok = True
            break
        t *= 0.5
    if not ok:
        return -sweeps
    for k in range(m):
        w[ws[k]] += t * d[k]
    intercept[0] += t * db
    for i in range(n):
        z[i] += t * v[i]
    return sweeps


@njit(cache=True)
def group_cd_epochs(Xd, data, indices, indptr, is_sparse, y, z, w, intercept, fit_intercept,
                    grp_ptr, grp_indices, ws_groups, Lg, gw, df, alpha, n_epochs):
    """Cyclic block coordinate descent over whole groups (blocks = groups) for GroupL2.

    Each step is the 1/L_G proximal gradient step on one group: group soft-thresholding of
    ``w_G - g_G / L_G`` at ``alpha * w_g / L_G`` (w_g the group weight; 0 = unpenalised).
    """
    n = y.shape[0]
    inv_n = 1.0 / n
    max_size = 1
    for g in range(grp_ptr.shape[0] - 1):
        max_size = max(max_size, grp_ptr[g + 1] - grp_ptr[g])
    u = np.empty(max_size)
    for _ in range(n_epochs):
        for t in range(ws_groups.shape[0]):
            g = ws_groups[t]
            L = Lg[g]
            if L <= 0.0:
                continue
            start = grp_ptr[g]
            size = grp_ptr[g + 1] - start
            norm2 = 0.0
            for a in range(size):
                j = grp_indices[start + a]
                gj = _col_grad(is_sparse, Xd, data, indices, indptr, j, y, z, df, inv_n)
                u[a] = w[j] - gj / L
                norm2 += u[a] * u[a]
            norm = np.sqrt(norm2)
            thr = alpha * gw[g] / L
            scale = 0.0
            if norm > thr:
                scale = 1.0 - thr / norm
            for a in range(size):
                j = grp_indices[start + a]
                new = scale * u[a]
                delta = new - w[j]
                if delta != 0.0:
                    w[j] = new
                    _col_axpy(is_sparse, Xd, data, indices, indptr, j, delta, z)
        if fit_intercept:
            _intercept_step(df, y, z, intercept)


@njit(cache=True)
def raw_grad_vec(df, y, z, out):
    """``out = f'(z)`` for the quadratic (df 0) or logistic (df 1) loss, 1/n scaling."""
    inv_n = 1.0 / y.shape[0]
    for i in range(y.shape[0]):
        out[i] = _raw_grad_i(df, y[i], z[i], inv_n)


@njit(cache=True)
def l1_gap_parts(df, pen, alpha, y, y_dual, z, w, grad, raw):
    """Primal value, dual value and dual scaling of an L1 problem at the rescaled residual.

    The same quantities as :func:`sparseopt.utils.gap_from_predictor` for the quadratic and
    logistic datafits with ``L1(alpha, positive=pen == 1)``, in one compiled pass: ``raw`` is
    ``f'(z)``, ``grad = X^T raw``; the dual point is ``theta = -s raw`` with
    ``s = min(1, alpha / dual_norm(-grad))``. Returns ``(primal, dual, s)``.
    """
    n = y.shape[0]
    inv_n = 1.0 / n
    loss = 0.0
    for i in range(n):
        if df == 0:
            r = y[i] - z[i]
            loss += 0.5 * r * r
        else:
            loss += _log1pexp(-y[i] * z[i])
    loss *= inv_n
    pen_val = 0.0
    for j in range(w.shape[0]):
        pen_val += w[j] if pen == 1 else abs(w[j])
    primal = loss + alpha * pen_val
    dn = 0.0
    for j in range(grad.shape[0]):
        v = -grad[j] if pen == 1 else abs(grad[j])
        if j == 0 or v > dn:
            dn = v
    s = 1.0 if dn <= alpha else alpha / dn
    dual = 0.0
    if df == 0:
        sq = 0.0
        for i in range(n):
            th = -s * raw[i]
            dual += y_dual[i] * th
            sq += th * th
        dual -= 0.5 * n * sq
    else:
        for i in range(n):
            q = -n * y_dual[i] * s * raw[i]
            if q < -1e-12 or q > 1.0 + 1e-12:
                return primal, -np.inf, s
            q = min(max(q, 0.0), 1.0)
            if q > 0.0:
                dual -= q * np.log(q)
            if q < 1.0:
                dual -= (1.0 - q) * np.log(1.0 - q)
        dual *= inv_n
    return primal, dual, s


@njit(cache=True)
def gsq_scores(pen, alpha, w, g, L, out):
    """GS-q score of every coordinate (the vectorised :meth:`L1.gsq_score`)."""
    for j in range(w.shape[0]):
        out[j] = _gsq1(pen, alpha, w[j], g[j], L[j])
