"""Sample weights: check them, and the weighted-mean helpers shared by the weighted datafits."""

import numpy as np


def check_sample_weight(sample_weight, n_samples=None):
    """A 1-D float64 array of finite weights ``>= 0`` with a positive sum (and ``n_samples``
    entries when given)."""
    if sample_weight is None or isinstance(sample_weight, str):
        raise TypeError(f"sample_weight must be an array of finite values >= 0, got "
                        f"{sample_weight!r}.")
    s = np.asarray(sample_weight)
    if np.iscomplexobj(s) or s.dtype.kind not in "biuf":
        raise TypeError(f"sample_weight must hold real numbers, got dtype {s.dtype}.")
    s = np.ascontiguousarray(s, dtype=np.float64)
    if s.ndim != 1:
        raise ValueError(f"sample_weight must be 1-D, got shape {s.shape}.")
    if n_samples is not None and s.shape[0] != n_samples:
        raise ValueError(f"sample_weight has {s.shape[0]} entries but X has {n_samples} "
                         "samples.")
    if not np.all(np.isfinite(s)) or np.any(s < 0) or not s.sum() > 0:
        raise ValueError("sample_weight must hold finite values >= 0 with a positive sum.")
    return s


def normalised(sample_weight, n_samples):
    """The weights rescaled to sum to ``n_samples`` (scikit-learn's convention)."""
    s = check_sample_weight(sample_weight, n_samples)
    return s * (n_samples / s.sum())
