"""Random DAGs and linear structural equation models (no global random state)."""

import numpy as np

from ._acyclicity import is_dag


def _rng(random_state):
    return np.random.default_rng(random_state)


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
    rng = _rng(random_state)
    d = int(d)
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
    else:
        raise ValueError(f"graph_type={graph_type!r}: expected 'ER' or 'SF'.")
    perm = rng.permutation(d)
    return B[np.ix_(perm, perm)]


def simulate_parameter(B, w_ranges=((-2.0, -0.5), (0.5, 2.0)), *, random_state=None):
    """Edge weights: per edge a uniformly chosen range, then a uniform value in it."""
    rng = _rng(random_state)
    B = np.asarray(B)
    W = np.zeros(B.shape)
    S = rng.integers(len(w_ranges), size=B.shape)
    for i, (lo, hi) in enumerate(w_ranges):
        U = rng.uniform(lo, hi, size=B.shape)
        W += (B != 0) * (S == i) * U
    return W


def simulate_noise_scales(d, variance_range=(0.5, 10.0), *, random_state=None):
    """Heteroscedastic noise standard deviations ``sqrt(U(variance_range))``."""
    rng = _rng(random_state)
    return np.sqrt(rng.uniform(variance_range[0], variance_range[1], int(d)))


def _topological_order(W):
    B = np.asarray(W) != 0
    d = B.shape[0]
    indeg = B.sum(axis=0).astype(np.int64)
    stack = sorted(np.flatnonzero(indeg == 0).tolist(), reverse=True)
    order = []
    while stack:
        i = stack.pop()
        order.append(i)
        for j in np.flatnonzero(B[i]):
            indeg[j] -= 1
            if indeg[j] == 0:
                stack.append(j)
    if len(order) != d:
        raise ValueError("W must be a DAG (it has a cycle).")
    return order


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
    W = np.asarray(W, dtype=np.float64)
    if W.ndim != 2 or W.shape[0] != W.shape[1]:
        raise ValueError(f"W must be square, got shape {W.shape}.")
    d = W.shape[0]
    scale = np.broadcast_to(np.asarray(noise_scale, dtype=np.float64), (d,)).copy()
    if np.any(scale < 0):
        raise ValueError("noise_scale must be >= 0.")
    if not is_dag(W):
        raise ValueError("W must be a DAG (it has a cycle).")
    rng = _rng(random_state)
    n = int(n_samples)
    X = np.zeros((n, d))
    for j in _topological_order(W):
        s = scale[j]
        if noise == "gauss":
            z = s * rng.standard_normal(n)
        elif noise == "exp":
            z = s * rng.exponential(1.0, n)
        elif noise == "gumbel":
            z = rng.gumbel(0.0, s * np.sqrt(6.0) / np.pi, n)
        elif noise == "laplace":
            z = rng.laplace(0.0, s / np.sqrt(2.0), n)
        elif noise == "uniform":
            z = rng.uniform(-np.sqrt(3.0) * s, np.sqrt(3.0) * s, n)
        else:
            raise ValueError(
                f"noise={noise!r}: expected 'gauss', 'exp', 'gumbel', 'laplace' or 'uniform'.")
        X[:, j] = X @ W[:, j] + z
    return X


def linear_sem_covariance(W, noise_scale=1.0):
    """Population covariance ``(I - W)^{-T} diag(sigma^2) (I - W)^{-1}``."""
    W = np.asarray(W, dtype=np.float64)
    d = W.shape[0]
    s2 = np.broadcast_to(np.asarray(noise_scale, dtype=np.float64) ** 2, (d,))
    Ainv = np.linalg.inv(np.eye(d) - W)
    return Ainv.T @ np.diag(s2) @ Ainv
