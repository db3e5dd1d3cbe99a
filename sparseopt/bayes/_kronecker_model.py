r"""Kronecker-structured SBL as a model for the EM loop, and the fit strategy around it.

The model keeps the factors restricted to their surviving columns and one prior-variance vector
per factor; the E-step is :func:`~sparseopt.bayes.kron_estep` (or, for two factors and the SVD
M-step, the fused compiled step), the M-step an :class:`~sparseopt.bayes._mstep.AMStep` or
:class:`~sparseopt.bayes._mstep.SVDStep`.

The fit (:func:`fit_kronecker`) works on a copy of the problem scaled by powers of two (so the
answers are exactly scale-equivariant), starts from a prior that carries the energy of ``y``
(see :func:`initial_gammas`), runs the EM loop, optionally continues with the coupling released
(PC-KroSBL), and can keep the best of several starts by the type-II cost.
"""

import math
from dataclasses import dataclass

import numpy as np

from ._engine import (
    HISTORY_KEYS,
    TINY,
    Posterior,
    evidence_keep,
    run_em,
    run_em_polished,
)
from ._estep import _kron_estep, kron_vectors
from ._kernels_sbl import estep2, prune_keep, svd2_step, well_determined
from ._mstep import AMStep, SVDStep, couple, kron_change


