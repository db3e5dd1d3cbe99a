"""The working-set builder shared by coordinates, groups and rows."""

import numpy as np


def build_working_set(score, *, n_support, p0):
    """The blocks to optimise next, by decreasing score, sorted by index.

    ``score`` is a priority per block: ``inf`` for blocks that must be in (the support),
    negative for blocks that must stay out (screened, no curvature, nothing to gain). The
    size is ``max(p0, 2 n_support)``, capped by the number of candidates (non-negative
    scores). Returns an int64 array (empty if no candidate).
    """
    n_cand = int(np.count_nonzero(score >= 0))
    size = max(p0, 2 * n_support)
    size = min(size, n_cand)
    if size == 0:
        return np.zeros(0, dtype=np.int64)
    if size < n_cand:
        ws = np.argpartition(-score, size - 1)[:size]
    else:
        ws = np.flatnonzero(score >= 0)
    return np.sort(ws).astype(np.int64)
