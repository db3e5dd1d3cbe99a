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
                       alpha, order, n_epochs, R):
    """Epochs of cyclic row steps (group soft-thresholding) on Bohning's majoriser.

    Each epoch computes the probabilities ``P = softmax(Z)`` once (``n K`` exponentials) and
    the majoriser of the loss at the current scores,
    ``f(Z0) + <(P - Y) / n, Z - Z0> + ||Z - Z0||^2 / (4 n)`` (the multinomial Hessian is at most
    ``I / 2`` per sample). Its gradient in ``Z``, ``R = (P - Y) / n + (Z - Z0) / (2 n)``, is
    kept current without exponentials, and row ``j`` minimises it exactly (its curvature is
    ``L_j = ||X_j||^2 / (2n)``), then ``Z += X_j dW_j^T``; the intercept takes the exact step
    ``b -= 2 sum_i R_i`` after the rows. The loss never increases (the majoriser touches it at
    the epoch's start). ``R`` is (n, K) scratch.
    """
    n, K = Z.shape
    inv_n = 1.0 / n
    inv_2n = 0.5 / n
    P = np.empty(K)
    G = np.empty(K)
    U = np.empty(K)
    for _ in range(n_epochs):
        for i in range(n):
            _softmax_row(Z, i, P)
            for c in range(K):
                R[i, c] = (P[c] - Y[i, c]) * inv_n
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
                    for c in range(K):
                        G[c] += data[p] * R[i, c]
            else:
                off = j * n
                for i in range(n):
                    x = Xd[off + i]
                    for c in range(K):
                        G[c] += x * R[i, c]
            nrm = 0.0
            for c in range(K):
                U[c] = W[j, c] - G[c] / L
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
                            d = data[p] * U[c]
                            Z[i, c] += d
                            R[i, c] += d * inv_2n
                else:
                    off = j * n
                    for i in range(n):
                        x = Xd[off + i]
                        if x != 0.0:
                            for c in range(K):
                                d = x * U[c]
                                Z[i, c] += d
                                R[i, c] += d * inv_2n
        if fit_intercept:
            for c in range(K):
                G[c] = 0.0
            for i in range(n):
                for c in range(K):
                    G[c] += R[i, c]
            for c in range(K):
                step = -2.0 * G[c]
                b[c] += step
                for i in range(n):
                    Z[i, c] += step
                    R[i, c] += step * inv_2n
