"""The shared validation vocabulary: accepted values pass through, everything else is refused
with a message naming the parameter."""

import numpy as np
import pytest

from sparseopt.utils._validation import check_bool, check_positive_int, check_real, check_seed


@pytest.mark.parametrize("value", [True, False, np.True_, np.False_])
def test_check_bool_accepts_booleans(value):
    assert check_bool("flag", value) is bool(value)


@pytest.mark.parametrize("value", ["no", "yes", 0, 1, 1.0, None, [True]])
def test_check_bool_refuses_the_rest(value):
    with pytest.raises(TypeError, match="flag must be True or False"):
        check_bool("flag", value)


def test_check_positive_int():
    assert check_positive_int("n", np.int64(3)) == 3
    assert check_positive_int("n", 0, minimum=0) == 0
    assert check_positive_int("n", None, allow_none=True) is None
    for bad in (2.0, 2.5, True, "3", None):
        with pytest.raises(TypeError, match="n must be an int"):
            check_positive_int("n", bad)
    with pytest.raises(ValueError, match="n must be >= 1, got 0"):
        check_positive_int("n", 0)


def test_check_real_bounds_and_nonfinite():
    assert check_real("tol", np.float32(0.5), low=0) == 0.5
    assert check_real("x", None, allow_none=True) is None
    assert check_real("x", np.inf, allow_inf=True) == np.inf
    for bad, exc in ((np.nan, ValueError), (np.inf, ValueError), ("1", TypeError),
                     (True, TypeError), (-1.0, ValueError)):
        with pytest.raises(exc, match="tol"):
            check_real("tol", bad, low=0)
    with pytest.raises(ValueError, match="tol must be > 0"):
        check_real("tol", 0.0, low=0, low_inclusive=False)
    with pytest.raises(ValueError, match="ratio must be <= 1"):
        check_real("ratio", 1.5, high=1)
    with pytest.raises(ValueError, match="ratio must be < 1"):
        check_real("ratio", 1.0, high=1, high_inclusive=False)


def test_check_seed():
    g = np.random.default_rng(0)
    assert check_seed(g) is g
    assert check_seed(3).integers(1000) == np.random.default_rng(3).integers(1000)
    assert check_seed(np.int64(3)).integers(1000) == np.random.default_rng(3).integers(1000)
    assert isinstance(check_seed(None), np.random.Generator)
    assert isinstance(check_seed(np.random.SeedSequence(1)), np.random.Generator)
    assert isinstance(check_seed(np.random.RandomState(1)), np.random.Generator)
    for bad, exc in (("abc", TypeError), (1.5, TypeError), (-1, ValueError), (True, TypeError)):
        with pytest.raises(exc, match="random_state"):
            check_seed(bad)


@pytest.mark.parametrize("bad, exc, match", [
    (np.ones(4), ValueError, r"4 entries but there are 3 samples"),
    (np.ones((3, 1)), ValueError, r"1-D of shape \(n_samples,\)"),
    (np.array([1.0, np.nan, 1.0]), ValueError, "finite"),
    (np.array([1.0, np.inf, 1.0]), ValueError, "finite"),
    (np.array([1.0, -0.5, 1.0]), ValueError, ">= 0"),
    (np.zeros(3), ValueError, "positive sum; all weights are zero"),
    (np.array([1 + 1j, 1, 1]), TypeError, "real"),
    (np.array(["a", "b", "c"]), TypeError, "real"),
    ("balanced", TypeError, "sample_weight"),
    (None, TypeError, "sample_weight"),
])
def test_check_sample_weight_names_the_argument(bad, exc, match):
    from sparseopt.utils import check_sample_weight

    with pytest.raises(exc, match=match) as info:
        check_sample_weight(bad, 3)
    assert "sample_weight" in str(info.value)


def test_check_sample_weight_copies_and_broadcasts():
    from sparseopt.utils import check_sample_weight

    sw = np.array([1, 0, 2])
    out = check_sample_weight(sw, 3)
    assert out.dtype == np.float64 and out is not sw
    out[0] = 5.0
    assert sw[0] == 1
    np.testing.assert_array_equal(check_sample_weight(2.5, 3), [2.5, 2.5, 2.5])
    np.testing.assert_array_equal(check_sample_weight([1.0, 2.0]), [1.0, 2.0])
