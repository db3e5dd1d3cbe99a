"""ActiveTaskSelector: budgets, epochs, modes, determinism and input validation."""

import warnings

import numpy as np
import pytest

from sparseopt.datasets import make_active_multitask
from sparseopt.multitask import (
    ActiveTaskSelector,
    apportion,
    epoch_budgets,
    n_epochs_auto,
    optimal_allocation,
)


@pytest.fixture(scope="module")
def prob():
    return make_active_multitask(n_features=20, n_tasks=30, random_state=0)


def _fit(prob, **kw):
    params = dict(budget=3000, random_state=0)
    params.update(kw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ActiveTaskSelector(**params).fit(prob.X_target, prob.y_target,
                                                n_tasks=prob.n_tasks, sampler=prob.sample)


def test_epoch_schedule_table():
    assert [n_epochs_auto(N, 100, 10) for N in (2000, 5000, 10000, 20000, 50000, 100000)] == \
        [1, 2, 3, 4, 5, 6]
    N = epoch_budgets(10_000, 3)
    assert N.sum() == 10_000 and abs(N[1] - 2 * N[0]) <= 1


def test_budget_accounting_and_uniform_first_epoch(prob):
    sel = _fit(prob)
    assert sel.allocation_.sum() == 3000 == sel.budget_used_
    np.testing.assert_array_equal(sel.allocation_history_.sum(axis=1),
                                  epoch_budgets(3000, sel.n_epochs_))
    first = sel.allocation_history_[0]
    assert first.max() - first.min() <= 1
    # the exploration floor reaches every task in later epochs
    for i in range(1, sel.n_epochs_):
        Ni = sel.allocation_history_[i].sum()
        assert sel.allocation_history_[i].min() >= int(np.ceil(np.sqrt(Ni / prob.n_tasks)))
    np.testing.assert_allclose(sel.predict(prob.X_target), prob.X_target @ sel.coef_)


def test_deterministic_and_uniform_and_known(prob):
    a, b = _fit(prob), _fit(prob)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    np.testing.assert_array_equal(a.allocation_, b.allocation_)
    uni = _fit(prob, relevance="uniform")
    np.testing.assert_array_equal(uni.allocation_, sum(
        apportion(Ni, np.ones(prob.n_tasks)) for Ni in epoch_budgets(3000, uni.n_epochs_)))
    q = np.abs(prob.relevance)
    known = _fit(prob, relevance=q)
    assert known.n_epochs_ == 1
    np.testing.assert_array_equal(known.allocation_, apportion(3000, q, floor=int(np.ceil(
        np.sqrt(3000 / prob.n_tasks)))))


def test_pool_mode_equals_sampler_reading_the_same_rows(prob):
    rng = np.random.default_rng(5)
    pools = prob.pools(3000, rng)  # large enough that no cap binds
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sel = ActiveTaskSelector(budget=3000, random_state=0).fit(
            prob.X_target, prob.y_target, source_pools=pools)
    # replay: the same permutations drawn from the selector's seed sequence
    ss = np.random.SeedSequence(0).spawn(sel.n_epochs_ + 1)
    prng = np.random.default_rng(ss[-1])
    perms = [prng.permutation(3000) for _ in pools]
    cursor = np.zeros(len(pools), dtype=int)

    def replay(t, n, rng):
        rows = perms[t][cursor[t]:cursor[t] + n]
        cursor[t] += n
        return pools[t][0][rows], pools[t][1][rows]

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = ActiveTaskSelector(budget=3000, random_state=0).fit(
            prob.X_target, prob.y_target, n_tasks=len(pools), sampler=replay)
    np.testing.assert_allclose(sel.coef_, ref.coef_, rtol=1e-12, atol=1e-14)
    np.testing.assert_array_equal(sel.allocation_, ref.allocation_)


def test_pool_caps_and_exhaustion(prob):
    rng = np.random.default_rng(1)
    small = prob.pools(40, rng)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sel = ActiveTaskSelector(budget=1200, random_state=0).fit(
            prob.X_target, prob.y_target, source_pools=small)
    assert np.all(sel.allocation_ <= 40) and sel.allocation_.sum() <= 1200


def test_costs_respect_the_budget(prob):
    c = np.random.default_rng(0).uniform(0.5, 2, prob.n_tasks)
    sel = _fit(prob, task_costs=c)
    assert c @ sel.allocation_ <= 3000 + 1e-9


def test_bad_inputs(prob):
    X0, y0 = prob.X_target, prob.y_target
    with pytest.raises(ValueError, match="sampler and source_pools"):
        ActiveTaskSelector(budget=100).fit(X0, y0)

    def bad_shape(t, n, rng):
        return np.ones((n, 3)), np.ones(n)

    def bad_nan(t, n, rng):
        X, y = prob.sample(t, n, rng)
        y[0] = np.nan
        return X, y

    with pytest.raises(ValueError, match="sampler.*task 0"):
        ActiveTaskSelector(budget=300).fit(X0, y0, n_tasks=30, sampler=bad_shape)
    with pytest.raises(ValueError, match="NaN.*task 0"):
        ActiveTaskSelector(budget=300).fit(X0, y0, n_tasks=30, sampler=bad_nan)
    with pytest.raises(ValueError, match="budget"):
        ActiveTaskSelector(budget=10).fit(X0, y0, n_tasks=30, sampler=prob.sample)
    with pytest.raises(ValueError, match="n_tasks"):
        ActiveTaskSelector(budget=300).fit(X0, y0, sampler=prob.sample)
    with pytest.raises(ValueError, match="relevance"):
        ActiveTaskSelector(budget=300, relevance="l3").fit(X0, y0, n_tasks=30,
                                                            sampler=prob.sample)


def test_known_l1_allocation_needs_a_fifth_of_uniform():
    """Exact helper, no randomness: budget ratio to match uniform = ||nu1||_1^2 / (T ||nu2||^2)."""
    from sparseopt.multitask import allocation_error

    prob = make_active_multitask(random_state=0)
    W, w0, T = prob.task_heads, prob.target_head, prob.n_tasks
    N = 100_000
    e_uniform = allocation_error(W, w0, np.full(T, N / T))
    _, _, e_opt_unit = optimal_allocation(W, w0, 1.0)
    budget_needed = e_opt_unit / e_uniform  # E(opt at budget B) = e_opt_unit / B
    assert budget_needed / N <= 0.2


def test_adaptive_l1_recovers_the_relevant_sources():
    prob = make_active_multitask(random_state=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sel = ActiveTaskSelector(budget=50_000, random_state=0).fit(
            prob.X_target, prob.y_target, n_tasks=prob.n_tasks, sampler=prob.sample)
    top5 = np.argsort(-np.abs(sel.relevance_))[:5]
    assert len(set(top5) & set(prob.relevant_tasks)) / 5 >= 0.8
    assert sel.allocation_.sum() == 50_000


def test_estimator_contract(prob):
    """ActiveTaskSelector needs a data source in fit, so the common checks cannot drive it:
    clone, get_params round trip, unmodified parameters and fit returning self are checked here."""
    from sklearn.base import clone

    sel = ActiveTaskSelector(budget=900, relevance="l2", random_state=3)
    params = sel.get_params()
    cl = clone(sel)
    assert cl.get_params() == params
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = sel.fit(prob.X_target, prob.y_target, n_tasks=prob.n_tasks, sampler=prob.sample)
    assert out is sel
    assert sel.get_params() == params
    assert not hasattr(cl, "coef_")
