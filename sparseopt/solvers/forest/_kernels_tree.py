"""Numba kernels for forest blocks of a sparse symmetric matrix: growth, orders, tree solves,
and CG preconditioned by symmetric forest sweeps."""

import numpy as np

from ...utils import njit


@njit(cache=True)
def find_root(parent, i):
    while parent[i] != i:
        parent[i] = parent[parent[i]]  # path halving
        i = parent[i]
    return i


@njit(cache=True)
def _try_join(indptr, indices, i, member, k, uf, roots):
    """Join node i to the forest whose nodes have ``member[j] == k`` if no cycle closes.

    The neighbours of i already in the forest must lie in pairwise distinct union-find
    components; then they are merged with i. Returns True if i joined.
    """
    cnt = 0
    for p in range(indptr[i], indptr[i + 1]):
        j = indices[p]
        if j == i or member[j] != k:
            continue
        r = find_root(uf, j)
        for q in range(cnt):
            if roots[q] == r:
                return False
        roots[cnt] = r
        cnt += 1
    for q in range(cnt):
        uf[find_root(uf, roots[q])] = i
    return True


@njit(cache=True)
def grow_forests(indptr, indices, order, max_size):
    """Assign every node (in ``order``) to the first forest it keeps acyclic.

    A node may join forest k iff its neighbours already in k lie in pairwise distinct
    components of k (otherwise an edge would close a cycle). Returns ``forest_id`` (n,).
    ``max_size`` caps the forest size (<= 0: no cap).
    """
    n = indptr.shape[0] - 1
    forest = np.full(n, -1, dtype=np.int64)
    uf = np.arange(n)
    sizes = np.zeros(n + 1, dtype=np.int64)
    n_forests = 0
    roots = np.empty(n, dtype=np.int64)
    for t in range(order.shape[0]):
        i = order[t]
        placed = False
        for k in range(n_forests + 1):
            if k == n_forests:
                n_forests += 1
            if max_size > 0 and sizes[k] >= max_size:
                continue
            if _try_join(indptr, indices, i, forest, k, uf, roots):
                forest[i] = k
                sizes[k] += 1
                placed = True
                break
        if not placed:  # unreachable: a new forest always accepts the node
            forest[i] = n_forests
            n_forests += 1
    return forest


@njit(cache=True)
def tree_orders(indptr, indices, data, block, in_block):
    """BFS order, parent position and parent coupling of the forest induced by ``block``.

    ``in_block[j]`` is the position of node j in ``block`` (or -1). Returns (order, parent,
    coupling) over block positions; roots have parent -1. Raises if the block has a cycle.
    """
    m = block.shape[0]
    order = np.empty(m, dtype=np.int64)
    parent = np.full(m, -2, dtype=np.int64)
    coupling = np.zeros(m)
    head = 0
    tail = 0
    n_edges = 0
    for a in range(m):
        i = block[a]
        for p in range(indptr[i], indptr[i + 1]):
            j = indices[p]
            if j != i and in_block[j] >= 0:
                n_edges += 1
    n_edges //= 2
    n_comp = 0
    for start in range(m):
        if parent[start] != -2:
            continue
        n_comp += 1
        parent[start] = -1
        order[tail] = start
        tail += 1
        while head < tail:
            a = order[head]
            head += 1
            i = block[a]
            for p in range(indptr[i], indptr[i + 1]):
                j = indices[p]
                c = in_block[j] if j != i else -1
                if c >= 0 and parent[c] == -2:
                    parent[c] = a
                    coupling[c] = data[p]
                    order[tail] = c
                    tail += 1
    if n_edges != m - n_comp:
        raise ValueError("block is not a forest: its induced graph has a cycle")
    return order, parent, coupling


@njit(cache=True)
def forest_update(indptr, indices, data, diag, block, order, parent, coupling, x, g):
    """Exact minimisation of 1/2 x^T A x - b^T x over the block (a forest) in O(|block|).

    Gaussian elimination from the leaves to the roots, then back-substitution; ``g = A x - b``
    is kept current (A symmetric).
    """
    m = block.shape[0]
    P = np.empty(m)
    h = np.empty(m)
    for a in range(m):
        P[a] = diag[block[a]]
        h[a] = -g[block[a]]
    for t in range(m - 1, -1, -1):
        a = order[t]
        pa = parent[a]
        if pa >= 0:
            c = coupling[a]
            P[pa] -= c * c / P[a]
            h[pa] -= c * h[a] / P[a]
    delta = np.empty(m)
    for t in range(m):
        a = order[t]
        pa = parent[a]
        if pa < 0:
            delta[a] = h[a] / P[a]
        else:
            delta[a] = (h[a] - coupling[a] * delta[pa]) / P[a]
    for a in range(m):
        i = block[a]
        d = delta[a]
        if d != 0.0:
            x[i] += d
            for p in range(indptr[i], indptr[i + 1]):
                g[indices[p]] += data[p] * d


