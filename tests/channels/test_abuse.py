"""Abuse suite of the public channel API: every call gives a clear error naming the argument, or
a verified result, in bounded time (table-driven cases plus hypothesis properties)."""

import warnings
from functools import partial

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from sparseopt.bayes import kronecker_omp
from sparseopt.channels import (
    IRSMIMOScenario,
    NMSECurves,
    angular_dictionary,
    array_response,
    nmse,
    nmse_db,
    nmse_vs_snr,
    qpsk_pilots,
    ser_qpsk,
    support_oracle,
    upa_response,
)
from sparseopt.operators import KroneckerOperator

ERR = (ValueError, TypeError)
RNG = np.random.default_rng(0)
H = RNG.standard_normal((3, 4, 2)) + 1j * RNG.standard_normal((3, 4, 2))
E = H + 0.1
SCN = IRSMIMOScenario(n_ms=2, n_bs=4, n_irs=8, n_grid=4, n_paths=2, n_pilots=2, n_configs=3,
                      random_state=0)
OP = SCN.measurement_operator()
CH = SCN.draw_channel(np.random.default_rng(1))
Y, _ = SCN.observe(CH, 20.0, np.random.default_rng(2))
SUPPORT = np.flatnonzero(CH.x)
OMP = {"omp": partial(kronecker_omp, max_atoms=4)}


def _bad_channels(good):
    nan, inf = good.copy(), good.copy()
    nan.flat[0], inf.flat[-1] = np.nan, np.inf
    return {"nan": nan, "inf": inf, "empty": good[:0], "1-D": good[0, 0], "scalar": 1.0,
            "None": None, "strings": np.full(good.shape, "a"), "sparse": sp.csr_matrix(good[0]),
            "ragged": [[1.0], [1.0, 2.0]], "shape": good[:2], "no columns": good[..., :0]}


# ------------------------------------------------------------------ refusals (table-driven)
DATA_CALLS = {  # name -> (call taking the abused array, the good array, the argument's name)
    "nmse[h_est]": (lambda A: nmse(A, H), E, "h_est"),
    "nmse[h_true]": (lambda A: nmse(E, A), H, "h_"),
    "nmse_db[h_est]": (lambda A: nmse_db(A, H), E, "h_"),
    "ser_qpsk[h_est]": (lambda A: ser_qpsk(A, H, 20, n_symbols=10, rng=0), E, "h_"),
    "ser_qpsk[h_true]": (lambda A: ser_qpsk(E, A, 20, n_symbols=10, rng=0), H, "h_"),
}


@pytest.mark.parametrize("call, value, name", [
    pytest.param(call, value, name, id=f"{fname}-{label}")
    for fname, (call, good, name) in DATA_CALLS.items()
    for label, value in _bad_channels(good).items()])
def test_bad_channels_are_refused(call, value, name):
    with pytest.raises(ERR, match=name):
        call(value)


def _bad_vectors(good):
    nan = good.copy()
    nan[0] = np.nan
    return {"nan": nan, "short": good[:3], "2-D": good[None], "empty": good[:0], "None": None,
            "string": "a", "strings": np.full(good.shape, "a"), "sparse": sp.csr_matrix(good)}


VECTOR_CALLS = {
    "cascaded_channels[x]": (lambda v: SCN.cascaded_channels(v), CH.x, r"\bx\b"),
    "scenario.nmse[x_est]": (lambda v: SCN.nmse(v, CH.x), CH.x, "x_est"),
    "scenario.nmse_db[x_true]": (lambda v: SCN.nmse_db(CH.x, v), CH.x, "x_true"),
    "scenario.ser_qpsk[x_est]": (lambda v: SCN.ser_qpsk(v, CH.x, 20, n_symbols=10, rng=0), CH.x,
                                 "x_est"),
    "support_oracle[y]": (lambda v: support_oracle(OP, v, SUPPORT), Y, r"\by\b"),
}


@pytest.mark.parametrize("call, value, name", [
    pytest.param(call, value, name, id=f"{fname}-{label}")
    for fname, (call, good, name) in VECTOR_CALLS.items()
    for label, value in _bad_vectors(good).items()])
def test_bad_vectors_are_refused(call, value, name):
    with pytest.raises(ERR, match=name):
        call(value)


