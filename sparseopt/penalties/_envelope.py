"""Sparse envelope (SEF), weighted group sparse envelope (WGSEF) and the exact top-k variant.

The WGSEF formulas are reconstructed from first principles (the paper's text was unavailable):
``WGSEF_k(x) = s_k(w_1 ||x_{G_1}||, ..., w_m ||x_{G_m}||)`` with ``s_k`` the sparse envelope,
since the biconjugate depends on each group only through its weighted norm. Every formula here is
checked numerically by the tests (Fenchel-Young certificates, closed forms, cvxpy).
"""

import numpy as np

from ..utils import check_nonnegative, power_of_two_scale
from ._base import Penalty
from ._groups_base import GroupedPenalty, check_k, check_step, check_vector


def _topk_sorted_desc(a, k):
    """(the k largest entries sorted decreasingly, sum of the others); O(n + k log k)."""
    n = a.size
    if k >= n:
        return np.sort(a)[::-1], 0.0
    part = np.partition(a, n - k)
    top = np.sort(part[n - k:])[::-1]
    return top, float(part[: n - k].sum())


def sparse_envelope_value(a, k):
    """``s_k(a)`` for ``a >= 0`` (half the squared k-support norm)."""
    nnz = int(np.count_nonzero(a))
    if nnz <= k:
        return 0.5 * float(a @ a)
    top, rest = _topk_sorted_desc(a, k)
    # T_N = sum_{i > N} a_[i] for N = 0..k-1, built from the small end (no cancellation)
    T = rest + np.cumsum(top[::-1])[::-1]
    Ns = np.arange(k)
    rho = T / (k - Ns)
    upper = np.concatenate([[np.inf], top[:-1]])  # a_[N]
    lower = top  # a_[N + 1]
    slack = 1e-12 * rho
    ok = (upper > rho - slack) & (rho >= lower - slack)
    if ok.any():
        N = int(np.flatnonzero(ok)[0])
    else:  # floating point: take the least violating index
        viol = np.maximum(rho - upper, 0) + np.maximum(lower - rho, 0)
        N = int(np.argmin(viol))
    return 0.5 * (float(top[:N] @ top[:N]) + T[N] ** 2 / (k - N))


def radii_prox(v, k, lam, w=None):
    """``argmin_r 1/2 ||r - v||^2 + lam s_k(w * r)`` for radii ``v >= 0`` (exact, sort-based)."""
    from . import _envelope_kernels as K

    m = v.size
    unit = w is None
    w_arr = np.ones(m) if unit else np.ascontiguousarray(w, dtype=np.float64)
    if np.count_nonzero(v) <= k:
        return v / (1.0 + lam * w_arr * w_arr)
    if unit:
        v_desc = np.sort(v[v > 0])[::-1].copy()
        tau = K.radii_unit_sorted(v_desc, float(k), float(lam))
    else:
        bps = np.concatenate([v / (lam * w_arr), w_arr * v / (1.0 + lam * w_arr * w_arr)])
        kinds = np.concatenate([np.arange(m), np.arange(m)]).astype(np.int64)
        order = np.argsort(-bps, kind="stable").astype(np.int64)
        tau = K.radii_weighted_tau(v, w_arr, float(k), float(lam), order, bps, kinds)
    out = np.empty(m)
    K.radii_map(np.ascontiguousarray(v, dtype=np.float64), w_arr, float(lam), float(tau), out)
    return out


