"""Coordinate kernels of block coordinate descent (residual form, dense and CSC).

Conventions shared by every kernel of this package
--------------------------------------------------
- ``kx = (Xd, data, indices, indptr, is_sparse)``: ``Xd`` is the dense design flattened in
  column-major order (a view of a Fortran-ordered X), so column ``j`` is the contiguous slice
  ``Xd[j*n:(j+1)*n]`` (a length-1 dummy when the design is sparse); ``data, indices, indptr``
  are the CSC arrays (length-1 dummies when dense). Dense and sparse share one signature.
- ``z`` is the linear predictor ``X w + intercept``, updated incrementally (never recomputed).
  For least squares (``lsq``) the driver passes ``y = 0`` and ``z = Xw + intercept - y`` (the
  negative residual): the loss and its derivatives are unchanged, and a coordinate gradient is
  one BLAS dot product ``X_j^T z`` on dense data.
- ``df, dfp``: the datafit's dispatch code and parameters; ``pen, pp``: the penalty's. The
  math of both is reached only through :mod:`sparseopt.datafits.dispatch` and
  :mod:`sparseopt.penalties.dispatch`.

Nothing here is compiled at import: Numba compiles (or loads from its cache) at first call.
"""

import numpy as np

from ...datafits import dispatch as D
from ...penalties import dispatch as P
from ...utils import njit


# --------------------------------------------------------------------------- columns
@njit(cache=True, inline="always")
def col_grad(kx, j, y, z, df, dfp, lsq, inv_n):
    """``X_j^T f'(z)`` with ``f'(z)_i = loss'(y_i, z_i) / n``."""
    Xd, data, indices, indptr, is_sparse = kx
    s = 0.0
    if is_sparse:
        for k in range(indptr[j], indptr[j + 1]):
            i = indices[k]
            s += data[k] * (D.loss_grad(df, dfp, y[i], z[i]) * inv_n)
    elif lsq:
        # least squares: the driver passes y = 0 and z = Xw + b - y (see module docstring)
        n = z.shape[0]
        s = np.dot(Xd[j * n:(j + 1) * n], z) * inv_n
    else:
        n = z.shape[0]
        off = j * n
        for i in range(n):
            s += Xd[off + i] * (D.loss_grad(df, dfp, y[i], z[i]) * inv_n)
    return s


@njit(cache=True, inline="always")
def col_axpy(kx, j, a, v):
    """``v += a X_j``."""
    Xd, data, indices, indptr, is_sparse = kx
    if is_sparse:
        for k in range(indptr[j], indptr[j + 1]):
            v[indices[k]] += a * data[k]
    else:
        n = v.shape[0]
        col = Xd[j * n:(j + 1) * n]
        for i in range(n):
            v[i] += a * col[i]


@njit(cache=True, inline="always")
def col_dot(kx, j, v):
    """``X_j^T v``."""
    Xd, data, indices, indptr, is_sparse = kx
    s = 0.0
    if is_sparse:
        for k in range(indptr[j], indptr[j + 1]):
            s += data[k] * v[indices[k]]
    else:
        n = v.shape[0]
        s = np.dot(Xd[j * n:(j + 1) * n], v)
    return s


@njit(cache=True, inline="always")
def grad_state(df, dfp, lsq, y, z):
    """The vector column gradients are dot products with: ``z`` itself for least squares
    (the residual form), else ``u = loss'(y, z)``, a copy that :func:`col_step` keeps
    current (so a coordinate that does not move costs one dot product, and the loss
    derivatives are recomputed only on the rows a step touches)."""
    if lsq:
        return z
    u = np.empty_like(z)
    D.grad_fill(df, dfp, y, z, u)
    return u


@njit(cache=True, inline="always")
def col_step(kx, j, a, y, z, u, df, dfp, lsq):
    """``z += a X_j`` and, unless least squares (``u`` is ``z``), ``u = loss'(y, z)`` on the
    rows of ``X_j``."""
    col_axpy(kx, j, a, z)
    if lsq:
        return
    Xd, data, indices, indptr, is_sparse = kx
    if is_sparse:
        for k in range(indptr[j], indptr[j + 1]):
            i = indices[k]
            u[i] = D.loss_grad(df, dfp, y[i], z[i])
    else:
        D.grad_fill(df, dfp, y, z, u)


