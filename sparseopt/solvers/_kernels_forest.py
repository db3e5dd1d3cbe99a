"""Numba kernels for forest blocks on a sparse symmetric matrix: growth, orders, tree solves."""

import numpy as np
from numba import njit


@njit(cache=True)
def _find(parent, i):
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
        r = _find(uf, j)
        for q in range(cnt):
            if roots[q] == r:
                return False
        roots[cnt] = r
        cnt += 1
    for q in range(cnt):
        uf[_find(uf, roots[q])] = i
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
