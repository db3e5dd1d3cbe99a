import numpy as np
import pytest

from sparseopt.utils.groups import check_groups, check_weights, group_labels


def test_all_forms_agree():
    expected = check_groups(2, 6)
    labels = np.array([0, 0, 1, 1, 2, 2])
    forms = [labels, ["a", "a", "b", "b", "c", "c"], [[0, 1], [2, 3], [4, 5]],
             (np.array([0, 2, 4, 6]), np.arange(6))]
    for form in forms:
        ptr, idx = check_groups(form, 6)
        np.testing.assert_array_equal(ptr, expected[0])
        np.testing.assert_array_equal(idx, expected[1])
        assert ptr.dtype == np.int64 and idx.dtype == np.int64
    np.testing.assert_array_equal(group_labels(*expected), labels)


def test_labels_round_trip_unsorted():
    labels = np.array([2, 0, 1, 0, 2, 1, 1])
    ptr, idx = check_groups(labels, 7)
    np.testing.assert_array_equal(group_labels(ptr, idx), labels)


@pytest.mark.parametrize("groups", [
    [[0, 1], [1, 2]],            # overlap
    [[0, 1], [3]],               # feature 2 uncovered
    [[0, 1, 2], []],             # empty group
    [[0, 1], [2, 7]],            # out of range
    [[0, 1.5], [2]],             # non-integer
    4,                           # does not divide 6... (n=3 below)
    np.array([0, 1]),            # wrong length
])
def test_invalid_groups_raise_naming_groups(groups):
    with pytest.raises(ValueError, match="groups"):
        check_groups(groups, 3)


def test_weights():
    ptr, _ = check_groups([[0], [1, 2, 3]], 4)
    np.testing.assert_allclose(check_weights("sqrt_size", ptr, allow_zero=False), [1, np.sqrt(3)])
    with pytest.raises(ValueError, match="weights"):
        check_weights([1.0, 0.0], ptr, allow_zero=False)
    with pytest.raises(ValueError, match="weights"):
        check_weights([1.0], ptr, allow_zero=True)
