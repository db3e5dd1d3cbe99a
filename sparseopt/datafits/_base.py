"""Shared pieces of the GLM datafits (column norms, block bounds, the engine's declarations)."""

import numpy as np
import scipy.sparse as sp

from ..utils import ParamsMixin


def column_sq_norms(X):
    """Squared Euclidean norm of every column of a dense or sparse matrix."""
    if sp.issparse(X):
        return np.asarray(X.multiply(X).sum(axis=0)).ravel().astype(np.float64)
    return np.einsum("ij,ij->j", X, X)


def block_gram(X, block):
    """Dense ``X[:, block].T @ X[:, block]`` for a small block of columns."""
    Xb = X[:, block]
    if sp.issparse(Xb):
        return (Xb.T @ Xb).toarray()
    return Xb.T @ Xb


def check_pair(y, Xw, name="y"):
    """Targets and predictions of one evaluation: real 1-D arrays of one length, finite
    targets (a TypeError or ValueError naming the argument otherwise)."""
    y, Xw = np.asarray(y), np.asarray(Xw)
    for label, a in ((name, y), ("Xw", Xw)):
        if a.dtype.kind not in "biuf":
            raise TypeError(f"{label} must hold real numbers, got dtype {a.dtype}.")
    if y.ndim != 1 or Xw.shape != y.shape:
        raise ValueError(f"{name} and Xw must be 1-D arrays of one length, got shapes "
                         f"{y.shape} and {Xw.shape}.")
    if not np.all(np.isfinite(y)):
        raise ValueError(f"{name} contains NaN or infinity.")
    return np.asarray(y, dtype=np.float64), np.asarray(Xw, dtype=np.float64)


class GLMDatafit(ParamsMixin):
    """Base class for datafits of the form ``F(w) = f(Xw)`` with ``f`` separable over samples.

    ``f(z) = (1/n) sum_i loss(y_i, z_i)``. A subclass writes the Python reference methods
    (``value``, ``raw_grad``, ``raw_hessian``, ``dual``, ...) and, in the same module, the
    scalar Numba kernels of ``loss`` (value, derivatives, exact differences, conjugate) that
    the solvers reach through :mod:`sparseopt.datafits.dispatch`. It declares what the engine
    needs:

    - ``code``: the datafit's case in the dispatch switch (-1: no kernels);
    - ``curvature``: ``c`` with ``loss'' <= c``, so ``H_b = c X_b^T X_b / n`` majorises the
      block Hessian everywhere;
    - ``is_least_squares``: ``loss(y, z) = (y - z)^2 / 2``. The engine then runs on the
      residual ``z - y`` (a coordinate gradient is one dot product), centres dense data
      instead of fitting an intercept, keeps greedy gradients current through a Gram matrix
      and may polish with an exact Newton step on the support.
    """

    code = -1
    curvature = 1.0
    is_least_squares = False

    def kernel_params(self):
        """The float64 parameter array the kernels receive (empty: no parameter)."""
        return np.zeros(0)

    def check_y(self, y):
        """Targets in the datafit's domain (ValueError naming y otherwise); any real here."""
        return y

    def gradient(self, X, y, Xw):
        """Gradient ``X^T f'(Xw)`` with respect to ``w``."""
        return X.T @ self.raw_grad(y, Xw)

    def lipschitz(self, X):
        """Per-coordinate Lipschitz constants ``L_j = c ||X_j||^2 / n`` of the gradient."""
        return self.curvature * column_sq_norms(X) / X.shape[0]

    def block_bound(self, X, block):
        """Matrix bound ``H_b = c X_b^T X_b / n``, above the block Hessian everywhere."""
        return self.curvature * block_gram(X, np.asarray(block)) / X.shape[0]

    def block_lipschitz(self, X, block):
        """Block constant ``L_b = lambda_max(H_b)`` (the block gradient is L_b-Lipschitz)."""
        block = np.asarray(block)
        if block.size == 1:
            return float(self.lipschitz(X[:, block])[0])
        return float(np.linalg.eigvalsh(self.block_bound(X, block))[-1])

    def global_lipschitz(self, X):
        """Lipschitz constant of the full gradient, ``c ||X||_2^2 / n``."""
        from scipy.sparse.linalg import svds

        if sp.issparse(X) or min(X.shape) > 500:
            if min(X.shape) == 1:
                return self.curvature * float(column_sq_norms(X).sum()) / X.shape[0]
            s = svds(sp.csc_matrix(X) if sp.issparse(X) else X, k=1, return_singular_vectors=False)
            smax = float(s[0])
        else:
            smax = float(np.linalg.norm(X, 2))
        return self.curvature * smax**2 / X.shape[0]

    def dual_point(self, y, Xw):
        """The residual-based dual point ``theta_hat = -f'(Xw)`` (before rescaling)."""
        return -self.raw_grad(y, Xw)
