"""Multinomial logistic regression with a row-group L1 penalty, by row-block descent."""

import math
import time
import warnings

import numpy as np
from scipy.special import logsumexp
from sklearn.exceptions import ConvergenceWarning

from ..datafits._multinomial import Multinomial
from ._bcd import _prepare_design
from ..utils._progress import progress


def multinomial_objective(X, Y, W, b, alpha):
    """``(1/n) sum_i [lse(z_i) - z_{i, y_i}] + alpha sum_j ||W_j||_2`` with ``Z = X W + b``."""
    Z = np.asarray(X @ W) + b
    loss = float(np.mean(logsumexp(Z, axis=1) - np.sum(Z * Y, axis=1)))
    return loss + alpha * float(np.sum(np.linalg.norm(W, axis=1)))


def multinomial_gap(X, Y, Z, W, alpha):
    """Duality gap at the rescaled residual dual point; returns ``(gap, primal)``."""
    datafit = Multinomial()
    primal = datafit.value(Y, Z) + alpha * float(np.sum(np.linalg.norm(W, axis=1)))
    theta = datafit.dual_point(Y, Z)
    XtT = np.asarray(X.T @ theta)  # X^T theta_hat
    dn = float(np.max(np.linalg.norm(XtT, axis=1))) if XtT.size else 0.0
    s = 1.0 if dn <= alpha else alpha / dn
    return primal - datafit.dual(Y, s * theta), primal


def multinomial_bcd(X, Y, alpha, *, fit_intercept=True, W0=None, b0=None, max_iter=100,
                    max_epochs=50_000, tol=1e-6, gap_freq=10, verbose=0):
    """Row-group L1 multinomial logistic regression by cyclic row-block descent.

    Minimises ``(1/n) sum_i [log sum_c exp(z_ic) - z_{i, y_i}] + alpha sum_j ||W_j||_2`` with
    ``Z = X W + b`` (blocks = rows of W, Bohning constants ``||X_j||^2 / (2n)``), stopping when
    the duality gap is below ``tol * P0`` (P0: the objective at W = 0 with the best intercept).

    Returns
    -------
    W : ndarray (p, K)
    b : ndarray (K,)
    info : dict with ``n_iter``, ``converged``, ``dual_gap``, ``history``
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
    prior = np.clip(Y.mean(axis=0), 1e-300, None)
    P0 = float(-np.sum(Y.mean(axis=0) * np.log(prior))) if fit_intercept else math.log(K)
    order = np.arange(p, dtype=np.int64)
    hist = {"iter": [], "time": [], "objective": [], "criterion": []}
    t0 = time.perf_counter()
    converged = False
    epochs = 0
    gap = np.inf
    report = progress(total=max_iter, desc="Multinomial BCD", verbose=verbose)
    for it in range(max_iter):
        gap, primal = multinomial_gap(Xc, Y, Z, W, alpha)
        hist["iter"].append(it)
        hist["time"].append(time.perf_counter() - t0)
        hist["objective"].append(primal)
        hist["criterion"].append(max(gap, 0.0))
        report.update(objective=primal, gap=gap)
        if gap <= tol * P0:
            converged = True
            break
        if epochs >= max_epochs:
            break
        multinomial_epochs(*kx, Y, Z, W, b, fit_intercept, Lrow, float(alpha), order,
                           gap_freq)
        epochs += gap_freq
    report.close()
    if not converged:
        warnings.warn(f"Multinomial BCD did not converge within max_iter={max_iter} to "
                      f"tol={tol}: final relative gap {gap / P0:.3e}.", ConvergenceWarning,
                      stacklevel=2)
    return W, b, {"n_iter": len(hist["iter"]), "converged": converged,
                  "dual_gap": max(float(gap), 0.0),
                  "history": {k: np.asarray(v) for k, v in hist.items()}}


__all__ = ["multinomial_bcd", "multinomial_gap", "multinomial_objective"]
