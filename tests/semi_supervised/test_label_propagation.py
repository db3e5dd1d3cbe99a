import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.sparse.linalg import spsolve
from sklearn.datasets import make_moons

from sparseopt.semi_supervised import LabelPropagation, harmonic_system


@pytest.fixture(scope="module")
def moons():
    X, y = make_moons(600, noise=0.06, random_state=0)
    y_obs = np.full(600, -1)
    rng = np.random.default_rng(0)
    lab = rng.choice(600, 30, replace=False)
    y_obs[lab] = y[lab]
    return X, y, y_obs


def test_matches_direct_solve_and_accuracy(moons):
    X, y, y_obs = moons
    model = LabelPropagation(n_neighbors=7).fit(X, y_obs)
    np.testing.assert_allclose(model.label_distributions_.sum(axis=1), 1.0)
    assert (model.transduction_ == y).mean() >= 0.95
    W = model._affinity(X)
    lab = y_obs != -1
    Y_l = (y_obs[lab][:, None] == model.classes_[None, :]).astype(float)
    A, B = harmonic_system(W, lab, Y_l)
    F_u = np.column_stack([spsolve(A.tocsc(), B[:, c]) for c in range(2)])
    F_u /= F_u.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(model.label_distributions_[~lab], F_u, rtol=1e-6, atol=1e-7)
    np.testing.assert_array_equal(model.label_distributions_[lab], Y_l)
    assert (model.predict(X) == y).mean() >= 0.9
    P = model.predict_proba(X[:5])
    assert P.shape == (5, 2) and np.allclose(P.sum(axis=1), 1.0)


def test_unlabelled_component_gets_uniform_rows():
    W = sp.block_diag([np.ones((3, 3)) - np.eye(3), np.ones((3, 3)) - np.eye(3)]).tocsr()
    y = np.array([0, 1, -1, -1, -1, -1])
    with pytest.warns(UserWarning, match="without any labelled"):
        model = LabelPropagation(kernel="precomputed").fit(W.toarray(), y)
    np.testing.assert_allclose(model.label_distributions_[3:], 0.5)


