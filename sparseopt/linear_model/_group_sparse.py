"""Least squares with the weighted group sparse envelope, refined to exactly k groups."""

import numbers
import warnings

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import check_is_fitted, validate_data

from ..datafits import Quadratic
from ..penalties import GroupTopK, WeightedGroupSparseEnvelope
from ..solvers import BlockCoordinateDescent, ProximalGradient
from ..utils import check_bool, check_nonnegative, check_positive_int
from ..utils.groups import check_groups, group_labels
from ._base import refuse_complex


class GroupSparseRegression(RegressorMixin, BaseEstimator):
    r"""Least squares with the WGSEF penalty, optionally refined to exactly k nonzero groups.

    Minimises

    .. math:: \frac{1}{2n}\|y - Xw - b\|_2^2 + \alpha\,\mathrm{WGSEF}_{k}(w)

    by FISTA with restart (the convex stage); with ``exact=True`` it then runs proximal gradient
    on the nonconvex :class:`~sparseopt.penalties.GroupTopK` penalty with a continuation of its
    strength up to group iterative hard thresholding, warm-started from the convex solution, so
    that exactly ``n_groups_active`` groups are nonzero.

    Parameters
    ----------
    n_groups_active : int
        ``k``, the number of groups sought (1 <= k <= n_groups).
    groups : int, label array, list of index sequences or (grp_ptr, grp_indices)
        Non-overlapping feature groups (an int ``g``: contiguous groups of ``g`` features).
    alpha : float, default=1.0
        Penalty strength (acts like a ridge parameter relative to the spectrum of X^T X / n;
        1.0 suits standardised columns).
    weights : None, 'sqrt_size' or array of shape (n_groups,), default=None
        WGSEF norm weights (the refinement uses plain Euclidean group norms).
    exact : bool, default=True
        Refine to exactly ``n_groups_active`` nonzero groups.
    fit_intercept : bool, default=True
    continuation : tuple (t0, growth), default=(0.05, 1.02)
        Strength schedule ``t_i = min(1, t0 growth^i)`` of the refinement.
    max_iter : int, default=1000
        Iteration cap of each stage.
    tol : float, default=1e-6
        Convex stage: Fenchel-Young duality gap below ``tol * ||y_c||^2 / (2n)``.
    warm_start : bool, default=False
    solver : ProximalGradient or None, default=None
        The convex-stage solver (a BlockCoordinateDescent is refused: the WGSEF prox is not
        separable across groups).
    verbose : int, default=0

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
    intercept_ : float
    active_groups_ : ndarray of int
        Sorted ids of the nonzero groups.
    n_groups_ : int
    convex_coef_ : ndarray of shape (n_features,)
        Solution of the convex stage.
    dual_gap_ : float
        Duality gap of the convex stage.
    n_iter_ : int
        Iterations of both stages.
    history_ : dict of ndarray
        ``objective``, ``gap`` (NaN in the refinement), ``t``, ``n_active_groups``, ``stage``.

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.linear_model import GroupSparseRegression
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((100, 20)); w = np.zeros(20); w[4:8] = 1.0
    >>> y = X @ w + 0.1 * rng.standard_normal(100)
    >>> reg = GroupSparseRegression(n_groups_active=1, groups=4, alpha=0.5).fit(X, y)
    >>> reg.active_groups_.tolist()
    [1]
    """

    def __init__(self, n_groups_active, groups, *, alpha=1.0, weights=None, exact=True,
                 fit_intercept=True, continuation=(0.05, 1.02), max_iter=1000, tol=1e-6,
                 warm_start=False, solver=None, verbose=0):
        self.n_groups_active = n_groups_active
        self.groups = groups
        self.alpha = alpha
        self.weights = weights
        self.exact = exact
        self.fit_intercept = fit_intercept
        self.continuation = continuation
        self.max_iter = max_iter
        self.tol = tol
        self.warm_start = warm_start
        self.solver = solver
        self.verbose = verbose

    def fit(self, X, y):
        """Fit the model.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Dense training data.
        y : array-like of shape (n_samples,)

        Returns
        -------
        self : GroupSparseRegression
            The fitted estimator.
        """
        exact = check_bool("exact", self.exact)
        fit_intercept = check_bool("fit_intercept", self.fit_intercept)
        warm_start = check_bool("warm_start", self.warm_start)
        refuse_complex(X=X, y=y)
        X, y = validate_data(self, X, y, dtype=np.float64, y_numeric=True)
        n, p = X.shape
        alpha = check_nonnegative("alpha", self.alpha, allow_zero=False)
        max_iter = check_positive_int("max_iter", self.max_iter)
        tol = check_nonnegative("tol", self.tol)
        grp_ptr, grp_indices = check_groups(self.groups, p)
        m = len(grp_ptr) - 1
        k = self.n_groups_active
        if isinstance(k, bool) or not isinstance(k, numbers.Integral) or not 1 <= k <= m:
            raise ValueError(
                f"n_groups_active={k!r} must be an int between 1 and n_groups={m}.")
        if not (isinstance(self.continuation, tuple | list) and len(self.continuation) == 2
                and 0 < self.continuation[0] <= 1 and self.continuation[1] > 1):
            raise ValueError(
                f"continuation={self.continuation!r} must be (t0 in (0, 1], growth > 1).")
        if self.solver is not None and isinstance(self.solver, BlockCoordinateDescent):
            raise ValueError(
                "solver: BlockCoordinateDescent cannot host the WGSEF penalty (its prox is not "
                "separable across groups); pass a ProximalGradient or None.")
        if self.solver is not None and not isinstance(self.solver, ProximalGradient):
            raise TypeError(f"solver must be None or a ProximalGradient, got "
                            f"{type(self.solver).__name__}.")
        enc = (grp_ptr, grp_indices)
        labels = group_labels(grp_ptr, grp_indices)

        if fit_intercept:
            X_mean, y_mean = X.mean(axis=0), float(y.mean())
        else:
            X_mean, y_mean = np.zeros(p), 0.0
        Xc, yc = X - X_mean, y - y_mean
        hist = {k_: [] for k_ in ("objective", "gap", "t", "n_active_groups", "stage")}
        datafit = Quadratic()
        # a warm start resumes each stage from its own previous answer: the convex stage from
        # convex_coef_, the refinement from coef_ (tried first as the refined solution)
        w0 = previous = None
        if warm_start and getattr(self, "coef_", None) is not None \
                and self.coef_.shape == (p,):
            w0 = getattr(self, "convex_coef_", self.coef_)
            previous = self.coef_
        if not np.any(yc):
            w = np.zeros(p)
            self.dual_gap_, n_iter = 0.0, 1
        else:
            pen = WeightedGroupSparseEnvelope(k, enc, self.weights, alpha=alpha)
            params = (self.solver.get_params() if self.solver is not None
                      else ProximalGradient().get_params())
            # ProximalGradient stops at gap <= tol * (F(0) + P(0)) = tol * ||y_c||^2 / (2n)
            params.update(tol=tol, max_iter=max_iter, verbose=self.verbose)
            w, res = ProximalGradient(**params).solve(datafit, pen, Xc, yc, w0)
            self.dual_gap_ = float(res.criterion)
            n_iter = res.n_iter
            for obj, crit in zip(res.history["objective"], res.history["criterion"],
                                 strict=True):
                hist["objective"].append(obj)
                hist["gap"].append(crit)
                hist["t"].append(np.nan)
                hist["n_active_groups"].append(np.nan)
                hist["stage"].append(0)
        self.convex_coef_ = w.copy()
        if exact and np.any(w):
            w, n_ref = self._refine(Xc, yc, w, k, enc, labels, m, max_iter, hist, previous)
            n_iter += n_ref
        self.coef_ = w
        self.intercept_ = (y_mean - float(X_mean @ w)) if fit_intercept else 0.0
        norms = np.sqrt(np.bincount(labels, w * w, minlength=m))
        self.active_groups_ = np.flatnonzero(norms > 0)
        self.n_groups_ = m
        self.n_iter_ = max(int(n_iter), 1)
        self.history_ = {k_: np.asarray(v) for k_, v in hist.items()}
        return self

    def _refine(self, Xc, yc, w, k, enc, labels, m, max_iter, hist, previous=None):
        """Prox-gradient on GroupTopK with continuation, ending in group IHT + a polish.

        A previous refined solution (warm start) is accepted at once if it is still a
        group-IHT fixed point of these data. If ``max_iter`` ends the continuation before
        it settles, the iterate is projected onto its ``k`` largest groups and polished (least
        squares on them), and a ConvergenceWarning says so: the answer always has exactly
        ``k`` groups (fewer only if fewer are nonzero).
        """
        n = Xc.shape[0]
        datafit = Quadratic()
        L = datafit.global_lipschitz(Xc)
        eta = 1.0 / L
        if previous is not None:
            kept = np.flatnonzero(np.bincount(labels, previous * previous, minlength=m) > 0)
            if len(kept) == k and (w_ls := self._iht_fixed_point(Xc, yc, kept, k, enc, labels,
                                                                 m, eta)) is not None:
                return w_ls, 1
        t0, growth = self.continuation
        stable = 0
        sup_prev = None
        it = 0
        for it in range(1, max_iter + 1):
            t_i = min(1.0, t0 * growth ** (it - 1))
            grad = Xc.T @ (Xc @ w - yc) / n
            # prox of eta * (t_i / eta) h = t_i h, passed as (alpha=t_i, step=1) so that
            # lambda = t_i exactly (t_i / eta * eta can round below 1)
            w_new = GroupTopK(k, enc, alpha=t_i).prox(w - eta * grad, 1.0)
            norms = np.sqrt(np.bincount(labels, w_new * w_new, minlength=m))
            sup = np.flatnonzero(norms > 0)
            stable = stable + 1 if (sup_prev is not None and np.array_equal(sup, sup_prev)) \
                else 0
            sup_prev = sup
            w = w_new
            r = yc - Xc @ w
            hist["objective"].append(0.5 * float(r @ r) / n)
            hist["gap"].append(np.nan)
            hist["t"].append(t_i)
            hist["n_active_groups"].append(len(sup))
            hist["stage"].append(1)
            if t_i >= 1.0 and stable >= 10 and len(sup) == k:
                w_ls = self._iht_fixed_point(Xc, yc, sup, k, enc, labels, m, eta)
                if w_ls is not None:
                    return w_ls, it
        # cut short: the k largest groups of the iterate, polished
        w = GroupTopK(k, enc).project(w)
        kept = np.flatnonzero(np.bincount(labels, w * w, minlength=m) > 0)
        cols = np.flatnonzero(np.isin(labels, kept))
        w_ls = np.zeros_like(w)
        w_ls[cols] = np.linalg.lstsq(Xc[:, cols], yc, rcond=None)[0]
        warnings.warn(
            f"GroupSparseRegression: the refinement to exactly {k} groups did not settle "
            f"within max_iter={max_iter} (tol={self.tol}); the {len(kept)} largest groups of "
            "its last iterate were kept and refitted. Increase max_iter.",
            ConvergenceWarning, stacklevel=3)
        return w_ls, it

    @staticmethod
    def _iht_fixed_point(Xc, yc, sup, k, enc, labels, m, eta):
        """Least squares on the groups ``sup`` if it is a group-IHT fixed point (the
        projected gradient step keeps exactly these groups), else None."""
        n = Xc.shape[0]
        cols = np.flatnonzero(np.isin(labels, sup))
        w_ls = np.zeros(Xc.shape[1])
        w_ls[cols] = np.linalg.lstsq(Xc[:, cols], yc, rcond=None)[0]
        g_ls = Xc.T @ (Xc @ w_ls - yc) / n
        cand = GroupTopK(k, enc, alpha=1.0).prox(w_ls - eta * g_ls, 1.0)
        cn = np.sqrt(np.bincount(labels, cand * cand, minlength=m))
        return w_ls if np.array_equal(np.flatnonzero(cn > 0), sup) else None

    def predict(self, X):
        """Predict ``X @ coef_ + intercept_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return X @ self.coef_ + self.intercept_
