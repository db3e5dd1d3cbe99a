"""Multinomial (softmax) logistic loss with one-hot targets and 1/n scaling: class and kernel."""

import numpy as np
from scipy.special import logsumexp, softmax

from ..utils import ParamsMixin, njit
from ._base import block_gram, column_sq_norms


def _as_scores(Y, Z):
    Y = np.asarray(Y, dtype=np.float64)
    Z = np.asarray(Z, dtype=np.float64)
    if Y.ndim != 2 or Y.shape != Z.shape:
        raise ValueError(f"Y (one-hot targets) and Z (scores X @ W) must be 2-D arrays of the same "
                         f"shape (n_samples, n_classes); got {Y.shape} and {Z.shape}.")
    return Y, Z


def bohning_matrix(n_classes_block, n_classes):
    """Bohning's curvature bound ``(1/2)(I_m - 1 1^T / k)`` with ``k = min(K, m + 1)``.

    ``diag(p) - p p^T`` restricted to any ``m`` of the ``K`` classes is below this matrix for
    every probability vector ``p`` (Bohning 1992 for ``m = K``; for ``m < K`` the restricted
    matrix is a principal submatrix, whose bound improves to ``k = m + 1``).
    """
    m = int(n_classes_block)
    k = min(int(n_classes), m + 1)
    return 0.5 * (np.eye(m) - np.ones((m, m)) / k)


