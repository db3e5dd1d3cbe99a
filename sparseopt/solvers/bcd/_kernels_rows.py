"""Row kernels of block coordinate descent: the multinomial loss with a penalty on rows of W.

The coefficients form a matrix ``W`` (features x classes) and the blocks are its rows, each
penalised by a block penalty with a radial prox (the group L2 norm of the row). Conventions
as in :mod:`._kernels_cd`.
"""

import numpy as np

from ...datafits import dispatch as D
from ...penalties import dispatch as P
from ...utils import njit


@njit(cache=True, inline="always")
def _row_gradient(kx, j, R, G):
    """``G = X_j^T R`` (one row of the majoriser's gradient in W)."""
    Xd, data, indices, indptr, is_sparse = kx
    n, K = R.shape
    for c in range(K):
        G[c] = 0.0
    if is_sparse:
        for p in range(indptr[j], indptr[j + 1]):
            i = indices[p]
            for c in range(K):
                G[c] += data[p] * R[i, c]
    else:
        off = j * n
        for i in range(n):
            x = Xd[off + i]
            for c in range(K):
                G[c] += x * R[i, c]


@njit(cache=True, inline="always")
def _row_move(kx, j, U, Z, R, curv):
    """``Z += X_j U^T`` and the majoriser's gradient ``R`` with it (``curv[i]`` is sample
    ``i``'s majoriser curvature ``s_i / (2n)``)."""
    Xd, data, indices, indptr, is_sparse = kx
    n, K = Z.shape
    if is_sparse:
        for p in range(indptr[j], indptr[j + 1]):
            i = indices[p]
            for c in range(K):
                d = data[p] * U[c]
                Z[i, c] += d
                R[i, c] += d * curv[i]
    else:
        off = j * n
        for i in range(n):
            x = Xd[off + i]
            if x != 0.0:
                for c in range(K):
                    d = x * U[c]
                    Z[i, c] += d
                    R[i, c] += d * curv[i]


@njit(cache=True)
def row_epochs(kx, Y, Z, W, b, fit_intercept, Lrow, pen, pp, gw, order, n_epochs, R):
    """Epochs of cyclic row steps (block prox of the row penalty) on Bohning's majoriser.

    The rows of ``Y`` are class indicators times the samples' weights ``s_i = sum_c Y_ic``
    (1 for one-hot rows). Each epoch computes the probabilities ``P = softmax(Z)`` once
    (``n K`` exponentials) and the majoriser of the loss at the current scores,
    ``f(Z0) + <(s P - Y) / n, Z - Z0> + sum_i s_i ||z_i - z0_i||^2 / (4 n)`` (the Hessian of
    sample ``i`` is at most ``s_i I / 2``). Its gradient in ``Z``,
    ``R_i = (s_i p_i - Y_i) / n + s_i (z_i - z0_i) / (2 n)``, is kept current without
    exponentials, and row ``j`` minimises it exactly (its curvature is
    ``L_j = sum_i s_i X_ij^2 / (2n)``): the penalty's radial prox of ``W_j - G_j / L_j`` with
    the row's weight ``gw[j]``; then ``Z += X_j dW_j^T``. The intercept takes the exact step
    ``b -= sum_i R_i / (sum_i s_i / (2n))`` after the rows. The loss never increases (the
    majoriser touches it at the epoch's start). ``R`` is (n, K) scratch.
    """
    n, K = Z.shape
    inv_n = 1.0 / n
    prob = np.empty(K)
    G = np.empty(K)
    U = np.empty(K)
    wt = np.empty(n)
    curv = np.empty(n)
    total = 0.0
    for i in range(n):
        si = 0.0
        for c in range(K):
            si += Y[i, c]
        wt[i] = si
        curv[i] = 0.5 * si * inv_n
        total += curv[i]
    for _ in range(n_epochs):
        for i in range(n):
            D.softmax_row(Z, i, prob)
            for c in range(K):
                R[i, c] = (wt[i] * prob[c] - Y[i, c]) * inv_n
        for t in range(order.shape[0]):
            j = order[t]
            L = Lrow[j]
            if L <= 0.0:
                continue
            _row_gradient(kx, j, R, G)
            nrm = 0.0
            for c in range(K):
                U[c] = W[j, c] - G[c] / L
                nrm += U[c] * U[c]
            scale = P.block_scale(pen, pp, np.sqrt(nrm), 1.0 / L, gw[j])
            moved = False
            for c in range(K):
                new = scale * U[c]
                U[c] = new - W[j, c]
                if U[c] != 0.0:
                    moved = True
                W[j, c] = new
            if moved:
                _row_move(kx, j, U, Z, R, curv)
        if fit_intercept and total > 0.0:
            for c in range(K):
                G[c] = 0.0
            for i in range(n):
                for c in range(K):
                    G[c] += R[i, c]
            for c in range(K):
                step = -G[c] / total
                b[c] += step
                for i in range(n):
                    Z[i, c] += step
                    R[i, c] += step * curv[i]


