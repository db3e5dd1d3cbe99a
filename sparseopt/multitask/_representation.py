"""Shared low-rank linear representation learnt from pooled source tasks (alternating LS)."""

import warnings
from dataclasses import dataclass, field

import numpy as np
from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import check_is_fitted, validate_data

from ..utils import (
    check_bool,
    check_choice,
    check_positive_int,
    check_real,
    check_real_array,
    progress,
)


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


def check_statistics(G, h, s, n):
    """Per-task statistics ``G (T, d, d)``, ``h (T, d)``, ``s (T,)``, ``n (T,)``, finite."""
    G = check_real_array("G", G, ndim=3)
    h = check_real_array("h", h, ndim=2)
    s = check_real_array("s", s, ndim=1)
    n = check_real_array("n", n, ndim=1)
    T, d = h.shape
    if G.shape != (T, d, d) or s.shape != (T,) or n.shape != (T,):
        raise ValueError(f"the statistics must have shapes G (T, d, d), h (T, d), s (T,), "
                         f"n (T,); got {G.shape}, {h.shape}, {s.shape}, {n.shape}.")
    if np.any(n < 0) or np.any(s < 0):
        raise ValueError("the sample counts n and the sums of squares s must be >= 0.")
    return G, h, s, n


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
    G, h, s, n = check_statistics(G, h, s, n)
    T, d = h.shape
    n_components = check_positive_int("n_components", n_components)
    max_iter = check_positive_int("max_iter", max_iter)
    tol = check_real("tol", tol, low=0.0)
    ridge = check_real("ridge", ridge, low=0.0)
    active = np.flatnonzero(n > 0)
    r = int(min(n_components, len(active), d))
    if r < 1:
        raise ValueError("No task has data: cannot learn a representation.")
    if isinstance(init, str):
        check_choice("init", init, ("spectral",))
        H = h[active].T / np.sqrt(n[active])
        U, _, _ = np.linalg.svd(H, full_matrices=False)
        B = U[:, :r]
    else:
        B0 = check_real_array("init", init, ndim=2)
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