@njit(cache=True)
def forest_scores(block_ptr, block_nodes, g, diag):
    """GSL-type score ``sum_b g_j^2 / A_jj`` of every block."""
    nb = block_ptr.shape[0] - 1
    out = np.zeros(nb)
    for b in range(nb):
        s = 0.0
        for t in range(block_ptr[b], block_ptr[b + 1]):
            j = block_nodes[t]
            s += g[j] * g[j] / diag[j]
        out[b] = s
    return out


@njit(cache=True)
def grow_one_forest(indptr, indices, order, max_size, uf, in_forest):
    """Greedy maximal forest: nodes in ``order`` join unless they would close a cycle.

    ``uf`` (n,) and ``in_forest`` (n, int64: 1 inside the forest) are scratch arrays reset by
    the caller. Returns the
    forest's nodes in insertion order (a prefix-closed greedy selection: the paper's greedy tree).
    """
    n = order.shape[0]
    nodes = np.empty(n, dtype=np.int64)
    roots = np.empty(n, dtype=np.int64)
    cnt_nodes = 0
    for t in range(n):
        i = order[t]
        if max_size > 0 and cnt_nodes >= max_size:
            break
        if _try_join(indptr, indices, i, in_forest, 1, uf, roots):
            in_forest[i] = 1
            nodes[cnt_nodes] = i
            cnt_nodes += 1
    return nodes[:cnt_nodes]


@njit(cache=True)
def greedy_coloring(indptr, indices, order):
    """Nodes in ``order`` take the least-used colour absent from their neighbours."""
    n = indptr.shape[0] - 1
    color = np.full(n, -1, dtype=np.int64)
    used = np.zeros(n + 1, dtype=np.int64)
    n_colors = 0
    banned = np.zeros(n + 1, dtype=np.bool_)
    for t in range(order.shape[0]):
        i = order[t]
        for p in range(indptr[i], indptr[i + 1]):
            j = indices[p]
            if j != i and color[j] >= 0:
                banned[color[j]] = True
        best = -1
        for k in range(n_colors):
            if not banned[k] and (best < 0 or used[k] < used[best]):
                best = k
        if best < 0:
            best = n_colors
            n_colors += 1
        color[i] = best
        used[best] += 1
        for p in range(indptr[i], indptr[i + 1]):
            j = indices[p]
            if j != i and color[j] >= 0:
                banned[color[j]] = False
    return color


@njit(cache=True)
def forest_factor(diag, block_ptr, orders, parents, couplings):
    """Tree Cholesky of every contiguous forest block: ``(inv_pivot, ratio)`` per node.

    Elimination from the leaves: ``P_parent -= a^2 / P``; ``ratio = a / P`` (``a`` the coupling
    to the parent). The pivots depend on ``A`` only, so repeated solves reuse them.
    """
    n = diag.shape[0]
    P = diag.copy()
    inv_pivot = np.empty(n)
    ratio = np.zeros(n)
    for k in range(block_ptr.shape[0] - 1):
        lo = block_ptr[k]
        hi = block_ptr[k + 1]
        for t in range(hi - 1, lo - 1, -1):
            a = orders[t] + lo
            pa = parents[orders[t] + lo]
            if pa >= 0:
                ratio[a] = couplings[a] / P[a]
                P[pa + lo] -= couplings[a] * ratio[a]
        for i in range(lo, hi):
            inv_pivot[i] = 1.0 / P[i]
    return inv_pivot, ratio


