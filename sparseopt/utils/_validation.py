"""Parameter validation helpers: every error names the offending parameter.

This is the project's one validation vocabulary. scikit-learn's public helpers
(``check_scalar``, ``validate_data``) are used where they fit; the
functions here cover the rest with messages that name the parameter and the accepted values.
"""

import math
import numbers

import numpy as np


def check_choice(name, value, choices):
    """Return ``value`` if it is one of ``choices``, else raise a ValueError naming ``name``."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(
            f"{name}={value!r} is not valid; expected one of {', '.join(map(repr, choices))}."
        )
    return value


def check_nonnegative(name, value, *, allow_zero=True):
    """Check a finite real scalar that is >= 0 (or > 0 with ``allow_zero=False``)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}.")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}.")
    if value < 0 or (value == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be {bound}, got {value}.")
    return value


def check_positive_int(name, value, *, allow_none=False, minimum=1):
    """Check an integer >= ``minimum`` (default 1), or None when ``allow_none``.

    NumPy integers are accepted; booleans and floats (even integral ones such as 2.0) are not.
    """
    if value is None and allow_none:
        return None
    if type(value) is not int and (  # a plain int skips the (slow) abstract-class checks
            isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral)):
        raise TypeError(f"{name} must be an int >= {minimum}, got {value!r}.")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}.")
    return int(value)


def check_bool(name, value):
    """Return ``value`` as a bool if it is one (Python or NumPy), else raise a TypeError.

    Strings such as ``'no'`` are refused rather than taken for True.
    """
    if isinstance(value, bool | np.bool_):
        return bool(value)
    raise TypeError(f"{name} must be True or False, got {value!r}.")


def check_real(name, value, *, low=None, high=None, low_inclusive=True, high_inclusive=True,
               allow_none=False, allow_inf=False):
    """Check a real scalar (not bool, not NaN; finite unless ``allow_inf``) within bounds.

    Returns it as a float (None passes through when ``allow_none``).
    """
    if value is None and allow_none:
        return None
    if type(value) is not float and (  # a plain float skips the (slow) abstract-class checks
            isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real)):
        raise TypeError(f"{name} must be a real number, got {value!r}.")
    value = float(value)  # math's tests on a float: NumPy's without the scalar-ufunc overhead
    if math.isnan(value) or (not allow_inf and not math.isfinite(value)):
        raise ValueError(f"{name} must be finite, got {value}.")
    if low is not None and (value < low or (value == low and not low_inclusive)):
        op = ">=" if low_inclusive else ">"
        raise ValueError(f"{name} must be {op} {low}, got {value}.")
    if high is not None and (value > high or (value == high and not high_inclusive)):
        op = "<=" if high_inclusive else "<"
        raise ValueError(f"{name} must be {op} {high}, got {value}.")
    return value


def check_verbose(verbose, name="verbose"):
    """Verbosity level: an int >= 0 (True and False count as 1 and 0, None as 0)."""
    if verbose is None:
        return 0
    if isinstance(verbose, bool | np.bool_):
        return int(verbose)
    return check_positive_int(name, verbose, minimum=0)


def check_shape_pairs(name, value):
    """A non-empty sequence of ``(rows, cols)`` pairs of ints >= 1, as a list of int tuples."""
    try:
        shapes = [tuple(s) for s in value]
    except TypeError:
        raise TypeError(f"{name} must be a sequence of (M_i, N_i) pairs, got {value!r}.") from None
    if not shapes or any(len(s) != 2 for s in shapes):
        raise ValueError(f"{name} must be a non-empty sequence of (M_i, N_i) pairs, got "
                         f"{value!r}.")
    return [(check_positive_int(name, m), check_positive_int(name, n)) for m, n in shapes]


