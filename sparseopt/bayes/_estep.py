"""E-steps of sparse Bayesian learning: dense (primal / dual) and Kronecker-structured.

All return ``(mu, s, cost, resid2, trace_term)`` with ``mu`` the posterior mean, ``s`` the
diagonal of the posterior covariance, ``cost = log det C + y^H C^{-1} y`` (the type-II cost),
``resid2 = ||y - H mu||^2`` and ``trace_term = sum_j (1 - s_j / gamma_j)`` (for the noise update).
"""

import numpy as np
import scipy.linalg as sla

from ..operators import KroneckerOperator
from ..utils import check_bool, check_complex_array, check_real, check_real_array


def kron_vectors(vs):
    """``v_1 (x) ... (x) v_I`` for 1-D vectors (outer products: cheaper than ``np.kron``)."""
    out = vs[0]
    for v in vs[1:]:
        out = (out[:, None] * v[None, :]).ravel()
    return out


def _check_prior(name, gamma, n):
    """Prior variances: a finite, non-negative vector of length ``n``."""
    gamma = check_real_array(name, gamma, ndim=1)
    if gamma.shape != (n,):
        raise ValueError(f"{name} must have one variance per column ({n}), got shape "
                         f"{gamma.shape}.")
    if np.any(gamma < 0):
        raise ValueError(f"{name} must be >= 0 (prior variances).")
    return gamma


def _check_target(y, n_rows):
    y = check_complex_array(y, "y", ndim=1)
    if y.shape[0] != n_rows:
        raise ValueError(f"y must have {n_rows} entries (the rows of the dictionary), got "
                         f"{y.shape[0]}.")
    return y


def dense_estep(H, y, gamma, sigma2):
    """E-step on a dense dictionary: primal form when N <= M, dual (Woodbury) form otherwise.

    Parameters
    ----------
    H : array-like of shape (M, N), real or complex
    y : array-like of shape (M,), real or complex
    gamma : array-like of shape (N,)
        Prior variances, ``>= 0``.
    sigma2 : float
        Noise variance, ``> 0``.

    Returns
    -------
    mu, s, cost, resid2, trace
        See the module docstring.
    """
    H = check_complex_array(H, "H", ndim=2)
    y = _check_target(y, H.shape[0])
    gamma = _check_prior("gamma", gamma, H.shape[1])
    sigma2 = check_real("sigma2", sigma2, low=0, low_inclusive=False)
    return _dense_estep(H, y, gamma, sigma2)


def _dense_estep(H, y, gamma, sigma2):
    """:func:`dense_estep` on validated arrays (the EM loops call this one)."""
    M, N = H.shape
    if N > M:
        HG = H * gamma  # H Gamma
        C = sigma2 * np.eye(M, dtype=H.dtype) + HG @ H.conj().T
        C = 0.5 * (C + C.conj().T)
        L = np.linalg.cholesky(C)
        Ly = sla.solve_triangular(L, y, lower=True)
        LH = sla.solve_triangular(L, H, lower=True)
        ciy = sla.solve_triangular(L.conj().T, Ly, lower=False)
        mu = gamma * (H.conj().T @ ciy)
        s = gamma - gamma**2 * np.sum(np.abs(LH) ** 2, axis=0)
        logdet = 2.0 * np.sum(np.log(np.abs(np.diag(L))))
        quad = float(np.real(np.vdot(Ly, Ly)))
    else:
        g = np.sqrt(gamma)
        G = (H.conj().T @ H) * np.outer(g, g) / sigma2
        B = np.eye(N, dtype=G.dtype) + 0.5 * (G + G.conj().T)
        L = np.linalg.cholesky(B)
        Linv_g = sla.solve_triangular(L, np.diag(g).astype(B.dtype), lower=True)
        Sigma = Linv_g.conj().T @ Linv_g  # Gamma^1/2 B^-1 Gamma^1/2
        Hy = H.conj().T @ y
        mu = Sigma @ Hy / sigma2
        s = np.real(np.diag(Sigma))
        logdet = M * np.log(sigma2) + 2.0 * np.sum(np.log(np.abs(np.diag(L))))
        quad = float(np.real(np.vdot(y, y) - np.vdot(Hy, mu)) / sigma2)
    s = np.maximum(np.real(s), 0.0)
    r = y - H @ mu
    resid2 = float(np.real(np.vdot(r, r)))
    with np.errstate(divide="ignore", invalid="ignore"):
        trace = float(np.sum(np.where(gamma > 0, 1.0 - s / gamma, 0.0)))
    return mu, s, logdet + quad, resid2, trace


