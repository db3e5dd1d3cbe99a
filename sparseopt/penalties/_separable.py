"""Shared Python pieces of the separable penalties of the catalogue (reference methods only).

A separable penalty ``Psi(w) = sum_j psi_j(w_j)`` writes its per-coordinate values
(``coordinate_values``), its prox and its subdifferential distance; the value and the GS-q
score follow here. Per-coordinate weights (``weights``) travel to the kernels after the scalar
parameters, so a kernel reads the weight of coordinate ``j`` as ``params[n_scalars + j]`` (1
when the array holds the scalars only).
"""

import copy
import functools

import numpy as np

from ..utils import check_finite_array, njit
from ._base import Penalty


def real_input(x, name):
    """``x`` as a finite real float64 array (any shape): complex, string or object input is a
    TypeError naming ``name``, NaN/inf a ValueError (never silently cast or passed on)."""
    if hasattr(x, "tocsr"):
        raise TypeError(f"{name} must be a dense array, got a sparse matrix.")
    x = np.asarray(x)
    if x.dtype.kind not in "biuf":
        kind = "complex" if x.dtype.kind == "c" else f"dtype {x.dtype}"
        raise TypeError(f"{name} must be real, got {kind} input; penalties of complex "
                        "coefficients are not supported.")
    x = np.asarray(x, dtype=np.float64)
    check_finite_array(name, x)
    return x


@njit(cache=True, inline="always")
def abs_step(w, d):
    """``|w + d| - |w|`` without cancellation: ``sign(w) d`` when ``w + d`` keeps the sign of
    ``w`` (the kernels' ``value_diff_1d`` build on it, so a line search still resolves steps
    far below the rounding error of the penalty's value)."""
    v = w + d
    if w > 0.0 and v >= 0.0:
        return d
    if w < 0.0 and v <= 0.0:
        return -d
    return abs(v) - abs(w)


def check_weights(weights, name="weights", allow_none=True):
    """A 1-D float64 array of finite weights ``>= 0`` (None kept when allowed)."""
    if weights is None:
        if allow_none:
            return None
        raise ValueError(f"{name} must be an array of finite values >= 0, got None.")
    if isinstance(weights, str):
        raise TypeError(f"{name} must be an array of finite values >= 0, got {weights!r}.")
    w = np.asarray(weights)
    if np.iscomplexobj(w) or w.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be an array of real values, got dtype {w.dtype}.")
    w = np.ascontiguousarray(w, dtype=np.float64)
    if w.ndim != 1 or w.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array, got shape {w.shape}.")
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise ValueError(f"{name} must hold finite values >= 0.")
    return w


def check_step_array(step, shape=None):
    """A finite step >= 0 (a scalar, or an array broadcast to ``shape`` when given)."""
    arr = None if isinstance(step, str) or step is None else np.asarray(step)
    if arr is None or arr.dtype.kind not in "iuf":
        raise TypeError(f"step must be a real number >= 0 or an array of them, got {step!r}.")
    arr = np.asarray(arr, dtype=np.float64)
    if np.any(~np.isfinite(arr)) or np.any(arr < 0):
        raise ValueError("step must be finite and >= 0.")
    if shape is None:
        return arr
    try:
        return np.broadcast_to(arr, shape)
    except ValueError:
        raise ValueError(f"step of shape {arr.shape} does not match x of shape "
                         f"{tuple(shape)}.") from None


def _constant(value):
    return value


