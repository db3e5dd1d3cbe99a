"""Partitions of a coordinate set into blocks (NumPy; run once per working set)."""

import numpy as np


def make_partition(partition, L_ws, block_size):
    """Fixed partition of ``len(L_ws)`` positions into blocks of at most ``block_size``.

    Parameters
    ----------
    partition : {'fixed', 'order', 'sorted', 'avg'}
        'fixed' (= 'order'): contiguous chunks in the given order; 'sorted': positions sorted by
        their Lipschitz constant (stable), then chunked, so each block holds similar constants;
        'avg': the sorted order interleaved from both ends (smallest, largest, 2nd smallest, ...)
        then chunked, so blocks have similar mean constants.
    L_ws : ndarray of shape (m,)
        Coordinate Lipschitz constants of the positions.
    block_size : int
        Largest block size; the last block may be smaller.

    Returns
    -------
    blk_ptr : ndarray of int64, shape (n_blocks + 1,)
    blk_pos : ndarray of int64, shape (m,)
        Block ``b`` holds positions ``blk_pos[blk_ptr[b]:blk_ptr[b + 1]]``.
    """
    m = len(L_ws)
    if partition in ("fixed", "order"):
        order = np.arange(m, dtype=np.int64)
    elif partition == "sorted":
        order = np.argsort(L_ws, kind="stable").astype(np.int64)
    elif partition == "avg":
        srt = np.argsort(L_ws, kind="stable").astype(np.int64)
        order = np.empty(m, dtype=np.int64)
        order[0::2] = srt[: (m + 1) // 2]
        order[1::2] = srt[::-1][: m // 2]
    else:
        raise ValueError(f"partition={partition!r} has no fixed blocks.")
    blk_ptr = np.append(np.arange(0, m, block_size, dtype=np.int64), np.int64(m))
    if m == 0:
        blk_ptr = np.zeros(1, dtype=np.int64)
    return blk_ptr, order
