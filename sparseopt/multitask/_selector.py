"""Multi-epoch active sampling of source tasks for a target task."""

import numbers
import warnings
from collections.abc import Sequence

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.utils.validation import check_is_fitted, validate_data

from ..utils import (
    check_bool,
    check_positive_int,
    check_real_array,
    check_seed,
    progress,
    reemit_warnings,
)
from ._design import apportion
from ._relevance import LassoTaskRelevance
from ._representation import MultiTaskLinearRepresentation


def n_epochs_auto(budget, n_tasks, n_min):
    """``max(1, floor(log2(N / (T n_min) + 1)))``: epoch 1 gives >= n_min samples per task.

    Examples
    --------
    >>> from sparseopt.multitask import n_epochs_auto
    >>> [n_epochs_auto(N, 100, 10) for N in (2000, 10000, 100000)]
    [1, 3, 6]
    """
    budget = check_positive_int("budget", budget)
    n_tasks = check_positive_int("n_tasks", n_tasks)
    n_min = check_positive_int("n_min", n_min)
    return max(1, int(np.floor(np.log2(budget / (n_tasks * n_min) + 1))))


def epoch_budgets(budget, n_epochs):
    """Doubling budgets ``N_i = floor(N 2^(i-1) / (2^L - 1))``, the last one takes the rest.

    Examples
    --------
    >>> from sparseopt.multitask import epoch_budgets
    >>> epoch_budgets(10_000, 3).tolist()
    [1428, 2857, 5715]
    """
    budget = check_positive_int("budget", budget, minimum=0)
    L = check_positive_int("n_epochs", n_epochs)
    N = np.array([int(np.floor(budget * 2 ** (i - 1) / (2**L - 1))) for i in range(1, L + 1)])
    N[-1] += int(budget) - int(N.sum())
    return N


