"""Forest partitions of a sparse symmetric matrix (union-find growth, colouring) and the tree
orders of each block."""

import numpy as np

from ._kernels_tree import greedy_coloring, grow_forests, tree_orders


def forest_partition(A, *, order=None, max_size=None):
    """Split the nodes into forests of the graph of ``A`` (greedy, union-find).

    Nodes are visited in ``order`` (default: decreasing ``A_jj``, the Lipschitz constants) and
    each joins the first forest it keeps acyclic. A 4-neighbour lattice needs 2 forests.

    Returns
    -------
    block_ptr : ndarray of int64
    block_nodes : ndarray of int64
        Forest ``b`` is ``block_nodes[block_ptr[b]:block_ptr[b + 1]]``.
    """
    n = A.shape[0]
    if order is None:
        order = np.argsort(-A.diagonal(), kind="stable")
    forest = grow_forests(A.indptr.astype(np.int64), A.indices.astype(np.int64),
                          np.asarray(order, dtype=np.int64), int(max_size or 0))
    nodes = np.argsort(forest, kind="stable").astype(np.int64)
    counts = np.bincount(forest, minlength=int(forest.max()) + 1 if n else 0)
    return np.concatenate([[0], np.cumsum(counts)]).astype(np.int64), nodes


def color_partition(A, *, order=None):
    """Greedy colouring (red-black on a lattice): every block is an independent set.

    Nodes are visited by decreasing ``A_jj`` and take the least-used colour absent from their
    neighbours; within a colour class the block matrix is diagonal.
    """
    if order is None:
        order = np.argsort(-A.diagonal(), kind="stable")
    color = greedy_coloring(A.indptr.astype(np.int64), A.indices.astype(np.int64),
                            np.asarray(order, dtype=np.int64))
    nodes = np.argsort(color, kind="stable").astype(np.int64)
    counts = np.bincount(color)
    return np.concatenate([[0], np.cumsum(counts)]).astype(np.int64), nodes


def prepare_blocks(A, block_ptr, block_nodes):
    """BFS orders, parents and couplings of every block (ValueError if one has a cycle)."""
    n = A.shape[0]
    indptr, indices, data = (A.indptr.astype(np.int64), A.indices.astype(np.int64),
                             A.data.astype(np.float64))
    in_block = np.full(n, -1, dtype=np.int64)
    orders, parents, couplings = [], [], []
    for b in range(len(block_ptr) - 1):
        blk = block_nodes[block_ptr[b]:block_ptr[b + 1]]
        in_block[blk] = np.arange(len(blk))
        try:
            o, p, c = tree_orders(indptr, indices, data, blk, in_block)
        except Exception as err:  # numba re-raises ValueError
            raise ValueError(f"block {b} is not a forest: message passing needs acyclic "
                             "blocks (use partition='tree').") from err
        finally:
            in_block[blk] = -1
        orders.append(o)
        parents.append(p)
        couplings.append(c)
    return orders, parents, couplings
