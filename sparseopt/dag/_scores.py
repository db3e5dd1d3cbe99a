r"""The DAG scores of CoLiDE and DAGMA, each defined once.

With the centred sample covariance ``C = Xc^T Xc / n`` and the residual Gram
``R(W) = (I - W)^T C (I - W)`` (so ``R_jj = ||xc_j - Xc w_j||^2 / n``):

================  ==========================================  =============================
score             :math:`S(W, \sigma)`                         exact minimiser over sigma
================  ==========================================  =============================
'equal' (EV)      ``tr R / (2 sigma) + d sigma / 2``           ``sqrt(tr R / d)``
'nonequal' (NV)   ``sum_j R_jj / (2 sigma_j) + sigma_j / 2``   ``sqrt(R_jj)``
'fixed' (DAGMA)   ``tr R / 2``                                 sigma held at 1
================  ==========================================  =============================

(the minimisers are floored at ``noise_scale_min``). The gradient in ``W`` is the same
expression for all three, ``-C (I - W) Sigma^{-1}`` with ``Sigma`` the diagonal matrix of the
scales, one per column (all equal for EV, ones for DAGMA): :meth:`Score.grad` writes it once, in
the operation order of the dagma package, and the fused kernel of :mod:`._kernels` divides by the
same per-column scale vector (:meth:`Score.scale_vector`). The only mode-dependent step of the
kernel, the noise-scale update, switches on the score's integer :attr:`Score.code`.

This module is NumPy only; the compiled counterparts live in :mod:`._kernels`.
"""

from abc import ABC, abstractmethod

import numpy as np

#: Kernel codes of the scores (the switch value of the compiled noise-scale update).
EQUAL, NONEQUAL, FIXED = 0, 1, 2


def residual_diag(C, W):
    """``diag(R)`` with ``R = (I - W)^T C (I - W)``: ``R_jj = ||x_j - X w_j||^2 / n``."""
    D = np.eye(C.shape[0]) - W
    return np.maximum(np.einsum("ij,ij->j", C @ D, D), 0.0)


def log_det_barrier(W, s):
    """``h_s(W) = -log det(s I - W o W) + d log s`` through ``slogdet`` (no input checks)."""
    d = W.shape[0]
    sign, logdet = np.linalg.slogdet(s * np.eye(d) - W * W)
    return -logdet + d * np.log(s)


class Score(ABC):
    """A concomitant DAG score ``S(W, sigma)``: value, gradient, exact scale update, kernel code.

    The noise scale is a float ('equal'), a (d,) array ('nonequal') or 1.0 ('fixed'); the floor
    has the same form. Subclasses define the mode-dependent parts.
    """

    name = None
    code = None
    #: Margin kept inside the log-det domain (the dagma package uses 0).
    domain_slack = 1e-6
    #: Whether the noise scale is estimated (False: held at 1).
    estimates_scale = True
    #: Whether there is one scale (and one floor) per node.
    per_node = False

    def floor(self, C, noise_scale_min):
        """The floor of the noise scale: ``noise_scale_min``, or 1e-3 times the RMS std."""
        if noise_scale_min is None:
            noise_scale_min = 1e-3 * np.sqrt(max(np.trace(C), 0.0) / C.shape[0])
        return float(np.max(noise_scale_min))

    @abstractmethod
    def sigma_hat(self, C, W, floor):
        """The exact minimiser of :meth:`value` over the scale(s), floored."""

    @abstractmethod
    def value(self, C, W, sigma):
        """``S(W, sigma)``."""

    def scale_vector(self, sigma, d):
        """The per-column scales dividing the gradient, as a (d,) float64 array."""
        return np.full(d, float(sigma))

    def from_vector(self, sig):
        """The scale in this score's form from a (d,) kernel vector (inverse of the above)."""
        return float(sig[0])

    def grad(self, C, W, sigma, mu=1.0):
        """``mu dS/dW = -mu C (I - W) Sigma^{-1}``, in the dagma package's operation order.

        The order matters for bit-for-bit parity: ``sign(W)`` of entries near 0 makes the
        central path sensitive to the last bit.
        """
        d = C.shape[0]
        return (-mu * C @ (np.eye(d) - W)) / self.scale_vector(sigma, d)[None, :]

    def path_objective(self, C, W, sigma, mu, alpha, s):
        """``mu [S(W, sigma) + alpha ||W||_1] + h_s(W)``; returns (objective, S, h_s)."""
        h = log_det_barrier(W, s)
        sc = self.value(C, W, sigma)
        return mu * (sc + alpha * np.abs(W).sum()) + h, sc, h


class EqualVariance(Score):
    """CoLiDE-EV: one noise scale for all nodes."""

    name, code = "equal", EQUAL

    def sigma_hat(self, C, W, floor):
        return max(np.sqrt(residual_diag(C, W).sum() / C.shape[0]), float(np.max(floor)))

    def value(self, C, W, sigma):
        return residual_diag(C, W).sum() / (2 * sigma) + C.shape[0] * sigma / 2


class NonEqualVariance(Score):
    """CoLiDE-NV: one noise scale per node."""

    name, code = "nonequal", NONEQUAL
    per_node = True

    def floor(self, C, noise_scale_min):
        if noise_scale_min is None:
            noise_scale_min = 1e-3 * np.sqrt(max(np.trace(C), 0.0) / C.shape[0])
        return np.broadcast_to(np.asarray(noise_scale_min, dtype=np.float64),
                               (C.shape[0],)).copy()

    def sigma_hat(self, C, W, floor):
        return np.maximum(np.sqrt(residual_diag(C, W)), floor)

    def value(self, C, W, sigma):
        sigma = np.asarray(sigma)
        return float(np.sum(residual_diag(C, W) / (2 * sigma) + sigma / 2))

    def scale_vector(self, sigma, d):
        return np.array(np.broadcast_to(np.asarray(sigma, dtype=np.float64), (d,)))

    def from_vector(self, sig):
        return sig.copy()


class FixedVariance(Score):
    """DAGMA's least squares: the scale is held at 1 (no ``d sigma / 2`` term)."""

    name, code = "fixed", FIXED
    domain_slack = 0.0
    estimates_scale = False

    def sigma_hat(self, C, W, floor):
        return 1.0

    def value(self, C, W, sigma):
        return 0.5 * residual_diag(C, W).sum()

    def scale_vector(self, sigma, d):
        return np.ones(d)

    def from_vector(self, sig):
        return 1.0


SCORES = {cls.name: cls() for cls in (EqualVariance, NonEqualVariance, FixedVariance)}


def get_score(variance):
    """The :class:`Score` of a variance mode ('equal', 'nonequal' or 'fixed')."""
    return SCORES[variance]


# Functional forms (the reference used by the tests).
def noise_scale_hat(C, W, variance, floor):
    """Closed-form minimiser of the score over the noise scale(s), floored at ``floor``."""
    return SCORES[variance].sigma_hat(C, W, floor)


def score(C, W, sigma, variance):
    """Score: EV tr R/(2 sigma) + d sigma/2; NV sum_j R_jj/(2 sigma_j) + sigma_j/2; fixed tr R/2."""
    return SCORES[variance].value(C, W, sigma)


def score_grad(C, W, sigma, variance):
    """Gradient in W: ``-C (I - W) Sigma^{-1}``."""
    return SCORES[variance].grad(C, W, sigma)