class ActiveTaskSelector(RegressorMixin, BaseEstimator):
    r"""Decide which source tasks to sample, and how much, to learn a target predictor.

    Multi-epoch algorithm (doubling budgets): epoch 1 samples every source uniformly; later
    epochs allocate in proportion to the estimated relevance (``|nu|`` for 'l1', Wang et al. 2023;
    ``nu^2`` for 'l2', Chen et al. 2022), with a per-task exploration floor. After each epoch the
    shared representation ``B`` and heads ``W`` are refit on all the data collected so far and the
    relevance is re-estimated on the target data. The target predictor is ``B w_0``.

    Parameters
    ----------
    n_components : int, default=5
    budget : int, default=10_000
        Total source samples (a cost budget with ``task_costs``).
    relevance : {'l1', 'l2', 'uniform'}, LassoTaskRelevance or array of shape (T,), default='l1'
        An array is a vector of known allocation weights (oracle mode, one epoch by default).
    n_epochs : int or 'auto', default='auto'
    explore : 'sqrt', int or float, default='sqrt'
        Per-task floor in epochs >= 2: ``ceil(sqrt(N_i / T))``, a fixed int, or a fraction of
        ``N_i / T``.
    min_explore_per_task : int or None, default=None
        Samples per task that epoch 1 must give (default ``2 n_components``); sizes 'auto'.
    task_costs : ndarray of shape (T,) or None
    max_tasks : int or None
        Sample only the top ``max_tasks`` relevant tasks after epoch 1.
    reuse_data : bool, default=True
        Accumulate data across epochs (False: each epoch refits on its fresh samples only).
    representation : MultiTaskLinearRepresentation or None
    random_state : None, int or Generator
    verbose : int, default=0
        >= 1: progress over the epochs (a tqdm progress bar).

    Attributes
    ----------
    representation_ : MultiTaskLinearRepresentation
    relevance_estimator_ : LassoTaskRelevance or None
    relevance_ : ndarray of shape (T,)
    target_head_ : ndarray of shape (k,)
    coef_ : ndarray of shape (d,)
    intercept_ : float
    allocation_ : ndarray of int, shape (T,)
    allocation_history_ : ndarray of int, shape (n_epochs, T)
    relevance_history_ : ndarray of shape (n_epochs, T)
    budget_used_ : int
    n_epochs_ : int
    n_iter_ : int
    history_ : dict of ndarray
        Per epoch: ``epoch_budget``, ``objective``, ``target_mse``, ``noise_variance``,
        ``nnz_relevance``, ``snr``.

    Notes
    -----
    **In a Pipeline.** The source data enter ``fit`` as the parameters ``n_tasks`` and
    ``sampler`` (or ``source_pools``). Pass them with the step's name as prefix,
    ``pipe.fit(X, y, select__n_tasks=T, select__sampler=prob.sample)``, or, with scikit-learn's
    metadata routing enabled (``sklearn.set_config(enable_metadata_routing=True)``), request
    them once with ``ActiveTaskSelector(...).set_fit_request(n_tasks=True, sampler=True)`` and
    call ``pipe.fit(X, y, n_tasks=T, sampler=prob.sample)``; ``cross_validate`` and
    ``GridSearchCV`` then route them through ``params=``. A sampler is not split by the
    cross-validation (it is not indexed by the target rows). Steps before the selector transform
    only the target data, not the sources the sampler draws, so put feature transformers inside
    the sampler if the sources need them too.

    Warnings of the inner fits (e.g. a representation that hits its ``max_iter``) are collected
    over the epochs and re-emitted once each, saying in how many epochs they occurred.

    Examples
    --------
    >>> from sparseopt.datasets import make_active_multitask
    >>> from sparseopt.multitask import ActiveTaskSelector
    >>> prob = make_active_multitask(n_tasks=30, random_state=0)
    >>> sel = ActiveTaskSelector(budget=3000, random_state=0).fit(
    ...     prob.X_target, prob.y_target, n_tasks=30, sampler=prob.sample)
    >>> int(sel.allocation_.sum())
    3000
    """

    def __init__(self, n_components=5, *, budget=10_000, relevance="l1", n_epochs="auto",
                 explore="sqrt", min_explore_per_task=None, task_costs=None, max_tasks=None,
                 reuse_data=True, representation=None, random_state=None, verbose=0):
        self.n_components = n_components
        self.budget = budget
        self.relevance = relevance
        self.n_epochs = n_epochs
        self.explore = explore
        self.min_explore_per_task = min_explore_per_task
        self.task_costs = task_costs
        self.max_tasks = max_tasks
        self.reuse_data = reuse_data
        self.representation = representation
        self.random_state = random_state
        self.verbose = verbose

    # ----------------------------------------------------------------- data sources
    def _make_draw(self, sampler, source_pools, T, d, seeds):
        if sampler is not None:
            if not callable(sampler):
                raise ValueError("sampler must be callable: sampler(t, n, rng) -> (X, y).")

            def draw(epoch, t, n):
                rng = np.random.default_rng(seeds[epoch].spawn(T)[t])
                out = sampler(t, int(n), rng)
                return self._check_sample(out, t, n, d)

            return draw, None
        pools = []
        for t, pool in enumerate(source_pools):
            try:
                Xt, yt = pool
            except (TypeError, ValueError) as err:
                raise ValueError(f"source_pools[{t}] must be a pair (X, y).") from err
            Xt, yt = self._check_sample((Xt, yt), t, None, d, name="source_pools")
            pools.append((Xt, yt))
        rng = np.random.default_rng(seeds[-1])
        perms = [rng.permutation(len(p[1])) for p in pools]
        cursor = np.zeros(T, dtype=np.int64)

        def draw(epoch, t, n):
            rows = perms[t][cursor[t]:cursor[t] + int(n)]
            cursor[t] += len(rows)
            return pools[t][0][rows], pools[t][1][rows]

        def remaining():
            return np.array([len(p[1]) for p in pools]) - cursor

        return draw, remaining

    def _check_sample(self, out, t, n, d, name="sampler"):
        try:
            Xt, yt = out
        except (TypeError, ValueError) as err:
            raise ValueError(f"{name} must return a pair (X, y) for task {t}.") from err
        Xt = np.asarray(Xt, dtype=np.float64)
        yt = np.asarray(yt, dtype=np.float64).ravel()
        if Xt.ndim != 2 or Xt.shape[1] != d or Xt.shape[0] != yt.shape[0] or \
                (n is not None and Xt.shape[0] != int(n)):
            want = f"({int(n)}, {d})" if n is not None else f"(m, {d})"
            raise ValueError(f"{name} returned X of shape {Xt.shape} and y of shape {yt.shape} "
                             f"for task {t}; expected X {want} and a matching y.")
        if not (np.all(np.isfinite(Xt)) and np.all(np.isfinite(yt))):
            raise ValueError(f"{name} returned NaN or infinite values for task {t}.")
        return Xt, yt

    # ----------------------------------------------------------------- main loop
    def fit(self, X_target, y_target, *, n_tasks=None, sampler=None, source_pools=None):
        """Spend the source budget and fit the target predictor.

        Parameters
        ----------
        X_target : array-like of shape (n_0, d)
        y_target : array-like of shape (n_0,)
        n_tasks : int, optional
            Number of source tasks (required with ``sampler``).
        sampler : callable, optional
            ``sampler(t, n, rng) -> (X_t of shape (n, d), y_t of shape (n,))``.
        source_pools : list of (X_t, y_t), optional
            Pre-collected source data (pool mode).

        Returns
        -------
        self : ActiveTaskSelector
            The fitted estimator.
        """
        X0, y0 = validate_data(self, X_target, y_target, dtype=np.float64, y_numeric=True)
        n0, d = X0.shape
        if (sampler is None) == (source_pools is None):
            raise ValueError("Give exactly one of sampler and source_pools.")
        if sampler is not None:
            if n_tasks is None:
                raise ValueError("n_tasks (an int >= 1) is required with sampler.")
            T = check_positive_int("n_tasks", n_tasks)
        else:
            if not isinstance(source_pools, Sequence) or len(source_pools) == 0:
                raise TypeError("source_pools must be a non-empty list of (X_t, y_t) pairs, "
                                f"got {type(source_pools).__name__}.")
            T = len(source_pools)
            if n_tasks is not None and n_tasks != T:
                raise ValueError(f"n_tasks={n_tasks} differs from len(source_pools)={T}.")
        k, costs, known, L = self._check_params(T)
        budget, rel = self.budget, self.relevance
        N = epoch_budgets(budget, L)
        rs = self.random_state
        check_seed(rs)  # a clear error naming random_state for a bad seed
        ss = np.random.SeedSequence(
            int(rs) if isinstance(rs, numbers.Integral) else rs if rs is None
            else int(np.random.default_rng(rs).integers(2**63)))
        seeds = ss.spawn(L + 1)
        draw, remaining = self._make_draw(sampler, source_pools, T, d, seeds)

        rep = clone(self.representation) if self.representation is not None else \
            MultiTaskLinearRepresentation(n_components=k)
        rep.set_params(warm_start=True)
        if known is not None:
            rel_est = None
        elif isinstance(rel, LassoTaskRelevance):
            rel_est = clone(rel)
        elif rel == "l2":
            rel_est = LassoTaskRelevance(penalty="l2")
        elif rel == "l1":
            rel_est = LassoTaskRelevance(task_costs=costs)
        else:
            rel_est = None
        G = np.zeros((T, d, d))
        h = np.zeros((T, d))
        s = np.zeros(T)
        cnt = np.zeros(T)
        alloc_hist, rel_hist = [], []
        hist = {key: [] for key in ("epoch_budget", "objective", "target_mse", "noise_variance",
                                    "nnz_relevance", "snr")}
        weights = None
        spent = 0
        caught = []
        report = progress(total=L, desc="ActiveTaskSelector epochs", verbose=self.verbose)
        for i in range(L):
            Ni = int(N[i])
            caps = remaining() if remaining is not None else None
            if known is not None:
                n_i = apportion(Ni, known, floor=int(np.ceil(np.sqrt(Ni / T))), caps=caps,
                                costs=costs)
            elif i == 0 or rel_est is None or weights is None:
                n_i = apportion(Ni, np.ones(T), caps=caps, costs=costs)
            else:
                q = weights.copy()
                mask = np.ones(T, dtype=bool)  # the floor goes to every eligible task
                if self.max_tasks is not None:
                    keep = np.argsort(-q, kind="stable")[: self.max_tasks]
                    mask = np.zeros(T, dtype=bool)
                    mask[keep] = True
                    q = np.where(mask, q, 0.0)
                n_i = apportion(Ni, q, floor=self._floor(Ni, T), caps=caps, costs=costs,
                                eligible=mask)
            if not self.reuse_data:
                G[:], h[:], s[:], cnt[:] = 0.0, 0.0, 0.0, 0.0
            for t in np.flatnonzero(n_i):
                Xt, yt = draw(i, t, n_i[t])
                G[t] += Xt.T @ Xt
                h[t] += Xt.T @ yt
                s[t] += yt @ yt
                cnt[t] += len(yt)
            n_used = n_i if remaining is None else n_i  # pools cap requests above
            spent += int(n_used.sum()) if costs is None else int(costs @ n_used)
            alloc_hist.append(n_i)
            with warnings.catch_warnings(record=True) as epoch_warnings:
                warnings.simplefilter("always")
                B, w0, nu, weights, sig2, snr = self._learn_epoch(rep, rel_est, (G, h, s, cnt),
                                                                  X0, y0, k, known)
            caught.append([(w.category, str(w.message)) for w in epoch_warnings])
            rel_hist.append(nu)
            hist["epoch_budget"].append(Ni)
            hist["objective"].append(rep.history_["objective"][-1])
            hist["target_mse"].append(float(np.mean((y0 - X0 @ (B @ w0)) ** 2)))
            hist["noise_variance"].append(sig2)
            hist["nnz_relevance"].append(int(np.count_nonzero(np.nan_to_num(nu))))
            hist["snr"].append(snr)
            report.update(samples=Ni, nnz_nu=hist["nnz_relevance"][-1],
                          target_mse=float(hist["target_mse"][-1]))
            if remaining is not None and not np.any(remaining() > 0) and i < L - 1:
                warnings.warn("Every source pool is exhausted: stopping early.", UserWarning,
                              stacklevel=2)
                L = i + 1
                break
        report.close()
        reemit_warnings(caught, "epochs")
        if rel_est is not None and np.isfinite(hist["snr"][-1]) and hist["snr"][-1] < 10:
            warnings.warn(f"Low target signal-to-noise (snr_={hist['snr'][-1]:.2f} < 10): the "
                          "relevance estimate is unreliable; consider n_bootstrap > 0 or "
                          "relevance='l2'.", UserWarning, stacklevel=2)
        self.representation_ = rep
        self.relevance_estimator_ = rel_est
        self.relevance_ = rel_hist[-1]
        self.target_head_ = w0
        self.coef_ = B @ w0
        self.intercept_ = 0.0
        self.allocation_history_ = np.asarray(alloc_hist, dtype=np.int64)
        self.allocation_ = self.allocation_history_.sum(axis=0)
        self.relevance_history_ = np.asarray(rel_hist)
        self.budget_used_ = int(spent)
        self.n_epochs_ = len(alloc_hist)
        self.n_iter_ = self.n_epochs_
        self.history_ = {key: np.asarray(v) for key, v in hist.items()}
        return self

    @staticmethod
    def _learn_epoch(rep, rel_est, stats, X0, y0, k, known):
        """Refit the representation and the relevance; return (B, w0, nu, weights, s2, snr)."""
        rep.fit_statistics(*stats)
        if rep.n_components_ < k:
            raise ValueError(f"Only {rep.n_components_} components can be learnt from the "
                             f"tasks sampled (n_components={k}).")
        B, W = rep.components_, rep.task_heads_
        if rel_est is not None:
            rel_est.fit(X0, y0, components=B, task_heads=W)
            return (B, rel_est.target_head_, rel_est.relevance_, rel_est.allocation_weights_,
                    rel_est.noise_variance_, rel_est.snr_)
        n0, T = X0.shape[0], W.shape[1]
        F = X0 @ B
        w0 = np.linalg.lstsq(F, y0, rcond=None)[0]
        sig2 = float(np.sum((y0 - F @ w0) ** 2)) / max(n0 - k, 1)
        nu = np.full(T, np.nan) if known is None else known
        snr = n0 * float(w0 @ w0) / (k * sig2) if sig2 > 0 else np.inf
        return B, w0, nu, None, sig2, snr

    def _check_params(self, T):
        """Validate the hyper-parameters; return (k, costs, known weights, n_epochs)."""
        k = check_positive_int("n_components", self.n_components)
        budget = check_positive_int("budget", self.budget, minimum=T)
        costs = None
        if self.task_costs is not None:
            costs = check_real_array("task_costs", self.task_costs).ravel()
            if costs.shape != (T,) or np.any(costs <= 0):
                raise ValueError(f"task_costs must hold {T} values > 0.")
        known = None
        rel = self.relevance
        if not isinstance(rel, str | LassoTaskRelevance):
            known = check_real_array("relevance", rel).ravel()
            if known.shape != (T,) or np.any(known < 0):
                raise ValueError(f"relevance as an array must hold {T} finite weights >= 0.")
        elif isinstance(rel, str) and rel not in ("l1", "l2", "uniform"):
            raise ValueError(f"relevance={rel!r}: expected 'l1', 'l2', 'uniform', a "
                             "LassoTaskRelevance or an array of weights.")
        self._floor(T, T)  # validates explore
        check_positive_int("max_tasks", self.max_tasks, allow_none=True)
        check_bool("reuse_data", self.reuse_data)
        if self.representation is not None and \
                not isinstance(self.representation, MultiTaskLinearRepresentation):
            raise TypeError("representation must be a MultiTaskLinearRepresentation or None, "
                            f"got {type(self.representation).__name__}.")
        n_min = check_positive_int("min_explore_per_task", self.min_explore_per_task,
                                   allow_none=True) or 2 * k
        if self.n_epochs == "auto":
            L = 1 if known is not None else n_epochs_auto(budget, T, n_min)
        elif isinstance(self.n_epochs, str):
            raise ValueError(f"n_epochs must be 'auto' or an int >= 1, got {self.n_epochs!r}.")
        else:
            L = check_positive_int("n_epochs", self.n_epochs)
        return k, costs, known, L

    def _floor(self, Ni, T):
        e = self.explore
        if e == "sqrt":
            return int(np.ceil(np.sqrt(Ni / T)))
        if isinstance(e, numbers.Integral) and not isinstance(e, bool) and e >= 0:
            return int(e)
        if isinstance(e, numbers.Real) and not isinstance(e, numbers.Integral) and 0 < e < 1:
            return int(np.floor(e * Ni / T))
        raise ValueError(f"explore={e!r}: expected 'sqrt', an int >= 0 or a float in (0, 1).")

    def predict(self, X):
        """Target predictions ``X @ coef_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, d)

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return X @ self.coef_
