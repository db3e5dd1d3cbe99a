"""``sparseopt info``: versions, the Numba cache location, BLAS and CPUs."""

import os
import platform
import sys
import tempfile
from importlib import metadata

CORE = ("numpy", "scipy", "numba", "scikit-learn", "tqdm")
OPTIONAL = (("cvxpy", "reference"), ("matplotlib", "plot"), ("networkx", "graph"),
            ("distributed", "dask"), ("threadpoolctl", None))


def add_parser(subparsers):
    """Register ``info`` on ``subparsers``; returns its parser."""
    return subparsers.add_parser(
        "info", help="versions, Numba cache location, BLAS threads, CPUs",
        description="Print the versions of sparseopt, Python and the dependencies (optional "
                    "ones with the extra that installs them), where Numba caches the compiled "
                    "kernels and whether that place is writable, the BLAS library and its "
                    "threads, and the CPU count: what to paste in a bug report.")


def _version(dist):
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def _writable(folder):
    """True if a file can be created in ``folder`` (created if missing)."""
    try:
        os.makedirs(folder, exist_ok=True)
        tempfile.TemporaryFile(dir=folder).close()
    except OSError:
        return False
    return True


def numba_cache_location():
    """Where Numba caches sparseopt's kernels: (description, folder, writable).

    Follows Numba's order: ``NUMBA_CACHE_DIR``; a ``__pycache__`` folder beside the kernel
    modules; the user's cache folder; else no disk cache.
    """
    import sparseopt

    override = os.environ.get("NUMBA_CACHE_DIR")
    if override:
        return "NUMBA_CACHE_DIR", override, _writable(override)
    in_tree = os.path.join(os.path.dirname(sparseopt.__file__), "solvers", "__pycache__")
    if _writable(in_tree):
        return "beside the package (__pycache__ folders)", in_tree, True
    from numba.misc.appdirs import AppDirs

    user = AppDirs(appname="numba", appauthor=False).user_cache_dir
    if _writable(user):
        return "user cache folder", user, True
    return ("none writable: kernels compile in every process (set NUMBA_CACHE_DIR to a "
            "writable folder)", in_tree, False)


def blas_lines():
    """One line per BLAS/OpenMP library: name, version, threads (threadpoolctl, else numpy)."""
    import numpy as np

    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        config = np.show_config(mode="dicts") if np.lib.NumpyVersion(np.__version__) >= "1.26.0" \
            else {}
        blas = config.get("Build Dependencies", {}).get("blas", {})
        return [f"{blas.get('name', 'unknown')} {blas.get('version', '')} (threads: unknown; "
                "threadpoolctl not installed)"]
    lines = []
    for lib in threadpool_info():
        lines.append(f"{lib.get('internal_api')} {lib.get('version') or ''} "
                     f"({lib.get('threading_layer', lib.get('user_api'))}), "
                     f"{lib.get('num_threads')} thread(s): {lib.get('filepath')}")
    return lines or ["no BLAS or OpenMP library loaded"]


def run(args):
    """Print the report; returns the exit status."""
    import sparseopt

    print(f"sparseopt      {sparseopt.__version__} ({os.path.dirname(sparseopt.__file__)})")
    print(f"Python         {platform.python_version()} ({sys.executable})")
    print(f"platform       {platform.platform()}")
    for dist in CORE:
        print(f"{dist:<14} {_version(dist) or 'NOT INSTALLED (required)'}")
    print("optional:")
    for dist, extra in OPTIONAL:
        how = f'pip install "sparseopt[{extra}]"' if extra else f"pip install {dist}"
        version = _version(dist)
        print(f"  {dist:<14} {version if version else f'not installed ({how})'}")
    where, folder, writable = numba_cache_location()
    print(f"Numba cache    {where}: {folder} ({'writable' if writable else 'NOT writable'})")
    print(f"CPUs           {os.cpu_count()} (available to this process: "
          f"{len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else 'unknown'})")
    print("BLAS / OpenMP:")
    for line in blas_lines():
        print(f"  {line}")
    return 0