class Multinomial(ParamsMixin):
    r"""Softmax cross-entropy, ``F(W) = (1/n) sum_i [lse(z_i) - z_{i, y_i}]`` with ``Z = X W``.

    The targets are one-hot rows ``Y`` of shape ``(n_samples, n_classes)`` and the coefficients a
    matrix ``W`` of shape ``(n_features, n_classes)``; the methods take the scores ``Z = X W``
    (plus intercept) instead of ``W``, as the other datafits take ``Xw``. Sample weights ride
    on the targets: a row ``Y_i = s_i e_{y_i}`` (weight times indicator) weighs sample ``i``
    by ``s_i = sum_c Y_ic``, and the loss is

    .. math::

        F(W) = \frac1n\sum_i \left(s_i\,\mathrm{lse}(z_i) - \langle Y_i, z_i\rangle\right)

    (one-hot rows: ``s_i = 1``).

    Notes
    -----
    The Hessian of one sample's loss with respect to its scores is ``diag(p) - p p^T`` with
    ``p = softmax(z)``. Bohning's bound ``diag(p) - p p^T <= B = (I_K - 1 1^T / K) / 2`` gives
    the block majoriser ``H_b = (X_f^T X_f / n) (x) B_m`` for a block of features ``f`` and
    classes ``c`` (``m = |c|``, ``B_m`` from :func:`bohning_matrix`), the row constants
    ``||X_j||^2 / (2n)`` (blocks = rows of ``W``) and the entry constants ``||X_j||^2 / (4n)``
    (``p_c (1 - p_c) <= 1/4``). The Fenchel dual is

    .. math::

        D(\Theta) = -\frac{1}{n}\sum_i \sum_c q_{ic}\log\frac{q_{ic}}{s_i}, \qquad
        q_i = Y_i - n\theta_i,

    defined when every ``q_i`` lies in ``s_i`` times the probability simplex; with one-hot rows
    it is ``n``-strongly concave. With weights the Hessian bounds scale by ``s_i`` per sample
    (row constants ``sum_i s_i X_ij^2 / (2n)``).
    The kernel :func:`softmax_row` gives one sample's probabilities ``p_i = softmax(z_i)``.

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.datafits import Multinomial
    >>> Y = np.eye(3)[[0, 1, 2, 1]]
    >>> round(Multinomial().value(Y, np.zeros((4, 3))), 6)  # log(3) at W = 0
    1.098612
    >>> bool(np.allclose(Multinomial().raw_grad(Y, np.zeros((4, 3))).sum(axis=1), 0.0))
    True
    """

    code = -1  # no scalar kernels: the row solver uses ``softmax_row``

    def value(self, Y, Z):
        """Mean cross-entropy of ``softmax(Z)`` against the one-hot ``Y``."""
        Y, Z = _as_scores(Y, Z)
        return float(np.mean(Y.sum(axis=1) * logsumexp(Z, axis=1) - np.sum(Z * Y, axis=1)))

    def raw_grad(self, Y, Z):
        """Derivative with respect to the scores: ``(s softmax(Z) - Y) / n``."""
        Y, Z = _as_scores(Y, Z)
        return (Y.sum(axis=1)[:, None] * softmax(Z, axis=1) - Y) / Y.shape[0]

    def raw_hessian(self, Y, Z):
        """Per-sample Hessians with respect to the scores, ``s_i (diag(p_i) - p_i p_i^T) / n``.

        Returns an array of shape ``(n_samples, n_classes, n_classes)``.
        """
        Y, Z = _as_scores(Y, Z)
        P = softmax(Z, axis=1)
        H = -P[:, :, None] * P[:, None, :]
        idx = np.arange(P.shape[1])
        H[:, idx, idx] += P
        return H * (Y.sum(axis=1) / Y.shape[0])[:, None, None]

    def gradient(self, X, Y, Z):
        """Gradient with respect to ``W``: ``X^T (softmax(Z) - Y) / n``, shape (p, K)."""
        return np.asarray(X.T @ self.raw_grad(Y, Z))

    def lipschitz(self, X, n_classes):
        """Entry constants ``L_jc = ||X_j||^2 / (4n)`` as an array of shape (p, K)."""
        return np.repeat((column_sq_norms(X) / (4.0 * X.shape[0]))[:, None], int(n_classes),
                         axis=1)

    def row_lipschitz(self, X, Y=None):
        """Row constants ``sum_i s_i X_ij^2 / (2n)`` (block = one row of ``W``; Bohning,
        ``m = K``); ``||X_j||^2 / (2n)`` for one-hot ``Y`` or None."""
        if Y is None:
            return column_sq_norms(X) / (2.0 * X.shape[0])
        s = np.asarray(Y, dtype=np.float64).sum(axis=1)
        sq = X.multiply(X).T @ s if hasattr(X, "multiply") else (X * X).T @ s
        return np.asarray(sq).ravel() / (2.0 * X.shape[0])

    def block_bound(self, X, features, classes, n_classes):
        """Bohning block majoriser ``(X_f^T X_f / n) (x) B_m`` of the Hessian.

        The block's variables are ``W[features][:, classes]`` raveled in C order (feature-major),
        so the bound is ``kron(G, B_m)`` with ``G = X_f^T X_f / n``. With all ``K`` classes it
        is singular along ``1`` (the softmax shift): solve on the complement, e.g. with
        ``np.linalg.pinv``.
        """
        features = np.atleast_1d(np.asarray(features))
        classes = np.atleast_1d(np.asarray(classes))
        if classes.size > n_classes or np.any((classes < 0) | (classes >= n_classes)):
            raise ValueError(f"classes must be distinct indices in [0, {n_classes}); got "
                             f"{classes.tolist()}.")
        G = block_gram(X, features) / X.shape[0]
        return np.kron(G, bohning_matrix(classes.size, n_classes))

    def global_lipschitz(self, X):
        """Lipschitz constant of the full gradient, ``||X||_2^2 / (2n)``."""
        from ._quadratic import Quadratic

        return 0.5 * Quadratic().global_lipschitz(X)

    def dual_point(self, Y, Z):
        """The residual dual point ``Theta_hat = (Y - softmax(Z)) / n`` (before rescaling)."""
        return -self.raw_grad(Y, Z)

    def dual(self, Y, Theta):
        """Fenchel dual objective (``-inf`` outside the simplex domain)."""
        Y, Theta = _as_scores(Y, Theta)
        n = Y.shape[0]
        s = Y.sum(axis=1)
        Q = Y - n * Theta
        if np.any(Q < -1e-12) or np.any(np.abs(Q.sum(axis=1) - s) > 1e-9 * np.maximum(s, 1.0)):
            return -np.inf
        Q = np.clip(Q, 0.0, None)
        with np.errstate(divide="ignore", invalid="ignore"):
            ent = np.where(Q > 0, Q * np.log(Q / s[:, None]), 0.0)
        return float(-ent.sum() / n)

    def dual_modulus(self, n_samples):
        """Strong-concavity modulus of the dual, ``n``."""
        return float(n_samples)

    def null_intercept(self, Y):
        """The optimal intercept at ``W = 0``: the log (weighted) class frequencies
        (centred)."""
        Y = np.asarray(Y, dtype=np.float64)
        prior = np.clip(Y.sum(axis=0) / Y.sum(), 1e-12, None)
        return np.log(prior) - np.log(prior).mean()


# ---------------------------------------------------------------- kernel (one sample)
@njit(cache=True, inline="always")
def softmax_row(Z, i, out):
    """``out = softmax(Z[i])`` (shifted by the row maximum: no overflow)."""
    K = Z.shape[1]
    m = Z[i, 0]
    for c in range(1, K):
        if Z[i, c] > m:
            m = Z[i, c]
    s = 0.0
    for c in range(K):
        out[c] = np.exp(Z[i, c] - m)
        s += out[c]
    for c in range(K):
        out[c] /= s
