"""Synthetic Kronecker-structured sparse recovery problems."""

import numbers

import numpy as np

from ..utils import check_bool, check_real, check_seed, check_shape_pairs, db_to_ratio


def make_kronecker_sparse(factor_shapes, n_nonzero, snr_db, *, complex=False,  # noqa: A002
                          kron_values=True, random_state=None):
    """Random factors and a vector whose support is a Kronecker grid.

    ``x = x_1 (x) ... (x) x_I`` with ``n_nonzero[i]`` Gaussian nonzeros at uniform positions in
    each ``x_i`` (``kron_values=False`` keeps the grid support with i.i.d. values). Factors have
    i.i.d. N(0, 1) (or CN(0, 1)) entries; the noise variance is set from the per-measurement SNR.

    Parameters
    ----------
    factor_shapes : sequence of (M_i, N_i)
        Ints >= 1.
    n_nonzero : int or sequence of int
        Nonzeros per factor (one value for all, or one per factor), in ``[1, N_i]``.
    snr_db : float
        Per-measurement SNR (``np.inf`` for no noise).
    complex : bool, default=False
    kron_values : bool, default=True
    random_state : None, int, SeedSequence or Generator

    Returns
    -------
    factors : list of ndarray
    y : ndarray of shape (M,)
    x_true : ndarray of shape (N,)
    noise_variance : float

    Examples
    --------
    >>> from sparseopt.datasets import make_kronecker_sparse
    >>> factors, y, x, s2 = make_kronecker_sparse([(16, 32), (16, 32)], 3, 20, random_state=0)
    >>> y.shape, int((x != 0).sum())
    ((256,), 9)
    """
    is_complex = check_bool("complex", complex)
    kron_values = check_bool("kron_values", kron_values)
    shapes = check_shape_pairs("factor_shapes", factor_shapes)
    ks = _check_n_nonzero(n_nonzero, shapes)
    snr_db = check_real("snr_db", snr_db, allow_inf=True)
    if snr_db == -np.inf:
        raise ValueError("snr_db must be a real number or +inf (no noise), got -inf.")
    ctype = np.complex128 if is_complex else np.float64
    rng = check_seed(random_state)

    def draw(shape):
        a = rng.standard_normal(shape)
        return (a + 1j * rng.standard_normal(shape)) / np.sqrt(2) if is_complex else a

    factors = [draw(s) for s in shapes]
    supports = [np.sort(rng.choice(n, k, replace=False)) for (m, n), k in zip(shapes, ks,
                                                                             strict=True)]
    if kron_values:
        x = np.ones(1)
        for (_, n), sp in zip(shapes, supports, strict=True):
            xi = np.zeros(n, dtype=ctype)
            xi[sp] = draw(len(sp))
            x = np.kron(x, xi)
    else:
        X = np.zeros([n for _, n in shapes], dtype=ctype)
        X[np.ix_(*supports)] = draw(tuple(len(sp) for sp in supports))
        x = X.ravel()
    from ..operators import KroneckerOperator

    signal = KroneckerOperator(factors) @ x
    M = signal.size
    with np.errstate(over="ignore", divide="ignore"):
        sigma2 = float(np.sum(np.abs(signal) ** 2) / M / db_to_ratio(snr_db))
    if not np.isfinite(sigma2):
        raise ValueError(f"snr_db={snr_db} is too low: the noise variance is not finite.")
    noise = draw(M) * np.sqrt(sigma2)
    return factors, signal + noise, x, sigma2


def _check_n_nonzero(n_nonzero, shapes):
    """One int in ``[1, N_i]`` per factor (a single int applies to every factor)."""
    ks = n_nonzero if isinstance(n_nonzero, list | tuple | np.ndarray) else [n_nonzero]
    if np.ndim(ks) != 1 or len(ks) not in (1, len(shapes)):
        raise ValueError(f"n_nonzero must be an int or one int per factor ({len(shapes)}), got "
                         f"{n_nonzero!r}.")
    ks = list(ks) * len(shapes) if len(ks) == 1 else list(ks)
    for k, (_, n) in zip(ks, shapes, strict=True):
        if isinstance(k, bool | np.bool_) or not isinstance(k, numbers.Integral):
            raise TypeError(f"n_nonzero must hold ints, got {n_nonzero!r}.")
        if not 1 <= k <= n:
            raise ValueError(f"n_nonzero={n_nonzero!r}: each entry must be in [1, N_i] (the "
                             f"columns of its factor), got {k} for N_i = {n}.")
    return np.asarray(ks, dtype=int)
