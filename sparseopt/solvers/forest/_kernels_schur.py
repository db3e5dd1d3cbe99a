"""Numba kernels of forest-preconditioned CG on a Schur complement: forest orders, tree
factorisations, fixed-width row storage and the CG iteration itself."""

import numpy as np

from ...utils import njit
from ._kernels_tree import find_root as _find


@njit(cache=True)
def forest_topological_order(indptr, indices, forest):
    """Order every forest of a partition from its roots, as close to index order as possible.

    ``forest[i]`` is the block of node i; the edges inside a block must form a forest. Every
    tree is rooted at its smallest node and its nodes are listed parents first, always taking
    the smallest node available (a heap): on a lattice the order stays close to the natural one,
    which keeps the later sweeps cache friendly. Returns ``(order, parent, bad)``: ``parent[i]``
    is the tree parent of node i (-1 for a root) and ``bad`` the first block found with a cycle
    (-1 if none; ``order`` and ``parent`` are then meaningless).
    """
    n = indptr.shape[0] - 1
    uf = np.arange(n)
    bad = -1
    for i in range(n):
        for p in range(indptr[i], indptr[i + 1]):
            j = indices[p]
            if j > i and forest[j] == forest[i]:
                a = _find(uf, i)
                c = _find(uf, j)
                if a == c:  # the edge closes a cycle inside the block
                    if bad < 0:
                        bad = forest[i]
                elif a < c:
                    uf[c] = a
                else:
                    uf[a] = c
    parent = np.full(n, -1, dtype=np.int64)
    order = np.empty(n, dtype=np.int64)
    if bad >= 0:
        return order, parent, bad
    claimed = np.zeros(n, dtype=np.bool_)
    roots = np.empty(n, dtype=np.int64)  # increasing: merged with the heap of the frontier
    n_roots = 0
    for i in range(n):
        if _find(uf, i) == i:
            roots[n_roots] = i
            n_roots += 1
            claimed[i] = True
    heap = np.empty(n, dtype=np.int64)
    hs = 0
    nxt = 0
    for q in range(n):
        if hs == 0 or (nxt < n_roots and roots[nxt] < heap[0]):
            u = roots[nxt]
            nxt += 1
        else:
            u = heap[0]
            hs -= 1
            last = heap[hs]
            k = 0
            while True:  # sift the last element down from the top
                c = 2 * k + 1
                if c >= hs:
                    break
                if c + 1 < hs and heap[c + 1] < heap[c]:
                    c += 1
                if heap[c] < last:
                    heap[k] = heap[c]
                    k = c
                else:
                    break
            if hs > 0:
                heap[k] = last
        order[q] = u
        fu = forest[u]
        for p in range(indptr[u], indptr[u + 1]):
            v = indices[p]
            if v != u and not claimed[v] and forest[v] == fu:
                claimed[v] = True
                parent[v] = u
                k = hs
                hs += 1
                while k > 0:  # sift up
                    pk = (k - 1) // 2
                    if heap[pk] > v:
                        heap[k] = heap[pk]
                        k = pk
                    else:
                        break
                heap[k] = v
    return order, parent, bad


@njit(cache=True)
def permuted_tree_arrays(indptr, indices, data, perm, inv, parent_old):
    """Diagonal, tree parents and parent couplings of ``A[perm][:, perm]``.

    Roots get themselves as parent (``par[i] == i``), so the tree sweeps need no branch.
    """
    n = perm.shape[0]
    diag = np.zeros(n)
    par = np.empty(n, dtype=np.int32)
    coup = np.zeros(n)
    for i in range(n):
        o = perm[i]
        po = parent_old[o]
        for p in range(indptr[o], indptr[o + 1]):
            j = indices[p]
            if j == o:
                diag[i] += data[p]
            elif j == po:
                coup[i] = data[p]
        par[i] = inv[po] if po >= 0 else i
    return diag, par, coup


@njit(cache=True)
def tree_factor(diag, par, coup, lo, hi, inv_pivot, ratio):
    """Tree Cholesky of the block ``lo .. hi - 1`` (parents before children, ``par[root] == root``).

    Fills ``inv_pivot`` and ``ratio = coupling / pivot`` (0 for roots); returns False if a
    pivot is not positive (the matrix is not positive definite).
    """
    P = diag[lo:hi].copy()
    for i in range(hi - 1, lo - 1, -1):
        pa = par[i]
        if pa != i:
            ratio[i] = coup[i] / P[i - lo]
            P[pa - lo] -= coup[i] * ratio[i]
        else:
            ratio[i] = 0.0
    ok = True
    for i in range(lo, hi):
        if not P[i - lo] > 0.0:
            ok = False
        inv_pivot[i] = 1.0 / P[i - lo]
    return ok


