"""``sparseopt irs``: channel NMSE against SNR on the built-in IRS-MIMO scenario.

Every method runs with the library's defaults: the command is a check of what a user gets
without tuning, so nothing here sets a solver parameter.
"""

import csv
import os
import sys
import time

from ._common import CLIError, finite_float, n_jobs_int, nonnegative_int, positive_int

DEFAULT_SNR_DB = (4.0, 8.0, 12.0, 16.0, 20.0)
DEFAULT_METHODS = ("svd", "am", "pc")
DEFAULT_TRIALS = 50
FAILURE_DB = -10.0
CSV_NAME = "irs_nmse.csv"
PNG_NAME = "irs_nmse.png"
CSV_COLUMNS = ("method", "snr_db", "trial", "nmse_db", "fit_time_s")


def dense_sbl(operator, y, noise_variance=None):
    """Classical SBL on the dense measurement matrix (the operator densified once per call).

    Module-level so that joblib can send it to worker processes.

    Parameters
    ----------
    operator : KroneckerOperator
        Measurement operator; ``operator.toarray()`` is the dense matrix.
    y : ndarray of shape (n_measurements,)
        Observation.
    noise_variance : float or None, default=None
        Known noise variance, or None to learn it.

    Returns
    -------
    ndarray of shape (n_unknowns,)
        Posterior mean of the sparse vector.
    """
    from ..bayes import SparseBayesianRegression

    model = SparseBayesianRegression(fit_intercept=False, noise_variance=noise_variance)
    return model.fit(operator.toarray(), y).coef_


def _methods(scenario):
    """CLI name -> (label, estimator or callable); all with the library defaults."""
    from ..bayes import KroneckerSBL, kronecker_omp

    return {
        "svd": ("SVD-KroSBL", KroneckerSBL("svd")),
        "am": ("AM-KroSBL", KroneckerSBL("am")),
        "pc": ("PC-KroSBL", KroneckerSBL("am", structure="block",
                                         coupled_factors=scenario.coupled_factors)),
        "sbl": ("classical SBL (dense)", dense_sbl),
        "omp": ("Kronecker OMP", kronecker_omp),
    }


METHOD_HELP = {
    "svd": 'KroneckerSBL("svd")',
    "am": 'KroneckerSBL("am")',
    "pc": 'KroneckerSBL("am", structure="block", coupled_factors=scenario.coupled_factors)',
    "sbl": "SparseBayesianRegression(fit_intercept=False) on the dense 288 x 5832 matrix "
           "(slow: seconds per fit)",
    "omp": "kronecker_omp (noise-aware stop when the noise is known)",
}


def add_parser(subparsers):
    """Register ``irs`` on ``subparsers``; returns its parser."""
    methods = "; ".join(f"{k}: {v}" for k, v in METHOD_HELP.items())
    p = subparsers.add_parser(
        "irs", help="IRS-MIMO channel estimation: NMSE against SNR (the flagship study)",
        description=(
            "Monte-Carlo channel NMSE against SNR on the built-in IRS-MIMO scenario "
            "(sparseopt.channels.IRSMIMOScenario: 288 pilot observations, 5832 unknowns), "
            "through sparseopt.channels.nmse_vs_snr. Each trial draws one channel, observes it "
            "at every SNR and fits every method, all with the library defaults. Prints, per "
            "method and SNR, the median and the mean NMSE in dB (the mean is taken on the "
            f"linear scale) and the share of failed trials (NMSE > {FAILURE_DB:g} dB); writes "
            f"DIR/{CSV_NAME} (one row per method, SNR and trial: "
            f"{', '.join(CSV_COLUMNS)}) and DIR/{PNG_NAME} (needs matplotlib: "
            'pip install "sparseopt[plot]").'),
        epilog=f"Methods: {methods}.")
    p.add_argument("--snr", nargs="+", type=finite_float, default=list(DEFAULT_SNR_DB),
                   metavar="DB", help="per-measurement SNRs in dB (default: %(default)s)")
    p.add_argument("--trials", type=positive_int, default=DEFAULT_TRIALS, metavar="N",
                   help="channel draws (default: %(default)s, about a minute on 2 cores with "
                        "--n-jobs 2)")
    p.add_argument("--methods", nargs="+", choices=list(METHOD_HELP), default=list(DEFAULT_METHODS),
                   metavar="NAME", help="methods among %(choices)s (default: svd am pc)")
    p.add_argument("--noise", choices=("known", "learnt"), default="learnt",
                   help="give the methods the true noise variance, or let them learn it "
                        "(default: %(default)s)")
    p.add_argument("--n-jobs", type=n_jobs_int, default=1, metavar="N",
                   help="trials in parallel processes (joblib; -1: every core; "
                        "default: %(default)s)")
    p.add_argument("--out", default=".", metavar="DIR",
                   help="output directory, created if missing (default: the current one)")
    p.add_argument("--seed", type=nonnegative_int, default=0, metavar="S",
                   help="seed of the scenario (pilots, IRS phases) and of the trials "
                        "(default: %(default)s)")
    return p


def _output_dir(path):
    if os.path.exists(path) and not os.path.isdir(path):
        raise CLIError(f"--out {path!r} exists and is not a directory")
    try:
        os.makedirs(path, exist_ok=True)
    except OSError as err:
        raise CLIError(f"cannot create the output directory {path!r}: {err.strerror}") from None
    if not os.access(path, os.W_OK):
        raise CLIError(f"the output directory {path!r} is not writable")
    return path


