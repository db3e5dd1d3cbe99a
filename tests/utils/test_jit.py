"""The lazy ``njit``: Numba only at the first call, disk cache kept, and a kernel recompiled
when a kernel it calls from another file changes."""

import os
import subprocess
import sys
import textwrap

PKG_A = textwrap.dedent("""
    from sparseopt.utils import njit
    from . import b


    @njit(cache=True)
    def f(x):
        return b.g(x) + 1.0
""")
PKG_B = "from sparseopt.utils import njit\n\n\n@njit(cache=True)\ndef g(x):\n    return {}\n"
SCRIPT = ("import sys; import lazypkg.a as a; loaded = 'numba' in sys.modules; "
          "print(loaded, a.f(2.0), type(a.f).__name__)")


def _run(tmp_path, cache):
    env = dict(os.environ, NUMBA_CACHE_DIR=str(cache),
               PYTHONPATH=os.pathsep.join([str(tmp_path), os.getcwd()]))
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                         env=env, check=True)
    return out.stdout.split()


def test_numba_waits_for_the_first_call_and_the_cache_follows_other_files(tmp_path):
    pkg = tmp_path / "lazypkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text(PKG_A)
    (pkg / "b.py").write_text(PKG_B.format("x * 10.0"))
    cache = tmp_path / "cache"
    loaded, value, kind = _run(tmp_path, cache)
    assert loaded == "False"  # importing kernels does not import Numba
    assert float(value) == 21.0 and kind == "CPUDispatcher"  # rebound to the dispatcher
    assert any(p.suffix == ".nbi" for p in cache.rglob("*"))  # written to the disk cache
    assert float(_run(tmp_path, cache)[1]) == 21.0  # loaded back from it
    # the callee changes in its own file: the caller's cached code must not be reused
    (pkg / "b.py").write_text(PKG_B.format("x * 100.0"))
    assert float(_run(tmp_path, cache)[1]) == 201.0


def test_lazy_kernel_forwards_calls_and_attributes():
    from sparseopt.utils import njit
    from sparseopt.utils._jit import LazyKernel

    @njit(cache=False)
    def twice(x):
        return 2 * x

    assert twice(3) == 6
    if isinstance(twice, LazyKernel):  # defined before Numba was loaded
        assert twice.signatures  # the dispatcher's attribute, reached through the stand-in
