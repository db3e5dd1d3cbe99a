"""The progress helper: silent at verbose=0, tqdm bar when available, plain lines otherwise."""

import io
import warnings

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


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_long_fits_report_one_line_per_outer_iteration(monkeypatch, capsys):
    import numpy as np

    from sparseopt.dag import CoLiDE, simulate_linear_sem
    from sparseopt.datasets import make_active_multitask
    from sparseopt.multitask import ActiveTaskSelector

    monkeypatch.setattr(prog, "_import_tqdm", lambda: None)
    W = np.array([[0.0, 1.0], [0.0, 0.0]])
    CoLiDE(n_stages=3, warm_iter=200, max_iter=400, verbose=1).fit(
        simulate_linear_sem(W, 100, random_state=0))
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(" (")[1].split(")")[0] for line in lines] == ["equal"] * 3
    assert lines[0].startswith("[CoLiDE (equal)] 1/3 (")
    assert "h=" in lines[-1] and "score=" in lines[-1]
    prob = make_active_multitask(n_tasks=10, n_features=10, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sel = ActiveTaskSelector(budget=400, random_state=0, verbose=1).fit(
            prob.X_target, prob.y_target, n_tasks=10, sampler=prob.sample)
    lines = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("[Active")]
    assert len(lines) == sel.n_epochs_ and "target_mse=" in lines[-1]
