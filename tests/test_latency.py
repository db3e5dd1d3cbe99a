"""Import stays light; kernels are plain cached functions (no jitclass)."""

import pathlib
import subprocess
import sys

import pytest

import sparseopt

PKG = pathlib.Path(sparseopt.__file__).parent


def _run(code):
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip()


def test_import_does_not_load_numba():
    out = _run("import sys, sparseopt, sparseopt.linear_model, sparseopt.solvers; "
               "print('numba' in sys.modules)")
    assert out == "False"


def test_no_jitclass_and_every_kernel_cached():
    for path in PKG.rglob("*.py"):
        text = path.read_text()
        assert "jitclass" not in text, path
        for line in text.splitlines():
            if line.strip().startswith("@njit") or line.strip().startswith("@jit"):
                assert "cache=True" in line, (path, line)


@pytest.mark.slow
def test_warm_cache_first_fit_latency():
    """``import sparseopt`` < 0.5 s; first fit (incl. importing scikit-learn) < 2 s when warm."""
    code = ("import time; t0 = time.perf_counter(); import sparseopt; "
            "t1 = time.perf_counter(); import numpy as np; "
            "from sparseopt.linear_model import Lasso; "
            "X = np.random.default_rng(0).standard_normal((50, 20)); y = X[:, 0]; "
            "Lasso(alpha=0.1).fit(X, y); t2 = time.perf_counter(); print(t1 - t0, t2 - t1)")
    _run(code)  # fills the cache
    t_import, t_fit = map(float, _run(code).split())
    assert t_import < 0.5 and t_fit < 2.0
