"""Forest-preconditioned conjugate gradients (BlockCoordinateDescent(krylov=True))."""

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.sparse.linalg import cg, spsolve

from sparseopt.datafits import GraphQuadratic
from sparseopt.solvers import BlockCoordinateDescent
from sparseopt.solvers.forest._partition import forest_partition
from sparseopt.solvers.forest._pcg import ForestPCG
from sparseopt.solvers.forest._sweeps import forest_bcd

from .test_forest import _lattice


def _random_graph(n, p, rng):
    W = sp.random(n, n, density=p, random_state=rng, data_rvs=lambda k: rng.uniform(0.1, 3, k))
    W = sp.triu(W, 1)
    W = (W + W.T).tocsr()
    return (sp.diags(np.asarray(W.sum(1)).ravel() + rng.uniform(0.01, 0.5, n)) - W).tocsr()


@pytest.mark.parametrize("graph", ["lattice", "random", "color"])
def test_solution_equals_a_direct_solve(graph):
    rng = np.random.default_rng(0)
    A = _lattice(18, extra=0.01) if graph != "random" else _random_graph(300, 0.02, rng)
    b = rng.standard_normal(A.shape[0])
    partition = "color" if graph == "color" else "tree"
    x, res = BlockCoordinateDescent(selection="cyclic", partition=partition, block_size=None,
                                    update="message_passing", krylov=True,
                                    tol=1e-12).solve(GraphQuadratic(), None, A, b)
    xs = spsolve(A.tocsc(), b)
    assert res.converged and res.effective_selection == "cyclic+cg"
    np.testing.assert_allclose(x, xs, rtol=1e-9, atol=1e-10 * np.abs(xs).max())
    # history: relative residual down to tol, objective ends at the exact minimum
    assert res.history["criterion"][-1] <= 1e-12
    assert res.history["objective"][-1] == pytest.approx(0.5 * xs @ A @ xs - b @ xs, rel=1e-12)
    assert len(res.history["criterion"]) == res.n_iter + 1


def test_preconditioner_is_symmetric_positive_definite_and_cuts_iterations():
    """One symmetric forest sweep is an SPD operator; PCG needs fewer iterations than CG and
    than repeated sweeps (forest block coordinate descent)."""
    rng = np.random.default_rng(1)
    A = _lattice(20, extra=0.001)
    n = A.shape[0]
    ptr, nodes = forest_partition(A)
    pcg = ForestPCG(A, ptr, nodes)
    # M^{-1} r by running one PCG "sweep" through the kernel's building blocks: apply the
    # preconditioner to the unit vectors via single iterations from x0 = 0 is awkward, so
    # build M^{-1} from the sweep directly (block Gauss-Seidel forward and backward).
    from sparseopt.solvers.forest._kernels_tree import forest_update
    from sparseopt.solvers.forest._partition import prepare_blocks

    orders, parents, couplings = prepare_blocks(A, ptr, nodes)
    nb = len(ptr) - 1
    sizes = np.diff(ptr)
    ranks = list(np.argsort(sizes, kind="stable"))
    seq = ranks + ranks[-2::-1]
    ip, ix, dt = A.indptr.astype(np.int64), A.indices.astype(np.int64), A.data.astype(float)
    diag = A.diagonal().astype(float)

    def apply(r):
        z = np.zeros(n)
        g = -r.copy()
        for k in seq:
            blk = nodes[ptr[k]:ptr[k + 1]]
            forest_update(ip, ix, dt, diag, blk, orders[k], parents[k], couplings[k], z, g)
        return z

    Minv = np.column_stack([apply(e) for e in np.eye(n)])
    np.testing.assert_allclose(Minv, Minv.T, atol=1e-12 * np.abs(Minv).max())
    assert np.linalg.eigvalsh(0.5 * (Minv + Minv.T))[0] > 0
    assert nb == 2
    b = rng.standard_normal(n)
    _, it_pcg, ok, _ = pcg.solve(b, tol=1e-8)
    its = []
    cg(A, b, rtol=1e-8, maxiter=10_000, callback=lambda _: its.append(1))
    _, it_bcd, ok_bcd, _ = forest_bcd(A, b, block_ptr=ptr, block_nodes=nodes, tol=1e-8,
                                      max_iter=100_000)
    assert ok and ok_bcd
    assert it_pcg < len(its)
    assert it_pcg * (2 * nb - 1) < it_bcd  # block solves: far fewer than repeated sweeps


