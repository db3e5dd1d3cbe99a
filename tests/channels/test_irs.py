"""IRS-MIMO scenario: the Kronecker sparse model reproduces the physical channel exactly."""

import warnings

import numpy as np
import pytest

from sparseopt.bayes import KroneckerSBL
from sparseopt.channels import IRSMIMOScenario, angular_dictionary, array_response, nmse


def test_sparse_kronecker_model_is_exact():
    scn = IRSMIMOScenario(random_state=0)
    op = scn.measurement_operator()
    assert op.shape == scn.shape == (288, 18**3)
    for seed in range(5):
        ch = scn.draw_channel(np.random.default_rng(seed))
        assert np.count_nonzero(ch.x) == 9
        np.testing.assert_allclose(op @ ch.x, ch.y_clean, atol=1e-10 * np.abs(ch.y_clean).max())
        np.testing.assert_allclose(scn.cascaded_channels(ch.x), ch.cascaded,
                                   atol=1e-10 * np.abs(ch.cascaded).max())
        # stacking convention y[k, t, r] = (H_k X)[r, t]
        Y = ch.y_clean.reshape(scn.n_configs, scn.n_pilots, scn.n_bs)
        np.testing.assert_allclose(Y[2], (ch.cascaded[2] @ scn.pilots).T, atol=1e-12)


def test_dictionaries_snr_and_metrics():
    A = angular_dictionary(8, 10)
    np.testing.assert_allclose(np.linalg.norm(A, axis=0), 1.0)
    np.testing.assert_allclose(A[:, 3], array_response(8, 2 * 3 / 10 - 1)[:, 0])
    scn = IRSMIMOScenario(random_state=1)
    ch = scn.draw_channel(np.random.default_rng(0))
    y, s2 = scn.observe(ch, 10.0, np.random.default_rng(0))
    assert np.mean(np.abs(ch.y_clean) ** 2) / s2 == pytest.approx(10.0)
    assert nmse(ch.cascaded, ch.cascaded) == 0.0
    assert scn.nmse_db(2 * ch.x, ch.x) == pytest.approx(0.0, abs=1e-9)
    y2, x2, s22 = scn.draw(20, random_state=3)
    y3, x3, s23 = scn.draw(20, random_state=3)
    np.testing.assert_array_equal(y2, y3)


def test_kronecker_sbl_estimates_the_channel():
    """Known noise, 20 dB, 6 seeded trials: SVD and PC medians well below -20 dB."""
    scn = IRSMIMOScenario(random_state=0)
    op = scn.measurement_operator()
    res = {"svd": [], "pc": []}
    for seed in range(6):
        y, x, s2 = scn.draw(20, random_state=seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            svd = KroneckerSBL("svd", noise_variance=s2, max_iter=150, prune=0.0,
                               prune_abs=1e-4).fit(op, y)
            pc = KroneckerSBL("am", structure="block", coupled_factors=(0, 2),
                              noise_variance=s2, max_iter=150, prune=(1e-2, 1e-1, 1e-2),
                              prune_abs=1e-4, inner_tol=1e-4, max_inner=9).fit(op, y)
        res["svd"].append(scn.nmse_db(svd.coef_, x))
        res["pc"].append(scn.nmse_db(pc.coef_, x))
    assert np.median(res["svd"]) <= -20 and np.median(res["pc"]) <= -20


def test_upa_is_kronecker_of_ulas():
    from sparseopt.channels import upa_response

    a = upa_response((4, 3), [0.2, -0.5], [0.1, 0.7])
    np.testing.assert_allclose(a[:, 1], np.kron(array_response(4, -0.5)[:, 0],
                                                array_response(3, 0.7)[:, 0]))
    np.testing.assert_allclose(np.linalg.norm(a, axis=0), 1.0)
    with pytest.raises(ValueError, match="same length"):
        upa_response((2, 2), [0.1], [0.1, 0.2])
