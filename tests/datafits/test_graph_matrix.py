"""Validation of GraphQuadratic's matrix: symmetry, finiteness, diagonal, canonical structure."""

import numpy as np
import pytest
import scipy.sparse as sp

from sparseopt.datafits._graph import check_graph_matrix, csr_max_asymmetry


def _spd(n, rng):
    W = sp.random(n, n, density=0.1, random_state=rng)
    W = sp.triu(W, 1)
    W = (W + W.T).tocsr()
    return (sp.diags(np.asarray(W.sum(1)).ravel() + 1.0) - W).tocsr()


def test_max_asymmetry_matches_dense():
    rng = np.random.default_rng(0)
    for _ in range(5):
        M = sp.random(30, 30, density=0.2, random_state=rng, format="csr")
        M.sort_indices()
        D = M.toarray()
        assert csr_max_asymmetry(M.indptr, M.indices, M.data) == pytest.approx(
            np.abs(D - D.T).max(), abs=1e-15)


def test_accepts_spd_and_leaves_the_input_untouched():
    rng = np.random.default_rng(1)
    A = _spd(40, rng)
    # stored zeros (one side) and an unsorted, duplicated entry: canonicalised on a copy
    B = sp.csr_matrix((np.r_[A.data, 0.0, 0.5, 0.5],
                       (np.r_[A.tocoo().row, 0, 3, 3], np.r_[A.tocoo().col, 5, 3, 3])),
                      shape=A.shape)
    B = sp.csr_matrix((B.data, B.indices, B.indptr), shape=B.shape)  # keep as given
    before = (B.data.copy(), B.indices.copy(), B.indptr.copy())
    C = check_graph_matrix(B)
    assert C.has_canonical_format and np.all(C.data != 0)
    np.testing.assert_allclose(C.toarray(), B.toarray())
    for a, b in zip(before, (B.data, B.indices, B.indptr), strict=True):
        np.testing.assert_array_equal(a, b)
    # dense input works too
    np.testing.assert_allclose(check_graph_matrix(A.toarray()).toarray(), A.toarray())


@pytest.mark.parametrize("case, match", [
    ("values", "symmetric"), ("structure", "symmetric"), ("nan", "finite"), ("inf", "finite"),
    ("diagonal", "positive diagonal"), ("shape", "square")])
def test_refusals(case, match):
    rng = np.random.default_rng(2)
    A = _spd(20, rng).tolil()
    if case == "values":
        A[0, 1], A[1, 0] = -1.0, -1.1
    elif case == "structure":
        A[0, 7] = -0.5  # no (7, 0) entry
    elif case == "nan":
        A[2, 2] = np.nan
    elif case == "inf":
        A[3, 4] = A[4, 3] = -np.inf
    elif case == "diagonal":
        A[5, 5] = 0.0
    else:
        A = A[:, :19]
    with pytest.raises(ValueError, match=match):
        check_graph_matrix(A.tocsr())
