"""Problems of Nutini, Laradji & Schmidt (JMLR 2022), regenerated from the authors' recipes."""

import numpy as np
import scipy.sparse as sp
from sklearn.utils import Bunch

_NAMES = ("A", "A_l1")


def make_bcd_paper_problem(name, *, n_samples=1000, n_features=10000, random_state=1):
    r"""Regenerate a test problem of the block-coordinate-descent paper.

    Only dataset A (least squares) and its non-negative L1 variant ``'A_l1'`` are available in
    this version; B-E (logistic, softmax, label propagation) come with their datafits.

    Dataset A: ``A0 = N(0,1)^{n x p} + 1``; columns scaled by ``10 N(0,1)`` (spreading the
    ``L_j``); entries kept with probability ``10 log(n) / n`` (CSC); ``w* = N(0,1)`` on about
    10% of the coordinates; ``b = A w* + N(0, 1)``. The problem is ``1/2 ||Ax - b||^2`` (the
    paper's scaling, ``n`` times ours). ``'A_l1'`` adds ``lambda sum(x)``, ``x >= 0``, with
    ``lambda = 5e4`` (``alpha = lambda / n`` in sparseopt's 1/n scaling).

    Parameters
    ----------
    name : {'A', 'A_l1'}
    n_samples, n_features : int, default=(1000, 10000)
        The paper's sizes; smaller values give the same recipe at a test-friendly size.
    random_state : int, default=1

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
    if name not in _NAMES:
        raise ValueError(f"name={name!r} is not available; expected one of {_NAMES}.")
    rng = np.random.default_rng(random_state)
    n, p = int(n_samples), int(n_features)
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
    lam = 5e4
    return Bunch(X=A, y=b, alpha=lam / n, positive=True, f0=f0, paper_fstar=6.7258e6,
                 w_true=w_true)
