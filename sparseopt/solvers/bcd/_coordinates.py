"""Coordinate blocks: fixed or variable blocks of coordinates of a separable penalty.

:class:`Coordinates` gives the shared working-set loop (:mod:`._loop`) what it needs: the
check before each gap (intercept, sign tracking, polish), the next working set (Gap Safe
screening, GS-q scores) and the subproblem on a working set (blocks, block constants, Gram
matrix, then the update kernels). :func:`run_paper_mode` is the paper's setting, without
working sets: one iteration is one block update over all coordinates.
"""

import math

import numpy as np
import scipy.sparse as sp

from ...utils import gap_from_predictor
from . import _kernels_block as KB
from . import _kernels_cd as K
from . import _kernels_select as KS
from ._newton import prox_newton_step
from ._partition import make_partition
from ._rules import SELECTION_RULES, UPDATE_CODES
from ._working_set import build_working_set

_GRAM_CAP_BYTES = 64 * 2**20
_NO_RECORD = np.zeros((0, 0))
FALLBACK_EPOCHS = 10  # majorised epochs after a refused Newton step (see Plan.run)


def abs_row_sum_bound(X, curvature):
    """Valid GSD diagonal bound d_j = c/n (|X|^T |X| 1)_j >= sum_i |H_ji|, in O(nnz(X))."""
    absX = abs(X)
    return curvature * np.asarray(absX.T @ (absX @ np.ones(X.shape[1]))).ravel() / X.shape[0]


def block_constants(pb, ws, blk_ptr, blk_pos, tau):
    """Block bounds ``H_b = c X_b^T X_b / n`` (zero-padded to tau x tau) and ``L_b``.

    The padding adds zero eigenvalues only, so ``L_b`` is the largest eigenvalue of the padded
    matrix; ``H`` is returned for the rules that need the whole block matrix (GSQ).
    """
    df, dfp, _, _, _, _, curv = pb.parts
    H = np.zeros((len(blk_ptr) - 1, tau, tau))
    KB.block_bounds(pb.design.kx, pb.y, pb.z, ws, blk_ptr, blk_pos, df, dfp, curv, H)
    return np.linalg.eigvalsh(H)[:, -1], H


