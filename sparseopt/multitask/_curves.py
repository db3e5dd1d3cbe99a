"""Target excess risk of source-allocation rules against the budget, over seeded problems."""

import numbers
import warnings
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from sklearn.base import clone

from ..datasets import make_active_multitask
from ..utils import check_nonnegative, check_positive_int, reemit_warnings, run_trials
from ._relevance import LassoTaskRelevance
from ._selector import ActiveTaskSelector

DEFAULT_RULES = {"uniform": "uniform", "nu2 known": "oracle_l2", "nu1 known": "oracle_l1",
                 "nu2 adaptive": "l2", "nu1 adaptive": "l1"}
_RULE_STRINGS = ("uniform", "l1", "l2", "oracle_l1", "oracle_l2")


@dataclass
class TaskSelectionCurves:
    """Outcome of :func:`task_selection_curves`.

    Attributes
    ----------
    budgets : ndarray of int, shape (n_budgets,)
    excess_risk : dict of str to ndarray of shape (n_budgets, n_seeds)
        ``||coef_ - theta_0||^2`` of the target predictor, per rule, budget and problem.
    relevant_share : dict of str to ndarray of shape (n_budgets, n_seeds)
        Fraction of the budget spent on the truly relevant sources.
    oracle_risk : ndarray of shape (n_seeds,)
        Excess risk of the target head fitted with the true representation ``B*`` (the floor
        that no amount of source data removes).
    """

    budgets: np.ndarray
    excess_risk: dict
    relevant_share: dict
    oracle_risk: np.ndarray

    @property
    def names(self):
        """Rule names, in the order given."""
        return list(self.excess_risk)

    def mean(self):
        """Mean excess risk over problems, per rule.

        Returns
        -------
        dict of str to ndarray of shape (n_budgets,)
        """
        return {k: v.mean(axis=1) for k, v in self.excess_risk.items()}

    def budget_to_reach(self, level):
        """Budget at which each rule's mean excess risk first reaches ``level``.

        Log-log interpolation between budgets; ``inf`` if never reached.

        Parameters
        ----------
        level : float
            Target mean excess risk, ``> 0``.

        Returns
        -------
        dict of str to float
        """
        level = check_nonnegative("level", level, allow_zero=False)
        lb = np.log(self.budgets.astype(np.float64))
        out = {}
        for name, err in self.mean().items():
            le = np.log(np.maximum(err, 1e-300))
            out[name] = np.inf
            for i in range(len(err)):
                if err[i] <= level:
                    if i == 0:
                        out[name] = float(self.budgets[0])
                    else:
                        f = (np.log(level) - le[i - 1]) / (le[i] - le[i - 1])
                        out[name] = float(np.exp(lb[i - 1] + f * (lb[i] - lb[i - 1])))
                    break
        return out


def _relevance_for(rule, prob):
    if isinstance(rule, str) and rule == "oracle_l1":
        return np.abs(prob.relevance)
    if isinstance(rule, str) and rule == "oracle_l2":
        return prob.nu2**2
    return rule


def _selection_trial(seed, config):
    """One generated problem: every rule at every budget (same selector seed for all)."""
    child_problem, child_selector = seed.spawn(2)
    prob = make_active_multitask(**config["problem"],
                                 random_state=np.random.default_rng(child_problem))
    sel_seed = int(np.random.default_rng(child_selector).integers(2**31))
    F = prob.X_target @ prob.components
    w0 = np.linalg.lstsq(F, prob.y_target, rcond=None)[0]
    oracle = prob.excess_risk(prob.components @ w0)
    budgets = config["budgets"]
    risk = np.empty((len(config["rules"]), len(budgets)))
    share = np.empty_like(risk)
    caught = []
    for i, (name, rule) in enumerate(config["rules"].items()):
        for j, budget in enumerate(budgets):
            sel = clone(config["selector"]).set_params(
                budget=int(budget), relevance=_relevance_for(rule, prob), random_state=sel_seed)
            with warnings.catch_warnings(record=True) as fit_warnings:
                warnings.simplefilter("always")
                sel.fit(prob.X_target, prob.y_target, n_tasks=prob.n_tasks, sampler=prob.sample)
            caught += [(w.category, f"{name}, budget {int(budget)}: {w.message}")
                       for w in fit_warnings]
            risk[i, j] = prob.excess_risk(sel.coef_)
            share[i, j] = sel.allocation_[prob.relevant_tasks].sum() / sel.allocation_.sum()
    return risk, share, oracle, caught


