"""Exact design helpers: error of a source allocation, optimal allocation, relevance vectors."""

import numpy as np
from scipy.optimize import linprog

from ..utils import check_bool, check_positive_int, check_real, check_real_array


def _check_heads(W, w0):
    W = check_real_array("W", W, ndim=2)
    w0 = check_real_array("w0", w0).ravel()
    if W.shape[0] != w0.shape[0]:
        raise ValueError(f"W must have shape (k, T) with k = len(w0) = {w0.shape[0]}, "
                         f"got {W.shape}.")
    return W, w0


def _check_per_task(name, value, T, *, positive=False):
    """``T`` finite values > 0 (``positive``) or >= 0, errors naming ``name``."""
    arr = check_real_array(name, value).ravel()
    if arr.shape != (T,) or np.any(arr <= 0 if positive else arr < 0):
        bound = "> 0" if positive else ">= 0"
        raise ValueError(f"{name} must hold {T} finite values {bound}, got shape "
                         f"{np.shape(value)}.")
    return arr


def allocation_error(W, w0, n, *, return_nu=False):
    r"""Source-driven target error of an allocation of samples to the source tasks.

    The error is ``min sum_t nu_t^2 / n_t`` subject to ``W nu = w0``. It equals
    ``w0^T (W diag(n) W^T)^{-1} w0`` (``+inf`` if the sampled heads do not span ``w0``); the
    minimiser is ``nu(n) = diag(n) W^T A^{-1} w0``.

    Parameters
    ----------
    W : ndarray of shape (k, T)
        Source heads.
    w0 : ndarray of shape (k,)
        Target head.
    n : ndarray of shape (T,)
        Samples per source (>= 0).
    return_nu : bool, default=False

    Returns
    -------
    error : float
    nu : ndarray of shape (T,)
        Only with ``return_nu=True``.

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.multitask import allocation_error
    >>> allocation_error(np.eye(2), np.array([1.0, 0.0]), np.array([4.0, 1.0]))
    0.25
    """
    W, w0 = _check_heads(W, w0)
    n = _check_per_task("n", n, W.shape[1])
    return_nu = check_bool("return_nu", return_nu)
    A = (W * n) @ W.T
    try:
        Lc = np.linalg.cholesky(A)
        z = np.linalg.solve(Lc.T, np.linalg.solve(Lc, w0))
    except np.linalg.LinAlgError:
        vals, vecs = np.linalg.eigh(A)
        keep = vals > 1e-12 * max(vals.max(), 1e-300)
        Ainv = (vecs[:, keep] / vals[keep]) @ vecs[:, keep].T
        resid = w0 - A @ (Ainv @ w0)
        if np.linalg.norm(resid) > 1e-10 * np.linalg.norm(w0):
            return (np.inf, np.full(W.shape[1], np.nan)) if return_nu else np.inf
        z = Ainv @ w0
    err = float(w0 @ z)
    if return_nu:
        return err, n * (W.T @ z)
    return err


def l1_relevance(W, w0, *, costs=None):
    """The l1-minimal task relevance ``nu^1``, by a dual-simplex LP (a vertex solution).

    ``nu^1`` minimises ``sum_t sqrt(c_t) |nu_t|`` subject to ``W nu = w0``.

    Returns
    -------
    nu : ndarray of shape (T,)
        At most ``rank(W)`` nonzeros.

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.multitask import l1_relevance
    >>> l1_relevance(np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]]), np.array([1.0, 1.0]))
    array([0., 0., 1.])
    """
    W, w0 = _check_heads(W, w0)
    T = W.shape[1]
    c = np.ones(T) if costs is None else np.sqrt(_check_per_task("costs", costs, T,
                                                                 positive=True))
    res = linprog(np.concatenate([c, c]), A_eq=np.hstack([W, -W]), b_eq=w0,
                  bounds=(0, None), method="highs-ds")
    if res.status != 0:
        raise ValueError(f"w0 is not in the span of the heads (LP status: {res.message}).")
    nu = res.x[:T] - res.x[T:]
    nu[np.abs(nu) <= 1e-12 * max(np.abs(nu).max(), 1e-300)] = 0.0
    return nu


def l2_relevance(W, w0):
    """``nu^2 = pinv(W) w0``: the minimum-norm relevance (Chen et al. 2022)."""
    W, w0 = _check_heads(W, w0)
    return np.linalg.pinv(W, rcond=1e-12) @ w0