class Plan:
    """How the coordinates ``ws`` are updated: blocks, constants, Gram matrix, fast paths."""

    def __init__(self, pb, opts, ws):
        self.ws = ws
        m = len(ws)
        tau = max(1, min(pb.tau, m))
        self.tau = tau
        self.variable = opts.partition == "variable"
        lsq = pb.lsq
        self.prox_newton = (opts.selection == "cyclic" and tau == 1 and not self.variable
                            and opts.update == "newton" and not lsq)
        if self.prox_newton:
            # Logistic + 'newton' + cyclic single coordinates: proximal Newton on the whole
            # working set (the Newton model minimised by cyclic CD, then a line search), as in
            # glmnet; it needs no blocks, constants or Gram matrix
            self.n_blocks, self.fast, self.use_gram = m, False, False
            self.ws_order = ws
            return
        Hblocks = None
        if self.variable:
            self.blk_ptr = np.zeros(1, dtype=np.int64)
            self.blk_pos = np.zeros(0, dtype=np.int64)
            self.Lb = np.zeros(1)
            self.n_blocks = math.ceil(m / tau) if m else 0
        else:
            self.blk_ptr, self.blk_pos = make_partition(opts.partition, pb.L[ws], tau)
            self.n_blocks = len(self.blk_ptr) - 1
            self.Lb = np.empty(max(self.n_blocks, 1))
            if tau == 1:
                self.Lb[:self.n_blocks] = pb.L[ws[self.blk_pos]]
            else:
                self.Lb[:self.n_blocks], Hblocks = block_constants(pb, ws, self.blk_ptr,
                                                                   self.blk_pos, tau)
        rule = SELECTION_RULES[opts.selection]
        self.Hcache = np.zeros((1, 1, 1))
        if opts.selection == "gsq" and m > 0 and not self.variable:
            self.Hcache = (np.ascontiguousarray(self.Lb[:self.n_blocks].reshape(-1, 1, 1))
                           if tau == 1 else Hblocks)
        self.use_gram = (rule.greedy and lsq and not pb.kernel_intercept
                         and m * m * 8 <= _GRAM_CAP_BYTES and m > 0)
        self.G = np.zeros((1, 1))
        if self.use_gram:
            Xws = pb.design.X[:, ws]
            G = Xws.T @ Xws
            G = (G.toarray() if sp.issparse(G) else np.asarray(G)) / pb.y.shape[0]
            self.G = np.ascontiguousarray(G)
        self.gvec = np.zeros(max(m, 1))
        self.fast = (opts.selection == "cyclic" and tau == 1 and not self.variable
                     and (opts.update == "gradient" or lsq))
        order = ws[self.blk_pos] if (self.fast and m) else ws
        self.ws_order = np.ascontiguousarray(order, dtype=np.int64)
        self.rule = (rule.code, rule.greedy, self.variable, tau)

    def run(self, pb, opts, Dg, n_updates, rec=_NO_RECORD):
        """Run ``n_updates`` block updates (the fast path runs whole epochs, writing
        ``w[ws_order]`` after each into the rows of ``rec`` if it has one per epoch)."""
        if len(self.ws) == 0 or n_updates <= 0:
            return
        kx = pb.design.kx
        if self.prox_newton:
            # inexact Newton: the model is solved to a tolerance tied to the current gap
            for _ in range(max(1, n_updates // max(self.n_blocks, 1))):
                if not prox_newton_step(pb, self.ws, pb.newton_tol):
                    # no step accepted: the inexact model solve was too coarse, or the step
                    # would gain less than the objective's rounding level (the iterate can
                    # still be 1e-10 from the optimum, which the gap sees); tighten the solve,
                    # and with a global curvature bound run majorised epochs, which descend on
                    # gradients, not on objective differences
                    pb.newton_tol = max(pb.newton_tol * 1e-3, 1e-12)
                    if np.isfinite(pb.parts[6]):
                        K.cd_epochs(kx, pb.y, pb.z, pb.w, pb.intercept, pb.kernel_intercept,
                                    self.ws, pb.L, pb.parts, FALLBACK_EPOCHS, pb.mu, _NO_RECORD)
            return
        n_blocks = max(self.n_blocks, 1)
        if self.fast and n_updates % n_blocks == 0:
            # with implicit centring (pb.mu nonempty) the steps use the centred columns'
            # curvatures
            K.cd_epochs(kx, pb.y, pb.z, pb.w, pb.intercept, pb.kernel_intercept, self.ws_order,
                        pb.L_centred if pb.mu.size else pb.L, pb.parts, n_updates // n_blocks,
                        pb.mu, rec)
            return
        seed = int(pb.rng.integers(2**31 - 1))
        plan = (self.ws, self.blk_ptr, self.blk_pos, self.Lb, pb.L, Dg, self.Hcache)
        KS.bcd_updates(kx, (pb.y, pb.z, pb.w, pb.intercept), pb.parts, plan, self.rule,
                       (self.use_gram, self.G, self.gvec), UPDATE_CODES[opts.update],
                       pb.kernel_intercept, n_updates, seed)


def local_curvature(pb):
    """``X_j^T diag(f''(z)) X_j``: the coordinate curvatures at the iterate."""
    h = np.ascontiguousarray(pb.datafit.raw_hessian(pb.y, pb.z), dtype=np.float64)
    out = np.empty(pb.design.shape[1])
    K.weighted_sq_norms(pb.design.kx, h, out)
    return out


def subproblem_gap(pb, features):
    """Duality gap of the problem restricted to ``features`` (``w`` is zero elsewhere): the
    dual point is the residual rescaled on those features only."""
    gws = restricted_gradient(pb, features)
    # the penalty's conjugate is summed over every coordinate below; off the features the
    # restricted problem fixes w_j = 0 (conjugate 0), while Psi_j^*(0) = -inf Psi_j is not
    # 0 for a penalty that goes below zero (a box with a linear term): take it back out
    outside = pb.w.shape[0] - len(features)
    excess = -pb.penalty.infimum(outside) if outside else 0.0
    if pb.compiled_gap():
        # the same gap in compiled passes: the gradient is zero off the features
        df, dfp, _, pen, pp, _, _ = pb.parts
        if pb.raw is None:
            pb.raw = np.empty(pb.y.shape[0])
        K.raw_grad_vec(df, dfp, pb.y, pb.z, pb.raw)
        g = np.zeros(pb.w.shape[0])
        g[features] = gws
        primal, dual, _ = K.gap_parts(df, dfp, pen, pp, pb.y, pb.y_dual, pb.z, pb.w, g, pb.raw)
        return primal - dual - excess
    u = np.zeros(pb.w.shape[0])
    u[features] = -gws
    dn = pb.penalty.dual_norm(u)
    scale = 1.0 if dn <= pb.alpha else pb.alpha / dn
    theta = -scale * pb.datafit.raw_grad(pb.y, pb.z)
    return (pb.objective() - pb.datafit.dual(pb.y_dual, theta)
            + pb.penalty.rescaled_conjugate(scale * u) - excess)


def restricted_gradient(pb, features):
    """``X_j^T f'(z)`` for the ``features`` (after refreshing the intercept)."""
    pb.refresh_intercept()
    df, dfp, lsq = pb.parts[:3]
    g = np.empty(len(features))
    K.grad_subset(pb.design.kx, pb.y, pb.z, df, dfp, lsq, features, g)
    return g


class CoordinateSubproblem:
    """Block updates restricted to a working set (see :func:`._loop.solve_subproblem`)."""

    def __init__(self, family, ws, eps):
        self.family = family
        self.ws = ws
        self.plan = Plan(family.pb, family.opts, ws)
        self.n_blocks = max(self.plan.n_blocks, 1)
        self.one_step = self.plan.prox_newton
        if self.one_step:
            pb = family.pb
            pb.newton_tol = float(np.clip(1e-2 * eps / max(pb.P0, 1e-300), 1e-12, 1e-5))

    def epochs(self, n):
        self.plan.run(self.family.pb, self.family.opts, self.family.Dg, n * self.n_blocks)

    def record(self, rows):
        """On the fast path (cyclic single coordinates): ``len(rows)`` epochs in one compiled
        call, ``pack()`` after each written to ``rows``; returns whether it ran them."""
        plan = self.plan
        if not (plan.fast and plan.n_blocks > 0):
            return False
        plan.run(self.family.pb, self.family.opts, self.family.Dg, len(rows) * self.n_blocks,
                 rows)
        return True

    def criterion(self):
        pb = self.family.pb
        if pb.has_gap:
            return subproblem_gap(pb, self.ws)
        return self.family.violation(restricted_gradient(pb, self.ws), self.ws)

    def pack(self):
        return self.family.pb.w[self.plan.ws_order]

    def try_point(self, x):
        return try_coefficients(self.family.pb, self.plan.ws_order, x)


def try_coefficients(pb, ws, w_ws):
    """Move to ``w[ws] = w_ws`` (projected on the penalty's domain) if that lowers the
    objective; ``w`` is zero outside ``ws`` (it holds the support)."""
    if not np.all(np.isfinite(w_ws)):  # an extrapolation that overflowed: not a candidate
        return False
    w_full = pb.w.copy()
    w_full[ws] = w_ws
    w_full = pb.penalty.project(w_full)  # projection on the domain (w >= 0, say)
    z_acc = np.empty_like(pb.z)
    K.predict_subset(pb.design.kx, w_full, ws, 0.0, z_acc)
    b = pb.intercept[0]
    if pb.lsq:  # least squares runs on the residual z = Xw + b - y
        z_acc -= pb.y_dual
        if pb.kernel_intercept:  # the candidate is judged with its own optimal intercept
            b = -float(np.mean(z_acc))
    z_acc += b
    if pb.objective(w_full, z_acc) < pb.objective():
        pb.w[ws] = w_full[ws]
        pb.z[:] = z_acc
        pb.intercept[0] = b
        return True
    return False


class Coordinates:
    """Working sets of coordinates with Gap Safe screening, GS-q scores and polishing."""

    def __init__(self, pb, opts, result, Dg):
        self.pb, self.opts, self.result, self.Dg = pb, opts, result, Dg
        n, p = pb.design.shape
        self.screened = np.zeros(p, dtype=bool)
        self.col_norms = np.sqrt(pb.L * n / pb.parts[6])
        self.mu = pb.datafit.dual_modulus(n)
        self.prev_sign = None
        self.stable = 0
        self.monitor = None  # set by the loop (its dual point serves Gap Safe screening)
        self.all = np.arange(p, dtype=np.int64)
        result.active_set_iter = 0

    def violation(self, grad, idx=None):
        """Fixed-point residual over ``idx`` (all coordinates), ``grad`` aligned with it."""
        _, _, _, pen, pp, _, _ = self.pb.parts
        idx = self.all if idx is None else idx
        return K.fixed_point_violation(pen, pp, self.pb.w, grad, self.pb.L, idx)

    def before_check(self, t):
        pb = self.pb
        pb.refresh_intercept()
        if not np.isfinite(pb.parts[6]):
            # no global curvature bound (Poisson, Gamma): the working-set scores and the
            # fixed-point residual use the curvature at the iterate
            pb.L[:] = local_curvature(pb)
        sign = np.sign(pb.w)
        if self.prev_sign is not None and np.array_equal(sign, self.prev_sign):
            self.stable += 1
        else:
            self.stable = 0
            self.result.active_set_iter = t
        self.prev_sign = sign
        if (self.opts.polish and self.stable >= 2 and pb.lsq and not pb.kernel_intercept
                and polish(pb)):
            self.result.n_polished += 1

    def _screen(self, gap):
        pb = self.pb
        radius = math.sqrt(2.0 * gap / self.mu)
        newly = pb.penalty.safe_zeros(self.monitor.xt, self.col_norms * radius)
        newly &= ~self.screened
        if not newly.any():
            return
        self.screened |= newly
        for j in np.flatnonzero(newly & (pb.w != 0)):  # zero at the optimum: drop them now
            pb.z -= pb.w[j] * pb.design.column(j)
            pb.w[j] = 0.0
        self.result.n_screened = int(self.screened.sum())

    def next_working_set(self, grad, gap):
        pb = self.pb
        if self.opts.screening and pb.screens and pb.has_gap and self.mu > 0:
            self._screen(gap)
        _, _, _, pen, pp, _, _ = pb.parts
        score = np.empty(pb.w.shape[0])
        if pb.has_gap:
            K.gsq_scores(pen, pp, pb.w, grad, pb.L, score)
            eps = 0.3 * gap
        else:
            # without a duality gap the criterion is the fixed-point residual: the working set
            # takes the coordinates that violate it most, and each subproblem is solved to a
            # tenth of the current residual, so the outer loop does not revisit it (a local
            # solve that stops early moves the support, and the next check finds new
            # violators outside the working set)
            K.fixed_point_scores(pen, pp, pb.w, grad, pb.L, score)
            eps = 0.1 * gap
        score[pb.w != 0] = np.inf
        score[self.screened | (pb.L <= 0)] = -1.0
        ws = build_working_set(score, n_support=int(np.count_nonzero(pb.w)), p0=self.opts.p0)
        return ws, eps, None

    def subproblem(self, ws, eps):
        return CoordinateSubproblem(self, ws, eps)


def polish(pb):
    """Newton step on the support with the penalty's piece fixed (least squares, a penalty
    that is linear on the sign pattern of ``w``); True if accepted."""
    w, z = pb.w, pb.z
    S = np.flatnonzero(w)
    n = pb.design.shape[0]
    piece = pb.penalty.piece_gradient(w[S]) if hasattr(pb.penalty, "piece_gradient") else None
    if S.size == 0 or S.size > min(n, 2000) or piece is None:
        return False
    XS = pb.design.columns(S)
    sgn = np.sign(w[S])
    try:
        Lc = np.linalg.cholesky(XS.T @ XS)
    except np.linalg.LinAlgError:
        return False
    rhs = XS.T @ pb.y_dual - n * piece
    v = np.linalg.solve(Lc.T, np.linalg.solve(Lc, rhs))
    if not np.array_equal(np.sign(v), sgn):
        return False
    z_new = XS @ v - pb.y_dual  # residual state: z = X w - y
    w_new = np.zeros_like(w)
    w_new[S] = v
    if not pb.objective(w_new, z_new) < pb.objective():
        return False
    w[S] = v
    z[:] = z_new
    return True


def _paper_criterion(pb, g0):
    """``(criterion, objective, reference, is_gap)``: the duality gap against ``P0``, the
    gradient norm against its first value ``g0`` (no penalty), or the fixed-point residual
    against ``grad_ref`` (penalties without a gap)."""
    if not pb.has_gap and not pb.smooth:
        _, _, _, pen, pp, _, _ = pb.parts
        crit = float(K.fixed_point_violation(pen, pp, pb.w, pb.gradient(), pb.L,
                                             np.arange(pb.w.shape[0])))
        return crit, pb.objective(), pb.grad_ref, False
    gap, primal, _, xt = gap_from_predictor(pb.datafit, pb.penalty, pb.design.X, pb.y, pb.w,
                                            pb.z, y_dual=pb.y_dual)
    if pb.alpha == 0.0:
        if pb.smooth:
            crit = float(np.linalg.norm(xt))
        else:
            # a constraint without a penalty (L1(0, positive=True): w >= 0): the norm of the
            # projected gradient step, in gradient units; zero exactly at the optimum, where
            # the raw gradient need not vanish on the coordinates held at the bound
            g, L = pb.gradient(), pb.L
            safe_L = np.where(L > 0, L, 1.0)
            step = pb.penalty.prox(pb.w - g / safe_L, 1.0 / safe_L) - pb.w
            crit = float(np.linalg.norm(np.where(L > 0, L * step, 0.0)))
        return crit, primal, max(crit, np.finfo(float).tiny) if g0 is None else g0, False
    return max(gap, 0.0), primal, pb.gap_reference(primal), True


def run_paper_mode(pb, opts, result, Dg, max_iter):
    """One iteration = one block update over all coordinates; check every ``gap_freq``."""
    ws = np.flatnonzero(pb.L > 0).astype(np.int64)
    freq = opts.gap_freq or max(1, math.ceil(len(ws) / pb.tau))
    g0 = None
    plan = Plan(pb, opts, ws)
    done = 0
    while True:
        pb.refresh_intercept()
        crit, primal, ref, is_gap = _paper_criterion(pb, g0)
        if pb.alpha == 0.0:
            g0 = ref
        pb.record(done, primal, crit, len(ws))
        result.rel_gap = crit / ref if ref > 0 else crit
        result.criterion = crit
        result.dual_gap = crit if is_gap else np.inf
        if crit <= pb.tol * ref or crit == 0.0:
            result.converged = True
            break
        if done >= max_iter:
            break
        n_up = min(freq, max_iter - done)
        plan.run(pb, opts, Dg, n_up)
        done += n_up
    result.n_iter = done
    result.n_updates = done
    result.n_epochs = done // max(1, plan.n_blocks)