@njit(cache=True)
def ell_rows(indptr, indices, data, perm, inv, lo, hi, c_lo, c_hi, quantile, pad, blk, own):
    """Rows ``lo .. hi - 1`` of ``A[perm][:, perm]`` (``inv`` the inverse permutation)
    restricted to columns ``[c_lo, c_hi)``, as ELLPACK plus overflow. With ``own=False`` the
    columns of the row's own block (``blk``, per new index) are left out.

    The width is the ``quantile`` of the row lengths: fixed-width rows keep the inner loop
    free of unpredictable branches, and the entries beyond it go to a CSR overflow
    ``(rows, ptr, indices, data)``. Padding points at ``pad`` (an index whose value is kept at
    zero) with weight 0. Returns ``(eind, edat, orow, optr, oind, odat)``.
    """
    m = hi - lo
    # the kept entries of every row, once: a compact CSR (tptr, tind, tdat)
    total = 0
    for i in range(lo, hi):
        total += indptr[perm[i] + 1] - indptr[perm[i]]
    tptr = np.zeros(m + 1, dtype=np.int64)
    tind = np.empty(total, dtype=np.int32)
    tdat = np.empty(total)
    q = 0
    for i in range(lo, hi):
        o = perm[i]
        for t in range(indptr[o], indptr[o + 1]):
            j = inv[indices[t]]
            if c_lo <= j < c_hi and (own or blk[j] != blk[i]):
                tind[q] = j
                tdat[q] = data[t]
                q += 1
        tptr[i - lo + 1] = q
    longest = 0
    for r in range(m):
        longest = max(longest, tptr[r + 1] - tptr[r])
    hist = np.zeros(longest + 1, dtype=np.int64)
    for r in range(m):
        hist[tptr[r + 1] - tptr[r]] += 1
    width = 0
    acc = 0
    while width < longest and acc + hist[width] < quantile * m:
        acc += hist[width]
        width += 1
    width = max(width, 1) if m > 0 else 0
    eind = np.full(m * width, pad, dtype=np.int32)
    edat = np.zeros(m * width)
    n_over = 0
    n_rows = 0
    for r in range(m):
        c = tptr[r + 1] - tptr[r]
        if c > width:
            n_over += c - width
            n_rows += 1
    orow = np.empty(n_rows, dtype=np.int64)
    optr = np.zeros(n_rows + 1, dtype=np.int64)
    oind = np.empty(n_over, dtype=np.int32)
    odat = np.empty(n_over)
    k = 0
    for r in range(m):
        lo_r = tptr[r]
        c = tptr[r + 1] - lo_r
        for e in range(min(c, width)):
            eind[r * width + e] = tind[lo_r + e]
            edat[r * width + e] = tdat[lo_r + e]
        if c > width:
            orow[k] = lo + r
            start = optr[k]
            for e in range(c - width):
                oind[start + e] = tind[lo_r + width + e]
                odat[start + e] = tdat[lo_r + width + e]
            optr[k + 1] = start + c - width
            k += 1
    return eind, edat, orow, optr, oind, odat


@njit(cache=True)
def _elim_solve(v, h, E, par, ratio, inv_pivot, ne):
    """``v[:ne] = A_ee^{-1} (h[:ne] - A_es v[ne:])``; leaves ``h[:ne] = 0``.

    ``E`` is the ELL (+ overflow) of the rows of the eliminated forest restricted to the other
    block. The product is fused with the leaves-to-root elimination (nodes in decreasing
    order: children before parents), then one root-to-leaves pass substitutes.
    """
    eind, edat, orow, optr, oind, odat = E
    we = eind.shape[0] // ne if ne > 0 else 0
    for k in range(orow.shape[0]):
        s = 0.0
        for t in range(optr[k], optr[k + 1]):
            s += odat[t] * v[oind[t]]
        h[orow[k]] -= s
    for i in range(ne - 1, -1, -1):
        t = h[i]
        base = i * we
        for c in range(we):
            t -= edat[base + c] * v[eind[base + c]]
        h[i] = t
        h[par[i]] -= ratio[i] * t
    for i in range(ne):
        v[i] = h[i] * inv_pivot[i] - ratio[i] * v[par[i]]
        h[i] = 0.0


@njit(cache=True)
def _schur_product(v, q, S, ne, n):
    """``q[ne:] = A[ne:, :] v`` (that is ``S p`` once ``v[:ne]`` holds the eliminated part);
    returns ``v[ne:] . q[ne:]``."""
    sind, sdat, orow, optr, oind, odat = S
    ns = n - ne
    ws = sind.shape[0] // ns if ns > 0 else 0
    pq = 0.0
    for i in range(ne, n):
        s = 0.0
        base = (i - ne) * ws
        for c in range(ws):
            s += sdat[base + c] * v[sind[base + c]]
        q[i] = s
        pq += v[i] * s
    for k in range(orow.shape[0]):
        s = 0.0
        for t in range(optr[k], optr[k + 1]):
            s += odat[t] * v[oind[t]]
        i = orow[k]
        q[i] += s
        pq += v[i] * s
    return pq


