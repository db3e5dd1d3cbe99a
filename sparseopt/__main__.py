"""``python -m sparseopt``: the same command as the ``sparseopt`` console script."""

from sparseopt.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