class KroneckerModel:
    """Prior ``gamma = (x) gamma_i`` on the surviving columns of ``H = (x) H_i``.

    Parameters
    ----------
    factors : list of ndarray
        The factors ``H_i`` (all columns).
    y : ndarray of shape (M,)
    gammas : list of ndarray
        Starting variances, one vector per factor.
    mstep : AMStep or SVDStep
    prune : ndarray of shape (I,)
        Relative thresholds: entry ``n`` of factor ``i`` is dropped when ``gamma_i[n] <
        prune[i] * max(gamma_i)``.
    prune_abs : float
        Drop ``gamma_i[n] < prune_abs * ||gamma_i||_2`` (relative to the factor's norm, hence
        scale-free; the factors other than the last are kept at unit norm by the M-steps).
    couplings : dict of int to ndarray
        Coupling matrix (all columns) of each coupled factor (PC-KroSBL).
    fused : bool
        Use the compiled two-factor step when the M-step is the SVD fit.
    """

    def __init__(self, factors, y, gammas, mstep, *, prune, prune_abs, couplings=None,
                 fused=True, rule="em"):
        self.Hs = list(factors)
        self.y = y
        self.supports = [np.arange(f.shape[1]) for f in factors]
        self.gammas = [np.asarray(g, dtype=np.float64).copy() for g in gammas]
        self.mstep = mstep
        self.prune_rel = [float(p) for p in prune]
        self.prune_abs = float(prune_abs)
        self.full_couplings = dict(couplings or {})
        self._old = None
        self._keeps = None
        self._fused = None
        self._change = None
        self.last_posterior = None
        self.use_fused = fused
        self.rule = rule
        self._count()

    def posterior(self, sigma2):
        """``kron_estep(..., return_parts=True)`` at the current prior (cached if just done).

        The cache holds the very arrays it was computed from (the M-steps and the pruning
        replace them, never modify them), so a match by identity is a match by value.
        """
        if self.last_posterior is not None:
            gammas, s2, parts = self.last_posterior
            if s2 == sigma2 and len(gammas) == len(self.gammas) and all(
                    a is b for a, b in zip(gammas, self.gammas, strict=True)):
                return parts
        return self._estep_parts(sigma2)

    def _fuses(self):
        """True when the step is the compiled two-factor SVD step (:meth:`_fused_step`)."""
        return self.use_fused and isinstance(self.mstep, SVDStep) and len(self.Hs) == 2

    def _estep_parts(self, sigma2):
        """``kron_estep(..., return_parts=True)`` at the current prior; for two factors on the
        compiled path, the compiled E-step on the fused step's arrays."""
        if not (self._fuses() and self._fused is not None):
            return _kron_estep(self.Hs, self.y, self.gammas, sigma2, return_parts=True)
        H1, H2, Y = self._fused[:3]
        Mu, S, cost, resid2, trace, W1, W2, delta = estep2(
            H1, H2, Y, self.gammas[0], self.gammas[1], float(sigma2))
        return Mu.ravel(), S.ravel(), cost, resid2, trace, [W1, W2], delta.ravel()

    def _count(self):
        self.n_active = math.prod(len(s) for s in self.supports)

    def set_mstep(self, mstep, couplings):
        """Switch the M-step and the couplings (a later phase of the fit)."""
        self.mstep = mstep
        self.full_couplings = dict(couplings)
        self._fused = None

    def prune(self):
        """Drop the entries below the thresholds; each factor keeps at least its largest."""
        self._old = list(self.gammas)  # the M-steps return new arrays: no copies needed
        self._keeps = []  # one mask per factor over its old support (all True: nothing dropped)
        for i, g in enumerate(self.gammas):
            keep, n_keep = prune_keep(g, self.prune_rel[i], self.prune_abs)
            self._keeps.append(keep)
            if n_keep < g.size:
                self.supports[i] = self.supports[i][keep]
                self.gammas[i] = g[keep]
                self.Hs[i] = self.Hs[i][:, keep]
                self.mstep.reset()
                self._fused = None
                self._count()

    def evidence_prune(self, sigma2):
        """Drop the entries of a factor whose whole slice is better at zero by the evidence.

        Entry ``n`` of factor ``i`` goes when every coefficient ``j`` with ``j_i = n`` fails
        :func:`~sparseopt.bayes._engine.evidence_keep`. Returns True if anything was dropped.
        """
        parts = self._estep_parts(sigma2)
        self.last_posterior = (list(self.gammas), sigma2, parts)  # reused by the final E-step
        mu, s = parts[:2]
        theta = evidence_keep(mu, s, kron_vectors(self.gammas))
        theta = theta.reshape([len(x) for x in self.gammas])
        pruned = False
        I = len(self.gammas)
        for i in range(I):
            axes = tuple(k for k in range(I) if k != i)
            keep = theta.max(axis=axes) > 0 if axes else theta > 0
            if keep.any() and not keep.all():
                pruned = True
                self.supports[i] = self.supports[i][keep]
                self.gammas[i] = self.gammas[i][keep]
                self.Hs[i] = self.Hs[i][:, keep]
                theta = np.compress(keep, theta, axis=i)
        if pruned:
            self.mstep.reset()
            self._fused = None
            self._count()
        return pruned

    def couplings(self):
        """Coupling matrices restricted to the surviving entries (principal submatrices)."""
        return {i: C[np.ix_(self.supports[i], self.supports[i])]
                for i, C in self.full_couplings.items()}

    def _fused_step(self, sigma2):
        """Two factors, SVD M-step: E-step and M-step in one compiled call.

        The contiguous factors and ``y`` as an ``(M1, M2)`` array are made once per support (a
        pruning resets them); the warm-start vector is carried over.
        """
        if self._fused is None:
            dt = np.result_type(self.Hs[0], self.Hs[1], self.y, np.float64)
            H1, H2 = (np.ascontiguousarray(h, dtype=dt) for h in self.Hs)
            Y = np.ascontiguousarray(self.y, dtype=dt).reshape(H1.shape[0], H2.shape[0])
            self._fused = [H1, H2, Y, np.ones(self.gammas[1].size), False]
        H1, H2, Y, v, warm = self._fused
        g1, g2, v, cost, resid2, trace, self._change = svd2_step(
            H1, H2, Y, self.gammas[0], self.gammas[1], float(sigma2), v, warm, self.mstep.power,
            self.rule == "mackay", self._old[0], self._old[1], self._keeps[0], self._keeps[1])
        self._fused[3:] = [v, True]
        self.gammas = [g1, g2]
        return cost, resid2, trace

    def step(self, sigma2):
        """E-step at the current prior, then the M-step; returns the E-step's statistics."""
        if self._fuses():
            cost, resid2, trace = self._fused_step(sigma2)
            return Posterior(None, None, cost, resid2, trace)
        mu, s, cost, resid2, trace = _kron_estep(self.Hs, self.y, self.gammas, sigma2)
        shape = [len(g) for g in self.gammas]
        floor = TINY if isinstance(self.mstep, AMStep) else 0.0
        if self.rule == "mackay":
            g = kron_vectors(self.gammas)
            rho = well_determined(s, g).reshape(shape)
            A = (np.abs(mu) ** 2).reshape(shape)
            self.gammas = self.mstep(np.maximum(A, floor), self.gammas, self.couplings(), rho)
        else:
            D = (np.abs(mu) ** 2 + s).reshape(shape)
            self.gammas = self.mstep(np.maximum(D, floor), self.gammas, self.couplings())
        return Posterior(mu, s, cost, resid2, trace)

    def change(self):
        """Relative change of the full-length prior since the last :meth:`prune`."""
        if self._change is not None:  # computed by the fused step
            change, self._change = self._change, None
            return change
        return kron_change(self.gammas, self._old, self._keeps)


