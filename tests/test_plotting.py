"""plot_convergence on Lasso, KroneckerSBL and CoLiDE fits (Agg backend)."""

import sys
import warnings

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from sparseopt.bayes import KroneckerSBL  # noqa: E402
from sparseopt.dag import CoLiDE, simulate_linear_sem  # noqa: E402
from sparseopt.linear_model import Lasso  # noqa: E402
from sparseopt.plotting import plot_convergence  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _lasso():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((60, 40))
    y = X[:, :3] @ np.array([1.0, -2.0, 0.5]) + 0.1 * rng.standard_normal(60)
    return Lasso(alpha=0.01, tol=1e-10).fit(X, y)


def test_lasso_panels_and_log_scale():
    est = _lasso()
    axes = plot_convergence(est)
    numeric = [k for k in est.history_ if k not in ("iter", "time")]
    assert len(axes) == len(numeric)
    by_key = dict(zip(numeric, axes, strict=True))
    assert by_key["objective"].get_yscale() == "log"
    assert by_key["criterion"].get_yscale() == "log"
    line = by_key["criterion"].get_lines()[0]
    np.testing.assert_array_equal(line.get_ydata(), est.history_["criterion"])
    np.testing.assert_array_equal(line.get_xdata(), est.history_["iter"])
    ax = plot_convergence(est, keys="criterion", x="time", log=False)
    assert ax.get_yscale() == "linear" and ax.get_xlabel() == "time (s)"


def test_kronecker_sbl_mixed_signs_stay_linear():
    rng = np.random.default_rng(0)
    F = [rng.standard_normal((8, 12)), rng.standard_normal((8, 12))]
    x = np.zeros(144)
    x[[5, 40, 77]] = [1.0, -1.0, 2.0]
    y = np.kron(F[0], F[1]) @ x + 0.01 * rng.standard_normal(64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est = KroneckerSBL("svd", max_iter=30).fit(F, y)
    fig, (a1, a2) = plt.subplots(1, 2)
    out = plot_convergence(est, ax=[a1, a2], keys=["cost", "gamma_change"])
    assert list(out) == [a1, a2]
    cost = est.history_["cost"]
    assert a1.get_yscale() == ("log" if np.all(cost > 0) else "linear")
    assert a2.get_yscale() == "log"
    assert len(a1.get_lines()) == 1 and a1.get_lines()[0].get_ydata().size == est.n_iter_


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_colide_on_one_axes_skips_flags():
    W = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, -1.5], [0.0, 0.0, 0.0]])
    X = simulate_linear_sem(W, 300, random_state=0)
    est = CoLiDE(warm_iter=1000, max_iter=2000).fit(X)
    axes = plot_convergence(est)
    assert "converged" not in [a.get_ylabel() for a in axes]
    assert len(axes) == sum(1 for k, v in est.history_.items() if np.asarray(v).dtype != bool)
    fig, ax = plt.subplots()
    out = plot_convergence(est, ax=ax, keys=["objective", "h"], marker="o")
    assert out is ax and len(ax.get_lines()) == 2 and ax.get_legend() is not None
    assert ax.get_title() == "CoLiDE"


def test_errors():
    with pytest.raises(NotFittedError):
        plot_convergence(Lasso())
    est = _lasso()
    with pytest.raises(ValueError, match="nope"):
        plot_convergence(est, keys=["nope"])
    with pytest.raises(ValueError, match="x="):
        plot_convergence(est, x="epoch")
    with pytest.raises(ValueError, match="history_"):
        plot_convergence({})
    with pytest.raises(TypeError, match="est"):
        plot_convergence(3.0)
    from sklearn.linear_model import LinearRegression

    lr = LinearRegression().fit(np.eye(3), np.ones(3))
    with pytest.raises(ValueError, match="no history_"):
        plot_convergence(lr)


def test_missing_matplotlib_message(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r'pip install "sparseopt\[plot\]"'):
        plot_convergence(_lasso())


def test_import_sparseopt_does_not_load_matplotlib():
    import subprocess

    code = ("import sys, sparseopt, sparseopt.plotting; "
            "assert 'matplotlib' not in sys.modules; assert 'numba' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_iteration_axis_has_integer_ticks():
    # a short history (a few iterations) would get ticks at 1.5, 2.5, ... by default
    ax = plot_convergence({"objective": np.array([3.0, 2.0, 1.5])})
    ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
    assert ticks and all(float(t).is_integer() for t in ticks)
    ax = plot_convergence({"objective": np.array([3.0, 2.0, 1.5]),
                           "time": np.array([0.1, 0.25, 0.3])}, x="time", keys="objective")
    assert not all(float(t).is_integer() for t in ax.get_xticks())
