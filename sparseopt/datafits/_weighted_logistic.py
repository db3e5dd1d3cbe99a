"""Binary logistic loss with sample weights: the class, and the signed-weight form the
solvers run (its kernels: the targets carry the label times the sample's weight)."""

import numpy as np
from scipy.special import log_expit, xlogy

from ..utils import njit
from ._base import GLMDatafit, check_pair, column_sq_norms
from ._intercept import monotone_root
from ._logistic import log1pexp, sigmoid
from ._logistic import loss_diff as _unit_loss_diff
from ._weighted import normalised

CODE = 5


def _check_labels(y):
    y = np.asarray(y, dtype=np.float64)
    if not np.all(np.isin(y, (-1.0, 1.0))):
        raise ValueError("y must hold -1 and 1 with the WeightedLogistic datafit.")
    return y


class WeightedLogistic(GLMDatafit):
    r"""Logistic loss with sample weights,
    ``F(w) = sum_i s_i log(1 + exp(-y_i x_i^T w)) / sum_i s_i`` (``y_i`` in {-1, 1}).

    With weights rescaled to sum to ``n`` (``c_i = n s_i / sum(s)``) this is
    ``(1/n) sum_i c_i log(1 + exp(-y_i x_i^T w))``, and integer weights equal the
    replication of rows.

    Parameters
    ----------
    sample_weight : array-like of shape (n_samples,)
        Weights ``s_i >= 0`` with a positive sum.

    Notes
    -----
    .. math::

        F(w) = \frac{\sum_i s_i \log(1 + e^{-y_i x_i^\top w})}{\sum_i s_i}

    The solvers run the equivalent problem of ``reduce_problem``: the same loss written with
    signed targets ``t_i = c_i y_i`` (label and weight in one number), whose per-sample
    kernels are ``|t| log(1 + exp(-sign(t) z))`` and its derivatives; the curvature bound is
    ``max(c) / 4`` and the coordinate constants ``sum_i c_i X_ij^2 / (4n)``. The conjugate
    of a weighted sample is ``c h(-u y / c)`` with ``h`` the logistic one, so the duality gap
    certifies as without weights.

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.datafits import WeightedLogistic
    >>> round(WeightedLogistic([1.0, 3.0]).value(np.array([1.0, -1.0]), np.zeros(2)), 6)
    0.693147
    """

    curvature = 0.25

    def __init__(self, sample_weight=None):
        self.sample_weight = sample_weight

    def _c(self, n):
        return normalised(self.sample_weight, n)

    def check_y(self, y):
        """Targets in {-1, 1} (ValueError naming y otherwise)."""
        return _check_labels(y)

    def value(self, y, Xw):
        """Weighted mean logistic loss."""
        y, Xw = check_pair(y, Xw)
        y = _check_labels(y)
        return float(-self._c(y.shape[0]) @ log_expit(y * Xw)) / y.shape[0]

    def raw_grad(self, y, Xw):
        """Derivative with respect to ``Xw``: ``-c y sigma(-y Xw) / n``."""
        return -self._c(y.shape[0]) * y / (1.0 + np.exp(y * Xw)) / y.shape[0]

    def raw_hessian(self, y, Xw):
        """``c sigma (1 - sigma) / n``."""
        s = 1.0 / (1.0 + np.exp(-Xw))
        return self._c(y.shape[0]) * s * (1.0 - s) / y.shape[0]

    def dual(self, y, theta):
        """The dual of the signed-weight form at ``theta``."""
        return SignedLogistic(self._c(y.shape[0])).dual(y * self._c(y.shape[0]), theta)

    def lipschitz(self, X):
        c = self._c(X.shape[0])
        return SignedLogistic(c).lipschitz(X)

    def dual_modulus(self, n_samples):
        return 4.0 * n_samples / float(np.max(self._c(n_samples)))

    def best_intercept(self, y, Xw_no_intercept, b0=0.0):
        """Optimal intercept for fixed ``w`` (a 1-D monotone root)."""
        return monotone_root(self, y, Xw_no_intercept, b0)

    def reduce_problem(self, X, y, fit_intercept):
        """``(SignedLogistic(c), X, c y, None)``: the signed-weight form."""
        y = _check_labels(y)
        c = self._c(y.shape[0])
        return SignedLogistic(c), X, c * y, None


