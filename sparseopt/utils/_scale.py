"""Exact rescaling by powers of two: fits and metrics on scaled copies of the data."""

import math

import numpy as np


def power_of_two_scale(a, axis=None):
    """The power of two nearest above ``max|a|`` (1.0 for an all-zero or non-finite array),
    capped at ``2**1023``, the largest in float64 (so ``|a| / scale < 2`` always).

    Dividing data by a power of two is exact in floating point, so fits on scaled copies of the
    data give scaled copies of the answer, bit for bit, as long as nothing over- or underflows.
    With ``axis`` (an int or a tuple), one scale per slice, shaped to broadcast against ``a``.
    """
    if axis is None:
        m = float(np.max(np.abs(a))) if np.size(a) else 0.0
        if not math.isfinite(m) or m == 0.0:
            return 1.0
        # Python's frexp/ldexp on a float: NumPy's without the scalar overhead
        return math.ldexp(1.0, min(math.frexp(m)[1], _MAX_EXPONENT))
    m = np.max(np.abs(a), axis=axis, keepdims=True)
    ok = np.isfinite(m) & (m > 0)
    exponent = np.minimum(np.frexp(np.where(ok, m, 1.0))[1], _MAX_EXPONENT)
    return np.where(ok, np.ldexp(1.0, exponent), 1.0)


_MAX_EXPONENT = 1023  # 2**1023: the largest power of two in float64


def db_to_ratio(db):
    """``10 ** (db / 10)`` as Python computes it, with ``inf`` (not OverflowError) above range."""
    try:
        return 10 ** (db / 10)
    except OverflowError:
        return float("inf")
