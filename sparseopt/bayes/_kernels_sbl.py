"""Numba kernels of Kronecker SBL (real or complex).

With small factors the NumPy formulation of an iteration is dominated by call overhead (16 x 32
factors: ~40 NumPy/LAPACK calls of ~10 us each). :func:`svd2_step` fuses one two-factor SVD
iteration (structured E-step and rank-1 M-step) into one call, which the EM loop uses as its
step; :func:`kron_change` is the relative change of the Kronecker prior used by every variant.
"""

import numpy as np

from ..utils import njit

_TINY = np.finfo(np.float64).tiny


@njit(cache=True)
def _factor_eig(H, Hh, g):
    """Eigenpairs of ``C = H diag(g) H^H`` on its range: ``(p, U)``, ``U`` of ``min(M, n)`` columns.

    With at least as many columns as rows, LAPACK's ``eigh`` of the ``M x M`` matrix. With fewer
    (a pruned factor), ``C`` has rank ``<= n`` and its range is that of ``B = H diag(g)^(1/2)``:
    with ``B = Q R`` (reduced QR), ``C = Q (R R^H) Q^H``, so the eigenpairs are ``p`` and ``Q V``
    from the ``n x n`` ``eigh`` of ``R R^H``; the rest of the spectrum is 0 (an ``M x M``
    ``eigh`` costs ~20 us even at M = 16, the ``n x n`` one a few).
    """
    M, n = H.shape
    if n >= M:
        C = (H * g) @ Hh
        p, U = np.linalg.eigh(0.5 * (C + np.ascontiguousarray(C.conj().T)))
        return np.maximum(p, 0.0), np.ascontiguousarray(U)  # one layout for both branches
    Q, R = np.linalg.qr(H * np.sqrt(g))
    R = np.ascontiguousarray(R)
    K = R @ np.ascontiguousarray(R.conj().T)
    p, V = np.linalg.eigh(0.5 * (K + np.ascontiguousarray(K.conj().T)))
    return np.maximum(p, 0.0), np.ascontiguousarray(Q) @ np.ascontiguousarray(V)


@njit(cache=True)
def estep2(H1, H2, Y, g1, g2, sigma2):
    """Structured E-step for ``H = H1 (x) H2``, ``gamma = g1 (x) g2``; ``Y`` is ``y`` as (M1, M2).

    Returns ``(Mu, S, cost, resid2, trace, W1, W2, delta)`` with ``Mu``, ``S`` of shape (n1, n2),
    ``W_i = Gamma_i H_i^H U_i`` and ``delta = 1 / (sigma2 + p1 (x) p2)`` over the ranges of the
    factors' ``H_i Gamma_i H_i^H`` (:func:`_factor_eig`). Off those ranges ``P = 0``: the energy
    of ``y`` there enters the cost as ``E / sigma2`` (with ``log sigma2`` per dimension) and the
    residual as ``E``, and nothing of it reaches ``Mu`` or ``S`` (``H^H`` annihilates it).
    """
    H1h = np.ascontiguousarray(H1.conj().T)
    H2h = np.ascontiguousarray(H2.conj().T)
    p1, U1 = _factor_eig(H1, H1h, g1)
    p2, U2 = _factor_eig(H2, H2h, g2)
    W1 = (g1.reshape(-1, 1) * H1h) @ U1  # (n1, r1)
    W2 = (g2.reshape(-1, 1) * H2h) @ U2  # (n2, r2)
    Z = (np.ascontiguousarray(U1.conj().T) @ Y) @ np.ascontiguousarray(U2.conj())
    r1, r2 = Z.shape
    delta = np.empty((r1, r2))
    cost = 0.0
    resid2 = 0.0
    trace = 0.0
    for a in range(r1):
        for b in range(r2):
            P = p1[a] * p2[b]
            d = 1.0 / (sigma2 + P)
            delta[a, b] = d
            az2 = Z[a, b].real ** 2 + Z[a, b].imag ** 2
            cost += np.log(sigma2 + P) + d * az2
            resid2 += d * d * az2
            trace += P * d
    resid2 *= sigma2 * sigma2
    M1, M2 = Y.shape
    if r1 < M1 or r2 < M2:  # y off the ranges (computed directly: no cancellation)
        R = Y - (U1 @ Z) @ np.ascontiguousarray(U2.T)
        energy = 0.0
        for a in range(M1):
            for b in range(M2):
                energy += R[a, b].real ** 2 + R[a, b].imag ** 2
        cost += (M1 * M2 - r1 * r2) * np.log(sigma2) + energy / sigma2
        resid2 += energy
    Mu = (W1 @ (delta * Z)) @ np.ascontiguousarray(W2.T)
    A1 = np.abs(W1) ** 2
    A2 = np.abs(W2) ** 2
    S = (A1 @ delta) @ np.ascontiguousarray(A2.T)
    n1, n2 = S.shape
    for i in range(n1):
        for j in range(n2):
            S[i, j] = max(g1[i] * g2[j] - S[i, j], 0.0)
    return Mu, S, cost, resid2, trace, W1, W2, delta


