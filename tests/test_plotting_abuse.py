"""Abuse suite of ``sparseopt.plotting.plot_convergence``: every call gives a clear error naming
the argument, or the figure it promises (table-driven cases plus a hypothesis property)."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from sparseopt.bayes import SparseBayesianRegression  # noqa: E402
from sparseopt.plotting import plot_convergence  # noqa: E402

ERR = (ValueError, TypeError)
HIST = {"objective": np.array([3.0, 2.0, 1.0]), "gap": np.array([1.0, 0.1, 0.01])}


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


class _Result:  # a solver result object with a history dict
    def __init__(self, history):
        self.history = history


class _Fitted:  # an estimator-like object whose history_ is not a dict
    history_ = [1.0, 2.0]


BAD = [  # (label, call, name matched in the message)
    ("est None", lambda: plot_convergence(None), "est"),
    ("est int", lambda: plot_convergence(3), "est"),
    ("est empty dict", lambda: plot_convergence({}), "history_"),
    ("est strings only", lambda: plot_convergence({"a": "xyz"}), "history_"),
    ("est 2-D only", lambda: plot_convergence({"a": np.ones((2, 2))}), "history_"),
    ("est complex only", lambda: plot_convergence({"a": np.array([1j])}), "history_"),
    ("est scalar only", lambda: plot_convergence({"a": 3.0}), "history_"),
    ("est booleans only", lambda: plot_convergence({"a": np.array([True, False])}), "history_"),
    ("est history_ list", lambda: plot_convergence(_Fitted()), "history_"),
    ("keys missing", lambda: plot_convergence(HIST, keys=["zzz"]), "keys"),
    ("keys empty", lambda: plot_convergence(HIST, keys=[]), "keys"),
    ("keys int", lambda: plot_convergence(HIST, keys=3), "keys"),
    ("keys [None]", lambda: plot_convergence(HIST, keys=[None]), "keys"),
    ("keys not numeric", lambda: plot_convergence({**HIST, "s": "abc"}, keys=["s"]), "keys"),
    ("x bad", lambda: plot_convergence(HIST, x="epoch"), "x="),
    ("x None", lambda: plot_convergence(HIST, x=None), "x="),
    ("x list", lambda: plot_convergence(HIST, x=["iter"]), "x="),
    ("x time missing", lambda: plot_convergence(HIST, x="time"), "time"),
    ("x time short", lambda: plot_convergence({"a": np.ones(2), "time": np.ones(1)}, x="time"),
     "time"),
    ("log str", lambda: plot_convergence(HIST, log="no"), "log"),
    ("log None", lambda: plot_convergence(HIST, log=None), "log"),
    ("log int", lambda: plot_convergence(HIST, log=1), "log"),
    ("ax int", lambda: plot_convergence(HIST, ax=3), "ax"),
    ("ax str", lambda: plot_convergence(HIST, ax="ab"), "ax"),
    ("ax list of str", lambda: plot_convergence(HIST, ax=["a", "b"]), "ax"),
    ("ax count", lambda: plot_convergence(HIST, ax=[plt.subplots()[1]]), "ax"),
    ("plot_kw unknown", lambda: plot_convergence(HIST, foo=1), "plot_kw"),
]


@pytest.mark.parametrize("call, name", [pytest.param(c, n, id=label) for label, c, n in BAD])
def test_bad_arguments_are_named(call, name):
    with pytest.raises(ERR, match=name):
        call()


def test_unfitted_estimator_says_so():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        plot_convergence(SparseBayesianRegression())


# ------------------------------------------------------------------ correct results
def test_odd_histories_are_drawn_faithfully():
    ax = plot_convergence({"a": np.array([-1.0, 2.0])})  # a negative value: linear axis
    assert ax.get_yscale() == "linear"
    ax = plot_convergence({"a": [1, 2, 3]}, log=True)  # a list of ints: log axis
    assert ax.get_yscale() == "log"
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), [1.0, 2.0, 3.0])
    ax = plot_convergence({"a": np.array([1.0, np.inf, np.nan, 2.0])})  # non-finite: gaps
    assert np.isnan(ax.lines[0].get_ydata()[1:3]).all()
    with warnings.catch_warnings():  # matplotlib's log-axis margins overflow near 1e308
        warnings.simplefilter("ignore", RuntimeWarning)
        ax = plot_convergence({"a": np.array([1e-300, 1e300])})  # extreme scales
        assert ax.get_yscale() == "log"
    ax = plot_convergence({1: np.ones(2)})  # a key that is not a str
    assert ax.get_ylabel() == "1"
    axes = plot_convergence({"a": np.ones(2), "b": np.ones(3)})  # series of different lengths
    assert [len(a.lines[0].get_xdata()) for a in axes] == [2, 3]
    ax = plot_convergence(_Result(HIST), keys="gap", title=3)
    assert ax.figure.get_suptitle() == "3"
    _, one = plt.subplots()
    assert plot_convergence(HIST, ax=one) is one and len(one.lines) == 2


def test_history_is_not_modified():
    hist = {k: v.copy() for k, v in HIST.items()}
    hist["iter"] = np.array([1, 2, 3])
    plot_convergence(hist)
    for k, v in HIST.items():
        np.testing.assert_array_equal(hist[k], v)


@settings(max_examples=15, deadline=None)
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True, width=64), min_size=1,
                max_size=6))
def test_property_any_float_series_is_drawn(values):
    ax = plot_convergence({"a": np.array(values)})
    y = ax.lines[0].get_ydata()
    finite = np.isfinite(values)
    np.testing.assert_array_equal(y[finite], np.array(values)[finite])
    assert np.isnan(y[~finite]).all()
    plt.close("all")
