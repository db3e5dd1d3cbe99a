"""Shared pieces of the subcommands: the error type that becomes exit status 2, argument types."""

import argparse


class CLIError(Exception):
    """A bad argument or input file: ``main`` prints the message and returns exit status 2."""


def _parse_int(text, check, expected):
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or not check(value):
        raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
    return value


def positive_int(text):
    """argparse type: an integer >= 1."""
    return _parse_int(text, lambda v: v >= 1, "a positive integer")


def nonnegative_int(text):
    """argparse type: an integer >= 0 (a seed)."""
    return _parse_int(text, lambda v: v >= 0, "an integer >= 0")


def n_jobs_int(text):
    """argparse type: joblib's ``n_jobs`` (a nonzero integer; -1 means every core)."""
    return _parse_int(text, lambda v: v != 0, "a nonzero integer (n_jobs; -1 means every core)")


def finite_float(text):
    """argparse type: a finite float."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return value


def nonnegative_float(text):
    """argparse type: a finite float >= 0."""
    value = finite_float(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a number >= 0, got {text!r}")
    return value
