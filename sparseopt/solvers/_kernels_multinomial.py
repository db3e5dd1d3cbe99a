"""Numba kernels of row-group BCD for the multinomial logistic loss (Bohning row bounds)."""

import numpy as np
from numba import njit


@njit(cache=True)
def _softmax_row(Z, i, out):
    K = Z.shape[1]
    m = Z[i, 0]
    for c in range(1, K):
        if Z[i, c] > m:
            m = Z[i, c]
    s = 0.0
    for c in range(K):
        out[c] = np.exp(Z[i, c] - m)
        s += out[c]
    for c in range(K):
        out[c] /= s


@njit(cache=True)
def multinomial_epochs(Xd, data, indices, indptr, is_sparse, Y, Z, W, b, fit_intercept, Lrow,
                       alpha, order, n_epochs):
    """Cyclic proximal gradient steps on the rows of W (group soft-thresholding).

    Row j moves by the 1/L_j step with ``L_j = ||X_j||^2 / (2n)`` (Bohning's bound on the
    multinomial Hessian), then ``Z += X_j dW_j^T``; the intercept takes a Bohning MM step
    (``b -= 2 grad_b``) after each epoch.
    """
    n, K = Z.shape
    inv_n = 1.0 / n
    P = np.empty(K)
    G = np.empty(K)
    U = np.empty(K)
    for _ in range(n_epochs):
        for t in range(order.shape[0]):
            j = order[t]
            L = Lrow[j]
            if L <= 0.0:
                continue
            for c in range(K):
                G[c] = 0.0
            if is_sparse:
                for p in range(indptr[j], indptr[j + 1]):
                    i = indices[p]
                    _softmax_row(Z, i, P)
                    for c in range(K):
                        G[c] += data[p] * (P[c] - Y[i, c])
            else:
                off = j * n
                for i in range(n):
                    x = Xd[off + i]
                    if x != 0.0:
                        _softmax_row(Z, i, P)
                        for c in range(K):
                            G[c] += x * (P[c] - Y[i, c])
            nrm = 0.0
            for c in range(K):
                U[c] = W[j, c] - G[c] * inv_n / L
                nrm += U[c] * U[c]
            nrm = np.sqrt(nrm)
            thr = alpha / L
            scale = 1.0 - thr / nrm if nrm > thr else 0.0
            moved = False
            for c in range(K):
                new = scale * U[c]
                U[c] = new - W[j, c]
                if U[c] != 0.0:
                    moved = True
                W[j, c] = new
            if moved:
                if is_sparse:
                    for p in range(indptr[j], indptr[j + 1]):
                        i = indices[p]
                        for c in range(K):
                            Z[i, c] += data[p] * U[c]
                else:
                    off = j * n
                    for i in range(n):
                        x = Xd[off + i]
                        if x != 0.0:
                            for c in range(K):
                                Z[i, c] += x * U[c]
        if fit_intercept:
            for c in range(K):
                G[c] = 0.0
            for i in range(n):
                _softmax_row(Z, i, P)
                for c in range(K):
                    G[c] += (P[c] - Y[i, c]) * inv_n
            for c in range(K):
                step = -2.0 * G[c]
                b[c] += step
                for i in range(n):
                    Z[i, c] += step