ARGUMENTS = [  # (label, call, name, bad values)
    ("array_response", lambda v: array_response(v, 0.1), "n_antennas",
     [0, -1, 2.5, "4", None, True]),
    ("array_response", lambda v: array_response(4, v), r"\bf\b",
     [np.nan, [np.inf], "a", 0.1 + 1j, [[0.1, 0.2]], None, sp.csr_matrix([[0.1]])]),
    ("upa_response", lambda v: upa_response(v, [0.1], [0.2]), "shape",
     [(2,), (2, 2, 2), 4, (0, 2), (-1, 2), (2.5, 2), None]),
    ("upa_response", lambda v: upa_response((2, 3), v, [0.2]), "f_1", [[np.nan], [[0.1]], "a"]),
    ("upa_response", lambda v: upa_response((2, 3), [0.1], v), "f_", [[0.1, 0.2], [[0.1]]]),
    ("angular_dictionary", lambda v: angular_dictionary(4, v), "n_grid",
     [0, -1, 2.5, "a", None, True]),
    ("angular_dictionary", lambda v: angular_dictionary(v, 4), "n_antennas", [0, 2.5]),
    ("qpsk_pilots", lambda v: qpsk_pilots(v, 3, 0), "n_tx", [0, 2.5, "a", None]),
    ("qpsk_pilots", lambda v: qpsk_pilots(2, v, 0), "n_pilots", [0, -1, 2.5]),
    ("qpsk_pilots", lambda v: qpsk_pilots(2, 3, v), "rng", ["a", -1, 1.5, True]),
    ("ser_qpsk", lambda v: ser_qpsk(E, H, v, n_symbols=10), "snr_db",
     [np.nan, -np.inf, "a", None, True, -1e5]),
    ("ser_qpsk", lambda v: ser_qpsk(E, H, 20, n_symbols=v), "n_symbols",
     [0, 2.5, "a", None, True]),
    ("ser_qpsk", lambda v: ser_qpsk(E, H, 20, n_symbols=10, rng=v), "rng", ["a", -1, 1.5]),
    ("IRSMIMOScenario", lambda v: IRSMIMOScenario(n_pilots=v), "n_pilots", [0, 2.5, "3", None]),
    ("IRSMIMOScenario", lambda v: IRSMIMOScenario(n_configs=v), "n_configs", [0, True]),
    ("draw", lambda v: SCN.draw(snr_db=v, random_state=0), "snr_db", [np.nan, "a", None, True]),
    ("draw", lambda v: SCN.draw(random_state=v), "random_state", ["a", -1, 1.5]),
    ("draw_channel", lambda v: SCN.draw_channel(v), "rng", ["a", -1, 1.5]),
    ("observe", lambda v: SCN.observe(CH, v, 0), "snr_db", [np.nan, np.inf, "a", -1e5]),
    ("observe", lambda v: SCN.observe(v, 20, 0), "channel", [None, "a", CH.x]),
    ("observe", lambda v: SCN.observe(CH, 20, v), "rng", ["a", -1]),
    ("scenario.ser_qpsk", lambda v: SCN.ser_qpsk(CH.x, CH.x, v, n_symbols=10), "snr_db",
     [np.nan, "a"]),
    ("support_oracle", lambda v: support_oracle(OP, Y, v), "support",
     [[1, 1], [64], [-1], [0.5], SUPPORT[None], None, "ab", np.ones(3, bool),
      sp.csr_matrix(SUPPORT)]),
    ("support_oracle", lambda v: support_oracle(v, Y, SUPPORT), "operator",
     [None, OP.toarray() * np.nan, [OP.factors[0] * np.nan, OP.factors[1], OP.factors[2]],
      np.full((24, 64), "a"), OP.toarray()[0]]),
    ("support_oracle", lambda v: support_oracle(OP.toarray()[:, :v], Y, SUPPORT), "support",
     [40]),
    ("failure_rate", lambda v: NMSECurves(np.array([1.0]), {"a": np.zeros((1, 2))})
     .failure_rate(v), "threshold_db", [np.nan, "a", None]),
]


@pytest.mark.parametrize("fn, name, value", [
    pytest.param(fn, name, v, id=f"{label}-{name}={v!r}"[:70])
    for label, fn, name, values in ARGUMENTS for v in values])
def test_bad_arguments_are_named(fn, name, value):
    with pytest.raises(ERR, match=name):
        fn(value)