# the same three operations as compiled functions, for the block kernels: they use them at many
# call sites where a call costs little next to the block work (and inlining would cost compile
# time at each site)
@njit(cache=True)
def column_grad(kx, j, y, z, df, dfp, lsq, inv_n):
    """:func:`col_grad`, not inlined."""
    return col_grad(kx, j, y, z, df, dfp, lsq, inv_n)


@njit(cache=True)
def column_axpy(kx, j, a, v):
    """:func:`col_axpy`, not inlined."""
    col_axpy(kx, j, a, v)


@njit(cache=True)
def column_dot(kx, j, v):
    """:func:`col_dot`, not inlined."""
    return col_dot(kx, j, v)


@njit(cache=True)
def grad_subset(kx, y, z, df, dfp, lsq, ws, out):
    """``out[k] = X_{ws[k]}^T f'(z)`` for every position ``k`` of ``ws``."""
    inv_n = 1.0 / y.shape[0]
    u = grad_state(df, dfp, lsq, y, z)
    for k in range(ws.shape[0]):
        out[k] = col_dot(kx, ws[k], u) * inv_n


@njit(cache=True)
def predict_subset(kx, w, ws, intercept, out):
    """``out = X[:, ws] @ w[ws] + intercept``."""
    out[:] = intercept
    for k in range(ws.shape[0]):
        j = ws[k]
        if w[j] != 0.0:
            col_axpy(kx, j, w[j], out)


@njit(cache=True, fastmath={"reassoc"})
def weighted_sq_norms(kx, h, out):
    """``out[j] = sum_i h_i X_ij^2`` (the coordinate curvatures ``X_j^T diag(h) X_j``); the
    sums may be reassociated (vectorised), so they agree with any other order to rounding."""
    Xd, data, indices, indptr, is_sparse = kx
    for j in range(out.shape[0]):
        s = 0.0
        if is_sparse:
            for k in range(indptr[j], indptr[j + 1]):
                x = data[k]
                s += x * x * h[indices[k]]
        else:
            n = h.shape[0]
            off = j * n
            for i in range(n):
                x = Xd[off + i]
                s += x * x * h[i]
        out[j] = s


@njit(cache=True)
def raw_grad_vec(df, dfp, y, z, out):
    """``out = f'(z)``, i.e. ``loss'(y_i, z_i) / n``."""
    D.grad_fill(df, dfp, y, z, out)
    out *= 1.0 / y.shape[0]


@njit(cache=True)
def intercept_step(df, dfp, lsq, curv, y, z, intercept):
    """Exact (least squares) or backtracked Newton step on the intercept; updates ``z``."""
    n = y.shape[0]
    inv_n = 1.0 / n
    g = 0.0
    h = 0.0
    for i in range(n):
        g += D.loss_grad(df, dfp, y[i], z[i]) * inv_n
        h += D.loss_hess(df, dfp, y[i], z[i]) * inv_n
    if lsq:
        delta = -g  # loss'' = 1: the exact minimiser
    else:
        if h < 1e-12:
            h = curv
        delta = -g / h
        for _ in range(40):
            df1 = 0.0
            for i in range(n):
                df1 += D.loss_diff(df, dfp, y[i], z[i], delta)
            if df1 * inv_n <= 1e-4 * delta * g:
                break
            delta *= 0.5
        else:
            delta = 0.0
    for i in range(n):
        z[i] += delta
    intercept[0] += delta


# --------------------------------------------------------------------------- scores, gap
@njit(cache=True)
def gsq_scores(pen, pp, w, g, L, out):
    """GS-q score of every coordinate (the penalty's ``gsq_1d``)."""
    for j in range(w.shape[0]):
        out[j] = P.gsq_1d(pen, pp, w[j], g[j], L[j], j)


@njit(cache=True)
def fixed_point_scores(pen, pp, w, g, L, out):
    """``out[j] = L_j |prox(w_j - g_j / L_j, 1 / L_j) - w_j|`` (0 where ``L_j <= 0``): each
    coordinate's part of :func:`fixed_point_violation`."""
    for j in range(w.shape[0]):
        Lj = L[j]
        out[j] = (Lj * abs(P.prox_1d(pen, pp, w[j] - g[j] / Lj, 1.0 / Lj, j) - w[j])
                  if Lj > 0.0 else 0.0)


