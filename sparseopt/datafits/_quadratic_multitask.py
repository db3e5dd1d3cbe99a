"""Multi-task least squares (a matrix of coefficients, one column per task)."""

import numpy as np

from ..utils import ParamsMixin, check_finite_array
from ._base import column_sq_norms


def _as_pair(Y, Z):
    Y, Z = np.asarray(Y), np.asarray(Z)
    for name, a in (("Y", Y), ("Z", Z)):
        if a.dtype.kind not in "biuf":
            raise TypeError(f"{name} must hold real numbers, got dtype {a.dtype}.")
    Y = np.asarray(Y, dtype=np.float64)
    Z = np.asarray(Z, dtype=np.float64)
    check_finite_array("Y", Y)
    if Y.ndim != 2 or Y.shape != Z.shape:
        raise ValueError(f"Y (targets) and Z (predictions X @ W) must be 2-D arrays of the same "
                         f"shape (n_samples, n_tasks); got {Y.shape} and {Z.shape}.")
    return Y, Z


class QuadraticMultiTask(ParamsMixin):
    r"""Multi-task least squares, ``F(W) = ||Y - X W||_F^2 / (2n)`` with ``W`` of shape
    ``(n_features, n_tasks)``.

    scikit-learn's :class:`~sklearn.linear_model.MultiTaskLasso` datafit (skglm's
    ``QuadraticMultiTask``). The methods take the predictions ``Z = X W`` (plus intercept)
    like the other datafits take ``Xw``.

    Notes
    -----
    .. math::

        F(W) = \frac{1}{2n}\|Y - XW\|_F^2, \qquad \nabla F(W) = \frac1n X^\top(XW - Y).

    The gradient in ``W`` is ``X^T (XW - Y) / n``; a row ``W_j`` has the exact curvature
    ``||X_j||^2 / n`` (``row_lipschitz``), so block coordinate descent over rows (with the
    penalty ``GroupL2(alpha, groups=n_tasks)``, the L2,1 norm of the rows) minimises each
    row exactly. The dual is ``D(Theta) = <Y, Theta> - n ||Theta||_F^2 / 2``, ``n``-strongly
    concave.

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.datafits import QuadraticMultiTask
    >>> QuadraticMultiTask().value(np.ones((2, 3)), np.zeros((2, 3)))
    1.5
    """

    code = -1
    curvature = 1.0
    is_least_squares = True

    def value(self, Y, Z):
        """``||Y - Z||_F^2 / (2n)``."""
        Y, Z = _as_pair(Y, Z)
        R = Y - Z
        return float(np.sum(R * R)) / (2 * Y.shape[0])

    def raw_grad(self, Y, Z):
        """Derivative with respect to ``Z``: ``(Z - Y) / n``."""
        Y, Z = _as_pair(Y, Z)
        return (Z - Y) / Y.shape[0]

    def raw_hessian(self, Y, Z):
        """``1 / n`` per entry."""
        return np.full(np.shape(Y), 1.0 / np.shape(Y)[0])

    def gradient(self, X, Y, Z):
        """Gradient in ``W``: ``X^T (Z - Y) / n``."""
        return np.asarray(X.T @ self.raw_grad(Y, Z))

    def row_lipschitz(self, X, Y=None):
        """Row constants ``||X_j||^2 / n`` (``Y`` is not needed)."""
        return column_sq_norms(X) / X.shape[0]

    def dual(self, Y, Theta):
        """``<Y, Theta> - n ||Theta||_F^2 / 2``."""
        Y, Theta = _as_pair(Y, Theta)
        return float(np.sum(Y * Theta)) - 0.5 * Y.shape[0] * float(np.sum(Theta * Theta))

    def dual_modulus(self, n_samples):
        """``n``."""
        return float(n_samples)

    def null_intercept(self, Y):
        """The intercept at ``W = 0``: the column means of ``Y``."""
        return np.asarray(Y, dtype=np.float64).mean(axis=0)
