"""The selection rules are a table: each rule's properties are read from its entry."""

import pathlib

import pytest

from sparseopt.solvers.bcd import SELECTION_RULES, SelectionRule, _kernels_select


def test_table_entries():
    greedy = {name for name, rule in SELECTION_RULES.items() if rule.greedy}
    assert greedy == {"gs", "gsl", "gsd", "gsq"}
    assert {n for n, r in SELECTION_RULES.items() if r.random} == {"random", "lipschitz"}
    assert {n for n, r in SELECTION_RULES.items() if r.forest} == {"cyclic", "random", "gs",
                                                                   "gsl"}
    codes = [rule.code for rule in SELECTION_RULES.values()]
    assert len(set(codes)) == len(codes)
    assert all(isinstance(r, SelectionRule) and r.name == n for n, r in SELECTION_RULES.items())


def test_kernels_never_infer_greediness_from_the_code():
    """An appended non-greedy rule must stay non-greedy: no ``sel >= ...`` ordering tests."""
    source = pathlib.Path(_kernels_select.__file__).read_text()
    assert "sel >" not in source and "sel <" not in source


@pytest.mark.parametrize("name", sorted(SELECTION_RULES))
def test_the_plan_passes_the_table_properties(name):
    import numpy as np

    from sparseopt.datafits import Quadratic
    from sparseopt.penalties import L1
    from sparseopt.solvers import BlockCoordinateDescent
    from sparseopt.solvers.bcd._coordinates import Plan
    from sparseopt.solvers.bcd._problem import build_problem
    from sparseopt.solvers.bcd._solver import BlockCoordinateDescent as Solver

    rng = np.random.default_rng(0)
    X = rng.standard_normal((20, 8))
    solver = BlockCoordinateDescent(name, "sorted", 2, working_set=False)
    assert isinstance(solver, Solver)
    pb, _ = build_problem(Quadratic(), L1(0.1), 0.1, X, X[:, 0], np.zeros(8), False, None,
                          0.0, 2, None)
    plan = Plan(pb, solver, np.arange(8, dtype=np.int64))
    rule = SELECTION_RULES[name]
    assert plan.rule[:2] == (rule.code, rule.greedy)
