"""The optimal intercept of a separable GLM datafit for fixed coefficients (1-D solve)."""

import numpy as np


def monotone_root(datafit, y, z, b0=0.0, tol=1e-13, max_iter=200):
    """The intercept ``b`` with ``sum_i f'(y_i, z_i + b) = 0`` for a convex loss.

    Safeguarded Newton: a bracket ``[lo, hi]`` of the (non-decreasing) derivative is kept,
    and a Newton step leaving it (or a zero curvature) is replaced by bisection.
    """
    def g(b):
        return float(np.sum(datafit.raw_grad(y, z + b)))

    b = float(b0)
    gb = g(b)
    if gb == 0.0:
        return b
    step = 1.0
    lo = hi = b
    if gb > 0:  # the root lies below b
        while g(lo) > 0:
            lo -= step
            step *= 2
    else:
        while g(hi) < 0:
            hi += step
            step *= 2
    for _ in range(max_iter):
        h = float(np.sum(datafit.raw_hessian(y, z + b)))
        new = b - gb / h if h > 0 else np.nan
        if not lo <= new <= hi:
            new = 0.5 * (lo + hi)
        gn = g(new)
        if gn > 0:
            hi = new
        else:
            lo = new
        if abs(new - b) <= tol * (1.0 + abs(new)) or gn == 0.0:
            return new
        b, gb = new, gn
    return b
