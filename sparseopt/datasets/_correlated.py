"""The correlated Gaussian design of the benchopt / skglm Lasso benchmarks."""

import numbers

import numpy as np
import scipy.sparse as sp

from ..utils import check_positive_int, check_real


def make_correlated_data(n_samples=100, n_features=50, rho=0.6, snr=3, density=0.2,
                         X_density=1.0, random_state=0):
    r"""Design with AR(1)-correlated columns, a sparse ground truth and noise at a given SNR.

    Column 0 is ``N(0, I_n)``; column ``j`` is ``rho * column_{j-1} + sqrt(1 - rho^2) N(0, I_n)``,
    so ``corr(X_i, X_j) = rho^{|i - j|}``. The support has ``floor(density * n_features)``
    entries drawn without replacement, with ``N(0, 1)`` values; the noise is scaled so that
    ``||X w*|| / ||noise|| = snr``.

    Parameters
    ----------
    n_samples, n_features : int
    rho : float in [0, 1)
        Correlation of neighbouring columns.
    snr : float
        Signal-to-noise ratio, ``> 0`` (``np.inf`` for no noise).
    density : float in (0, 1]
        Fraction of nonzero coefficients.
    X_density : float in (0, 1]
        If < 1, keep each entry with this probability and return CSC.
    random_state : None, int in [0, 2**32) or numpy RandomState
        Seed of a legacy ``RandomState``: kept for parity with the peers' generator, so our
        benchmark problems are theirs (a documented exception to ``default_rng``).

    Returns
    -------
    X : ndarray or scipy.sparse.csc_matrix of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
    w_true : ndarray of shape (n_features,)

    Examples
    --------
    >>> from sparseopt.datasets import make_correlated_data
    >>> X, y, w = make_correlated_data(50, 20, rho=0.5, density=0.1)
    >>> X.shape, int((w != 0).sum())
    ((50, 20), 2)
    """
    n_samples = check_positive_int("n_samples", n_samples)
    n_features = check_positive_int("n_features", n_features)
    rho = check_real("rho", rho, low=0, high=1, high_inclusive=False)
    snr = check_real("snr", snr, low=0, low_inclusive=False, allow_inf=True)
    density = check_real("density", density, low=0, low_inclusive=False, high=1)
    X_density = check_real("X_density", X_density, low=0, low_inclusive=False, high=1)
    rng = _legacy_random_state(random_state)
    X = np.empty((n_samples, n_features), order="F")
    X[:, 0] = rng.randn(n_samples)
    for j in range(1, n_features):
        X[:, j] = rho * X[:, j - 1] + np.sqrt(1 - rho**2) * rng.randn(n_samples)
    nnz = int(np.floor(density * n_features))
    support = rng.choice(n_features, nnz, replace=False)
    w_true = np.zeros(n_features)
    w_true[support] = rng.randn(nnz)
    if X_density < 1:
        mask = rng.binomial(1, X_density, size=X.shape).astype(bool)
        X = sp.csc_matrix(np.where(mask, X, 0.0))
    y = np.asarray(X @ w_true).ravel()
    if np.isfinite(snr):
        noise = rng.randn(n_samples)
        norm_signal = np.linalg.norm(y)
        if norm_signal > 0:
            noise *= norm_signal / (snr * np.linalg.norm(noise))
        y = y + noise
    return X, y, w_true


def _legacy_random_state(random_state):
    """A legacy ``RandomState`` from None, an int in ``[0, 2**32)`` or a RandomState."""
    if random_state is None or isinstance(random_state, np.random.RandomState):
        return np.random.RandomState(random_state) if random_state is None else random_state
    if isinstance(random_state, bool | np.bool_) or not isinstance(random_state, numbers.Integral):
        raise TypeError("random_state must be None, an int in [0, 2**32) or a numpy RandomState "
                        f"(this generator uses the legacy RandomState), got {random_state!r}.")
    if not 0 <= random_state < 2**32:
        raise ValueError(f"random_state must be in [0, 2**32), got {random_state}.")
    return np.random.RandomState(int(random_state))