def task_selection_curves(budgets, n_seeds, *, rules=None, problem=None, selector=None,
                          n_jobs=None, random_state=None, verbose=0):
    """Target excess risk against the source budget for several allocation rules.

    For each of ``n_seeds`` problems from :func:`~sparseopt.datasets.make_active_multitask`,
    every rule runs :class:`ActiveTaskSelector` at every budget (rules and budgets share the
    problem and the selector's seed: common random numbers). Problems run through joblib (see
    :func:`sparseopt.utils.run_trials`): results are identical for every ``n_jobs`` and
    backend.

    Parameters
    ----------
    budgets : array-like of int
        Total source samples, each ``>= n_tasks``.
    n_seeds : int
        Number of generated problems, ``>= 1``.
    rules : dict of str to relevance, or None, default=None
        Name -> the selector's ``relevance``: 'uniform', 'l1' (adaptive nu^1, Wang et al.
        2023), 'l2' (adaptive nu^2, Chen et al. 2022), a :class:`LassoTaskRelevance`, or the
        oracle rules 'oracle_l1' (allocation proportional to the true ``|nu^1|``) and
        'oracle_l2' (to the true ``nu2^2``). None: uniform, nu2 known, nu1 known, nu2 adaptive,
        nu1 adaptive.
    problem : dict or None, default=None
        Keyword arguments of :func:`~sparseopt.datasets.make_active_multitask` (not
        ``random_state``).
    selector : ActiveTaskSelector or None, default=None
        Template (cloned; its ``budget``, ``relevance`` and ``random_state`` are replaced).
    n_jobs : int or None, default=None
        Problems in parallel (joblib; None means 1 outside a ``joblib.parallel_config``
        context).
    random_state : None, int, SeedSequence or Generator, default=None
        Root of the per-problem seeds.
    verbose : int, default=0
        >= 1: a progress bar over problems.

    Returns
    -------
    TaskSelectionCurves
        ``excess_risk[name]`` of shape ``(n_budgets, n_seeds)``; ``mean()`` and
        ``budget_to_reach(level)`` summarise it.

    Notes
    -----
    Warnings of the selector (e.g. low target SNR) are collected inside the trials and
    re-emitted once per rule, budget and message, with the number of problems concerned. Run
    with
    one BLAS thread per trial (the default of :func:`~sparseopt.utils.run_trials`): the many
    small products are faster that way.

    Examples
    --------
    >>> from sparseopt.multitask import task_selection_curves
    >>> rules = {"uniform": "uniform", "nu1 known": "oracle_l1"}
    >>> curves = task_selection_curves([500, 2000], 2, rules=rules,
    ...                                problem={"n_tasks": 20, "n_features": 20}, random_state=0)
    >>> curves.excess_risk["uniform"].shape
    (2, 2)
    >>> m = curves.mean()
    >>> bool(m["nu1 known"][-1] < m["uniform"][-1])
    True
    """
    rules = dict(DEFAULT_RULES) if rules is None else rules
    if not isinstance(rules, Mapping) or len(rules) == 0:
        raise TypeError(f"rules must be a non-empty dict of name -> relevance, got "
                        f"{type(rules).__name__}.")
    for name, rule in rules.items():
        if isinstance(rule, str):
            if rule not in _RULE_STRINGS:
                raise ValueError(f"rules[{name!r}]={rule!r}: expected one of "
                                 f"{', '.join(map(repr, _RULE_STRINGS))}, a LassoTaskRelevance "
                                 "or an array of weights.")
        elif not isinstance(rule, LassoTaskRelevance | np.ndarray | list | tuple):
            raise TypeError(f"rules[{name!r}] must be a string, a LassoTaskRelevance or an "
                            f"array of weights, got {type(rule).__name__}.")
    b = np.asarray(budgets)
    if b.ndim != 1 or b.size == 0 or not all(
            isinstance(v, numbers.Integral) and not isinstance(v, bool) and v >= 1
            for v in b.tolist()):
        raise ValueError(f"budgets must be a non-empty 1-D sequence of ints >= 1, got "
                         f"{budgets!r}.")
    n_seeds = check_positive_int("n_seeds", n_seeds)
    problem = {} if problem is None else problem
    if not isinstance(problem, Mapping) or "random_state" in problem:
        raise ValueError("problem must be a dict of make_active_multitask keyword arguments "
                         "without random_state.")
    selector = ActiveTaskSelector() if selector is None else selector
    if not isinstance(selector, ActiveTaskSelector):
        raise TypeError(f"selector must be an ActiveTaskSelector or None, got "
                        f"{type(selector).__name__}.")
    config = dict(rules=dict(rules), budgets=b.astype(np.int64), problem=dict(problem),
                  selector=selector)
    out = run_trials(_selection_trial, n_seeds, config, n_jobs=n_jobs,
                     random_state=random_state, verbose=verbose, desc="task_selection_curves")
    reemit_warnings([o[3] for o in out], "problems")
    risk = np.stack([o[0] for o in out], axis=-1)  # (n_rules, n_budgets, n_seeds)
    share = np.stack([o[1] for o in out], axis=-1)
    names = list(rules)
    return TaskSelectionCurves(budgets=config["budgets"],
                               excess_risk={k: risk[i] for i, k in enumerate(names)},
                               relevant_share={k: share[i] for i, k in enumerate(names)},
                               oracle_risk=np.array([o[2] for o in out]))
