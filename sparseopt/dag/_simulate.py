"""Random DAGs and linear structural equation models (no global random state)."""

import numpy as np

from ..utils import (
    check_choice,
    check_positive_int,
    check_real_array,
    check_seed,
)
from ._acyclicity import _kahn

NOISES = ("gauss", "exp", "gumbel", "laplace", "uniform")


def _noise_scales(noise_scale, d):
    """Finite scales >= 0: a scalar or one per node (``noise_scale``), as a (d,) array."""
    scale = check_real_array("noise_scale", noise_scale)
    if scale.ndim > 1 or (scale.ndim == 1 and scale.shape != (d,)):
        raise ValueError(f"noise_scale must be a scalar or of shape ({d},), got shape "
                         f"{scale.shape}.")
    if np.any(scale < 0):
        raise ValueError("noise_scale must be >= 0.")
    return np.broadcast_to(scale, (d,)).copy()


def _interval(name, value, *, low=None):
    """A pair (lo, hi) of finite floats with lo <= hi (and lo >= ``low``)."""
    arr = check_real_array(name, value)
    if arr.shape != (2,) or arr[0] > arr[1] or (low is not None and arr[0] < low):
        bound = "" if low is None else f" and low >= {low}"
        raise ValueError(f"{name} must be a pair (low, high) with low <= high{bound}, got "
                         f"{value!r}.")
    return float(arr[0]), float(arr[1])


def simulate_dag(d, n_edges, graph_type="ER", *, random_state=None):
    """Random DAG adjacency (``B[i, j] = 1`` means i -> j).

    Parameters
    ----------
    d : int
    n_edges : int
        'ERk' / 'SFk' graphs have ``n_edges = k d``.
    graph_type : {'ER', 'SF'}
        'ER': exactly ``n_edges`` node pairs uniformly without replacement, oriented along a random
        permutation. 'SF': Barabasi-Albert with ``m = max(1, round(n_edges / d))`` edges per new
        node pointing to earlier nodes chosen proportionally to in-degree + 1, then permuted.
    random_state : None, int or Generator

    Returns
    -------
    B : ndarray of shape (d, d), values in {0, 1}

    Examples
    --------
    >>> from sparseopt.dag import simulate_dag
    >>> int(simulate_dag(10, 20, random_state=0).sum())
    20
    """
    d = check_positive_int("d", d)
    n_edges = check_positive_int("n_edges", n_edges, minimum=0)
    check_choice("graph_type", graph_type, ("ER", "SF"))
    rng = check_seed(random_state)
    B = np.zeros((d, d))
    if graph_type == "ER":
        max_edges = d * (d - 1) // 2
        if n_edges > max_edges:
            raise ValueError(f"n_edges={n_edges} exceeds d(d-1)/2 = {max_edges}.")
        iu = np.triu_indices(d, 1)
        pick = rng.choice(len(iu[0]), int(n_edges), replace=False)
        B[iu[0][pick], iu[1][pick]] = 1.0
    elif graph_type == "SF":
        m = max(1, int(round(n_edges / d)))
        indeg = np.zeros(d)
        for t in range(1, d):
            k = min(t, m)
            prob = indeg[:t] + 1.0
            targets = rng.choice(t, k, replace=False, p=prob / prob.sum())
            B[t, targets] = 1.0  # new -> old: hubs collect parents
            indeg[targets] += 1
    perm = rng.permutation(d)
    return B[np.ix_(perm, perm)]


def simulate_parameter(B, w_ranges=((-2.0, -0.5), (0.5, 2.0)), *, random_state=None):
    """Edge weights: per edge a uniformly chosen range, then a uniform value in it."""
    B = check_real_array("B", B, ndim=2, square=True)
    ranges = check_real_array("w_ranges", w_ranges)
    if ranges.ndim != 2 or ranges.shape[1] != 2 or ranges.shape[0] < 1 or \
            np.any(ranges[:, 0] > ranges[:, 1]):
        raise ValueError(f"w_ranges must be a non-empty sequence of pairs (low, high) with "
                         f"low <= high, got {w_ranges!r}.")
    rng = check_seed(random_state)
    W = np.zeros(B.shape)
    S = rng.integers(len(w_ranges), size=B.shape)
    for i, (lo, hi) in enumerate(w_ranges):
        U = rng.uniform(lo, hi, size=B.shape)
        W += (B != 0) * (S == i) * U
    return W


def simulate_noise_scales(d, variance_range=(0.5, 10.0), *, random_state=None):
    """Heteroscedastic noise standard deviations ``sqrt(U(variance_range))``.

    Examples
    --------
    >>> from sparseopt.dag import simulate_noise_scales
    >>> sigma = simulate_noise_scales(4, (0.5, 10.0), random_state=0)
    >>> bool(((sigma**2 >= 0.5) & (sigma**2 <= 10.0)).all())
    True
    """
    d = check_positive_int("d", d)
    lo, hi = _interval("variance_range", variance_range, low=0.0)
    rng = check_seed(random_state)
    return np.sqrt(rng.uniform(lo, hi, d))


def simulate_linear_sem(W, n_samples, noise="gauss", *, noise_scale=1.0, random_state=None):
    """Samples of ``X = X W + Z`` (``W[i, j]`` the weight of i -> j).

    ``noise_scale`` (scalar or per node) is the noise **standard deviation** for every law:
    'gauss', 'exp' (sigma Exp(1), uncentred), 'gumbel' (scale sigma sqrt(6)/pi, uncentred),
    'laplace' (scale sigma/sqrt(2)), 'uniform' (U(-sqrt(3) sigma, sqrt(3) sigma)).

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.dag import simulate_linear_sem
    >>> X = simulate_linear_sem(np.array([[0.0, 2.0], [0.0, 0.0]]), 5, random_state=0)
    >>> X.shape
    (5, 2)
    """
    W = check_real_array("W", W, ndim=2, square=True)
    d = W.shape[0]
    scale = _noise_scales(noise_scale, d)
    n = check_positive_int("n_samples", n_samples)
    check_choice("noise", noise, NOISES)
    order = _kahn(W != 0)
    if order is None:
        raise ValueError("W must be a DAG (it has a cycle).")
    rng = check_seed(random_state)
    X = np.zeros((n, d))
    for j in order:
        s = scale[j]
        if noise == "gauss":
            z = s * rng.standard_normal(n)
        elif noise == "exp":
            z = s * rng.exponential(1.0, n)
        elif noise == "gumbel":
            z = rng.gumbel(0.0, s * np.sqrt(6.0) / np.pi, n)
        elif noise == "laplace":
            z = rng.laplace(0.0, s / np.sqrt(2.0), n)
        else:  # "uniform"
            z = rng.uniform(-np.sqrt(3.0) * s, np.sqrt(3.0) * s, n)
        X[:, j] = X @ W[:, j] + z
    return X


def linear_sem_covariance(W, noise_scale=1.0):
    """Population covariance ``(I - W)^{-T} diag(sigma^2) (I - W)^{-1}``.

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.dag import linear_sem_covariance
    >>> linear_sem_covariance(np.array([[0.0, 2.0], [0.0, 0.0]]), 1.0).tolist()
    [[1.0, 2.0], [2.0, 5.0]]
    """
    W = check_real_array("W", W, ndim=2, square=True)
    d = W.shape[0]
    s2 = _noise_scales(noise_scale, d) ** 2
    try:
        Ainv = np.linalg.inv(np.eye(d) - W)
    except np.linalg.LinAlgError:
        raise ValueError("I - W is singular: W defines no linear SEM.") from None
    return Ainv.T @ np.diag(s2) @ Ainv
