"""The one EM loop of sparse Bayesian learning, shared by every estimator in this package.

A *model* holds the dictionary restricted to the surviving coefficients and the prior variances
in its own representation (a vector for classical SBL, one vector per factor for Kronecker SBL).
It provides four operations, and the loop here composes them:

``prune()``
    drop the coefficients its rule marks (irreversibly) and remember the prior before;
``step(sigma2)``
    E-step at the current prior and noise variance, then the M-step (which needs only the
    E-step's posterior) in place; returns the :class:`Posterior` of the E-step;
``change()``
    relative change of the full-length prior since ``prune`` (pruned entries count fully);
``n_active``
    the number of surviving coefficients.

The loop owns what the variants share: the noise update (learnt or held), the stopping rule,
the history and the progress report. Model- and start-level strategies (scale-aware start,
several starts kept by the type-II cost, a refinement phase) live in the estimators' fit
functions, which call :func:`run_em` once per start or phase.
"""

import warnings
from dataclasses import dataclass, field

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from ..utils import progress

HISTORY_KEYS = ("cost", "gamma_change", "noise_variance", "n_active")
TINY = np.finfo(float).tiny


class NoSignalWarning(ConvergenceWarning):
    """A sparse Bayesian fit ended at (or near) ``coef = 0``, with the noise explaining ``y``.

    Raised by :class:`~sparseopt.bayes.SparseBayesianRegression` and
    :class:`~sparseopt.bayes.KroneckerSBL` when the type-II cost of the fit is within
    ``2 log(n_features)`` of the all-noise model's (``gamma = 0``): either ``y`` carries no
    signal the dictionary can represent (then the answer is right and the warning says so), or
    the fit stopped in the all-noise region of the evidence. It is a
    :class:`~sklearn.exceptions.ConvergenceWarning`, so filters on that class catch it too.
    """


@dataclass
class Posterior:
    """What an E-step returns: the posterior mean and variances and the O(1) statistics.

    Attributes
    ----------
    mu : ndarray
        Posterior mean of the surviving coefficients.
    s : ndarray
        Posterior variances (diagonal of the posterior covariance), clipped at 0.
    cost : float
        Type-II cost ``log det C + y^H C^{-1} y`` with ``C = sigma^2 I + H Gamma H^H``.
    resid2 : float
        ``||y - H mu||^2``.
    trace : float
        ``sum_j (1 - s_j / gamma_j)``, the effective number of parameters.
    """

    mu: np.ndarray
    s: np.ndarray
    cost: float
    resid2: float
    trace: float


@dataclass
class EMResult:
    """Outcome of :func:`run_em` (one start or phase)."""

    sigma2: float
    n_iter: int
    converged: bool
    cost: float
    history: dict = field(default_factory=lambda: {k: [] for k in HISTORY_KEYS})


def noise_update(rule, sigma2, post, n_samples):
    r"""Noise-variance update from an E-step.

    ``'em'`` (Wipf and Rao): :math:`\sigma^2 \leftarrow (\|y - H\mu\|^2 + \sigma^2 \sum_j
    (1 - s_j/\gamma_j)) / M`; ``'mackay'``: :math:`\|y - H\mu\|^2 / (M - \sum_j (1 -
    s_j/\gamma_j))`.
    """
    if rule == "mackay":
        return post.resid2 / max(n_samples - post.trace, 1e-12 * n_samples)
    return (post.resid2 + sigma2 * post.trace) / n_samples


def run_em(model, sigma2, *, learn_noise, max_iter, tol, noise_rule="em", noise_floor=0.0,
           n_samples, verbose=0, desc="SBL", history=None):
    """Iterate ``prune -> E-step and M-step -> noise update -> change`` until the change is small.

    Parameters
    ----------
    model : object
        With ``prune()``, ``step(sigma2)``, ``change()`` and ``n_active`` (module docstring).
    sigma2 : float
        Starting (or known) noise variance.
    learn_noise : bool
        Update ``sigma2`` after each E-step (else it is held).
    max_iter, tol : int, float
        Iteration budget; stop when the relative change of the full-length prior is below
        ``tol``.
    noise_rule : {'em', 'mackay'}
    noise_floor : float
        Lower bound of the learnt noise variance (in the units of ``y``; callers make it
        relative to the data).
    n_samples : int
        ``M``, the number of observations.
    verbose : int
        Progress report (one line per iteration or a bar).
    desc : str
        Label of the progress report.
    history : dict of lists or None
        Appended to in place (so phases and starts can share one history).

    Returns
    -------
    EMResult
    """
    hist = history if history is not None else {k: [] for k in HISTORY_KEYS}
    converged = False
    cost = np.inf
    it = 0
    with progress(total=max_iter, desc=desc, verbose=verbose) as report:
        for it in range(1, max_iter + 1):  # noqa: B007 (it is the iteration count)
            model.prune()
            post = model.step(sigma2)
            cost = post.cost
            if learn_noise:
                sigma2 = max(noise_update(noise_rule, sigma2, post, n_samples), noise_floor)
            change = model.change()
            hist["cost"].append(cost)
            hist["gamma_change"].append(change)
            hist["noise_variance"].append(sigma2)
            hist["n_active"].append(model.n_active)
            report.update(cost=cost, change=change, active=model.n_active)
            if change < tol:
                converged = True
                break
    return EMResult(sigma2=sigma2, n_iter=it, converged=converged, cost=cost, history=hist)


