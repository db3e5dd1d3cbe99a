"""Task relevance: which source tasks explain the target head (Lasso / basis pursuit / min-norm)."""

import warnings

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from ..utils import (
    check_choice,
    check_positive_int,
    check_real,
    check_real_array,
    check_seed,
)
from ._design import l1_relevance


def _lasso_rows(A, b, alpha_rows, tol):
    """Lasso ``1/(2 rows) ||b - A nu||^2 + alpha_rows ||nu||_1`` with sparseopt's solver.

    A ConvergenceWarning of the solver (naming its max_iter and tol) reaches the caller.
    """
    from ..datafits import Quadratic
    from ..penalties import L1
    from ..solvers import bcd_solve

    nu, _ = bcd_solve(Quadratic(), L1(alpha_rows), np.asarray(A), np.asarray(b),
                      selection="cyclic", tol=tol, max_iter=500)
    return nu


class LassoTaskRelevance(RegressorMixin, BaseEstimator):
    r"""Estimate the relevance ``nu`` of source tasks for a target: ``w_0 ~ W nu``.

    Solves ``min_nu 1/(2 n_0) ||y_0 - Z nu||^2 + alpha ||nu||_1`` with the task design
    ``Z = X_0 B W`` (representation mode: pass ``components`` and ``task_heads`` to ``fit``) or
    ``Z = X`` itself (Z-mode). The problem is reduced exactly to ``rank(Z) <= k`` rows (thin QR /
    SVD), so it costs nothing in ``n_0``.

    Parameters
    ----------
    alpha : float or {'theory'}, default=0.0
        0 is the basis-pursuit limit ``min ||nu||_1`` over the least-squares solutions (a vertex
        with at most k nonzeros); 'theory' is ``c_alpha sigma sqrt(2 log(2T)/n_0) max_t ||Z_t||/
        sqrt(n_0)``; a float > 0 is used as given.
    c_alpha : float, default=0.1
    penalty : {'l1', 'l2'}, default='l1'
        'l2' is the minimum-norm relevance ``pinv`` (Chen et al. 2022).
    task_costs : ndarray of shape (T,) or None
        Per-sample costs: weighted l1 (``sqrt(c_t) |nu_t|``).
    max_tasks : int or None
        Keep only the ``max_tasks`` largest ``|nu_t|``.
    n_bootstrap : int, default=0
        Average ``|nu|`` over bootstrap resamples of the target rows.
    tol : float, default=1e-10
    random_state : None, int or Generator

    Attributes
    ----------
    relevance_ : ndarray of shape (T,)
    support_ : ndarray of bool
    allocation_weights_ : ndarray of shape (T,)
        Sum to 1: ``|nu|`` (l1), ``nu^2`` (l2), ``|nu| / sqrt(c)`` (costs).
    alpha_ : float
    support_frequency_ : ndarray or None
        Bootstrap frequency of each task in the support.
    target_head_ : ndarray of shape (k,) (representation mode)
    noise_variance_ : float
    snr_ : float
        ``n_0 ||w_0||^2 / (k sigma^2)``; below ~10 the relevance is unreliable.

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.multitask import LassoTaskRelevance
    >>> W = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]])
    >>> rng = np.random.default_rng(0)
    >>> X0 = rng.standard_normal((30, 2))
    >>> y0 = X0 @ np.array([1.0, 1.0])
    >>> rel = LassoTaskRelevance().fit(X0, y0, components=np.eye(2), task_heads=W)
    >>> np.round(rel.relevance_, 6).tolist()
    [0.0, 0.0, 1.0]
    """

    def __init__(self, alpha=0.0, *, c_alpha=0.1, penalty="l1", task_costs=None, max_tasks=None,
                 n_bootstrap=0, tol=1e-10, random_state=None):
        self.alpha = alpha
        self.c_alpha = c_alpha
        self.penalty = penalty
        self.task_costs = task_costs
        self.max_tasks = max_tasks
        self.n_bootstrap = n_bootstrap
        self.tol = tol
        self.random_state = random_state

    def _check(self, T):
        check_choice("penalty", self.penalty, ("l1", "l2"))
        if isinstance(self.alpha, str):
            if self.alpha != "theory":
                raise ValueError(f"alpha={self.alpha!r}: expected a float >= 0 or 'theory'.")
        else:
            check_real("alpha", self.alpha, low=0.0)
        check_real("c_alpha", self.c_alpha, low=0.0)
        check_real("tol", self.tol, low=0.0)
        costs = None
        if self.task_costs is not None:
            if self.penalty == "l2":
                raise ValueError("task_costs is not available with penalty='l2'.")
            costs = check_real_array("task_costs", self.task_costs).ravel()
            if costs.shape != (T,) or np.any(costs <= 0):
                raise ValueError(f"task_costs must hold {T} values > 0.")
        check_positive_int("max_tasks", self.max_tasks, allow_none=True)
        check_positive_int("n_bootstrap", self.n_bootstrap, minimum=0)
        check_seed(self.random_state)  # refuse a bad seed before any work
        return costs

    def _one(self, Xr, yr, costs, components, task_heads, alpha_override=None):
        """Relevance from one set of target rows; returns (nu, alpha, w0, sigma2)."""
        n0 = Xr.shape[0]
        if components is not None:
            F = Xr @ components  # (n0, k)
            k = F.shape[1]
            w0, *_ = np.linalg.lstsq(F, yr, rcond=None)
            rss = float(np.sum((yr - F @ w0) ** 2))
            sigma2 = rss / max(n0 - k, 1)
            Q, R = np.linalg.qr(F)
            A = R @ task_heads  # k-row exact reduction of Z = F W
            b = Q.T @ yr
            Zn = np.linalg.norm(F @ task_heads, axis=0)
        else:
            U, S, Vt = np.linalg.svd(Xr, full_matrices=False)
            r = int(np.sum(S > 1e-12 * max(S.max(), 1e-300)))
            A = S[:r, None] * Vt[:r]
            b = U[:, :r].T @ yr
            w0 = None
            nu_ols = np.linalg.pinv(Xr) @ yr
            dof = n0 - r
            sigma2 = float(np.sum((yr - Xr @ nu_ols) ** 2)) / dof if dof > 0 else np.nan
            Zn = np.linalg.norm(Xr, axis=0)
        T = A.shape[1]
        if self.penalty == "l2":
            return np.linalg.pinv(A, rcond=1e-12) @ b, 0.0, w0, sigma2
        scale = np.ones(T) if costs is None else 1.0 / np.sqrt(costs)
        As = A * scale
        if alpha_override is not None:
            alpha = alpha_override
        elif self.alpha == "theory":
            if not np.isfinite(sigma2):
                raise ValueError("alpha='theory' needs n_samples > rank(Z); pass a float alpha.")
            alpha = self.c_alpha * np.sqrt(sigma2) * np.sqrt(2 * np.log(2 * T) / n0) * \
                float(Zn.max()) / np.sqrt(n0)
        else:
            alpha = float(self.alpha)
        if alpha == 0.0:
            u = l1_relevance(As, b)
        else:
            rows = A.shape[0]
            u = _lasso_rows(As, b, alpha * n0 / rows, self.tol)
        return u * scale, alpha, w0, sigma2

    def fit(self, X, y, *, components=None, task_heads=None):
        """Estimate the relevance.

        Parameters
        ----------
        X : array-like of shape (n_0, d) or (n_0, T)
            Target design (representation mode) or the task design Z (Z-mode).
        y : array-like of shape (n_0,)
        components : ndarray of shape (d, k), optional
        task_heads : ndarray of shape (k, T), optional

        Returns
        -------
        self : LassoTaskRelevance
            The fitted estimator.
        """
        X, y = validate_data(self, X, y, dtype=np.float64, y_numeric=True)
        if (components is None) != (task_heads is None):
            raise ValueError("components and task_heads must be given together.")
        if components is not None:
            components = check_real_array("components", components, ndim=2)
            task_heads = check_real_array("task_heads", task_heads, ndim=2)
            if components.shape[0] != X.shape[1] or task_heads.shape[0] != components.shape[1]:
                raise ValueError("components must be (d, k) and task_heads (k, T).")
            T = task_heads.shape[1]
        else:
            T = X.shape[1]
        costs = self._check(T)
        nu, alpha, w0, sigma2 = self._one(X, y, costs, components, task_heads)
        freq = None
        if self.n_bootstrap > 0:
            rng = check_seed(self.random_state)
            acc = np.abs(nu)
            counts = (np.abs(nu) > 0).astype(float)
            for _ in range(self.n_bootstrap):
                idx = rng.integers(0, X.shape[0], X.shape[0])
                nb = self._one(X[idx], y[idx], costs, components, task_heads)[0]
                acc += np.abs(nb)
                counts += np.abs(nb) > 0
            nu = np.sign(nu) * acc / (self.n_bootstrap + 1) if np.any(nu) else \
                acc / (self.n_bootstrap + 1)
            freq = counts / (self.n_bootstrap + 1)
        if not np.any(nu) and self.penalty == "l1":
            warnings.warn("The relevance is identically zero (alpha too large): falling back to "
                          "the basis-pursuit limit alpha=0 (uniform weights if still zero).",
                          UserWarning, stacklevel=2)
            nu = self._one(X, y, costs, components, task_heads, alpha_override=0.0)[0]
        if self.max_tasks is not None and np.count_nonzero(nu) > self.max_tasks:
            keep = np.argsort(-np.abs(nu), kind="stable")[: self.max_tasks]
            mask = np.zeros(T, dtype=bool)
            mask[keep] = True
            nu = np.where(mask, nu, 0.0)
        self.relevance_ = nu
        amax = np.abs(nu).max() if nu.size else 0.0
        self.support_ = np.abs(nu) > 1e-8 * amax if amax > 0 else np.zeros(T, dtype=bool)
        if self.penalty == "l2":
            q = nu**2
        elif costs is not None:
            q = np.abs(nu) / np.sqrt(costs)
        else:
            q = np.abs(nu)
        self.allocation_weights_ = q / q.sum() if q.sum() > 0 else np.full(T, 1.0 / T)
        self.alpha_ = float(alpha)
        self.support_frequency_ = freq
        self.target_head_ = w0
        self.noise_variance_ = sigma2
        k = components.shape[1] if components is not None else max(1, np.linalg.matrix_rank(X))
        self.snr_ = (X.shape[0] * float(w0 @ w0) / (k * sigma2)
                     if (w0 is not None and sigma2 > 0) else np.inf)
        self._map = (components, task_heads)
        return self

    def predict(self, X):
        """``X @ B @ W @ relevance_`` (representation mode) or ``X @ relevance_`` (Z-mode).

        Parameters
        ----------
        X : array-like

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        B, W = self._map
        if B is not None:
            return X @ (B @ (W @ self.relevance_))
        return X @ self.relevance_
