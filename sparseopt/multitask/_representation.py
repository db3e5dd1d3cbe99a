"""Shared low-rank linear representation learnt from pooled source tasks (alternating LS)."""

import warnings
from dataclasses import dataclass, field

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import check_is_fitted, validate_data

from ..utils._progress import progress


@dataclass
class RepresentationResult:
    """Diagnostics of :func:`fit_shared_representation`."""

    n_iter: int = 0
    converged: bool = False
    history: dict = field(default_factory=dict)


def _objective(G, h, s, B, W):
    F = 0.0
    for t in range(len(s)):
        if W[:, t].any():
            Bw = B @ W[:, t]
            F += s[t] - 2.0 * Bw @ h[t] + Bw @ G[t] @ Bw
        else:
            F += s[t]
    return max(F, 0.0)


def _w_step(G, h, n, B, ridge):
    k = B.shape[1]
    W = np.zeros((k, len(n)))
    act = np.flatnonzero(n > 0)
    M = np.einsum("ia,tij,jb->tab", B, G[act], B, optimize=True)
    M += (ridge * n[act])[:, None, None] * np.eye(k)
    rhs = h[act] @ B
    try:
        W[:, act] = np.linalg.solve(M, rhs[:, :, None])[:, :, 0].T
    except np.linalg.LinAlgError:
        for i, t in enumerate(act):
            W[:, t] = np.linalg.lstsq(M[i], rhs[i], rcond=None)[0]
    return W


