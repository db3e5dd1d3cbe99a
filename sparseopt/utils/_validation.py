"""Parameter validation helpers: every error names the offending parameter."""

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
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}.")
    if value < 0 or (value == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be {bound}, got {value}.")
    return value


def check_positive_int(name, value, *, allow_none=False):
    """Check an integer >= 1 (or None when ``allow_none``)."""
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int >= 1, got {value!r}.")
    if value < 1:
        raise ValueError(f"{name} must be >= 1, got {value}.")
    return int(value)


def check_finite_array(name, arr):
    """Raise a ValueError naming ``name`` if ``arr`` holds NaN or inf."""
    data = arr.data if hasattr(arr, "tocsc") else arr
    if not np.all(np.isfinite(data)):
        raise ValueError(f"{name} contains NaN or infinity.")


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
