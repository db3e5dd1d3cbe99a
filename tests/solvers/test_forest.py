"""Forest blocks: partitions, exact tree solves, refusal of cyclic blocks, graph BCD."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.sparse.linalg import spsolve

from sparseopt.datafits import GraphQuadratic, Quadratic
from sparseopt.solvers import BlockCoordinateDescent
from sparseopt.solvers.forest._partition import forest_partition, prepare_blocks
from sparseopt.solvers.forest._sweeps import forest_bcd


def _tree_matrix(edges, n, rng):
    W = sp.coo_matrix((rng.uniform(0.5, 2.0, len(edges)), tuple(np.array(edges).T)),
                      shape=(n, n))
    W = (W + W.T).tocsr()
    return (sp.diags(np.asarray(W.sum(1)).ravel() + rng.uniform(0.1, 1.0, n)) - W).tocsr()


def _lattice(n, extra=0.1):
    rows, cols = [], []
    for r in range(n):
        for c in range(n):
            if c + 1 < n:
                rows.append(r * n + c)
                cols.append(r * n + c + 1)
            if r + 1 < n:
                rows.append(r * n + c)
                cols.append((r + 1) * n + c)
    W = sp.coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(n * n, n * n))
    W = (W + W.T).tocsr()
    return (sp.diags(np.asarray(W.sum(1)).ravel() + extra) - W).tocsr()


@pytest.mark.parametrize("kind", ["chain", "star", "random"])
def test_tree_solve_is_exact(kind):
    rng = np.random.default_rng(0)
    n = 200
    if kind == "chain":
        edges = [(i, i + 1) for i in range(n - 1)]
    elif kind == "star":
        edges = [(0, i) for i in range(1, n)]
    else:
        edges = [(int(rng.integers(i)), i) for i in range(1, n)]
    A = _tree_matrix(edges, n, rng)
    b = rng.standard_normal(n)
    ptr = np.array([0, n])
    nodes = np.arange(n)
    x, it, conv, _ = forest_bcd(A, b, block_ptr=ptr, block_nodes=nodes, tol=1e-14, max_iter=1)
    ref = np.linalg.solve(A.toarray(), b)
    assert it == 1
    np.testing.assert_allclose(x, ref, rtol=1e-12, atol=1e-12 * np.abs(ref).max())


def test_cyclic_block_is_refused():
    A = _lattice(3)
    with pytest.raises(ValueError, match="not a forest"):
        prepare_blocks(A, np.array([0, 9]), np.arange(9))


def test_partition_is_forests_and_lattice_needs_two():
    A = _lattice(20)
    ptr, nodes = forest_partition(A)
    assert len(ptr) - 1 == 2
    np.testing.assert_array_equal(np.sort(nodes), np.arange(400))
    for b in range(len(ptr) - 1):
        blk = nodes[ptr[b]:ptr[b + 1]]
        sub = A[blk][:, blk]
        n_edges = (sub.nnz - len(blk)) // 2
        n_comp, _ = sp.csgraph.connected_components(sub, directed=False)
        assert n_edges == len(blk) - n_comp  # acyclic
    prepare_blocks(A, ptr, nodes)


@pytest.mark.parametrize("selection", ["cyclic", "random", "gs", "gsl"])
def test_graph_bcd_matches_spsolve(selection):
    A = _lattice(15)
    b = np.random.default_rng(1).standard_normal(225)
    x, res = BlockCoordinateDescent(selection=selection, partition="tree", block_size=None,
                                    update="message_passing", tol=1e-10,
                                    random_state=0).solve(GraphQuadratic(), None, A, b)
    assert res.converged
    np.testing.assert_allclose(x, spsolve(A.tocsc(), b), rtol=1e-8, atol=1e-9)
    obj = res.history["objective"]
    assert np.all(np.diff(obj) <= 1e-12 * abs(obj[0]) + 1e-12)


def test_message_passing_beats_coordinate_updates_on_the_lattice():
    """Forest blocks solved exactly need fewer sweeps than single-coordinate blocks."""
    A = _lattice(20)
    b = np.random.default_rng(2).standard_normal(400)
    _, forest = BlockCoordinateDescent(selection="cyclic", partition="tree", block_size=None,
                                       update="message_passing", tol=1e-8).solve(
        GraphQuadratic(), None, A, b)
    _, single = BlockCoordinateDescent(selection="cyclic", partition="tree", block_size=1,
                                       update="message_passing", tol=1e-8).solve(
        GraphQuadratic(), None, A, b)
    assert forest.converged and single.converged
    sweeps_forest = forest.n_iter / 2
    sweeps_single = single.n_iter / 400
    assert sweeps_forest < sweeps_single


def test_invalid_graph_combinations():
    A = _lattice(4)
    b = np.ones(16)
    with pytest.raises(ValueError, match="partition"):
        BlockCoordinateDescent(partition="fixed", update="message_passing").solve(
            GraphQuadratic(), None, A, b)
    with pytest.raises(ValueError, match="GraphQuadratic"):
        BlockCoordinateDescent(partition="tree", update="message_passing").solve(
            Quadratic(), None, np.eye(3), np.ones(3))
    with pytest.raises(ValueError, match="symmetric"):
        BlockCoordinateDescent(partition="tree", update="message_passing").solve(
            GraphQuadratic(), None, sp.csr_matrix(np.triu(np.ones((3, 3)))), np.ones(3))


def test_color_partition_is_a_proper_coloring_and_solves():
    from sparseopt.solvers.forest._partition import color_partition

    A = _lattice(12)
    ptr, nodes = color_partition(A)
    assert len(ptr) - 1 == 2  # red-black
    for b in range(2):
        blk = nodes[ptr[b]:ptr[b + 1]]
        sub = A[blk][:, blk]
        assert sub.nnz == len(blk)  # only the diagonal: an independent set
    b = np.random.default_rng(0).standard_normal(144)
    x, res = BlockCoordinateDescent(selection="cyclic", partition="color",
                                    update="message_passing", tol=1e-10).solve(
        GraphQuadratic(), None, A, b)
    assert res.converged
    np.testing.assert_allclose(x, spsolve(A.tocsc(), b), rtol=1e-8, atol=1e-9)
    _, forest = BlockCoordinateDescent(selection="cyclic", partition="tree", block_size=None,
                                       update="message_passing", tol=1e-10).solve(
        GraphQuadratic(), None, A, b)
    assert forest.n_iter < res.n_iter  # forests beat red-black per iteration (paper, Fig. 6)


@pytest.mark.parametrize("name", ["D", "E"])
def test_paper_orderings_on_label_propagation(name):
    """Per iteration: greedy tree <= fixed forests <= red-black (paper, Fig. 6)."""
    from sparseopt.datasets import make_bcd_paper_problem

    P = make_bcd_paper_problem(name)
    final = {}
    for label, kw in (("greedy", dict(selection="gsl", partition="tree")),
                      ("fixed", dict(selection="cyclic", partition="tree")),
                      ("redblack", dict(selection="cyclic", partition="color"))):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _, res = BlockCoordinateDescent(update="message_passing", block_size=None,
                                            max_iter=200, tol=0.0, **kw).solve(
                GraphQuadratic(), None, P.X, P.y)
        final[label] = res.history["objective"][-1] - P.fstar
    assert final["greedy"] <= final["fixed"] * (1 + 1e-9) + 1e-9 * abs(P.fstar)
    assert final["fixed"] < final["redblack"]