def run_em_polished(model, sigma2, *, polish, max_iter, **kw):
    """:func:`run_em`, then up to ``polish`` rounds of evidence pruning and re-convergence.

    After convergence ``model.evidence_prune(sigma2)`` drops the coefficients (or factor
    slices) whose type-II cost is minimised at a zero prior variance given the others, and the
    loop runs again from there; it stops when nothing is dropped or when the ``max_iter``
    iterations (shared by all rounds) are spent. Returns the last :class:`EMResult` with
    ``n_iter`` accumulated over the rounds.
    """
    res = run_em(model, sigma2, max_iter=max_iter, **kw)
    n_iter = res.n_iter
    for _ in range(polish):
        if not res.converged or n_iter >= max_iter or not model.evidence_prune(res.sigma2):
            break
        res = run_em(model, res.sigma2, max_iter=max_iter - n_iter, **kw)
        n_iter += res.n_iter
    res.n_iter = n_iter
    return res


def evidence_keep(mu, s, gamma):
    r"""Coefficients whose type-II cost is not minimised at a zero prior variance.

    With ``j`` left out of :math:`C`, coefficient ``j`` has the sparsity and quality factors
    :math:`S_j = (\gamma_j - s_j)/(\gamma_j s_j)` and :math:`Q_j = \mu_j / s_j`; the cost as a
    function of :math:`\gamma_j` alone is minimised at :math:`\gamma_j = 0` exactly when
    :math:`|Q_j|^2 \le S_j` (Tipping and Faul 2003), i.e. when :math:`|\mu_j|^2 \le s_j (1 -
    s_j/\gamma_j)`. Returns the score :math:`|\mu_j|^2 - s_j (1 - s_j/\gamma_j)` (keep where
    positive).
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.abs(mu) ** 2 - s * (1.0 - np.where(gamma > 0, s / gamma, 0.0))


def unscale_history(hist, cy, n_samples):
    """The history of a fit on ``y / cy`` in the units of ``y`` (arrays of the dict's lists)."""
    out = {k: np.asarray(v, dtype=float) for k, v in hist.items()}
    out["cost"] = out["cost"] + 2.0 * n_samples * np.log(cy)
    with np.errstate(over="ignore", under="ignore"):  # saturates beyond ~1e154 (documented)
        out["noise_variance"] = out["noise_variance"] * cy * cy
    out["n_active"] = out["n_active"].astype(int)
    return out


def warn_unconverged(name, max_iter, tol, stacklevel=3):
    """The ConvergenceWarning every SBL estimator raises when ``max_iter`` is reached."""
    warnings.warn(f"{name} did not converge within max_iter={max_iter} to tol={tol}; increase "
                  "max_iter or tol.", ConvergenceWarning, stacklevel=stacklevel)


def no_signal_margin(cost, y_energy, n_samples, n_features, sigma2=None):
    """``L_null - L_fit``: how much lower the fit's type-II cost is than the all-noise model's.

    The all-noise model (``gamma = 0``) has cost ``M log sigma^2 + ||y||^2 / sigma^2`` with the
    known noise variance, or ``M log(||y||^2 / M) + M`` at its best noise variance when the
    noise is learnt.
    """
    if sigma2 is None:
        null = n_samples * np.log(y_energy / n_samples) + n_samples
    else:
        null = n_samples * np.log(sigma2) + y_energy / sigma2
    return null - cost


def warn_if_no_signal(name, margin, n_features, stacklevel=3):
    """Warn (:class:`NoSignalWarning`) when the evidence for a signal is within ``2 log N``.

    Fitting pure noise lowers the type-II cost by about ``log N`` (the best of ``N`` candidate
    coefficients); a fit whose cost is within ``2 log N`` of the all-noise model's has found
    nothing the noise could not explain.
    """
    if margin <= 2.0 * np.log(max(n_features, 2)):
        warnings.warn(
            f"{name} found no evidence of a signal: the type-II cost of the fit is only "
            f"{margin:.3g} below that of the all-noise model (coef = 0, the noise explaining "
            f"y), less than 2 log(n_features) = {2.0 * np.log(max(n_features, 2)):.3g}. Either "
            "y carries no signal the dictionary can represent, or the noise variance is too "
            "large (pass noise_variance if it is known).", NoSignalWarning,
            stacklevel=stacklevel)
