"""Kronecker-product operators applied by mode products (the product matrix is never formed)."""

import numpy as np


class KroneckerOperator:
    r"""Matrix-free Kronecker product of factor matrices (``np.kron`` order, factor 1 slowest).

    ``H = H_1 (x) H_2 (x) ... (x) H_I``.

    ``H @ x`` reshapes ``x`` to the tensor ``(N_1, ..., N_I)`` (C order) and applies one mode
    product per factor, at cost about ``N sum_i M_i`` instead of ``M N``.

    Parameters
    ----------
    factors : sequence of 2-D arrays
        Real or complex factors ``H_i`` of shapes ``(M_i, N_i)``.

    Attributes
    ----------
    factors : list of ndarray
    factor_shapes : list of tuple
    shape : tuple ``(M, N)``
    dtype : numpy dtype

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.operators import KroneckerOperator
    >>> A, B = np.arange(4.0).reshape(2, 2), np.eye(3)[:2]
    >>> op = KroneckerOperator([A, B])
    >>> x = np.arange(6.0)
    >>> bool(np.allclose(op @ x, np.kron(A, B) @ x))
    True
    """

    def __init__(self, factors):
        if isinstance(factors, np.ndarray) and factors.ndim == 2:
            factors = [factors]
        factors = [np.asarray(f) for f in factors]
        if len(factors) == 0 or any(f.ndim != 2 for f in factors):
            raise ValueError("factors must be a non-empty sequence of 2-D arrays.")
        for i, f in enumerate(factors):
            if not np.all(np.isfinite(f)):
                raise ValueError(f"factors[{i}] contains NaN or infinity.")
        dtype = np.result_type(*factors, np.float64)
        self.factors = [np.ascontiguousarray(f, dtype=dtype) for f in factors]
        self.factor_shapes = [f.shape for f in self.factors]
        self.shape = (int(np.prod([s[0] for s in self.factor_shapes])),
                      int(np.prod([s[1] for s in self.factor_shapes])))
        self.dtype = dtype

    def __repr__(self):
        return f"KroneckerOperator(factor_shapes={self.factor_shapes}, dtype={self.dtype})"

    @staticmethod
    def _apply(mats, v, in_dims):
        if len(mats) == 2 and v.ndim == 1:  # (A (x) B) vec(V) = vec(A V B^T): two matmuls
            A, B = mats
            return (A @ v.reshape(in_dims[0], in_dims[1]) @ B.T).ravel()
        if len(mats) == 3 and v.ndim == 1:  # three matmuls, no axis moves
            A, B, C = mats
            a, b, c = in_dims
            T = (A @ v.reshape(a, b * c)).reshape(A.shape[0], b, c)
            T = np.matmul(B, T)  # B applied to every (b, c) slice
            return (T.reshape(-1, c) @ C.T).ravel()
        extra = v.shape[1:]
        T = v.reshape(tuple(in_dims) + extra)
        for i, A in enumerate(mats):
            T = np.moveaxis(np.tensordot(A, T, axes=([1], [i])), 0, i)
        return T.reshape((-1,) + extra)

    def matvec(self, v):
        """``H v`` for ``v`` of shape ``(N,)`` or ``(N, k)``."""
        v = np.asarray(v)
        if v.shape[0] != self.shape[1]:
            raise ValueError(f"v must have {self.shape[1]} rows, got shape {v.shape}.")
        return self._apply(self.factors, v, [s[1] for s in self.factor_shapes])

    def rmatvec(self, u):
        """``H^H u`` (conjugate transpose) for ``u`` of shape ``(M,)`` or ``(M, k)``."""
        u = np.asarray(u)
        if u.shape[0] != self.shape[0]:
            raise ValueError(f"u must have {self.shape[0]} rows, got shape {u.shape}.")
        return self._apply([f.conj().T for f in self.factors], u,
                           [s[0] for s in self.factor_shapes])

    def __matmul__(self, v):
        return self.matvec(v)

    @property
    def H(self):  # noqa: N802 (the adjoint, as in scipy)
        """The adjoint operator ``H^H`` (conjugate-transposed factors)."""
        return KroneckerOperator([f.conj().T for f in self.factors])

    def toarray(self):
        """The dense matrix (``np.kron`` chain); for tests and small problems only."""
        if self.shape[0] * self.shape[1] > 1e8:
            raise ValueError(f"toarray() would form a {self.shape} matrix (> 1e8 entries).")
        out = self.factors[0]
        for f in self.factors[1:]:
            out = np.kron(out, f)
        return out

    def take_columns(self, index_lists):
        """The operator on the kept columns ``H_i[:, S_i]`` of every factor."""
        return KroneckerOperator([f[:, np.asarray(S, dtype=np.int64)]
                                  for f, S in zip(self.factors, index_lists, strict=True)])

    def aslinearoperator(self):
        """A ``scipy.sparse.linalg.LinearOperator`` view."""
        from scipy.sparse.linalg import LinearOperator

        return LinearOperator(self.shape, matvec=self.matvec, rmatvec=self.rmatvec,
                              matmat=self.matvec, dtype=self.dtype)
