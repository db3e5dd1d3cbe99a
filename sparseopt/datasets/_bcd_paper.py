"""Problems of Nutini, Laradji & Schmidt (JMLR 2022), regenerated from the authors' recipes."""

import numpy as np
import scipy.sparse as sp
from sklearn.utils import Bunch

from ..utils import check_positive_int, check_seed

_NAMES = ("A", "A_l1", "B", "C", "D", "E")


def make_bcd_paper_problem(name, *, n_samples=1000, n_features=10000, random_state=1):
    r"""Regenerate a test problem of the block-coordinate-descent paper.

    Available: 'A' (least squares), 'A_l1' (non-negative L1), 'B' (logistic, labels in {-1, 1}),
    'C' (softmax, 50 classes: ``y`` holds integer labels, the design is square, default
    ``n_features = n_samples``), 'D' (50 x 50 lattice label propagation) and 'E' (two-moons
    label propagation). For D and E, ``X`` is the SPD matrix ``A`` and
    ``y`` the right-hand side ``b`` of ``min 1/2 x^T A x - b^T x``, with ``fstar`` computed by a
    sparse direct solve.

    Dataset A: ``A0 = N(0,1)^{n x p} + 1``; columns scaled by ``10 N(0,1)`` (spreading the
    ``L_j``); entries kept with probability ``10 log(n) / n`` (CSC); ``w* = N(0,1)`` on about
    10% of the coordinates; ``b = A w* + N(0, 1)``. The problem is ``1/2 ||Ax - b||^2`` (the
    paper's scaling, ``n`` times ours). ``'A_l1'`` adds ``lambda sum(x)``, ``x >= 0``, with
    ``lambda = 5e4`` (``alpha = lambda / n`` in sparseopt's 1/n scaling).

    Parameters
    ----------
    name : {'A', 'A_l1', 'B', 'C', 'D', 'E'}
    n_samples, n_features : int, default=(1000, 10000)
        The paper's sizes for A, A_l1 and B (C: square, ``n_features = n_samples``); smaller
        values give the same recipe at a test-friendly size. D and E have fixed sizes.
    random_state : None, int, SeedSequence or Generator, default=1

    Returns
    -------
    problem : Bunch
        ``X`` (CSC), ``y``, ``alpha`` (sparseopt scaling; 0 for A), ``positive``, ``f0`` (the
        paper-scale objective at 0), ``paper_fstar`` (the paper's reported optimum, or None),
        ``w_true``.

    Examples
    --------
    >>> from sparseopt.datasets import make_bcd_paper_problem
    >>> prob = make_bcd_paper_problem("A", n_samples=100, n_features=300)
    >>> prob.X.shape
    (100, 300)
    """
    if not isinstance(name, str) or name not in _NAMES:
        raise ValueError(f"name={name!r} is not available; expected one of {_NAMES}.")
    rng = check_seed(random_state)
    if name in ("D", "E"):
        return _graph_problem(name, rng)
    n = check_positive_int("n_samples", n_samples)
    p = check_positive_int("n_features", n_features)
    if name == "C" and n_features == 10000:
        p = n  # the paper's C is 1000 x 1000
    A = rng.standard_normal((n, p)) + 1.0
    A *= 10.0 * rng.standard_normal(p)
    keep = rng.random((n, p)) < 10.0 * np.log(n) / n
    A = sp.csc_matrix(np.where(keep, A, 0.0))
    w_true = rng.standard_normal(p) * (rng.random(p) < 0.1)
    b = np.asarray(A @ w_true).ravel() + rng.standard_normal(n)
    f0 = 0.5 * float(b @ b)
    if name == "A":
        return Bunch(X=A, y=b, alpha=0.0, positive=False, f0=f0, paper_fstar=0.0,
                     w_true=w_true)
    if name == "C":
        n_classes = 50
        W_true = rng.standard_normal((p, n_classes))
        labels = np.argmax(np.asarray(A @ W_true) + rng.standard_normal((n, n_classes)), axis=1)
        return Bunch(X=A, y=labels, alpha=0.0, positive=False, f0=n * np.log(n_classes),
                     paper_fstar=1e-11, W_true=W_true)
    if name == "B":
        labels = np.sign(np.asarray(A @ w_true).ravel())
        labels[labels == 0] = 1.0
        flip = rng.random(n) < 0.1
        labels[flip] = -labels[flip]
        return Bunch(X=A, y=labels, alpha=0.0, positive=False, f0=n * np.log(2.0),
                     paper_fstar=5e-15, w_true=w_true)
    lam = 5e4
    return Bunch(X=A, y=b, alpha=lam / n, positive=True, f0=f0, paper_fstar=6.7258e6,
                 w_true=w_true)


def lattice_affinity(side, weight=1.0):
    """Affinity of a ``side x side`` 4-neighbour lattice (node ``r * side + c``), CSR."""
    N = side * side
    r, c = np.divmod(np.arange(N), side)
    right = np.flatnonzero(c < side - 1)
    down = np.flatnonzero(r < side - 1)
    rows = np.concatenate([right, down])
    cols = np.concatenate([right + 1, down + side])
    W = sp.coo_matrix((np.full(rows.size, float(weight)), (rows, cols)), shape=(N, N))
    return (W + W.T).tocsr()


def _graph_problem(name, rng):
    """Label-propagation systems D (lattice) and E (two moons) of the paper."""
    from scipy.sparse.linalg import spsolve
    from sklearn.neighbors import kneighbors_graph

    if name == "D":
        side = 50
        N = side * side
        W = lattice_affinity(side, 1e5)
        labelled = rng.choice(N, 100, replace=False)
        y_l = 10.0 * rng.standard_normal(100)
        paper_fstar = -1.046e9
        points = None
    else:
        N = 2000
        phi = rng.uniform(0.0, np.pi, N)
        second = rng.random(N) < 0.5
        pts = np.where(second[:, None],
                       np.column_stack([1 + np.cos(phi), 0.5 - np.sin(phi)]),
                       np.column_stack([np.cos(phi), np.sin(phi)]))
        pts = pts + 0.2 * rng.standard_normal((N, 2))
        Wk = kneighbors_graph(pts, 5, mode="connectivity", include_self=False)
        W = Wk + Wk.T
        W.data = np.minimum(W.data, 1.0)
        W = W.tocsr()
        labelled = rng.choice(N, 100, replace=False)
        classes = np.where(second, 2.0, 1.0)
        y_l = classes[labelled]
        paper_fstar = -717.71
        points = (pts, classes)
    is_lab = np.zeros(N, dtype=bool)
    is_lab[labelled] = True
    U = np.flatnonzero(~is_lab)
    deg = np.asarray(W.sum(axis=1)).ravel()
    A = (sp.diags(deg[U]) - W[U][:, U]).tocsr()
    b = np.asarray(W[U][:, labelled] @ y_l).ravel()
    x_star = spsolve(A.tocsc(), b)
    fstar = -0.5 * float(b @ x_star)
    return Bunch(X=A, y=b, alpha=0.0, positive=False, f0=0.0, fstar=fstar,
                 paper_fstar=paper_fstar, unlabelled=U, labelled=labelled, points=points)
