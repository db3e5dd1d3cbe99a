"""Synthetic multi-task linear problems with a certified sparse relevance vector."""

from dataclasses import dataclass

import numpy as np

from ..utils import check_positive_int, check_real, check_seed

_MAX_REDRAWS = 10_000


@dataclass
class MultiTaskProblem:
    """A generated problem: ground truth, target data, and samplers for the sources.

    Attributes
    ----------
    components : ndarray (d, k)
        Orthonormal shared representation ``B*``.
    task_heads : ndarray (k, T)
        Source heads ``W*``.
    target_head : ndarray (k,)
        ``w_0 = W* nu``, unit norm.
    relevance : ndarray (T,)
        ``nu^1`` (unique, support ``relevant_tasks``).
    relevant_tasks : ndarray of int
    nu2 : ndarray (T,)
        Minimum-norm relevance ``pinv(W*) w_0``.
    X_target, y_target : ndarrays
    noise : float
        Source noise standard deviation.
    """

    components: np.ndarray
    task_heads: np.ndarray
    target_head: np.ndarray
    relevance: np.ndarray
    relevant_tasks: np.ndarray
    nu2: np.ndarray
    X_target: np.ndarray
    y_target: np.ndarray
    noise: float

    @property
    def n_tasks(self):
        """Number of source tasks."""
        return self.task_heads.shape[1]

    def sample(self, t, n, rng):
        """``n`` samples ``(X, y)`` of source task ``t`` (the sampler callback)."""
        d = self.components.shape[0]
        X = rng.standard_normal((int(n), d))
        theta = self.components @ self.task_heads[:, t]
        return X, X @ theta + self.noise * rng.standard_normal(int(n))

    def pools(self, n_per_task, rng):
        """Pre-collected pools: a list of ``(X_t, y_t)`` with ``n_per_task`` rows each."""
        return [self.sample(t, n_per_task, rng) for t in range(self.n_tasks)]

    def excess_risk(self, coef):
        """``||coef - theta_0||^2`` (isotropic features)."""
        theta0 = self.components @ self.target_head
        return float(np.sum((np.asarray(coef) - theta0) ** 2))

    def representation_error(self, B):
        """``||(I - B B^+) theta_0||^2``: target energy outside the span of ``B``."""
        theta0 = self.components @ self.target_head
        Q, _ = np.linalg.qr(np.asarray(B))
        r = theta0 - Q @ (Q.T @ theta0)
        return float(r @ r)


def make_active_multitask(n_features=50, n_components=5, n_tasks=100, n_relevant=5, rho=0.3,
                          noise=0.5, target_noise=0.25, n_target=20, max_cond=5.0,
                          random_state=None):
    """Sources sharing a linear representation; the target needs exactly ``n_relevant`` of them.

    The relevant heads are built with a dual certificate (Fuchs): every other head has
    correlation at most ``rho < 1`` with it, so the l1-minimal relevance ``nu^1`` is unique and
    equals the generating vector, with support ``relevant_tasks``.

    Parameters
    ----------
    n_features, n_components, n_tasks, n_relevant : int
    rho : float in [0, 1)
    noise, target_noise : float
        Noise standard deviations of the sources and of the target.
    n_target : int
        Target samples.
    max_cond : float
        Redraw the relevant heads until their condition number is below this.
    random_state : None, int or Generator

    Returns
    -------
    MultiTaskProblem

    Examples
    --------
    >>> from sparseopt.datasets import make_active_multitask
    >>> prob = make_active_multitask(random_state=0)
    >>> len(prob.relevant_tasks), prob.X_target.shape
    (5, (20, 50))
    """
    d = check_positive_int("n_features", n_features)
    k = check_positive_int("n_components", n_components)
    T = check_positive_int("n_tasks", n_tasks)
    s = check_positive_int("n_relevant", n_relevant)
    n_target = check_positive_int("n_target", n_target)
    rho = check_real("rho", rho, low=0.0, high=1.0, high_inclusive=False)
    noise = check_real("noise", noise, low=0.0)
    target_noise = check_real("target_noise", target_noise, low=0.0)
    max_cond = check_real("max_cond", max_cond, low=1.0, low_inclusive=False)
    if k > d:
        raise ValueError(f"n_components={k} must be <= n_features={d}.")
    if s > k:
        raise ValueError(f"n_relevant={s} must be <= n_components={k}.")
    if T < k:
        raise ValueError(f"n_tasks={T} must be >= n_components={k}.")
    rng = check_seed(random_state)
    B, _ = np.linalg.qr(rng.standard_normal((d, k)))
    S = np.sort(rng.choice(T, s, replace=False))
    for _ in range(_MAX_REDRAWS):
        WS = rng.standard_normal((k, s))
        WS /= np.linalg.norm(WS, axis=0)
        if np.linalg.cond(WS) < max_cond:
            break
    else:
        raise ValueError(f"no {k} x {s} set of relevant heads with condition number below "
                         f"max_cond={max_cond} in {_MAX_REDRAWS} draws: raise max_cond.")
    nu_S = rng.uniform(0.5, 1.5, s)
    y_cert = np.linalg.pinv(WS.T) @ np.sign(nu_S)
    y_hat = y_cert / np.linalg.norm(y_cert)
    W = np.empty((k, T))
    for t in range(T):
        w = rng.standard_normal(k)
        w /= np.linalg.norm(w)
        corr = float(w @ y_cert)
        if abs(corr) > rho:
            w = w - (corr - np.sign(corr) * rho) / np.linalg.norm(y_cert) * y_hat
        W[:, t] = w
    W[:, S] = WS
    w0 = WS @ nu_S
    scale = np.linalg.norm(w0)
    w0 /= scale
    nu = np.zeros(T)
    nu[S] = nu_S / scale
    # Fuchs' condition: W_S injective, W_S^T y = sign(nu_S) and |w_t^T y| <= rho < 1 elsewhere
    # make nu the unique l1-minimal solution of W nu = w0.
    others = np.setdiff1d(np.arange(T), S)
    if not (np.allclose(WS.T @ y_cert, np.sign(nu_S), atol=1e-8)
            and np.all(np.abs(W[:, others].T @ y_cert) <= rho + 1e-12)):
        raise RuntimeError("the certificate failed: nu^1 may differ from the generating vector.")
    X0 = rng.standard_normal((int(n_target), d))
    y0 = X0 @ (B @ w0) + target_noise * rng.standard_normal(int(n_target))
    return MultiTaskProblem(components=B, task_heads=W, target_head=w0, relevance=nu,
                            relevant_tasks=S, nu2=np.linalg.pinv(W) @ w0, X_target=X0,
                            y_target=y0, noise=float(noise))


#: An alias of :func:`make_active_multitask`.
make_multitask_linear = make_active_multitask