def summary_rows(curves, labels):
    """One row per method and SNR: (method, label, snr_db, median_db, mean_db, failed, s/fit)."""
    med, mean, failed = curves.median_db(), curves.mean_db(), curves.failure_rate(FAILURE_DB)
    rows = []
    for name in curves.names:
        for j, snr in enumerate(curves.snr_db):
            rows.append((name, labels[name], float(snr), float(med[name][j]),
                         float(mean[name][j]), float(failed[name][j]),
                         float(curves.fit_time[name][j].mean())))
    return rows


def print_table(curves, labels, n_trials, noise, file=None):
    """Print the NMSE table (median, mean, failed share, seconds per fit)."""
    file = sys.stdout if file is None else file
    print(f"\nChannel NMSE over {n_trials} trial(s), noise variance {noise}; failed: NMSE > "
          f"{FAILURE_DB:g} dB; mean: averaged on the linear scale.", file=file)
    width = max(len(f"{k} ({v})") for k, v in labels.items() if k in curves.names)
    print(f"{'method':<{width}}  {'SNR dB':>6}  {'median dB':>9}  {'mean dB':>8}  "
          f"{'failed':>6}  {'s/fit':>6}", file=file)
    for name, label, snr, med, mean, failed, secs in summary_rows(curves, labels):
        print(f"{f'{name} ({label})':<{width}}  {snr:6g}  {med:9.1f}  {mean:8.1f}  "
              f"{failed:6.0%}  {secs:6.2f}", file=file)


def write_csv(curves, path):
    """Write one row per method, SNR and trial (columns ``CSV_COLUMNS``)."""
    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(CSV_COLUMNS)
        for name in curves.names:
            nmse, secs = curves.nmse_db[name], curves.fit_time[name]
            for j, snr in enumerate(curves.snr_db):
                for t in range(nmse.shape[1]):
                    writer.writerow((name, f"{snr:g}", t, f"{nmse[j, t]:.4f}",
                                     f"{secs[j, t]:.4f}"))


def write_png(curves, labels, n_trials, path, noise="learnt"):
    """Median, mean and failed-share panels; returns False (and says why) without matplotlib."""
    try:
        from matplotlib.figure import Figure
    except ImportError:
        print(f"matplotlib is not installed: skipped {path} (pip install \"sparseopt[plot]\" "
              "to get the figure).", file=sys.stderr)
        return False
    from matplotlib.ticker import PercentFormatter

    fig = Figure(figsize=(13, 4), layout="constrained")  # no pyplot: no GUI backend, no show()
    axes = fig.subplots(1, 3)
    fig.suptitle(f"IRS-MIMO channel estimation (sparseopt irs), noise variance {noise}")
    med, mean, failed = curves.median_db(), curves.mean_db(), curves.failure_rate(FAILURE_DB)
    for name in curves.names:
        style = "ks--" if name == "support oracle" else "o-"
        for ax, values in zip(axes, (med, mean, failed), strict=True):
            ax.plot(curves.snr_db, values[name], style, label=labels[name])
    axes[0].set_title(f"median over {n_trials} trial(s)")
    axes[1].set_title(f"mean over {n_trials} trial(s) (linear average)")
    axes[2].set_title(f"failed trials (NMSE > {FAILURE_DB:g} dB)")
    axes[0].set_ylabel("channel NMSE (dB)")
    axes[1].set_ylabel("channel NMSE (dB)")
    axes[2].set_ylabel("share of trials")
    axes[2].set_ylim(-0.05, 1.05)
    axes[2].yaxis.set_major_formatter(PercentFormatter(1.0))
    for ax in axes:
        ax.set_xlabel("SNR (dB)")
        ax.set_xticks(curves.snr_db)
        ax.grid(alpha=0.3)
    axes[0].legend()
    fig.savefig(path, dpi=100)
    return True


def run(args):
    """Run the study; returns the exit status."""
    out = _output_dir(args.out)
    from ..channels import IRSMIMOScenario, nmse_vs_snr

    methods = list(dict.fromkeys(args.methods))  # in the order given, without repeats
    scenario = IRSMIMOScenario(random_state=args.seed)
    table = _methods(scenario)
    estimators = {name: table[name][1] for name in methods}
    labels = {name: table[name][0] for name in methods}
    labels["support oracle"] = "least squares on the true support"
    print(f"IRS-MIMO scenario: {scenario.shape[0]} observations, {scenario.shape[1]} unknowns; "
          f"methods {', '.join(methods)}; SNR {' '.join(f'{s:g}' for s in args.snr)} dB; "
          f"{args.trials} trial(s) on {args.n_jobs} process(es)", flush=True)
    t0 = time.perf_counter()
    curves = nmse_vs_snr(scenario, estimators, args.snr, args.trials,
                         known_noise=args.noise == "known", oracle=True, n_jobs=args.n_jobs,
                         random_state=args.seed, verbose=1)
    elapsed = time.perf_counter() - t0
    print_table(curves, labels, args.trials, args.noise)
    csv_path = os.path.join(out, CSV_NAME)
    write_csv(curves, csv_path)
    print(f"\nwrote {csv_path} (one row per method, SNR and trial)")
    png_path = os.path.join(out, PNG_NAME)
    if write_png(curves, labels, args.trials, png_path, args.noise):
        print(f"wrote {png_path}")
    print(f"done in {elapsed:.1f} s")
    return 0
