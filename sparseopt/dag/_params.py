"""Checks of the central-path parameters, shared by :class:`CoLiDE` and :func:`colide_solve`.

Every error names the parameter and the accepted values.
"""

import numbers

import numpy as np

from ..utils import check_choice, check_positive_int, check_real, check_real_array
from ..utils import check_verbose as _check_verbose
from ._scores import SCORES

MODES = tuple(SCORES)  # 'equal', 'nonequal', 'fixed'

BACKENDS = ("auto", "numpy", "numba")


def check_s(s):
    """The log-det parameters per stage: a float > 0 or a non-empty sequence of them."""
    values = [s] if isinstance(s, numbers.Real) and not isinstance(s, bool | np.bool_) else s
    try:
        values = list(values)
    except TypeError:
        raise TypeError(f"s must be a sequence of floats > 0, got {s!r}.") from None
    if not values or not all(isinstance(v, numbers.Real) and not isinstance(v, bool | np.bool_)
                             and np.isfinite(v) and v > 0 for v in values):
        raise ValueError(f"s must be a non-empty sequence of finite floats > 0, got {s!r}.")
    return tuple(float(v) for v in values)


def check_verbose(verbose):
    """An int >= 0 (True and False count as 1 and 0; None is 0)."""
    return _check_verbose(verbose)


def check_noise_scale_min(noise_scale_min, variance, d):
    """None, a finite float > 0, or (``variance='nonequal'`` only) an array of d such floats."""
    if noise_scale_min is None:
        return None
    if np.ndim(noise_scale_min) == 0:
        return check_real("noise_scale_min", noise_scale_min, low=0.0, low_inclusive=False)
    arr = check_real_array("noise_scale_min", noise_scale_min, ndim=1)
    if not SCORES[variance].per_node or arr.shape != (d,):
        raise ValueError(f"noise_scale_min as an array needs variance='nonequal' and shape "
                         f"({d},), got variance={variance!r} and shape {arr.shape}.")
    if np.any(arr <= 0):
        raise ValueError("noise_scale_min must be > 0 (or None).")
    return arr


def check_path_params(*, variance, alpha, n_stages, mu_init, mu_factor, s, warm_iter, max_iter,
                      learning_rate, beta1, beta2, tol, check_every, noise_scale_min, d,
                      domain_slack=None, max_retries=20, backend="auto", verbose=0):
    """Validate the central-path parameters; return them normalised (floats, ints, a tuple s)."""
    out = dict(variance=check_choice("variance", variance, MODES),
               backend=check_choice("backend", backend, BACKENDS),
               alpha=check_real("alpha", alpha, low=0.0),
               tol=check_real("tol", tol, low=0.0),
               mu_init=check_real("mu_init", mu_init, low=0.0, low_inclusive=False),
               mu_factor=check_real("mu_factor", mu_factor, low=0.0, low_inclusive=False,
                                    high=1.0),
               learning_rate=check_real("learning_rate", learning_rate, low=0.0,
                                        low_inclusive=False),
               beta1=check_real("beta1", beta1, low=0.0, high=1.0, high_inclusive=False),
               beta2=check_real("beta2", beta2, low=0.0, high=1.0, high_inclusive=False),
               max_retries=check_positive_int("max_retries", max_retries, minimum=0),
               verbose=check_verbose(verbose), s=check_s(s))
    for name, value in (("n_stages", n_stages), ("warm_iter", warm_iter),
                        ("max_iter", max_iter), ("check_every", check_every)):
        out[name] = check_positive_int(name, value)
    out["domain_slack"] = check_real("domain_slack", domain_slack, low=0.0, allow_none=True)
    out["noise_scale_min"] = check_noise_scale_min(noise_scale_min, out["variance"], d)
    return out


def check_covariance(cov):
    """A finite, symmetric, positive semi-definite (d, d) matrix, d >= 1."""
    C = np.ascontiguousarray(check_real_array("cov", cov, ndim=2, square=True))
    scale = float(np.abs(C).max())
    if np.abs(C - C.T).max() > 1e-8 * scale:
        raise ValueError("cov must be symmetric (a covariance matrix such as Xc^T Xc / n).")
    if scale > 0 and np.linalg.eigvalsh(C).min() < -1e-8 * scale:
        raise ValueError("cov must be positive semi-definite (a covariance matrix such as "
                         "Xc^T Xc / n).")
    return C