class MultiTaskLinearRepresentation(ClassNamePrefixFeaturesOutMixin, TransformerMixin,
                                    BaseEstimator):
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
        >= 1: progress over the alternating-minimisation iterations (a tqdm progress bar).

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
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Only when fitted on a DataFrame with string column names.

    Notes
    -----
    ``transform`` returns ``X @ components_``; its output columns are named
    ``multitasklinearrepresentation0``, ... (:meth:`get_feature_names_out`), and
    ``set_output(transform="pandas")`` makes it return a DataFrame. :meth:`score` is minus the
    mean squared prediction error of the task heads, so model selection over
    ``n_components`` works with ``GridSearchCV`` and no scorer.

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

    def _split(self, X, y, task, n_tasks, n_known=0):
        """Per-task statistics of one batch; ``n_known`` tasks are already accumulated."""
        n_tasks = check_positive_int("n_tasks", n_tasks, allow_none=True)
        if task is None:
            Y = np.asarray(y, dtype=np.float64)
            if Y.ndim == 1:
                Y = Y[:, None]
            T = Y.shape[1]
            if n_tasks is not None and n_tasks != T:
                raise ValueError(f"n_tasks={n_tasks} differs from the {T} columns of y.")
            G = np.broadcast_to(X.T @ X, (T, X.shape[1], X.shape[1])).copy()
            h = (X.T @ Y).T
            s = np.sum(Y * Y, axis=0)
            n = np.full(T, X.shape[0], dtype=np.float64)
            return G, h, s, n
        task = self._check_task(task, X.shape[0], n_tasks, max(X.shape[0], n_known))
        if np.ndim(y) != 1:
            raise ValueError(f"y must be 1-D with task, got shape {np.shape(y)}.")
        y = np.asarray(y, dtype=np.float64)
        T = n_tasks if n_tasks is not None else int(task.max()) + 1
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

    @staticmethod
    def _check_task(task, n_samples, n_tasks, default_limit):
        """Integer task ids in ``[0, n_tasks)`` (``n_tasks`` None: ``[0, default_limit)``)."""
        task = np.asarray(task)
        if task.shape != (n_samples,) or task.dtype.kind not in "iu":
            raise ValueError(f"task must be an int array of shape ({n_samples},), got dtype "
                             f"{task.dtype} and shape {task.shape}.")
        if n_samples and task.min() < 0:
            raise ValueError(f"task ids must be >= 0, got {task.min()}.")
        limit = default_limit if n_tasks is None else n_tasks
        if n_samples and task.max() >= limit:
            hint = "" if n_tasks is not None else (
                " (without n_tasks, ids are limited to the number of samples, or of tasks "
                "already seen; pass n_tasks to declare more tasks)")
            raise ValueError(f"task ids must be < n_tasks={limit}, got {task.max()}{hint}.")
        return task

    def fit(self, X, y, *, task=None, n_tasks=None):
        """Fit on the given samples only (statistics are reset).

        Parameters
        ----------
        X : array-like of shape (n_samples, d)
        y : array-like of shape (n_samples,) or (n_samples, T)
            One column per task when ``task`` is None.
        task : array-like of int, shape (n_samples,), optional
            Task index of each row, in ``[0, n_tasks)``.
        n_tasks : int, optional
            Number of tasks (tasks without rows get zero heads). Default: ``max(task) + 1``,
            which must then be at most ``n_samples``.

        Returns
        -------
        self : MultiTaskLinearRepresentation
            The fitted estimator.
        """
        for attr in ("_G", "_h", "_s", "_n"):
            if hasattr(self, attr):
                delattr(self, attr)
        return self.partial_fit(X, y, task=task, n_tasks=n_tasks)

    def partial_fit(self, X, y, *, task=None, n_tasks=None):
        """Add samples to the statistics and refit (warm-started from the current ``B``).

        Parameters
        ----------
        X : array-like of shape (n_samples, d)
        y : array-like of shape (n_samples,) or (n_samples, T)
        task : array-like of int, shape (n_samples,), optional
        n_tasks : int, optional
            As in :meth:`fit`; without it, ids up to ``max(n_samples, tasks already seen)``
            are accepted.

        Returns
        -------
        self : MultiTaskLinearRepresentation
            The fitted estimator.
        """
        first = not hasattr(self, "_G")
        X, y = validate_data(self, X, y, dtype=np.float64, multi_output=True,
                             reset=first, y_numeric=True)
        G, h, s, n = self._split(X, y, task, n_tasks, 0 if first else len(self._n))
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
        G, h, s, n = check_statistics(G, h, s, n)
        self._G, self._h, self._s, self._n = G.copy(), h.copy(), s.copy(), n.copy()
        self.n_features_in_ = self._h.shape[1]
        if hasattr(self, "feature_names_in_"):  # names of an earlier fit on a DataFrame
            del self.feature_names_in_
        return self._refit()

    def _refit(self):
        check_positive_int("n_components", self.n_components)
        check_positive_int("max_iter", self.max_iter)
        check_real("tol", self.tol, low=0.0)
        check_real("ridge", self.ridge, low=0.0)
        warm_start = check_bool("warm_start", self.warm_start)
        init = self.init
        if warm_start and getattr(self, "components_", None) is not None \
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

    @property
    def _n_features_out(self):
        """Number of output features of ``transform`` (for ``get_feature_names_out``)."""
        return self.components_.shape[1]

    def score(self, X, y, *, task=None):
        r"""Negative mean squared prediction error of the task heads on ``(X, y)``.

        Each row is predicted by its task's head through the shared representation,
        :math:`\hat y_i = x_i^\top B w_{t_i}`, and

        .. math::

            \mathrm{score} = -\frac{1}{N}\sum_{i} (y_i - x_i^\top B w_{t_i})^2,

        over the ``N`` (row, task) pairs: ``n_samples * T`` entries for a 2-D ``y``, one per
        row with ``task``. Higher is better (0 is a perfect fit), so ``GridSearchCV`` can pick
        ``n_components`` without a scorer. On the training data it equals
        ``-history_['objective'][-1]``, the fitted objective per sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, d)
        y : array-like of shape (n_samples,) or (n_samples, T)
            One column per fitted task when ``task`` is None.
        task : array-like of int, shape (n_samples,), optional
            Fitted task index of each row.

        Returns
        -------
        score : float
        """
        check_is_fitted(self)
        X, y = validate_data(self, X, y, dtype=np.float64, multi_output=True, reset=False,
                             y_numeric=True)
        T = self.task_heads_.shape[1]
        Z = X @ self.components_
        if task is None:
            Y = y[:, None] if y.ndim == 1 else y
            if Y.shape[1] != T:
                raise ValueError(f"y has {Y.shape[1]} columns but the model has {T} tasks; "
                                 "pass task ids for one column.")
            return -float(np.mean((Y - Z @ self.task_heads_) ** 2))
        task = self._check_task(task, X.shape[0], T, T)
        if y.ndim != 1:
            raise ValueError(f"y must be 1-D with task, got shape {y.shape}.")
        pred = np.einsum("ik,ki->i", Z, self.task_heads_[:, task])
        return -float(np.mean((y - pred) ** 2))
