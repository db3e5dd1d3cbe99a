"""DAGMA's central path with Adam inner steps and closed-form noise-scale updates (CoLiDE)."""

import warnings
from dataclasses import dataclass, field

import numpy as np
import scipy.linalg
from sklearn.exceptions import ConvergenceWarning

from ..utils import progress
from ._params import check_covariance, check_path_params
from ._scores import get_score

DAGMA_DEFAULTS = dict(alpha=0.02, n_stages=5, s=(1.0, 0.9, 0.8, 0.7, 0.6), warm_iter=30_000,
                      max_iter=60_000, mu_init=1.0, mu_factor=0.1, learning_rate=3e-4,
                      beta1=0.99, beta2=0.999, tol=1e-6, check_every=1000)


@dataclass
class DagPathResult:
    """Outcome of :func:`colide_solve`."""

    coef: np.ndarray
    noise_scale: object
    acyclicity: float
    n_iter: int
    converged: bool
    history: dict = field(default_factory=dict)


class _NumpySteps:
    """Adam steps of one stage in NumPy: the reference implementation of the inner loop.

    Same contract as the compiled :class:`._kernels.KernelSteps`: :meth:`run` advances the
    steps ``k0 + 1 .. k0 + n_steps`` and returns ``(status, k, lr)``, status 0 ok, 1 failure
    (the step left the log-det domain at the first step or with ``s <= 0.9``: the caller
    retries the stage), 2 stop (learning-rate underflow while backtracking).
    """

    def __init__(self, C, W, sigma, score, mu, alpha, s, beta1, beta2, floor, delta):
        d = C.shape[0]
        self.C, self.score, self.mu, self.alpha, self.s = C, score, mu, alpha, s
        self.beta1, self.beta2, self.floor, self.delta = beta1, beta2, floor, delta
        self.I = np.eye(d)
        self.W = W.copy()
        self.sigma = sigma
        self.m = np.zeros((d, d))
        self.v = np.zeros((d, d))
        self.g = np.zeros((d, d))

    def _inverse(self):
        return scipy.linalg.inv(self.s * self.I - self.W * self.W)

    def run(self, k0, n_steps, lr):
        C, score, mu, s, delta = self.C, self.score, self.mu, self.s, self.delta
        beta1, beta2 = self.beta1, self.beta2
        k = k0
        for _ in range(n_steps):
            k += 1
            P = self._inverse()
            while np.any(P + 1e-16 < -delta):
                if k == 1 or s <= 0.9:
                    return 1, k, lr
                self.W = self.W + lr * self.g  # undo the last step, retry it with half the rate
                lr = lr / 2
                if lr <= 1e-16:
                    return 2, k, lr
                self.W = self.W - lr * self.g
                self.sigma = score.sigma_hat(C, self.W, self.floor)
                P = self._inverse()
            W = self.W
            G = score.grad(C, W, self.sigma, mu) + mu * self.alpha * np.sign(W) + \
                2 * W * (P + 1e-16).T
            self.m = self.m * beta1 + (1 - beta1) * G
            self.v = self.v * beta2 + (1 - beta2) * (G**2)
            mhat = self.m / (1 - beta1**k)
            vhat = self.v / (1 - beta2**k)
            self.g = mhat / (np.sqrt(vhat) + 1e-8)
            self.W = W - lr * self.g
            self.sigma = score.sigma_hat(C, self.W, self.floor)
        return 0, k, lr


