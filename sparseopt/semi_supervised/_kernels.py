"""Numba kernel: label propagation's harmonic system in one pass over the affinity."""

import numpy as np

from ..utils import njit


@njit(cache=True)
def harmonic_csr(indptr, indices, data, position, labelled, Y_l):
    """``A = (diag(W 1) - W)_UU`` (CSR) and ``B = W_UL Y_l`` from the CSR of ``W``.

    ``position[i]`` is node i's row in ``A`` if unlabelled, else its row in ``Y_l``; self-loops
    and zero weights are skipped. With sorted column indices in ``W``, ``A``'s are sorted.
    """
    n = indptr.shape[0] - 1
    n_u = 0
    nnz = 0
    for i in range(n):
        if labelled[i]:
            continue
        n_u += 1
        nnz += 1  # the diagonal
        for p in range(indptr[i], indptr[i + 1]):
            j = indices[p]
            if j != i and not labelled[j] and data[p] != 0.0:
                nnz += 1
    K = Y_l.shape[1]
    a_ptr = np.zeros(n_u + 1, dtype=np.int64)
    a_ind = np.empty(nnz, dtype=np.int64)
    a_dat = np.empty(nnz)
    B = np.zeros((n_u, K))
    q = 0
    for i in range(n):
        if labelled[i]:
            continue
        r = position[i]
        deg = 0.0
        d_slot = -1
        for p in range(indptr[i], indptr[i + 1]):
            j = indices[p]
            w = data[p]
            if j == i or w == 0.0:
                continue
            deg += w
            if labelled[j]:
                for c in range(K):
                    B[r, c] += w * Y_l[position[j], c]
            else:
                if d_slot < 0 and j > i:  # the diagonal goes before the first larger column
                    d_slot = q
                    q += 1
                a_ind[q] = position[j]
                a_dat[q] = -w
                q += 1
        if d_slot < 0:
            d_slot = q
            q += 1
        a_ind[d_slot] = r
        a_dat[d_slot] = deg
        a_ptr[r + 1] = q
    return a_ptr, a_ind, a_dat, B
