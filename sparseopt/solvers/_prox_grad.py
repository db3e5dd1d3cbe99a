"""Proximal gradient descent (ISTA / FISTA with adaptive restart) for any datafit + penalty."""

import math
import time
import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning

from ..datafits import GraphQuadratic, Multinomial, QuadraticMultiTask
from ..utils import (
    ParamsMixin,
    check_bool,
    check_nonnegative,
    check_positive_int,
    gap_from_predictor,
    progress,
)
from ._inputs import check_design, check_part, check_real_values
from ._result import SolverResult


def _criterion_kind(penalty):
    """The stopping criterion a penalty declares (its ``certificate``); for an object without
    the declaration, the Fenchel-Young gap if it has a conjugate, else the fixed point."""
    if penalty is None:
        return "gradient"
    kind = getattr(penalty, "certificate", None)
    if kind in ("dual_gap", "fenchel_young", "fixed_point"):
        return kind
    return "fixed_point" if not hasattr(penalty, "conjugate") else "fenchel_young"


class ProximalGradient(ParamsMixin):
    r"""Proximal gradient descent, accelerated (FISTA) with adaptive restart by default.

    Parameters
    ----------
    accelerated : bool, default=True
        FISTA momentum (Beck and Teboulle 2009); False is ISTA.
    restart : bool, default=True
        Gradient-based adaptive restart (O'Donoghue and Candes 2015): momentum is reset whenever
        ``<z - w_new, w_new - w> > 0``. Keep it on for the sparse envelopes (not strongly convex).
    step : 'backtracking', None or float, default='backtracking'
        'backtracking': Beck-Teboulle backtracking on the local Lipschitz constant, starting from
        ``max_j L_j`` and doubling; None: ``1 / L`` with ``L = datafit.global_lipschitz(X)``;
        a float: a fixed step, which must not exceed ``1 / L`` (ValueError otherwise).
    max_iter : int, default=1000
    tol : float, default=1e-6
        Stop when the criterion is below ``tol * (F(0) + P(0))``: the duality gap for L1/GroupL2,
        the Fenchel-Young gap ``P(w) + P*(u) - <w, u>`` at ``u = -grad F(w)`` (an exact duality
        gap) for SEF/WGSEF, the gradient norm without penalty; for nonconvex penalties the relative
        step ``||w - w_prev||_inf / max(1, ||w||_inf)`` with a stable group support.
    gap_freq : int, default=10
        Iterations between criterion evaluations.
    verbose : int, default=0

    Notes
    -----
    Any penalty with ``value`` and ``prox`` works, including the whole-vector envelopes
    :class:`~sparseopt.penalties.SparseEnvelope` and
    :class:`~sparseopt.penalties.WeightedGroupSparseEnvelope` that coordinate-wise solvers cannot
    host.

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.datafits import Quadratic
    >>> from sparseopt.penalties import WeightedGroupSparseEnvelope
    >>> from sparseopt.solvers import ProximalGradient
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((60, 12)); y = X[:, :3] @ [1.0, -2.0, 1.5]
    >>> pen = WeightedGroupSparseEnvelope(1, groups=3, alpha=0.1)
    >>> w, res = ProximalGradient(tol=1e-8).solve(Quadratic(), pen, X, y)
    >>> res.converged
    True
    """

    def __init__(self, *, accelerated=True, restart=True, step="backtracking", max_iter=1000,
                 tol=1e-6, gap_freq=10, verbose=0):
        self.accelerated = accelerated
        self.restart = restart
        self.step = step
        self.max_iter = max_iter
        self.tol = tol
        self.gap_freq = gap_freq
        self.verbose = verbose

    def __repr__(self):
        return (f"ProximalGradient(accelerated={self.accelerated!r}, restart={self.restart!r}, "
                f"step={self.step!r})")

    def solve(self, datafit, penalty, X, y, w0=None):
        """Minimise ``datafit(X w) + penalty(w)``.

        Parameters
        ----------
        datafit : Quadratic or Logistic
        penalty : penalty object with ``value`` and ``prox``, or None
        X : {ndarray, sparse matrix} of shape (n_samples, n_features)
        y : ndarray of shape (n_samples,)
        w0 : ndarray of shape (n_features,), default=None

        Returns
        -------
        w : ndarray of shape (n_features,)
        result : SolverResult
        """
        max_iter = check_positive_int("max_iter", self.max_iter)
        tol = check_nonnegative("tol", self.tol)
        gap_freq = check_positive_int("gap_freq", self.gap_freq)
        check_bool("accelerated", self.accelerated)
        check_bool("restart", self.restart)
        if isinstance(datafit, Multinomial | QuadraticMultiTask | GraphQuadratic):
            raise ValueError(f"datafit: ProximalGradient solves single-output problems; "
                             f"{type(datafit).__name__} is solved by BlockCoordinateDescent.")
        check_part("datafit", datafit, ("value", "raw_grad", "lipschitz"))
        check_part("penalty", penalty, ("value", "prox"), allow_none=True)
        X = check_design(X)
        y = np.ascontiguousarray(check_real_values("y", y))
        n, p = X.shape
        if y.shape != (n,):
            raise ValueError(f"y must have shape ({n},), got {y.shape}.")
        if hasattr(datafit, "check_y"):  # targets in the datafit's domain
            datafit.check_y(y)
        if w0 is not None and check_real_values("w0", w0).shape != (p,):
            raise ValueError(f"w0 must have shape ({p},), got {np.shape(w0)}.")
        if sp.issparse(X):
            X = sp.csc_matrix(X, dtype=np.float64)
        kind = _criterion_kind(penalty)
        pen_value = (lambda v: 0.0) if penalty is None else penalty.value
        prox = (lambda v, t: v) if penalty is None else penalty.prox

        L_global = None
        backtracking = isinstance(self.step, str)
        if backtracking:
            if self.step != "backtracking":
                raise ValueError(
                    f"step={self.step!r}: expected 'backtracking', None or a float > 0.")
            L_cur = max(float(np.max(datafit.lipschitz(X))) if p else 1.0, 1e-300)
        elif self.step is None:
            L_global = datafit.global_lipschitz(X)
            L_cur = max(L_global, 1e-300)
        else:
            eta = check_nonnegative("step", self.step, allow_zero=False)
            L_global = datafit.global_lipschitz(X)
            if eta > (1.0 + 1e-9) / max(L_global, 1e-300):
                raise ValueError(
                    f"step={eta} exceeds 1/L = {1.0 / L_global:.6g}: FISTA would diverge.")
            L_cur = 1.0 / eta

        w = np.zeros(p) if w0 is None else np.array(w0, dtype=np.float64, copy=True)
        z = w.copy()
        Xz = np.asarray(X @ z).ravel()
        scale = datafit.value(y, np.zeros(n)) + (0.0 if penalty is None else
                                                 pen_value(np.zeros(p)))
        hist = {k: [] for k in ("iter", "time", "objective", "criterion", "n_restarts")}
        result = SolverResult()
        t_mom = 1.0
        n_restarts = 0
        t0 = time.perf_counter()
        support_prev = None
        stable_support = 0
        w_prev = w.copy()
        Xw = Xz.copy()
        report = progress(total=max_iter, desc="ProxGrad", verbose=self.verbose)
        # a certificate is checked before the first step too: a warm start at the solution
        # costs no iteration (the fixed-point criterion needs a step, so it waits)
        it = 0
        done = kind != "fixed_point" and self._check(
            (kind, datafit, penalty, X, y, tol, scale), 0, w, Xw, w, 0, hist, result, report,
            t0, True)
        for it in range(1, 0 if done else max_iter + 1):
            Fz = datafit.value(y, Xz)
            grad = np.asarray(X.T @ datafit.raw_grad(y, Xz)).ravel()
            while True:
                eta = 1.0 / L_cur
                w_new = prox(z - eta * grad, eta)
                Xw_new = np.asarray(X @ w_new).ravel()
                if not backtracking:
                    break
                d = w_new - z
                bound = Fz + float(grad @ d) + 0.5 * L_cur * float(d @ d)
                if datafit.value(y, Xw_new) <= bound + 1e-12 * abs(bound):
                    break
                L_cur *= 2.0
            w_prev = w
            if self.accelerated:
                t_new = 0.5 * (1.0 + math.sqrt(1.0 + 4.0 * t_mom * t_mom))
                if self.restart and float((z - w_new) @ (w_new - w)) > 0:
                    t_mom, t_new = 1.0, 1.0
                    n_restarts += 1
                beta = (t_mom - 1.0) / t_new
                z = w_new + beta * (w_new - w)
                Xz = Xw_new + beta * (Xw_new - Xw)
                t_mom = t_new
            else:
                z = w_new
                Xz = Xw_new
            w = w_new
            Xw = Xw_new
            if kind == "fixed_point":
                sup = np.flatnonzero(w)
                stable_support = stable_support + 1 if (
                    support_prev is not None and np.array_equal(sup, support_prev)) else 0
                support_prev = sup
            if it % gap_freq == 0 or it == max_iter:
                check = (kind, datafit, penalty, X, y, tol, scale)
                if self._check(check, it, w, Xw, w_prev, n_restarts, hist, result, report, t0,
                               stable_support >= gap_freq - 1):
                    break
        report.close()
        result.n_iter = it
        result.step = 1.0 / L_cur
        result.history = {k: np.asarray(v) for k, v in hist.items()}
        if not result.converged:
            warnings.warn(
                f"ProximalGradient did not converge within max_iter={max_iter} to tol={tol}: "
                f"final criterion {result.criterion:.3e}. Increase max_iter or tol.",
                ConvergenceWarning, stacklevel=2)
        return w, result

    def _check(self, check, it, w, Xw, w_prev, n_restarts, hist, result, report, t0, stable):
        """Record the criterion at ``w``; True (and ``converged``) if it is met."""
        kind, datafit, penalty, X, y, tol, scale = check
        crit, obj = self._criterion(kind, datafit, penalty, X, y, w, Xw, w_prev)
        hist["iter"].append(it)
        hist["time"].append(time.perf_counter() - t0)
        hist["objective"].append(obj)
        hist["criterion"].append(crit)
        hist["n_restarts"].append(n_restarts)
        result.criterion = crit
        report.update(it - report.n, objective=obj, criterion=crit)
        ref = scale if kind in ("dual_gap", "fenchel_young") else 1.0
        if kind == "gradient":
            ref = np.linalg.norm(np.asarray(X.T @ datafit.raw_grad(y, np.zeros(y.shape[0]))))
        result.rel_gap = crit / ref if ref > 0 else crit
        if kind in ("dual_gap", "fenchel_young"):
            result.dual_gap = crit
        done = crit <= tol * ref or crit == 0.0
        if kind == "fixed_point":
            done = done and stable
        result.converged = bool(done)
        return result.converged

    def _criterion(self, kind, datafit, penalty, X, y, w, Xw, w_prev):
        pen = 0.0 if penalty is None else penalty.value(w)
        obj = datafit.value(y, Xw) + pen
        if kind == "dual_gap":
            gap, primal, _, _ = gap_from_predictor(datafit, penalty, X, y, w, Xw)
            return max(gap, 0.0), primal
        grad = np.asarray(X.T @ datafit.raw_grad(y, Xw)).ravel()
        if kind == "fenchel_young":
            u = -grad
            return abs(pen + penalty.conjugate(u) - float(w @ u)), obj
        if kind == "gradient":
            return float(np.linalg.norm(grad)), obj
        step = float(np.max(np.abs(w - w_prev))) if w.size else 0.0
        return step / max(1.0, float(np.max(np.abs(w))) if w.size else 1.0), obj


def prox_grad_solve(datafit, penalty, X, y, *, w0=None, **params):
    """Functional twin of :meth:`ProximalGradient.solve`.

    Parameters
    ----------
    datafit, penalty, X, y, w0
        As in :meth:`ProximalGradient.solve`.
    **params
        Constructor parameters of :class:`ProximalGradient`.

    Returns
    -------
    w : ndarray of shape (n_features,)
    result : SolverResult

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.datafits import Quadratic
    >>> from sparseopt.penalties import L1
    >>> from sparseopt.solvers import prox_grad_solve
    >>> X = np.eye(3); y = np.array([3.0, 0.1, -2.0])
    >>> w, res = prox_grad_solve(Quadratic(), L1(1 / 3), X, y, tol=1e-12)
    >>> np.round(w, 6).tolist()
    [2.0, 0.0, -1.0]
    """
    return ProximalGradient(**params).solve(datafit, penalty, X, y, w0)