CURVE_CALLS = [
    ("snr nan", dict(snr_db=[np.nan]), "snr_db"), ("snr str", dict(snr_db="a"), "snr_db"),
    ("snr 2-D", dict(snr_db=[[1, 2]]), "snr_db"), ("snr empty", dict(snr_db=[]), "snr_db"),
    ("n_trials 0", dict(n_trials=0), "n_trials"), ("n_trials 1.5", dict(n_trials=1.5), "n_trials"),
    ("scenario", dict(scenario=None), "scenario"), ("estimators {}", dict(estimators={}),
                                                    "estimators"),
    ("estimators list", dict(estimators=[kronecker_omp]), "estimators"),
    ("estimator not callable", dict(estimators={"a": 3}), "estimators"),
    ("known_noise", dict(known_noise="no"), "known_noise"), ("oracle", dict(oracle=1), "oracle"),
    ("oracle name", dict(estimators={"support oracle": kronecker_omp}, oracle=True),
     "support oracle"),
    ("random_state", dict(random_state="a"), "random_state"),
    ("n_jobs str", dict(n_jobs="a"), "n_jobs"), ("n_jobs 0", dict(n_jobs=0), "n_jobs"),
    ("n_jobs float", dict(n_jobs=1.5), "n_jobs"), ("n_jobs bool", dict(n_jobs=True), "n_jobs"),
    ("verbose str", dict(verbose="a"), "verbose"), ("verbose -1", dict(verbose=-1), "verbose"),
    ("estimator NaN", dict(estimators={"nan": lambda o, y, noise_variance=None: np.full(64,
                                                                                       np.nan)}),
     "x_est"),
    ("estimator shape", dict(estimators={"short": lambda o, y, noise_variance=None: np.ones(3)}),
     "x_est"),
]


@pytest.mark.parametrize("kw, name", [pytest.param(kw, name, id=label)
                                      for label, kw, name in CURVE_CALLS])
def test_nmse_vs_snr_refusals(kw, name):
    args = {"scenario": SCN, "estimators": OMP, "snr_db": [20.0], "n_trials": 1, **kw}
    with pytest.raises(ERR, match=name):
        nmse_vs_snr(args.pop("scenario"), args.pop("estimators"), args.pop("snr_db"),
                    args.pop("n_trials"), **args)


# ------------------------------------------------------------------ correct results
def test_array_responses():
    a = array_response(np.int64(5), [0.1, -0.3])
    assert a.shape == (5, 2)
    np.testing.assert_allclose(np.linalg.norm(a, axis=0), 1.0)
    np.testing.assert_allclose(a[:, 0], np.exp(1j * np.pi * 0.1 * np.arange(5)) / np.sqrt(5))
    assert array_response(4, []).shape == (4, 0)
    assert array_response(1, 0.7).shape == (1, 1)
    u = upa_response((2, 3), [0.1], [0.3])
    np.testing.assert_allclose(u[:, 0], np.kron(array_response(2, 0.1)[:, 0],
                                                array_response(3, 0.3)[:, 0]))
    D = angular_dictionary(6, 6)  # the grid is the DFT: orthonormal columns
    np.testing.assert_allclose(D.conj().T @ D, np.eye(6), atol=1e-12)


def test_pilots_accept_every_seed_form():
    P = qpsk_pilots(2, 3, 5)
    np.testing.assert_array_equal(P, qpsk_pilots(2, 3, np.random.default_rng(5)))
    for rng in (None, np.random.SeedSequence(1), np.random.RandomState(0)):
        P = qpsk_pilots(2, 3, rng)
        assert P.shape == (2, 3)
        np.testing.assert_allclose(np.abs(P) ** 2, 0.5)


def test_nmse_edge_cases():
    assert nmse(H, H) == 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert nmse_db(H, H) == -np.inf  # a perfect estimate, without a divide warning
    assert nmse(2 * H, H) == pytest.approx(1.0)
    assert nmse(E[None], H[None]) == nmse(E, H)  # leading axes are averaged
    assert nmse(E.real.tolist(), H.real) == pytest.approx(nmse(E.real, H.real))
    assert nmse(np.zeros_like(H), H) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="zero energy"):
        nmse(E, np.concatenate([H[:2], 0 * H[:1]]))  # was inf (or NaN for two zeros)
    with pytest.raises(ValueError, match="zero energy"):
        SCN.nmse(CH.x, 0 * CH.x)


def test_ser_edge_cases():
    assert ser_qpsk(H, H, np.inf, n_symbols=100, rng=0) == 0.0  # no noise
    assert ser_qpsk(np.zeros_like(H), H, 30, n_symbols=100, rng=0) == 1.0
    guess = ser_qpsk(H, np.zeros_like(H), 30, n_symbols=4000, rng=0)  # nothing received
    assert abs(guess - 0.75) < 0.03
    assert ser_qpsk(H[:, :1, :1], H[:, :1, :1], 30, n_symbols=100, rng=0) == 0.0


def test_observe_at_extreme_snrs():
    """Very high SNRs give noiseless observations (10 ** (snr / 10) overflowed before)."""
    y, s2 = SCN.observe(CH, 1e6, 0)
    assert s2 == 0.0
    np.testing.assert_array_equal(y, CH.y_clean)
    y, s2 = SCN.observe(CH, -300.0, 0)
    assert np.isfinite(s2) and np.isfinite(y).all()
    curves = nmse_vs_snr(SCN, OMP, [1e6], 1, random_state=0)
    assert np.isfinite(curves.nmse_db["omp"]).all()


