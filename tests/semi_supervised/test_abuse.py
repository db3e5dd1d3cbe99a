"""Abuse suite of ``LabelPropagation`` (and ``harmonic_system``): bad parameters, data and
labels give a clear error naming the argument; degenerate label sets, sparse and precomputed
graphs give verified results (table-driven cases plus hypothesis properties)."""

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from sparseopt.semi_supervised import LabelPropagation, harmonic_system
from sparseopt.solvers import BlockCoordinateDescent, ForestSolver

ERR = (ValueError, TypeError)
RNG = np.random.default_rng(0)
X = np.r_[RNG.standard_normal((20, 2)) - 3, RNG.standard_normal((20, 2)) + 3]
Y = np.full(40, -1)
Y[:3], Y[20:23] = 0, 1

PARAMETERS = {"kernel": ["foo", None, 3], "n_neighbors": [0, -1, 2.5, "a", True, None],
              "gamma": [0.0, -1.0, np.nan, np.inf, "a", None, True],
              "solver": ["cd", 3, BlockCoordinateDescent()],
              "max_iter": [0, -1, 2.5, "a", True], "tol": [-1.0, np.nan, np.inf, "a", None],
              "verbose": [-1, 1.5, "a"]}


@pytest.mark.parametrize("name, value", [pytest.param(n, v, id=f"{n}={v!r}")
                                         for n, values in PARAMETERS.items() for v in values])
def test_bad_parameters_are_named(name, value):
    match = "partition|solver" if name == "solver" else name
    with pytest.raises(ERR, match=match):
        LabelPropagation(**{name: value}).fit(X, Y)
    if name in ("kernel", "n_neighbors", "gamma"):  # the graph alone checks them too
        with pytest.raises(ERR, match=name):
            LabelPropagation(**{name: value}).affinity_matrix(X)


def _nan(A):
    out = A.astype(float).copy()
    out.flat[0] = np.nan
    return out


BAD_DATA = {  # label -> (X, y, pattern)
    "X nan": (_nan(X), Y, "NaN"), "X inf": (np.where(X > 2, np.inf, X), Y, "infinity"),
    "X empty": (X[:0], Y[:0], "sample"), "X one sample": (X[:1], Y[:1], "sample"),
    "X complex": (X + 1j, Y, "[Cc]omplex"),
    "X strings": (np.full(X.shape, "a"), Y, "float|numeric"),
    "X 1d": (X[:, 0], Y, "2D"), "y short": (X, Y[:-1], "inconsistent|sample"),
    "y all unlabelled": (X, np.full(40, -1), "labelled"),
    "y continuous": (X, Y + 0.5, "label type|continuous"), "y nan": (X, _nan(Y), "NaN"),
    "y 2d": (X, np.c_[Y, Y], "1d|shape"),
    "precomputed not square": (np.ones((40, 3)), Y, "square"),
}


@pytest.mark.parametrize("label", list(BAD_DATA))
def test_bad_data_is_refused(label):
    Xb, yb, pattern = BAD_DATA[label]
    kernel = "precomputed" if label.startswith("precomputed") else "knn"
    with pytest.raises(ERR, match=pattern):
        LabelPropagation(kernel=kernel).fit(Xb, yb)


def test_predict_refuses_bad_X():
    lp = LabelPropagation().fit(X, Y)
    for bad in (X[:, :1], _nan(X), X + 1j, np.full(X.shape, "a")):
        with pytest.raises(ERR):
            lp.predict(bad)


@pytest.mark.parametrize("label, W, labelled, Y_l", [
    ("W not square", sp.csr_matrix(np.ones((3, 2))), [True, False, False], np.ones((1, 1))),
    ("labelled wrong length", sp.csr_matrix(np.ones((3, 3))), [True, False], np.ones((1, 1))),
    ("Y_l wrong rows", sp.csr_matrix(np.ones((3, 3))), [True, False, False], np.ones((2, 1))),
])
def test_harmonic_system_refuses_bad_inputs(label, W, labelled, Y_l):
    with pytest.raises(ERR):
        harmonic_system(W, np.asarray(labelled), Y_l)


