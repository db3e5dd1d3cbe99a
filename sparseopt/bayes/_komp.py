"""Orthogonal matching pursuit on a Kronecker dictionary (baseline for Kronecker SBL)."""

import numpy as np

from ..operators import KroneckerOperator
from ..utils import check_complex_array, check_positive_int, check_real, power_of_two_scale


def kronecker_omp(X, y, *, noise_variance=None, max_atoms=None):
    """Greedy sparse recovery with ``H = (x) H_i`` applied matrix-free.

    Each step picks the column of ``H`` most correlated with the residual (normalised by the
    column norm, computed as the product of factor column norms), then refits the selected
    columns by least squares. Stops when ``||r||^2 <= M noise_variance`` (noise-aware) or after
    ``max_atoms`` atoms (default ``M // 2``; never more than ``N``), or when no remaining
    column correlates with the residual (it is zero, or orthogonal to the dictionary). The
    search runs on copies of ``y`` and of the factors scaled by powers of two, so scaling either
    scales the answer exactly.

    Parameters
    ----------
    X : KroneckerOperator or list of factor arrays
        (A single 2-D array is one factor: a dense dictionary.)
    y : array-like of shape (M,), real or complex
    noise_variance : float or None
        ``>= 0``; None runs until ``max_atoms``.
    max_atoms : int or None
        ``>= 0``.

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
    op = as_kronecker_operator(X)
    y = check_complex_array(y, "y", ndim=1)
    M, N = op.shape
    if y.shape != (M,):
        raise ValueError(f"y must have shape ({M},), got {y.shape}.")
    noise_variance = check_real("noise_variance", noise_variance, low=0, allow_none=True)
    max_atoms = M // 2 if max_atoms is None else check_positive_int("max_atoms", max_atoms,
                                                                      minimum=0)
    max_atoms = min(max_atoms, N)
    # the scaled problem: y / cy and H_i / c_i, so that coef = coef_scaled * cy / prod(c_i)
    cy = power_of_two_scale(y)
    cs = [power_of_two_scale(f) for f in op.factors]
    factors = [f / c for f, c in zip(op.factors, cs, strict=True)]
    ys = y / cy
    norms = np.ones(1)
    for f in factors:
        norms = np.kron(norms, np.linalg.norm(f, axis=0))
    norms = np.where(norms > 0, norms, np.inf)
    shapes = [f.shape[1] for f in factors]
    scaled = KroneckerOperator(factors)
    support, cols = [], []
    r = ys.astype(np.result_type(ys, scaled.dtype))
    coef_s = np.zeros(0)
    threshold = -1.0 if noise_variance is None else M * (noise_variance / cy) / cy
    while len(support) < max_atoms and float(np.real(np.vdot(r, r))) > threshold:
        corr = np.abs(scaled.rmatvec(r)) / norms
        corr[support] = -1.0
        j = int(np.argmax(corr))
        if not corr[j] > 0:  # nothing left that correlates with the residual
            break
        idx = np.unravel_index(j, shapes)
        col = factors[0][:, idx[0]]
        for f, i in zip(factors[1:], idx[1:], strict=True):
            col = np.kron(col, f[:, i])
        support.append(j)
        cols.append(col)
        A = np.column_stack(cols)
        coef_s = np.linalg.lstsq(A, ys, rcond=None)[0]
        r = ys - A @ coef_s
    coef = np.zeros(N, dtype=np.result_type(coef_s, np.float64))
    coef[support] = coef_s * (cy / np.prod(cs))
    return coef, np.asarray(support, dtype=np.int64)


def as_kronecker_operator(X, name="X"):
    """``X`` as a :class:`KroneckerOperator`: an operator as is, else its factors (a sequence of
    2-D arrays, or one 2-D array), each validated with errors naming ``X[i]``."""
    if isinstance(X, KroneckerOperator):
        return X
    if isinstance(X, np.ndarray) and X.ndim == 2:
        X = [X]
    if isinstance(X, list | tuple) and X:
        return KroneckerOperator([check_complex_array(f, f"{name}[{i}]", ndim=2)
                                  for i, f in enumerate(X)])
    raise TypeError(f"{name} must be a KroneckerOperator or a non-empty list of 2-D factor "
                    f"arrays, got {type(X).__name__}.")
