"""Progress reporting for long fits and Monte-Carlo runs: a tqdm bar, or one plain line per step
(``bar=False``, for log files). tqdm is imported only when a bar is shown."""

import numbers
import sys
import time

from ._validation import check_positive_int, check_verbose


class Progress:
    """Report the progress of ``total`` steps (use :func:`progress` to build one).

    ``update(n=1, **info)`` advances by ``n`` steps and shows ``info`` (floats in ``%.3g``);
    ``write(line)`` prints a line without breaking the bar; ``close()`` ends the report. A
    ``Progress`` is also a context manager and, when built on an iterable, an iterator over it
    that advances one step per item.

    A loop that stops before ``total`` steps (a solver that converged early) closes a complete
    bar: its total is set to the steps done, so the bar does not stay at e.g. 12%.
    """

    def __init__(self, iterable=None, *, total=None, desc=None, verbose=0, bar=None, file=None):
        if total is None and iterable is not None:
            try:
                total = len(iterable)
            except TypeError:
                total = None
        if bar is not None and not isinstance(bar, bool):
            raise TypeError(f"bar must be None, True or False, got {bar!r}.")
        if file is not None and not callable(getattr(file, "write", None)):
            raise TypeError(f"file must be None or a writable file-like object, got {file!r}.")
        self.iterable = iterable
        self.total = check_positive_int("total", total, allow_none=True, minimum=0)
        self.desc = str(desc) if desc else "progress"
        self.verbose = check_verbose(verbose)
        self.file = file
        self.n = 0
        self._t0 = time.perf_counter()
        self._closed = False
        self._bar = None
        if self.verbose >= 1 and bar is not False:
            from tqdm.auto import tqdm

            self._bar = tqdm(total=self.total, desc=self.desc, file=file, leave=True,
                             dynamic_ncols=True)

    @property
    def uses_bar(self):
        """True when a tqdm bar is shown."""
        return self._bar is not None

    def _print(self, line):
        print(line, file=self.file if self.file is not None else sys.stdout, flush=True)

    def update(self, n=1, **info):
        """Advance by ``n`` steps; ``info`` (name=value pairs) is shown with the step."""
        if type(n) is not int and (isinstance(n, bool) or not isinstance(n, numbers.Integral)):
            raise TypeError(f"n must be an int >= 0, got {n!r}.")
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}.")
        self.n += n
        if self.verbose < 1:
            return
        text = ", ".join(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}"
                         for k, v in info.items())
        if self._bar is not None:
            if info:
                self._bar.set_postfix_str(text, refresh=False)
            self._bar.update(n)
        else:
            of = f"/{self.total}" if self.total is not None else ""
            elapsed = time.perf_counter() - self._t0
            self._print(f"[{self.desc}] {self.n}{of} ({elapsed:.1f} s)"
                        + (f": {text}" if text else ""))

    def write(self, line):
        """Print ``line`` (at ``verbose >= 1``) above the bar, or as a plain line."""
        if self.verbose < 1:
            return
        if self._bar is not None:
            self._bar.write(line, file=self.file)
        else:
            self._print(line)

    def close(self, *, complete=True):
        """End the report (closes the bar).

        Parameters
        ----------
        complete : bool, default=True
            Show the bar as complete even if fewer than ``total`` steps were done (the loop
            stopped early, e.g. converged); False leaves it where it stopped (an error).
        """
        if not self._closed and self._bar is not None:
            bar = self._bar
            if complete and bar.total is not None and 0 < bar.n < bar.total:
                bar.total = bar.n
                bar.refresh()
            bar.close()
        self._closed = True

    def __iter__(self):
        if self.iterable is None:
            raise TypeError("This Progress was built without an iterable.")
        done = False
        try:
            for item in self.iterable:
                yield item
                self.update()
            done = True
        finally:
            self.close(complete=done)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, *exc):
        self.close(complete=exc_type is None)
        return False


def progress(iterable=None, *, total=None, desc=None, verbose=0, bar=None, file=None):
    """Progress of a loop: a tqdm bar, or one plain printed line per step.

    At ``verbose=0`` nothing is shown (tqdm is not even imported) and the overhead is one integer
    addition per step. A loop that ends before ``total`` steps (a solver that converged early)
    leaves a complete bar showing the steps done.

    Parameters
    ----------
    iterable : iterable or None, default=None
        Iterate over the returned object to advance one step per item (``total`` defaults to
        ``len(iterable)``). None: call :meth:`Progress.update` by hand.
    total : int or None, default=None
        Number of steps (shown as ``k/total``).
    desc : str or None, default=None
        Label, e.g. the estimator's name.
    verbose : int, default=0
        0: silent; >= 1: report.
    bar : bool or None, default=None
        None or True: a tqdm bar. False: one plain line per step (for log files).
    file : file-like or None, default=None
        Where to write (None: ``sys.stdout`` for lines, tqdm's default ``sys.stderr`` for bars).

    Returns
    -------
    Progress
        Has ``update(n=1, **info)``, ``write(line)``, ``close()``; is a context manager, and an
        iterator when built on an iterable.

    Examples
    --------
    >>> import sys
    >>> from sparseopt.utils import progress
    >>> with progress(total=2, desc="fit", verbose=1, bar=False, file=sys.stdout) as p:
    ...     for it in range(2):
    ...         p.update(objective=0.5 / (it + 1))  # doctest: +ELLIPSIS
    [fit] 1/2 (... s): objective=0.5
    [fit] 2/2 (... s): objective=0.25
    >>> [x for x in progress(range(3))]  # verbose=0: silent
    [0, 1, 2]
    """
    return Progress(iterable, total=total, desc=desc, verbose=verbose, bar=bar, file=file)
