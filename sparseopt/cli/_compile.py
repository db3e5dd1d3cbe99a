"""``sparseopt compile``: compile every Numba kernel into the disk cache once."""

import sys
import time
import warnings

from ._common import CLIError


def add_parser(subparsers):
    """Register ``compile`` on ``subparsers``; returns its parser."""
    from ._warmup import WARMUP_TASKS

    p = subparsers.add_parser(
        "compile", help="compile the Numba kernels into the disk cache, so first fits are fast",
        description=(
            "The numerical kernels are compiled by Numba at their first use and cached on disk; "
            "a first fit in a new environment therefore pauses while they compile. This "
            "command runs a tiny fit of every estimator and solver option so that everything "
            "is compiled once, ahead of use. The cache goes to NUMBA_CACHE_DIR if set, else "
            "beside the installed package, else to the user's cache folder (see 'sparseopt "
            "info'). Run it again after upgrading sparseopt or numba."),
        epilog="Tasks: " + "; ".join(f"{k}: {v[0]}" for k, v in WARMUP_TASKS.items()) + ".")
    p.add_argument("tasks", nargs="*", metavar="TASK",
                   help="only these tasks (default: all): " + ", ".join(WARMUP_TASKS))
    return p


def run(args):
    """Run the warm-up fits; returns the exit status (1 if a task failed)."""
    from sklearn.exceptions import ConvergenceWarning

    from ..utils import cache_report, kernel_dispatchers, progress
    from ._warmup import WARMUP_TASKS

    unknown = [t for t in args.tasks if t not in WARMUP_TASKS]
    if unknown:
        raise CLIError(f"unknown task(s) {', '.join(unknown)}; choose among "
                       f"{', '.join(WARMUP_TASKS)}")
    names = list(dict.fromkeys(args.tasks)) or list(WARMUP_TASKS)
    failed = []
    t0 = time.perf_counter()
    with progress(total=len(names), desc="compile", verbose=1) as report:
        for name in names:
            report.write(f"{name}: {WARMUP_TASKS[name][0]}")
            with warnings.catch_warnings():
                # tiny fits: convergence notes are expected; anything else (e.g. a cache
                # problem) reaches the user
                warnings.simplefilter("ignore", ConvergenceWarning)
                try:
                    WARMUP_TASKS[name][1]()
                except Exception as err:  # noqa: BLE001  (report every failing task, go on)
                    failed.append((name, f"{type(err).__name__}: {err}"))
            report.update(task=name)
    elapsed = time.perf_counter() - t0
    status = cache_report(kernel_dispatchers())
    n_cached, n_missing = len(status["cached"]), len(status["missing"])
    print(f"{n_cached} kernel(s) cached, {n_missing} without a cache file, in "
          f"{elapsed:.1f} s; cache folder(s):")
    for folder in status["folders"]:
        print(f"  {folder}")
    if n_missing:
        print("not cached (not reached by these tasks, or caching unavailable): "
              + ", ".join(status["missing"]))
    for name, message in failed:
        print(f"task {name} failed: {message}", file=sys.stderr)
    return 1 if failed else 0