def test_errors():
    with pytest.raises(ValueError, match="labelled"):
        LabelPropagation().fit(np.random.default_rng(0).standard_normal((10, 2)),
                               np.full(10, -1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ValueError, match="kernel"):
            LabelPropagation(kernel="cosine").fit(np.eye(4), np.array([0, 1, -1, -1]))


def test_affinity_matrix_is_the_fitted_graph():
    X, y = make_moons(120, noise=0.05, random_state=0)
    y_obs = np.full(120, -1)
    y_obs[:10] = y[:10]
    for kernel in ("knn", "rbf"):
        est = LabelPropagation(kernel=kernel, n_neighbors=6, gamma=5.0)
        W = est.affinity_matrix(X)
        assert sp.issparse(W) and W.shape == (120, 120)
        assert abs(W - W.T).max() <= 1e-12 and W.diagonal().max() == 0
        est.fit(X, y_obs)
        lab = y_obs != -1
        A, B = harmonic_system(W, lab, (y_obs[lab][:, None] == est.classes_).astype(float))
        F = spsolve(A.tocsc(), B)
        F = np.maximum(F, 0)
        F = F / F.sum(axis=1, keepdims=True)
        np.testing.assert_allclose(est.label_distributions_[~lab], F, atol=1e-6)
    P = LabelPropagation(kernel="precomputed").affinity_matrix(W)
    assert (P != W).nnz == 0
    with pytest.raises(ValueError, match="square"):
        LabelPropagation(kernel="precomputed").affinity_matrix(X)


def test_harmonic_system_leaves_the_affinity_untouched_and_drops_self_loops():
    rng = np.random.default_rng(1)
    D = rng.uniform(0, 1, (8, 8))
    D = np.triu(D, 1) * (rng.random((8, 8)) < 0.6)
    D = D + D.T + np.diag(rng.uniform(0.5, 2, 8))  # self-loops must not count
    W = sp.csr_matrix(D)
    W_before = W.copy()
    labelled = np.array([True, False, False, True, False, False, False, False])
    Y_l = np.array([[1.0, 0.0], [0.0, 1.0]])
    A, B = harmonic_system(W, labelled, Y_l)
    assert (W != W_before).nnz == 0 and np.array_equal(W.diagonal(), W_before.diagonal())
    D0 = D - np.diag(np.diag(D))
    L = np.diag(D0.sum(1)) - D0
    U = ~labelled
    np.testing.assert_allclose(A.toarray(), L[U][:, U])
    np.testing.assert_allclose(B, D0[U][:, labelled] @ Y_l)
    # the estimator with a precomputed sparse affinity leaves it untouched too
    LabelPropagation(kernel="precomputed").fit(W, np.array([0, -1, -1, 1, -1, -1, -1, -1]))
    assert (W != W_before).nnz == 0


@pytest.mark.parametrize("krylov, p", [(True, [0.7, 0.2, 0.1]), (False, [0.7, 0.2, 0.1]),
                                       (True, [0.25, 0.25, 0.25, 0.25])])
def test_one_class_fewer_is_solved_and_every_class_meets_tol(krylov, p):
    """n_classes - 1 systems are solved and the derived class (one minus the others) still has
    a relative residual within tol, like the others (unbalanced and balanced labels)."""
    from sparseopt.datasets._bcd_paper import lattice_affinity
    from sparseopt.solvers import BlockCoordinateDescent

    n = 30
    W = lattice_affinity(n, 1.0)
    rng = np.random.default_rng(2)
    y = np.full(n * n, -1)
    lab = rng.choice(n * n, 60, replace=False)
    K = len(p)
    y[lab] = rng.choice(K, 60, p=p)
    solver = None if krylov else BlockCoordinateDescent(
        selection="cyclic", partition="tree", block_size=None, update="message_passing")
    tol = 1e-8
    model = LabelPropagation(kernel="precomputed", solver=solver, tol=tol).fit(W, y)
    labelled = y != -1
    Y_l = (y[labelled][:, None] == model.classes_[None, :]).astype(float)
    A, B = harmonic_system(W, labelled, Y_l)
    F_u = model.label_distributions_[~labelled]
    for c in range(K):
        res = np.linalg.norm(A @ F_u[:, c] - B[:, c]) / np.linalg.norm(B[:, c])
        assert res <= 1.01 * tol, (c, res)
        np.testing.assert_allclose(F_u[:, c], spsolve(A.tocsc(), B[:, c]), atol=1e-6)
    # one class is derived: fewer iterations than solving every class to tol
    if krylov:
        from sparseopt.solvers.forest._partition import forest_partition
        from sparseopt.solvers.forest._pcg import ForestPCG

        pcg = ForestPCG(A, *forest_partition(A))
        its = [pcg.solve(B[:, c], tol=tol)[1] for c in range(K)]
        assert model.n_iter_ < sum(its)


def test_harmonic_system_on_unsorted_duplicated_affinity():
    """Unsorted columns, duplicate entries (summed), self-loops and stored zeros: A and B
    equal the dense formula, the input is untouched, and a canonical input gives a canonical A."""
    rng = np.random.default_rng(7)
    N = 60
    D = np.triu(rng.uniform(0, 1, (N, N)) * (rng.random((N, N)) < 0.15), 1)
    D = D + D.T
    coo = sp.coo_matrix(D)
    # split every weight into two duplicates, add self-loops and a stored zero, shuffle
    rows = np.r_[coo.row, coo.row, np.arange(N), 0]
    cols = np.r_[coo.col, coo.col, np.arange(N), 1 if D[0, 1] == 0 else 2]
    vals = np.r_[0.25 * coo.data, 0.75 * coo.data, rng.uniform(1, 2, N), 0.0]
    perm = rng.permutation(rows.size)
    order = np.argsort(rows[perm], kind="stable")
    r, c, v = rows[perm][order], cols[perm][order], vals[perm][order]
    indptr = np.r_[0, np.cumsum(np.bincount(r, minlength=N))]
    W = sp.csr_matrix((v, c, indptr), shape=(N, N))
    assert not W.has_sorted_indices
    before = (W.data.copy(), W.indices.copy())
    labelled = rng.random(N) < 0.3
    Y_l = np.eye(3)[rng.integers(0, 3, labelled.sum())]
    A, B = harmonic_system(W, labelled, Y_l)
    U = ~labelled
    L = np.diag(D.sum(1)) - D
    np.testing.assert_allclose(A.toarray(), L[U][:, U], atol=1e-14)
    np.testing.assert_allclose(B, D[U][:, labelled] @ Y_l, atol=1e-14)
    np.testing.assert_array_equal(W.data, before[0])
    np.testing.assert_array_equal(W.indices, before[1])
    A2, _ = harmonic_system(sp.csr_matrix(D), labelled, Y_l)
    assert A2.has_canonical_format
    np.testing.assert_allclose(A2.toarray(), L[U][:, U], atol=1e-14)
