"""Forest block coordinate descent: repeated exact forest solves (message passing)."""

import time

import numpy as np

from ._kernels_tree import forest_scores, forest_update, grow_one_forest, tree_orders
from ._partition import forest_partition, prepare_blocks


def forest_bcd(A, b, x0=None, *, block_ptr=None, block_nodes=None, selection="cyclic",
               max_iter=1000, tol=1e-8, random_state=None, record=None, greedy_tree=False,
               max_size=None):
    """Block coordinate descent with exact forest-block updates for ``A x = b`` (A SPD).

    One iteration updates one forest: a forest of the fixed partition (cyclic, random or the
    largest ``sum g_j^2 / A_jj``), or with ``greedy_tree=True`` a maximal forest grown afresh
    from the nodes ranked by ``|g_j|`` ('gs') or ``|g_j| / sqrt(A_jj)`` ('gsl'). Stops when
    ``||A x - b|| <= tol ||b||`` (checked every ``n_blocks`` updates of the fixed partition).
    Returns ``(x, n_iter, converged, history)``.
    """
    n = A.shape[0]
    if block_ptr is None:
        block_ptr, block_nodes = forest_partition(A)
    orders, parents, couplings = prepare_blocks(A, block_ptr, block_nodes)
    indptr, indices, data = (A.indptr.astype(np.int64), A.indices.astype(np.int64),
                             A.data.astype(np.float64))
    diag = np.asarray(A.diagonal(), dtype=np.float64)
    x = np.zeros(n) if x0 is None else np.array(x0, dtype=np.float64, copy=True)
    g = np.asarray(A @ x).ravel() - b
    nb = len(block_ptr) - 1
    bnorm = max(np.linalg.norm(b), 1e-300)
    rng = np.random.default_rng(random_state)
    hist = {"iter": [], "time": [], "objective": [], "criterion": []}
    t0 = time.perf_counter()
    it = 0
    converged = False

    def log():
        r = np.linalg.norm(g) / bnorm
        hist["iter"].append(it)
        hist["time"].append(time.perf_counter() - t0)
        hist["objective"].append(0.5 * float(x @ (g - b)))  # 1/2 x^T A x - b^T x
        hist["criterion"].append(r)
        return r

    if log() <= tol:
        return x, 0, True, {k: np.asarray(v) for k, v in hist.items()}
    if greedy_tree:
        uf = np.arange(n)
        in_forest = np.zeros(n, dtype=np.int64)
        in_block = np.full(n, -1, dtype=np.int64)
        sqrt_diag = np.sqrt(diag)
        size = int(max_size or 0)
        sweep = max(1, nb)
        while it < max_iter:
            score = np.abs(g) if selection == "gs" else np.abs(g) / sqrt_diag
            order = np.argsort(-score, kind="stable").astype(np.int64)
            nodes = grow_one_forest(indptr, indices, order, size, uf, in_forest)
            uf[nodes] = nodes
            in_forest[nodes] = 0
            in_block[nodes] = np.arange(len(nodes))
            o, p, c = tree_orders(indptr, indices, data, nodes, in_block)
            in_block[nodes] = -1
            forest_update(indptr, indices, data, diag, nodes, o, p, c, x, g)
            it += 1
            if it % sweep == 0 or it == max_iter or record == "every":
                if log() <= tol:
                    converged = True
                    break
        return x, it, converged, {k: np.asarray(v) for k, v in hist.items()}
    while it < max_iter:
        if selection == "cyclic":
            blk = it % nb
        elif selection == "random":
            blk = int(rng.integers(nb))
        else:  # greedy (gs / gsl): the forest with the largest sum g_j^2 / A_jj
            blk = int(np.argmax(forest_scores(block_ptr, block_nodes, g, diag)))
        nodes = block_nodes[block_ptr[blk]:block_ptr[blk + 1]]
        forest_update(indptr, indices, data, diag, nodes, orders[blk], parents[blk],
                      couplings[blk], x, g)
        it += 1
        if it % nb == 0 or it == max_iter or record == "every":
            if log() <= tol:
                converged = True
                break
    return x, it, converged, {k: np.asarray(v) for k, v in hist.items()}
