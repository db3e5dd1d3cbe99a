"""Plots of fitted estimators (matplotlib is optional and imported only when drawing)."""

import numpy as np

from .utils import check_bool

_X_KEYS = ("iter", "time")


def _import_pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError as err:
        raise ImportError('sparseopt.plotting needs matplotlib: pip install "sparseopt[plot]" '
                          "(or pip install matplotlib).") from err
    return plt


def _get_history(est):
    if isinstance(est, dict):
        history = est
    elif hasattr(est, "history_"):
        history = est.history_
    elif hasattr(est, "fit") and hasattr(est, "get_params"):
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(est)  # NotFittedError for an unfitted estimator
        raise ValueError(f"{type(est).__name__} has no history_ to plot (only iterative "
                         "estimators record one).")
    elif isinstance(getattr(est, "history", None), dict):  # solver result objects
        history = est.history
    else:
        raise TypeError("est must be a fitted estimator with history_, a result object with "
                        f"a history dict, or a dict of arrays, got {type(est).__name__}.")
    if not isinstance(history, dict):
        raise TypeError(f"{type(est).__name__}.history_ must be a dict of arrays, got "
                        f"{type(history).__name__}.")
    if not history:
        raise ValueError(f"{type(est).__name__}.history_ is empty: nothing to plot.")
    return history


def _as_series(value):
    """A 1-D float array, or None for entries that are not numeric series (or are booleans)."""
    arr = np.asarray(value)
    if arr.ndim != 1 or arr.size == 0 or arr.dtype == bool or \
            not np.issubdtype(arr.dtype, np.number) or np.iscomplexobj(arr):
        return None
    arr = arr.astype(np.float64)
    arr[~np.isfinite(arr)] = np.nan
    return arr


def _check_keys(keys, history, est):
    """The history keys to draw (every numeric series when ``keys`` is None), validated."""
    if keys is None:
        keys = [k for k, v in history.items() if k not in _X_KEYS and _as_series(v) is not None]
        if not keys:
            raise ValueError(f"{type(est).__name__}.history_ holds no numeric series to plot.")
        return keys
    if isinstance(keys, str):
        keys = [keys]
    try:
        keys = list(keys)
    except TypeError:
        raise TypeError(f"keys must be None, a str or a sequence of str, got {keys!r}."
                        ) from None
    if not keys:
        raise ValueError("keys must name at least one entry of history_.")
    for k in keys:
        if k not in history:
            raise ValueError(f"keys: {k!r} is not in history_ (available: "
                             f"{', '.join(map(repr, history))}).")
        if _as_series(history[k]) is None:
            raise ValueError(f"keys: history_[{k!r}] is not a numeric 1-D series.")
    return keys


def _axes_for(ax, n_keys, plt):
    """``(figure, one Axes per key, whether they are one shared Axes)`` for ``ax``."""
    if ax is None:
        fig, axes = plt.subplots(n_keys, 1, sharex=True, squeeze=False,
                                 figsize=(6.0, 1.0 + 2.0 * n_keys))
        return fig, axes[:, 0], False
    if hasattr(ax, "plot"):
        return ax.figure, np.array([ax] * n_keys, dtype=object), True
    try:
        axes = np.asarray(list(ax), dtype=object)
    except TypeError:
        axes = None
    if axes is None or isinstance(ax, str) or not all(hasattr(a, "plot") for a in axes):
        raise TypeError(f"ax must be None, a matplotlib Axes or a sequence of Axes, got "
                        f"{ax!r}.")
    if axes.size != n_keys:
        raise ValueError(f"ax holds {axes.size} Axes for {n_keys} keys.")
    return axes[0].figure, axes, False


