"""Group encodings: every accepted form becomes ``(grp_ptr, grp_indices)`` (int64)."""

import numbers

import numpy as np

from ._validation import check_positive_int


def check_groups(groups, n_features):
    """Validate ``groups`` and return the canonical ``(grp_ptr, grp_indices)`` encoding.

    Parameters
    ----------
    groups : int, array-like of labels, list of index sequences, or (grp_ptr, grp_indices)
        - int ``g``: contiguous groups of ``g`` features (``n_features % g == 0``);
        - 1-D label array of length ``n_features``: group order = sorted unique labels;
        - list of index sequences: each a group; together a partition of the features;
        - tuple ``(grp_ptr, grp_indices)``: already canonical.
    n_features : int

    Returns
    -------
    grp_ptr : ndarray of int64, shape (n_groups + 1,)
    grp_indices : ndarray of int64, shape (n_features,)
        Group ``j`` is ``grp_indices[grp_ptr[j]:grp_ptr[j + 1]]``.

    Raises
    ------
    ValueError
        Naming ``groups``, for overlapping groups, uncovered features, empty groups and
        out-of-range or non-integer indices.

    Examples
    --------
    >>> from sparseopt.utils.groups import check_groups
    >>> check_groups(["a", "b", "a"], 3)
    (array([0, 2, 3]), array([0, 2, 1]))
    """
    n = check_positive_int("n_features", n_features, minimum=0)
    if isinstance(groups, numbers.Integral) and not isinstance(groups, bool):
        g = int(groups)
        if g < 1 or n % g != 0:
            raise ValueError(f"groups={g}: an int must be >= 1 and divide n_features={n}.")
        return (np.arange(0, n + 1, g, dtype=np.int64), np.arange(n, dtype=np.int64))
    if isinstance(groups, tuple) and len(groups) == 2 and not np.isscalar(groups[0]):
        ptr = np.asarray(groups[0])
        idx = np.asarray(groups[1])
        if ptr.ndim == 1 and idx.ndim == 1 and len(ptr) >= 2 and ptr[0] == 0 \
                and ptr[-1] == len(idx):
            return _check_ptr_indices(ptr, idx, n)
    if isinstance(groups, list | tuple) and len(groups) > 0 and all(
            not np.isscalar(g) for g in groups):
        sizes = [len(g) for g in groups]
        idx = np.concatenate([np.asarray(g).ravel() for g in groups]) if groups else []
        ptr = np.concatenate([[0], np.cumsum(sizes)])
        return _check_ptr_indices(ptr, np.asarray(idx), n)
    labels = np.asarray(groups)
    if labels.ndim != 1 or len(labels) != n:
        raise ValueError(
            f"groups must be an int, a label array of length n_features={n}, a list of index "
            f"sequences or a (grp_ptr, grp_indices) tuple; got shape {labels.shape}."
        )
    if labels.dtype.kind == "f" and np.any(np.isnan(labels)):
        raise ValueError("groups labels must not contain NaN.")
    _, inverse = np.unique(labels, return_inverse=True)
    inverse = inverse.ravel()
    order = np.argsort(inverse, kind="stable").astype(np.int64)
    counts = np.bincount(inverse)
    ptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    return ptr, order


def _check_ptr_indices(ptr, idx, n):
    if idx.size and (idx.dtype.kind not in "iu"):
        if idx.dtype.kind == "f" and np.all(idx == np.round(idx)):
            idx = idx.astype(np.int64)
        else:
            raise ValueError("groups must hold integer feature indices.")
    ptr = ptr.astype(np.int64)
    idx = idx.astype(np.int64)
    if np.any(np.diff(ptr) <= 0):
        raise ValueError("groups must not contain empty groups.")
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        raise ValueError(f"groups holds indices outside [0, {n}).")
    counts = np.bincount(idx, minlength=n)
    if np.any(counts > 1):
        raise ValueError(
            f"groups overlap: feature {int(np.flatnonzero(counts > 1)[0])} is in several groups; "
            "overlapping groups are not supported."
        )
    if np.any(counts == 0):
        raise ValueError(
            f"groups must cover every feature: feature {int(np.flatnonzero(counts == 0)[0])} "
            "is in no group."
        )
    return np.ascontiguousarray(ptr), np.ascontiguousarray(idx)


def group_labels(grp_ptr, grp_indices):
    """Group id (0..m-1) of every feature, from the canonical encoding."""
    labels = np.empty(len(grp_indices), dtype=np.int64)
    sizes = np.diff(grp_ptr)
    labels[grp_indices] = np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)
    return labels


def check_weights(weights, grp_ptr, *, allow_zero):
    """Group weights: None (ones), 'sqrt_size' or an array of length n_groups."""
    m = len(grp_ptr) - 1
    if weights is None:
        return np.ones(m)
    if isinstance(weights, str):
        if weights != "sqrt_size":
            raise ValueError(f"weights={weights!r}: expected None, 'sqrt_size' or an array.")
        return np.sqrt(np.diff(grp_ptr).astype(np.float64))
    try:
        w = np.asarray(weights, dtype=np.float64).ravel()
    except (TypeError, ValueError):
        raise TypeError(f"weights must be None, 'sqrt_size' or an array of real numbers, got "
                        f"{weights!r}.") from None
    if w.shape != (m,):
        raise ValueError(f"weights must have one entry per group ({m}), got {w.shape}.")
    if not np.all(np.isfinite(w)) or np.any(w < 0) or (not allow_zero and np.any(w == 0)):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"weights must be finite and {bound}.")
    return w