def test_warm_start_and_budget():
    A = _lattice(10)
    b = np.random.default_rng(2).standard_normal(100)
    pcg = ForestPCG(A, *forest_partition(A))
    x, _, ok, _ = pcg.solve(b, tol=1e-11)
    assert ok
    _, it, ok2, _ = pcg.solve(b, x0=x, tol=1e-10)
    assert ok2 and it == 0
    with pytest.warns(Warning, match="max_iter=2"):
        _, res = BlockCoordinateDescent(selection="cyclic", partition="tree", block_size=None,
                                        update="message_passing", krylov=True, max_iter=2,
                                        tol=1e-14).solve(GraphQuadratic(), None, A, b)
    assert not res.converged and res.n_iter == 2


def test_bad_options():
    A = _lattice(4)
    b = np.ones(16)
    with pytest.raises(ValueError, match="selection='cyclic'"):
        BlockCoordinateDescent(selection="gsl", partition="tree", block_size=None,
                               update="message_passing", krylov=True).solve(
            GraphQuadratic(), None, A, b)
    with pytest.raises(TypeError, match="krylov"):  # strict booleans: a type error
        BlockCoordinateDescent(selection="cyclic", partition="tree", block_size=None,
                               update="message_passing", krylov="yes").solve(
            GraphQuadratic(), None, A, b)
    for krylov in (True, False):
        solver = BlockCoordinateDescent(selection="cyclic", partition="tree", block_size=None,
                                        update="message_passing", krylov=krylov)
        with pytest.raises(ValueError, match="w0"):
            solver.solve(GraphQuadratic(), None, A, b, np.ones(15))
        with pytest.raises(ValueError, match="w0"):
            solver.solve(GraphQuadratic(), None, A, b, np.full(16, np.nan))
    # a block with a cycle is refused, as for the sweeps
    with pytest.raises(ValueError, match="not a forest"):
        ForestPCG(A, np.array([0, 16]), np.arange(16, dtype=np.int64))


def _two_tree_graph(n, n_cross, rng, hubs=True):
    """Random tree on each half of the nodes plus random edges between the halves (so the two
    halves are a partition into two forests), with hubs: rows of very different lengths."""
    half = n // 2
    blocks = [np.arange(half), np.arange(half, n)]
    rows, cols = [], []
    for blk in blocks:
        for k in range(1, len(blk)):  # random recursive tree; hubs attach to node 0 often
            parent = 0 if hubs and rng.random() < 0.15 else rng.integers(k)
            rows.append(blk[k])
            cols.append(blk[parent])
    rows += list(rng.integers(0, half, n_cross))
    cols += list(rng.integers(half, n, n_cross))
    W = sp.coo_matrix((rng.uniform(0.1, 2.0, len(rows)), (rows, cols)), shape=(n, n)).tocsr()
    W = (W + W.T).tocsr()
    A = (sp.diags(np.asarray(W.sum(1)).ravel() + rng.uniform(0.01, 0.3, n)) - W).tocsr()
    ptr = np.array([0, half, n], dtype=np.int64)
    return A, ptr, np.arange(n, dtype=np.int64)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_two_forests_schur_complement_equals_direct_solve(seed):
    """Two forests: CG on the Schur complement. Irregular rows exercise the fixed-width
    storage and its overflow; the answer equals a direct solve, the recorded residual is the
    full residual and the objective decreases to the exact minimum."""
    rng = np.random.default_rng(seed)
    A, ptr, nodes = _two_tree_graph(400, 900, rng)
    b = rng.standard_normal(400)
    pcg = ForestPCG(A, ptr, nodes)
    assert pcg.method == "schur" and pcg.block_solves_per_iter == 2
    assert len(pcg.E[2]) > 0 and len(pcg.S[2]) > 0  # overflow rows in both blocks
    x, it, ok, hist = pcg.solve(b, tol=1e-12, max_iter=2000)
    xs = spsolve(A.tocsc(), b)
    assert ok
    np.testing.assert_allclose(x, xs, rtol=1e-9, atol=1e-10 * np.abs(xs).max())
    assert hist["criterion"][-1] == pytest.approx(np.linalg.norm(A @ x - b) / np.linalg.norm(b),
                                                  rel=1e-6, abs=1e-15)
    f = hist["objective"]
    f_star = 0.5 * xs @ A @ xs - b @ xs
    assert f[-1] == pytest.approx(f_star, rel=1e-10)
    assert np.all(np.diff(f) <= 1e-10 * abs(f_star))
    # objective at iteration 0 is f(x_s = 0, x_e = A_ee^{-1} b_e): an exact block minimum
    ne = pcg.ne
    e = pcg.perm[:ne]
    y = spsolve(A[e][:, e].tocsc(), b[e])
    assert f[0] == pytest.approx(0.5 * y @ A[e][:, e] @ y - b[e] @ y, rel=1e-10)


