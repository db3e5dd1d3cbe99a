"""verbose >= 1 reports progress (tqdm bar or plain lines) for every long-running fit."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import make_moons
from sklearn.exceptions import ConvergenceWarning


def _data():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 30))
    y = X[:, 0] - X[:, 1] + 0.05 * rng.standard_normal(40)
    return X, y


def _fits():
    from sparseopt.bayes import KroneckerSBL, SparseBayesianRegression
    from sparseopt.datafits import Quadratic
    from sparseopt.linear_model import GeneralizedLinearEstimator, Lasso, SparseLogisticRegression
    from sparseopt.operators import KroneckerOperator
    from sparseopt.penalties import L1
    from sparseopt.semi_supervised import LabelPropagation
    from sparseopt.solvers import ProximalGradient

    X, y = _data()
    rng = np.random.default_rng(1)
    H = KroneckerOperator([rng.standard_normal((8, 12)), rng.standard_normal((8, 12))])
    yk = H @ np.where(rng.uniform(size=144) < 0.03, 1.0, 0.0) + 0.01 * rng.standard_normal(64)
    Xm, ym = make_moons(100, noise=0.05, random_state=0)
    ym_obs = np.full(100, -1)
    ym_obs[:8] = ym[:8]
    return {
        "BCD": lambda: Lasso(alpha=0.05, verbose=1).fit(X, y),
        "Multinomial BCD": lambda: SparseLogisticRegression(alpha=0.05, verbose=1).fit(
            X, np.arange(40) % 3),
        "ProxGrad": lambda: GeneralizedLinearEstimator(
            Quadratic(), L1(0.05), solver=ProximalGradient(verbose=1)).fit(X, y),
        "SBL": lambda: SparseBayesianRegression(verbose=1, max_iter=5).fit(X, y),
        "KroSBL-am": lambda: KroneckerSBL("am", verbose=1, max_iter=5).fit(H, yk),
        "KroSBL-svd": lambda: KroneckerSBL("svd", verbose=1, max_iter=5).fit(H, yk),
        "LabelPropagation": lambda: LabelPropagation(verbose=1).fit(Xm, ym_obs),
    }


@pytest.mark.parametrize("name", list(_fits()))
def test_verbose_fit_reports_progress(name, capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        _fits()[name]()
    out = capsys.readouterr()
    assert name in out.out + out.err


def test_silent_by_default(capsys):
    from sparseopt.bayes import SparseBayesianRegression
    from sparseopt.linear_model import Lasso

    X, y = _data()
    Lasso(alpha=0.05).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        SparseBayesianRegression(max_iter=5).fit(X, y)
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""
