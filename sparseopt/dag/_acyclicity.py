"""The log-det acyclicity function of DAGMA, DAG checks and always-a-DAG thresholding."""

import numpy as np


def acyclicity(W, s=1.0):
    """``h_s(W) = -log det(s I - W o W) + d log s`` (0 iff W is a DAG, on ``rho(W o W) < s``).

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.dag import acyclicity
    >>> round(acyclicity(np.array([[0.0, 1.0], [0.0, 0.0]])), 12)
    0.0
    """
    W = np.asarray(W, dtype=np.float64)
    d = W.shape[0]
    sign, logdet = np.linalg.slogdet(s * np.eye(d) - W * W)
    return float(-logdet + d * np.log(s))


def acyclicity_grad(W, s=1.0):
    """``grad h_s(W) = 2 W o (s I - W o W)^{-T}``."""
    W = np.asarray(W, dtype=np.float64)
    d = W.shape[0]
    return 2.0 * W * np.linalg.inv(s * np.eye(d) - W * W).T


def is_dag(A):
    """True if the directed graph with edges ``A[i, j] != 0`` (i -> j) has no cycle (Kahn)."""
    B = np.asarray(A) != 0
    d = B.shape[0]
    indeg = B.sum(axis=0).astype(np.int64)
    stack = list(np.flatnonzero(indeg == 0))
    seen = 0
    while stack:
        i = stack.pop()
        seen += 1
        for j in np.flatnonzero(B[i]):
            indeg[j] -= 1
            if indeg[j] == 0:
                stack.append(j)
    return seen == d


def threshold_to_dag(W, threshold=0.3):
    """Zero ``|w| <= threshold``, then delete the weakest remaining edges until acyclic.

    Edges are deleted in increasing ``|w|`` (stable, ties by row-major index), as the CoLiDE
    reference does; since deletion preserves acyclicity the number to delete is found by binary
    search with a Kahn check, O((d + E) log E), with the same output as the linear scan.

    Parameters
    ----------
    W : ndarray of shape (d, d)
    threshold : float, default=0.3

    Returns
    -------
    A : ndarray of shape (d, d)
        A DAG.

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.dag import threshold_to_dag
    >>> W = np.array([[0.0, 0.9], [0.5, 0.0]])
    >>> threshold_to_dag(W).tolist()
    [[0.0, 0.9], [0.0, 0.0]]
    """
    A = np.array(W, dtype=np.float64, copy=True)
    A[np.abs(A) <= threshold] = 0.0
    if is_dag(A):
        return A
    rows, cols = np.nonzero(A)  # row-major order
    order = np.argsort(np.abs(A[rows, cols]), kind="stable")
    rows, cols = rows[order], cols[order]

    def pruned(k):
        B = A.copy()
        B[rows[:k], cols[:k]] = 0.0
        return B

    lo, hi = 0, len(rows)  # pruned(hi) is empty, hence a DAG
    while lo < hi:
        mid = (lo + hi) // 2
        if is_dag(pruned(mid)):
            hi = mid
        else:
            lo = mid + 1
    return pruned(lo)
