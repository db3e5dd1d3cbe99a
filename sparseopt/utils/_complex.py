"""Validation of real or complex dense arrays (sparse Bayesian learning, channel estimation)."""

import numpy as np
import scipy.sparse as sp
from sklearn.utils import check_array


def is_complex(X):
    """True for a dense complex array (or array-like); sparse matrices count as real."""
    if sp.issparse(X):
        return False
    return np.iscomplexobj(X if hasattr(X, "dtype") else np.asarray(X))


def check_complex_array(X, name, *, ndim):
    """Validate a real or complex dense array; real and imaginary parts are checked separately.

    Real input goes through scikit-learn's ``check_array`` (float64); complex input is split and
    each part is checked the same way, so error messages are scikit-learn's and name ``name``.

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
    if sp.issparse(X):
        raise TypeError(f"Sparse data was passed for {name}, but dense data is required. "
                        "Use '.toarray()' to convert to a dense numpy array.")
    kw = dict(ensure_2d=ndim == 2, input_name=name, ensure_min_samples=1)
    if is_complex(X):
        arr = np.asarray(X)
        re = check_array(arr.real, dtype=np.float64, **kw)
        im = check_array(arr.imag, dtype=np.float64, **kw)
        out = re + 1j * im
    else:
        out = check_array(X, dtype=np.float64, **kw)
    if out.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D, got shape {out.shape}.")
    return out
