"""Block penalties: groups of coordinates, and rows of a coefficient matrix (multinomial).

Both run the shared working-set loop (:mod:`._loop`) with whole groups (rows) as blocks and
the penalty's radial block prox; they differ in the datafit (a vector or a matrix of scores),
the working-set score (the penalty's GS-q score for groups, its GS-s score for rows, as the
multinomial solver always did) and the subproblem criterion.
"""

import numpy as np

from ...datafits import QuadraticMultiTask
from . import _kernels_cd as K
from ._coordinates import (
    _NO_RECORD,
    block_constants,
    restricted_gradient,
    subproblem_gap,
    try_coefficients,
)
from ._kernels_rows import quadratic_row_epochs, row_epochs
from ._working_set import build_working_set


class GroupSubproblem:
    """Cyclic group steps on the working-set groups (criterion: the restricted gap)."""

    n_blocks = 1
    one_step = False

    def __init__(self, family, ws_groups):
        self.family = family
        self.ws_groups = ws_groups
        ptr, idx = family.grp_ptr, family.grp_indices
        self.features = np.sort(np.concatenate(
            [idx[ptr[g]:ptr[g + 1]] for g in ws_groups])).astype(np.int64)

    def epochs(self, n, rows=_NO_RECORD):
        f, pb = self.family, self.family.pb
        K.group_cd_epochs(pb.design.kx, pb.y, pb.z, pb.w, pb.intercept, pb.kernel_intercept,
                          f.grp_ptr, f.grp_indices, self.ws_groups, f.Lg, f.gw, pb.parts, n,
                          self.features, rows)

    def record(self, rows):
        """``len(rows)`` epochs in one compiled call, ``pack()`` after each written to
        ``rows``."""
        self.epochs(len(rows), rows)
        return True

    def criterion(self):
        pb = self.family.pb
        if pb.has_gap:
            return subproblem_gap(pb, self.features)
        g = np.zeros(pb.w.shape[0])
        g[self.features] = restricted_gradient(pb, self.features)
        return self.family.violation(g, self.ws_groups)

    def pack(self):
        return self.family.pb.w[self.features]

    def try_point(self, x):
        return try_coefficients(self.family.pb, self.features, x)


class Groups:
    """Working sets of whole groups (the support, then the best GS-q scores)."""

    def __init__(self, pb, opts, paper_mode):
        self.pb, self.opts, self.paper_mode = pb, opts, paper_mode
        p = pb.w.shape[0]
        self.grp_ptr, self.grp_indices, self.gw, _ = pb.penalty.encoding(p)
        tau = int(np.max(np.diff(self.grp_ptr))) if len(self.grp_ptr) > 1 else 1
        self.Lg, _ = block_constants(pb, np.arange(p, dtype=np.int64), self.grp_ptr,
                                     self.grp_indices, tau)

    def before_check(self, t):
        self.pb.refresh_intercept()

    def violation(self, grad, groups=None):
        """Fixed-point residual over ``groups`` (all), ``grad`` indexed like ``w``."""
        _, _, _, pen, pp, _, _ = self.pb.parts
        groups = np.arange(len(self.Lg), dtype=np.int64) if groups is None else groups
        return K.group_fixed_point_violation(pen, pp, self.pb.w, grad.ravel(), self.grp_ptr,
                                             self.grp_indices, groups, self.Lg, self.gw)

    def next_working_set(self, grad, gap):
        pb = self.pb
        score = pb.penalty.gsq_score(pb.w, grad.ravel(), self.Lg)
        active = pb.penalty.group_norms(pb.w) > 0
        score[active | (self.gw == 0)] = np.inf
        score[self.Lg <= 0] = -1.0
        p0 = len(score) if self.paper_mode else self.opts.p0
        ws = build_working_set(score, n_support=int(np.count_nonzero(active)), p0=p0)
        return ws, 0.3 * gap, None

    def subproblem(self, ws, eps):
        return GroupSubproblem(self, ws)


