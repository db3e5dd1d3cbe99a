"""Structured linear operators."""

from ._kronecker import KroneckerOperator

__all__ = ["KroneckerOperator"]
