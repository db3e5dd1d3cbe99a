"""Kronecker-product operators applied by mode products (the product matrix is never formed)."""

import numpy as np
import scipy.sparse as sp

from ..utils import as_numeric, check_indices


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
        given = type(factors).__name__
        try:
            if isinstance(factors, str | dict) or sp.issparse(factors):
                raise TypeError
            factors = list(factors)
        except TypeError:
            raise TypeError(f"factors must be a non-empty sequence of 2-D arrays, got {given}."
                            ) from None
        if len(factors) == 0:
            raise ValueError("factors must be a non-empty sequence of 2-D arrays.")
        checked = []
        for i, f in enumerate(factors):
            if sp.issparse(f):
                raise TypeError(f"factors[{i}] is sparse; factors must be dense 2-D arrays "
                                "(use .toarray()).")
            f = as_numeric(f, f"factors[{i}]")
            if f.ndim != 2:
                raise ValueError(f"factors must be a non-empty sequence of 2-D arrays; "
                                 f"factors[{i}] has shape {f.shape}.")
            if f.size == 0:
                raise ValueError(f"factors[{i}] has shape {f.shape}; every factor needs at least "
                                 "one row and one column.")
            if not np.all(np.isfinite(f)):
                raise ValueError(f"factors[{i}] contains NaN or infinity.")
            checked.append(f)
        dtype = np.result_type(*checked, np.float64)
        self.factors = [np.ascontiguousarray(f, dtype=dtype) for f in checked]
        self.factor_shapes = [f.shape for f in self.factors]
        self.shape = (int(np.prod([s[0] for s in self.factor_shapes])),
                      int(np.prod([s[1] for s in self.factor_shapes])))
        self.dtype = dtype

    # ``array @ op`` is not defined: numpy defers to Python, which raises a plain TypeError
    __array_ufunc__ = None

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
        return T.reshape((int(np.prod([A.shape[0] for A in mats])),) + extra)

    @staticmethod
    def _check_operand(v, name, n_rows):
        """A dense numeric ``(n_rows,)`` or ``(n_rows, k)`` array (errors naming ``name``)."""
        if sp.issparse(v) or isinstance(v, KroneckerOperator):
            raise TypeError(f"{name} must be a dense array of shape ({n_rows},) or ({n_rows}, k), "
                            f"got {type(v).__name__}.")
        v = as_numeric(v, name)
        if v.ndim not in (1, 2):
            raise ValueError(f"{name} must be 1-D or 2-D with {n_rows} rows, got shape "
                             f"{v.shape}.")
        if v.shape[0] != n_rows:
            raise ValueError(f"{name} must have {n_rows} rows, got shape {v.shape}.")
        return v

    def matvec(self, v):
        """``H v`` for ``v`` of shape ``(N,)`` or ``(N, k)``.

        NaN and infinity in ``v`` propagate as in the dense product.
        """
        v = self._check_operand(v, "v", self.shape[1])
        return self._apply(self.factors, v, [s[1] for s in self.factor_shapes])

    def rmatvec(self, u):
        """``H^H u`` (conjugate transpose) for ``u`` of shape ``(M,)`` or ``(M, k)``."""
        u = self._check_operand(u, "u", self.shape[0])
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
        """The operator on the kept columns ``H_i[:, S_i]`` of every factor.

        ``index_lists`` holds one non-empty list of column indices (or a boolean mask) per
        factor.
        """
        try:
            index_lists = list(index_lists)
        except TypeError:
            raise TypeError("index_lists must be a sequence of index arrays, one per factor, got "
                            f"{type(index_lists).__name__}.") from None
        if len(index_lists) != len(self.factors):
            raise ValueError(f"index_lists must hold one index array per factor "
                             f"({len(self.factors)}), got {len(index_lists)}.")
        cols = []
        for i, (f, S) in enumerate(zip(self.factors, index_lists, strict=True)):
            idx = check_indices(f"index_lists[{i}]", S, f.shape[1], allow_repeats=True)
            if idx.size == 0:
                raise ValueError(f"index_lists[{i}] selects no column; every factor needs one.")
            cols.append(f[:, idx])
        return KroneckerOperator(cols)

    def aslinearoperator(self):
        """A ``scipy.sparse.linalg.LinearOperator`` view."""
        from scipy.sparse.linalg import LinearOperator

        return LinearOperator(self.shape, matvec=self.matvec, rmatvec=self.rmatvec,
                              matmat=self.matvec, dtype=self.dtype)
