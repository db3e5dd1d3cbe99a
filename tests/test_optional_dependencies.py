"""The core install is numpy, scipy, numba, scikit-learn and tqdm; the rest comes with extras,
and a missing optional package fails with a message naming the extra that installs it."""

import configparser
import os
import re
import sys

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _cfg():
    cfg = configparser.ConfigParser()
    cfg.read(os.path.join(ROOT, "setup.cfg"))
    return cfg


def _names(block):
    return {re.split(r"[<>=!~\[; ]", line.strip())[0].lower()
            for line in block.strip().splitlines() if line.strip()}


def test_core_dependencies_are_the_lean_set():
    assert _names(_cfg()["options"]["install_requires"]) == {
        "numpy", "scipy", "numba", "scikit-learn", "tqdm"}


def test_extras_install_the_optional_packages_and_test_includes_them():
    extras = _cfg()["options.extras_require"]
    assert "cvxpy" in _names(extras["reference"])
    assert "networkx" in _names(extras["graph"])
    assert "matplotlib" in _names(extras["plot"])
    assert {"cvxpy", "networkx", "matplotlib"} <= _names(extras["test"])


def test_reference_names_its_extra_when_cvxpy_is_missing(monkeypatch):
    import sparseopt.reference as ref  # importing the module never needs cvxpy

    monkeypatch.setitem(sys.modules, "cvxpy", None)
    X, y = np.eye(3), np.ones(3)
    with pytest.raises(ImportError, match=re.escape('pip install "sparseopt[reference]"')):
        ref.lasso_reference(X, y, 0.1)
    with pytest.raises(ImportError, match=re.escape('pip install "sparseopt[reference]"')):
        ref.logistic_l1_reference(X, np.array([1.0, -1.0, 1.0]), 0.1)


def test_plotting_names_its_extra_when_matplotlib_is_missing(monkeypatch):
    from sparseopt.plotting import plot_convergence

    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=re.escape('pip install "sparseopt[plot]"')):
        plot_convergence({"objective": np.array([2.0, 1.0])})
