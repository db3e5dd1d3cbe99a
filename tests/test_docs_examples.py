"""The README example runs as written; gallery examples run (small sizes, no display)."""

import pathlib
import re
import runpy
import subprocess
import sys
import textwrap

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_readme_example_runs():
    text = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks, "README has no python example"
    for code in blocks:
        subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                       cwd=ROOT)


EXAMPLES = sorted((ROOT / "examples").rglob("plot_*.py"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_gallery_example_runs(path, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    runpy.run_path(str(path), run_name="__main__")
    import matplotlib.pyplot as plt

    plt.close("all")


DOC_PAGES = sorted((ROOT / "docs").glob("*.rst"))


@pytest.mark.parametrize("page", DOC_PAGES, ids=lambda p: p.name)
def test_doc_page_code_runs(page):
    """Every ``.. code-block:: python`` of a page runs, in order, in one namespace."""
    text = page.read_text()
    blocks = re.findall(r"\.\. code-block:: python\n\n((?:(?:   .*)?\n)+)", text)
    code = "\n".join(textwrap.dedent(b) for b in blocks)
    if not code.strip():
        pytest.skip("no python code on this page")
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, cwd=ROOT)
