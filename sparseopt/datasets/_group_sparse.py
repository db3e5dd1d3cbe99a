"""Synthetic group-sparse regression problems (the weighted group sparse envelope demo)."""

import numpy as np
from scipy.linalg import toeplitz

from ..utils import check_positive_int, check_real, check_seed


def make_group_sparse_regression(n_samples=100, n_groups=50, group_size=5, n_groups_active=5,
                                 rho=0.0, snr=5.0, random_state=0):
    """Least-squares data whose coefficients are nonzero on a few groups.

    Features have Toeplitz correlation ``corr(X_i, X_j) = rho^|i-j|``; ``n_groups_active``
    groups (drawn without replacement) carry coefficients ``+-U[0.5, 1.5]``; Gaussian noise is
    scaled so that ``||X w|| / ||noise|| = snr``.

    Parameters
    ----------
    n_samples, n_groups, group_size, n_groups_active : int
    rho : float in [0, 1)
    snr : float
        ``> 0`` (``np.inf`` for no noise).
    random_state : None, int, SeedSequence or Generator

    Returns
    -------
    X : ndarray of shape (n_samples, n_groups * group_size)
    y : ndarray of shape (n_samples,)
    w_true : ndarray of shape (n_groups * group_size,)
    groups : ndarray of int, shape (n_groups * group_size,)
        Group label of every feature (contiguous groups).
    active_groups : ndarray of int
        Sorted ids of the true groups.

    Examples
    --------
    >>> from sparseopt.datasets import make_group_sparse_regression
    >>> X, y, w, groups, active = make_group_sparse_regression(random_state=0)
    >>> X.shape, len(active)
    ((100, 250), 5)
    """
    n = check_positive_int("n_samples", n_samples)
    m = check_positive_int("n_groups", n_groups)
    g = check_positive_int("group_size", group_size)
    k = check_positive_int("n_groups_active", n_groups_active)
    if k > m:
        raise ValueError(f"n_groups_active={k} exceeds n_groups={m}.")
    rho = check_real("rho", rho, low=0, high=1, high_inclusive=False)
    snr = check_real("snr", snr, low=0, low_inclusive=False, allow_inf=True)
    rng = check_seed(random_state)
    p = m * g
    Z = rng.standard_normal((n, p))
    if rho > 0:
        C = np.linalg.cholesky(toeplitz(rho ** np.arange(p)))
        Z = Z @ C.T
    active = np.sort(rng.choice(m, k, replace=False))
    groups = np.repeat(np.arange(m), g)
    w = np.zeros(p)
    for j in active:
        idx = np.arange(j * g, (j + 1) * g)
        w[idx] = rng.choice([-1.0, 1.0], g) * rng.uniform(0.5, 1.5, g)
    signal = Z @ w
    noise = rng.standard_normal(n)
    noise *= np.linalg.norm(signal) / (snr * np.linalg.norm(noise))
    return Z, signal + noise, w, groups, active
