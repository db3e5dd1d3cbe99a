"""Shared group handling of the group penalties (encoding resolved lazily per n_features)."""

import copy
import pickle
from hashlib import blake2b

import numpy as np

from ..utils import check_finite_array, check_nonnegative, check_positive_int, power_of_two_scale
from ..utils.groups import check_groups, check_weights, group_labels


def _fingerprint(*objs):
    """A digest of the content of ``objs`` (None when they cannot be serialised): the cache
    key of an encoding, so that groups or weights mutated in place are encoded afresh."""
    try:
        return blake2b(pickle.dumps(objs, protocol=pickle.HIGHEST_PROTOCOL),
                       digest_size=16).digest()
    except Exception:  # noqa: BLE001  (unpicklable input: never cached)
        return None


def check_vector(x, name="x"):
    """A 1-D real finite float64 copy-free view of ``x``.

    Complex, string or object input raises a TypeError naming ``name``; NaN/inf and a wrong
    number of dimensions a ValueError.
    """
    if hasattr(x, "tocsr"):
        raise TypeError(f"{name} must be a dense 1-D array, got a sparse matrix.")
    x = np.asarray(x)
    if np.iscomplexobj(x):
        raise TypeError(f"{name} must be real; complex input is not supported.")
    if x.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold real numbers, got dtype {x.dtype}.")
    x = np.ascontiguousarray(x, dtype=np.float64)
    if x.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {x.shape}.")
    check_finite_array(name, x)
    return x


def _uniform_size(grp_ptr, grp_indices):
    """The common size of contiguous groups in index order (0 if the groups are not)."""
    if len(grp_ptr) < 2:
        return 0
    size = int(grp_ptr[1])
    if size < 1 or len(grp_indices) != size * (len(grp_ptr) - 1):
        return 0
    if not (np.array_equal(grp_ptr, np.arange(0, len(grp_indices) + 1, size))
            and np.array_equal(grp_indices, np.arange(len(grp_indices)))):
        return 0
    return size


def _row_norms(B):
    """Euclidean norm of every row of ``B``: the plain sum of squares, and the power-of-two
    rescaled one for the rows where that sum over- or underflows (the same values: scaling by
    a power of two is exact)."""
    sq = np.einsum("ij,ij->i", B, B)
    out = np.sqrt(sq)
    redo = _lost_sums(sq, np.einsum("ij->i", np.abs(B)) > 0)
    if np.any(redo):
        R = B[redo]
        scale = power_of_two_scale(R, axis=1)  # (|R| / scale < 2: no square overflows)
        U = R / scale
        with np.errstate(over="ignore"):  # a norm beyond the float64 range is inf
            out[redo] = scale.ravel() * np.sqrt(np.einsum("ij,ij->i", U, U))
    return out


_TINY = 2.0 ** -969  # a sum of squares above this lost nothing to subnormal squares


def _lost_sums(sq, nonzero):
    """The groups whose plain sum of squares ``sq`` overflowed or lost its value to underflow
    (a nonzero group below ``_TINY``): they need the rescaled sum."""
    return nonzero & ~((sq >= _TINY) & (sq < np.inf))


def check_step(step):
    """A finite step > 0."""
    return check_nonnegative("step", step, allow_zero=False)


def check_k(k):
    """An int k >= 1."""
    return check_positive_int("k", k)


class GroupedPenalty:
    """Mixin resolving ``groups``/``weights`` to int64 arrays once per feature count."""

    _allow_zero_weight = True

    def for_solve(self):
        """A shallow copy whose encodings are computed once and then trusted: the groups and
        weights of a solve do not change, so its many calls skip re-validating them (the
        user's object is untouched)."""
        frozen = copy.copy(self)
        frozen._solve_encodings = {}
        return frozen

    def _vector(self, x, name="x"):
        """:func:`check_vector`, except on the copy a solve works with (:meth:`for_solve`):
        there the vectors are the solver's own finite float64 arrays, checked once on entry,
        and the many calls per solve skip the checks."""
        if "_solve_encodings" in self.__dict__:
            return np.asarray(x, dtype=np.float64).ravel()
        return check_vector(x, name)

    def _encoding(self, n_features):
        frozen = self.__dict__.get("_solve_encodings")
        if frozen is not None:
            if n_features not in frozen:
                frozen[n_features] = self._checked_encoding(n_features)
            return frozen[n_features]
        return self._checked_encoding(n_features)

    def _checked_encoding(self, n_features):
        cache = getattr(self, "_enc_cache", None)
        digest = _fingerprint(self.groups, getattr(self, "weights", None))
        key = (n_features, digest)
        if digest is not None and cache is not None and cache[0] == key:
            return cache[1]
        grp_ptr, grp_indices = check_groups(self.groups, n_features)
        weights = check_weights(getattr(self, "weights", None), grp_ptr,
                                allow_zero=self._allow_zero_weight)
        enc = (grp_ptr, grp_indices, weights, group_labels(grp_ptr, grp_indices))
        self._enc_cache = (key, enc)
        return enc

    def encoding(self, n_features):
        """``(grp_ptr, grp_indices, weights, labels)`` for ``n_features`` coordinates: the
        groups as int64 pointer/index arrays, one weight per group, a group label per
        coordinate (cached per feature count)."""
        return self._encoding(n_features)

    def group_norms(self, x):
        """Euclidean norm of every group of ``x``.

        The plain sums of squares, except for the groups where that sum over- or underflows:
        those are scaled by the power of two above their largest entry before squaring
        (exact), so norms neither overflow nor underflow for any finite input.
        """
        x = self._vector(x)
        grp_ptr, grp_indices, _, labels = self._encoding(x.size)
        cached = self.__dict__.get("_uniform_cache")
        if cached is not None and cached[0] is grp_ptr:  # the same encoding as last time
            size = cached[1]
        else:
            size = _uniform_size(grp_ptr, grp_indices)
            self._uniform_cache = (grp_ptr, size)
        if size:  # contiguous groups of one size (the rows of a matrix)
            return _row_norms(x.reshape(-1, size))
        m = int(labels.max()) + 1 if labels.size else 0
        ax = np.abs(x)
        with np.errstate(over="ignore", under="ignore"):  # such groups are redone below
            sq = np.bincount(labels, x * x, minlength=m)
        out = np.sqrt(sq)
        redo = _lost_sums(sq, np.bincount(labels, ax, minlength=m) > 0)
        if np.any(redo):
            top = np.zeros(m)
            np.maximum.at(top, labels, ax)
            scale = power_of_two_scale(top[:, None], axis=1).ravel()
            u = x / scale[labels]
            out[redo] = (scale * np.sqrt(np.bincount(labels, u * u, minlength=m)))[redo]
        return out
