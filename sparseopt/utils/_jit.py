"""``njit``: Numba's decorator, applied at the first call instead of at import.

Every kernel of sparseopt is a module-level function decorated with ``@njit(cache=True)``. This
decorator records the function and returns a light stand-in, so that a module can keep its
class (the Python reference) and its kernels side by side while ``import sparseopt.<package>``
still does not import Numba. The first call of a kernel imports Numba and turns that kernel,
the other kernels of its module and every kernel they may call (found in their code's global
and attribute names, transitively) into Numba dispatchers; the module globals that held the
stand-ins are rebound to the dispatchers, so kernels calling kernels (also across modules)
compile against dispatchers and Python code calling ``module.kernel`` reaches the dispatcher
directly from then on. Kernels nobody calls are never handed to Numba. The on-disk cache works
as with ``numba.njit(cache=True)``: the functions are the same plain module-level functions.

Numba invalidates a cached kernel when its own file changes, not when a kernel it calls from
another file does (numba issue #1833): a solver epoch compiled against an old penalty kernel
would be loaded from the cache after the penalty changed. Kernels here call each other across
files by design (one file per datafit and penalty, one dispatch switch per family, solver
loops elsewhere), so the cache stamp of a kernel also carries the contents of every file its
callees (transitively) come from: changing one recompiles exactly the kernels that use it.
"""

import functools
import hashlib
import os
import sys
import threading
import types

_LOCK = threading.RLock()
_PENDING = {}  # id -> LazyKernel not yet handed to Numba
_DEPS = "_sparseopt_kernel_files"  # set on a kernel's function: the files it depends on


class LazyKernel:
    """Stand-in for a kernel until it is first called; then forwards to the dispatcher."""

    def __init__(self, py_func, options):
        self.py_func = py_func
        self.options = options
        self.dispatcher = None
        functools.update_wrapper(self, py_func)

    def __call__(self, *args, **kwargs):
        if self.dispatcher is None:
            materialize(self)
        return self.dispatcher(*args, **kwargs)

    def __getattr__(self, name):  # signatures, py_func of the dispatcher, ...
        if name in ("dispatcher", "py_func", "options") or name.startswith("__"):
            raise AttributeError(name)
        if self.dispatcher is None:
            materialize(self)
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
    kernel = LazyKernel(func, options)
    with _LOCK:
        _PENDING[id(kernel)] = kernel
    return kernel


def _callees(func):
    """Python functions of the kernels ``func`` may call: kernels (stand-ins or dispatchers)
    among its code's global names, and among the attributes, named in its code, of the modules
    it refers to."""
    names = func.__code__.co_names
    values = []
    for name in names:
        value = func.__globals__.get(name)
        if isinstance(value, types.ModuleType):
            values.extend(getattr(value, n, None) for n in names)
        else:
            values.append(value)
    return [v.py_func for v in values
            if isinstance(getattr(v, "py_func", None), types.FunctionType)]


def _dependency_files(func):
    """The source files of ``func`` and of every kernel it may call, transitively."""
    files, seen, stack = set(), set(), [func]
    while stack:
        f = stack.pop()
        if id(f) in seen:
            continue
        seen.add(id(f))
        files.add(os.path.abspath(f.__code__.co_filename))
        stack.extend(_callees(f))
    return tuple(sorted(files))


def materialize(kernel=None):
    """Hand ``kernel``, its module mates and every kernel they may call (all pending kernels
    if None) to Numba, and rebind the module globals that held their stand-ins."""
    with _LOCK:
        if kernel is None:
            stack = list(_PENDING.values())
        else:
            module = kernel.py_func.__module__
            stack = [k for k in _PENDING.values() if k.py_func.__module__ == module]
            stack.append(kernel)
        todo, seen = [], set()
        while stack:
            k = stack.pop()
            if id(k) in seen or k.dispatcher is not None:
                continue
            seen.add(id(k))
            todo.append(k)
            stack.extend(_pending_callees(k.py_func))
        if not todo:
            return
        from ._numba import compile_kernel

        _install_locator()
        for k in todo:
            setattr(k.py_func, _DEPS, _dependency_files(k.py_func))
            k.dispatcher = compile_kernel(k.py_func, k.options)
            _PENDING.pop(id(k), None)
        roots = {k.py_func.__module__.split(".")[0] for k in todo}
        for name, mod in list(sys.modules.items()):
            if mod is None or name.split(".")[0] not in roots:
                continue
            namespace = getattr(mod, "__dict__", None)
            if namespace is None:
                continue
            for key, value in list(namespace.items()):
                if isinstance(value, LazyKernel) and value.dispatcher is not None:
                    namespace[key] = value.dispatcher


def _pending_callees(func):
    """Stand-ins (not yet dispatchers) among the kernels ``func`` may call."""
    names = func.__code__.co_names
    out = []
    for name in names:
        value = func.__globals__.get(name)
        if isinstance(value, types.ModuleType):
            out.extend(v for v in (getattr(value, n, None) for n in names)
                       if isinstance(v, LazyKernel))
        elif isinstance(value, LazyKernel):
            out.append(value)
    return out


@functools.cache
def _file_digest(path, mtime_ns, size):
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def files_fingerprint(paths):
    """SHA-256 over the contents of ``paths`` (each file hashed once per version)."""
    digest = hashlib.sha256()
    for path in paths:
        st = os.stat(path)
        digest.update(path.encode())
        digest.update(_file_digest(path, st.st_mtime_ns, st.st_size).encode())
    return digest.hexdigest()


def _install_locator():
    """Put the dependency-stamp locator first in Numba's locator list (once)."""
    from numba.core import caching

    impl = getattr(caching, "CacheImpl", None) or getattr(caching, "_CacheImpl", None)
    base = getattr(caching, "_CacheLocator", None)
    classes = getattr(impl, "_locator_classes", None)
    if base is None or not isinstance(classes, list):
        return  # an unknown Numba layout: plain per-file invalidation
    if any(getattr(c, "_sparseopt", False) for c in classes):
        return

    class DependencyStampLocator(base):
        """Numba's own locator, with the kernel's dependency files added to the stamp."""

        _sparseopt = True

        def __init__(self, inner, files):
            self._inner = inner
            self._files = files

        def ensure_cache_path(self):
            self._inner.ensure_cache_path()

        def get_cache_path(self):
            return self._inner.get_cache_path()

        def get_source_stamp(self):
            return (self._inner.get_source_stamp(), files_fingerprint(self._files))

        def get_disambiguator(self):
            return self._inner.get_disambiguator()

        @classmethod
        def from_function(cls, py_func, py_file):
            files = getattr(py_func, _DEPS, None)
            if files is None:
                return None
            for other in classes:
                if other is cls:
                    continue
                inner = other.from_function(py_func, py_file)
                if inner is not None:
                    return cls(inner, files)
            return None

    classes.insert(0, DependencyStampLocator)
