"""IRS-assisted MIMO uplink: array responses, angular dictionaries, the sparse Kronecker model."""

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from ..operators import KroneckerOperator
from ..utils import (
    as_numeric,
    check_complex_array,
    check_positive_int,
    check_real,
    check_real_array,
    check_seed,
    db_to_ratio,
    power_of_two_scale,
)

_MAX_REDRAWS = 1000


def array_response(n_antennas, f):
    """ULA response ``N^{-1/2} exp(j pi f [0..N-1])`` for spatial frequencies ``f`` (columns).

    ``n_antennas`` is an int >= 1; ``f`` a finite real scalar or 1-D array.
    """
    return _array_response(n_antennas, f)


def _array_response(n_antennas, f, names=("n_antennas", "f")):
    n_antennas = check_positive_int(names[0], n_antennas)
    f = np.atleast_1d(check_real_array(names[1], f, min_size=0))
    if f.ndim != 1:
        raise ValueError(f"{names[1]} must be a scalar or a 1-D array of spatial frequencies, "
                         f"got shape {f.shape}.")
    n = np.arange(n_antennas)[:, None]
    return np.exp(1j * np.pi * n * f[None, :]) / np.sqrt(n_antennas)


def upa_response(shape, f_1, f_2):
    """Uniform planar array response: the Kronecker product of two ULA responses.

    ``shape = (N_1, N_2)`` elements; ``f_1``, ``f_2`` the spatial frequencies along each axis
    (same length); returns ``(N_1 N_2, len(f_1))`` unit-norm columns.
    """
    try:
        n1, n2 = shape
    except (TypeError, ValueError):
        raise TypeError(f"shape must be a pair (N_1, N_2) of ints >= 1, got {shape!r}.") from None
    shape = (check_positive_int("shape", n1), check_positive_int("shape", n2))
    a1 = _array_response(shape[0], f_1, ("shape", "f_1"))
    a2 = _array_response(shape[1], f_2, ("shape", "f_2"))
    if a1.shape[1] != a2.shape[1]:
        raise ValueError("f_1 and f_2 must have the same length.")
    return np.einsum("ik,jk->ijk", a1, a2).reshape(shape[0] * shape[1], -1)


def angular_dictionary(n_antennas, n_grid):
    """Array responses on the grid ``f_g = 2g/G - 1``, g = 0..G-1 (shape ``(N, G)``)."""
    n_grid = check_positive_int("n_grid", n_grid)
    return array_response(n_antennas, 2.0 * np.arange(n_grid) / n_grid - 1.0)


def qpsk_pilots(n_tx, n_pilots, rng):
    """QPSK pilot matrix ``(+-1 +- j)/sqrt(2) / sqrt(n_tx)`` of shape ``(n_tx, n_pilots)``.

    ``rng`` is a numpy Generator or RandomState (used as is), or a seed (None, an int >= 0, a
    SeedSequence).
    """
    n_tx = check_positive_int("n_tx", n_tx)
    n_pilots = check_positive_int("n_pilots", n_pilots)
    if not isinstance(rng, np.random.Generator | np.random.RandomState):
        rng = check_seed(rng, "rng")
    re = rng.choice([-1.0, 1.0], (n_tx, n_pilots))
    im = rng.choice([-1.0, 1.0], (n_tx, n_pilots))
    return (re + 1j * im) / np.sqrt(2.0) / np.sqrt(n_tx)