@njit(cache=True)
def _contiguous_tree_solve(indptr, indices, data, lo, hi, orders, parents, couplings, inv_pivot,
                           ratio, z, g, h, update_g):
    """Exact block solve ``A_bb d = -g_b`` for the forest on nodes ``lo .. hi - 1`` (factored).

    ``z_b += d``; with ``update_g`` the gradient ``g = A z - r`` of the *other* blocks is kept
    current through ``(indptr, indices, data)``, the couplings between different blocks only
    (the exact solve sets ``g_b`` to zero). The last block of
    a sweep skips it. ``h`` is scratch of length n.
    """
    for i in range(lo, hi):
        h[i] = -g[i]
    for t in range(hi - 1, lo - 1, -1):
        a = orders[t] + lo
        pa = parents[a]
        if pa >= 0:
            h[pa + lo] -= ratio[a] * h[a]
    for t in range(lo, hi):
        a = orders[t] + lo
        pa = parents[a]
        if pa < 0:
            h[a] = h[a] * inv_pivot[a]
        else:
            h[a] = (h[a] - couplings[a] * h[pa + lo]) * inv_pivot[a]
    for i in range(lo, hi):
        d = h[i]
        z[i] += d
        if update_g:
            g[i] = 0.0  # the exact block solve zeroes the block's own gradient
            if d != 0.0:
                for p in range(indptr[i], indptr[i + 1]):
                    g[indices[p]] += data[p] * d


@njit(cache=True)
def forest_pcg(indptr, indices, data, off_indptr, off_indices, off_data, b, x, block_ptr, orders,
               parents, couplings, inv_pivot, ratio, seq, tol, max_iter, residuals, objectives):
    """Conjugate gradients on ``A x = b`` preconditioned by one symmetric forest sweep.

    The nodes are numbered so that every forest block is a run of consecutive nodes
    (``block_ptr``), ``(indptr, indices, data)`` is ``A`` in CSR and ``off_*`` its entries
    between different blocks; ``orders``/``parents``/``couplings`` are the blocks' tree orders
    concatenated (positions relative to the block start) and ``inv_pivot``/``ratio`` their
    factorisation (:func:`forest_factor`). The preconditioner ``z = M^{-1} r``
    is block Gauss-Seidel on ``A z = r`` from ``z = 0`` over the blocks in ``seq`` (forward then
    backward: symmetric, so ``M`` is symmetric positive definite), each block solved exactly by
    message passing. Stops at ``||b - A x|| <= tol ||b||``; ``residuals[k]`` and
    ``objectives[k]`` receive the relative residual and ``x^T A x / 2 - b^T x`` after iteration
    ``k`` (arrays of length ``max_iter + 1``). Returns the iterations.
    """
    n = b.shape[0]
    h = np.empty(n)
    r = np.empty(n)
    z = np.empty(n)
    g = np.empty(n)
    p = np.empty(n)
    q = np.empty(n)
    bnorm = 0.0
    for i in range(n):
        bnorm += b[i] * b[i]
    bnorm = max(np.sqrt(bnorm), 1e-300)
    rr = 0.0
    obj = 0.0
    for i in range(n):  # r = b - A x
        s = b[i]
        for t in range(indptr[i], indptr[i + 1]):
            s -= data[t] * x[indices[t]]
        r[i] = s
        rr += s * s
        obj -= 0.5 * x[i] * (s + b[i])  # x^T A x / 2 - b^T x = -x^T (r + b) / 2
    residuals[0] = np.sqrt(rr) / bnorm
    objectives[0] = obj
    if residuals[0] <= tol:
        return 0
    rz_old = 0.0
    for it in range(1, max_iter + 1):
        for i in range(n):
            z[i] = 0.0
            g[i] = -r[i]
        ns = seq.shape[0]
        for s_idx in range(ns):
            k = seq[s_idx]
            lo = block_ptr[k]
            hi = block_ptr[k + 1]
            _contiguous_tree_solve(off_indptr, off_indices, off_data, lo, hi, orders, parents,
                                   couplings, inv_pivot, ratio, z, g, h, s_idx < ns - 1)
        rz = 0.0
        for i in range(n):
            rz += r[i] * z[i]
        if it == 1:
            for i in range(n):
                p[i] = z[i]
        else:
            beta = rz / rz_old
            for i in range(n):
                p[i] = z[i] + beta * p[i]
        rz_old = rz
        pq = 0.0
        for i in range(n):  # q = A p
            s = 0.0
            for t in range(indptr[i], indptr[i + 1]):
                s += data[t] * p[indices[t]]
            q[i] = s
            pq += p[i] * s
        alpha = rz / pq
        rr = 0.0
        obj = 0.0
        for i in range(n):
            x[i] += alpha * p[i]
            r[i] -= alpha * q[i]
            rr += r[i] * r[i]
            obj -= 0.5 * x[i] * (r[i] + b[i])
        residuals[it] = np.sqrt(rr) / bnorm
        objectives[it] = obj
        if residuals[it] <= tol:
            return it
    return max_iter


# --------------------------------------------------------------------------------------------
# Two forests: conjugate gradients on the Schur complement (ForestPCG's default for <= 2 blocks)
# --------------------------------------------------------------------------------------------