class SignedLogistic(GLMDatafit):
    r"""The logistic loss on signed targets ``t = c y`` (weight times label), the form
    :class:`WeightedLogistic` is solved in.

    Parameters
    ----------
    weights : array-like of shape (n_samples,)
        The weights ``c_i = |t_i|`` (they give the curvature bound ``max(c) / 4``).

    Notes
    -----
    .. math::

        F(w) = \frac1n\sum_i |t_i| \log\left(1 + e^{-\mathrm{sign}(t_i) x_i^\top w}\right).

    Label and weight travel as one number per sample, so the per-sample kernels of the
    weighted loss need no second array.

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.datafits import SignedLogistic, WeightedLogistic
    >>> y, c = np.array([1.0, -1.0]), np.array([0.5, 1.5])
    >>> z = np.array([0.3, 0.2])
    >>> a = SignedLogistic(c).value(c * y, z)
    >>> bool(np.isclose(a, WeightedLogistic(c).value(y, z)))
    True
    """

    code = CODE

    def __init__(self, weights=None):
        self.weights = weights

    @property
    def curvature(self):
        """``max(c) / 4``."""
        return 0.25 * float(np.max(self.weights))

    def value(self, t, Xw):
        t, Xw = check_pair(t, Xw, "t")
        c = np.abs(t)
        return float(-c @ log_expit(np.sign(t) * Xw)) / t.shape[0]

    def raw_grad(self, t, Xw):
        return -t / (1.0 + np.exp(np.sign(t) * Xw)) / t.shape[0]

    def raw_hessian(self, t, Xw):
        s = 1.0 / (1.0 + np.exp(-Xw))
        return np.abs(t) * s * (1.0 - s) / t.shape[0]

    def lipschitz(self, X):
        c = np.asarray(self.weights, dtype=np.float64)
        if hasattr(X, "multiply"):
            sq = np.asarray(X.multiply(X).T @ c).ravel()
        else:
            sq = np.einsum("ij,ij,i->j", X, X, c) if c.size else column_sq_norms(X)
        return 0.25 * sq / X.shape[0]

    def dual(self, t, theta):
        """``-(1/n) sum_i c_i h(n theta_i / t_i)`` on its domain (``theta_i = 0`` where
        ``t_i = 0``)."""
        n = t.shape[0]
        c = np.abs(t)
        pos = c > 0
        if np.any(~pos & (theta != 0)):
            return -np.inf
        q = n * theta[pos] * np.sign(t[pos]) / c[pos]
        if q.size and (q.min() < -1e-12 or q.max() > 1 + 1e-12):
            return -np.inf
        q = np.clip(q, 0.0, 1.0)
        return float(-(c[pos] * (xlogy(q, q) + xlogy(1 - q, 1 - q))).sum() / n)

    def dual_modulus(self, n_samples):
        return 4.0 * n_samples / float(np.max(self.weights))

    def best_intercept(self, t, Xw_no_intercept, b0=0.0):
        return monotone_root(self, t, Xw_no_intercept, b0)


# ---------------------------------------------------------------- kernels (one sample)
# y is the signed target t = c * label.
@njit(cache=True, inline="always")
def loss(params, y, z):
    """``|t| log(1 + exp(-sign(t) z))``."""
    if y > 0.0:
        return y * log1pexp(-z)
    if y < 0.0:
        return -y * log1pexp(z)
    return 0.0


@njit(cache=True, inline="always")
def loss_grad(params, y, z):
    """``-t sigma(-sign(t) z)``."""
    if y > 0.0:
        return -y * sigmoid(-z)
    return -y * sigmoid(z)


@njit(cache=True, inline="always")
def loss_hess(params, y, z):
    """``|t| sigma(z) (1 - sigma(z))``."""
    s = sigmoid(z)
    return abs(y) * s * (1.0 - s)


@njit(cache=True, inline="always")
def loss_diff(params, y, z, delta):
    """``|t|`` times the unweighted difference (no cancellation for small steps)."""
    if y > 0.0:
        return y * _unit_loss_diff(params, 1.0, z, delta)
    if y < 0.0:
        return -y * _unit_loss_diff(params, -1.0, z, delta)
    return 0.0


@njit(cache=True, inline="always")
def loss_conjugate(params, y, u):
    """``|t| h(-u / t)`` with ``h(q) = q log q + (1 - q) log(1 - q)`` on [0, 1]."""
    c = abs(y)
    if c == 0.0:
        return 0.0 if u == 0.0 else np.inf
    q = -u / y
    if q < -1e-12 or q > 1.0 + 1e-12:
        return np.inf
    q = min(max(q, 0.0), 1.0)
    out = 0.0
    if q > 0.0:
        out += q * np.log(q)
    if q < 1.0:
        out += (1.0 - q) * np.log(1.0 - q)
    return c * out