class RowSubproblem:
    """Row epochs: exact steps for multi-task least squares (criterion: the last epoch's
    largest step residual, free, so checked after every epoch), steps on Bohning's majoriser
    for the multinomial loss (criterion: the largest row violation at the current point)."""

    n_blocks = 1
    one_step = False

    def __init__(self, family, ws):
        self.family = family
        self.ws = ws
        self.exact = isinstance(family.pb.datafit, QuadraticMultiTask)
        self.free_criterion = self.exact
        self.residual = np.inf
        self.n_epochs = 0

    def epochs(self, n):
        self.n_epochs += n
        f, pb = self.family, self.family.pb
        _, _, _, pen, pp, _, _ = pb.parts
        if self.exact:
            self.residual = quadratic_row_epochs(pb.design.kx, pb.y, pb.z, pb.w, pb.intercept,
                                                 pb.kernel_intercept, pb.L, pen, pp, f.gw,
                                                 self.ws, n)
            return
        row_epochs(pb.design.kx, pb.y, pb.z, pb.w, pb.intercept, pb.kernel_intercept, pb.L,
                   pen, pp, f.gw, self.ws, n, f.R)

    def criterion(self):
        if self.free_criterion:
            return self.residual
        pb = self.family.pb
        G = np.zeros_like(pb.w)
        G[self.ws] = np.asarray(pb.design.X[:, self.ws].T @ pb.datafit.raw_grad(pb.y, pb.z))
        if not pb.has_gap:
            return self.family.violation(G, self.ws)
        return float(np.max(pb.penalty.subdiff_distance(pb.w.ravel(), G.ravel()), initial=0.0))

    def pack(self):
        pb = self.family.pb
        return np.concatenate([pb.w[self.ws].ravel(), pb.intercept])

    def try_point(self, x):
        pb = self.family.pb
        K = pb.intercept.shape[0]
        W_ws = x[:-K].reshape(self.ws.size, K)
        b_new = x[-K:] if pb.kernel_intercept else pb.intercept
        W_try = pb.w.copy()
        W_try[self.ws] = W_ws
        Z_try = (pb.z + np.asarray(pb.design.X[:, self.ws] @ (W_ws - pb.w[self.ws]))
                 + (b_new - pb.intercept))
        if pb.objective(W_try, Z_try) < pb.objective():
            pb.w[self.ws] = W_ws
            pb.intercept[:] = b_new
            pb.z[:] = Z_try
            self.residual = np.inf  # measured at the point the extrapolation replaced
            return True
        return False


class Rows:
    """Working sets of rows of ``W``: the support, then the rows outside it that violate
    their optimality condition, by decreasing violation; without working sets, ``gap_freq``
    epochs over all rows per check.

    The size is ``max(p0, 2 |support|, p / (2 E))`` (capped by the candidates), ``E`` the
    epochs the previous subproblem took (``gap_freq`` before the first). The last term
    balances the two costs of an outer iteration: the check computes the full gradient
    ``X^T R`` (``n p K`` products, about ``p / 2`` row updates of ``2 n K``), so a
    subproblem of fewer rows costs less than the check that set it up, and the check, not
    the epochs, would set the pace while the working set doubles towards a large support.
    A zero row whose gradient lies inside its ball (no violation) is left out: its step
    would be zero, and it enters at a later check if the others move it out of the ball.
    """

    def __init__(self, pb, opts, use_working_sets, freq):
        self.pb, self.opts = pb, opts
        self.use_working_sets = use_working_sets
        self.freq = freq
        p, n_classes = pb.w.shape
        self.grp_ptr, self.grp_indices, gw, _ = pb.penalty.encoding(p * n_classes)
        self.gw = np.ascontiguousarray(gw)
        self.R = np.empty(pb.z.shape)  # the row kernel's scratch
        self.last = None  # the previous subproblem (its epoch count sizes the next one)

    def before_check(self, t):
        pass  # the intercept takes its exact majoriser step in every epoch

    def violation(self, grad, rows=None):
        """Fixed-point residual over ``rows`` (all), ``grad`` shaped like ``W``."""
        pb = self.pb
        _, _, _, pen, pp, _, _ = pb.parts
        rows = np.arange(pb.w.shape[0], dtype=np.int64) if rows is None else rows
        return K.group_fixed_point_violation(pen, pp, pb.w.ravel(), grad.ravel(), self.grp_ptr,
                                             self.grp_indices, rows, pb.L, self.gw)

    def balanced_size(self):
        """``ceil(p / (2 E))``: the rows on which the expected epochs cost one check."""
        epochs = self.freq if self.last is None else max(self.last.n_epochs, 1)
        return -(-self.pb.w.shape[0] // (2 * epochs))

    def next_working_set(self, grad, gap):
        pb = self.pb
        if not self.use_working_sets:
            return np.arange(pb.w.shape[0], dtype=np.int64), -np.inf, self.freq
        viol = pb.penalty.subdiff_distance(pb.w.ravel(), grad.ravel())
        support = np.any(pb.w != 0, axis=1)
        score = np.where(support, np.inf, np.where(viol > 0, viol, -1.0))
        score[pb.L <= 0] = -1.0
        ws = build_working_set(score, n_support=int(support.sum()),
                               p0=max(self.opts.p0, self.balanced_size()))
        return ws, 0.3 * float(np.max(viol, initial=0.0)), None

    def subproblem(self, ws, eps):
        self.last = RowSubproblem(self, ws)
        return self.last
