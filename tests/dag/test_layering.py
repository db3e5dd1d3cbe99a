"""Import structure of the DAG and multi-task packages: no cycles, nothing upward or private.

Every import counts, including those inside functions (lazy imports).
"""

import ast
import pathlib

import pytest

import sparseopt

ROOT = pathlib.Path(sparseopt.__file__).parent
# The private modules other packages may use: the shared validation vocabulary and the
# Numba decorator with the cache fallback.
SHARED = {"sparseopt.utils._validation", "sparseopt.utils._numba"}
# Packages that the DAG and multi-task code may build on (lower layers).
LOWER = {"utils", "datafits", "penalties", "solvers", "datasets"}


def _module_name(path):
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path):
    """Absolute names of the sparseopt modules imported anywhere in ``path``."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            if mod.startswith("sparseopt"):
                out.add(mod)
                # `from . import _x` imports the submodule _x
                out.update(f"{mod}.{a.name}" for a in node.names
                           if (ROOT.parent / (f"{mod}.{a.name}".replace(".", "/") + ".py"))
                           .exists())
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("sparseopt"))
    return out


def _files(package):
    return sorted((ROOT / package).glob("*.py"))


MINE = _files("dag") + _files("multitask") + [ROOT / "datasets" / "_multitask.py"]


@pytest.mark.parametrize("path", MINE, ids=lambda p: _module_name(p))
def test_no_upward_or_private_imports(path):
    name = _module_name(path)
    own = name.split(".")[1]
    for mod in _imports(path):
        parts = mod.split(".")
        if len(parts) < 2 or parts[1] == own:
            continue
        allowed = LOWER - {"datasets"} if own == "datasets" else LOWER
        assert parts[1] in allowed, f"{name} imports {mod} (not a lower layer)"
        private = any(p.startswith("_") for p in parts[2:])
        assert not private or mod in SHARED, f"{name} reaches into the private module {mod}"


@pytest.mark.parametrize("package", ["dag", "multitask"])
def test_no_import_cycles(package):
    graph = {}
    for path in _files(package):
        name = _module_name(path)
        graph[name] = {m for m in _imports(path) if m.startswith(f"sparseopt.{package}.")
                       and m != name}
    state = {}

    def visit(node, stack):
        state[node] = "open"
        for nxt in graph.get(node, ()):
            if state.get(nxt) == "open":
                cycle = stack[stack.index(nxt):] + [nxt]
                raise AssertionError(" -> ".join(cycle))
            if nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = "done"

    for node in graph:
        if node not in state:
            visit(node, [node])


@pytest.mark.parametrize("path", MINE, ids=lambda p: _module_name(p))
def test_module_and_function_sizes(path):
    source = path.read_text()
    assert source.count("\n") <= 600
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            assert node.end_lineno - node.lineno + 1 <= 150, f"{node.name} is too long"