def _check_channels(h_est, h_true, names=("h_est", "h_true")):
    """Two finite, non-empty real or complex arrays of the same shape ``(..., N_r, N_t)``."""
    arrays = []
    for name, h in zip(names, (h_est, h_true), strict=True):
        if sp.issparse(h):
            raise TypeError(f"{name} must be a dense array, got a sparse matrix.")
        h = as_numeric(h, name)
        if h.ndim < 2:
            raise ValueError(f"{name} must have shape (K, N_r, N_t) or (N_r, N_t), got "
                             f"{h.shape}.")
        if h.size == 0:
            raise ValueError(f"{name} is empty (shape {h.shape}).")
        if not np.all(np.isfinite(h)):
            raise ValueError(f"{name} contains NaN or infinity.")
        arrays.append(h)
    if arrays[0].shape != arrays[1].shape:
        raise ValueError(f"{names[0]} and {names[1]} must have the same shape (K, N_r, N_t) or "
                         f"(N_r, N_t); got {arrays[0].shape} and {arrays[1].shape}.")
    return arrays


def _nmse(h_est, h_true, names=("h_est", "h_true")):
    h_est, h_true = _check_channels(h_est, h_true, names)
    # each configuration divided by a power of two near its size: exact, and no squares
    # under- or overflow
    c = power_of_two_scale(h_true, axis=(-2, -1))
    num = np.sum(np.abs((h_est - h_true) / c) ** 2, axis=(-2, -1))
    den = np.sum(np.abs(h_true / c) ** 2, axis=(-2, -1))
    if np.any(den == 0):
        raise ValueError(f"{names[1]} has a configuration with zero energy: the NMSE is "
                         "undefined.")
    return float(np.mean(num / den))


def nmse(h_est, h_true):
    """Mean over configurations of ``||H_k_est - H_k||_F^2 / ||H_k||_F^2`` (linear).

    ``h_est`` and ``h_true`` are finite arrays of the same shape, ``(K, N_r, N_t)`` or
    ``(N_r, N_t)``, and no configuration of ``h_true`` is zero. The ratio is computed on
    copies scaled by powers of two, so it does not depend on the scale of the channels.
    """
    return _nmse(h_est, h_true)


def nmse_db(h_est, h_true):
    """:func:`nmse` in dB (``-inf`` for a perfect estimate)."""
    with np.errstate(divide="ignore"):
        return float(10.0 * np.log10(nmse(h_est, h_true)))


def ser_qpsk(h_est, h_true, snr_db, n_symbols=100_000, rng=None):
    """QPSK symbol error rate of rank-1 beamforming designed from estimated channels.

    For each configuration ``k``: the top singular pair ``(u_1, v_1)`` of ``H_k_est`` gives the
    receive/transmit beams; unit-modulus QPSK symbols ``s`` go through the true effective gain
    ``g = u_1^H H_k v_1`` with complex Gaussian noise of variance ``|g|^2 / SNR`` (``snr_db`` is
    the post-beamforming SNR with perfect beams); each received ``r = g s + w`` is detected as
    the symbol ``s'`` nearest to it under the estimated gain ``g_est = u_1^H H_k_est v_1``
    (i.e. ``argmin |r - g_est s'|``). Errors come from noise and from the gain's phase and
    amplitude error, so a failed channel estimate shows up as a high SER.

    Parameters
    ----------
    h_est, h_true : array-like of shape (K, N_r, N_t) or (N_r, N_t)
        Estimated and true channels.
    snr_db : float
    n_symbols : int, default=100_000
        Symbols per configuration.
    rng : None, int or numpy.random.Generator
        Symbols and noise.

    Returns
    -------
    ser : float
        Symbol error rate averaged over symbols and configurations.

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.channels import ser_qpsk
    >>> rng = np.random.default_rng(0)
    >>> H = rng.standard_normal((2, 4, 3)) + 1j * rng.standard_normal((2, 4, 3))
    >>> ser_qpsk(H, H, snr_db=30, n_symbols=1000, rng=0)  # perfect estimate, high SNR
    0.0
    >>> ser_qpsk(-H, H, snr_db=30, n_symbols=1000, rng=0)  # a sign flip loses every symbol
    1.0
    """
    h_est, h_true = _check_channels(h_est, h_true)
    if h_true.ndim not in (2, 3):
        raise ValueError(f"h_est and h_true must have the same shape (K, N_r, N_t) or (N_r, N_t); "
                         f"got {h_est.shape} and {h_true.shape}.")
    snr_db = check_real("snr_db", snr_db, allow_inf=True)
    if snr_db == -np.inf:
        raise ValueError("snr_db must be a real number or +inf (no noise), got -inf.")
    n_symbols = check_positive_int("n_symbols", n_symbols)
    if h_true.ndim == 2:
        h_est, h_true = h_est[None], h_true[None]
    # both channels of a configuration divided by the same power of two: the SER does not
    # change, and |g|^2 below cannot overflow
    c = power_of_two_scale(h_true, axis=(-2, -1))
    h_est, h_true = h_est / c, h_true / c
    rng = check_seed(rng, "rng")
    constellation = np.array([1 + 1j, -1 + 1j, -1 - 1j, 1 - 1j]) / np.sqrt(2.0)
    snr = db_to_ratio(snr_db)
    if snr == 0:
        raise ValueError(f"snr_db={snr_db} is below the float range (the noise is infinite).")
    errors = 0
    for He, Ht in zip(h_est, h_true, strict=True):
        U, _, Vh = np.linalg.svd(He)
        u, v = U[:, 0], Vh[0].conj()
        g_est = u.conj() @ He @ v
        g = u.conj() @ Ht @ v
        idx = rng.integers(0, 4, n_symbols)
        s = constellation[idx]
        w = np.sqrt(np.abs(g) ** 2 / snr / 2.0) * (rng.standard_normal(n_symbols)
                                                    + 1j * rng.standard_normal(n_symbols))
        r = g * s + w
        if g_est == 0:
            errors += n_symbols
            continue
        dist = np.abs(r[:, None] - g_est * constellation[None, :])
        errors += int(np.count_nonzero(np.argmin(dist, axis=1) != idx))
    return errors / (n_symbols * h_true.shape[0])


