"""The problem a BCD run solves (and the checks of its data), its iterate, and the outer check
shared by every block kind."""

import time
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import scipy.sparse as sp

from ...datafits import dispatch as D
from ...penalties import dispatch as P
from ...utils import check_seed, gap_from_predictor
from .._result import History
from . import _kernels_cd as K
from ._design import Design

HISTORY_KEYS = ("iter", "time", "objective", "criterion", "ws_size", "support_size")


@dataclass
class Problem:
    """Everything a BCD run works on; the iterate arrays are updated in place.

    Attributes
    ----------
    design : Design
    y : ndarray
        Targets as the kernels see them (zeros for least squares, which runs on the residual).
    y_dual : ndarray
        The true targets (dual objective, polish).
    datafit, penalty
        The parts (the penalty is never None here: "no penalty" is ``L1(0)``).
    parts : tuple
        ``(df, dfp, lsq, pen, pp, smooth, curv)``: the parts' kernel codes and parameters,
        whether the datafit is least squares, whether the penalty is identically zero, and
        the datafit's curvature bound.
    alpha : float
    w, z, intercept : ndarray
        Coefficients, linear predictor (``Xw + b``, minus ``y`` for least squares) and
        intercept (shape (1,), or (n_classes,) for the multinomial loss).
    kernel_intercept : bool
        The intercept is a variable of the run (not removed by centring).
    L : ndarray
        Coordinate (or row) Lipschitz constants.
    P0, tol : float
        Objective at zero with the best intercept; the stopping tolerance (gap <= tol P0).
    grad_ref : float
        The largest gradient entry (row norm) at zero: the reference of the fixed-point
        criterion of penalties without a duality gap.
    mu, L_centred : ndarray
        Implicit centring of sparse least squares with an intercept (empty / None
        otherwise): the column means and the curvatures ``||X_j - mu_j||^2 / n`` of the
        centred columns, for the coordinate epochs that keep the intercept at its optimum
        after every step (:func:`._kernels_cd.cd_epochs`).
    random_state : None, int, SeedSequence or Generator
        Seed of the random rules; ``rng`` (the Generator) is made on first use, so the
        deterministic rules never pay for seeding one.
    report : Progress
    """

    design: Design
    y: np.ndarray
    y_dual: np.ndarray
    datafit: object
    penalty: object
    parts: tuple
    alpha: float
    w: np.ndarray
    z: np.ndarray
    intercept: np.ndarray
    kernel_intercept: bool
    L: np.ndarray
    P0: float
    tol: float
    random_state: object
    report: object = None
    tau: int = 1
    history: History = field(default_factory=lambda: History(HISTORY_KEYS))
    t_start: float = field(default_factory=time.perf_counter)
    n_extrapolations: int = 0
    newton_tol: float = 1e-10
    raw: np.ndarray = None
    grad_ref: float = 1.0
    mu: np.ndarray = field(default_factory=lambda: np.zeros(0))
    L_centred: np.ndarray = None
    gap_scale: str = "P0"

    def gap_reference(self, primal):
        """The scale of the relative duality gap: ``P0``, or (``gap_scale='objective'``, for a
        penalty that goes below zero, where ``P0`` only bounds the objective) the magnitude
        of the current objective, floored at the rounding level of ``P0``."""
        if self.gap_scale == "objective":
            return max(abs(primal), 64.0 * np.finfo(float).eps * self.P0)
        return self.P0

    @cached_property
    def rng(self):
        """The Generator of the random rules (made on first use)."""
        return check_seed(self.random_state)

    @cached_property
    def has_gap(self):
        """The penalty certifies by a duality gap (else: a fixed-point criterion); read once
        per run (the penalty does not change during a solve, and a weighted penalty validates
        its weights to answer)."""
        return (self.penalty.certificate == "dual_gap"
                and getattr(self.datafit, "has_dual", True))

    @cached_property
    def screens(self):
        """The penalty allows Gap Safe screening (read once per run, like ``has_gap``)."""
        return bool(self.penalty.screening)

    @property
    def smooth(self):
        """The penalty is identically zero."""
        return self.parts[5]

    @property
    def lsq(self):
        return self.parts[2]

    @cached_property
    def compiled_value(self):
        """The objective has a compiled path: a datafit and a separable penalty with kernels
        (their kernel parameters, validated once in ``parts``, are reused at every call)."""
        return (self.datafit.code in D.CODES and self.penalty.structure == "separable"
                and self.penalty.code in P.SEPARABLE_CODES and self.w.ndim == 1)

    def objective(self, w=None, z=None):
        """``F + Psi`` at the iterate, or at ``(w, z)`` (``w`` in the penalty's domain)."""
        w = self.w if w is None else w
        z = self.z if z is None else z
        if self.compiled_value:
            df, dfp, _, pen, pp, _, _ = self.parts
            return K.objective_value(df, dfp, pen, pp, self.y, z, w)
        return self.datafit.value(self.y, z) + self.penalty.value(w.ravel())

    def record(self, it, objective, criterion, ws_size):
        w = self.w
        support = (np.count_nonzero(w) if w.ndim == 1
                   else np.count_nonzero(np.any(w != 0, axis=1)))
        self.history.record(iter=it, time=time.perf_counter() - self.t_start,
                            objective=objective, criterion=criterion, ws_size=ws_size,
                            support_size=int(support))

    def refresh_intercept(self):
        """Make the intercept optimal for the current ``w`` before a gap check."""
        if not self.kernel_intercept:
            return
        z, b = self.z, self.intercept
        if self.lsq:
            df, dfp, lsq, _, _, _, curv = self.parts
            K.intercept_step(df, dfp, lsq, curv, self.y, z, b)
        else:
            new_b = self.datafit.best_intercept(self.y, z - b[0], b[0])
            z += new_b - b[0]
            b[0] = new_b

    def compiled_gap(self):
        """The gap has a compiled path: separable penalty with a duality gap, alpha > 0."""
        return (self.penalty.structure == "separable" and self.has_gap
                and self.alpha > 0.0 and self.datafit.code >= 0)

    def gradient(self):
        """``X^T f'(z)`` (shape of ``w``)."""
        if self.datafit.code >= 0:
            df, dfp = self.parts[:2]
            if self.raw is None:
                self.raw = np.empty(self.y.shape[0])
            K.raw_grad_vec(df, dfp, self.y, self.z, self.raw)
            raw = self.raw
        else:
            raw = self.datafit.raw_grad(self.y, self.z)
        return self.design.rmatmat(raw).reshape(self.w.shape)

    def gradient_and_gap(self):
        """``(grad, primal, dual, X^T theta)`` at the rescaled residual dual point."""
        X, y, z, w = self.design.X, self.y, self.z, self.w
        if self.compiled_gap():
            # the same gap as gap_from_predictor, in two compiled passes around one BLAS call
            df, dfp, _, pen, pp, _, _ = self.parts
            if self.raw is None:
                self.raw = np.empty(y.shape[0])
            K.raw_grad_vec(df, dfp, y, z, self.raw)
            grad = np.asarray(X.T @ self.raw).ravel()
            primal, dual, scale = K.gap_parts(df, dfp, pen, pp, y, self.y_dual, z, w, grad,
                                              self.raw)
            return grad, primal, dual, -scale * grad
        raw = self.datafit.raw_grad(y, z)
        grad = self.design.rmatmat(raw)
        _, primal, dual, xt = gap_from_predictor(self.datafit, self.penalty, X, y, w.ravel(), z,
                                                 grad.ravel(), y_dual=self.y_dual, raw=raw)
        return grad, primal, dual, xt


