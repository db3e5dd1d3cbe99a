"""``Penalty.project`` is the projection on the domain, ``prox(w, 0)``, for every penalty."""

import numpy as np
import pytest

from sparseopt.penalties import L05, L1, L1L2, L23, MCP, SCAD, Box, LogSum, WeightedL1

W = np.array([-2.0, -0.3, 0.0, 0.4, 3.0, 1e-300, -1e30])


@pytest.mark.parametrize("penalty", [
    L1(0.5), L1(0.5, positive=True), L1L2(0.5, 0.3), L1L2(0.5, 0.3, positive=True),
    WeightedL1(0.5, np.arange(7.0)), MCP(0.5, 3.0), MCP(0.5, 3.0, positive=True),
    SCAD(0.5, 3.7), L05(0.5), L23(0.5), LogSum(0.5, 0.1), Box(-1.0, 2.0),
], ids=repr)
def test_project_is_prox_with_zero_step(penalty):
    out = penalty.project(W)
    np.testing.assert_array_equal(out, penalty.prox(W, 0.0))
    assert out is not W


def test_project_of_nonnegative_nonconvex_penalty_clips():
    assert MCP(1.0, positive=True).project(W).tolist() == [0, 0, 0, 0.4, 3.0, 1e-300, 0]