def test_schur_warm_start_from_a_perturbed_solution():
    rng = np.random.default_rng(3)
    A, ptr, nodes = _two_tree_graph(300, 500, rng)
    b = rng.standard_normal(300)
    pcg = ForestPCG(A, ptr, nodes)
    xs = spsolve(A.tocsc(), b)
    x0 = xs + 1e-3 * rng.standard_normal(300)
    x, it, ok, hist = pcg.solve(b, x0=x0, tol=1e-11)
    _, it_cold, _, _ = pcg.solve(b, tol=1e-11)
    assert ok and it < it_cold
    np.testing.assert_allclose(x, xs, rtol=1e-8, atol=1e-9 * np.abs(xs).max())
    f0 = 0.5 * x0 @ A @ x0 - b @ x0
    assert hist["objective"][0] <= f0  # x_e re-solved given x_s: never worse


def test_single_forest_is_solved_exactly():
    """A graph that is itself a forest (a path and a star): one block, the tree solve is exact."""
    rng = np.random.default_rng(4)
    n = 60
    rows = list(range(1, 30)) + list(range(31, n))
    cols = list(range(0, 29)) + [30] * (n - 31)
    W = sp.coo_matrix((rng.uniform(0.5, 2, len(rows)), (rows, cols)), shape=(n, n)).tocsr()
    W = (W + W.T).tocsr()
    A = (sp.diags(np.asarray(W.sum(1)).ravel() + 0.01) - W).tocsr()
    ptr, nodes = forest_partition(A)
    assert len(ptr) == 2
    b = rng.standard_normal(n)
    pcg = ForestPCG(A, ptr, nodes)
    x, it, ok, _ = pcg.solve(b, tol=1e-12)
    assert ok and it <= 1
    np.testing.assert_allclose(A @ x, b, atol=1e-10 * np.abs(b).max())


@pytest.mark.parametrize("method", ["schur", "sweep"])
def test_more_than_two_forests(method):
    """Three or more forests: 'schur' eliminates the largest and preconditions the others by a
    symmetric sweep; 'sweep' preconditions the whole system by a symmetric sweep."""
    rng = np.random.default_rng(5)
    A = _random_graph(300, 0.05, rng)
    ptr, nodes = forest_partition(A)
    nb = len(ptr) - 1
    assert nb > 2
    pcg = ForestPCG(A, ptr, nodes, method=method)
    assert pcg.method == method
    assert pcg.block_solves_per_iter == (2 * nb - 2 if method == "schur" else 2 * nb - 1)
    if method == "schur":
        assert len(pcg.C[2]) > 0  # some couplings between the kept forests overflow
    b = rng.standard_normal(300)
    x, it, ok, hist = pcg.solve(b, tol=1e-11)
    xs = spsolve(A.tocsc(), b)
    assert ok
    np.testing.assert_allclose(x, xs, rtol=1e-8, atol=1e-12)
    assert hist["objective"][-1] == pytest.approx(0.5 * xs @ A @ xs - b @ xs, rel=1e-10)
    its = []
    cg(A, b, rtol=1e-11, maxiter=10_000, callback=lambda _: its.append(1))
    assert it < len(its)


