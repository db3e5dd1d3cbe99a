"""Graph quadratic datafit ``1/2 x^T A x - b^T x`` (label propagation's harmonic system)."""

import numpy as np
import scipy.sparse as sp

from ..utils import ParamsMixin, check_real_array, njit


class GraphQuadratic(ParamsMixin):
    r"""``F(x) = 1/2 x^T A x - b^T x`` with ``A`` sparse symmetric positive definite.

    Solved by :class:`~sparseopt.solvers.ForestSolver` (or
    ``BlockCoordinateDescent(partition='tree', update='message_passing').solve(GraphQuadratic(),
    None, A, b)``, which hands it over): the blocks are forests of the graph of ``A`` and each
    block is minimised exactly by message passing.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> from sparseopt.datafits import GraphQuadratic
    >>> A = sp.csr_matrix(np.array([[2.0, -1.0], [-1.0, 2.0]])); b = np.array([1.0, 0.0])
    >>> float(GraphQuadratic().value(A, b, np.array([2 / 3, 1 / 3])))
    -0.3333333333333333
    """

    code = 2

    def value(self, A, b, x):
        """``1/2 x^T A x - b^T x``."""
        return 0.5 * float(x @ (A @ x)) - float(b @ x)

    def gradient(self, A, b, x):
        """``A x - b``."""
        return np.asarray(A @ x).ravel() - b

    def lipschitz(self, A):
        """Coordinate constants ``A_jj``."""
        return np.asarray(A.diagonal(), dtype=np.float64)


def check_graph_matrix(A):
    """A symmetric CSR matrix with finite entries and a positive diagonal (ValueError otherwise).

    The graph datafit's input check (symmetry is tested in one compiled pass, no ``A - A^T``).

    The result is canonical (sorted indices, no duplicates) without stored zeros, so its
    structure is the graph; the caller's matrix is never modified (copied only if needed).
    """
    if not sp.issparse(A):
        A = sp.csr_matrix(check_real_array("A", A, ndim=2, min_size=0))
    elif A.dtype.kind not in "biuf":
        raise TypeError(f"A must be real, got dtype {A.dtype}.")
    A = sp.csr_matrix(A, dtype=np.float64)
    if A.shape[0] != A.shape[1] or A.shape[0] == 0:
        raise ValueError(f"A must be a non-empty square matrix, got shape {A.shape}.")
    if not A.has_canonical_format or not np.all(A.data != 0):
        A = A.copy()  # the forests follow the structure: keep it the (symmetric) nonzeros
        A.sum_duplicates()
        A.eliminate_zeros()
        A.sort_indices()
    if not np.all(np.isfinite(A.data)):
        raise ValueError("A must have finite entries.")
    scale = float(np.max(np.abs(A.data))) if A.nnz else 0.0
    if A.nnz and csr_max_asymmetry(A.indptr, A.indices, A.data) > 1e-12 * scale:
        raise ValueError("A must be symmetric (|A - A^T| > 1e-12 max|A|).")
    if np.any(A.diagonal() <= 0):
        raise ValueError("A must have a positive diagonal (it must be positive definite).")
    return A


@njit(cache=True)
def csr_max_asymmetry(indptr, indices, data):
    """``max |A_ij - A_ji|`` of a CSR matrix with sorted indices (a missing entry is 0)."""
    n = indptr.shape[0] - 1
    worst = 0.0
    for i in range(n):
        for p in range(indptr[i], indptr[i + 1]):
            j = indices[p]
            lo = indptr[j]
            hi = indptr[j + 1]
            while lo < hi:  # binary search for column i in row j
                mid = (lo + hi) // 2
                if indices[mid] < i:
                    lo = mid + 1
                else:
                    hi = mid
            other = data[lo] if lo < indptr[j + 1] and indices[lo] == i else 0.0
            d = abs(data[p] - other)
            if d > worst:
                worst = d
    return worst
