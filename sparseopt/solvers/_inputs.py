"""Input checks shared by the solvers' functional entry points: the datafit and penalty
objects, the design, the targets and the warm start, each error naming its argument."""

import numpy as np
import scipy.sparse as sp
from sklearn.utils import check_array

from ..utils import check_finite_array


def check_part(name, obj, methods, *, allow_none=False):
    """``obj`` is an instance with ``methods`` (a class, a string or None is refused)."""
    if obj is None and allow_none:
        return None
    if isinstance(obj, type) or not all(callable(getattr(obj, m, None)) for m in methods):
        none = " (or None)" if allow_none else ""
        raise TypeError(f"{name} must be an instance of a sparseopt.{name}s class with "
                        f"{', '.join(methods)}{none}, got {obj!r}.")
    return obj


def check_design(X, name="X", finite=True):
    """A real, finite, 2-D float64 design with at least one sample and one feature (dense, or
    sparse in its own format). ``finite=False`` skips the finiteness test of a float64
    array (the caller has made it: a pass over the data saved)."""
    if X is None or isinstance(X, str):
        raise TypeError(f"{name} must be a 2-D array or sparse matrix, got {X!r}.")
    if not sp.issparse(X):
        try:
            X = np.asarray(X)
        except ValueError as err:  # ragged nested sequences
            raise ValueError(f"{name} must be a 2-D array: {err}") from None
    if X.dtype.kind == "c":
        raise TypeError(f"{name} must be real, got complex values.")
    if X.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold real numbers, got dtype {X.dtype}.")
    if X.ndim != 2:
        raise ValueError(f"{name} must be 2-D (n_samples, n_features), got shape {X.shape}.")
    if min(X.shape) == 0:
        raise ValueError(f"{name} must have at least one sample and one feature, got shape "
                         f"{X.shape}.")
    if isinstance(X, np.ndarray) and X.dtype == np.float64:  # nothing to convert
        if finite:
            check_finite_array(name, X)
        return X
    return check_array(X, accept_sparse=["csc", "csr", "coo"], dtype=np.float64, order=None,
                       ensure_all_finite=True, ensure_min_samples=1, ensure_min_features=1,
                       input_name=name)


def check_real_values(name, value):
    """A finite real float64 array (any shape) named ``name`` in errors."""
    if value is None or isinstance(value, str) or sp.issparse(value):
        raise TypeError(f"{name} must be an array of real numbers, got {type(value).__name__}.")
    arr = np.asarray(value)
    if arr.dtype.kind not in "biuf":
        kind = "complex values" if arr.dtype.kind == "c" else f"dtype {arr.dtype}"
        raise TypeError(f"{name} must be real numbers, got {kind}.")
    arr = np.asarray(arr, dtype=np.float64)
    check_finite_array(name, arr)
    return arr