def plot_convergence(est, *, ax=None, keys=None, x="iter", log=True, title=None, **plot_kw):
    """Draw the per-iteration history of a fitted iterative estimator.

    Every array of ``est.history_`` (objective, duality gap or stationarity measure, ...) is
    drawn against the iteration (or the time), one panel per quantity, with a logarithmic
    axis for quantities that stay positive.

    Parameters
    ----------
    est : estimator, result object or dict
        A fitted estimator with ``history_`` (:class:`~sparseopt.linear_model.Lasso`,
        :class:`~sparseopt.bayes.KroneckerSBL`, :class:`~sparseopt.dag.CoLiDE`, ...), a solver
        result with a ``history`` dict, or such a dict of arrays itself.
    ax : matplotlib Axes, sequence of Axes or None, default=None
        None: a new figure with one panel per key. One Axes: every key drawn on it (with a
        legend). A sequence: one Axes per key.
    keys : sequence of str or None, default=None
        The quantities to draw. None: every numeric 1-D entry except ``iter`` and ``time``
        (booleans such as per-stage convergence flags are skipped).
    x : {'iter', 'time'}, default='iter'
        Abscissa: ``history_['iter']`` when recorded (else 1, 2, ...), or the recorded
        ``history_['time']`` in seconds.
    log : bool, default=True
        Logarithmic y-axis for every quantity whose finite values are all positive.
    title : str or None, default=None
        Title of the figure (default: the estimator's class name).
    **plot_kw
        Passed to ``Axes.plot`` (e.g. ``marker='o'``).

    Returns
    -------
    matplotlib.axes.Axes or ndarray of Axes
        One Axes when a single Axes is drawn on (``ax`` is an Axes, or one key), else an
        array with one Axes per key.

    Raises
    ------
    sklearn.exceptions.NotFittedError
        If ``est`` is an unfitted estimator.
    ValueError
        If ``est`` has no (or an empty) history, or a key is missing or not numeric.
    ImportError
        If matplotlib is not installed.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from sparseopt.linear_model import Lasso
    >>> from sparseopt.plotting import plot_convergence
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((50, 20)); y = X[:, 0] + 0.1 * rng.standard_normal(50)
    >>> axes = plot_convergence(Lasso(alpha=0.01).fit(X, y), keys=["objective", "criterion"])
    >>> [a.get_yscale() for a in axes]
    ['log', 'log']
    """
    history = _get_history(est)
    if not isinstance(x, str) or x not in _X_KEYS:
        raise ValueError(f"x={x!r}: expected 'iter' or 'time'.")
    log = check_bool("log", log)
    keys = _check_keys(keys, history, est)
    series = {k: _as_series(history[k]) for k in keys}
    plt = _import_pyplot()

    def abscissa(n):
        if x == "time":
            t = _as_series(history.get("time", []))
            if t is None or t.size != n:
                raise ValueError("x='time' needs a history_['time'] as long as the series.")
            return t
        it = _as_series(history.get("iter", []))
        return it if it is not None and it.size == n else np.arange(1, n + 1, dtype=np.float64)

    fig, axes, single = _axes_for(ax, len(keys), plt)

    for a, k in zip(axes, keys, strict=True):
        v = series[k]
        try:
            a.plot(abscissa(v.size), v, label=str(k), **plot_kw)
        except AttributeError as err:  # matplotlib's word for an unknown line property
            raise TypeError(f"plot_kw: {err}") from None
        if not single:
            a.set_ylabel(str(k).replace("_", " "))
    for a in (axes[:1] if single else axes):
        finite = np.concatenate([series[k][np.isfinite(series[k])]
                                 for k, b in zip(keys, axes, strict=True) if b is a])
        if log and finite.size and np.all(finite > 0):
            a.set_yscale("log")
        a.grid(True, alpha=0.3)
    axes[-1].set_xlabel("time (s)" if x == "time" else "iteration")
    if x == "iter":  # iterations are counts: no fractional ticks
        from matplotlib.ticker import MaxNLocator

        for a in axes:
            a.xaxis.set_major_locator(MaxNLocator(integer=True))
    if single:
        if len(keys) > 1:
            axes[0].legend()
        else:
            axes[0].set_ylabel(str(keys[0]).replace("_", " "))
    label = title if title is not None else type(est).__name__ if not isinstance(est, dict) \
        else None
    if label:
        (axes[0].set_title if single else fig.suptitle)(label)
    if single or len(keys) == 1:
        return axes[0]
    return axes