def test_sweep_preconditioner_of_the_kept_forests_is_spd():
    """The symmetric block Gauss-Seidel sweep over the kept forests, as a matrix, is symmetric
    positive definite (so CG on the Schur complement converges)."""
    from sparseopt.solvers.forest._kernels_schur import _sweep_precondition

    rng = np.random.default_rng(8)
    A = _random_graph(120, 0.08, rng)
    ptr, nodes = forest_partition(A)
    assert len(ptr) - 1 >= 3  # s holds at least two forests
    pcg = ForestPCG(A, ptr, nodes)
    n, ne = pcg.n, pcg.ne
    m = n - ne
    M = np.empty((m, m))
    for k in range(m):
        r = np.zeros(n)
        r[ne + k] = 1.0
        z = np.zeros(n + 1)  # z[n]: padding, kept at zero
        _sweep_precondition(r, z, np.zeros(n), pcg.C, pcg.s_ptr, pcg.seq, pcg.par, pcg.ratio,
                            pcg.inv_pivot, ne)
        M[:, k] = z[ne:n]
    np.testing.assert_allclose(M, M.T, atol=1e-12 * np.abs(M).max())
    assert np.linalg.eigvalsh(0.5 * (M + M.T))[0] > 0
    # with several forests in s the sweep is not the exact inverse of A_ss
    Ass = A[pcg.perm[ne:]][:, pcg.perm[ne:]].toarray()
    assert not np.allclose(M, np.linalg.inv(Ass))


def test_bad_method():
    A = _lattice(4)
    with pytest.raises(ValueError, match="method"):
        ForestPCG(A, *forest_partition(A), method="jacobi")


def test_indefinite_matrix_is_refused():
    """Symmetric with a positive diagonal but indefinite: a tree pivot goes non-positive."""
    A = sp.csr_matrix(np.array([[1.0, -2.0, 0.0], [-2.0, 1.0, 0.0], [0.0, 0.0, 1.0]]))
    with pytest.raises(ValueError, match="not positive definite"):
        ForestPCG(A, np.array([0, 3]), np.arange(3, dtype=np.int64))
    with pytest.raises(ValueError, match="not positive definite"):
        BlockCoordinateDescent(selection="cyclic", partition="tree", block_size=None,
                               update="message_passing", krylov=True).solve(
            GraphQuadratic(), None, A, np.ones(3))


def test_topological_order_roots_trees_at_their_smallest_node():
    from sparseopt.solvers.forest._kernels_schur import forest_topological_order

    rng = np.random.default_rng(6)
    A, ptr, nodes = _two_tree_graph(200, 300, rng, hubs=False)
    perm = rng.permutation(200)  # relabel so that trees are not rooted at 0 by construction
    A = A[perm][:, perm].tocsr()
    forest = np.zeros(200, dtype=np.int64)
    forest[np.argsort(perm)[100:]] = 1
    order, parent, bad = forest_topological_order(A.indptr, A.indices, forest)
    assert bad == -1
    assert sorted(order) == list(range(200))
    pos = np.empty(200, dtype=np.int64)
    pos[order] = np.arange(200)
    for i in range(200):
        if parent[i] >= 0:
            assert pos[parent[i]] < pos[i] and A[i, parent[i]] != 0
            assert forest[parent[i]] == forest[i]
    # every in-block edge is a tree edge, and each tree's root is its smallest node
    coo = sp.triu(A, 1).tocoo()
    same = forest[coo.row] == forest[coo.col]
    for i, j in zip(coo.row[same], coo.col[same], strict=True):
        assert parent[i] == j or parent[j] == i
    root = np.arange(200)
    for i in order:
        if parent[i] >= 0:
            root[i] = root[parent[i]]
    for r in np.unique(root):
        assert r == np.flatnonzero(root == r).min()
    # a block with a cycle is reported
    forest[:] = 0
    assert forest_topological_order(A.indptr, A.indices, forest)[2] == 0


