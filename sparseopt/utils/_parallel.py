r"""Monte-Carlo trials through joblib: seeded, ordered, and identical for any ``n_jobs``.

Scale-out recipe (also the documentation page "Scale-out, progress and convergence plots"):
every Monte-Carlo or path routine of sparseopt (:func:`sparseopt.channels.nmse_vs_snr`,
:func:`sparseopt.dag.benchmark_dags`, :func:`sparseopt.multitask.task_selection_curves`,
:func:`sparseopt.linear_model.lasso_path`, :class:`sparseopt.linear_model.LassoCV`) takes
``n_jobs`` and runs through :class:`joblib.Parallel`. On one machine, ``n_jobs=-1`` uses every
core. To move the same call to a cluster, start a ``dask.distributed`` client and select joblib's
dask backend around the call (``pip install "sparseopt[dask]"``)::

    from dask.distributed import Client, LocalCluster
    from joblib import parallel_config
    from sparseopt.channels import IRSMIMOScenario, nmse_vs_snr

    cluster = LocalCluster(n_workers=2, threads_per_worker=1)  # or a scheduler's address
    client = Client(cluster)
    with parallel_config(backend="dask"):
        curves = nmse_vs_snr(IRSMIMOScenario(random_state=0), estimators, [4, 12, 20],
                             n_trials=100, random_state=0)  # n_jobs=None: every dask worker

Results do not depend on ``n_jobs`` nor on the backend: trial ``i`` always receives the ``i``-th
child of ``np.random.SeedSequence(random_state)``, results are returned in trial order, and
each trial runs with one BLAS thread (``blas_threads=1``), so reductions are evaluated in the
same order whichever process runs them.
"""

import numbers
import warnings

import numpy as np

from ._progress import progress
from ._validation import check_positive_int, reemit_warnings


def spawn_seeds(random_state, n):
    """``n`` independent child seeds of ``random_state`` (``np.random.SeedSequence.spawn``).

    Parameters
    ----------
    random_state : None, int, SeedSequence or Generator
        None: fresh OS entropy (not reproducible). An int >= 0 or a SeedSequence: reproducible.
        A Generator: one 63-bit integer is drawn from it as the entropy.
    n : int
        Number of children, ``>= 1``.

    Returns
    -------
    list of numpy.random.SeedSequence
        Pass each to ``np.random.default_rng``.

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.utils import spawn_seeds
    >>> first, second = spawn_seeds(0, 2)
    >>> again = spawn_seeds(0, 1)[0]
    >>> bool(np.random.default_rng(first).random() == np.random.default_rng(again).random())
    True
    """
    n = check_positive_int("n", n)
    if isinstance(random_state, np.random.SeedSequence):
        ss = random_state
    elif random_state is None:
        ss = np.random.SeedSequence()
    elif isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        if random_state < 0:
            raise ValueError(f"random_state must be >= 0, got {random_state}.")
        ss = np.random.SeedSequence(int(random_state))
    elif isinstance(random_state, np.random.Generator | np.random.RandomState):
        ss = np.random.SeedSequence(int(random_state.integers(2**63))
                                    if isinstance(random_state, np.random.Generator)
                                    else int(random_state.randint(2**31)))
    else:
        raise TypeError("random_state must be None, an int >= 0, a numpy SeedSequence or a "
                        f"Generator, got {type(random_state).__name__}.")
    return ss.spawn(n)


def check_n_jobs(n_jobs):
    """joblib's ``n_jobs``: None or a nonzero int (negative counts from the number of cores)."""
    if n_jobs is None:
        return
    if isinstance(n_jobs, bool | np.bool_) or not isinstance(n_jobs, numbers.Integral):
        raise TypeError(f"n_jobs must be None or a nonzero int, got {n_jobs!r}.")
    if n_jobs == 0:
        raise ValueError("n_jobs must be None or a nonzero int, got 0.")


def _call_limited(func, args, blas_threads):
    """``(func(*args), warnings)`` with at most ``blas_threads`` BLAS threads (module-level:
    picklable).

    The warnings the call raises are recorded as ``(category, message)`` pairs and returned
    with its result, so that the caller re-emits them: a worker process's warnings would
    otherwise go to that worker's stderr and never reach the caller. Recording changes the
    process-wide warning filters, so it is done only in a main thread (a worker process, or the
    caller itself); in a worker thread (joblib's threading backend) warnings reach the caller's
    process directly and are left alone.
    """
    import threading

    if threading.current_thread() is not threading.main_thread():
        return _call(func, args, blas_threads), []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = _call(func, args, blas_threads)
    return result, [(w.category, str(w.message)) for w in caught]


def _call(func, args, blas_threads):
    if blas_threads is None:
        return func(*args)
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=blas_threads, user_api="blas"):
        return func(*args)