@dataclass
class IRSChannel:
    """One channel draw: the cascaded channels and their sparse representation."""

    cascaded: np.ndarray  # (K, N_r, N_t)
    x: np.ndarray  # (G^3,) sparse vector, C order (irs, ms, bs)
    y_clean: np.ndarray  # (K * T * N_r,)


class IRSMIMOScenario:
    r"""IRS-assisted MIMO uplink channel estimation (He and Joseph, IEEE TSP 2024, Sec. VI).

    A mobile station (``n_ms`` antennas) sends ``n_pilots`` QPSK pilots through an intelligent
    reflecting surface (``n_irs`` elements, ``n_configs`` random +-1 phase configurations) to a
    base station (``n_bs`` antennas). With angular dictionaries on a ``n_grid`` grid the stacked
    observations are

    .. math:: y = (F_1 \otimes F_2 \otimes F_3)\,x + n,

    with ``F_1`` the IRS angle-difference factor (``n_configs x G``), ``F_2 = X^T A_MS^*``
    (``n_pilots x G``), ``F_3 = A_BS`` (``n_bs x G``) and ``x`` with 9 nonzeros (a block of 3, one
    index, a block of 3). Pilots and IRS configurations are drawn once at construction.

    Parameters
    ----------
    n_ms, n_bs, n_irs, n_grid, n_paths, n_pilots, n_configs : int
    random_state : None, int or Generator

    Examples
    --------
    >>> from sparseopt.channels import IRSMIMOScenario
    >>> scn = IRSMIMOScenario(random_state=0)
    >>> y, x_true, noise_variance = scn.draw(snr_db=20, random_state=1)
    >>> scn.measurement_operator().shape, int((x_true != 0).sum())
    ((288, 5832), 9)
    """

    def __init__(self, n_ms=6, n_bs=16, n_irs=256, n_grid=18, n_paths=3, n_pilots=3,
                 n_configs=6, random_state=None):
        for name, value in (("n_ms", n_ms), ("n_bs", n_bs), ("n_irs", n_irs),
                            ("n_grid", n_grid), ("n_paths", n_paths), ("n_pilots", n_pilots),
                            ("n_configs", n_configs)):
            check_positive_int(name, value)
        if n_paths > n_grid:
            raise ValueError(f"n_paths={n_paths} must be <= n_grid={n_grid} (a cluster of "
                             "n_paths neighbouring grid angles).")
        n_ms, n_bs, n_irs, n_grid, n_paths, n_pilots, n_configs = (
            int(v) for v in (n_ms, n_bs, n_irs, n_grid, n_paths, n_pilots, n_configs))
        self.n_ms = n_ms
        self.n_bs = n_bs
        self.n_irs = n_irs
        self.n_grid = n_grid
        self.n_paths = n_paths
        self.n_pilots = n_pilots
        self.n_configs = n_configs
        self.random_state = random_state
        rng = check_seed(random_state)
        G = n_grid
        self.A_ms = angular_dictionary(n_ms, G)
        self.A_bs = angular_dictionary(n_bs, G)
        self.A_irs = angular_dictionary(n_irs, G)
        self.pilots = qpsk_pilots(n_ms, n_pilots, rng)
        self.irs_configs = rng.choice([-1.0, 1.0], (n_irs, n_configs)) / np.sqrt(n_irs)
        n = np.arange(n_irs)
        j = np.arange(G)
        E = np.exp(-2j * np.pi * np.outer(n, j) / G)  # (N_IRS, G)
        self.F1 = self.irs_configs.T @ E / n_irs
        self.F2 = self.pilots.T @ self.A_ms.conj()
        self.F3 = self.A_bs

    @property
    def coupled_factors(self):
        """Factors of the measurement operator whose supports are clustered: ``(0, 2)``.

        The IRS angle-difference factor (0) and the base-station factor (2) each carry a block
        of ``n_paths`` neighbouring grid indices (the angular spreads); the mobile-station
        factor (1) carries a single index. This is what pattern-coupled SBL should couple:
        ``KroneckerSBL("am", structure="block", coupled_factors=scn.coupled_factors)``.
        """
        return (0, 2)

    @property
    def shape(self):
        """``(M, N)`` of the measurement operator."""
        return (self.n_configs * self.n_pilots * self.n_bs, self.n_grid**3)

    def measurement_operator(self):
        """The ``KroneckerOperator([F_1, F_2, F_3])``."""
        return KroneckerOperator([self.F1, self.F2, self.F3])

    def draw_channel(self, rng):
        """One channel: angles, clusters and complex gains; returns an :class:`IRSChannel`."""
        rng = check_seed(rng, "rng")
        G, L = self.n_grid, self.n_paths
        grid = 2.0 * np.arange(G) / G - 1.0
        for _ in range(_MAX_REDRAWS):
            m, d = rng.integers(G), rng.integers(G)
            a, b = rng.integers(G - L + 1), rng.integers(G - L + 1)
            cl_a, cl_b = np.arange(a, a + L), np.arange(b, b + L)
            alpha_a = (rng.standard_normal(L) + 1j * rng.standard_normal(L)) / np.sqrt(2)
            alpha_2 = (rng.standard_normal(L) + 1j * rng.standard_normal(L)) / np.sqrt(2)
            H1 = np.sqrt(self.n_ms * self.n_irs / L) * (self.A_irs[:, cl_a] @ alpha_a)[:, None] \
                * array_response(self.n_ms, grid[m]).conj().T
            H2 = np.sqrt(self.n_bs * self.n_irs / L) * (self.A_bs[:, cl_b] @ alpha_2)[:, None] \
                * array_response(self.n_irs, grid[d]).conj().T
            Hk = np.stack([H2 @ (self.irs_configs[:, k][:, None] * H1)
                           for k in range(self.n_configs)])
            if np.all(np.linalg.norm(Hk, axis=(1, 2)) >= 1e-5):
                break
        else:
            raise RuntimeError(f"no channel with every cascaded channel norm >= 1e-5 in "
                               f"{_MAX_REDRAWS} draws; the IRS configurations cancel the "
                               "channel (try another random_state).")
        c = self.n_irs * np.sqrt(self.n_ms * self.n_bs) / L
        x_irs = np.zeros(G, dtype=complex)
        x_irs[(d - cl_a) % G] = alpha_a
        e_m = np.zeros(G)
        e_m[m] = 1.0
        x_bs = np.zeros(G, dtype=complex)
        x_bs[cl_b] = alpha_2
        x = c * np.kron(np.kron(x_irs, e_m), x_bs)
        Y = np.einsum("krn,nt->ktr", Hk, self.pilots)  # y[k, t, r] = (H_k X)[r, t]
        return IRSChannel(cascaded=Hk, x=x, y_clean=Y.ravel())

    def observe(self, channel, snr_db, rng):
        """Noisy observations at ``snr_db`` (per-measurement SNR): ``(y, noise_variance)``."""
        rng = check_seed(rng, "rng")
        snr_db = check_real("snr_db", snr_db)
        if not hasattr(channel, "y_clean"):
            raise TypeError(f"channel must be an IRSChannel (from draw_channel), got "
                            f"{type(channel).__name__}.")
        y_clean = check_complex_array(channel.y_clean, "channel.y_clean", ndim=1)
        M = y_clean.size
        with np.errstate(over="ignore", under="ignore", divide="ignore"):
            sigma2 = float(np.sum(np.abs(y_clean) ** 2) / M / db_to_ratio(snr_db))
        if not np.isfinite(sigma2):
            raise ValueError(f"snr_db={snr_db} is too low for this channel: the noise variance "
                             "is not finite.")
        noise = np.sqrt(sigma2 / 2) * (rng.standard_normal(M) + 1j * rng.standard_normal(M))
        return channel.y_clean + noise, sigma2

    def draw(self, snr_db=20.0, random_state=None):
        """One trial: ``(y, x_true, noise_variance)``."""
        check_real("snr_db", snr_db)
        rng = check_seed(random_state)
        ch = self.draw_channel(rng)
        y, sigma2 = self.observe(ch, snr_db, rng)
        return y, ch.x, sigma2

    def cascaded_channels(self, x):
        """Cascaded channels ``H_k = A_BS Z_k^T A_MS^H`` rebuilt from a sparse vector ``x``.

        ``x`` is a finite vector of ``n_grid**3`` entries.
        """
        return self._cascaded(x, "x")

    def _cascaded(self, x, name):
        G = self.n_grid
        x = check_complex_array(x, name, ndim=1)
        if x.size != G**3:
            raise ValueError(f"{name} must have n_grid**3 = {G**3} entries, got {x.size}.")
        X = x.reshape(G, G, G)
        Z = np.einsum("kj,jmb->kmb", self.F1, X)
        return np.einsum("rb,kmb,tm->krt", self.A_bs, Z, self.A_ms.conj())

    def nmse(self, x_est, x_true):
        """Linear NMSE of the cascaded channels rebuilt from two sparse vectors."""
        return _nmse(self._cascaded(x_est, "x_est"), self._cascaded(x_true, "x_true"),
                     names=("x_est", "x_true"))

    def nmse_db(self, x_est, x_true):
        """:meth:`nmse` in dB (``-inf`` for a perfect estimate)."""
        with np.errstate(divide="ignore"):
            return float(10.0 * np.log10(self.nmse(x_est, x_true)))

    def ser_qpsk(self, x_est, x_true, snr_db, n_symbols=100_000, rng=None):
        """:func:`ser_qpsk` of the cascaded channels rebuilt from two sparse vectors."""
        return ser_qpsk(self._cascaded(x_est, "x_est"), self._cascaded(x_true, "x_true"), snr_db,
                        n_symbols=n_symbols, rng=rng)
