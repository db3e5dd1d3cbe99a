"""Classical sparse Bayesian learning (EM-SBL) with the Woodbury E-step."""

import numbers
import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_array
from sklearn.utils.validation import check_is_fitted, validate_data

from ..utils import progress
from ._estep import dense_estep


def _is_complex(X):
    return (not sp.issparse(X)) and np.iscomplexobj(np.asarray(X) if not hasattr(X, "dtype")
                                                   else X)


def check_complex_array(X, name, *, ndim):
    """Validate a real or complex dense array; real and imaginary parts are checked separately.

    Real input goes through scikit-learn's ``check_array`` (float64); complex input is split and
    each part checked the same way, so error messages are scikit-learn's and name ``name``.
    """
    if sp.issparse(X):
        raise TypeError(f"Sparse data was passed for {name}, but dense data is required. "
                        "Use '.toarray()' to convert to a dense numpy array.")
    kw = dict(ensure_2d=ndim == 2, input_name=name, ensure_min_samples=1)
    if _is_complex(X):
        arr = np.asarray(X)
        re = check_array(arr.real, dtype=np.float64, **kw)
        im = check_array(arr.imag, dtype=np.float64, **kw)
        out = re + 1j * im
    else:
        out = check_array(X, dtype=np.float64, **kw)
    if out.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D, got shape {out.shape}.")
    return out