def test_support_oracle_edge_cases():
    exact = OP @ CH.x
    np.testing.assert_allclose(support_oracle(OP, exact, SUPPORT), CH.x, atol=1e-10)
    np.testing.assert_array_equal(support_oracle(OP, Y, []), np.zeros(64))  # was an error
    mask = np.zeros(64, bool)
    mask[SUPPORT] = True
    ref = support_oracle(OP, Y, SUPPORT)
    np.testing.assert_allclose(support_oracle(OP, Y, mask), ref)
    np.testing.assert_allclose(support_oracle(OP.factors, Y, SUPPORT), ref)
    np.testing.assert_allclose(support_oracle(OP.toarray(), Y, SUPPORT), ref, atol=1e-12)
    np.testing.assert_allclose(support_oracle(sp.csr_matrix(OP.toarray()), Y, SUPPORT), ref,
                               atol=1e-12)
    assert np.flatnonzero(ref).tolist() == SUPPORT.tolist()


def test_mean_db_does_not_overflow():
    """The linear mean of NMSEs far outside the float range, in dB (was inf and -inf)."""
    c = NMSECurves(np.array([1.0, 2.0, 3.0]),
                   {"a": np.array([[4000.0, 4000.0], [-4000.0, -4000.0], [-np.inf, -10.0]])})
    np.testing.assert_allclose(c.mean_db()["a"], [4000.0, -4000.0, -10.0 - 10 * np.log10(2)])
    d = NMSECurves(np.array([1.0]), {"a": np.array([[-10.0, -20.0]])})
    assert d.mean_db()["a"][0] == pytest.approx(10 * np.log10((0.1 + 0.01) / 2))
    assert d.failure_rate(np.inf)["a"][0] == 0.0


def test_inputs_are_not_modified():
    e, h, x, y = E.copy(), H.copy(), CH.x.copy(), Y.copy()
    nmse(e, h), ser_qpsk(e, h, 20, n_symbols=10, rng=0), SCN.nmse(x, x), SCN.cascaded_channels(x)
    support_oracle(OP, y, SUPPORT)
    for got, ref in ((e, E), (h, H), (x, CH.x), (y, Y)):
        np.testing.assert_array_equal(got, ref)


@pytest.mark.parametrize("scale", [1e-300, 1e-100, 1e100, 1e300])
def test_metrics_are_scale_invariant(scale):
    """NMSE and SER of channels scaled together do not change (the squares under- or
    overflowed: NaN NMSE below 1e-154 and above 1e154, SER 0.75 instead of 0 at 1e200)."""
    assert nmse(E * scale, H * scale) == pytest.approx(nmse(E, H), rel=1e-12)
    assert SCN.nmse(1.1 * CH.x * scale, CH.x * scale) == pytest.approx(0.01, rel=1e-10)
    assert ser_qpsk(E * scale, H * scale, 10, n_symbols=500, rng=0) == \
        ser_qpsk(E, H, 10, n_symbols=500, rng=0)


@pytest.mark.parametrize("scale", [1e-100, 1e-10, 1e10, 1e100])
def test_support_oracle_is_scale_equivariant(scale):
    ref = support_oracle(OP, Y, SUPPORT)
    np.testing.assert_allclose(support_oracle(OP, Y * scale, SUPPORT), ref * scale, rtol=1e-10)
    scaled = KroneckerOperator([OP.factors[0] * scale, OP.factors[1], OP.factors[2]])
    np.testing.assert_allclose(support_oracle(scaled, Y, SUPPORT), ref / scale, rtol=1e-10)


# ------------------------------------------------------------------ properties
@settings(max_examples=50, deadline=None)
@given(st.integers(1, 3), st.integers(1, 4), st.integers(1, 4), st.integers(-400, 400),
       st.integers(0, 2**32 - 1))
def test_property_nmse_identities(k, nr, nt, e, seed):
    rng = np.random.default_rng(seed)
    h = rng.standard_normal((k, nr, nt)) + 1j * rng.standard_normal((k, nr, nt))
    g = h + rng.standard_normal((k, nr, nt))
    assert nmse(h, h) == 0.0
    assert nmse(-h, h) == pytest.approx(4.0)
    c = 2.0**e  # a power of two: the same NMSE, bit for bit (while nothing leaves the range)
    if abs(e) < 300:
        assert nmse(g * c, h * c) == nmse(g, h)
    assert nmse_db(g, h) == pytest.approx(10 * np.log10(nmse(g, h)))


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 8), st.lists(st.floats(-1, 1), max_size=5))
def test_property_array_responses_have_unit_columns(n, freqs):
    a = array_response(n, freqs)
    assert a.shape == (n, len(freqs))
    np.testing.assert_allclose(np.linalg.norm(a, axis=0), 1.0)
    np.testing.assert_allclose(a[0], 1 / np.sqrt(n))
