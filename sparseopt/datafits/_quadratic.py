"""Least-squares datafit with scikit-learn's 1/(2n) scaling."""

import numpy as np

from ._base import GLMDatafit


class Quadratic(GLMDatafit):
    r"""Least squares, ``F(w) = ||y - Xw||^2 / (2 n)``.

    Notes
    -----
    With :math:`z = Xw`,

    .. math::

        f(z) = \frac{1}{2n}\|y - z\|_2^2, \qquad
        f^*(-\theta) \Rightarrow D(\theta) = \langle y, \theta\rangle - \frac{n}{2}\|\theta\|_2^2,

    so the dual objective is ``n``-strongly concave (``dual_modulus``). The exact block Hessian is
    ``X_b^T X_b / n``, hence ``L_j = ||X_j||^2 / n``.

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.datafits import Quadratic
    >>> X = np.eye(2); y = np.array([1.0, -1.0])
    >>> Quadratic().value(y, X @ np.zeros(2))
    0.5
    """

    code = 0
    curvature = 1.0

    def value(self, y, Xw):
        """Value ``||y - Xw||^2 / (2 n)``."""
        r = y - Xw
        return float(r @ r) / (2 * y.shape[0])

    def raw_grad(self, y, Xw):
        """Derivative with respect to ``Xw``: ``(Xw - y) / n``."""
        return (Xw - y) / y.shape[0]

    def raw_hessian(self, y, Xw):
        """Second derivative with respect to each ``(Xw)_i``: ``1 / n``."""
        return np.full(y.shape[0], 1.0 / y.shape[0])

    def dual(self, y, theta):
        """Fenchel dual objective ``<y, theta> - n ||theta||^2 / 2``."""
        return float(y @ theta) - 0.5 * y.shape[0] * float(theta @ theta)

    def dual_modulus(self, n_samples):
        """Strong-concavity modulus of the dual, ``n``."""
        return float(n_samples)

    def best_intercept(self, y, Xw_no_intercept):
        """Optimal intercept for fixed ``w``: the mean residual."""
        return float(np.mean(y - Xw_no_intercept))
