"""Sample weights: check them, and the weighted-mean helpers shared by the weighted datafits."""


from ..utils import check_sample_weight

__all__ = ["check_sample_weight", "normalised"]


def normalised(sample_weight, n_samples):
    """The weights rescaled to sum to ``n_samples`` (scikit-learn's convention)."""
    s = check_sample_weight(sample_weight, n_samples)
    return s * (n_samples / s.sum())