def parallel_map(func, arg_tuples, *, n_jobs=None, verbose=0, desc=None, blas_threads=1,
                 stacklevel=2):
    """``[func(*args) for args in arg_tuples]`` through joblib, in order.

    The building block of :func:`run_trials` and of the path routines (targets of
    :func:`~sparseopt.linear_model.lasso_path`, folds of
    :class:`~sparseopt.linear_model.LassoCV`). Every call, in the main process or in a worker,
    runs with ``blas_threads`` BLAS threads, so results do not depend on ``n_jobs``.

    Parameters
    ----------
    func : callable
        A module-level function (so that every backend can pickle it).
    arg_tuples : sequence of tuple
        Positional arguments of each call.
    n_jobs : int or None, default=None
        Calls in parallel (joblib; None means 1 outside a ``joblib.parallel_config`` context).
    verbose : int, default=0
        >= 1: a progress bar over calls.
    desc : str or None, default=None
        Label of the progress report.
    blas_threads : int or None, default=1
        BLAS threads inside each call (threadpoolctl); None leaves them as they are.
    stacklevel : int, default=2
        Where the re-emitted warnings point: 2 is the caller of ``parallel_map``.

    Returns
    -------
    list
        The results, in the order of ``arg_tuples``.

    Notes
    -----
    Warnings raised inside the calls (in the main process or in worker processes) are
    recorded and re-emitted here, in the caller, once per distinct (category, message) with
    the number of calls that raised it, so nothing a worker warns about is lost (a
    :class:`~sklearn.exceptions.ConvergenceWarning` of a fold reaches the caller for every
    ``n_jobs``).

    Examples
    --------
    >>> from sparseopt.utils import parallel_map
    >>> parallel_map(divmod, [(7, 2), (9, 4)])
    [(3, 1), (2, 1)]
    """
    if not callable(func):
        raise TypeError(f"func must be callable, got {func!r}.")
    if blas_threads is not None:
        blas_threads = check_positive_int("blas_threads", blas_threads)
    stacklevel = check_positive_int("stacklevel", stacklevel)
    check_n_jobs(n_jobs)
    from joblib import Parallel, delayed

    try:
        arg_tuples = list(arg_tuples)
    except TypeError:
        raise TypeError("arg_tuples must be a sequence of argument tuples, got "
                        f"{type(arg_tuples).__name__}.") from None
    for args in arg_tuples:
        if not isinstance(args, tuple | list):
            raise TypeError("arg_tuples must hold one tuple of positional arguments per call, "
                            f"got an element {args!r}.")
    tasks = (delayed(_call_limited)(func, tuple(args), blas_threads) for args in arg_tuples)
    results, records = [], []
    with progress(total=len(arg_tuples), desc=desc or getattr(func, "__name__", "tasks"),
                  verbose=verbose) as report:
        for res, caught in Parallel(n_jobs=n_jobs, return_as="generator")(tasks):
            results.append(res)
            records.append(caught)
            report.update()
    reemit_warnings(records, "calls", stacklevel=stacklevel + 1)
    return results


def run_trials(trial, n_trials, config=None, *, n_jobs=None, random_state=None, verbose=0,
               desc=None, blas_threads=1):
    """Run ``trial(seed, config)`` for ``n_trials`` independent seeds with joblib.

    Trial ``i`` receives the ``i``-th child of ``np.random.SeedSequence(random_state)`` and the
    results come back in trial order, so they are the same for every ``n_jobs`` and every
    joblib backend (see the scale-out recipe in the module docstring, or the "Scale-out" page
    of the documentation).

    Parameters
    ----------
    trial : callable
        ``trial(seed, config) -> result``, with ``seed`` a ``numpy.random.SeedSequence`` (use
        ``np.random.default_rng(seed)``). Define it at module level so that worker processes
        can import it; draw all randomness from ``seed``.
    n_trials : int
        Number of trials, ``>= 1``.
    config : object, default=None
        Passed unchanged to every trial (must be picklable for ``n_jobs != 1``).
    n_jobs : int or None, default=None
        joblib's ``n_jobs``: None means 1 unless inside a ``joblib.parallel_config`` context
        (e.g. ``backend="dask"``, where None means every worker); -1 uses every core.
    random_state : None, int, SeedSequence or Generator, default=None
        Root of the trial seeds (see :func:`spawn_seeds`).
    verbose : int, default=0
        >= 1: a progress bar over trials (tqdm when installed, plain lines otherwise).
    desc : str or None, default=None
        Label of the progress report (default: the trial function's name).
    blas_threads : int or None, default=1
        BLAS threads inside each trial (threadpoolctl); None leaves them as they are, which
        oversubscribes the cores when ``n_jobs > 1`` and may change the last bits of results.

    Returns
    -------
    list
        ``[trial(seed_0, config), ..., trial(seed_{n_trials-1}, config)]``.

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.utils import run_trials
    >>> def mean_of_draws(seed, n):  # define it at module level in a script
    ...     return np.random.default_rng(seed).standard_normal(n).mean()
    >>> a = run_trials(mean_of_draws, 4, 100, random_state=0)
    >>> b = run_trials(mean_of_draws, 4, 100, n_jobs=2, random_state=0, blas_threads=None)
    >>> a == b
    True
    """
    if not callable(trial):
        raise TypeError(f"trial must be callable as trial(seed, config), got {trial!r}.")
    n_trials = check_positive_int("n_trials", n_trials)
    seeds = spawn_seeds(random_state, n_trials)
    return parallel_map(trial, [(seed, config) for seed in seeds], n_jobs=n_jobs,
                        verbose=verbose, desc=desc or getattr(trial, "__name__", "trials"),
                        blas_threads=blas_threads, stacklevel=3)
