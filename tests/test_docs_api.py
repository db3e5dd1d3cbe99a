"""docs/api.rst lists every public name, so a new one cannot be forgotten.

Public names are each subpackage's ``__all__``, the public functions of
:mod:`sparseopt.reference` (which has no ``__all__``) and :mod:`sparseopt.plotting` when it can
be imported. An entry counts when an ``autosummary`` line, or an ``auto*`` directive, names it
under the ``currentmodule`` in force (``sparseopt.dag`` + ``CoLiDE``, or ``sparseopt`` +
``dag.CoLiDE``).
"""

import importlib
import inspect
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
API = ROOT / "docs" / "api.rst"
SUBPACKAGES = ("linear_model", "solvers", "datafits", "penalties", "utils", "datasets", "dag",
               "multitask", "bayes", "operators", "channels", "semi_supervised")


def documented_names():
    """Fully qualified names that docs/api.rst documents."""
    names = set()
    module = "sparseopt"
    in_autosummary = False
    for line in API.read_text().splitlines():
        stripped = line.strip()
        match = re.match(r"\.\. currentmodule:: (\S+)", stripped)
        if match:
            module = match.group(1)
            in_autosummary = False
            continue
        if stripped.startswith(".. "):  # a new directive ends any autosummary block
            in_autosummary = stripped.startswith(".. autosummary::")
            match = re.match(r"\.\. auto(?:function|class|data|exception)?:: (\S+)", stripped)
            if match:
                names.add(f"{module}.{match.group(1)}")
            continue
        if in_autosummary:
            if not line.startswith("   ") and stripped:
                in_autosummary = False
            elif stripped and not stripped.startswith(":"):
                names.add(f"{module}.{stripped}")
    return names


def public_names():
    out = []
    for sub in SUBPACKAGES:
        module = importlib.import_module(f"sparseopt.{sub}")
        out += [(f"sparseopt.{sub}", name) for name in module.__all__]
    reference = importlib.import_module("sparseopt.reference")
    out += [("sparseopt.reference", name) for name, obj in vars(reference).items()
            if inspect.isfunction(obj) and not name.startswith("_")
            and obj.__module__ == reference.__name__]
    try:
        plotting = importlib.import_module("sparseopt.plotting")
    except ImportError:
        pass
    else:
        names = getattr(plotting, "__all__", None) or [
            name for name, obj in vars(plotting).items()
            if inspect.isfunction(obj) and not name.startswith("_")
            and obj.__module__ == plotting.__name__]
        out += [("sparseopt.plotting", name) for name in names]
    return out


PUBLIC = public_names()


def test_reference_functions_are_found():
    found = {name for module, name in PUBLIC if module == "sparseopt.reference"}
    assert {"reference_solve", "lasso_reference", "logistic_l1_reference"} <= found


@pytest.mark.parametrize(("module", "name"), PUBLIC, ids=[f"{m}.{n}" for m, n in PUBLIC])
def test_public_name_in_api_reference(module, name):
    assert f"{module}.{name}" in documented_names(), (
        f"{module}.{name} is public but missing from docs/api.rst")


def test_api_entries_exist():
    """Every documented sparseopt name resolves (no stale entries after a rename)."""
    for qualified in sorted(documented_names()):
        parts = qualified.split(".")
        for i in range(len(parts) - 1, 0, -1):
            try:
                obj = importlib.import_module(".".join(parts[:i]))
            except ImportError:
                continue
            for attr in parts[i:]:
                obj = getattr(obj, attr)
            break
        else:
            pytest.fail(f"cannot import {qualified}")
