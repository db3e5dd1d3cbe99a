"""Structure-learning metrics (NOTEARS / DAGMA conventions) and varsortability."""

import numpy as np

from ..utils import check_bool, check_real, check_real_array
from ._acyclicity import _kahn


def count_accuracy(B_true, B_est, *, cpdag=False):
    """FDR, TPR, FPR, SHD and number of predicted edges of an estimated graph.

    Conventions of NOTEARS / DAGMA / gCastle: a reversed edge counts once in the SHD;
    ``fdr = (reversed + false positives) / max(nnz, 1)``, ``tpr = TP / max(|T|, 1)``,
    ``fpr = (reversed + FP) / max(d(d-1)/2 - |T|, 1)``.

    Parameters
    ----------
    B_true : ndarray of shape (d, d)
        True DAG (nonzeros are edges i -> j).
    B_est : ndarray of shape (d, d)
        Estimate: a DAG (weights accepted), or with ``cpdag=True`` entries in {0, 1, -1} where -1
        marks an undirected edge stored once.
    cpdag : bool, default=False

    Returns
    -------
    dict with keys 'fdr', 'tpr', 'fpr', 'shd', 'nnz'

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.dag import count_accuracy
    >>> T = np.array([[0, 1], [0, 0]]); E = np.array([[0, 0], [1, 0]])
    >>> count_accuracy(T, E)["shd"]
    1
    """
    Bt = check_real_array("B_true", B_true, ndim=2, square=True) != 0
    Be = check_real_array("B_est", B_est, ndim=2)
    d = Bt.shape[0]
    if Be.shape != Bt.shape:
        raise ValueError(f"B_est must have the shape of B_true {Bt.shape}, got {Be.shape}.")
    if check_bool("cpdag", cpdag):
        if not np.all(np.isin(Be, (0, 1, -1))):
            raise ValueError("B_est must hold values in {0, 1, -1} with cpdag=True.")
        P = Be == 1
        U = Be == -1
        if _kahn(P) is None:
            raise ValueError("B_est must be a DAG (its directed part has a cycle).")
    else:
        P = Be != 0
        U = np.zeros_like(P)
        if _kahn(P) is None:
            raise ValueError("B_est must be a DAG; use cpdag=True for undirected edges.")
    T = Bt
    Tr = T.T
    S = T | Tr
    tp = np.sum(P & T) + np.sum(U & S)
    reversed_ = np.sum(P & ~T & Tr)
    fp = np.sum(P & ~S) + np.sum(U & ~S)
    nnz = int(P.sum() + U.sum())
    n_true = int(T.sum())
    cond_neg = d * (d - 1) / 2 - n_true
    fdr = float(reversed_ + fp) / max(nnz, 1)
    tpr = float(tp) / max(n_true, 1)
    fpr = float(reversed_ + fp) / max(cond_neg, 1)
    # SHD on skeletons (upper triangles of the symmetrised graphs) + reversals
    est_skel = np.triu((P | P.T) | (U | U.T), 1)
    true_skel = np.triu(S, 1)
    extra = int(np.sum(est_skel & ~true_skel))
    missing = int(np.sum(true_skel & ~est_skel))
    shd = extra + missing + int(reversed_)
    return {"fdr": fdr, "tpr": tpr, "fpr": fpr, "shd": shd, "nnz": nnz}


def varsortability(X, B, *, tol=0.0):
    """Fraction of directed paths along which the marginal variance increases (Reisach et al.).

    Returns nan for a graph without edges.

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.dag import simulate_linear_sem, varsortability
    >>> W = np.array([[0.0, 2.0], [0.0, 0.0]])
    >>> float(varsortability(simulate_linear_sem(W, 200, random_state=0), W))
    1.0
    """
    X = check_real_array("X", X, ndim=2)
    E = check_real_array("B", B, ndim=2, square=True) != 0
    d = E.shape[0]
    if X.shape[1] != d:
        raise ValueError(f"X has {X.shape[1]} columns but B has {d} nodes.")
    tol = check_real("tol", tol, low=0.0)
    v = np.var(X, axis=0)
    diff = v[None, :] - v[:, None]  # v_j - v_i
    score = np.where(diff > tol, 1.0, np.where(np.abs(diff) <= tol, 0.5, 0.0))
    total = 0.0
    count = 0
    Ek = E.copy()
    for _ in range(1, d):
        if not Ek.any():
            break
        total += score[Ek].sum()
        count += int(Ek.sum())
        Ek = (Ek.astype(np.int64) @ E.astype(np.int64)) > 0
    return total / count if count else float("nan")
