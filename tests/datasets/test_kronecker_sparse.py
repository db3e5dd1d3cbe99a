"""make_kronecker_sparse against independent checks."""

import numpy as np
import pytest

from sparseopt.datasets import make_kronecker_sparse


def _dense(factors):
    out = np.ones((1, 1))
    for f in factors:
        out = np.kron(out, f)
    return out


@pytest.mark.parametrize("complex_", [False, True])
@pytest.mark.parametrize("kron_values", [True, False])
def test_grid_support_snr_and_noise(complex_, kron_values):
    shapes, ks = [(5, 9), (4, 7), (6, 8)], (3, 2, 4)
    factors, y, x, s2 = make_kronecker_sparse(shapes, ks, 12.0, complex=complex_,
                                              kron_values=kron_values, random_state=3)
    assert [f.shape for f in factors] == shapes
    X = x.reshape(9, 7, 8)
    sups = [np.flatnonzero(np.any(X != 0, axis=ax)) for ax in ((1, 2), (0, 2), (0, 1))]
    assert [len(s) for s in sups] == list(ks)
    assert np.count_nonzero(x) == np.prod(ks)  # the full grid S_1 x S_2 x S_3
    assert np.all(X[np.ix_(*sups)] != 0)
    core = X[np.ix_(*sups)]
    if kron_values:  # x = x_1 (x) x_2 (x) x_3: every unfolding has rank one
        for i in range(3):
            unf = np.moveaxis(core, i, 0).reshape(ks[i], -1)
            assert np.linalg.matrix_rank(unf, tol=1e-10 * np.abs(core).max()) == 1
    else:  # i.i.d. values on the grid: generically full rank unfoldings
        assert np.linalg.matrix_rank(core.reshape(3, -1)) == 3
    assert (np.iscomplexobj(x) and np.iscomplexobj(y)) == complex_
    assert all(np.iscomplexobj(f) == complex_ for f in factors)
    signal = _dense(factors) @ x
    M = signal.size
    assert np.sum(np.abs(signal) ** 2) / M / s2 == pytest.approx(10**1.2, rel=1e-12)
    if not complex_:
        assert np.isrealobj(y - signal)  # real Gaussian noise for real problems


def test_noise_and_factor_statistics():
    """Unnormalised N(0, 1) / CN(0, 1) factor entries and noise of variance sigma^2 (averaged
    over seeds)."""
    for complex_ in (False, True):
        ratios, fvar = [], []
        for seed in np.random.SeedSequence(0).spawn(30):
            factors, y, x, s2 = make_kronecker_sparse([(20, 30), (15, 25)], 2, 5.0,
                                                      complex=complex_,
                                                      random_state=np.random.default_rng(seed))
            n = y - _dense(factors) @ x
            ratios.append(np.mean(np.abs(n) ** 2) / s2)
            fvar.append(np.mean(np.abs(np.concatenate([f.ravel() for f in factors])) ** 2))
        assert np.mean(ratios) == pytest.approx(1.0, rel=0.05)  # 9000 noise samples
        assert np.mean(fvar) == pytest.approx(1.0, rel=0.05)


def test_seed_determinism():
    a = make_kronecker_sparse([(4, 6), (3, 5)], 2, 20, random_state=7)
    b = make_kronecker_sparse([(4, 6), (3, 5)], 2, 20, random_state=np.random.default_rng(7))
    c = make_kronecker_sparse([(4, 6), (3, 5)], 2, 20, random_state=8)
    for p, q in zip(a[0] + list(a[1:3]), b[0] + list(b[1:3]), strict=True):
        np.testing.assert_array_equal(p, q)
    assert a[3] == b[3]
    assert not np.array_equal(a[1], c[1])


def test_paper_setup_ps_shapes():
    """The main synthetic point: N_i = 15, (M_1, M_2, M_3) = (8, 12, 15): M = 1440, N = 3375, 27
    nonzeros."""
    factors, y, x, s2 = make_kronecker_sparse([(8, 15), (12, 15), (15, 15)], 3, 25,
                                              random_state=0)
    assert y.shape == (1440,) and x.shape == (3375,)
    assert np.count_nonzero(x) == 27
