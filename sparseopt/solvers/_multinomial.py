"""Multinomial logistic regression with a row-group L1 penalty, by row-block descent."""

import itertools
import math
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from ..datafits._multinomial import Multinomial
from ..utils._progress import progress
from ._bcd import _prepare_design


def _objective_from_scores(Y, Z, W, alpha):
    """The objective from the scores ``Z = X W + b``."""
    return Multinomial().value(Y, Z) + alpha * float(np.sum(np.linalg.norm(W, axis=1)))


def multinomial_objective(X, Y, W, b, alpha):
    """``(1/n) sum_i [lse(z_i) - z_{i, y_i}] + alpha sum_j ||W_j||_2`` with ``Z = X W + b``."""
    return _objective_from_scores(Y, np.asarray(X @ W) + b, W, alpha)


def multinomial_gap(X, Y, Z, W, alpha, return_grad=False):
    """Duality gap at the rescaled residual dual point; returns ``(gap, primal)``.

    With ``return_grad=True`` also the loss gradient ``X^T (softmax(Z) - Y) / n`` (p, K).
    """
    datafit = Multinomial()
    primal = _objective_from_scores(Y, Z, W, alpha)
    theta = datafit.dual_point(Y, Z)
    XtT = np.asarray(X.T @ theta)  # X^T theta_hat = -gradient
    dn = float(np.max(np.linalg.norm(XtT, axis=1))) if XtT.size else 0.0
    s = 1.0 if dn <= alpha else alpha / dn
    gap = primal - datafit.dual(Y, s * theta)
    if return_grad:
        return gap, primal, -XtT
    return gap, primal


def _row_violation(G, W, alpha):
    """Distance of ``-G_j`` to ``alpha`` times the subdifferential of ``||W_j||`` (per row)."""
    nrm = np.linalg.norm(W, axis=1)
    gn = np.linalg.norm(G, axis=1)
    out = np.maximum(gn - alpha, 0.0)
    nz = nrm > 0
    out[nz] = np.linalg.norm(G[nz] + alpha * W[nz] / nrm[nz, None], axis=1)
    return out


