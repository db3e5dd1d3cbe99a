"""Shape of the code: no module of ``sparseopt/`` over 600 lines, no function over 150."""

import ast
import pathlib

import sparseopt

ROOT = pathlib.Path(sparseopt.__file__).parent
MAX_MODULE, MAX_FUNCTION = 600, 150


def test_modules_and_functions_are_short():
    long_modules, long_functions = [], []
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        source = path.read_text()
        if len(source.splitlines()) > MAX_MODULE:
            long_modules.append(rel)
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION:
                    long_functions.append((rel, node.name, length))
    assert not long_modules, f"modules over {MAX_MODULE} lines: {long_modules}"
    assert not long_functions, f"functions over {MAX_FUNCTION} lines: {long_functions}"