def kron_estep(factors, y, gammas, sigma2, *, return_parts=False):
    """E-step for ``H = (x) H_i`` and ``gamma = (x) gamma_i`` from per-factor eigendecompositions.

    No N x N, M x M or M x N matrix is formed: ``C = (x)(U_i) diag(sigma2 + P) (x)(U_i)^H`` with
    ``H_i Gamma_i H_i^H = U_i diag(p_i) U_i^H`` and ``P = (x) p_i``.

    Parameters
    ----------
    factors : KroneckerOperator or sequence of array-like of shape (M_i, N_i)
    y : array-like of shape (prod M_i,), real or complex
    gammas : sequence of array-like of shape (N_i,)
        Per-factor prior variances, ``>= 0``.
    sigma2 : float
        Noise variance, ``> 0``.
    return_parts : bool, default=False
        Also return the per-factor ``W_i = Gamma_i H_i^H U_i`` and ``delta = 1 / (sigma2 + P)``.

    Returns
    -------
    mu, s, cost, resid2, trace (, Ws, delta)
        See the module docstring.
    """
    if isinstance(factors, KroneckerOperator):
        factors = factors.factors
    if isinstance(factors, np.ndarray) and factors.ndim == 2:
        factors = [factors]
    try:
        factors = list(factors)
        gammas = list(gammas)
    except TypeError:
        raise TypeError("factors and gammas must be sequences (one entry per factor).") from None
    if not factors:
        raise ValueError("factors must hold at least one factor.")
    if len(gammas) != len(factors):
        raise ValueError(f"gammas must hold one vector per factor ({len(factors)}), got "
                         f"{len(gammas)}.")
    factors = [check_complex_array(f, f"factors[{i}]", ndim=2) for i, f in enumerate(factors)]
    gammas = [_check_prior(f"gammas[{i}]", g, f.shape[1])
              for i, (f, g) in enumerate(zip(factors, gammas, strict=True))]
    y = _check_target(y, int(np.prod([f.shape[0] for f in factors])))
    sigma2 = check_real("sigma2", sigma2, low=0, low_inclusive=False)
    return _kron_estep(factors, y, gammas, sigma2,
                       return_parts=check_bool("return_parts", return_parts))


def _kron_estep(factors, y, gammas, sigma2, *, return_parts=False):
    """:func:`kron_estep` on validated arrays (the EM loops call this one)."""
    Us, ps, Ws = [], [], []
    for H, g in zip(factors, gammas, strict=True):
        Ci = (H * g) @ H.conj().T
        p, U = np.linalg.eigh(0.5 * (Ci + Ci.conj().T))
        Us.append(U)
        ps.append(np.maximum(p, 0.0))
        Ws.append((g[:, None] * H.conj().T) @ U)
    P = kron_vectors(ps)
    delta = 1.0 / (sigma2 + P)
    apply = KroneckerOperator._apply  # validated factors: skip the constructor's checks
    z = apply([U.conj().T for U in Us], y, [U.shape[0] for U in Us])
    mu = apply(Ws, delta * z, [W.shape[1] for W in Ws])
    gamma = kron_vectors(gammas)
    s = gamma - apply([np.abs(W) ** 2 for W in Ws], delta, [W.shape[1] for W in Ws])
    s = np.maximum(np.real(s), 0.0)
    az2 = np.abs(z) ** 2
    cost = float(np.sum(np.log(sigma2 + P)) + np.sum(delta * az2))
    resid2 = float(sigma2**2 * np.sum(delta**2 * az2))
    trace = float(np.sum(P * delta))
    if return_parts:
        return mu, s, cost, resid2, trace, Ws, delta
    return mu, s, cost, resid2, trace
