"""Task-selection curves: seeded, identical for any n_jobs, consistent with a hand loop."""

import warnings

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from sparseopt.datasets import make_active_multitask
from sparseopt.multitask import ActiveTaskSelector, LassoTaskRelevance, task_selection_curves
from sparseopt.utils import spawn_seeds

PROBLEM = {"n_tasks": 20, "n_features": 20}
RULES = {"nu2 known": "oracle_l2", "nu1 adaptive": "l1"}


def test_n_jobs_2_equals_n_jobs_1_bit_for_bit():
    seq = task_selection_curves([300, 900], 2, rules=RULES, problem=PROBLEM, random_state=3)
    par = task_selection_curves([300, 900], 2, rules=RULES, problem=PROBLEM, n_jobs=2,
                                random_state=3)
    assert seq.names == list(RULES)
    np.testing.assert_array_equal(seq.oracle_risk, par.oracle_risk)
    for name in RULES:
        assert seq.excess_risk[name].shape == (2, 2)
        np.testing.assert_array_equal(seq.excess_risk[name], par.excess_risk[name])
        np.testing.assert_array_equal(seq.relevant_share[name], par.relevant_share[name])
        assert np.all((seq.relevant_share[name] >= 0) & (seq.relevant_share[name] <= 1))
    assert np.all(seq.excess_risk["nu1 adaptive"] >= seq.oracle_risk[None, :] - 1e-12)


def test_matches_a_hand_written_loop_and_summaries():
    sel = ActiveTaskSelector(n_components=5, explore=2)
    curves = task_selection_curves([400], 1, rules={"bagged": LassoTaskRelevance(
        n_bootstrap=3, random_state=0)}, problem=PROBLEM, selector=sel, random_state=1)
    child_problem, child_selector = spawn_seeds(1, 1)[0].spawn(2)
    prob = make_active_multitask(**PROBLEM, random_state=np.random.default_rng(child_problem))
    seed = int(np.random.default_rng(child_selector).integers(2**31))
    with threadpool_limits(1), warnings.catch_warnings():  # trials run on one BLAS thread
        warnings.simplefilter("ignore")
        ref = ActiveTaskSelector(n_components=5, explore=2, budget=400,
                                 relevance=LassoTaskRelevance(n_bootstrap=3, random_state=0),
                                 random_state=seed).fit(
            prob.X_target, prob.y_target, n_tasks=prob.n_tasks, sampler=prob.sample)
    assert curves.excess_risk["bagged"][0, 0] == prob.excess_risk(ref.coef_)
    level = curves.mean()["bagged"][0]
    assert curves.budget_to_reach(level * 1.01)["bagged"] == 400.0
    assert curves.budget_to_reach(level / 10)["bagged"] == np.inf


def test_budget_to_reach_interpolates():
    from sparseopt.multitask import TaskSelectionCurves

    c = TaskSelectionCurves(budgets=np.array([100, 10_000]),
                            excess_risk={"r": np.array([[1.0], [0.01]])},
                            relevant_share={"r": np.zeros((2, 1))}, oracle_risk=np.zeros(1))
    assert c.budget_to_reach(0.1)["r"] == pytest.approx(1000.0)
    with pytest.raises(ValueError, match="level"):
        c.budget_to_reach(0.0)
    for bad in (np.nan, np.inf, "a", None):  # NaN and strings slipped through
        with pytest.raises((ValueError, TypeError), match="level"):
            c.budget_to_reach(bad)


def test_bad_input():
    with pytest.raises(ValueError, match="n_seeds"):
        task_selection_curves([500], 0)
    with pytest.raises(ValueError, match="budgets"):
        task_selection_curves([500.5], 1)
    with pytest.raises(ValueError, match=r"rules\['x'\]"):
        task_selection_curves([500], 1, rules={"x": "nu1"})
    with pytest.raises(TypeError, match="rules"):
        task_selection_curves([500], 1, rules=["l1"])
    with pytest.raises(TypeError, match="selector"):
        task_selection_curves([500], 1, selector="l1")
    with pytest.raises(ValueError, match="problem"):
        task_selection_curves([500], 1, problem={"random_state": 0})
