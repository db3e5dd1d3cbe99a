"""Abuse suite of ``KroneckerOperator``: every call gives a clear error naming the argument, or
the product of the dense ``np.kron`` matrix (table-driven cases plus hypothesis properties)."""

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from sparseopt.operators import KroneckerOperator

ERR = (ValueError, TypeError)
RNG = np.random.default_rng(0)
A, B = RNG.standard_normal((2, 3)), RNG.standard_normal((4, 5))
OP = KroneckerOperator([A, B])
DENSE = np.kron(A, B)
X = RNG.standard_normal(15)


# ------------------------------------------------------------------ refusals (table-driven)
BAD_FACTORS = {
    "None": None, "int": 3, "str": "ab", "dict": {0: A}, "empty list": [],
    "1-D factor": [np.ones(3)], "3-D factor": [np.ones((2, 2, 2))], "NaN": [np.array([[np.nan]])],
    "inf": [np.array([[-np.inf]])], "no rows": [np.ones((0, 3))], "no columns": [np.ones((3, 0))],
    "sparse list": [sp.csr_matrix(A)], "sparse": sp.csr_matrix(A),
    "strings": [np.full((2, 2), "a")], "ragged": [[[1.0], [1.0, 2.0]]],
    "datetime": [np.array([[np.datetime64("2020-01-01")]])], "scalar factor": [3.0],
}


@pytest.mark.parametrize("factors", list(BAD_FACTORS.values()), ids=list(BAD_FACTORS))
def test_bad_factors_are_refused(factors):
    with pytest.raises(ERR, match="factors"):
        KroneckerOperator(factors)


BAD_OPERANDS = {
    "short": np.ones(3), "row vector": np.ones((1, 15)), "3-D": np.ones((15, 2, 2)),
    "scalar": 3.0, "None": None, "string": "a" * 15, "strings": np.full(15, "a"),
    "sparse": sp.csr_matrix(np.ones((15, 1))), "empty": np.ones(0), "operator": OP,
    "ragged": [[1.0], [1.0, 2.0]],
}


@pytest.mark.parametrize("value", list(BAD_OPERANDS.values()), ids=list(BAD_OPERANDS))
@pytest.mark.parametrize("method, name", [("matvec", "v"), ("rmatvec", "u"), ("__matmul__", "v")])
def test_bad_operands_are_refused(method, name, value):
    if method == "rmatvec" and isinstance(value, np.ndarray) and value.shape[:1] == (15,):
        value = value[:8]  # the same abuse at the adjoint's size
    with pytest.raises(ERR, match=rf"\b{name}\b"):
        getattr(OP, method)(value)


def test_array_at_operator_is_a_plain_type_error():
    with pytest.raises(TypeError, match="unsupported operand"):
        np.ones(8) @ OP


@pytest.mark.parametrize("index_lists", [
    None, 3, [[0, 7], [1]], [[-1], [1]], [[0]], [[0.5], [1]], [[], [1]], [[True, False], [1]],
    [[[0]], [1]], ["ab", [1]]],
    ids=["None", "int", "out of range", "negative", "one list", "float", "empty", "short mask",
         "2-D", "string"])
def test_take_columns_refusals(index_lists):
    with pytest.raises(ERR, match="index_lists"):
        OP.take_columns(index_lists)


def test_huge_operator_refuses_toarray():
    big = KroneckerOperator([np.ones((1, 1)), np.ones((1, 20000))])
    assert big.toarray().shape == (1, 20000)
    huge = KroneckerOperator([np.ones((100, 100))] * 5)  # 1e10 x 1e10 entries
    with pytest.raises(ValueError, match="toarray"):
        huge.toarray()


# ------------------------------------------------------------------ correct results
@pytest.mark.parametrize("convert", [
    lambda f: f.astype(np.float32), lambda f: np.asfortranarray(f), lambda f: f.astype(object),
    lambda f: f.tolist(), lambda f: np.repeat(f, 2, axis=1)[:, ::2], lambda f: f > 0,
    lambda f: np.round(3 * f).astype(np.int64)],
    ids=["float32", "fortran", "object", "list", "strided", "bool", "int"])