@njit(cache=True)
def _sweep_precondition(r, z, h, C, s_ptr, seq, par, ratio, inv_pivot, ne):
    """``z[ne:n] = M^{-1} r[ne:]``: symmetric block Gauss-Seidel over the forests of ``s``.

    ``z`` has length ``n + 1`` with ``z[n] = 0`` (the padding index of ``C``)."""
    cind, cdat, orow, optr, oind, odat = C
    n = r.shape[0]
    wc = cind.shape[0] // (n - ne) if n > ne else 0
    for i in range(ne, n):
        z[i] = 0.0
    o = 0  # overflow rows are in increasing order: skip to the block's first one
    for k in range(seq.shape[0]):
        f = seq[k]
        lo = s_ptr[f]
        hi = s_ptr[f + 1]
        while o > 0 and orow[o - 1] >= lo:
            o -= 1
        while o < orow.shape[0] and orow[o] < lo:
            o += 1
        o2 = o
        while o2 < orow.shape[0] and orow[o2] < hi:  # couplings beyond the fixed width
            s = 0.0
            for t in range(optr[o2], optr[o2 + 1]):
                s += odat[t] * z[oind[t]]
            h[orow[o2]] -= s
            o2 += 1
        for i in range(hi - 1, lo - 1, -1):
            t = h[i] + r[i]
            base = (i - ne) * wc
            for c in range(wc):
                t -= cdat[base + c] * z[cind[base + c]]
            h[i] = t
            h[par[i]] -= ratio[i] * t
        for i in range(lo, hi):
            z[i] = h[i] * inv_pivot[i] - ratio[i] * z[par[i]]
            h[i] = 0.0


@njit(cache=True)
def _schur_pcg_sweep(E, S, C, s_ptr, seq, par, ratio, inv_pivot, ne, x, v, h, r, z, q, rz,
                     bnorm, tol, max_iter, residuals, objectives, obj):
    """The CG loop of :func:`schur_forest_pcg` when ``s`` holds several forests (``v = z``,
    ``rz = r . z`` from the first preconditioning)."""
    n = r.shape[0]
    it = 0
    for it in range(1, max_iter + 1):
        _elim_solve(v, h, E, par, ratio, inv_pivot, ne)
        pq = _schur_product(v, q, S, ne, n)
        if not pq > 0.0:  # S is not positive definite (nor is A): stop, unconverged
            return it - 1
        alpha = rz / pq
        obj -= 0.5 * alpha * rz
        rr = 0.0
        for i in range(ne, n):
            x[i] += alpha * v[i]
            ri = r[i] - alpha * q[i]
            r[i] = ri
            rr += ri * ri
        residuals[it] = np.sqrt(rr) / bnorm
        objectives[it] = obj
        if residuals[it] <= tol:
            break
        _sweep_precondition(r, z, h, C, s_ptr, seq, par, ratio, inv_pivot, ne)
        rz_new = 0.0
        for i in range(ne, n):
            rz_new += r[i] * z[i]
        beta = rz_new / rz
        rz = rz_new
        for i in range(ne, n):
            v[i] = z[i] + beta * v[i]
    return it


