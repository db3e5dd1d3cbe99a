"""CoLiDE / DAGMA scores, gradients and closed-form noise scales (NumPy reference)."""

import numpy as np

MODES = ("equal", "nonequal", "fixed")


def residual_diag(C, W):
    """``diag(R)`` with ``R = (I - W)^T C (I - W)``: ``R_jj = ||x_j - X w_j||^2 / n``."""
    D = np.eye(C.shape[0]) - W
    return np.maximum(np.einsum("ij,ij->j", C @ D, D), 0.0)


def noise_scale_hat(C, W, variance, floor):
    """Closed-form minimiser of the score over the noise scale(s), floored at ``floor``."""
    Rd = residual_diag(C, W)
    if variance == "equal":
        return max(np.sqrt(Rd.sum() / C.shape[0]), float(np.max(floor)))
    if variance == "nonequal":
        return np.maximum(np.sqrt(Rd), floor)
    return 1.0


def score(C, W, sigma, variance):
    """Score: EV tr R/(2 sigma) + d sigma/2; NV sum_j R_jj/(2 sigma_j) + sigma_j/2; fixed tr R/2."""
    Rd = residual_diag(C, W)
    if variance == "equal":
        return Rd.sum() / (2 * sigma) + C.shape[0] * sigma / 2
    if variance == "nonequal":
        sigma = np.asarray(sigma)
        return float(np.sum(Rd / (2 * sigma) + sigma / 2))
    return 0.5 * Rd.sum()


def score_grad(C, W, sigma, variance):
    """Gradient in W: ``-C (I - W) Sigma^{-1}``."""
    G = -C @ (np.eye(C.shape[0]) - W)
    if variance == "equal":
        return G / sigma
    if variance == "nonequal":
        return G / np.asarray(sigma)[None, :]
    return G