@njit(cache=True)
def well_determined(s, gamma):
    """``rho_j = 1 - s_j / gamma_j`` clipped to [0, 1], and 0 where ``gamma_j`` underflowed to 0.

    How well the data determine coefficient ``j`` (0: not at all, the posterior is the prior);
    MacKay's update divides by it. ``s`` and ``gamma`` are 1-D float arrays.
    """
    out = np.empty(s.shape[0])
    for j in range(s.shape[0]):
        g = gamma[j]
        out[j] = 0.0 if g <= 0.0 else min(max(1.0 - s[j] / g, 0.0), 1.0)
    return out


@njit(cache=True)
def prune_keep(g, rel, abs_):
    """The entries of ``g`` that survive pruning, and how many there are.

    Entry ``n`` survives when ``g[n] >= max(rel * max(g), abs_ * ||g||_2)`` (the second term
    only when ``abs_ > 0``); the largest entry (the first NaN, if any) always survives, so a
    factor is never pruned to nothing.
    """
    n = g.shape[0]
    imax = 0
    for j in range(1, n):
        if g[imax] != g[imax]:  # NaN: the maximum, as in np.max / np.argmax
            break
        if g[j] > g[imax] or g[j] != g[j]:
            imax = j
    thr = rel * g[imax]
    if abs_ > 0.0:
        t_abs = abs_ * np.sqrt(np.dot(g, g))
        if t_abs > thr:  # a NaN threshold stays NaN (Python's max)
            thr = t_abs
    keep = g >= thr
    keep[imax] = True
    return keep, int(keep.sum())


@njit(cache=True)
def _power_triplet(A, v0, tol, max_iter):
    """Power iteration ``u = A v / |A v|``, ``v = A^T u / |A^T u|`` from ``v0`` (nonnegative
    ``A``); stops when ``v`` moves by less than ``tol`` (never when ``s = 0``). Returns ``(u, s,
    v, converged)``.

    Written as loops: on the small matrices of a fit the calls of ``A @ v`` would cost more
    than the arithmetic. The norms are LAPACK's scaled ones (a plain sum of squares under- or
    overflows for entries below ~1e-154 or above ~1e154, which a collapsing or a huge prior
    reaches).
    """
    m, n = A.shape
    v = np.abs(v0) / max(np.linalg.norm(v0), _TINY)
    u = np.zeros(m)
    w = np.empty(n)
    s = 0.0
    for _ in range(max_iter):
        for i in range(m):
            acc = 0.0
            for j in range(n):
                acc += A[i, j] * v[j]
            u[i] = acc
        u /= max(np.linalg.norm(u), _TINY)
        w[:] = 0.0
        for i in range(m):
            for j in range(n):
                w[j] += A[i, j] * u[i]
        s = np.linalg.norm(w)
        w /= max(s, _TINY)
        moved = 0.0
        for j in range(n):
            moved += (w[j] - v[j]) ** 2
        v, w = w, v
        if s > 0.0 and np.sqrt(moved) < tol:  # (A = 0 has no top triplet to converge to)
            return np.abs(u), s, np.abs(v), True
    return np.abs(u), s, np.abs(v), False


