r"""M-steps of sparse Bayesian learning.

Every M-step minimises (or, for the rank-1 fit, approximates the minimiser of) the EM surrogate

.. math:: Q(\gamma) = \sum_j \log \gamma_j + d_j / \gamma_j, \qquad d = |\mu|^2 + s,

over a family of prior variances: unconstrained (classical EM-SBL, :math:`\gamma = d`),
Kronecker-structured :math:`\gamma = \gamma_1 \otimes \dots \otimes \gamma_I` by alternating
minimisation (:class:`AMStep`, optionally pattern-coupled), or by a sequential rank-1 fit of
``d`` (:class:`SVDStep`). The MacKay fixed point of classical SBL is :func:`dense_mstep` with
``rule='mackay'``.
"""

import itertools
import math

import numpy as np
from scipy.optimize import nnls

from ._engine import TINY
from ._kernels_sbl import _top_triplet as _top_triplet_kernel
from ._kernels_sbl import kron_change as _kron_change_kernel
from ._kernels_sbl import well_determined


def kron_change(new, old, keeps):
    r"""``||(x) new - (x) old|| / ||(x) old||`` with ``old`` on a superset of ``new``'s support.

    ``keeps[i]`` is the boolean mask of factor ``i``'s old support kept in the new one (None:
    all kept); the entries of ``old`` that were pruned count fully. Only per-factor inner
    products are formed (nothing of size N), and without cancellation: the difference is the
    telescoping sum :math:`\sum_i c_1 \otimes \dots \otimes c_{i-1} \otimes (a_i - c_i) \otimes
    a_{i+1} \otimes \dots \otimes a_I` (``a`` new, ``c`` old restricted to the kept support),
    whose terms are all of the order of the change.
    """
    # called once per inner AM sweep: plain-Python offsets, one mask when nothing was pruned
    if all(k is None for k in keeps):
        keep_flat = np.ones(sum(o.size for o in old), dtype=np.bool_)
    else:
        keep_flat = np.concatenate([np.ones(o.size, dtype=np.bool_) if k is None else k
                                    for o, k in zip(old, keeps, strict=True)])
    return _kron_change_kernel(np.concatenate(new), _offsets(new), np.concatenate(old),
                               _offsets(old), keep_flat)


def _offsets(vectors):
    """``[0, n_1, n_1 + n_2, ...]`` of a list of vectors, as an int64 array."""
    return np.array([0, *itertools.accumulate(v.size for v in vectors)], dtype=np.int64)


def dense_mstep(mu, s, gamma, rule):
    r"""Classical SBL: ``'em'`` :math:`\gamma = |\mu|^2 + s`; ``'mackay'`` :math:`\gamma =
    |\mu|^2 / (1 - s/\gamma)` (Tipping 2001), with the old :math:`\gamma`."""
    if rule == "mackay":
        return np.abs(mu) ** 2 / np.maximum(well_determined(s, gamma), 1e-12)
    return np.abs(mu) ** 2 + s


def coupling_matrix(n, beta):
    """``I + beta (S + S^T)``: tridiagonal, beta on both off-diagonals (not circulant)."""
    return np.eye(n) + beta * (np.eye(n, k=1) + np.eye(n, k=-1))


def couple(C, g, floor):
    r"""Effective variances of a coupled factor: :math:`C g + \text{floor} \cdot \|C g\|_2`.

    The floor is relative to the factor's norm, so a coupled fit is scale-equivariant.
    """
    v = C @ g
    return np.maximum(v + floor * np.linalg.norm(v), TINY)


def _normalise(gammas):
    """Scale factors 1..I-1 to unit norm and carry the scale in the last (product unchanged)."""
    for i in range(len(gammas) - 1):
        nrm = math.sqrt(gammas[i] @ gammas[i])  # np.linalg.norm's formula for a real vector
        if nrm > 0 and math.isfinite(nrm):
            gammas[i] = gammas[i] / nrm
            gammas[-1] = gammas[-1] * nrm
    return gammas