class SeparablePenalty(Penalty):
    """Base of the catalogue's separable penalties: value and GS-q score from the prox."""

    structure = "separable"
    n_scalars = 0  # scalar parameters before the optional per-coordinate weights

    # --- subclasses write: _scalars(), coordinate_values(w), _prox(x, t) (on a checked
    # --- x and a step t broadcast to its shape), subdiff_distance(w, g)

    def for_solve(self):
        """A shallow copy holding its weights and scalar parameters validated (see
        :meth:`Penalty.for_solve`): the solvers call the penalty's methods in loops."""
        frozen = copy.copy(self)
        frozen._solve_weights = (check_weights(getattr(self, "weights", None)),)
        # validated once, for this solve (a partial, not a lambda: the copy stays picklable)
        frozen._scalars = functools.partial(_constant, self._scalars())
        return frozen

    def _checked_weights(self, allow_none=True):
        """The validated weights (None without weights): read from the copy made for a solve,
        else checked now."""
        cached = self.__dict__.get("_solve_weights")
        if cached is not None and (allow_none or cached[0] is not None):
            return cached[0]
        return check_weights(getattr(self, "weights", None), allow_none=allow_none)

    def kernel_params(self):
        """The scalar parameters, then the per-coordinate weights if any."""
        scalars = np.asarray(self._scalars(), dtype=np.float64)
        weights = self._checked_weights()
        return scalars if weights is None else np.concatenate([scalars, weights])

    def check_n_features(self, n_features):
        weights = self._checked_weights()
        if weights is not None and weights.size != n_features:
            raise ValueError(f"weights has {weights.size} entries but X has {n_features} "
                             "features.")

    def _weights(self, w):
        """The weights aligned with ``w`` (ones without weights)."""
        weights = self._checked_weights()
        if weights is None:
            return np.ones(np.shape(w))
        if weights.size != np.size(w):
            raise ValueError(f"weights has {weights.size} entries, w has {np.size(w)}.")
        return weights.reshape(np.shape(w))

    def value(self, w):
        """Penalty value ``sum_j psi_j(w_j)``."""
        return float(np.sum(self.coordinate_values(real_input(w, "w"))))

    def prox(self, x, step):
        """Proximal operator of ``step * penalty`` at ``x``, coordinate-wise (``step``: a
        scalar, or an array of the shape of ``x``, each ``>= 0``)."""
        x = real_input(x, "x")
        return self._prox(x, check_step_array(step, x.shape))

    def project(self, w):
        """Projection on the domain, ``prox(w, 0)``: ``max(w, 0)`` with ``positive=True``, a
        copy otherwise; cheaper than :meth:`prox` (no step, no candidate search), as the
        solvers project every extrapolated point."""
        w = np.asarray(w, dtype=np.float64)
        return np.where(w > 0, w, 0.0) if getattr(self, "positive", False) else w.copy()

    def gsq_score(self, w, g, L):
        """GS-q score: ``-(g d + L d^2 / 2 + psi(w + d) - psi(w))`` for the prox-gradient step
        ``d`` with constant ``L`` (0 where ``L <= 0``)."""
        w, g, L = np.broadcast_arrays(*(np.asarray(v, dtype=np.float64) for v in (w, g, L)))
        safe_L = np.where(L > 0, L, 1.0)
        u = self.prox(w - g / safe_L, 1.0 / safe_L)
        d = u - w
        with np.errstate(invalid="ignore"):
            diff = self.coordinate_values(u) - self.coordinate_values(w)
        diff = np.where(d == 0, 0.0, diff)
        score = -(g * d + 0.5 * safe_L * d * d + diff)
        return np.where(L > 0, np.maximum(score, 0.0), 0.0)


class NonconvexPenalty(SeparablePenalty):
    """Base of the nonconvex separable penalties: no duality gap, so block coordinate descent
    stops on the fixed-point residual and screens nothing.

    The reference prox minimises ``(u - x)^2 / (2t) + psi(u)`` over the candidates the
    subclass lists (``_candidates``: the stationary points of each smooth piece, clipped to
    it, and the pieces' ends, as magnitudes); the smallest objective wins, ties going to the
    smaller magnitude.
    """

    convex = False
    certificate = "fixed_point"
    screening = False
    positive = False

    def _prox(self, x, t):
        """The prox as a global minimiser over the candidates."""
        ax = np.abs(x)
        cands = np.stack(np.broadcast_arrays(*self._candidates(ax, t)))
        obj = np.stack([(c - ax) ** 2 / (2 * np.where(t > 0, t, 1.0))
                        + self.coordinate_values(c) for c in cands])
        obj = np.where(np.isnan(obj), np.inf, obj)
        best = np.take_along_axis(cands, np.argmin(obj, axis=0)[None], axis=0)[0]
        out = np.sign(x) * best
        out = np.where(t > 0, out, x)
        if self.positive:
            out = np.where(x > 0, out, 0.0)
        return out
