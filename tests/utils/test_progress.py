"""The progress helper: silent at verbose=0, tqdm bar when available, plain lines otherwise."""

import io

import pytest

import sparseopt.utils._progress as prog
from sparseopt.utils import progress


def test_silent_at_verbose_0(capsys):
    assert list(progress(range(4), desc="x")) == [0, 1, 2, 3]
    with progress(total=3) as p:
        p.update(objective=1.0)
        p.write("hidden")
    assert p.n == 1
    assert capsys.readouterr() == ("", "")


def test_plain_lines_without_tqdm(monkeypatch):
    monkeypatch.setattr(prog, "_import_tqdm", lambda: None)
    buf = io.StringIO()
    p = progress(total=2, desc="CoLiDE", verbose=1, file=buf)
    assert not p.uses_bar
    p.update(h=1e-3, stage=0)
    p.write("a line")
    p.update()
    p.close()
    lines = buf.getvalue().splitlines()
    assert lines[0].startswith("[CoLiDE] 1/2 (") and lines[0].endswith("h=0.001, stage=0")
    assert lines[1] == "a line"
    assert lines[2].startswith("[CoLiDE] 2/2 (")
    with pytest.raises(ImportError, match="tqdm"):
        progress(total=1, verbose=1, bar=True)


def test_tqdm_bar_when_installed():
    pytest.importorskip("tqdm")
    buf = io.StringIO()
    items = list(progress(["a", "b"], desc="trials", verbose=1, file=buf))
    assert items == ["a", "b"]
    assert "trials" in buf.getvalue() and "2/2" in buf.getvalue()
    p = progress(total=1, verbose=1, bar=False, file=buf)
    assert not p.uses_bar
