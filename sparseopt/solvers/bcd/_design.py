"""The design matrix as the kernels see it (prepared once per solve, never modified)."""

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp


@dataclass
class Design:
    """A design prepared for the kernels.

    Attributes
    ----------
    X : ndarray (Fortran-ordered float64) or csc_matrix (canonical, float64)
    kx : tuple
        ``(Xd, data, indices, indptr, is_sparse)``: the column-major flat dense design and
        dummy CSC arrays, or a dummy and the CSC arrays (int32 indices when they fit).
    """

    X: object
    kx: tuple

    @property
    def shape(self):
        return self.X.shape

    @property
    def is_sparse(self):
        return self.kx[4]

    def rmatmat(self, R):
        """``X^T R`` for ``R`` of shape (n,) or (n, k), as a C-ordered array.

        With a dense design and a matrix ``R`` this is computed as ``(R^T X)^T``: the same
        product, but BLAS streams the (large) design along its columns with the (small) ``R``
        as the left factor, about 1.5x faster than ``X^T R`` on tall-and-wide designs."""
        if R.ndim == 2 and not self.is_sparse:
            return np.ascontiguousarray((R.T @ self.X).T)
        return np.asarray(self.X.T @ R)

    def affine(self, W, b):
        """``X W + b`` as a C-ordered array, without the product when ``W`` is zero (a cold
        start)."""
        if not np.any(W):
            z = np.empty((self.shape[0],) + W.shape[1:], dtype=np.result_type(W, b, np.float64))
            z[...] = b
            return z
        return np.ascontiguousarray(np.asarray(self.X @ W) + b)

    def columns(self, idx):
        """``X[:, idx]`` as a dense array."""
        cols = self.X[:, idx]
        return cols.toarray() if sp.issparse(cols) else np.asarray(cols)

    def column(self, j):
        """``X[:, j]`` as a dense 1-D array."""
        return self.columns([j]).ravel()

    @classmethod
    def of(cls, X):
        """The :class:`Design` of ``X`` (see :func:`prepare_design`)."""
        return cls(*prepare_design(X))


def prepare_design(X):
    """``(X_prepared, kx)`` for ``X`` (dense, any order, or any scipy sparse format) without
    modifying ``X``: dense becomes Fortran-ordered float64, sparse canonical CSC."""
    if sp.issparse(X):
        Xc = sp.csc_matrix(X, dtype=np.float64, copy=False)
        if not Xc.has_canonical_format:
            Xc = Xc.copy()
            Xc.sum_duplicates()
        idx_dtype = np.int32 if Xc.nnz < 2**31 - 1 and Xc.shape[0] < 2**31 - 1 else np.int64
        data = np.ascontiguousarray(Xc.data, dtype=np.float64)
        indices = np.ascontiguousarray(Xc.indices, dtype=idx_dtype)
        indptr = np.ascontiguousarray(Xc.indptr, dtype=idx_dtype)
        return Xc, (np.zeros(1), data, indices, indptr, True)
    XF = np.asfortranarray(X, dtype=np.float64)
    flat = XF.ravel(order="F")  # a view: column j is flat[j*n:(j+1)*n]
    dummy_i = np.zeros(1, dtype=np.int32)
    return XF, (flat, np.zeros(1), dummy_i, dummy_i, False)
