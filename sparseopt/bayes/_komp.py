"""Orthogonal matching pursuit on a Kronecker dictionary (baseline for Kronecker SBL)."""

import numpy as np

from ..operators import KroneckerOperator


def kronecker_omp(X, y, *, noise_variance=None, max_atoms=None):
    """Greedy sparse recovery with ``H = (x) H_i`` applied matrix-free.

    Each step picks the column of ``H`` most correlated with the residual (normalised by the
    column norm, computed as the product of factor column norms), then refits the selected
    columns by least squares. Stops when ``||r||^2 <= M noise_variance`` (noise-aware) or after
    ``max_atoms`` atoms (default ``M // 2``).

    Parameters
    ----------
    X : KroneckerOperator or list of factor arrays
    y : ndarray of shape (M,)
    noise_variance : float or None
    max_atoms : int or None

    Returns
    -------
    coef : ndarray of shape (N,)
    support : ndarray of int

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.bayes import kronecker_omp
    >>> rng = np.random.default_rng(0)
    >>> A, B = rng.standard_normal((10, 15)), rng.standard_normal((10, 15))
    >>> x = np.zeros(225); x[[7, 100]] = [1.0, -2.0]
    >>> coef, support = kronecker_omp([A, B], np.kron(A, B) @ x, noise_variance=1e-12)
    >>> sorted(support.tolist())
    [7, 100]
    """
    op = X if isinstance(X, KroneckerOperator) else KroneckerOperator(X)
    y = np.asarray(y)
    M, N = op.shape
    if y.shape != (M,):
        raise ValueError(f"y must have shape ({M},), got {y.shape}.")
    max_atoms = M // 2 if max_atoms is None else int(max_atoms)
    norms = np.ones(1)
    for f in op.factors:
        norms = np.kron(norms, np.linalg.norm(f, axis=0))
    norms = np.where(norms > 0, norms, np.inf)
    shapes = [f.shape[1] for f in op.factors]
    support, cols = [], []
    r = y.astype(np.result_type(y, op.dtype))
    coef_s = np.zeros(0)
    threshold = -1.0 if noise_variance is None else M * float(noise_variance)
    while len(support) < max_atoms and float(np.real(np.vdot(r, r))) > threshold:
        corr = np.abs(op.rmatvec(r)) / norms
        corr[support] = -1.0
        j = int(np.argmax(corr))
        idx = np.unravel_index(j, shapes)
        col = op.factors[0][:, idx[0]]
        for f, i in zip(op.factors[1:], idx[1:], strict=True):
            col = np.kron(col, f[:, i])
        support.append(j)
        cols.append(col)
        A = np.column_stack(cols)
        coef_s = np.linalg.lstsq(A, y, rcond=None)[0]
        r = y - A @ coef_s
    coef = np.zeros(N, dtype=np.result_type(coef_s, np.float64))
    coef[support] = coef_s
    return coef, np.asarray(support, dtype=np.int64)
