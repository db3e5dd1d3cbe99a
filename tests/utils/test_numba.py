"""sparseopt.utils.njit hands kernels to Numba through utils._numba.compile_kernel: disk
caching with a fallback when no cache location is writable, and a one-time notice when kernels
really compile (never on a warm cache)."""

import os
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest

from sparseopt.utils import NumbaCacheWarning, _numba, njit
from sparseopt.utils._numba import COMPILE_NOTICE

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _axpy(a, x, y):
    out = np.empty_like(x)
    for i in range(x.size):
        out[i] = a * x[i] + y[i]
    return out


def _sum(x):
    s = 0.0
    for v in x:
        s += v
    return s


def test_decorator_forms():
    x = np.arange(3.0)
    assert np.allclose(njit(_axpy)(2.0, x, x), 3 * x)
    assert np.allclose(njit(cache=False)(_axpy)(2.0, x, x), 3 * x)
    with pytest.raises(TypeError, match="signatures"):  # kernels are compiled lazily, by type
        njit("float64(float64[:])")(_sum)


def test_no_cache_location_falls_back_with_one_warning(monkeypatch):
    from numba.core import caching

    # what a read-only site-packages and home directory look like to Numba: no locator applies
    impl = getattr(caching, "CacheImpl", None) or caching._CacheImpl  # renamed across versions
    monkeypatch.setattr(impl, "_locator_classes", [])
    monkeypatch.setitem(_numba._STATE, "no_cache_warned", False)
    import numba

    with pytest.raises(RuntimeError, match="no locator available"):
        numba.njit(cache=True)(_sum)  # the failure that every first fit hit
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        axpy = njit(cache=True)(_axpy)
        total = njit(cache=True)(_sum)
        x = np.arange(4.0)
        assert np.allclose(axpy(2.0, x, x), 3 * x)
        assert total(x) == 6.0
    caught = [w for w in record if issubclass(w.category, NumbaCacheWarning)]
    assert len(caught) == 1
    message = str(caught[0].message)
    assert "no locator available" in message and "NUMBA_CACHE_DIR" in message


def test_other_errors_are_not_swallowed(monkeypatch):
    import numba

    def broken(*args, **kwargs):
        raise RuntimeError("something else")

    monkeypatch.setattr(numba, "njit", broken)
    with pytest.raises(RuntimeError, match="something else"):
        njit(cache=True)(_sum)(np.ones(2))  # handed to Numba at the first call


KERNELS = textwrap.dedent("""
    import numpy as np
    from sparseopt.utils import njit

    @njit(cache=True)
    def _inner(x, i):
        return 2.0 * x[i]

    @njit(cache=True)
    def outer(x):
        s = 0.0
        for i in range(x.size):
            s += _inner(x, i)
        return s
""")

SCRIPT = ("import numpy as np, kernels_for_test as k; "
          "print(k.outer(np.arange(4.0)))")


def test_compile_notice_once_when_cold_and_never_when_warm(tmp_path):
    (tmp_path / "kernels_for_test.py").write_text(KERNELS)
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "cache"),
               PYTHONPATH=os.pathsep.join([str(tmp_path), ROOT]))
    cold = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                          env=env, check=True)
    assert cold.stdout.strip() == "12.0"
    assert cold.stderr.count(COMPILE_NOTICE) == 1, cold.stderr  # two kernels, one notice
    warm = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                          env=env, check=True)
    assert warm.stdout.strip() == "12.0"
    assert COMPILE_NOTICE not in warm.stderr, warm.stderr


def test_kernel_dispatchers_and_cache_report():
    from sparseopt.linear_model import Lasso

    rng = np.random.default_rng(0)
    X = rng.standard_normal((20, 5))
    Lasso(alpha=0.1).fit(X, X[:, 0])
    found = _numba.kernel_dispatchers()
    assert "sparseopt.solvers.bcd._kernels_cd.cd_epochs" in found
    report = _numba.cache_report(found)
    assert set(report["cached"]) | set(report["missing"]) == set(found)
    assert "sparseopt.solvers.bcd._kernels_cd.cd_epochs" in report["cached"]


def _modules_using_numba_njit_directly():
    package = os.path.join(ROOT, "sparseopt")
    found = []
    for folder, _, files in os.walk(package):
        for name in files:
            path = os.path.join(folder, name)
            if not name.endswith(".py") or path.endswith(os.path.join("utils", "_numba.py")):
                continue  # compile_kernel itself
            with open(path) as fh:
                text = fh.read()
            if "from numba import njit" in text or "@numba.njit" in text:
                found.append(os.path.relpath(path, ROOT))
    return sorted(found)


def test_every_kernel_module_uses_the_fallback_njit():
    # only kernels decorated by sparseopt.utils.njit get the no-cache fallback and the notice
    assert _modules_using_numba_njit_directly() == []