def check_indices(name, value, size, *, allow_repeats=False):
    """Positions in ``range(size)``: ints (distinct unless ``allow_repeats``), or a boolean mask
    of length ``size``.

    Returns them as an int64 array in the order given; errors name ``name``.
    """
    if hasattr(value, "tocsr") or isinstance(value, str) or value is None:
        raise TypeError(f"{name} must be a 1-D array of int indices or a boolean mask, got "
                        f"{type(value).__name__}.")
    try:
        idx = np.asarray(value)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{name} must be a 1-D array of int indices: {err}") from None
    if idx.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {idx.shape}.")
    if idx.dtype.kind == "b":
        if idx.size != size:
            raise ValueError(f"{name} as a boolean mask must have length {size}, got {idx.size}.")
        return np.flatnonzero(idx).astype(np.int64)
    if idx.size == 0:
        return np.zeros(0, dtype=np.int64)
    if idx.dtype.kind not in "iu":
        raise TypeError(f"{name} must hold int indices, got dtype {idx.dtype}.")
    if idx.min() < 0 or idx.max() >= size:
        raise ValueError(f"{name} holds indices outside [0, {size}): {idx.min()}..{idx.max()}.")
    if not allow_repeats and np.unique(idx).size != idx.size:
        raise ValueError(f"{name} holds repeated indices.")
    return idx.astype(np.int64)


def check_seed(random_state, name="random_state"):
    """Validate a seed for ``numpy.random.default_rng``-style code and return a Generator.

    Accepts None, a non-negative int, a ``SeedSequence``, a ``Generator`` (returned as is) or a
    ``RandomState`` (a Generator seeded from it), with errors naming the parameter.
    """
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, np.random.SeedSequence):
        return np.random.default_rng(random_state)
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(0, 2**31 - 1))
    if random_state is None:
        return np.random.default_rng()
    if isinstance(random_state, bool | np.bool_) or not isinstance(random_state, numbers.Integral):
        raise TypeError(f"{name} must be None, a non-negative int, a SeedSequence or a numpy "
                        f"Generator, got {random_state!r}.")
    if random_state < 0:
        raise ValueError(f"{name} must be a non-negative int, got {random_state}.")
    return np.random.default_rng(int(random_state))


def all_finite(arr):
    """True if the ndarray ``arr`` holds no NaN or infinity: its sum first (a NaN or an
    infinity would make it NaN or infinite; no temporary array), every entry only when the
    sum is not finite (it may have overflowed)."""
    with np.errstate(over="ignore", invalid="ignore"):
        total = np.sum(arr)
    return bool(np.isfinite(total)) or bool(np.all(np.isfinite(arr)))


def check_finite_array(name, arr):
    """Raise a ValueError naming ``name`` if ``arr`` holds NaN or inf."""
    if not all_finite(arr.data if hasattr(arr, "tocsc") else arr):
        raise ValueError(f"{name} contains NaN or infinity.")


def check_sample_weight(sample_weight, n_samples=None):
    """Sample weights as a fresh 1-D float64 array, checked.

    Parameters
    ----------
    sample_weight : array-like of shape (n_samples,) or real scalar
        Weights ``>= 0``, finite, not all zero. A scalar gives every sample that weight.
    n_samples : int or None, default=None
        The number of samples the weights must match (and the length of a scalar's
        broadcast); None checks no length.

    Returns
    -------
    sample_weight : ndarray of shape (n_samples,)
        A new array (the caller's is never modified).

    Raises
    ------
    TypeError
        For a string, None, complex or non-numeric input.
    ValueError
        For a wrong shape, NaN or infinity, a negative weight, or all weights zero; the
        message names ``sample_weight``.

    Examples
    --------
    >>> from sparseopt.utils import check_sample_weight
    >>> check_sample_weight([1, 0, 2], 3)
    array([1., 0., 2.])
    >>> check_sample_weight([0.0, 0.0], 2)
    Traceback (most recent call last):
    ...
    ValueError: sample_weight must have a positive sum; all weights are zero.
    """
    if sample_weight is None or isinstance(sample_weight, str | bytes | bool | np.bool_):
        raise TypeError(f"sample_weight must be an array of finite values >= 0, got "
                        f"{sample_weight!r}.")
    if isinstance(sample_weight, numbers.Real) and n_samples is not None:
        sample_weight = np.full(int(n_samples), float(sample_weight))
    s = np.asarray(sample_weight)
    if np.iscomplexobj(s) or s.dtype.kind not in "biuf":
        raise TypeError(f"sample_weight must hold real numbers, got dtype {s.dtype}.")
    s = np.array(s, dtype=np.float64, order="C")  # a copy: never the caller's array
    if s.ndim != 1:
        raise ValueError(f"sample_weight must be 1-D of shape (n_samples,), got shape "
                         f"{s.shape}.")
    if n_samples is not None and s.shape[0] != n_samples:
        raise ValueError(f"sample_weight has {s.shape[0]} entries but there are {n_samples} "
                         "samples.")
    if not np.all(np.isfinite(s)):
        raise ValueError("sample_weight must be finite; it contains NaN or infinity.")
    if np.any(s < 0):
        raise ValueError(f"sample_weight must be >= 0; got a negative weight ({s.min()}).")
    if not s.sum() > 0:
        raise ValueError("sample_weight must have a positive sum; all weights are zero.")
    return s


