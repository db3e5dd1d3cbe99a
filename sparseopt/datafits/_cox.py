"""Cox proportional hazards (Breslow's handling of ties): the class and its vector kernels.

Unlike the other datafits, Cox's partial likelihood couples the samples through their risk
sets, so its kernels act on the whole vector ``z`` (one ``O(n)`` pass over the samples sorted
by time) instead of one sample at a time: :mod:`sparseopt.datafits.dispatch` calls them from
its vector functions (``value_sum``, ``grad_fill``, ``grad_hess_fill``, ``diff_sum``).
"""

import numpy as np
import scipy.sparse as sp

from ..utils import njit
from ._base import GLMDatafit, column_sq_norms

CODE = 6


def check_survival(y, n_samples=None):
    """``(times, events)`` from ``y`` of shape ``(n_samples, 2)`` (times, event indicators)
    or ``(n_samples,)`` (times, all of them events): finite times, events in {0, 1} (a
    ValueError or TypeError naming y otherwise)."""
    y = np.asarray(y)
    if y.dtype.kind not in "biuf":
        raise TypeError(f"y must hold real numbers (times, events), got dtype {y.dtype}.")
    if (y.ndim not in (1, 2) or (y.ndim == 2 and y.shape[1] != 2)
            or (n_samples is not None and y.shape[0] != n_samples)):
        rows = "n_samples" if n_samples is None else n_samples
        raise ValueError(f"y must have shape ({rows}, 2): the observed times, then the event "
                         f"indicators (1 = event, 0 = censored), or ({rows},) for times that "
                         f"are all events; got shape {y.shape}.")
    if y.ndim == 1:
        times, events = np.asarray(y, dtype=np.float64), np.ones(y.shape[0])
    else:
        times, events = np.asarray(y[:, 0], np.float64), np.asarray(y[:, 1], np.float64)
    if not np.all(np.isfinite(times)):
        raise ValueError("y: the observed times (first column) must be finite.")
    if not np.all((events == 0) | (events == 1)):
        raise ValueError("y: the event indicators (second column) must be 0 or 1.")
    return times, events


def sort_by_time(times):
    """``(order, starts)``: the stable ascending order of ``times`` and the first position
    of each run of tied times in it (float64, the kernels' parameters)."""
    order = np.argsort(times, kind="stable")
    t = times[order]
    new = np.ones(t.size, dtype=bool)
    new[1:] = t[1:] != t[:-1]
    return order, np.flatnonzero(new).astype(np.float64)


class Cox(GLMDatafit):
    r"""Negative Cox partial log-likelihood with Breslow's ties, ``F(w) = f(Xw)``:

    .. math::

        f(z) = \frac1n \sum_{i=1}^n \delta_i \Big(-z_i
               + \log \sum_{j:\ t_j \ge t_i} e^{z_j}\Big),

    ``t_i`` the observed times, ``delta_i`` 1 for an event and 0 for a censored time. The
    targets are ``y`` of shape ``(n_samples, 2)``: times, then event indicators (skglm's
    convention). The partial likelihood has no intercept (it is invariant to a shift of
    ``z``). A 1-D ``y`` holds times that are all events (no censoring).

    Notes
    -----
    With the samples sorted by time and ``S_g`` the sum of ``e^{z_j}`` over the risk set of
    the tie group ``g`` (every sample not observed earlier), ``d_g`` its events and
    ``C_k = sum_{g <= g(k)} d_g / S_g``, the gradient and the diagonal of the Hessian are

    .. math::

        n \partial_k f = -\delta_k + e^{z_k} C_k, \qquad
        n \partial^2_{kk} f = e^{z_k} C_k - e^{2 z_k} \sum_{g \le g(k)} d_g / S_g^2,

    each in one pass (sums shifted by ``max z`` against overflow). The curvature has no global
    bound (``curvature = inf``): block coordinate descent runs proximal Newton steps
    (``update='newton'``) whose model uses the Hessian's diagonal, with a line search on the
    exact objective (differences by ``log1p`` / ``expm1``, without cancellation). There is no
    Fenchel dual in closed form, so the runs stop on the fixed-point residual (no duality
    gap, no screening), with a convex penalty too.

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.datafits import Cox
    >>> y = np.array([[1.0, 1.0], [2.0, 0.0], [3.0, 1.0]])  # times, events
    >>> round(Cox().value(y, np.zeros(3)), 6)  # (log 3 + log 1) / 3
    0.366204
    """

    code = CODE
    curvature = np.inf
    has_dual = False
    target_columns = 2

    def check_y(self, y):
        """``y`` of shape (n_samples, 2): finite times, events in {0, 1}."""
        check_survival(y)
        return y

    def _sorted(self, y, Xw):
        times, events = check_survival(y, np.shape(Xw)[0])
        z = np.asarray(Xw, dtype=np.float64)
        order, starts = sort_by_time(times)
        return order, starts, np.ascontiguousarray(events[order]), np.ascontiguousarray(z[order])

    def value(self, y, Xw):
        """The mean negative partial log-likelihood at ``Xw``."""
        _, starts, events, z = self._sorted(y, Xw)
        return value_sum(starts, events, z) / z.shape[0]

    def raw_grad(self, y, Xw):
        """Derivative with respect to ``Xw`` (in the samples' order)."""
        order, starts, events, z = self._sorted(y, Xw)
        u = np.empty(z.shape[0])
        grad_fill(starts, events, z, u)
        out = np.empty_like(u)
        out[order] = u / z.shape[0]
        return out

    def raw_hessian(self, y, Xw):
        """Diagonal of the Hessian with respect to ``Xw`` (in the samples' order)."""
        order, starts, events, z = self._sorted(y, Xw)
        u, h = np.empty(z.shape[0]), np.empty(z.shape[0])
        grad_hess_fill(starts, events, z, u, h)
        out = np.empty_like(h)
        out[order] = h / z.shape[0]
        return out

    def lipschitz(self, X):
        """``||X_j||^2 / n``: a scale only (there is no global curvature bound)."""
        return column_sq_norms(X) / X.shape[0]

    def dual_modulus(self, n_samples):
        """0: no dual in closed form (no Gap Safe screening)."""
        return 0.0

    def reduce_problem(self, X, y, fit_intercept):
        """The same problem on the samples sorted by time: ``(SortedCox(starts), X[order],
        events[order], None)``; an intercept is refused (the likelihood ignores it)."""
        if fit_intercept:
            raise ValueError("Cox has no intercept (the partial likelihood is invariant to a "
                             "shift of Xw): pass fit_intercept=False.")
        times, events = check_survival(y, X.shape[0])
        order, starts = sort_by_time(times)
        X = X.tocsr()[order] if sp.issparse(X) else X[order]
        return SortedCox(starts), X, np.ascontiguousarray(events[order]), None


