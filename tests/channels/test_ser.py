"""ser_qpsk against the closed-form QPSK symbol error rate and its failure modes."""

import numpy as np
import pytest
from scipy.stats import norm

from sparseopt.channels import IRSMIMOScenario, ser_qpsk


@pytest.mark.parametrize("snr_db", [0.0, 4.0, 8.0])
def test_perfect_estimate_matches_the_closed_form(snr_db):
    rng = np.random.default_rng(1)
    H = rng.standard_normal((3, 5, 4)) + 1j * rng.standard_normal((3, 5, 4))
    q = norm.sf(np.sqrt(10 ** (snr_db / 10)))
    expected = 1 - (1 - q) ** 2  # QPSK at Es/N0 = SNR: independent I and Q decisions
    ser = ser_qpsk(H, H, snr_db, n_symbols=200_000, rng=0)
    assert ser == pytest.approx(expected, rel=0.03)


def test_estimation_errors_raise_the_ser():
    rng = np.random.default_rng(2)
    H = rng.standard_normal((2, 4, 3)) + 1j * rng.standard_normal((2, 4, 3))
    # a common phase error of 60 degrees crosses the QPSK decision boundary (45 degrees)
    assert ser_qpsk(H * np.exp(1j * np.pi / 3), H, 30, n_symbols=2000, rng=0) == 1.0
    # a 20 degree error does not at high SNR, and a positive scale error never does
    assert ser_qpsk(H * np.exp(1j * np.pi / 9), H, 30, n_symbols=2000, rng=0) == 0.0
    assert ser_qpsk(3.0 * H, H, 30, n_symbols=2000, rng=0) == 0.0
    assert ser_qpsk(np.zeros_like(H), H, 30, n_symbols=10, rng=0) == 1.0
    # 2-D input is one configuration
    assert ser_qpsk(H[0], H[0], 30, n_symbols=100, rng=0) == 0.0


def test_bad_input():
    H = np.ones((2, 3, 3))
    with pytest.raises(ValueError, match="same shape"):
        ser_qpsk(H, H[:1], 10)
    with pytest.raises(ValueError, match="n_symbols"):
        ser_qpsk(H, H, 10, n_symbols=0)


def test_scenario_method_uses_the_cascaded_channels():
    scn = IRSMIMOScenario(random_state=0)
    ch = scn.draw_channel(np.random.default_rng(0))
    assert scn.ser_qpsk(ch.x, ch.x, 30, n_symbols=1000, rng=0) == 0.0
    assert scn.ser_qpsk(ch.x, ch.x, 0, n_symbols=5000, rng=0) == pytest.approx(
        ser_qpsk(scn.cascaded_channels(ch.x), ch.cascaded, 0, n_symbols=5000, rng=0))
