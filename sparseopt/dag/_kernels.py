"""Fused Numba inner loop of CoLiDE / DAGMA: Adam steps with one inverse and one product each.

The compiled counterpart of :class:`._path._NumpySteps`, for the scores of :mod:`._scores`:
the gradient divides by the per-column scale vector of every score, and the noise-scale update
is the one place that switches on the score's kernel code. Imported lazily by
:func:`sparseopt.dag.colide_solve` (backend 'numba'); nothing compiles at import of
:mod:`sparseopt.dag`.
"""

import numpy as np

from ..utils import njit
from ._scores import EQUAL, FIXED, NONEQUAL


@njit(cache=True)
def _sigma_update(CD, W, code, floor, sigma, scale):
    """Closed-form noise scale(s) from CD = scale * C (I - W), into the (d,) vector sigma.

    EQUAL fills every entry with ``max(sqrt(tr R / d), floor[0])``, NONEQUAL sets
    ``max(sqrt(R_jj), floor[j])``, FIXED leaves the ones.
    """
    d = W.shape[0]
    if code == FIXED:
        return
    tot = 0.0
    for j in range(d):
        r = 0.0
        for i in range(d):
            dij = (1.0 if i == j else 0.0) - W[i, j]
            r += CD[i, j] / scale * dij
        if r < 0.0:
            r = 0.0
        if code == NONEQUAL:
            sj = np.sqrt(r)
            sigma[j] = sj if sj > floor[j] else floor[j]
        tot += r
    if code == EQUAL:
        s0 = np.sqrt(tot / d)
        s0 = s0 if s0 > floor[0] else floor[0]
        for j in range(d):
            sigma[j] = s0


@njit(cache=True)
def _cd(Cm, W, CD):
    """CD = Cm (I - W), Cm = -mu C (DAGMA's operation order)."""
    d = W.shape[0]
    D = -W.copy()
    for i in range(d):
        D[i, i] += 1.0
    CD[:, :] = Cm @ D


@njit(cache=True)
def adam_steps(C, W, m, v, g, sigma, CD, code, mu, lam, s, lr, beta1, beta2, k0, n_steps,
               floor, delta):
    """Run Adam steps k0+1 .. k0+n_steps in place (C holds -mu times the covariance).

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
            _sigma_update(CD, W, code, floor, sigma, -mu)
            for i in range(d):
                for j in range(d):
                    M[i, j] = (s if i == j else 0.0) - W[i, j] * W[i, j]
            P = np.linalg.inv(M)
        bc1 = 1.0 - beta1 ** float(k)
        bc2 = 1.0 - beta2 ** float(k)
        mulam = mu * lam
        for i in range(d):
            for j in range(d):
                # CD holds -mu C (I - W): the operation order of the NumPy path / DAGMA
                gs = CD[i, j] / sigma[j]
                w = W[i, j]
                sgn = 1.0 if w > 0 else (-1.0 if w < 0 else 0.0)
                G = gs + mulam * sgn + (2.0 * w) * (P[j, i] + 1e-16)
                m[i, j] = m[i, j] * beta1 + (1.0 - beta1) * G
                v[i, j] = v[i, j] * beta2 + (1.0 - beta2) * (G * G)
                g[i, j] = (m[i, j] / bc1) / (np.sqrt(v[i, j] / bc2) + 1e-8)
                W[i, j] = w - lr * g[i, j]
        _cd(C, W, CD)
        _sigma_update(CD, W, code, floor, sigma, -mu)
    return 0, k, lr


class KernelSteps:
    """The compiled inner loop of one stage, with the contract of ``_path._NumpySteps``."""

    def __init__(self, C, W, sigma, score, mu, alpha, s, beta1, beta2, floor, delta):
        d = C.shape[0]
        self.score, self.mu, self.alpha, self.s = score, mu, alpha, s
        self.beta1, self.beta2, self.delta = beta1, beta2, delta
        self.W = np.array(W, dtype=np.float64, copy=True)
        self.m = np.zeros((d, d))
        self.v = np.zeros((d, d))
        self.g = np.zeros((d, d))
        self.CD = np.empty((d, d))
        self.Cm = -mu * C  # the kernels carry -mu C (I - W)
        _cd(self.Cm, self.W, self.CD)
        self.sig = score.scale_vector(sigma, d)
        self.floor = np.ascontiguousarray(
            np.broadcast_to(np.asarray(floor, dtype=np.float64), (d,)))

    @property
    def sigma(self):
        """The current noise scale, in the score's form."""
        return self.score.from_vector(self.sig)

    def run(self, k0, n_steps, lr):
        """Adam steps ``k0 + 1 .. k0 + n_steps``; returns ``(status, k, lr)``."""
        return adam_steps(self.Cm, self.W, self.m, self.v, self.g, self.sig, self.CD,
                          self.score.code, self.mu, self.alpha, self.s, lr, self.beta1,
                          self.beta2, k0, n_steps, self.floor, self.delta)
