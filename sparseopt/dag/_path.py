"""DAGMA's central path with Adam inner steps and closed-form noise-scale updates (CoLiDE)."""

import warnings
from dataclasses import dataclass, field

import numpy as np
import scipy.linalg
from sklearn.exceptions import ConvergenceWarning

from ..utils import progress
from ._objective import noise_scale_hat, score
from ._params import check_covariance, check_path_params

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


def _objective(C, W, sigma, variance, mu, lam, s):
    d = C.shape[0]
    sign, logdet = np.linalg.slogdet(s * np.eye(d) - W * W)
    h = -logdet + d * np.log(s)
    sc = score(C, W, sigma, variance)
    return mu * (sc + lam * np.abs(W).sum()) + h, sc, h


def _stage_numpy(C, W, sigma, variance, mu, lam, s, K, lr, beta1, beta2, tol, check, floor,
                 delta):
    """One stage of Adam steps; returns (W, sigma, ok, n_steps, lr, rel_change, f)."""
    d = C.shape[0]
    I = np.eye(d)
    m = np.zeros((d, d))
    v = np.zeros((d, d))
    f_prev = 1e16
    rel = np.inf
    f = np.nan
    g = np.zeros((d, d))
    W = W.copy()
    k = 0
    for k in range(1, K + 1):
        P = scipy.linalg.inv(s * I - W * W)
        while np.any(P + 1e-16 < -delta):
            if k == 1 or s <= 0.9:
                return W, sigma, False, k, lr, rel, f
            W = W + lr * g
            lr = lr / 2
            if lr <= 1e-16:
                return W, sigma, True, k, lr, rel, f
            W = W - lr * g
            sigma = noise_scale_hat(C, W, variance, floor)
            P = scipy.linalg.inv(s * I - W * W)
        # Same operation order as DAGMA 1.1.1 (sign(W) of near-zero entries makes the path
        # sensitive to rounding, so parity needs the same arithmetic, not just the same maths).
        Gs = -mu * C @ (I - W)
        if variance == "equal":
            Gs = Gs / sigma
        elif variance == "nonequal":
            Gs = Gs / sigma[None, :]
        G = Gs + mu * lam * np.sign(W) + 2 * W * (P + 1e-16).T
        m = m * beta1 + (1 - beta1) * G
        v = v * beta2 + (1 - beta2) * (G**2)
        mhat = m / (1 - beta1**k)
        vhat = v / (1 - beta2**k)
        g = mhat / (np.sqrt(vhat) + 1e-8)
        W = W - lr * g
        sigma = noise_scale_hat(C, W, variance, floor)
        if k % check == 0 or k == K:
            f, _, _ = _objective(C, W, sigma, variance, mu, lam, s)
            rel = abs(f_prev - f) / abs(f_prev)
            if rel <= tol:
                break
            f_prev = f
    return W, sigma, True, k, lr, rel, f


def _stage(C, W, sigma, variance, mu, lam, s, K, lr, beta1, beta2, tol, check, floor, delta,
           backend):
    if backend == "numba":
        from ._kernels import stage_numba

        return stage_numba(C, W, sigma, variance, mu, lam, s, K, lr, beta1, beta2, tol, check,
                           floor, delta)
    return _stage_numpy(C, W, sigma, variance, mu, lam, s, K, lr, beta1, beta2, tol, check,
                        floor, delta)


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
        >= 1: progress over the stages, one report per stage (a tqdm bar when tqdm is
        installed, plain lines otherwise).
    Other parameters
        As in :class:`sparseopt.dag.CoLiDE`.

    Returns
    -------
    DagPathResult
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
    if domain_slack is None:
        domain_slack = 0.0 if variance == "fixed" else 1e-6
    s_list = list(s)[:n_stages]
    s_list += [s_list[-1]] * (n_stages - len(s_list))
    if noise_scale_min is None:
        if variance != "fixed" and not np.trace(C) > 0:
            raise ValueError("cov is zero (every variable is constant): the noise scale cannot "
                             "be estimated; pass noise_scale_min > 0 or variance='fixed'.")
        floor = 1e-3 * np.sqrt(max(np.trace(C), 0.0) / d)
    else:
        floor = noise_scale_min
    floor = np.broadcast_to(np.asarray(floor, dtype=np.float64), (d,)).copy() \
        if variance == "nonequal" else float(np.max(floor))
    W = np.zeros((d, d))
    sigma = noise_scale_hat(C, W, variance, floor)
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
                C, W, sigma, variance, mu, alpha, s_t, K, lr, beta1, beta2, tol, check_every,
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
        f_val, sc, h = _objective(C, W, sigma, variance, mu, alpha, s_t)
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