@njit(cache=True)
def schur_forest_pcg(E, S, C, s_ptr, seq, par, ratio, inv_pivot, ne, b, x, tol, max_iter,
                     residuals, objectives):
    """Conjugate gradients on the Schur complement of two forests, preconditioned by a tree solve.

    Nodes ``0 .. ne - 1`` form the eliminated forest ``e``, ``ne .. n - 1`` the kept one ``s``
    (each ordered parents first, ``par``/``ratio``/``inv_pivot`` from :func:`tree_factor`).
    CG runs on ``S x_s = b_s - A_se A_ee^{-1} b_e`` with ``S = A_ss - A_se A_ee^{-1} A_es``
    (one tree solve on ``e`` per product) and the preconditioner ``A_ss^{-1}`` (one tree solve
    on ``s``); then ``x_e = A_ee^{-1} (b_e - A_es x_s)``. If ``s`` is made of several forests
    (``s_ptr``: their bounds; ``C``: the couplings of each ``s`` row to the other ``s``
    forests), the preconditioner is one symmetric block Gauss-Seidel sweep over them in the
    order ``seq`` (each solved exactly), which is symmetric positive definite. The residual of
    ``A x = b`` at ``(x_s, x_e(x_s))`` is the Schur residual, so the stopping rule
    ``||A x - b|| <= tol ||b||`` is exact. ``x`` holds the starting ``x_s`` on entry (its ``e``
    part is ignored) and the solution on exit. ``residuals[k]``/``objectives[k]`` receive the
    relative residual and ``x^T A x / 2 - b^T x`` after iteration ``k``. Returns the
    iterations.
    """
    n = b.shape[0]
    v = np.zeros(n + 1)  # v[:ne]: eliminated part; v[ne:n]: CG direction; v[n] = 0 (padding)
    h = np.zeros(n)      # scratch, zero between sweeps
    r = np.zeros(n)
    z = np.zeros(n + 1)  # z[n] = 0: the padding of the couplings between kept forests
    q = np.zeros(n)
    bs = np.zeros(n)     # the reduced right-hand side b' (s part)
    bnorm = 0.0
    for i in range(n):
        bnorm += b[i] * b[i]
    bnorm = max(np.sqrt(bnorm), 1e-300)
    # y_e = A_ee^{-1} b_e, b' = b_s - A_se y_e, c0 = b_e . y_e
    for i in range(ne):
        h[i] = b[i]
    _elim_solve(v, h, E, par, ratio, inv_pivot, ne)
    c0 = 0.0
    for i in range(ne):
        c0 += b[i] * v[i]
    _schur_product(v, q, S, ne, n)
    for i in range(ne, n):
        bs[i] = b[i] - q[i]
    # r = b' - S x_s
    nonzero = False
    for i in range(ne, n):
        v[i] = x[i]
        if x[i] != 0.0:
            nonzero = True
    rr = 0.0
    xrb = 0.0
    if nonzero:
        _elim_solve(v, h, E, par, ratio, inv_pivot, ne)
        _schur_product(v, q, S, ne, n)
        for i in range(ne, n):
            r[i] = bs[i] - q[i]
    else:
        for i in range(ne, n):
            r[i] = bs[i]
    for i in range(ne, n):
        rr += r[i] * r[i]
        xrb += x[i] * (r[i] + bs[i])
    obj = -0.5 * (xrb + c0)
    residuals[0] = np.sqrt(rr) / bnorm
    objectives[0] = obj
    it = 0
    if residuals[0] > tol:
        # z = M^{-1} r: one tree solve if s is one forest (C is then empty), else the sweep
        _sweep_precondition(r, z, h, C, s_ptr, seq, par, ratio, inv_pivot, ne)
        rz = 0.0
        for i in range(ne, n):
            v[i] = z[i]
            rz += r[i] * z[i]
    if residuals[0] > tol and s_ptr.shape[0] > 2:
        it = _schur_pcg_sweep(E, S, C, s_ptr, seq, par, ratio, inv_pivot, ne, x, v, h, r, z,
                              q, rz, bnorm, tol, max_iter, residuals, objectives, obj)
    elif residuals[0] > tol:
        for it in range(1, max_iter + 1):
            _elim_solve(v, h, E, par, ratio, inv_pivot, ne)
            pq = _schur_product(v, q, S, ne, n)
            if not pq > 0.0:  # S is not positive definite (nor is A): stop, unconverged
                it -= 1
                break
            alpha = rz / pq
            obj -= 0.5 * alpha * rz  # f(x + alpha p) = f(x) - alpha r.z + alpha^2 pq / 2
            rr = 0.0
            rz_new = 0.0
            # x += alpha p, r -= alpha q, fused with the elimination pass of z = A_ss^{-1} r:
            # with A_ss = L D L^T, r.z = sum (L^{-1} r)_i^2 / D_i, known once a node is
            # eliminated, so beta is ready for the substitution pass
            for i in range(n - 1, ne - 1, -1):
                x[i] += alpha * v[i]
                ri = r[i] - alpha * q[i]
                r[i] = ri
                rr += ri * ri
                t = h[i] + ri
                h[i] = t
                h[par[i]] -= ratio[i] * t
                rz_new += t * t * inv_pivot[i]
            residuals[it] = np.sqrt(rr) / bnorm
            objectives[it] = obj
            if residuals[it] <= tol:
                for i in range(ne, n):
                    h[i] = 0.0
                break
            beta = rz_new / rz
            rz = rz_new
            for i in range(ne, n):  # z = A_ss^{-1} r and p = z + beta p in one pass
                zi = h[i] * inv_pivot[i] - ratio[i] * z[par[i]]
                z[i] = zi
                h[i] = 0.0
                v[i] = zi + beta * v[i]
    # x_e = A_ee^{-1} (b_e - A_es x_s)
    for i in range(ne, n):
        v[i] = x[i]
    for i in range(ne):
        h[i] = b[i]
    _elim_solve(v, h, E, par, ratio, inv_pivot, ne)
    for i in range(ne):
        x[i] = v[i]
    return it