@njit(cache=True)
def fixed_point_violation(pen, pp, w, g, L, idx):
    """``max_k L_j |prox(w_j - g_k / L_j, 1 / L_j) - w_j|`` over ``j = idx[k]`` with
    ``L_j > 0``: the stationarity measure of penalties without a duality gap (zero exactly at
    the fixed points of coordinate descent), in the units of a gradient."""
    worst = 0.0
    for k in range(idx.shape[0]):
        j = idx[k]
        Lj = L[j]
        if Lj <= 0.0:
            continue
        v = Lj * abs(P.prox_1d(pen, pp, w[j] - g[k] / Lj, 1.0 / Lj, j) - w[j])
        if v > worst:
            worst = v
    return worst


@njit(cache=True)
def group_fixed_point_violation(pen, pp, w, g, grp_ptr, grp_indices, groups, Lg, gw):
    """The block version: ``max L_G ||block_prox(w_G - g_G / L_G) - w_G||`` over ``groups``
    (``g`` indexed like ``w``)."""
    worst = 0.0
    for t in range(groups.shape[0]):
        k = groups[t]
        L = Lg[k]
        if L <= 0.0:
            continue
        positive = P.block_positive(pen, pp)
        norm2 = 0.0
        for a in range(grp_ptr[k], grp_ptr[k + 1]):
            j = grp_indices[a]
            u = w[j] - g[j] / L
            if positive and u < 0.0:
                u = 0.0
            norm2 += u * u
        scale = P.block_scale(pen, pp, np.sqrt(norm2), 1.0 / L, gw[k])
        d2 = 0.0
        for a in range(grp_ptr[k], grp_ptr[k + 1]):
            j = grp_indices[a]
            u = w[j] - g[j] / L
            if positive and u < 0.0:
                u = 0.0
            d = scale * u - w[j]
            d2 += d * d
        v = L * np.sqrt(d2)
        if v > worst:
            worst = v
    return worst


@njit(cache=True)
def objective_value(df, dfp, pen, pp, y, z, w):
    """``F(z) + Psi(w)`` for a separable penalty: ``(1/n) sum_i loss(y_i, z_i) + sum_j
    psi_j(w_j)`` (``w`` in the penalty's domain), in one compiled pass."""
    value = D.value_sum(df, dfp, y, z) / y.shape[0]
    for j in range(w.shape[0]):
        if w[j] != 0.0:
            value += P.value_1d(pen, pp, w[j], j)
    return value


@njit(cache=True)
def gap_parts(df, dfp, pen, pp, y, y_dual, z, w, grad, raw):
    """Primal value, dual value and dual scaling at the rescaled residual dual point.

    The quantities of :func:`sparseopt.utils.gap_from_predictor` for a separable penalty with
    a duality gap, in one compiled pass: ``raw = f'(z)``, ``grad = X^T raw``; the dual point
    is ``theta = -s raw`` with ``s = min(1, 1 / max_j dual_norm_1d(-grad_j))`` and the dual
    value ``-(1/n) sum_i loss^*(y_i, -n theta_i) - sum_j psi_j^*(-s grad_j)`` (the penalty's
    part is zero for a norm, whose conjugate is the indicator of the rescaled dual ball).
    Returns ``(primal, dual, s)``.
    """
    n = y.shape[0]
    inv_n = 1.0 / n
    primal = D.value_sum(df, dfp, y, z) * inv_n
    for j in range(w.shape[0]):
        primal += P.value_1d(pen, pp, w[j], j)
    dn = 0.0
    for j in range(grad.shape[0]):
        v = P.dual_norm_1d(pen, pp, -grad[j], j)
        if j == 0 or v > dn:
            dn = v
    s = 1.0 if dn <= 1.0 else 1.0 / dn
    dual = 0.0
    for i in range(n):
        c = D.loss_conjugate(df, dfp, y_dual[i], n * s * raw[i])
        if c == np.inf:
            return primal, -np.inf, s
        dual -= c
    dual *= inv_n
    for j in range(grad.shape[0]):
        dual -= P.conjugate_1d(pen, pp, -s * grad[j], j)
    return primal, dual, s