def fit_shared_representation(G, h, s, n, n_components, *, init="spectral", max_iter=100,
                              tol=1e-7, ridge=1e-6, verbose=0):
    """Alternating minimisation of ``sum_t ||y_t - X_t B w_t||^2`` over ``B^T B = I`` and ``W``.

    Works on per-task statistics ``G_t = X_t^T X_t``, ``h_t = X_t^T y_t``, ``s_t = y_t^T y_t``,
    ``n_t`` (so the cost does not depend on the number of samples). The B-step solves the
    unconstrained normal equations ``(sum_t w_t w_t^T (x) G_t) vec(B) = sum_t w_t (x) h_t`` then
    re-orthonormalises (the fit ``B W`` is unchanged, ``W`` absorbs the triangular factor).

    Returns
    -------
    B : ndarray (d, r)
    W : ndarray (r, T)
    result : RepresentationResult
    """
    G = np.asarray(G, dtype=np.float64)
    h = np.asarray(h, dtype=np.float64)
    s = np.asarray(s, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    T, d = h.shape
    active = np.flatnonzero(n > 0)
    r = int(min(n_components, len(active), d))
    if r < 1:
        raise ValueError("No task has data: cannot learn a representation.")
    if isinstance(init, str):
        if init != "spectral":
            raise ValueError(f"init={init!r}: expected 'spectral' or an array (d, k).")
        H = h[active].T / np.sqrt(n[active])
        U, _, _ = np.linalg.svd(H, full_matrices=False)
        B = U[:, :r]
    else:
        B0 = np.asarray(init, dtype=np.float64)
        if B0.shape[0] != d or B0.shape[1] < r:
            raise ValueError(f"init must have shape ({d}, >= {r}), got {B0.shape}.")
        B, _ = np.linalg.qr(B0[:, :r])
    W = _w_step(G, h, n, B, ridge)
    F = _objective(G, h, s, B, W)
    hist = [F]
    floor = tol * s.sum()
    res = RepresentationResult()
    report = progress(total=max_iter, desc="AltMin", verbose=verbose)
    for it in range(1, max_iter + 1):
        # M = sum_t (w_t w_t^T) kron G_t and rhs = sum_t w_t kron h_t, as one contraction each
        Wa = W[:, active]
        M = np.einsum("at,bt,tij->aibj", Wa, Wa, G[active], optimize=True).reshape(d * r, d * r)
        rhs = (h[active].T @ Wa.T).T.reshape(d * r)
        M += ridge * np.trace(M) / (d * r) * np.eye(d * r)
        try:
            v = np.linalg.solve(M, rhs)
        except np.linalg.LinAlgError:
            v = np.linalg.lstsq(M, rhs, rcond=None)[0]
        Bu = v.reshape(r, d).T  # column-major vec
        B, _ = np.linalg.qr(Bu)
        W = _w_step(G, h, n, B, ridge)
        F_new = _objective(G, h, s, B, W)
        hist.append(F_new)
        report.update(objective=F_new)
        res.n_iter = it
        if abs(F - F_new) <= tol * max(F_new, floor):
            res.converged = True
            F = F_new
            break
        F = F_new
    report.close()
    res.history = {"objective": np.asarray(hist) / max(n.sum(), 1.0)}
    return B, W, res


class MultiTaskLinearRepresentation(TransformerMixin, BaseEstimator):
    r"""Shared low-rank representation ``B`` (d x k) and per-task heads from pooled task data.

    Fits ``min_{B^T B = I, W} sum_t ||y_t - X_t B w_t||^2`` by alternating least squares on
    streamable per-task statistics (``partial_fit`` accumulates them).

    Parameters
    ----------
    n_components : int, default=5
    max_iter : int, default=100
    tol : float, default=1e-7
        Relative change of the objective.
    ridge : float, default=1e-6
        Tikhonov term for the w-steps (times n_t) and the B-step (relative to its trace).
    init : 'spectral' or ndarray of shape (d, k), default='spectral'
        Spectral: top-k left singular vectors of ``[X_t^T y_t / sqrt(n_t)]_t``.
    warm_start : bool, default=False
        Start from the previous ``components_``.
    verbose : int, default=0
        >= 1: progress over the alternating-minimisation iterations (a tqdm bar when tqdm is
        installed, one plain line per iteration otherwise).

    Attributes
    ----------
    components_ : ndarray of shape (d, r)
        Orthonormal columns.
    task_heads_ : ndarray of shape (r, T)
        Zero columns for tasks without data.
    n_components_ : int
    n_samples_per_task_ : ndarray of shape (T,)
    n_iter_ : int
    history_ : dict
        ``objective`` (RSS / N) per iteration.

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.multitask import MultiTaskLinearRepresentation
    >>> rng = np.random.default_rng(0)
    >>> B = np.linalg.qr(rng.standard_normal((10, 2)))[0]; W = rng.standard_normal((2, 6))
    >>> X = rng.standard_normal((300, 10)); Y = X @ B @ W
    >>> rep = MultiTaskLinearRepresentation(n_components=2).fit(X, Y)
    >>> bool(np.allclose(rep.components_ @ rep.components_.T, B @ B.T, atol=1e-6))
    True
    """

    def __init__(self, n_components=5, *, max_iter=100, tol=1e-7, ridge=1e-6, init="spectral",
                 warm_start=False, verbose=0):
        self.n_components = n_components
        self.max_iter = max_iter
        self.tol = tol
        self.ridge = ridge
        self.init = init
        self.warm_start = warm_start
        self.verbose = verbose

    def _split(self, X, y, task):
        if task is None:
            Y = np.asarray(y, dtype=np.float64)
            if Y.ndim == 1:
                Y = Y[:, None]
            T = Y.shape[1]
            G = np.broadcast_to(X.T @ X, (T, X.shape[1], X.shape[1])).copy()
            h = (X.T @ Y).T
            s = np.sum(Y * Y, axis=0)
            n = np.full(T, X.shape[0], dtype=np.float64)
            return G, h, s, n
        task = np.asarray(task)
        if task.shape != (X.shape[0],) or task.dtype.kind not in "iu" or np.any(task < 0):
            raise ValueError("task must be an int array of shape (n_samples,) with values >= 0.")
        y = np.asarray(y, dtype=np.float64).ravel()
        T = int(task.max()) + 1
        d = X.shape[1]
        G = np.zeros((T, d, d))
        h = np.zeros((T, d))
        s = np.zeros(T)
        n = np.zeros(T)
        for t in range(T):
            rows = task == t
            Xt, yt = X[rows], y[rows]
            G[t] = Xt.T @ Xt
            h[t] = Xt.T @ yt
            s[t] = yt @ yt
            n[t] = rows.sum()
        return G, h, s, n

    def fit(self, X, y, *, task=None):
        """Fit on the given samples only (statistics are reset).

        Parameters
        ----------
        X : array-like of shape (n_samples, d)
        y : array-like of shape (n_samples,) or (n_samples, T)
            One column per task when ``task`` is None.
        task : array-like of int, shape (n_samples,), optional
            Task index of each row.

        Returns
        -------
        self : MultiTaskLinearRepresentation
            The fitted estimator.
        """
        for attr in ("_G", "_h", "_s", "_n"):
            if hasattr(self, attr):
                delattr(self, attr)
        return self.partial_fit(X, y, task=task)

    def partial_fit(self, X, y, *, task=None):
        """Add samples to the statistics and refit (warm-started from the current ``B``).

        Parameters
        ----------
        X : array-like of shape (n_samples, d)
        y : array-like of shape (n_samples,) or (n_samples, T)
        task : array-like of int, shape (n_samples,), optional

        Returns
        -------
        self : MultiTaskLinearRepresentation
            The fitted estimator.
        """
        first = not hasattr(self, "_G")
        X, y = validate_data(self, X, y, dtype=np.float64, multi_output=True,
                             reset=first, y_numeric=True)
        G, h, s, n = self._split(X, y, task)
        if first:
            self._G, self._h, self._s, self._n = G, h, s, n
        else:
            T_old, T_new = len(self._n), len(n)
            if T_new > T_old:
                d = X.shape[1]
                self._G = np.concatenate([self._G, np.zeros((T_new - T_old, d, d))])
                self._h = np.concatenate([self._h, np.zeros((T_new - T_old, d))])
                self._s = np.concatenate([self._s, np.zeros(T_new - T_old)])
                self._n = np.concatenate([self._n, np.zeros(T_new - T_old)])
            T = len(n)
            self._G[:T] += G
            self._h[:T] += h
            self._s[:T] += s
            self._n[:T] += n
        return self._refit()

    def fit_statistics(self, G, h, s, n):
        """Fit from given per-task statistics (replacing any accumulated ones).

        Parameters
        ----------
        G : ndarray (T, d, d)
        h : ndarray (T, d)
        s : ndarray (T,)
        n : ndarray (T,)

        Returns
        -------
        self : MultiTaskLinearRepresentation
            The fitted estimator.
        """
        self._G, self._h = np.asarray(G, float).copy(), np.asarray(h, float).copy()
        self._s, self._n = np.asarray(s, float).copy(), np.asarray(n, float).copy()
        self.n_features_in_ = self._h.shape[1]
        return self._refit()

    def _refit(self):
        if isinstance(self.n_components, bool) or not isinstance(self.n_components, int) \
                or self.n_components < 1:
            raise ValueError(f"n_components must be an int >= 1, got {self.n_components!r}.")
        if not isinstance(self.max_iter, int) or self.max_iter < 1:
            raise ValueError(f"max_iter must be an int >= 1, got {self.max_iter!r}.")
        if self.tol < 0 or self.ridge < 0:
            raise ValueError("tol and ridge must be >= 0.")
        init = self.init
        if self.warm_start and getattr(self, "components_", None) is not None \
                and self.components_.shape[0] == self._h.shape[1]:
            init = self.components_
        B, W, res = fit_shared_representation(self._G, self._h, self._s, self._n,
                                              self.n_components, init=init,
                                              max_iter=self.max_iter, tol=self.tol,
                                              ridge=self.ridge, verbose=self.verbose)
        if not res.converged:
            warnings.warn(f"MultiTaskLinearRepresentation did not converge within "
                          f"max_iter={self.max_iter} to tol={self.tol}.", ConvergenceWarning,
                          stacklevel=3)
        self.components_ = B
        self.task_heads_ = W
        self.n_components_ = B.shape[1]
        self.n_samples_per_task_ = self._n.astype(np.int64)
        self.n_iter_ = max(res.n_iter, 1)
        self.history_ = res.history
        return self

    def transform(self, X):
        """Project onto the learnt representation: ``X @ components_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, d)

        Returns
        -------
        Z : ndarray of shape (n_samples, r)
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return X @ self.components_