def test_dtypes_and_layouts_give_the_dense_product(convert):
    fa, fb = convert(A), convert(B)
    op = KroneckerOperator([fa, fb])
    dense = np.kron(np.asarray(fa, dtype=float), np.asarray(fb, dtype=float))
    assert op.dtype == np.float64
    np.testing.assert_allclose(op @ X, dense @ X, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(op.rmatvec(X[:8]), dense.T @ X[:8], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("convert", [
    lambda v: v.tolist(), lambda v: v.astype(object), lambda v: v.astype(np.float32),
    lambda v: np.repeat(v, 2)[::2], lambda v: v > 0, lambda v: np.round(v).astype(np.int32)],
    ids=["list", "object", "float32", "strided", "bool", "int32"])
def test_operand_dtypes_give_the_dense_product(convert):
    v = convert(X)
    np.testing.assert_allclose(OP @ v, DENSE @ np.asarray(v, dtype=float), rtol=1e-6, atol=1e-6)


def test_degenerate_shapes():
    one = KroneckerOperator([np.array([[2.0]]), np.array([[-3.0]])])
    assert one.shape == (1, 1) and (one @ np.ones(1))[0] == -6.0
    empty_batch = OP @ np.ones((15, 0))
    assert empty_batch.shape == (8, 0)
    assert OP.rmatvec(np.ones((8, 0))).shape == (15, 0)
    col = KroneckerOperator([A[:, :1], B[:, :1]])
    np.testing.assert_allclose(col @ np.ones(1), np.kron(A[:, 0], B[:, 0]))
    np.testing.assert_allclose(OP.take_columns([[True, False, True], [4]]).toarray(),
                               DENSE[:, [4, 14]])
    np.testing.assert_allclose(OP.take_columns([[1, 1], [0]]).toarray(), DENSE[:, [5, 5]])


def test_nan_propagates_as_in_the_dense_product():
    v = X.copy()
    v[3] = np.nan
    np.testing.assert_array_equal(np.isnan(OP @ v), np.isnan(DENSE @ v))


def test_inputs_are_not_modified():
    fa, fb, v, u = A.copy(), B.copy(), X.copy(), X[:8].copy()
    op = KroneckerOperator([fa, fb])
    op @ v, op.rmatvec(u), op.H, op.toarray(), op.take_columns([[0], [1, 2]])
    op.aslinearoperator().matvec(v)
    for got, ref in ((fa, A), (fb, B), (v, X), (u, X[:8])):
        np.testing.assert_array_equal(got, ref)


@pytest.mark.parametrize("scale", [1e-100, 1e-20, 1e20, 1e100])
def test_scale_sweep_is_equivariant(scale):
    """Scaling a factor (or the operand) scales every product: no absolute threshold."""
    ops = KroneckerOperator([A * scale, B])
    np.testing.assert_allclose(ops @ X, scale * (OP @ X), rtol=1e-13)
    np.testing.assert_allclose(ops.rmatvec(X[:8]), scale * OP.rmatvec(X[:8]), rtol=1e-13)
    np.testing.assert_allclose(OP @ (scale * X), scale * (OP @ X), rtol=1e-13)
    np.testing.assert_allclose(ops.toarray(), scale * DENSE, rtol=1e-13)


# ------------------------------------------------------------------ properties
shapes = st.lists(st.tuples(st.integers(1, 4), st.integers(1, 4)), min_size=1, max_size=4)


@settings(max_examples=60, deadline=None)
@given(shapes, st.booleans(), st.integers(1, 3), st.integers(0, 2**32 - 1))
def test_property_products_match_np_kron(factor_shapes, complex_, k, seed):
    rng = np.random.default_rng(seed)

    def draw(*shape):
        a = rng.standard_normal(shape)
        return a + 1j * rng.standard_normal(shape) if complex_ else a

    factors = [draw(m, n) for m, n in factor_shapes]
    op = KroneckerOperator(factors)
    dense = factors[0]
    for f in factors[1:]:
        dense = np.kron(dense, f)
    assert op.shape == dense.shape
    x, U = draw(op.shape[1]), draw(op.shape[0], k)
    np.testing.assert_allclose(op @ x, dense @ x, atol=1e-10)
    np.testing.assert_allclose(op.rmatvec(U), dense.conj().T @ U, atol=1e-10)
    np.testing.assert_allclose(np.vdot(U[:, 0], op @ x), np.vdot(op.rmatvec(U[:, 0]), x),
                               atol=1e-9)
    np.testing.assert_allclose(op.H.toarray(), dense.conj().T, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(st.integers(-330, 300), st.integers(0, 2**32 - 1))
def test_property_power_of_two_scaling_is_exact(exponent, seed):
    """A factor scaled by 2^e scales every product by exactly 2^e (while nothing overflows)."""
    rng = np.random.default_rng(seed)
    fa, fb = rng.standard_normal((3, 2)), rng.standard_normal((2, 4))
    x = rng.standard_normal(8)
    c = 2.0**exponent if exponent > -300 else np.ldexp(1.0, exponent)
    ref = KroneckerOperator([fa, fb]) @ x
    got = KroneckerOperator([fa * c, fb]) @ x
    if exponent > -290:  # away from the subnormals every bit is kept
        np.testing.assert_array_equal(got, ref * c)
    else:
        np.testing.assert_allclose(got, ref * c, rtol=1e-3, atol=1e-320)
