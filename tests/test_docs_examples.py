"""The README examples, the gallery scripts (small size) and the doc pages' code blocks run."""

import os
import pathlib
import re
import runpy
import subprocess
import sys
import textwrap

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
SIZE_VARIABLE = "SPARSEOPT_EXAMPLE_SIZE"  # 'small' | 'gallery' (the default) | 'full'


def _run_python(code):
    """Run ``code`` in a fresh interpreter from the repository root; show its output on failure."""
    env = {**os.environ, "MPLBACKEND": "Agg"}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, env=env)
    assert proc.returncode == 0, f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"


README_BLOCKS = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), flags=re.S)


def test_readme_has_examples():
    assert README_BLOCKS, "README has no python example"


@pytest.mark.parametrize("code", README_BLOCKS,
                         ids=[f"block{i}" for i in range(len(README_BLOCKS))])
def test_readme_example_runs(code):
    _run_python(code)


EXAMPLES = sorted((ROOT / "examples").rglob("plot_*.py"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_gallery_example_runs(path, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv(SIZE_VARIABLE, "small")
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    runpy.run_path(str(path), run_name="__main__")
    import matplotlib.pyplot as plt

    plt.close("all")


def test_examples_read_the_size_variable():
    """Every gallery script offers the small size the tests use (and documents the variable)."""
    for path in EXAMPLES:
        text = path.read_text()
        assert SIZE_VARIABLE in text and '"small"' in text, path.name
    assert SIZE_VARIABLE in (ROOT / "examples" / "README.txt").read_text()


GENERATED = ("_build", "auto_examples", "generated", "_templates")
DOC_PAGES = sorted(p for p in (ROOT / "docs").rglob("*.rst")
                   if not set(p.relative_to(ROOT / "docs").parts) & set(GENERATED))


def _page_code(page):
    text = page.read_text()
    blocks = re.findall(r"\.\. code-block:: python\n\n((?:(?:   .*)?\n)+)", text)
    return "\n".join(textwrap.dedent(b) for b in blocks)


@pytest.mark.parametrize("page", DOC_PAGES,
                         ids=lambda p: str(p.relative_to(ROOT / "docs")))
def test_doc_page_code_runs(page):
    """Every ``.. code-block:: python`` of a page runs, in order, in one namespace."""
    code = _page_code(page)
    if not code.strip():
        pytest.skip("no python code on this page")
    _run_python(code)


def test_tutorials_have_code():
    tutorials = [p for p in DOC_PAGES if p.parent.name == "tutorials" and p.name != "index.rst"]
    assert len(tutorials) >= 5
    for page in tutorials:
        assert _page_code(page).strip(), page.name