class SparseBayesianRegression(RegressorMixin, BaseEstimator):
    r"""Sparse Bayesian learning by expectation-maximisation (Tipping 2001; Wipf and Rao 2004).

    Model ``y = X x + n``, ``n ~ (C)N(0, sigma^2 I)``, prior ``x ~ (C)N(0, diag(gamma))``; the
    hyperparameters ``gamma`` (and ``sigma^2``) maximise the evidence by EM. Coefficients whose
    ``gamma_j`` falls below ``prune * max(gamma)`` are removed for good. Real and complex data.

    Parameters
    ----------
    max_iter : int, default=300
    tol : float, default=1e-4
        Stop when the relative change of ``gamma`` falls below ``tol``.
    noise_variance : float or None, default=None
        Known ``sigma^2``; None learns it.
    prune : float, default=1e-3
    update : {'em', 'mackay'}, default='em'
    fit_intercept : bool, default=True
    verbose : int, default=0

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
        Posterior mean (exact zeros off the active set); complex for complex data.
    gamma_ : ndarray of shape (n_features,)
    sigma_diag_ : ndarray of shape (n_features,)
        Posterior variances.
    noise_variance_ : float
    active_ : ndarray of int
    intercept_ : float or complex
    n_iter_ : int
    history_ : dict of ndarray
        ``cost`` (log det C + y^H C^-1 y), ``gamma_change``, ``noise_variance``, ``n_active``.

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.bayes import SparseBayesianRegression
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((50, 100)); w = np.zeros(100); w[[3, 30]] = [2.0, -1.5]
    >>> y = X @ w + 0.01 * rng.standard_normal(50)
    >>> reg = SparseBayesianRegression(fit_intercept=False).fit(X, y)
    >>> np.flatnonzero(np.abs(reg.coef_) > 0.1).tolist()
    [3, 30]
    """

    def __init__(self, *, max_iter=300, tol=1e-4, noise_variance=None, prune=1e-3,
                 update="em", fit_intercept=True, verbose=0):
        self.max_iter = max_iter
        self.tol = tol
        self.noise_variance = noise_variance
        self.prune = prune
        self.update = update
        self.fit_intercept = fit_intercept
        self.verbose = verbose

    def fit(self, X, y):
        """Fit by EM.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), real or complex
        y : array-like of shape (n_samples,)

        Returns
        -------
        self : SparseBayesianRegression
            The fitted estimator.
        """
        if y is not None and (_is_complex(X) or _is_complex(y)):
            X = check_complex_array(X, "X", ndim=2)
            y = np.asarray(y)
            if y.ndim == 2 and y.shape[1] == 1:
                y = y.ravel()
            y = check_complex_array(y, "y", ndim=1)
            if X.shape[0] != y.shape[0]:
                raise ValueError(f"X and y have inconsistent numbers of samples: {X.shape[0]} "
                                 f"and {y.shape[0]}.")
            self.n_features_in_ = X.shape[1]
        else:
            X, y = validate_data(self, X, y, dtype=np.float64, y_numeric=True)
        if X.shape[0] < 2:
            raise ValueError("SparseBayesianRegression needs n_samples >= 2 (got 1 sample).")
        if self.update not in ("em", "mackay"):
            raise ValueError(f"update={self.update!r}: expected 'em' or 'mackay'.")
        if not isinstance(self.max_iter, numbers.Integral) or self.max_iter < 1:
            raise ValueError(f"max_iter must be an int >= 1, got {self.max_iter!r}.")
        if self.noise_variance is not None and not self.noise_variance > 0:
            raise ValueError(f"noise_variance must be > 0 or None, got {self.noise_variance!r}.")
        M, N = X.shape
        if np.iscomplexobj(X) or np.iscomplexobj(y):
            X = X.astype(np.complex128)
            y = y.astype(np.complex128)
        if self.fit_intercept:
            self._X_mean = X.mean(axis=0)
            self._y_mean = y.mean()
            Xc, yc = X - self._X_mean, y - self._y_mean
        else:
            self._X_mean = np.zeros(N, dtype=X.dtype)
            self._y_mean = 0.0
            Xc, yc = X, y
        var_y = float(np.mean(np.abs(yc - yc.mean()) ** 2))
        learn = self.noise_variance is None
        sigma2 = float(self.noise_variance) if not learn else max(0.1 * var_y, 1e-12)
        gamma = np.ones(N)
        active = np.arange(N)
        hist = {k: [] for k in ("cost", "gamma_change", "noise_variance", "n_active")}
        converged = False
        it = 0
        report = progress(total=self.max_iter, desc="SBL", verbose=self.verbose)
        for it in range(1, self.max_iter + 1):  # noqa: B007 (it is n_iter_)
            g_old = np.zeros(N)
            g_old[active] = gamma
            if self.prune > 0 and gamma.size:
                keep = gamma >= self.prune * gamma.max()
                active, gamma = active[keep], gamma[keep]
            mu, s, cost, resid2, trace = dense_estep(Xc[:, active], yc, gamma, sigma2)
            if learn:
                if self.update == "mackay":
                    sigma2 = resid2 / max(M - trace, 1e-12)
                else:
                    sigma2 = (resid2 + sigma2 * trace) / M
                sigma2 = max(sigma2, 1e-12 * max(var_y, 1e-300))
            if self.update == "mackay":
                with np.errstate(divide="ignore", invalid="ignore"):
                    gamma = np.abs(mu) ** 2 / np.maximum(1.0 - s / gamma, 1e-12)
            else:
                gamma = np.abs(mu) ** 2 + s
            g_new = np.zeros(N)
            g_new[active] = gamma
            change = np.linalg.norm(g_new - g_old) / max(np.linalg.norm(g_old), 1e-300)
            hist["cost"].append(cost)
            hist["gamma_change"].append(change)
            hist["noise_variance"].append(sigma2)
            hist["n_active"].append(len(active))
            report.update(cost=cost, change=change, active=len(active))
            if change < self.tol:
                converged = True
                break
        report.close()
        if not converged:
            warnings.warn(f"SparseBayesianRegression did not converge within max_iter="
                          f"{self.max_iter} to tol={self.tol}.", ConvergenceWarning, stacklevel=2)
        mu, s, _, _, _ = dense_estep(Xc[:, active], yc, gamma, sigma2)
        dtype = np.complex128 if np.iscomplexobj(Xc) or np.iscomplexobj(yc) else np.float64
        self.coef_ = np.zeros(N, dtype=dtype)
        self.coef_[active] = mu
        self.gamma_ = np.zeros(N)
        self.gamma_[active] = gamma
        self.sigma_diag_ = np.zeros(N)
        self.sigma_diag_[active] = s
        self.active_ = active
        self.noise_variance_ = float(sigma2)
        self.intercept_ = self._y_mean - self._X_mean @ self.coef_ if self.fit_intercept else 0.0
        self.n_iter_ = it
        self.history_ = {k: np.asarray(v) for k, v in hist.items()}
        self._Xc_active = Xc[:, active]
        return self

    def predict(self, X, return_std=False):
        """Posterior predictive mean (and standard deviation).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        return_std : bool, default=False

        Returns
        -------
        y_mean : ndarray of shape (n_samples,)
        y_std : ndarray of shape (n_samples,)
            Only with ``return_std=True``: ``sqrt(diag(X_A Sigma X_A^H) + sigma^2)``.
        """
        check_is_fitted(self)
        if _is_complex(X):
            X = check_complex_array(X, "X", ndim=2)
            if X.shape[1] != self.n_features_in_:
                raise ValueError(f"X has {X.shape[1]} features, but SparseBayesianRegression is "
                                 f"expecting {self.n_features_in_} features as input.")
        else:
            X = validate_data(self, X, dtype=np.float64, reset=False)
        mean = X @ self.coef_ + self.intercept_
        if not np.iscomplexobj(self.coef_):
            mean = np.real(mean)
        if not return_std:
            return mean
        XA = (X - self._X_mean)[:, self.active_]
        g = self.gamma_[self.active_]
        # Sigma = Gamma - Gamma H^H C^{-1} H Gamma with C = sigma^2 I + H Gamma H^H
        H = self._Xc_active
        C = self.noise_variance_ * np.eye(H.shape[0]) + (H * g) @ H.conj().T
        L = np.linalg.cholesky(0.5 * (C + C.conj().T))
        V = np.linalg.solve(L, H @ (g[:, None] * XA.conj().T))
        var = np.sum(np.abs(XA) ** 2 * g, axis=1) - np.sum(np.abs(V) ** 2, axis=0)
        return mean, np.sqrt(np.maximum(var, 0.0) + self.noise_variance_)