class SparseEnvelope(Penalty):
    r"""Sparse envelope function ``alpha * s_k(x)``: the convex envelope of
    ``1/2 ||x||^2 + indicator(||x||_0 <= k)``.

    Parameters
    ----------
    k : int
        Target number of nonzeros (``>= 1``).
    alpha : float, default=1.0
        Strength, ``> 0``.

    Notes
    -----
    ``s_k`` is half the squared k-support norm (Argyriou et al. 2012): with the sorted magnitudes
    ``|x|_[1] >= ... >= |x|_[n]``, ``T_N = sum_{i > N} |x|_[i]`` and ``N`` the unique index with
    ``|x|_[N] > T_N / (k - N) >= |x|_[N+1]``,

    .. math:: s_k(x) = \frac12\Big(\sum_{i \le N} |x|_{[i]}^2 + \frac{T_N^2}{k - N}\Big),
              \qquad s_k^*(u) = \frac12 \sum_{i \le k} |u|_{[i]}^2 .

    ``s_k(x) = ||x||^2 / 2`` exactly when ``||x||_0 <= k``. The prox is exact and sort-based
    (O(n log n)), via the radii reduction of Beck and Refael.

    References
    ----------
    .. [1] A. Beck, Y. Refael, "Sparse regularization via bidualization", J. Global Optim. 2022.
    .. [2] A. Argyriou, R. Foygel, N. Srebro, "Sparse prediction with the k-support norm",
       NIPS 2012, arXiv:1204.5043.

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.penalties import SparseEnvelope
    >>> float(SparseEnvelope(2).value(np.array([3.0, 1.0, 1.0, 1.0])))
    9.0
    >>> SparseEnvelope(2).prox(np.array([3.0, 1.0, 1.0, 1.0]), step=1.0)
    array([1.5 , 0.25, 0.25, 0.25])
    """

    structure = "vector"
    certificate = "fenchel_young"

    def __init__(self, k, *, alpha=1.0):
        self.k = k
        self.alpha = alpha

    def _params(self):
        return check_k(self.k), check_nonnegative("alpha", self.alpha, allow_zero=False)

    def value(self, x):
        """``alpha * s_k(x)``."""
        k, a = self._params()
        return a * sparse_envelope_value(np.abs(check_vector(x)), k)

    def prox(self, x, step):
        """``argmin_z step * alpha * s_k(z) + ||z - x||^2 / 2``."""
        k, a = self._params()
        x = check_vector(x)
        lam = check_step(step) * a
        r = radii_prox(np.abs(x), k, lam)
        return np.sign(x) * r

    def conjugate(self, u):
        """``(1 / (2 alpha)) * sum of the k largest u_i^2``."""
        k, a = self._params()
        u = check_vector(u, "u")
        s = power_of_two_scale(u)  # 2-homogeneous: squares of u / s, exact
        top, _ = _topk_sorted_desc((u / s) ** 2, k)
        return float(top.sum()) / (2.0 * a) * s * s


class WeightedGroupSparseEnvelope(GroupedPenalty, Penalty):
    r"""Weighted group sparse envelope ``alpha * WGSEF_k(x)``: asks for ``k`` active groups.

    Parameters
    ----------
    k : int
        Number of active groups sought (``>= 1``; ``k >= n_groups`` is weighted ridge).
    groups : int, label array, list of index sequences or (grp_ptr, grp_indices)
        Non-overlapping groups (see :func:`sparseopt.utils.groups.check_groups`).
    weights : None, 'sqrt_size' or array of shape (n_groups,), default=None
        Norm weights ``w_j > 0``.
    alpha : float, default=1.0
        Strength, ``> 0``.

    Notes
    -----
    With ``v_j = ||x_{G_j}||`` and ``d_j = w_j^2`` this is the convex envelope of
    ``1/2 sum_j d_j v_j^2 + indicator(at most k nonzero groups)``:

    .. math:: \mathrm{WGSEF}_k(x) = s_k(w_1 v_1, \dots, w_m v_m), \qquad
              \mathrm{WGSEF}_k^*(u) = \frac12\,\mathrm{top}_k\big(\|u_{G_j}\|^2 / d_j\big).

    ``k = 1`` gives ``1/2 (sum_j w_j v_j)^2`` (half the squared group-lasso norm). The prox
    shrinks the group radii exactly (sort of the 2m breakpoints, O(n + m log m)) and rescales
    each group; it keeps at least ``min(k, #nonzero groups)`` groups. The formulas are a
    reconstruction (Refael, Arbel, Huleihel, arXiv:2212.12921) verified by Fenchel-Young tests.

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.penalties import WeightedGroupSparseEnvelope
    >>> pen = WeightedGroupSparseEnvelope(1, groups=2)
    >>> x = np.array([3.0, 4.0, 0.0, 1.0])
    >>> bool(pen.value(x) == 0.5 * (5.0 + 1.0) ** 2)
    True
    """

    _allow_zero_weight = False
    structure = "vector"
    certificate = "fenchel_young"

    def __init__(self, k, groups, weights=None, *, alpha=1.0):
        self.k = k
        self.groups = groups
        self.weights = weights
        self.alpha = alpha

    def _params(self):
        return check_k(self.k), check_nonnegative("alpha", self.alpha, allow_zero=False)

    def value(self, x):
        """``alpha * WGSEF_k(x)``."""
        k, a = self._params()
        x = check_vector(x)
        _, _, w, _ = self._encoding(x.size)
        # 2-homogeneous: evaluated on x / s (s a power of two, exact) so that the squares
        # of the radii neither overflow nor underflow, then scaled back by s^2
        s = power_of_two_scale(x)
        return a * sparse_envelope_value(w * self.group_norms(x / s), k) * s * s

    def prox(self, x, step):
        """``argmin_z step * alpha * WGSEF_k(z) + ||z - x||^2 / 2`` (exact)."""
        k, a = self._params()
        x = check_vector(x)
        lam = check_step(step) * a
        # the prox of a 2-homogeneous function is 1-homogeneous: solved on x / s (s a power
        # of two, exact), whose radii square without overflow or underflow
        s = power_of_two_scale(x)
        return s * self._prox_unit(x / s, k, lam)

    def _prox_unit(self, x, k, lam):
        _, _, w, labels = self._encoding(x.size)
        v = self.group_norms(x)
        unit = bool(np.all(w == 1.0))
        r = radii_prox(v, k, lam, None if unit else w)
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.where(v > 0, r / v, 0.0)
        return x * scale[labels]

    def conjugate(self, u):
        """``(1 / (2 alpha)) * sum of the k largest ||u_{G_j}||^2 / w_j^2``."""
        k, a = self._params()
        u = check_vector(u, "u")
        _, _, w, _ = self._encoding(u.size)
        s = power_of_two_scale(u)  # 2-homogeneous: norms of u / s, exact
        q = (self.group_norms(u / s) / w) ** 2
        top, _ = _topk_sorted_desc(q, k)
        return float(top.sum()) / (2.0 * a) * s * s