# ------------------------------------------------------------------ verified results
def _harmonic(W, y):
    """The harmonic solution by a dense solve: L_UU F_U = W_UL Y_L."""
    W = W.toarray()
    lab = y != -1
    classes = np.unique(y[lab])
    L = np.diag(W.sum(1)) - W
    U = ~lab
    Yl = (y[lab][:, None] == classes).astype(float)
    return np.linalg.solve(L[np.ix_(U, U)], W[np.ix_(U, lab)] @ Yl), classes


def test_degenerate_label_sets():
    # every sample labelled: the labels are returned as they are
    full = np.r_[np.zeros(20, int), np.ones(20, int)]
    np.testing.assert_array_equal(LabelPropagation().fit(X, full).transduction_, full)
    # a single class: every sample gets it
    one = np.where(Y == 1, 0, Y)
    assert np.all(LabelPropagation().fit(X, one).transduction_ == 0)
    # labels 0 and 1 at the two clusters: each cluster takes its label
    lp = LabelPropagation().fit(X, Y)
    np.testing.assert_array_equal(lp.transduction_, np.r_[np.zeros(20), np.ones(20)])
    # n_neighbors beyond the sample count: the complete graph, still the harmonic solution
    big = LabelPropagation(n_neighbors=100, tol=1e-12).fit(X, Y)
    F, _ = _harmonic(big.affinity_matrix(X), Y)
    np.testing.assert_allclose(big.label_distributions_[Y == -1], F, atol=1e-8)


@pytest.mark.parametrize("kernel", ["knn", "rbf", "precomputed"])
@pytest.mark.parametrize("solver", [None, ForestSolver(krylov=False),
                                    BlockCoordinateDescent(selection="cyclic",
                                                           partition="tree", block_size=None,
                                                           update="message_passing")])
def test_matches_the_dense_harmonic_solution(kernel, solver):
    data = X
    if kernel == "precomputed":
        data = LabelPropagation(n_neighbors=5).affinity_matrix(X)
    lp = LabelPropagation(kernel=kernel, gamma=0.5, solver=solver, tol=1e-12).fit(data, Y)
    W = lp.affinity_matrix(data)
    F, classes = _harmonic(W, Y)
    np.testing.assert_allclose(lp.label_distributions_[Y == -1], F, atol=1e-7)
    np.testing.assert_array_equal(lp.transduction_[Y == -1], classes[F.argmax(1)])


def test_sparse_precomputed_formats_agree():
    W = LabelPropagation(n_neighbors=5).affinity_matrix(X)
    ref = LabelPropagation(kernel="precomputed", tol=1e-12).fit(W, Y).label_distributions_
    for fmt in (sp.csc_matrix, sp.coo_matrix, lambda M: M.toarray()):
        out = LabelPropagation(kernel="precomputed", tol=1e-12).fit(fmt(W), Y)
        np.testing.assert_allclose(out.label_distributions_, ref, atol=1e-10)


# ------------------------------------------------------------------ properties
@settings(max_examples=15, deadline=None)
@given(st.integers(0, 2**31 - 1), st.integers(2, 4), st.integers(3, 8))
def test_property_distributions_are_harmonic_and_sum_to_one(seed, n_classes, k):
    rng = np.random.default_rng(seed)
    Xr = rng.standard_normal((30, 2))
    yr = np.full(30, -1)
    idx = rng.permutation(30)[: 2 * n_classes]
    yr[idx] = np.arange(2 * n_classes) % n_classes
    lp = LabelPropagation(n_neighbors=k, tol=1e-12)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # components without a label
        lp.fit(Xr, yr)
    D = lp.label_distributions_
    np.testing.assert_allclose(D.sum(axis=1), 1.0, atol=1e-8)
    assert np.all(D >= -1e-10)
    # harmonic: every unlabelled node reached by a label is the mean of its neighbours
    W = lp.affinity_matrix(Xr).toarray()
    U = np.flatnonzero(yr == -1)
    deg = W[U].sum(1)
    mean = (W[U] @ D) / deg[:, None]
    reached = ~np.all(np.isclose(D[U], 1.0 / D.shape[1]), axis=1)
    np.testing.assert_allclose(D[U][reached], mean[reached], atol=1e-7)
