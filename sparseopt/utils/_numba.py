"""How sparseopt hands its kernels to Numba: disk caching with a fallback, a one-time notice.

:func:`compile_kernel` (called by :func:`sparseopt.utils.njit` when a kernel is first used)

- falls back to compiling without the disk cache, with one warning per process naming the
  cause and the fix, when Numba finds no writable cache location (read-only site-packages and
  home directory, as in many containers), where ``numba.njit(cache=True)`` raises
  ``RuntimeError: cannot cache function ...: no locator available``;
- logs, once per process, a notice when one of the kernels it compiled really compiles (a
  cache miss: a new environment, or a changed source file), so that the pause of a first fit
  is explained. Loading from a warm cache compiles nothing and says nothing.

Nothing here imports Numba or registers anything until a kernel is first called.

The cache location follows Numba's own rules: ``NUMBA_CACHE_DIR`` if set, else a
``__pycache__`` folder beside each kernel module if writable, else the user's cache folder.
"""

import logging
import os
import sys
import threading
import warnings

__all__ = ["NumbaCacheWarning", "cache_report", "compile_kernel", "kernel_dispatchers"]

COMPILE_NOTICE = ("sparseopt: compiling numerical kernels (first use only, a few seconds per "
                  "estimator; run `sparseopt compile` once to do it ahead)")

_LOGGER = logging.getLogger("sparseopt")
_LOCK = threading.Lock()
_STATE = {"listener": None, "notice_given": False, "no_cache_warned": False}
_OWN_FUNCS = set()  # the Python functions decorated here (their dispatchers raise the notice)


class NumbaCacheWarning(UserWarning):
    """Numba cannot cache sparseopt's compiled kernels on disk in this environment."""


def _warn_no_cache(err):
    with _LOCK:
        if _STATE["no_cache_warned"]:
            return
        _STATE["no_cache_warned"] = True
    warnings.warn(
        f"sparseopt: Numba found no writable cache location ({err}). The numerical kernels are "
        "compiled without the disk cache, so every new process compiles them again (~20 s). "
        "Fix: set the environment variable NUMBA_CACHE_DIR to a writable directory, e.g. "
        "NUMBA_CACHE_DIR=/tmp/numba_cache.", NumbaCacheWarning, stacklevel=4)


def _notice(ev):
    """``numba:compile`` listener body: log the notice at the first compile of one of ours."""
    dispatcher = ev.data.get("dispatcher") if isinstance(ev.data, dict) else None
    if getattr(dispatcher, "py_func", None) not in _OWN_FUNCS:
        return
    with _LOCK:
        if _STATE["notice_given"] or _STATE["no_cache_warned"]:
            return  # without a disk cache, NumbaCacheWarning already explains the pause
        _STATE["notice_given"] = True
    _LOGGER.warning(COMPILE_NOTICE)


def _install_listener():
    """Register the compile-notice listener once (at the first decoration, not at import)."""
    if _STATE["listener"] is not None:
        return
    from numba.core import event

    class _CompileNotice(event.Listener):
        def on_start(self, ev):
            _notice(ev)

        def on_end(self, ev):
            pass

    with _LOCK:
        if _STATE["listener"] is None:
            _STATE["listener"] = _CompileNotice()
            event.register("numba:compile", _STATE["listener"])


def compile_kernel(func, options):
    """``numba.njit(**options)(func)``, without the disk cache if Numba finds no place for it.

    Registers ``func`` for the compile notice. With ``cache=True`` and no writable cache
    location, Numba raises ``RuntimeError: cannot cache function ...: no locator available``;
    the kernel is then compiled without the disk cache and a :class:`NumbaCacheWarning` (once
    per process) says to set ``NUMBA_CACHE_DIR`` to a writable directory.
    """
    import numba

    _install_listener()
    _OWN_FUNCS.add(func)
    try:
        return numba.njit(**options)(func)
    except RuntimeError as err:
        if not options.get("cache") or "no locator available" not in str(err):
            raise
        _warn_no_cache(err)
        return numba.njit(**{**options, "cache": False})(func)


def kernel_dispatchers(prefix="sparseopt"):
    """The Numba dispatchers defined in the imported modules under ``prefix``.

    Parameters
    ----------
    prefix : str, default="sparseopt"
        Module name prefix.

    Returns
    -------
    dict of str to numba dispatcher
        ``"module.function"`` -> dispatcher, for functions defined in that module.
    """
    if "numba" not in sys.modules:
        return {}
    from numba.core.dispatcher import Dispatcher

    found = {}
    for name, module in list(sys.modules.items()):
        if module is None or not (name == prefix or name.startswith(prefix + ".")):
            continue
        for attr, obj in list(vars(module).items()):
            if isinstance(obj, Dispatcher) and getattr(obj.py_func, "__module__", None) == name:
                found[f"{name}.{attr}"] = obj
    return found


def _index_path(dispatcher):
    """The dispatcher's cache index file, or None (no disk cache, or Numba internals moved)."""
    try:
        return dispatcher._cache._cache_file._index_path
    except AttributeError:
        return None


def cache_report(dispatchers):
    """Which kernels have a cache index on disk, and where.

    Parameters
    ----------
    dispatchers : dict of str to numba dispatcher
        As returned by :func:`kernel_dispatchers`.

    Returns
    -------
    dict
        ``cached`` (names whose index file exists), ``missing`` (names without one) and
        ``folders`` (the cache folders, sorted).
    """
    cached, missing, folders = [], [], set()
    for name, disp in sorted(dispatchers.items()):
        path = _index_path(disp)
        if path is not None:
            folders.add(os.path.dirname(path))
        (cached if path is not None and os.path.exists(path) else missing).append(name)
    return {"cached": cached, "missing": missing, "folders": sorted(folders)}
