"""Fused Numba inner loop of CoLiDE / DAGMA: Adam steps with one inverse and one product each.

Imported lazily by :func:`sparseopt.dag.colide_solve` (backend 'numba'); nothing compiles at
import of :mod:`sparseopt.dag`.
"""

import numpy as np
from numba import njit

from ._path import _objective

_MODE = {"equal": 0, "nonequal": 1, "fixed": 2}


@njit(cache=True)
def _sigma_update(CD, W, mode, floor, sigma, scale):
    """Closed-form noise scale(s) from CD = scale * C (I - W)."""
    d = W.shape[0]
    if mode == 2:
        return
    tot = 0.0
    for j in range(d):
        r = 0.0
        for i in range(d):
            dij = (1.0 if i == j else 0.0) - W[i, j]
            r += CD[i, j] / scale * dij
        if r < 0.0:
            r = 0.0
        if mode == 1:
            sj = np.sqrt(r)
            sigma[j] = sj if sj > floor[j] else floor[j]
        tot += r
    if mode == 0:
        s0 = np.sqrt(tot / d)
        sigma[0] = s0 if s0 > floor[0] else floor[0]


@njit(cache=True)
def _cd(Cm, W, CD):
    """CD = Cm (I - W), Cm = -mu C (DAGMA's operation order)."""
    d = W.shape[0]
    D = -W.copy()
    for i in range(d):
        D[i, i] += 1.0
    CD[:, :] = Cm @ D


@njit(cache=True)
def adam_steps(C, W, m, v, g, sigma, CD, mode, mu, lam, s, lr, beta1, beta2, k0, n_steps,
               floor, delta):
    """Run Adam steps k0+1 .. k0+n_steps in place.

    Returns (status, last_k, lr): status 0 ok, 1 failure (left the domain at the first step or
    with s <= 0.9: the caller retries the stage), 2 stop (learning rate underflow).
    """
    d = W.shape[0]
    M = np.empty((d, d))
    k = k0
    for _ in range(n_steps):
        k += 1
        for i in range(d):
            for j in range(d):
                M[i, j] = (s if i == j else 0.0) - W[i, j] * W[i, j]
        P = np.linalg.inv(M)
        while True:
            bad = False
            for i in range(d):
                for j in range(d):
                    if P[i, j] + 1e-16 < -delta:
                        bad = True
                        break
                if bad:
                    break
            if not bad:
                break
            if k == 1 or s <= 0.9:
                return 1, k, lr
            for i in range(d):
                for j in range(d):
                    W[i, j] += lr * g[i, j]
            lr = lr / 2
            if lr <= 1e-16:
                return 2, k, lr
            for i in range(d):
                for j in range(d):
                    W[i, j] -= lr * g[i, j]
            _cd(C, W, CD)
            _sigma_update(CD, W, mode, floor, sigma, -mu)
            for i in range(d):
                for j in range(d):
                    M[i, j] = (s if i == j else 0.0) - W[i, j] * W[i, j]
            P = np.linalg.inv(M)
        bc1 = 1.0 - beta1 ** float(k)
        bc2 = 1.0 - beta2 ** float(k)
        mulam = mu * lam
        for i in range(d):
            for j in range(d):
                # CD holds -mu C (I - W): the same operation order as the NumPy path / DAGMA
                if mode == 0:
                    gs = CD[i, j] / sigma[0]
                elif mode == 1:
                    gs = CD[i, j] / sigma[j]
                else:
                    gs = CD[i, j]
                w = W[i, j]
                sgn = 1.0 if w > 0 else (-1.0 if w < 0 else 0.0)
                G = gs + mulam * sgn + (2.0 * w) * (P[j, i] + 1e-16)
                m[i, j] = m[i, j] * beta1 + (1.0 - beta1) * G
                v[i, j] = v[i, j] * beta2 + (1.0 - beta2) * (G * G)
                g[i, j] = (m[i, j] / bc1) / (np.sqrt(v[i, j] / bc2) + 1e-8)
                W[i, j] = w - lr * g[i, j]
        _cd(C, W, CD)
        _sigma_update(CD, W, mode, floor, sigma, -mu)
    return 0, k, lr


def stage_numba(C, W, sigma, variance, mu, lam, s, K, lr, beta1, beta2, tol, check, floor,
                delta):
    """Same contract as ``_stage_numpy``; inner steps run in :func:`adam_steps` blocks."""
    d = C.shape[0]
    mode = _MODE[variance]
    W = np.array(W, dtype=np.float64, copy=True)
    m = np.zeros((d, d))
    v = np.zeros((d, d))
    g = np.zeros((d, d))
    CD = np.empty((d, d))
    Cm = -mu * C  # the kernels carry -mu C (I - W)
    _cd(Cm, W, CD)
    if mode == 0:
        sig = np.array([float(sigma)])
        fl = np.array([float(np.max(floor))])
    elif mode == 1:
        sig = np.array(sigma, dtype=np.float64, copy=True)
        fl = np.ascontiguousarray(np.broadcast_to(floor, (d,)), dtype=np.float64)
    else:
        sig = np.ones(1)
        fl = np.zeros(1)

    def out_sigma():
        return float(sig[0]) if mode == 0 else (sig.copy() if mode == 1 else 1.0)

    f_prev = 1e16
    rel = np.inf
    f = np.nan
    k = 0
    while k < K:
        n_block = min(check - (k % check), K - k)
        status, k, lr = adam_steps(Cm, W, m, v, g, sig, CD, mode, mu, lam, s, lr, beta1,
                                   beta2, k, n_block, fl, delta)
        if status == 1:
            return W, out_sigma(), False, k, lr, rel, f
        if status == 2:
            return W, out_sigma(), True, k, lr, rel, f
        if k % check == 0 or k == K:
            f, _, _ = _objective(C, W, out_sigma(), variance, mu, lam, s)
            rel = abs(f_prev - f) / abs(f_prev)
            if rel <= tol:
                break
            f_prev = f
    return W, out_sigma(), True, k, lr, rel, f
