import numpy as np
import pytest
import scipy.sparse as sp

from sparseopt.datasets import make_bcd_paper_problem, make_correlated_data


def test_paper_dataset_a_matches_the_paper():
    """The paper's problem A at default_rng(1), paper sizes: nnz = 690 948, f0 = 6 247 910.01."""
    prob = make_bcd_paper_problem("A")
    assert prob.X.shape == (1000, 10000) and sp.isspmatrix_csc(prob.X)
    assert prob.X.nnz == 690_948
    assert abs(prob.f0 - 6_247_910.01) < 0.01
    l1 = make_bcd_paper_problem("A_l1", n_samples=50, n_features=100)
    assert l1.positive and l1.alpha == pytest.approx(5e4 / 50)
    with pytest.raises(ValueError, match="name"):
        make_bcd_paper_problem("Z")


def test_correlated_data():
    X, y, w = make_correlated_data(500, 40, rho=0.5, snr=3, density=0.25, random_state=0)
    assert X.shape == (500, 40) and (w != 0).sum() == 10
    c = np.corrcoef(X[:, 0], X[:, 1])[0, 1]
    assert 0.4 < c < 0.6
    noise = y - X @ w
    assert np.linalg.norm(X @ w) / np.linalg.norm(noise) == pytest.approx(3.0)
    Xs, _, _ = make_correlated_data(100, 20, X_density=0.1)
    assert sp.isspmatrix_csc(Xs) and Xs.nnz < 0.2 * 100 * 20
    with pytest.raises(ValueError, match="rho"):
        make_correlated_data(rho=1.5)


def test_make_kronecker_sparse():
    from sparseopt.datasets import make_kronecker_sparse
    from sparseopt.operators import KroneckerOperator

    for complex_ in (False, True):
        factors, y, x, s2 = make_kronecker_sparse([(6, 8), (5, 7), (4, 6)], (2, 3, 2), 15,
                                                  complex=complex_, random_state=0)
        X = x.reshape(8, 7, 6)
        nz = np.nonzero(X)
        assert len(set(nz[0])) == 2 and len(set(nz[1])) == 3 and len(set(nz[2])) == 2
        assert np.count_nonzero(x) == 12  # grid support (Kronecker values are nonzero a.s.)
        signal = KroneckerOperator(factors) @ x
        assert np.mean(np.abs(signal) ** 2) / s2 == pytest.approx(10**1.5)
        f2, y2, x2, _ = make_kronecker_sparse([(6, 8), (5, 7), (4, 6)], (2, 3, 2), 15,
                                              complex=complex_, random_state=0)
        np.testing.assert_array_equal(y, y2)


def test_paper_graph_problems_match_the_paper():
    """Problem D: f* ~ -1.062e9 with a 2-forest partition of sizes 1654 + 746; E has 3."""
    from sparseopt.solvers.forest._partition import forest_partition

    D = make_bcd_paper_problem("D")
    assert D.X.shape == (2400, 2400)
    assert D.fstar == pytest.approx(-1.062e9, rel=1e-3)
    ptr, _ = forest_partition(D.X)
    assert np.diff(ptr).tolist() == [1654, 746]
    E = make_bcd_paper_problem("E")
    assert E.X.shape == (1900, 1900)
    assert len(forest_partition(E.X)[0]) - 1 == 3
    B = make_bcd_paper_problem("B", n_samples=80, n_features=200)
    assert set(np.unique(B.y)) == {-1.0, 1.0}


def test_paper_dataset_c_softmax():
    C = make_bcd_paper_problem("C", n_samples=120, n_features=120)
    assert C.X.shape == (120, 120) and C.y.min() >= 0 and C.y.max() < 50
    assert C.W_true.shape == (120, 50)