class SortedCox(Cox):
    """:class:`Cox` on samples already sorted by time, with targets the event indicators
    and the tie groups' first positions given (what the solvers run, see
    :meth:`Cox.reduce_problem`)."""

    def __init__(self, starts):
        self.starts = starts

    def kernel_params(self):
        return np.ascontiguousarray(self.starts, dtype=np.float64)

    def check_y(self, y):
        return y

    def _sorted(self, y, Xw):
        z = np.ascontiguousarray(Xw, dtype=np.float64)
        return np.arange(z.shape[0]), self.kernel_params(), np.asarray(y, np.float64), z

    def reduce_problem(self, X, y, fit_intercept):
        return self, X, y, None


# ---------------------------------------------------------------- vector kernels
# params = starts: the first sorted position of each tie group; y = events (sorted), z sorted.
@njit(cache=True)
def _risk_sums(params, y, z, e):
    """``e_j = exp(z_j - m)`` (``m = max z``), and per group ``S_g`` (the risk set's sum of
    ``e``) and ``d_g`` (its events); returns ``(m, S, d)``."""
    n = z.shape[0]
    G = params.shape[0]
    m = z[0]
    for i in range(n):
        if z[i] > m:
            m = z[i]
    for i in range(n):
        e[i] = np.exp(z[i] - m)
    S = np.empty(G)
    d = np.zeros(G)
    acc = 0.0
    for g in range(G - 1, -1, -1):
        lo = int(params[g])
        hi = int(params[g + 1]) if g + 1 < G else n
        for i in range(lo, hi):
            acc += e[i]
            d[g] += y[i]
        S[g] = acc
    return m, S, d


@njit(cache=True)
def value_sum(params, y, z):
    """``n f(z) = sum_i delta_i (log S_{g(i)} - z_i)``."""
    e = np.empty(z.shape[0])
    m, S, d = _risk_sums(params, y, z, e)
    out = 0.0
    for i in range(z.shape[0]):
        out -= y[i] * z[i]
    for g in range(params.shape[0]):
        if d[g] > 0.0:
            out += d[g] * (m + np.log(S[g]))
    return out


@njit(cache=True)
def grad_hess_fill(params, y, z, u, h):
    """``u = n f'(z)`` and ``h = n diag f''(z)``."""
    n = z.shape[0]
    m, S, d = _risk_sums(params, y, z, u)  # u holds e for now
    G = params.shape[0]
    c1 = 0.0
    c2 = 0.0
    for g in range(G):
        lo = int(params[g])
        hi = int(params[g + 1]) if g + 1 < G else n
        if d[g] > 0.0:
            c1 += d[g] / S[g]
            c2 += d[g] / (S[g] * S[g])
        for i in range(lo, hi):
            ei = u[i]
            h[i] = ei * c1 - ei * ei * c2
            u[i] = ei * c1 - y[i]


@njit(cache=True)
def grad_fill(params, y, z, u):
    """``u = n f'(z)``."""
    n = z.shape[0]
    m, S, d = _risk_sums(params, y, z, u)
    G = params.shape[0]
    c1 = 0.0
    for g in range(G):
        lo = int(params[g])
        hi = int(params[g + 1]) if g + 1 < G else n
        if d[g] > 0.0:
            c1 += d[g] / S[g]
        for i in range(lo, hi):
            u[i] = u[i] * c1 - y[i]


@njit(cache=True)
def diff_sum(params, y, z, v, t):
    """``n (f(z + t v) - f(z))`` without cancellation: ``-t sum delta_i v_i + sum_g d_g
    log1p(A_g / S_g)`` with ``A_g`` the risk set's sum of ``e^{z_j} expm1(t v_j)``."""
    n = z.shape[0]
    e = np.empty(n)
    m, S, d = _risk_sums(params, y, z, e)
    G = params.shape[0]
    out = 0.0
    for i in range(n):
        out -= t * y[i] * v[i]
    acc = 0.0
    for g in range(G - 1, -1, -1):
        lo = int(params[g])
        hi = int(params[g + 1]) if g + 1 < G else n
        for i in range(lo, hi):
            acc += e[i] * np.expm1(t * v[i])
        if d[g] > 0.0:
            out += d[g] * np.log1p(acc / S[g])
    return out