def initial_gammas(factors, y_energy, couplings, floor, power_fraction=1.0):
    r"""A flat start whose prior carries a fraction of the energy of ``y``.

    Every factor starts flat (coupled factors at :func:`couple` of a flat source), and the
    last factor is scaled so that the expected energy of the noiseless observations under the
    prior, :math:`\operatorname{tr}(H \Gamma H^H) = \prod_i \sum_n \gamma_i[n] \|h_{i,n}\|^2`,
    equals ``power_fraction * ||y||^2``. This makes the start (and so the fit) independent of
    the scale of ``x``, ``H`` and ``y``.
    """
    gammas = []
    for i, f in enumerate(factors):
        g = np.ones(f.shape[1])
        if i in couplings:
            g = couple(couplings[i], g, floor)
        gammas.append(g / np.linalg.norm(g))
    power = np.prod([g @ (np.abs(f) ** 2).sum(axis=0) for g, f in zip(gammas, factors,
                                                                      strict=True)])
    gammas[-1] = gammas[-1] * (power_fraction * y_energy / max(power, TINY))
    return gammas


@dataclass
class KroneckerFit:
    """Outcome of :func:`fit_kronecker` on the scaled problem."""

    model: KroneckerModel
    sigma2: float
    cost: float
    n_iter: int
    converged: bool
    history: dict
    n_inner_capped: int
    posterior: tuple  # (mu, s, Ws, delta) of the final E-step


def _make_mstep(method, svd_solver, inner_tol, max_inner, floor):
    if method == "svd":
        return SVDStep(svd_solver)
    return AMStep(inner_tol, max_inner, floor)


def fit_kronecker(factors, y, *, method, couplings, floor, sigma2, learn_noise, prune,
                  prune_abs, max_iter, tol, inner_tol, max_inner, svd_solver, refine, rule,
                  polish, verbose, noise_floor, fused=True, power_fraction=1.0):
    """Run the EM loop from the flat, energy-matched start; see :class:`KroneckerFit`.

    With ``couplings`` and ``refine`` not None, the coupled iterations run until they converge
    or have used half of ``max_iter``, then the fit continues with the coupling released and the
    ``refine`` M-step ('svd' or 'am'), so that the final prior carries no coupling leakage.
    ``polish`` rounds of evidence pruning follow (:func:`~sparseopt.bayes._engine.run_em_polished`).
    """
    M = y.shape[0]
    y_energy = float(np.real(np.vdot(y, y)))
    gammas = initial_gammas(factors, y_energy, couplings, floor, power_fraction)
    model = KroneckerModel(factors, y, gammas,
                           _make_mstep(method, svd_solver, inner_tol, max_inner, floor),
                           prune=prune, prune_abs=prune_abs, couplings=couplings, fused=fused,
                           rule=rule)
    hist = {k: [] for k in HISTORY_KEYS}
    kw = dict(learn_noise=learn_noise, tol=tol, n_samples=M, noise_floor=noise_floor,
              verbose=verbose, history=hist, noise_rule=rule, max_iter=max_iter)
    n_iter, capped = 0, 0
    if couplings and refine is not None and max_iter > 1:
        # the coupled phase finds the support: at most half the budget, then the refinement
        kw["max_iter"] = max_iter // 2
        res = run_em(model, sigma2, desc=f"KroSBL-{method}-coupled", **kw)
        n_iter, sigma2, capped = res.n_iter, res.sigma2, model.mstep.n_capped
        model.set_mstep(_make_mstep(refine, svd_solver, inner_tol, max_inner, 0.0), {})
        method, kw["max_iter"] = refine, max_iter - n_iter
    res = run_em_polished(model, sigma2, polish=polish, desc=f"KroSBL-{method}", **kw)
    return _finish(model, y, res, n_iter + res.n_iter, capped + model.mstep.n_capped, hist)


def _finish(model, y, res, n_iter, capped, hist):
    """The final E-step (with the parts the predictive variance needs) and the summary."""
    mu, s, cost, _, _, Ws, delta = model.posterior(res.sigma2)
    return KroneckerFit(model, res.sigma2, cost, n_iter, res.converged, hist, capped,
                        (mu, s, Ws, delta))


def full_gamma(gammas, supports, shape):
    """The full-length ``(x) gamma_i`` with zeros off the support grid."""
    G = np.zeros(shape)
    G[np.ix_(*supports)] = kron_vectors(gammas).reshape([len(s) for s in supports])
    return G.ravel()