# --------------------------------------------------------------------------- epochs
@njit(cache=True)
def cd_epochs(kx, y, z, w, intercept, fit_intercept, ws, L, parts, n_epochs, mu, rec):
    """``n_epochs`` cyclic proximal coordinate-descent epochs over the coordinates ``ws``;
    ``w[ws]`` after epoch ``e`` is written to ``rec[e]`` when ``rec`` has ``n_epochs`` rows
    (the iterates Anderson extrapolation combines; pass a ``(0, 0)`` array otherwise).

    ``parts = (df, dfp, lsq, pen, pp, smooth, curv)``. With ``L_j`` the exact coordinate
    curvature for least squares each step is the exact coordinate minimiser (the 'cyclic' /
    block_size=1 / 'gradient' combination of BCD).

    Implicit centring (least squares with an intercept, ``mu`` the column means, empty
    otherwise): the intercept is kept at its optimum ``mean(y) - mu^T w`` after every
    coordinate step, which is coordinate descent on the centred columns ``X_j - mu_j`` (an
    exact change of variables; ``L`` must then be their curvatures). A step ``w_j += a``
    moves the intercept by ``-a mu_j``: that uniform shift of the residual is carried as one
    scalar ``c`` (the residual is ``z + c``), so a step costs ``O(nnz)`` of its column and the
    shift is applied to ``z`` once per epoch.
    """
    df, dfp, lsq, pen, pp, smooth, curv = parts
    inv_n = 1.0 / y.shape[0]
    centred = fit_intercept and lsq and mu.shape[0] > 0
    record = rec.shape[0] == n_epochs
    u = grad_state(df, dfp, lsq, y, z)
    for e in range(n_epochs):
        c = 0.0
        for k in range(ws.shape[0]):
            j = ws[k]
            Lj = L[j]
            if Lj <= 0.0:
                continue
            g = col_dot(kx, j, u) * inv_n
            if centred:
                g += c * mu[j]  # X_j^T (z + c) / n, and sum(z + c) = 0 at the optimal b
            old = w[j]
            new = P.prox_1d(pen, pp, old - g / Lj, 1.0 / Lj, j)
            if new != old:
                w[j] = new
                col_step(kx, j, new - old, y, z, u, df, dfp, lsq)
                if centred:
                    c -= (new - old) * mu[j]
        if centred and c != 0.0:
            for i in range(z.shape[0]):
                z[i] += c
            intercept[0] += c
        if fit_intercept:
            intercept_step(df, dfp, lsq, curv, y, z, intercept)
            if not lsq:
                D.grad_fill(df, dfp, y, z, u)
        if record:
            for k in range(ws.shape[0]):
                rec[e, k] = w[ws[k]]


@njit(cache=True)
def group_cd_epochs(kx, y, z, w, intercept, fit_intercept, grp_ptr, grp_indices, ws_groups, Lg,
                    gw, parts, n_epochs, features, rec):
    """Cyclic block coordinate descent over whole groups (blocks = groups).

    Each step is the ``1/L_G`` proximal gradient step on one group: the penalty's radial
    block prox (``block_scale``) of ``w_G - g_G / L_G`` with the group weight ``gw[g]``.
    ``w[features]`` after epoch ``e`` is written to ``rec[e]`` when ``rec`` has ``n_epochs``
    rows (as in :func:`cd_epochs`; pass a ``(0, 0)`` array otherwise).
    """
    df, dfp, lsq, pen, pp, smooth, curv = parts
    inv_n = 1.0 / y.shape[0]
    max_size = 1
    for g in range(grp_ptr.shape[0] - 1):
        max_size = max(max_size, grp_ptr[g + 1] - grp_ptr[g])
    u = np.empty(max_size)
    positive = P.block_positive(pen, pp)
    v = grad_state(df, dfp, lsq, y, z)
    record = rec.shape[0] == n_epochs
    for e in range(n_epochs):
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
                gj = col_dot(kx, j, v) * inv_n
                u[a] = w[j] - gj / L
                if positive and u[a] < 0.0:
                    u[a] = 0.0
                norm2 += u[a] * u[a]
            scale = P.block_scale(pen, pp, np.sqrt(norm2), 1.0 / L, gw[g])
            for a in range(size):
                j = grp_indices[start + a]
                new = scale * u[a]
                delta = new - w[j]
                if delta != 0.0:
                    w[j] = new
                    col_step(kx, j, delta, y, z, v, df, dfp, lsq)
        if fit_intercept:
            intercept_step(df, dfp, lsq, curv, y, z, intercept)
            if not lsq:
                D.grad_fill(df, dfp, y, z, v)
        if record:
            for k in range(features.shape[0]):
                rec[e, k] = w[features[k]]