@dataclass
class GapMonitor:
    """The outer check: the duality gap of the current iterate, recorded per check.

    The gap is evaluated at the dual point of the current iterate (its rescaled residual),
    so the reported gap certifies the returned coefficients themselves and a warm start from
    a converged solution passes the first check. ``xt`` (``X^T theta`` at that dual point)
    is kept for Gap Safe screening. For a penalty without a duality gap, ``violation(grad)``
    (the fixed-point residual of the block kind at hand) is the criterion, relative to
    ``grad_ref``.
    """

    problem: Problem
    violation: object = None
    xt: np.ndarray = None

    def check(self, result, t, ws_size):
        """One full gradient and the criterion; returns ``(grad, criterion)`` and sets
        ``converged``."""
        pb = self.problem
        if pb.has_gap:
            grad, primal, dual, xt = pb.gradient_and_gap()
            self.xt = xt
            crit = primal - dual
            crit = np.inf if np.isnan(crit) else max(crit, 0.0)
            ref = pb.gap_reference(primal)
            result.dual_gap = crit
        else:
            grad = pb.gradient()
            primal, crit, ref = pb.objective(), float(self.violation(grad)), pb.grad_ref
        result.n_iter = t + 1
        result.criterion = crit
        result.rel_gap = crit / ref if ref > 0 else crit
        pb.record(t, primal, crit, ws_size)
        pb.report.update(objective=primal, gap=crit, ws=ws_size,
                         support=int(np.count_nonzero(pb.w)))
        if crit <= pb.tol * ref or crit == 0.0:
            result.converged = True
        return grad, crit


def centred_curvatures(X, curvature):
    """Column means of a CSC matrix and the curvatures ``c ||X_j - mu_j||^2 / n`` of its
    centred columns, without cancellation: ``sum_nz (x - mu_j)^2 + (n - nnz_j) mu_j^2``."""
    n = X.shape[0]
    nnz = np.diff(X.indptr)
    cols = np.repeat(np.arange(X.shape[1]), nnz)
    mu = np.bincount(cols, X.data, minlength=X.shape[1]) / n
    dev = X.data - mu[cols]
    ss = np.bincount(cols, dev * dev, minlength=X.shape[1]) + (n - nnz) * mu * mu
    return np.ascontiguousarray(mu), curvature * ss / n