class GroupTopK(GroupedPenalty, Penalty):
    r"""Nonconvex exact-k group penalty ``alpha * (WGSEF_k(x) - ||x||^2 / 2)`` (unit weights).

    Zero exactly when at most ``k`` groups are nonzero, positive otherwise. For
    ``step * alpha >= 1`` the prox is the projection onto "at most k groups" (keep the ``k``
    largest group norms, ties to the lower group index); for ``lambda = step * alpha < 1``,
    ``prox_{lambda h}(x) = prox_{lambda / (1 - lambda) WGSEF_k}(x / (1 - lambda))``.

    Parameters
    ----------
    k : int
    groups : int, label array, list of index sequences or (grp_ptr, grp_indices)
    alpha : float, default=1.0

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.penalties import GroupTopK
    >>> GroupTopK(1, groups=2).prox(np.array([3.0, 4.0, 1.0, 1.0]), step=1.0)
    array([3., 4., 0., 0.])
    """

    structure = "vector"
    convex = False
    certificate = "fixed_point"

    def __init__(self, k, groups, *, alpha=1.0):
        self.k = k
        self.groups = groups
        self.alpha = alpha

    def _params(self):
        return check_k(self.k), check_nonnegative("alpha", self.alpha, allow_zero=False)

    def value(self, x):
        """``alpha * (WGSEF_k(x) - ||x||^2/2)``: exactly 0 with at most k nonzero groups."""
        k, a = self._params()
        x = check_vector(x)
        sx = power_of_two_scale(x)  # 2-homogeneous: evaluated on x / sx, exact
        v = self.group_norms(x / sx)
        if np.count_nonzero(v) <= k:
            return 0.0
        # tail-only form: s_k(v) - |v|^2/2 = T_N^2/(2(k-N)) - 1/2 sum_{i>N} v_[i]^2
        s = sparse_envelope_value(v, k)
        return a * max(s - 0.5 * float(v @ v), 0.0) * sx * sx

    def project(self, x):
        """Keep the ``k`` groups of largest norm (ties to the lower group index)."""
        k, _ = self._params()
        x = check_vector(x)
        v = self.group_norms(x)
        m = v.size
        if k >= m:
            return x.copy()
        order = np.lexsort((np.arange(m), -v))  # by decreasing norm, then by index
        keep = np.zeros(m, dtype=bool)
        keep[order[:k]] = True
        _, _, _, labels = self._encoding(x.size)
        return np.where(keep[labels], x, 0.0)

    def prox(self, x, step):
        """Proximal operator of ``step * alpha * h``."""
        k, a = self._params()
        x = check_vector(x)
        lam = check_step(step) * a
        v = self.group_norms(x)
        if k >= v.size:
            return x.copy()
        if lam >= 1.0 - 1e-10:
            # at lambda -> 1 the convex reformulation scales x by 1/(1 - lambda) and shrinks it
            # back by as much: numerically void; the limit is the projection (error O(1 - lambda))
            return self.project(x)
        env = WeightedGroupSparseEnvelope(k, self.groups, alpha=1.0)
        return env.prox(x / (1.0 - lam), lam / (1.0 - lam))


def fenchel_young_gap(penalty, z, u):
    """``P(z) + P*(u) - <z, u>``: >= 0, and 0 exactly when ``u`` is a subgradient at ``z``.

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.penalties import SparseEnvelope, fenchel_young_gap
    >>> pen, x = SparseEnvelope(2), np.array([3.0, -1.0, 0.5])
    >>> z = pen.prox(x, 1.0)
    >>> abs(fenchel_young_gap(pen, z, x - z)) < 1e-12
    True
    """
    z = check_vector(z, "z")
    u = check_vector(u, "u")
    return penalty.value(z) + penalty.conjugate(u) - float(z @ u)