def multinomial_bcd(X, Y, alpha, *, fit_intercept=True, W0=None, b0=None, max_iter=100,
                    max_epochs=50_000, tol=1e-6, gap_freq=10, working_set=True, p0=10,
                    anderson=5, verbose=0):
    """Row-group L1 multinomial logistic regression by cyclic row-block descent.

    Minimises ``(1/n) sum_i [log sum_c exp(z_ic) - z_{i, y_i}] + alpha sum_j ||W_j||_2`` with
    ``Z = X W + b`` (blocks = rows of W, Bohning constants ``||X_j||^2 / (2n)``), stopping when
    the duality gap is below ``tol * P0`` (P0: the objective at W = 0 with the best intercept).

    Each outer iteration computes the gap and every row's optimality violation, then runs
    epochs on a working set (the support and the most violating rows, at least ``p0``, doubling
    with the support) until its violation falls below 0.3 times the outer one, with Anderson
    extrapolation of the iterates every ``anderson`` epochs (kept only if it lowers the
    objective). ``working_set=False`` sweeps all rows between gap checks (``gap_freq``
    epochs).

    Returns
    -------
    W : ndarray (p, K)
    b : ndarray (K,)
    info : dict with ``n_iter``, ``converged``, ``dual_gap``, ``history``, ``n_epochs``
    """
    from ._kernels_multinomial import multinomial_epochs

    n, p = X.shape
    K = Y.shape[1]
    Xc, kx = _prepare_design(X)
    W = np.zeros((p, K)) if W0 is None else np.array(W0, dtype=np.float64, copy=True)
    b = np.zeros(K) if b0 is None else np.array(b0, dtype=np.float64, copy=True)
    if fit_intercept and b0 is None:
        prior = np.clip(Y.mean(axis=0), 1e-12, None)
        b = np.log(prior) - np.log(prior).mean()
    Z = np.ascontiguousarray(np.asarray(Xc @ W) + b)
    Lrow = Multinomial().row_lipschitz(Xc)
    R = np.empty((n, K))  # the kernel's majoriser gradient (scratch)
    prior = np.clip(Y.mean(axis=0), 1e-300, None)
    P0 = float(-np.sum(Y.mean(axis=0) * np.log(prior))) if fit_intercept else math.log(K)
    all_rows = np.arange(p, dtype=np.int64)
    hist = {"iter": [], "time": [], "objective": [], "criterion": [], "ws_size": []}
    t0 = time.perf_counter()
    converged = False
    epochs = 0
    gap = np.inf
    ws_size = min(p, p0)
    report = progress(total=max_iter, desc="Multinomial BCD", verbose=verbose)

    for it in range(max_iter):
        gap, primal, G = multinomial_gap(Xc, Y, Z, W, alpha, return_grad=True)
        hist["iter"].append(it)
        hist["time"].append(time.perf_counter() - t0)
        hist["objective"].append(primal)
        hist["criterion"].append(max(gap, 0.0))
        report.update(objective=primal, gap=gap)
        if gap <= tol * P0:
            converged = True
            hist["ws_size"].append(0)
            break
        if epochs >= max_epochs:
            hist["ws_size"].append(0)
            break
        if working_set:
            viol = _row_violation(G, W, alpha)
            support = np.flatnonzero(np.linalg.norm(W, axis=1))
            ws_size = min(p, max(ws_size, 2 * support.size, p0))
            score = viol.copy()
            score[support] = np.inf
            ws = np.sort(np.argsort(-score, kind="stable")[:ws_size]).astype(np.int64)
            eps_in = 0.3 * float(viol.max())
        else:
            ws = all_rows
            eps_in = -1.0
        hist["ws_size"].append(int(ws.size))
        buffer = []
        for e in itertools.count(1):
            multinomial_epochs(*kx, Y, Z, W, b, fit_intercept, Lrow, float(alpha), ws, 1, R)
            epochs += 1
            if anderson > 0:
                buffer.append(np.concatenate([W[ws].ravel(), b]))
                if len(buffer) == anderson + 1:
                    _anderson(Xc, Y, Z, W, b, ws, buffer, alpha, fit_intercept)
                    buffer = []
            if not working_set:
                if e >= gap_freq:
                    break
                continue
            if e % gap_freq == 0 or epochs >= max_epochs:
                Gw = np.asarray(Xc[:, ws].T @ Multinomial().raw_grad(Y, Z))
                if float(_row_violation(Gw, W[ws], alpha).max()) <= eps_in \
                        or epochs >= max_epochs:
                    break
    report.close()
    if not converged:
        warnings.warn(f"Multinomial BCD did not converge within max_iter={max_iter} to "
                      f"tol={tol}: final relative gap {gap / P0:.3e}.", ConvergenceWarning,
                      stacklevel=2)
    return W, b, {"n_iter": len(hist["iter"]), "converged": converged,
                  "dual_gap": max(float(gap), 0.0), "n_epochs": epochs,
                  "history": {k: np.asarray(v) for k, v in hist.items()}}


def _anderson(X, Y, Z, W, b, ws, buffer, alpha, fit_intercept):
    """Anderson extrapolation of the last iterates of ``(W[ws], b)``; kept if it lowers the
    objective (``Z`` is updated in place with it)."""
    U = np.array(buffer)
    R = np.diff(U, axis=0)
    try:
        c = np.linalg.solve(R @ R.T + 1e-12 * np.trace(R @ R.T) * np.eye(R.shape[0]),
                            np.ones(R.shape[0]))
    except np.linalg.LinAlgError:
        return
    c /= c.sum()
    extra = c @ U[1:]
    K = b.shape[0]
    W_ws = extra[:-K].reshape(ws.size, K)
    b_new = extra[-K:] if fit_intercept else b
    W_try = W.copy()
    W_try[ws] = W_ws
    Xws = X[:, ws]
    Z_try = Z + np.asarray(Xws @ (W_ws - W[ws])) + (b_new - b)
    if _objective_from_scores(Y, Z_try, W_try, alpha) < _objective_from_scores(Y, Z, W, alpha):
        W[ws] = W_ws
        if fit_intercept:
            b[:] = b_new
        Z[:] = Z_try


__all__ = ["multinomial_bcd", "multinomial_gap", "multinomial_objective"]
