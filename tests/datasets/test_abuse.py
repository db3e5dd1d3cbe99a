"""Abuse suite of the dataset generators (``make_active_multitask``, alias
``make_multitask_linear``, has its own in ``tests/multitask/test_abuse.py``): every call gives a
clear error naming the argument, or a problem that is what the docstring promises (table-driven
cases plus hypothesis properties)."""

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from sparseopt.datasets import (
    make_bcd_paper_problem,
    make_correlated_data,
    make_group_sparse_regression,
    make_kronecker_sparse,
)
from sparseopt.operators import KroneckerOperator

ERR = (ValueError, TypeError)
SIZES = [0, -1, 2.5, "3", None, True]
PROBABILITY = [np.nan, np.inf, "a", None, True]
SEEDS = ["a", -1, 1.5, True]
KRON = dict(factor_shapes=[(4, 6), (3, 5)], n_nonzero=2, snr_db=20, random_state=0)

BAD = {  # generator -> {parameter: bad values}
    make_correlated_data: {
        "n_samples": SIZES, "n_features": SIZES,
        "rho": [1.0, -0.1] + PROBABILITY, "snr": [0, -1.0, -np.inf, np.nan, "a", None, True],
        "density": [0, 1.5] + PROBABILITY, "X_density": [0, 1.5] + PROBABILITY,
        "random_state": SEEDS + [2**32, np.random.default_rng(0)],
    },
    make_group_sparse_regression: {
        "n_samples": SIZES, "n_groups": SIZES, "group_size": SIZES,
        "n_groups_active": SIZES + [51], "rho": [1.0, -0.1] + PROBABILITY,
        "snr": [0, -1.0, np.nan, "a", None, True], "random_state": SEEDS,
    },
}
KRON_BAD = {
    "factor_shapes": [[], None, 3, "ab", [(4, 6, 1)], [(0, 6), (3, 5)], [(4, -6), (3, 5)],
                      [(4, 6.5), (3, 5)]],
    "n_nonzero": [0, -1, 7, 2.5, "a", None, True, [2, 2, 2], [[2]], [1, 6]],
    "snr_db": [np.nan, -np.inf, "a", None, True, -1e6],
    "complex": ["no", 1, None], "kron_values": ["no", 0, None],
    "random_state": SEEDS,
}
BCD_BAD = {
    "name": ["Z", None, ["A"], "a"], "n_samples": SIZES, "n_features": SIZES,
    "random_state": SEEDS,
}


def _cases():
    cases = []
    for gen, table in BAD.items():
        cases += [pytest.param(gen, {}, name, v, id=f"{gen.__name__}-{name}={v!r}"[:70])
                  for name, values in table.items() for v in values]
    cases += [pytest.param(make_kronecker_sparse, KRON, name, v,
                           id=f"make_kronecker_sparse-{name}={v!r}"[:70])
              for name, values in KRON_BAD.items() for v in values]
    cases += [pytest.param(make_bcd_paper_problem, dict(name="A", n_samples=20, n_features=30),
                           name, v, id=f"make_bcd_paper_problem-{name}={v!r}"[:70])
              for name, values in BCD_BAD.items() for v in values]
    cases.append(pytest.param(make_bcd_paper_problem, dict(name="D"), "random_state", "a",
                              id="make_bcd_paper_problem-D-random_state"))
    return cases


@pytest.mark.parametrize("gen, base, name, value", _cases())
def test_bad_arguments_are_named(gen, base, name, value):
    with pytest.raises(ERR, match=name):
        gen(**{**base, name: value})


# ------------------------------------------------------------------ correct results
def test_degenerate_sizes():
    X, y, w = make_correlated_data(1, 1, density=1.0)
    assert X.shape == (1, 1) and np.isfinite(y).all() and np.count_nonzero(w) == 1
    X, y, w = make_correlated_data(5, 10, density=1e-9)  # floor(density * p) = 0: pure noise
    assert not w.any() and np.isfinite(y).all()
    X, y, w, groups, active = make_group_sparse_regression(1, 1, 1, 1)
    assert X.shape == (1, 1) and active.tolist() == [0] and groups.tolist() == [0]
    factors, y, x, s2 = make_kronecker_sparse([(1, 1), (1, 1)], 1, 10, random_state=0)
    assert y.shape == (1,) and np.count_nonzero(x) == 1 and s2 > 0
    prob = make_bcd_paper_problem("A", n_samples=1, n_features=1)
    assert prob.X.shape == (1, 1) and np.isfinite(prob.y).all()


