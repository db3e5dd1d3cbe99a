"""Validation of real or complex dense arrays (sparse Bayesian learning, channel estimation)."""

import numpy as np
import scipy.sparse as sp
from sklearn.utils import check_array

from ._validation import all_finite


def _has_complex_entries(arr):
    """True for an object array holding at least one complex number."""
    return any(isinstance(v, complex | np.complexfloating) for v in arr.flat)


def is_complex(X):
    """True for a dense complex array (or array-like); sparse matrices count as real.

    Object arrays count as complex when they hold a complex number; inputs that are not arrays
    at all (ragged lists, ...) count as real, so that the real validation reports them.
    """
    if sp.issparse(X):
        return False
    if not hasattr(X, "dtype"):
        try:
            X = np.asarray(X)
        except (TypeError, ValueError):
            return False
    if X.dtype == object:
        return _has_complex_entries(X)
    return np.iscomplexobj(X)


def _as_numeric(X, name):
    """``np.asarray(X)`` with bool/int/float/complex entries (errors naming ``name``)."""
    try:
        arr = np.asarray(X)
    except (TypeError, ValueError) as err:  # ragged nested sequences and the like
        raise ValueError(f"{name} must be an array of numbers: {err}") from None
    if arr.dtype.kind in "biufc":
        return arr
    reason = ""
    if arr.dtype.kind in "OUS":  # numbers stored as objects or strings
        try:
            return arr.astype(np.float64)
        except (TypeError, ValueError) as err:
            reason = f" ({err})"  # scikit-learn's checks expect this message
        try:
            return arr.astype(np.complex128)
        except (TypeError, ValueError):
            pass
    raise TypeError(f"{name} must hold real or complex numbers, got dtype {arr.dtype}{reason}.")


def _plain_finite(X, ndim):
    """A non-empty float64 or complex128 ndarray (not a subclass) of ``ndim`` dimensions with
    finite entries: the checks of :func:`check_complex_array` have nothing to convert or report.

    The fits call the validation once per fit, and scikit-learn's ``check_array`` costs tens of
    microseconds even then, a noticeable part of a millisecond fit.
    """
    return (type(X) is np.ndarray and X.ndim == ndim and X.size > 0
            and (X.dtype == np.float64 or X.dtype == np.complex128)
            and all_finite(X))


def check_complex_array(X, name, *, ndim):
    """Validate a real or complex dense array; real and imaginary parts are checked separately.

    Real input goes through scikit-learn's ``check_array`` (float64); complex input is split and
    each part is checked the same way. Every error names ``name``: sparse input, entries that
    are not numbers, the wrong number of dimensions, empty arrays, NaN and infinity.

    Parameters
    ----------
    X : array-like
    name : str
        Name used in error messages.
    ndim : {1, 2}
        Required number of dimensions.

    Returns
    -------
    ndarray
        float64 or complex128.
    """
    if ndim not in (1, 2):
        raise ValueError(f"ndim must be 1 or 2, got {ndim!r}.")
    if _plain_finite(X, ndim):  # already what the checks below would return
        return X if X.dtype == np.float64 else X.copy()
    if sp.issparse(X):
        raise TypeError(f"Sparse data was passed for {name}, but dense data is required. "
                        "Use '.toarray()' to convert to a dense numpy array.")
    arr = _as_numeric(X, name)
    if arr.ndim != ndim:
        hint = (" Reshape your data either using array.reshape(-1, 1) if it has a single "
                "feature or array.reshape(1, -1) if it is a single sample."
                if ndim == 2 and arr.ndim == 1 else "")
        raise ValueError(f"{name} must be {ndim}-D, got shape {arr.shape}.{hint}")
    if arr.size == 0:  # scikit-learn's wording, which its estimator checks look for
        what = "sample(s)" if arr.shape[0] == 0 else "feature(s)"
        raise ValueError(f"{name} is empty: found array with 0 {what} (shape={arr.shape}) "
                         "while a minimum of 1 is required.")
    kw = dict(ensure_2d=ndim == 2, input_name=name, ensure_min_samples=1)
    if np.iscomplexobj(arr):
        re = check_array(arr.real, dtype=np.float64, **kw)
        im = check_array(arr.imag, dtype=np.float64, **kw)
        return re + 1j * im
    return check_array(arr, dtype=np.float64, **kw)


def ravel_column(y, stacklevel=3):
    """A column vector ``(n, 1)`` raveled to ``(n,)`` with scikit-learn's DataConversionWarning;
    anything else is returned as given (for :func:`check_complex_array` to judge)."""
    if sp.issparse(y) or not hasattr(y, "__len__"):
        return y
    try:
        arr = np.asarray(y)
    except (TypeError, ValueError):
        return y
    if arr.ndim == 2 and arr.shape[1] == 1:
        import warnings

        from sklearn.exceptions import DataConversionWarning

        warnings.warn("A column-vector y was passed when a 1d array was expected; it is raveled.",
                      DataConversionWarning, stacklevel=stacklevel)
        return arr.ravel()
    return y
