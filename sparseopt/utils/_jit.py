"""``njit``: Numba's decorator, applied at the first call instead of at import.

Every kernel of sparseopt is a module-level function decorated with ``@njit(cache=True)``. This
decorator records the function and returns a light stand-in, so that a module can keep its
class (the Python reference) and its kernels side by side while ``import sparseopt.<package>``
still does not import Numba. The first call of any kernel imports Numba once, turns every
recorded kernel into a real Numba dispatcher and rebinds the module globals that held the
stand-ins, so kernels calling kernels (also across modules) compile against dispatchers, and
Python code calling ``module.kernel`` reaches the dispatcher directly from then on. Kernels
defined after that point are decorated by Numba at once. The on-disk cache works as with
``numba.njit(cache=True)``: the functions are the same plain module-level functions.

Numba invalidates a cached kernel when its own file changes, not when a kernel it calls from
another file does (numba issue #1833): a solver epoch compiled against an old penalty kernel
would be loaded from the cache after the penalty changed. The kernels of a package call each
other across files by design (one file per datafit and penalty, one dispatch switch per
family, solver loops elsewhere), so their cache stamp also carries a fingerprint of every
kernel-defining file of the package: changing any of them recompiles the package's kernels.
"""

import functools
import hashlib
import os
import sys
import threading

_LOCK = threading.RLock()
_PENDING = []
_STATE = {"live": False}
_MARK = "_sparseopt_kernel_root"


class LazyKernel:
    """Stand-in for a kernel until Numba is loaded; forwards calls to the dispatcher."""

    def __init__(self, py_func, options):
        self.py_func = py_func
        self.options = options
        self.dispatcher = None
        functools.update_wrapper(self, py_func)

    def __call__(self, *args, **kwargs):
        if self.dispatcher is None:
            materialize()
        return self.dispatcher(*args, **kwargs)

    def __getattr__(self, name):  # signatures, py_func of the dispatcher, ...
        if name in ("dispatcher", "py_func", "options") or name.startswith("__"):
            raise AttributeError(name)
        if self.dispatcher is None:
            materialize()
        return getattr(self.dispatcher, name)

    def __repr__(self):
        return f"<kernel {self.py_func.__module__}.{self.py_func.__qualname__}>"


def njit(*args, **options):
    """Drop-in for ``numba.njit`` (use it as ``@njit(cache=True)``) that defers Numba."""
    if args and callable(args[0]) and len(args) == 1 and not options:
        return _decorate(args[0], {})
    if args:
        raise TypeError("njit takes the kernel or keyword options only (no signatures).")
    return lambda func: _decorate(func, options)


def _decorate(func, options):
    setattr(func, _MARK, _package_root(func))
    with _LOCK:
        if _STATE["live"]:
            import numba

            return numba.njit(**options)(func)
        kernel = LazyKernel(func, options)
        _PENDING.append(kernel)
        return kernel


def materialize():
    """Import Numba and turn every recorded kernel into a dispatcher (idempotent)."""
    with _LOCK:
        if _STATE["live"] and not _PENDING:
            return
        import numba

        _install_locator()
        pending = list(_PENDING)
        for kernel in pending:
            kernel.dispatcher = numba.njit(**kernel.options)(kernel.py_func)
        _PENDING.clear()
        _STATE["live"] = True
        roots = {k.py_func.__module__.split(".")[0] for k in pending}
        for name, module in list(sys.modules.items()):
            if module is None or name.split(".")[0] not in roots:
                continue
            namespace = getattr(module, "__dict__", None)
            if namespace is None:
                continue
            for key, value in list(namespace.items()):
                if isinstance(value, LazyKernel) and value.dispatcher is not None:
                    namespace[key] = value.dispatcher


def _package_root(func):
    """Directory of the top-level package that defines ``func`` (None if unknown)."""
    top = sys.modules.get(func.__module__.split(".")[0])
    path = getattr(top, "__file__", None)
    return os.path.dirname(os.path.abspath(path)) if path else None


@functools.cache
def package_fingerprint(root):
    """SHA-256 over the kernel-defining source files (``@njit``) under ``root``."""
    digest = hashlib.sha256()
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "__pycache__")))
        for fname in sorted(files):
            if not fname.endswith(".py"):
                continue
            path = os.path.join(folder, fname)
            with open(path, "rb") as fh:
                text = fh.read()
            if b"@njit" in text:
                digest.update(os.path.relpath(path, root).encode())
                digest.update(text)
    return digest.hexdigest()


def _install_locator():
    """Put the package-fingerprint locator first in Numba's locator list (once)."""
    from numba.core import caching

    impl = getattr(caching, "CacheImpl", None) or getattr(caching, "_CacheImpl", None)
    base = getattr(caching, "_CacheLocator", None)
    classes = getattr(impl, "_locator_classes", None)
    if base is None or not isinstance(classes, list):
        return  # an unknown Numba layout: plain per-file invalidation
    if any(getattr(c, "_sparseopt", False) for c in classes):
        return

    class PackageStampLocator(base):
        """Numba's own locator, with the package fingerprint added to the source stamp."""

        _sparseopt = True

        def __init__(self, inner, root):
            self._inner = inner
            self._root = root

        def ensure_cache_path(self):
            self._inner.ensure_cache_path()

        def get_cache_path(self):
            return self._inner.get_cache_path()

        def get_source_stamp(self):
            return (self._inner.get_source_stamp(), package_fingerprint(self._root))

        def get_disambiguator(self):
            return self._inner.get_disambiguator()

        @classmethod
        def from_function(cls, py_func, py_file):
            root = getattr(py_func, _MARK, None)
            if root is None:
                return None
            for other in classes:
                if other is cls:
                    continue
                inner = other.from_function(py_func, py_file)
                if inner is not None:
                    return cls(inner, root)
            return None

    classes.insert(0, PackageStampLocator)