_BOUNDSCHECK_SCRIPT = """
import numpy as np, scipy.sparse as sp
from sparseopt.solvers.forest._partition import forest_partition
from sparseopt.solvers.forest._pcg import ForestPCG
rng = np.random.default_rng(0)
for n, p in ((300, 0.05), (200, 0.01)):
    W = sp.random(n, n, density=p, random_state=rng, data_rvs=lambda k: rng.uniform(0.1, 3, k))
    W = sp.triu(W, 1)
    W = (W + W.T).tocsr()
    A = (sp.diags(np.asarray(W.sum(1)).ravel() + 0.1) - W).tocsr()
    b = rng.standard_normal(n)
    for method in ("schur", "sweep"):
        pcg = ForestPCG(A, *forest_partition(A), method=method)
        x, it, ok, _ = pcg.solve(b, x0=0.1 * b, tol=1e-10)
        assert ok and np.linalg.norm(A @ x - b) <= 1e-9 * np.linalg.norm(b), (method, it)
print("ok")
"""


def test_kernels_stay_in_bounds(tmp_path):
    """Run the Schur and sweep kernels (several forests, two forests, warm start) compiled with
    numba's bounds checking: any read past an array's end (e.g. a padding index) raises."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, NUMBA_BOUNDSCHECK="1", NUMBA_CACHE_DIR=str(tmp_path))
    out = subprocess.run([sys.executable, "-c", _BOUNDSCHECK_SCRIPT], env=env,
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.strip().endswith("ok")


@pytest.mark.parametrize("krylov", [True, False])
def test_one_sided_explicit_zeros_do_not_change_the_forests(krylov):
    """An explicit zero stored on one side only passes the symmetry check; the forests are
    built from the nonzeros, so the solve is still exact (and the caller's matrix is kept)."""
    L = _lattice(6, extra=0.1).tocoo()
    # stored zeros in row 0 only, at (0, 7) and (0, 14): with them the structure has cycles
    rows = np.concatenate([L.row, [0, 0]])
    cols = np.concatenate([L.col, [7, 14]])
    vals = np.concatenate([L.data, [0.0, 0.0]])
    A = sp.csr_matrix((vals, (rows, cols)), shape=L.shape)
    assert A.nnz == L.nnz + 2 and abs(A - A.T).max() == 0
    before = A.copy()
    b = np.random.default_rng(9).standard_normal(36)
    x, res = BlockCoordinateDescent(selection="cyclic", partition="tree", block_size=None,
                                    update="message_passing", krylov=krylov,
                                    tol=1e-12).solve(GraphQuadratic(), None, A, b)
    assert res.converged
    np.testing.assert_allclose(x, spsolve(A.tocsc(), b), rtol=1e-9, atol=1e-12)
    assert A.nnz == before.nnz and (A != before).nnz == 0


@pytest.mark.parametrize("n_forests", [2, 3])
def test_indefinite_matrix_with_positive_tree_pivots_stops_unconverged(n_forests):
    """Every tree pivot positive, but A indefinite: CG meets non-positive curvature and stops;
    BlockCoordinateDescent reports it with a ConvergenceWarning instead of a wrong answer."""
    from sklearn.exceptions import ConvergenceWarning

    rng = np.random.default_rng(11)
    if n_forests == 2:
        L = _lattice(12, extra=0.0)
    else:
        L = _random_graph(150, 0.05, rng)
        L = L - sp.diags(L.diagonal() - np.asarray(abs(L).sum(1)).ravel()
                         + L.diagonal())  # Laplacian: diagonal = weighted degree
    A = (L - 0.3 * sp.eye(L.shape[0])).tocsr()  # shift the zero eigenvalue below zero
    assert np.linalg.eigvalsh(A.toarray())[0] < 0
    ptr, nodes = forest_partition(A)
    assert len(ptr) - 1 == n_forests
    pcg = ForestPCG(A, ptr, nodes)  # the trees factorise: diagonally dominant blocks
    x, it, ok, _ = pcg.solve(np.ones(A.shape[0]), tol=1e-10, max_iter=5000)
    assert not ok and it < 5000
    with pytest.warns(ConvergenceWarning):
        BlockCoordinateDescent(selection="cyclic", partition="tree", block_size=None,
                               update="message_passing", krylov=True,
                               max_iter=5000).solve(GraphQuadratic(), None, A,
                                                    np.ones(A.shape[0]))