def optimal_allocation(W, w0, budget, *, costs=None, floor=0.0):
    """Allocation of a source budget minimising :func:`allocation_error` (Elfving design).

    ``floor = 0``: ``n_t`` proportional to ``|nu^c_t| / sqrt(c_t)`` with total cost ``budget``
    (``nu^c`` the cost-weighted l1 relevance), and error ``(sum sqrt(c)|nu^c|)^2 / budget``.
    ``floor > 0``: ``n_t = max(c' q_t, floor)`` with ``c'`` set by bisection to spend the budget
    (the asymptotically optimal floored rule; not the exact floored optimum).

    Returns
    -------
    n : ndarray of shape (T,)
        Continuous allocation.
    nu : ndarray of shape (T,)
        The (weighted) l1 relevance used.
    value : float
        ``allocation_error(W, w0, n)``.
    """
    W, w0 = _check_heads(W, w0)
    T = W.shape[1]
    c = np.ones(T) if costs is None else _check_per_task("costs", costs, T, positive=True)
    budget = check_real("budget", budget, low=0.0, low_inclusive=False)
    floor = check_real("floor", floor, low=0.0)
    nu = l1_relevance(W, w0, costs=None if costs is None else c)
    q = np.abs(nu) / np.sqrt(c)
    if floor <= 0:
        n = budget * q / float(c @ q)
        value = float(np.sqrt(c) @ np.abs(nu)) ** 2 / budget
        return n, nu, value
    if floor * c.sum() > budget:
        raise ValueError(f"floor={floor} exceeds the budget over {T} tasks.")
    lo, hi = 0.0, budget / max(float(c @ q), 1e-300) + 1.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if float(c @ np.maximum(mid * q, floor)) > budget:
            hi = mid
        else:
            lo = mid
    n = np.maximum(lo * q, floor)
    return n, nu, allocation_error(W, w0, n)


def apportion(total, weights, *, floor=0, caps=None, costs=None, eligible=None):
    """Integer allocation summing exactly to ``total`` (largest remainder).

    Eligible tasks (``eligible``, default: positive weight) get ``floor`` first; the rest is
    split in proportion to the weights, fractional parts going to the largest remainders (ties
    to the lower index). ``caps`` are honoured by re-apportioning the excess; with ``costs`` the
    total is a cost budget.
    All-zero weights mean uniform.

    Examples
    --------
    >>> from sparseopt.multitask import apportion
    >>> apportion(10, [1, 1, 1]).tolist()
    [4, 3, 3]
    """
    w = check_real_array("weights", weights).ravel()
    T = w.size
    if T == 0 or np.any(w < 0):
        raise ValueError("weights must be a non-empty array of finite values >= 0.")
    total = check_positive_int("total", total, minimum=0)
    floor = check_positive_int("floor", floor, minimum=0)
    if eligible is not None:
        eligible = np.asarray(eligible)
        if eligible.shape != (T,) or eligible.dtype != bool:
            raise ValueError(f"eligible must be a boolean array of shape ({T},).")
    if not np.any(w > 0):
        w = np.ones(T) if eligible is None else eligible.astype(np.float64)
    elig = (w > 0) if eligible is None else eligible
    if caps is None:
        cap = np.full(T, np.inf)
    else:
        cap = check_real_array("caps", caps).ravel()
        if cap.shape != (T,) or np.any(cap < 0):
            raise ValueError(f"caps must hold {T} values >= 0.")
    if costs is not None:
        c = _check_per_task("costs", costs, T, positive=True)
        n = np.where(elig, np.minimum(floor, cap), 0).astype(np.int64)
        remaining = total - float(c @ n)
        raw = remaining * w / float(c @ w) if remaining > 0 else np.zeros(T)
        add = np.minimum(np.floor(raw), cap - n).astype(np.int64)
        n += add
        spent = float(c @ n)
        order = np.argsort(-(raw - np.floor(raw)), kind="stable")
        for t in order:
            if w[t] > 0 and n[t] < cap[t] and spent + c[t] <= total:
                n[t] += 1
                spent += c[t]
        return n
    n = np.zeros(T, dtype=np.int64)
    elig = elig & (cap > 0)
    base = np.where(elig, np.minimum(floor, cap), 0).astype(np.int64)
    if base.sum() > total:
        raise ValueError(f"floor={floor} over {int(elig.sum())} tasks exceeds total={total}.")
    n += base
    remaining = total - int(n.sum())
    active = (w > 0) & (cap > 0)
    if not np.any(active):
        active = elig.copy()
        w = elig.astype(np.float64)
    while remaining > 0 and np.any(active & (n < cap)):
        active &= n < cap
        raw = remaining * np.where(active, w, 0.0) / np.where(active, w, 0.0).sum()
        add = np.floor(raw).astype(np.int64)
        frac = raw - add
        left = remaining - int(add.sum())
        order = np.lexsort((np.arange(T), -frac))
        for t in order[:left]:
            add[t] += 1
        over = np.maximum(n + add - cap, 0).astype(np.int64)
        add -= over
        n += add
        remaining = total - int(n.sum())
        if not np.any(over):
            break
    return n