class AMStep:
    r"""Alternating (Gauss-Seidel) minimisation of ``Q`` over :math:`\otimes_i \gamma_i`.

    Factor ``i`` gets :math:`\gamma_i[n] = \frac{1}{\prod_{k \ne i} N_k} \sum_{j: j_i = n}
    d_j / \prod_{k \ne i} \gamma_k[j_k]` (the exact block minimiser); a coupled factor (PC-KroSBL)
    fits its source variances ``g >= 0`` to that target by non-negative least squares through
    its coupling matrix and uses :func:`couple`. Sweeps stop when the relative change of the
    product is below ``inner_tol`` or after ``max_inner`` sweeps (``n_capped`` counts the
    M-steps that hit the cap).
    """

    def __init__(self, inner_tol, max_inner, floor=0.0):
        self.inner_tol = inner_tol
        self.max_inner = max_inner
        self.floor = floor
        self.n_capped = 0
        self.last_capped = False

    def reset(self):
        """Nothing to forget (stateless between M-steps)."""

    def __call__(self, D, gammas, couplings, weights=None):
        """One M-step on ``D`` (shaped like the factor supports) from ``gammas``.

        With ``weights`` (MacKay's rule), ``D`` holds ``|mu|^2`` and ``weights`` the
        well-determinedness ``1 - s/gamma``: factor ``i`` gets ``sum_{j_i = n} |mu_j|^2 /
        gamma_{-i, j}`` divided by ``sum_{j_i = n} (1 - s_j/gamma_j)`` instead of the count.
        """
        I = D.ndim
        shape = D.shape
        gammas = [g.copy() for g in gammas]
        capped = True
        for _ in range(self.max_inner):
            prev = [g.copy() for g in gammas]
            for i in range(I):
                Q = D
                for k in range(I):
                    if k != i:
                        sh = [1] * I
                        sh[k] = shape[k]
                        Q = Q / np.maximum(gammas[k], TINY).reshape(sh)
                axes = tuple(k for k in range(I) if k != i)
                if weights is None:
                    target = Q.sum(axis=axes) / np.prod([shape[k] for k in axes]) if axes else Q
                else:
                    den = weights.sum(axis=axes) if axes else weights
                    target = (Q.sum(axis=axes) if axes else Q) / np.maximum(den, 1e-12)
                if i in couplings:
                    g, _ = nnls(couplings[i], target)
                    gammas[i] = couple(couplings[i], g, self.floor)
                else:
                    gammas[i] = np.maximum(target, TINY)
            _normalise(gammas)
            if kron_change(gammas, prev, [None] * I) <= self.inner_tol:
                capped = False
                break
        self.last_capped = capped
        self.n_capped += capped
        return gammas


class SVDStep:
    """Sequential rank-1 (Van Loan-Pitsianis) fit of ``D`` by a Kronecker product of vectors.

    For two factors it is the Frobenius-nearest Kronecker product (Eckart-Young) of the
    ``N_1 x N_2`` matrix ``D``; for more, ``D`` is unfolded factor by factor. The top singular
    triplets come from a power iteration warm-started at the previous M-step's vector
    (``solver='power'`` or ``'auto'``; when cold, one run to rounding from a flat vector, or
    LAPACK if the gap is too small for that) or from LAPACK every time (``'full'``).
    """

    def __init__(self, solver):
        self.power = solver != "full"
        self.state = {}
        self.n_capped = 0
        self.last_capped = False

    def reset(self):
        """Forget the warm-start vectors (after a pruning changes the shapes)."""
        self.state.clear()

    def __call__(self, D, gammas, couplings, weights=None):
        """One M-step on ``D`` (``gammas`` and ``couplings`` are not used); with ``weights``
        (MacKay's rule) the fitted array is ``D / weights``."""
        if weights is not None:
            D = D / np.maximum(weights, 1e-12)
        I = D.ndim
        out = []
        rest = D
        for i in range(I - 1):
            A = np.ascontiguousarray(rest.reshape(rest.shape[0], -1), dtype=np.float64)
            v0 = self.state.get(i)
            warm = v0 is not None and v0.shape[0] == A.shape[1]
            u, s, v = _top_triplet_kernel(A, v0 if warm else np.ones(A.shape[1]), warm,
                                          self.power)
            self.state[i] = v
            out.append(np.maximum(u, TINY))
            rest = (s * v).reshape(rest.shape[1:])
        out.append(np.maximum(rest.ravel(), TINY))
        return out