def is_estimator(obj):
    """True for a scikit-learn style estimator (it has ``fit`` and ``get_params``)."""
    return hasattr(obj, "fit") and hasattr(obj, "get_params")


def check_estimator_dict(estimators, interface):
    """A non-empty dict of name -> estimator or callable (TypeError naming the entry otherwise).

    ``interface`` describes what an estimator must provide, e.g. ``"fit(X) and adjacency_"``.
    """
    from collections.abc import Mapping

    if not isinstance(estimators, Mapping) or len(estimators) == 0:
        raise TypeError("estimators must be a non-empty dict of name -> estimator or callable, "
                        f"got {type(estimators).__name__}.")
    for name, est in estimators.items():
        if not (is_estimator(est) or callable(est)):
            raise TypeError(f"estimators[{name!r}] must be an estimator with {interface} or a "
                            f"callable, got {type(est).__name__}.")


def check_real_array(name, value, *, ndim=None, square=False, min_size=1):
    """A dense, real, finite float64 array (a copy only when converting), errors naming ``name``.

    ``ndim`` fixes the number of dimensions, ``square`` asks for a square matrix and
    ``min_size`` for at least that many entries. Sparse matrices, complex, string and object
    entries that are not numbers are refused with a TypeError; NaN/inf and wrong shapes with a
    ValueError.
    """
    if hasattr(value, "tocsr") or hasattr(value, "tocsc"):
        raise TypeError(f"{name} must be a dense array, got a sparse matrix; use .toarray().")
    try:
        arr = np.asarray(value)
    except Exception as err:  # ragged nested sequences and the like
        raise TypeError(f"{name} must be an array of real numbers: {err}") from err
    if arr.dtype.kind == "c":
        raise TypeError(f"{name} must be real, got complex values.")
    if arr.dtype.kind not in "biuf":
        try:
            arr = arr.astype(np.float64)
        except (TypeError, ValueError) as err:
            raise TypeError(f"{name} must hold real numbers, got dtype {arr.dtype}.") from err
    arr = np.asarray(arr, dtype=np.float64)
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional, got shape {arr.shape}.")
    if square and (arr.ndim != 2 or arr.shape[0] != arr.shape[1]):
        raise ValueError(f"{name} must be a square matrix, got shape {arr.shape}.")
    if arr.size < min_size:
        raise ValueError(f"{name} must have at least {min_size} entries, got shape {arr.shape}.")
    check_finite_array(name, arr)
    return arr


def reemit_warnings(records, what, *, stacklevel=3):
    """Re-emit warnings recorded in repeated runs, once per (category, message), with a count.

    ``records`` holds one list per run (a trial, an epoch) of ``(category, message)`` pairs,
    e.g. from ``warnings.catch_warnings(record=True)``; ``what`` names the runs ("epochs").
    Nothing is swallowed: each distinct warning reaches the caller once, saying in how many
    runs it occurred (when there is more than one run).
    """
    import warnings

    counts = {}
    for run in records:
        for key in dict.fromkeys(run):
            counts[key] = counts.get(key, 0) + 1
    for (category, message), count in counts.items():
        where = f" (in {count} of {len(records)} {what})" if len(records) > 1 else ""
        warnings.warn(f"{message}{where}", category, stacklevel=stacklevel)
