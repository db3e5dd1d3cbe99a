"""Sample weights: the weighted-mean helper shared by the weighted datafits."""

from ..utils import check_sample_weight


def normalised(sample_weight, n_samples):
    """The weights rescaled to sum to ``n_samples`` (scikit-learn's convention)."""
    s = check_sample_weight(sample_weight, n_samples)
    return s * (n_samples / s.sum())
