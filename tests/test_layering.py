"""The package's import graph: no cycles, no upward imports, no reaching into private modules.

Every module under ``sparseopt/`` is parsed with ``ast`` (imports inside functions count: a
lazy import is still a dependency). An import resolves to the module it names when that is a
module file (``from . import _kernels_cd``), else to the package (``from ..utils import
njit`` depends on ``sparseopt.utils``). Importing a submodule also runs its parents'
``__init__``, but that implicit edge is not counted (it would close a loop through every
package's ``__init__``).
"""

import ast
import pathlib

import pytest

import sparseopt

ROOT = pathlib.Path(sparseopt.__file__).parent

# Building blocks, by layer: a module may import its own package and lower layers only.
LAYERS = {"utils": 0, "operators": 1, "datafits": 1, "penalties": 1, "solvers": 2}

# Known violations, each an (importer, imported) pair or a cycle, listed so that the check holds
# everywhere else; none today. An entry that no longer exists fails the tests below.
KNOWN_CYCLES = set()
KNOWN_PRIVATE = set()


def _module_name(path):
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def _is_package(name):
    return MODULES[name].name == "__init__.py"


def _resolve(importer, node):
    """The sparseopt modules one import statement depends on."""
    if isinstance(node, ast.Import):
        names = [a.name for a in node.names]
    else:
        if node.level:
            base = importer.split(".")
            if not _is_package(importer):
                base = base[:-1]
            base = base[:len(base) - (node.level - 1)]
            module = ".".join(base + ([node.module] if node.module else []))
        else:
            module = node.module or ""
        names = []
        for alias in node.names:
            sub = f"{module}.{alias.name}"
            names.append(sub if sub in MODULES else module)
    out = set()
    for name in names:
        while name and name not in MODULES:  # `import sparseopt.x.y` names a module; trim attrs
            name = name.rpartition(".")[0]
        if name.startswith("sparseopt") and name != importer:
            out.add(name)
    return out


def _graph():
    graph = {}
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(), filename=str(path))
        deps = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                deps |= _resolve(name, node)
        graph[name] = deps
    return graph


GRAPH = _graph()


def _cycles(graph):
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index, low, on_stack, stack, out = {}, {}, set(), [], []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    comp = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        comp.add(member)
                        if member == node:
                            break
                    if len(comp) > 1:
                        out.append(frozenset(comp))
    return out


def _top(name):
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_the_graph_sees_lazy_imports():
    """Imports inside functions are dependencies too (a fixed point of the parser)."""
    assert "sparseopt.linear_model" in GRAPH["sparseopt.reference"]
    assert "sparseopt.solvers.bcd._kernels_cd" in GRAPH["sparseopt.solvers.bcd._problem"]


def test_no_import_cycles():
    cycles = [sorted(c) for c in _cycles(GRAPH) if c not in KNOWN_CYCLES]
    assert not cycles, f"import cycles: {cycles}"


def test_known_cycles_are_still_real():
    """An allow-listed cycle that no longer exists must leave the list."""
    found = set(_cycles(GRAPH))
    assert KNOWN_CYCLES <= found, f"fixed, remove from KNOWN_CYCLES: {KNOWN_CYCLES - found}"


@pytest.mark.parametrize("package", sorted(LAYERS))
def test_building_blocks_import_only_lower_layers(package):
    bad = []
    for name, deps in GRAPH.items():
        if _top(name) != package:
            continue
        for dep in deps:
            other = _top(dep)
            if other != package and (other not in LAYERS or LAYERS[other] >= LAYERS[package]):
                bad.append((name, dep))
    assert not bad, f"upward or sideways imports from {package}: {sorted(bad)}"


def _owner(name):
    """The package a module belongs to."""
    return name if _is_package(name) else name.rpartition(".")[0]


def test_no_module_imports_another_packages_private_module():
    """A private module (a ``_name`` on its path) is for its own package and the packages
    inside it, not for siblings or other subpackages."""
    bad = []
    for name, deps in GRAPH.items():
        for dep in deps:
            parts = dep.split(".")
            private = [i for i, p in enumerate(parts) if p.startswith("_")]
            if not private:
                continue
            home = ".".join(parts[:private[0]])  # the package that owns the private part
            if not (_owner(name) + ".").startswith(home + "."):
                bad.append((name, dep))
    unknown = sorted(set(bad) - KNOWN_PRIVATE)
    assert not unknown, f"imports of another package's private module: {unknown}"


def test_known_private_imports_are_still_real():
    found = {(name, dep) for name, deps in GRAPH.items() for dep in deps}
    stale = KNOWN_PRIVATE - found
    assert not stale, f"fixed, remove from KNOWN_PRIVATE: {sorted(stale)}"


def _third_party_private(path):
    """``(module, name)`` of every import of a private module or name of another library
    (a ``_name`` in the module path, or an imported ``_name``; dunders are public)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            pairs = [(a.name, "") for a in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level:
            pairs = [(node.module or "", a.name) for a in node.names]
        else:
            continue
        for module, name in pairs:
            if module.split(".")[0] == "sparseopt":
                continue
            parts = module.split(".") + ([name] if name else [])
            if any(p.startswith("_") and not p.startswith("__") for p in parts):
                out.append((module, name))
    return out


def test_no_import_of_another_librarys_private_parts():
    """scikit-learn's, scipy's or numba's private helpers may change without notice: use
    their public API or write the helper here."""
    bad = {name: found for name, path in MODULES.items()
           if (found := _third_party_private(path))}
    assert not bad, f"private imports from other libraries: {bad}"