def check_representable(design, L, P0, center):
    """Refuse data whose derived quantities over- or underflow float64 (a ValueError naming
    X or y) instead of returning a silently wrong answer: the column means and curvatures,
    and the objective at zero."""
    if center is not None:
        for name, mean in (("X", center[0]), ("y", center[1])):
            if not np.all(np.isfinite(mean)):
                raise ValueError(f"{name} is too large: its mean overflows float64; divide X "
                                 "and y by a common scale.")
    if L is None:
        return
    if not np.all(np.isfinite(L)):
        raise ValueError("X is too large: its squared column norms overflow float64; divide X "
                         "by a common scale.")
    if not np.isfinite(P0):
        raise ValueError("y is too large: the objective at w = 0 overflows float64; divide y "
                         "(and X) by a common scale.")
    small = np.flatnonzero(L < np.finfo(np.float64).tiny)
    if small.size and np.any(abs(design.X[:, small]).max(axis=0).toarray()
                             if design.is_sparse else np.abs(design.X[:, small]).max(axis=0)):
        raise ValueError("X is too small: the squared norm of a nonzero column underflows "
                         "float64; multiply X by a common scale.")


def build_problem(datafit, penalty, alpha, X, y, w, fit_intercept, intercept0, tol, tau,
                  random_state):
    """The :class:`Problem` of a coordinate or group run, and the centring (or None)."""
    lsq = bool(datafit.is_least_squares)
    parts = (int(datafit.code), datafit.kernel_params(), lsq, int(penalty.code),
             penalty.kernel_params(), bool(penalty.is_zero()), float(datafit.curvature))
    # Least squares on dense data: centre once instead of carrying an intercept coordinate.
    center = None
    if fit_intercept and lsq and not sp.issparse(X):
        with np.errstate(over="ignore", invalid="ignore"):  # refused below if not finite
            center = (np.asarray(X.mean(axis=0)).ravel(), float(y.mean()))
        check_representable(None, None, None, center)
        X = X - center[0]
        y = y - center[1]
    design = Design.of(X)
    with np.errstate(over="ignore", invalid="ignore"):  # refused just below if not finite
        z0 = np.zeros_like(y)
        if fit_intercept:
            z0 += datafit.best_intercept(y, z0)
        P0 = datafit.value(y, z0)
        L = datafit.lipschitz(design.X)
        # the gap's reference is the size of the objective at zero: its magnitude (a
        # Poisson objective is negative when the mean count exceeds e), or its rounding
        # level when the intercept alone fits y exactly (else the gap never gets below it)
        F0 = abs(datafit.value(y, np.zeros_like(y))) if fit_intercept else 0.0
    check_representable(design, L, P0, center)
    P0, floor = abs(P0), 64 * np.finfo(float).eps * F0
    w[...] = penalty.project(w)  # a warm start outside the penalty's domain (a box, w >= 0)
    depth = -penalty.infimum(w.shape[0]) if hasattr(penalty, "infimum") else 0.0
    gap_scale = "P0"
    if depth > 0.0:
        # a penalty that goes below zero (a box with a linear term, as in the SVM dual,
        # whose objective is 0 at w = 0): the gap at w = 0 of the dual point 0 is
        # Psi^*(0) = -inf Psi, which bounds the objective; the gap is then measured against
        # the objective itself (the optimum can be far below that bound)
        P0 = max(P0, depth) if np.isfinite(depth) else P0
        gap_scale = "objective"
    best = penalty.minimiser() if hasattr(penalty, "minimiser") else None
    flat = L <= 0
    if best is not None and flat.any():
        # coordinates the datafit does not see (zero columns) minimise the penalty alone
        w[flat] = best
    if tol > 0 and P0 <= floor:  # zero up to rounding: stop at the rounding level
        P0 = floor / tol
    kernel_intercept = fit_intercept and center is None
    b0 = 0.0 if intercept0 is None else float(intercept0)
    intercept = np.array([b0 if kernel_intercept else 0.0])
    z = design.affine(w, intercept[0])
    if kernel_intercept and not lsq:
        intercept[0] = datafit.best_intercept(y, z - intercept[0], intercept[0])
        z = design.affine(w, intercept[0])
    elif kernel_intercept:
        K.intercept_step(parts[0], parts[1], lsq, parts[6], y, z, intercept)
    grad_ref = 1.0
    if penalty.certificate != "dual_gap" or not getattr(datafit, "has_dual", True):
        # the fixed-point criterion's reference
        grad_ref = float(np.max(np.abs(design.X.T @ datafit.raw_grad(y, z0)), initial=0.0))
    y_dual = y
    if lsq:
        # Least squares runs on the residual: kernels see y = 0 and z = Xw + b - y, so each
        # coordinate gradient is one BLAS dot X_j^T z (raw_grad and value are unchanged;
        # only the dual needs the true y).
        z = z - y
        y = np.zeros_like(y)
    pb = Problem(design=design, y=y, y_dual=y_dual, datafit=datafit, penalty=penalty,
                 parts=parts, alpha=alpha, w=w, z=z, intercept=intercept,
                 kernel_intercept=kernel_intercept, L=L, P0=P0,
                 tol=tol, random_state=random_state, tau=tau,
                 grad_ref=grad_ref, gap_scale=gap_scale)
    if kernel_intercept and lsq and design.is_sparse:
        pb.mu, pb.L_centred = centred_curvatures(design.X, float(datafit.curvature))
    return pb, center
