"""Monte-Carlo NMSE-versus-SNR curves of channel estimators on an IRS-MIMO scenario."""

import time
import warnings
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from scipy.special import logsumexp
from sklearn.base import clone

from ..operators import KroneckerOperator
from ..utils import (
    check_bool,
    check_complex_array,
    check_estimator_dict,
    check_finite_array,
    check_indices,
    check_positive_int,
    check_real,
    is_estimator,
    reemit_warnings,
    run_trials,
)


@dataclass
class NMSECurves:
    """Outcome of :func:`nmse_vs_snr`.

    Attributes
    ----------
    snr_db : ndarray of shape (n_snr,)
    nmse_db : dict of str to ndarray of shape (n_snr, n_trials)
        Channel NMSE in dB of every estimator, SNR and trial.
    fit_time : dict of str to ndarray of shape (n_snr, n_trials)
        Wall-clock seconds of each fit (the only entry that varies between runs).
    """

    snr_db: np.ndarray
    nmse_db: dict
    fit_time: dict = field(default_factory=dict)

    @property
    def names(self):
        """Estimator names, in the order given."""
        return list(self.nmse_db)

    def mean_db(self):
        """Per estimator: the NMSE averaged linearly over trials, in dB (the papers' convention).

        Returns
        -------
        dict of str to ndarray of shape (n_snr,)
        """
        # 10 log10(mean(10^(v/10))) through logsumexp: no overflow for huge or tiny NMSEs
        ln10 = np.log(10.0)
        out = {}
        for k, v in self.nmse_db.items():
            v = np.asarray(v, dtype=np.float64)
            with np.errstate(divide="ignore", invalid="ignore"):
                lse = logsumexp(v * (ln10 / 10.0), axis=1) - np.log(v.shape[1])
            out[k] = 10.0 * lse / ln10
        return out

    def median_db(self):
        """Per estimator: the median NMSE over trials, in dB (robust to a few failed trials).

        Returns
        -------
        dict of str to ndarray of shape (n_snr,)
        """
        return {k: np.median(v, axis=1) for k, v in self.nmse_db.items()}

    def failure_rate(self, threshold_db=-10.0):
        """Per estimator: the fraction of trials with an NMSE above ``threshold_db``.

        Parameters
        ----------
        threshold_db : float, default=-10.0
            NMSE (dB) above which a trial counts as failed.

        Returns
        -------
        dict of str to ndarray of shape (n_snr,)
        """
        threshold_db = check_real("threshold_db", threshold_db, allow_inf=True)
        return {k: np.mean(v > threshold_db, axis=1) for k, v in self.nmse_db.items()}


def _estimate(est, operator, y, noise_variance):
    """Coefficients of one estimator (cloned) or callable on one observation."""
    if is_estimator(est):
        model = clone(est)
        if noise_variance is not None and "noise_variance" in model.get_params(deep=False):
            model.set_params(noise_variance=noise_variance)
        return model.fit(operator, y).coef_
    out = est(operator, y, noise_variance=noise_variance)
    return out[0] if isinstance(out, tuple) else out


def as_operator(factors):
    """A :class:`KroneckerOperator` as is, or one built from validated factors ``operator[i]``."""
    if isinstance(factors, KroneckerOperator):
        return factors
    return KroneckerOperator([check_complex_array(f, f"operator[{i}]", ndim=2)
                              for i, f in enumerate(factors)])


def support_oracle(operator, y, support):
    """Least squares restricted to the true support: what an estimator that knew it could do.

    Parameters
    ----------
    operator : KroneckerOperator, list of factors, ndarray or sparse matrix of shape (M, N)
    y : ndarray of shape (M,)
    support : ndarray of int or boolean mask of shape (N,)
        Indices (distinct, in ``[0, N)``) of the nonzero coefficients; empty gives zeros.

    Returns
    -------
    ndarray of shape (N,)
    """
    if isinstance(operator, KroneckerOperator) or (isinstance(operator, list | tuple)
                                                    and len(operator) > 0):
        operator = as_operator(operator)
    elif sp.issparse(operator):
        check_finite_array("operator", operator)
    else:
        operator = check_complex_array(operator, "operator", ndim=2)
    M, N = operator.shape
    y = check_complex_array(y, "y", ndim=1)
    if y.shape != (M,):
        raise ValueError(f"y must have shape ({M},) (the rows of operator), got {y.shape}.")
    support = check_indices("support", support, N)
    coef = np.zeros(N, dtype=np.result_type(operator.dtype, y))
    if support.size == 0:
        return coef
    E = np.zeros((N, len(support)))
    E[support, np.arange(len(support))] = 1.0
    A = operator @ E
    coef[support] = np.linalg.lstsq(A, y, rcond=None)[0]
    return coef


def _nmse_trial(seed, config):
    """One channel draw observed at every SNR, estimated by every estimator."""
    scenario, estimators, snrs, known_noise = config
    rng = np.random.default_rng(seed)
    operator = scenario.measurement_operator()
    channel = scenario.draw_channel(rng)
    nmse = np.empty((len(estimators), len(snrs)))
    times = np.empty_like(nmse)
    caught = []
    for j, snr in enumerate(snrs):
        y, s2 = scenario.observe(channel, snr, rng)
        for i, (name, est) in enumerate(estimators.items()):
            t0 = time.perf_counter()
            with warnings.catch_warnings(record=True) as rec:
                warnings.simplefilter("always")
                if isinstance(est, str):  # the support oracle
                    coef = support_oracle(operator, y, np.flatnonzero(channel.x))
                else:
                    coef = _estimate(est, operator, y, s2 if known_noise else None)
            times[i, j] = time.perf_counter() - t0
            nmse[i, j] = scenario.nmse_db(coef, channel.x)
            caught += [(w.category, f"{name}: {w.message}") for w in rec]
    return nmse, times, caught


