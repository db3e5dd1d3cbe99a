"""LabelPropagation's non-convergence warning names the class as the user wrote it."""

import re

import numpy as np
import pytest
from sklearn.datasets import make_moons
from sklearn.exceptions import ConvergenceWarning

from sparseopt.semi_supervised import LabelPropagation


def test_warning_shows_the_class_label_not_its_numpy_repr():
    X, y = make_moons(60, noise=0.05, random_state=0)
    y_obs = np.full(60, -1)
    y_obs[:6] = y[:6]
    with pytest.warns(ConvergenceWarning) as record:
        LabelPropagation(max_iter=1, tol=1e-14).fit(X, y_obs)
    messages = [str(w.message) for w in record if "did not converge" in str(w.message)]
    assert messages
    for message in messages:  # not "class np.int64(1)"
        assert re.match(r"LabelPropagation: class [01] did not converge within max_iter=1",
                        message), message