@njit(cache=True)
def quadratic_row_epochs(kx, Y, Z, W, b, fit_intercept, Lrow, pen, pp, gw, order, n_epochs):
    """Epochs of exact row steps for multi-task least squares ``||Y - Z||^2 / (2n)``,
    ``Z = X W + b``.

    Row ``j`` has gradient ``G = X_j^T (Z - Y) / n`` and exact curvature
    ``L_j = ||X_j||^2 / n``: its step is the penalty's radial prox of ``W_j - G / L_j`` with
    the row's weight ``gw[j]``, then ``Z += X_j dW_j^T``. The intercept takes the exact step
    ``b -= mean(Z - Y)`` (per task) after the rows. The epochs run on the residual
    ``Z - Y`` stored task by task (one contiguous row of length n per task), so that a row's
    gradient is one matrix-vector product and its update one contiguous pass per task;
    ``Z`` is written back at the end.

    Returns the last epoch's largest step residual: ``max_j L_j ||dW_j||`` (the fixed-point
    residual of row ``j`` at the point where the epoch met it) and the norm of the
    intercept's gradient before its step, a by-product of the pass that costs nothing.
    """
    Xd, data, indices, indptr, is_sparse = kx
    n, K = Z.shape
    inv_n = 1.0 / n
    Rt = np.empty((K, n))
    for i in range(n):
        for c in range(K):
            Rt[c, i] = Z[i, c] - Y[i, c]
    G = np.empty(K)
    U = np.empty(K)
    worst = 0.0
    for _ in range(n_epochs):
        worst = 0.0
        for t in range(order.shape[0]):
            j = order[t]
            L = Lrow[j]
            if L <= 0.0:
                continue
            if is_sparse:
                for c in range(K):
                    G[c] = 0.0
                for p in range(indptr[j], indptr[j + 1]):
                    i = indices[p]
                    for c in range(K):
                        G[c] += data[p] * Rt[c, i]
            else:
                G[:] = np.dot(Rt, Xd[j * n:(j + 1) * n])
            nrm = 0.0
            for c in range(K):
                U[c] = W[j, c] - G[c] * inv_n / L
                nrm += U[c] * U[c]
            scale = P.block_scale(pen, pp, np.sqrt(nrm), 1.0 / L, gw[j])
            moved = False
            d2 = 0.0
            for c in range(K):
                new = scale * U[c]
                U[c] = new - W[j, c]
                moved |= U[c] != 0.0
                d2 += U[c] * U[c]
                W[j, c] = new
            if not moved:
                continue
            if L * np.sqrt(d2) > worst:
                worst = L * np.sqrt(d2)
            if is_sparse:
                for p in range(indptr[j], indptr[j + 1]):
                    i = indices[p]
                    for c in range(K):
                        Rt[c, i] += data[p] * U[c]
            else:
                xj = Xd[j * n:(j + 1) * n]
                for c in range(K):
                    u = U[c]
                    if u != 0.0:
                        r = Rt[c]
                        for i in range(n):
                            r[i] += xj[i] * u
        if fit_intercept:
            g2 = 0.0
            for c in range(K):
                s = 0.0
                for i in range(n):
                    s += Rt[c, i]
                step = -s * inv_n
                g2 += step * step
                b[c] += step
                for i in range(n):
                    Rt[c, i] += step
            if np.sqrt(g2) > worst:
                worst = np.sqrt(g2)
    for i in range(n):
        for c in range(K):
            Z[i, c] = Rt[c, i] + Y[i, c]
    return worst
