"""The ``sparseopt`` command (also ``python -m sparseopt``).

Subcommands:

- ``sparseopt irs``: the IRS-MIMO channel-estimation study (NMSE against SNR), table, CSV, PNG;
- ``sparseopt dag DATA.csv``: a DAG learnt by CoLiDE from a CSV file, as an edge list;
- ``sparseopt compile``: compile the Numba kernels into the on-disk cache ahead of use;
- ``sparseopt info``: versions, Numba cache location, BLAS threads.

Bad arguments or input files end with exit status 2 and a one-line message on stderr, never a
traceback. Each subcommand module exports ``add_parser(subparsers)`` and ``run(args)``; the
package imports nothing heavy until a subcommand runs.
"""

import argparse
import sys

from .. import __version__
from ._common import CLIError

_SUBCOMMANDS = ("irs", "dag", "compile", "info")

__all__ = ["CLIError", "build_parser", "main"]


def build_parser():
    """The ``sparseopt`` argument parser with its four subcommands.

    Returns
    -------
    argparse.ArgumentParser
    """
    import importlib

    parser = argparse.ArgumentParser(
        prog="sparseopt",
        description="Sparse optimisation and Bayesian sparse recovery: command-line tools.",
        epilog="Run 'sparseopt COMMAND --help' for the options of a command.")
    parser.add_argument("--version", action="version", version=f"sparseopt {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in _SUBCOMMANDS:
        module = importlib.import_module(f"{__name__}._{name}")
        sub = module.add_parser(subparsers)
        sub.set_defaults(_run=module.run)
    return parser


def main(argv=None):
    """Run the ``sparseopt`` command.

    Parameters
    ----------
    argv : list of str or None, default=None
        Arguments after the program name (None: ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit status: 0 on success, 2 for bad arguments or input files.

    Examples
    --------
    >>> from sparseopt.cli import main
    >>> main(["--version"])  # doctest: +ELLIPSIS
    sparseopt ...
    0
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, or argparse's own error (status 2)
        return 0 if exc.code is None else int(exc.code)
    try:
        return int(args._run(args) or 0)
    except CLIError as err:
        print(f"sparseopt {args.command}: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"sparseopt {args.command}: interrupted", file=sys.stderr)
        return 130
