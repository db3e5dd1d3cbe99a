"""Least squares with sample weights, solved as unweighted least squares on rescaled rows."""

import numpy as np
import scipy.sparse as sp

from ..utils import check_sample_weight
from ._base import GLMDatafit, check_pair
from ._quadratic import Quadratic
from ._weighted import normalised


class WeightedQuadratic(GLMDatafit):
    r"""Weighted least squares, ``F(w) = sum_i s_i (y_i - x_i^T w)^2 / (2 sum_i s_i)``.

    skglm's ``WeightedQuadratic``; with weights rescaled to sum to ``n`` it is
    scikit-learn's weighted Lasso / ElasticNet datafit, and integer weights equal the
    replication of rows.

    Parameters
    ----------
    sample_weight : array-like of shape (n_samples,)
        Weights ``s_i >= 0`` with a positive sum.

    Notes
    -----
    .. math::

        F(w) = \frac{\sum_i s_i (y_i - x_i^\top w)^2}{2\sum_i s_i}

    With ``c_i = n s_i / sum(s)``, ``F(w) = ||sqrt(c) * (y - Xw)||^2 / (2n)``: the problem is
    least squares on the rows scaled by ``sqrt(c_i)``, which is how the solvers run it
    (``reduce_problem``: exact, Gap Safe screening and the duality gap included). With an
    intercept the data are first centred by their weighted means (dense ``X``; with sparse
    ``X`` and an intercept the centring would densify ``X``: refused).

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.datafits import WeightedQuadratic
    >>> WeightedQuadratic([1.0, 3.0]).value(np.array([1.0, 2.0]), np.zeros(2))
    1.625
    """

    curvature = 1.0
    is_least_squares = True

    def __init__(self, sample_weight=None):
        self.sample_weight = sample_weight

    def _c(self, n):
        return normalised(self.sample_weight, n)

    def value(self, y, Xw):
        """Weighted mean of ``(y - Xw)^2 / 2``."""
        y, Xw = check_pair(y, Xw)
        r = y - Xw
        return float(self._c(y.shape[0]) @ (r * r)) / (2 * y.shape[0])

    def raw_grad(self, y, Xw):
        """Derivative with respect to ``Xw``: ``c (Xw - y) / n``."""
        return self._c(y.shape[0]) * (Xw - y) / y.shape[0]

    def raw_hessian(self, y, Xw):
        """``c / n``."""
        return self._c(y.shape[0]) / y.shape[0]

    def lipschitz(self, X):
        """``L_j = sum_i c_i X_ij^2 / n``."""
        c = self._c(X.shape[0])
        if sp.issparse(X):
            return np.asarray(X.multiply(X).T @ c).ravel() / X.shape[0]
        return np.einsum("ij,ij,i->j", X, X, c) / X.shape[0]

    def dual(self, y, theta):
        """Fenchel dual ``<y, theta> - (n / 2) sum_i theta_i^2 / c_i`` (``-inf`` if a
        zero-weight sample has ``theta_i != 0``)."""
        n = y.shape[0]
        c = self._c(n)
        if np.any((c == 0) & (theta != 0)):
            return -np.inf
        pos = c > 0
        return float(y @ theta) - 0.5 * n * float(np.sum(theta[pos] ** 2 / c[pos]))

    def dual_modulus(self, n_samples):
        """Strong-concavity modulus of the dual, ``n / max(c)``."""
        return float(n_samples) / float(np.max(self._c(n_samples)))

    def best_intercept(self, y, Xw_no_intercept, b0=0.0):
        """Optimal intercept for fixed ``w``: the weighted mean residual."""
        return float(np.average(y - Xw_no_intercept, weights=self._c(y.shape[0])))

    def reduce_problem(self, X, y, fit_intercept):
        """The equivalent unweighted problem ``(Quadratic(), X', y', offsets)``.

        Rows are scaled by ``sqrt(c_i)`` after centring by the weighted means when
        ``fit_intercept`` (then ``offsets = (x_mean, y_mean)`` and the intercept is
        ``y_mean - x_mean^T w``; else None).
        """
        n = X.shape[0]
        s = check_sample_weight(self.sample_weight, n)
        c = s * (n / s.sum())
        y = np.asarray(y, dtype=np.float64)
        offsets = None
        if fit_intercept:
            if sp.issparse(X):
                raise ValueError("sample_weight with sparse X and fit_intercept=True is not "
                                 "supported (the weighted centring would densify X); use "
                                 "dense X or fit_intercept=False.")
            x_mean = np.average(X, axis=0, weights=c)
            y_mean = float(np.average(y, weights=c))
            X = X - x_mean
            y = y - y_mean
            offsets = (x_mean, y_mean)
        root = np.sqrt(c)
        Xs = sp.diags(root) @ X if sp.issparse(X) else X * root[:, None]
        return Quadratic(), Xs, y * root, offsets
