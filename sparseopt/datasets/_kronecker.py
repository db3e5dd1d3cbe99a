"""Synthetic Kronecker-structured sparse recovery problems."""

import numpy as np


def make_kronecker_sparse(factor_shapes, n_nonzero, snr_db, *, complex=False,  # noqa: A002
                          kron_values=True, random_state=None):
    """Random factors and a vector whose support is a Kronecker grid.

    ``x = x_1 (x) ... (x) x_I`` with ``n_nonzero[i]`` Gaussian nonzeros at uniform positions in
    each ``x_i`` (``kron_values=False`` keeps the grid support with i.i.d. values). Factors have
    i.i.d. N(0, 1) (or CN(0, 1)) entries; the noise variance is set from the per-measurement SNR.

    Parameters
    ----------
    factor_shapes : sequence of (M_i, N_i)
    n_nonzero : int or sequence of int
    snr_db : float
    complex : bool, default=False
    kron_values : bool, default=True
    random_state : None, int or Generator

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
    is_complex = bool(complex)
    ctype = np.complex128 if is_complex else np.float64
    rng = np.random.default_rng(random_state)
    shapes = [tuple(int(v) for v in s) for s in factor_shapes]
    I = len(shapes)
    ks = np.broadcast_to(np.asarray(n_nonzero, dtype=int), (I,))

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
    sigma2 = float(np.sum(np.abs(signal) ** 2) / M / 10 ** (snr_db / 10))
    noise = draw(M) * np.sqrt(sigma2)
    return factors, signal + noise, x, sigma2