ORACLE = "support oracle"


def nmse_vs_snr(scenario, estimators, snr_db, n_trials, *, known_noise=True, oracle=False,
                n_jobs=None, random_state=None, verbose=0):
    """Channel NMSE of several estimators against the SNR, over seeded Monte-Carlo trials.

    Each trial draws one channel from ``scenario`` (``scenario.draw_channel``), observes it at
    every SNR (``scenario.observe``) and fits every estimator on each observation, as in He and
    Joseph (IEEE TSP 2024, Sec. VI). Trials run through joblib (see
    :func:`sparseopt.utils.run_trials`): results are identical for every ``n_jobs`` and backend.

    Parameters
    ----------
    scenario : IRSMIMOScenario
        Or any object with ``measurement_operator()``, ``draw_channel(rng)``,
        ``observe(channel, snr_db, rng)`` and ``nmse_db(x_est, x_true)``.
    estimators : dict of str to estimator or callable
        An unfitted estimator with ``fit(operator, y)`` and ``coef_`` (e.g.
        :class:`~sparseopt.bayes.KroneckerSBL`) is cloned for every fit; with ``known_noise``
        its ``noise_variance`` parameter (if it has one) is set to the true value. A callable
        is called as ``f(operator, y, noise_variance=...)`` and returns the coefficients, or a
        tuple starting with them (e.g. :func:`~sparseopt.bayes.kronecker_omp`). Use
        ``functools.partial`` (not lambdas) for fixed options so that every backend can pickle
        them.
    snr_db : float or array-like of shape (n_snr,)
        Per-measurement SNRs in dB.
    n_trials : int
        Channel draws, ``>= 1``.
    known_noise : bool, default=True
        Give the estimators the true noise variance (else ``noise_variance=None``).
    oracle : bool, default=False
        Add a ``"support oracle"`` curve: least squares on the true support
        (:func:`support_oracle`), the accuracy any estimator can hope for on these draws.
    n_jobs : int or None, default=None
        Trials in parallel (joblib; None means 1 outside a ``joblib.parallel_config`` context).
    random_state : None, int, SeedSequence or Generator, default=None
        Root of the trial seeds.
    verbose : int, default=0
        >= 1: a progress bar over trials.

    Returns
    -------
    NMSECurves
        ``nmse_db[name]`` of shape ``(n_snr, n_trials)``; ``mean_db()``, ``median_db()``,
        ``failure_rate()`` summarise it.

    Notes
    -----
    Warnings raised inside the trials (in any process) are collected and re-emitted once each,
    with the number of trials they occurred in. The NMSE is that of
    the cascaded channels rebuilt from the sparse vectors (:meth:`IRSMIMOScenario.nmse_db`).

    Examples
    --------
    >>> from functools import partial
    >>> from sparseopt.bayes import KroneckerSBL, kronecker_omp
    >>> from sparseopt.channels import IRSMIMOScenario, nmse_vs_snr
    >>> estimators = {"SVD-KroSBL": KroneckerSBL("svd"),
    ...               "Kronecker OMP": partial(kronecker_omp, max_atoms=30)}
    >>> curves = nmse_vs_snr(IRSMIMOScenario(random_state=0), estimators, [10, 20], n_trials=2,
    ...                      random_state=0)
    >>> curves.nmse_db["SVD-KroSBL"].shape
    (2, 2)
    >>> bool(curves.median_db()["SVD-KroSBL"][1] < -20)
    True
    """
    check_estimator_dict(estimators, "fit(operator, y)")
    for attr in ("measurement_operator", "draw_channel", "observe", "nmse_db"):
        if not callable(getattr(scenario, attr, None)):
            raise TypeError(f"scenario must provide {attr}() like IRSMIMOScenario, got "
                            f"{type(scenario).__name__}.")
    try:
        snrs = np.atleast_1d(np.asarray(snr_db, dtype=np.float64))
    except (TypeError, ValueError):
        raise TypeError(f"snr_db must be a finite scalar or 1-D array of numbers, got "
                        f"{snr_db!r}.") from None
    if snrs.ndim != 1 or snrs.size == 0 or not np.all(np.isfinite(snrs)):
        raise ValueError(f"snr_db must be a finite scalar or 1-D array, got {snr_db!r}.")
    n_trials = check_positive_int("n_trials", n_trials)
    estimators = dict(estimators)
    if check_bool("oracle", oracle):
        if ORACLE in estimators:
            raise ValueError(f"estimators already has an entry named {ORACLE!r}; rename it or "
                             "pass oracle=False.")
        estimators[ORACLE] = ORACLE
    config = (scenario, estimators, snrs, check_bool("known_noise", known_noise))
    out = run_trials(_nmse_trial, n_trials, config, n_jobs=n_jobs, random_state=random_state,
                     verbose=verbose, desc="nmse_vs_snr")
    reemit_warnings([o[2] for o in out], "trials")
    nmse = np.stack([o[0] for o in out], axis=-1)  # (n_est, n_snr, n_trials)
    times = np.stack([o[1] for o in out], axis=-1)
    names = list(estimators)
    return NMSECurves(snr_db=snrs, nmse_db={k: nmse[i] for i, k in enumerate(names)},
                      fit_time={k: times[i] for i, k in enumerate(names)})