def _stage(C, W, sigma, score, mu, alpha, s, K, lr, beta1, beta2, tol, check, floor, delta,
           backend):
    """One stage: up to K Adam steps, stopping on the relative change of the stage objective.

    Returns ``(W, sigma, ok, n_steps, lr, rel_change, objective)``; ``ok`` is False when the
    stage must be retried (it left the log-det domain).
    """
    if backend == "numba":
        from ._kernels import KernelSteps

        steps = KernelSteps(C, W, sigma, score, mu, alpha, s, beta1, beta2, floor, delta)
    else:
        steps = _NumpySteps(C, W, sigma, score, mu, alpha, s, beta1, beta2, floor, delta)
    f_prev, rel, f, k = 1e16, np.inf, np.nan, 0
    while k < K:
        status, k, lr = steps.run(k, min(check - (k % check), K - k), lr)
        if status != 0:
            return steps.W, steps.sigma, status == 2, k, lr, rel, f
        if k % check == 0 or k == K:
            f, _, _ = score.path_objective(C, steps.W, steps.sigma, mu, alpha, s)
            rel = abs(f_prev - f) / abs(f_prev)
            if rel <= tol:
                break
            f_prev = f
    return steps.W, steps.sigma, True, k, lr, rel, f


def colide_solve(cov, *, variance="equal", alpha=0.05, n_stages=4, mu_init=1.0, mu_factor=0.1,
                 s=(1.0, 0.9, 0.8, 0.7), warm_iter=20_000, max_iter=70_000,
                 learning_rate=3e-4, beta1=0.99, beta2=0.999, tol=1e-6, check_every=1000,
                 noise_scale_min=None, domain_slack=None, max_retries=20, backend="auto",
                 verbose=0):
    """Minimise ``mu_t [S(W, sigma) + alpha ||W||_1] + h_{s_t}(W)`` along DAGMA's central path.

    Parameters
    ----------
    cov : ndarray of shape (d, d)
        ``C = Xc^T Xc / n`` (or a population covariance).
    variance : {'equal', 'nonequal', 'fixed'}
        CoLiDE-EV, CoLiDE-NV, or DAGMA's least squares (sigma held at 1).
    domain_slack : float or None, default=None
        Margin kept inside the log-det domain ``s I - W o W`` positive definite; None: 0 for
        'fixed' (DAGMA's own rule, bit-identical to the dagma package) and 1e-6 for the
        concomitant scores.
    backend : {'auto', 'numpy', 'numba'}
        'numpy' is the reference path; 'auto' picks 'numba' (fused inner loop).
    verbose : int, default=0
        >= 1: progress over the stages, one report per stage (a tqdm progress bar).
    Other parameters
        As in :class:`sparseopt.dag.CoLiDE`.

    Returns
    -------
    DagPathResult
        ``coef`` (raw weights, ``coef[i, j]`` for i -> j), ``noise_scale`` (float, (d,) array
        or 1.0), ``acyclicity`` (``-log det(I - coef o coef)``), ``n_iter`` (Adam steps),
        ``converged`` and the per-stage ``history``.

    Warns
    -----
    ConvergenceWarning
        When the last stage uses all its ``max_iter`` steps before the relative change of
        the stage objective falls to ``tol``, or a stage leaves the log-det domain more than
        ``max_retries`` times (the message names ``max_iter`` and ``tol``).

    Notes
    -----
    Stage ``t`` takes Adam steps on ``mu_t [S(W, sigma) + alpha ||W||_1] + h_{s_t}(W)``, each
    followed by the exact minimisation of the score over the noise scale(s); ``mu`` shrinks by
    ``mu_factor`` between stages. A stage that leaves the domain ``rho(W o W) < s`` is
    restarted with half the learning rate and ``s + 0.1``.

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.dag import colide_solve, linear_sem_covariance
    >>> W = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, -1.5], [0.0, 0.0, 0.0]])
    >>> res = colide_solve(linear_sem_covariance(W), warm_iter=5000, max_iter=10000)
    >>> (np.abs(res.coef) > 0.3).astype(int).tolist(), round(res.noise_scale, 1)
    ([[0, 1, 0], [0, 0, 1], [0, 0, 0]], 1.0)
    """
    C = check_covariance(cov)
    d = C.shape[0]
    p = check_path_params(
        variance=variance, alpha=alpha, n_stages=n_stages, mu_init=mu_init,
        mu_factor=mu_factor, s=s, warm_iter=warm_iter, max_iter=max_iter,
        learning_rate=learning_rate, beta1=beta1, beta2=beta2, tol=tol, check_every=check_every,
        noise_scale_min=noise_scale_min, d=d, domain_slack=domain_slack,
        max_retries=max_retries, backend=backend, verbose=verbose)
    variance, alpha, n_stages, s = p["variance"], p["alpha"], p["n_stages"], p["s"]
    warm_iter, max_iter, check_every = p["warm_iter"], p["max_iter"], p["check_every"]
    mu_init, mu_factor, learning_rate = p["mu_init"], p["mu_factor"], p["learning_rate"]
    beta1, beta2, tol, max_retries = p["beta1"], p["beta2"], p["tol"], p["max_retries"]
    noise_scale_min, domain_slack, verbose = p["noise_scale_min"], p["domain_slack"], p["verbose"]
    backend = "numba" if p["backend"] == "auto" else p["backend"]
    score = get_score(variance)
    if domain_slack is None:
        domain_slack = score.domain_slack
    s_list = list(s)[:n_stages]
    s_list += [s_list[-1]] * (n_stages - len(s_list))
    if noise_scale_min is None and score.estimates_scale and not np.trace(C) > 0:
        raise ValueError("cov is zero (every variable is constant): the noise scale cannot be "
                         "estimated; pass noise_scale_min > 0 or variance='fixed'.")
    floor = score.floor(C, noise_scale_min)
    W = np.zeros((d, d))
    sigma = score.sigma_hat(C, W, floor)
    mu = float(mu_init)
    hist = {k: [] for k in ("mu", "s", "lr", "n_iter", "retries", "objective", "score", "h",
                            "rel_change", "converged")}
    n_total = 0
    converged = True
    problems = []
    report = progress(total=n_stages, desc=f"CoLiDE ({variance})", verbose=verbose)
    for t in range(n_stages):
        K = max_iter if t == n_stages - 1 else warm_iter
        lr = float(learning_rate)
        s_t = s_list[t]
        retries = 0
        steps = 0
        while True:
            W_new, sig_new, ok, k, lr_out, rel, _ = _stage(
                C, W, sigma, score, mu, alpha, s_t, K, lr, beta1, beta2, tol, check_every,
                floor, domain_slack, backend)
            steps += k
            if ok:
                break
            retries += 1
            if retries > max_retries:
                problems.append(f"stage {t} left the log-det domain more than "
                                f"max_retries={max_retries} times and kept its start")
                W_new, sig_new, rel = W, sigma, np.inf
                converged = False
                break
            lr /= 2
            s_t += 0.1
        W, sigma = W_new, sig_new
        n_total += steps
        stage_conv = bool(rel <= tol)
        if t == n_stages - 1 and not stage_conv:
            converged = False
            problems.append("the last stage used all its max_iter steps before the relative "
                            "change of the objective fell to tol")
        f_val, sc, h = score.path_objective(C, W, sigma, mu, alpha, s_t)
        for key, val in (("mu", mu), ("s", s_t), ("lr", lr_out), ("n_iter", steps),
                         ("retries", retries), ("objective", f_val), ("score", sc), ("h", h),
                         ("rel_change", rel), ("converged", stage_conv)):
            hist[key].append(val)
        report.update(mu=mu, s=s_t, steps=steps, h=h, score=sc, retries=retries)
        mu *= mu_factor
    report.close()
    if problems:
        warnings.warn(f"The central path did not converge (max_iter={max_iter}, tol={tol}): "
                      f"{'; '.join(problems)}.", ConvergenceWarning, stacklevel=2)
    sign, logdet = np.linalg.slogdet(np.eye(d) - W * W)
    return DagPathResult(coef=W, noise_scale=sigma, acyclicity=float(-logdet), n_iter=n_total,
                         converged=converged,
                         history={k: np.asarray(v) for k, v in hist.items()})
