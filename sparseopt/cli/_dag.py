"""``sparseopt dag DATA.csv``: a DAG learnt by CoLiDE from a CSV file, written as an edge list."""

import csv
import math
import os
import sys

from ._common import CLIError, nonnegative_float

EDGE_COLUMNS = ("source", "target", "weight")


def add_parser(subparsers):
    """Register ``dag`` on ``subparsers``; returns its parser."""
    p = subparsers.add_parser(
        "dag", help="learn a DAG from a CSV file (CoLiDE) and write its edge list",
        description=(
            "Learn a linear structural equation model (a weighted DAG) from DATA.csv with "
            "sparseopt.dag.CoLiDE. DATA.csv has a header row naming the variables and one "
            "numeric column per variable, one row per sample. The edges kept are those of "
            "CoLiDE's thresholded, acyclic adjacency_ and are written as CSV with columns "
            "source,target,weight (source -> target, using the header's names): to EDGES.csv "
            "with --out, else to standard output (the summary then goes to standard error)."))
    p.add_argument("data", metavar="DATA.csv", help="samples: a header row, then one row per "
                                                    "sample, one numeric column per variable")
    p.add_argument("--variance", choices=("equal", "nonequal"), default="equal",
                   help="one noise scale for all variables (CoLiDE-EV) or one per variable "
                        "(CoLiDE-NV) (default: %(default)s)")
    p.add_argument("--lambda", dest="alpha", type=nonnegative_float, default=None, metavar="L",
                   help="L1 strength, CoLiDE's alpha (default: the library default, 0.05)")
    p.add_argument("--standardize", action="store_true",
                   help="z-score the columns first (removes the dependence on units, and also "
                        "the variance ordering that simulated data often carry)")
    p.add_argument("--out", metavar="EDGES.csv", default=None,
                   help="where to write the edges (default: standard output)")
    return p


def _parse_float(text):
    try:
        return float(text)
    except ValueError:
        return None


def read_data(path):
    """Read a numeric CSV with a header row; returns (names, X) or raises CLIError."""
    import numpy as np

    if not os.path.isfile(path):
        raise CLIError(f"no such file: {path!r}")
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            rows = [row for row in csv.reader(fh) if any(cell.strip() for cell in row)]
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        raise CLIError(f"cannot read {path!r} as CSV: {err}") from None
    if not rows:
        raise CLIError(f"{path!r} is empty: expected a header row, then one row per sample")
    names = [name.strip() for name in rows[0]]
    if len(names) < 2:
        raise CLIError(f"{path!r} has {len(names)} column(s): a DAG needs at least 2 variables")
    if any(not name for name in names):
        raise CLIError(f"{path!r}: the header row has an empty column name (column "
                       f"{names.index('') + 1})")
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise CLIError(f"{path!r}: duplicated column name(s) {', '.join(duplicates)}")
    data = rows[1:]
    for k, row in enumerate(data):
        if len(row) != len(names):
            raise CLIError(f"{path!r}, data row {k + 1}: {len(row)} value(s) for "
                           f"{len(names)} columns")
    if len(data) < 2:
        raise CLIError(f"{path!r} has {len(data)} data row(s): at least 2 samples are needed")
    non_numeric, missing = {}, {}
    X = np.empty((len(data), len(names)))
    for k, row in enumerate(data):
        for j, cell in enumerate(row):
            value = _parse_float(cell.strip())
            if value is None and cell.strip():
                non_numeric.setdefault(names[j], cell.strip())
            elif value is None or not math.isfinite(value):
                missing.setdefault(names[j], k + 1)
            else:
                X[k, j] = value
    if non_numeric:
        cols = ", ".join(f"{name} (e.g. {value!r})" for name, value in non_numeric.items())
        raise CLIError(f"{path!r}: non-numeric column(s): {cols}")
    if missing:
        cols = ", ".join(f"{name} (first at data row {row})" for name, row in missing.items())
        raise CLIError(f"{path!r}: empty, NaN or infinite cells in column(s): {cols}")
    return names, X


def edge_list(names, adjacency):
    """``(source, target, weight)`` for every nonzero ``adjacency[i, j]`` (i -> j)."""
    import numpy as np

    rows, cols = np.nonzero(adjacency)
    return [(names[i], names[j], float(adjacency[i, j])) for i, j in zip(rows, cols, strict=True)]


def write_edges(edges, file):
    writer = csv.writer(file)
    writer.writerow(EDGE_COLUMNS)
    for source, target, weight in edges:
        writer.writerow((source, target, f"{weight:.6g}"))


def run(args):
    """Fit CoLiDE on the file and write the edges; returns the exit status."""
    names, X = read_data(args.data)
    if args.out is not None:
        folder = os.path.dirname(os.path.abspath(args.out))
        if not os.path.isdir(folder):
            raise CLIError(f"--out {args.out!r}: the folder {folder!r} does not exist")
    from ..dag import CoLiDE

    params = {"variance": args.variance, "standardize": args.standardize}
    if args.alpha is not None:
        params["alpha"] = args.alpha
    try:
        model = CoLiDE(**params).fit(X)
    except ValueError as err:  # data CoLiDE refuses (e.g. a constant column to standardise)
        raise CLIError(f"{args.data!r}: {err}") from None
    edges = edge_list(names, model.adjacency_)
    report = sys.stdout if args.out is not None else sys.stderr
    if args.out is not None:
        try:
            with open(args.out, "w", newline="") as fh:
                write_edges(edges, fh)
        except OSError as err:
            raise CLIError(f"cannot write {args.out!r}: {err.strerror}") from None
    else:
        write_edges(edges, sys.stdout)
    mode = "CoLiDE-EV (one noise scale)" if args.variance == "equal" else \
        "CoLiDE-NV (one noise scale per variable)"
    print(f"{mode} on {X.shape[0]} samples: {len(names)} nodes, {len(edges)} edges"
          + (f", written to {args.out}" if args.out is not None else ""), file=report)
    scales = model.noise_scale_
    if args.variance == "equal":
        print(f"noise scale (all variables): {float(scales):.4g}", file=report)
    else:
        width = max(len(name) for name in names)
        print("noise scale per variable:", file=report)
        for name, scale in zip(names, scales, strict=True):
            print(f"  {name:<{width}}  {scale:.4g}", file=report)
    return 0