def test_seed_forms_and_determinism():
    a = make_group_sparse_regression(random_state=np.random.default_rng(3))
    b = make_group_sparse_regression(random_state=3)
    for u, v in zip(a, b, strict=True):
        np.testing.assert_array_equal(u, v)
    for gen in (lambda r: make_correlated_data(random_state=r),
                lambda r: make_kronecker_sparse(**{**KRON, "random_state": r}),
                lambda r: make_bcd_paper_problem("B", n_samples=20, n_features=30,
                                                 random_state=r).y):
        first, second = gen(7), gen(7)
        for u, v in zip(first, second, strict=True):
            for a, b in zip(u if isinstance(u, list) else [u], v if isinstance(v, list) else [v],
                            strict=True):
                np.testing.assert_array_equal(a.toarray() if sp.issparse(a) else a,
                                              b.toarray() if sp.issparse(b) else b)
    X1, _, _ = make_correlated_data(random_state=np.random.RandomState(0))
    np.testing.assert_array_equal(X1, make_correlated_data(random_state=0)[0])


def test_kronecker_problem_is_consistent():
    for complex_ in (False, True):
        factors, y, x, s2 = make_kronecker_sparse([(4, 6), (3, 5)], [1, 5], 15, complex=complex_,
                                                  random_state=0)
        signal = KroneckerOperator(factors) @ x
        assert np.iscomplexobj(y) == complex_
        assert s2 == pytest.approx(np.mean(np.abs(signal) ** 2) / 10**1.5, rel=1e-12)
        grid = (x.reshape(6, 5) != 0)
        assert grid.sum() == 5 and grid.any(axis=1).sum() == 1  # a 1 x 5 Kronecker grid
    factors, y, x, s2 = make_kronecker_sparse(**{**KRON, "snr_db": np.inf})
    assert s2 == 0.0
    np.testing.assert_allclose(y, KroneckerOperator(factors) @ x)  # no noise
    _, _, _, s2 = make_kronecker_sparse(**{**KRON, "snr_db": 1e6})  # 10**1e5 overflowed
    assert s2 == 0.0


@pytest.mark.parametrize("snr", [1e-100, 1e-10, 1.0, 1e10, 1e100])
def test_snr_sweep_sets_the_noise(snr):
    """||X w|| / ||noise|| = snr across the whole range (above 1 the noise is measured through
    y - X w, which rounding limits to about 1e-16 of the signal)."""
    for X, y, w in (make_correlated_data(30, 20, snr=snr, random_state=0),
                    make_group_sparse_regression(30, 5, 2, 2, snr=snr, random_state=0)[:3]):
        signal = X @ w
        ratio = np.linalg.norm(y - signal) / np.linalg.norm(signal)
        assert np.isfinite(y).all()
        if snr <= 1:
            assert ratio == pytest.approx(1 / snr, rel=1e-9)
        else:
            assert abs(ratio - 1 / snr) <= 1e-9 / snr + 1e-15


# ------------------------------------------------------------------ properties
@settings(max_examples=30, deadline=None)
@given(st.integers(1, 30), st.integers(1, 30), st.floats(0, 0.99), st.floats(0.01, 1.0),
       st.floats(0.05, 1.0), st.integers(0, 2**32 - 1))
def test_property_correlated_data(n, p, rho, density, x_density, seed):
    X, y, w = make_correlated_data(n, p, rho=rho, density=density, X_density=x_density,
                                   random_state=seed)
    assert X.shape == (n, p) and y.shape == (n,) and w.shape == (p,)
    assert np.count_nonzero(w) == int(np.floor(density * p))
    assert sp.issparse(X) == (x_density < 1)
    assert np.isfinite(y).all()


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 4), st.integers(1, 5)), min_size=1, max_size=3),
       st.integers(0, 2**32 - 1), st.booleans())
def test_property_kronecker_support_is_a_grid(shapes, seed, kron_values):
    ks = [min(2, n) for _, n in shapes]
    factors, y, x, s2 = make_kronecker_sparse(shapes, ks, 10, kron_values=kron_values,
                                              random_state=seed)
    assert [f.shape for f in factors] == [tuple(s) for s in shapes]
    X = x.reshape([n for _, n in shapes]) != 0
    assert X.sum() <= int(np.prod(ks))  # Gaussian values: zero with probability 0
    for axis, k in enumerate(ks):
        others = tuple(a for a in range(len(shapes)) if a != axis)
        assert X.any(axis=others).sum() <= k if others else X.sum() <= k
    assert np.isfinite(y).all() and s2 >= 0