@njit(cache=True)
def _top_triplet(A, v0, warm, power):
    """Top singular triplet ``(u, s, v)`` of a nonnegative matrix (``u, v >= 0``).

    With ``power`` and ``warm`` (``v0`` is the previous M-step's vector, close to the answer),
    a power iteration from ``v0`` to a change of 1e-10. Cold (``power`` only), a power
    iteration from ``v0`` run to rounding (a change of 1e-14, within 100 iterations: ``A`` has
    a clear gap), else LAPACK's SVD, which is also what ``power=False`` always uses; the cold
    iteration agrees with LAPACK to rounding and costs a fraction of it on small matrices.
    """
    if power:
        u, s, v, converged = _power_triplet(A, v0, 1e-10 if warm else 1e-14,
                                            200 if warm else 100)
        if warm or converged:
            return u, s, v
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    return np.abs(U[:, 0]), s[0], np.abs(Vt[0])


@njit(cache=True)
def svd2_step(H1, H2, Y, g1, g2, sigma2, v0, warm, power, mackay, o1, o2, k1, k2):
    """One fused SVD-KroSBL iteration for two factors: structured E-step, then rank-1 M-step.

    ``Y`` is ``y`` as an ``(M1, M2)`` array. The rank-1 fit is of ``|mu|^2 + s`` (EM) or, with
    ``mackay``, of ``|mu|^2 / (1 - s/gamma)``. ``o1, o2`` are the factors before the last
    pruning and ``k1, k2`` the masks it kept, for the relative change. Returns ``(g1, g2, v,
    cost, resid2, trace, change)``: the new factor variances, the right singular vector (the
    next warm start), the E-step's type-II cost, residual energy and effective number of
    parameters, and the relative change of the Kronecker prior (see :func:`kron_change`).
    """
    Mu, S, cost, resid2, trace = estep2(H1, H2, Y, g1, g2, sigma2)[:5]
    if mackay:
        rho = well_determined(S.ravel(), np.outer(g1, g2).ravel()).reshape(S.shape)
        D = (Mu.real**2 + Mu.imag**2) / np.maximum(rho, 1e-12)
    else:
        D = np.maximum(np.abs(Mu) ** 2 + S, 0.0)
    u, s, v = _top_triplet(D, v0, warm, power)
    n1 = np.maximum(u, _TINY)
    n2 = np.maximum(s * v, _TINY)
    change = kron_change(np.concatenate((n1, n2)), np.array([0, n1.size, n1.size + n2.size]),
                         np.concatenate((o1, o2)), np.array([0, o1.size, o1.size + o2.size]),
                         np.concatenate((k1, k2)))
    return n1, n2, v, cost, resid2, trace, change


@njit(cache=True)
def _role(i, k):
    """Role of factor ``k`` in term ``i`` of the telescoped difference (0 kept, 1 diff, 2 new)."""
    if k < i:
        return 0
    if k == i:
        return 1
    return 2


@njit(cache=True)
def kron_change(new, new_off, old, old_off, keep):
    """Relative change of two Kronecker vectors given by their factors (see ``kron_change``).

    ``new`` and ``old`` are the factors concatenated (offsets ``new_off``, ``old_off``);
    ``keep`` (over ``old``) marks the old entries kept in ``new``.
    """
    I = new_off.shape[0] - 1
    grams = np.zeros((I, 3, 3))
    n_old = np.zeros(I)
    n_kept = np.zeros(I)
    gone = np.zeros(I)
    for i in range(I):
        a = new[new_off[i]:new_off[i + 1]]
        o = old[old_off[i]:old_off[i + 1]]
        kp = keep[old_off[i]:old_off[i + 1]]
        j = 0
        for n in range(o.shape[0]):
            n_old[i] += o[n] * o[n]
            if kp[n]:
                c = o[n]
                d = a[j] - c
                vec = (c, d, a[j])
                for r in range(3):
                    for q in range(3):
                        grams[i, r, q] += vec[r] * vec[q]
                n_kept[i] += c * c
                j += 1
            else:
                gone[i] += o[n] * o[n]
    sq = 0.0
    for i in range(I):
        for j in range(I):
            prod = 1.0
            for k in range(I):
                prod *= grams[k, _role(i, k), _role(j, k)]
            sq += prod
    pruned = 0.0
    for i in range(I):
        if gone[i] > 0.0:
            term = gone[i]
            for k in range(i):
                term *= n_kept[k]
            for k in range(i + 1, I):
                term *= n_old[k]
            pruned += term
    denom = 1.0
    for i in range(I):
        denom *= n_old[i]
    return np.sqrt(max(sq + pruned, 0.0) / max(denom, _TINY))
