"""The progress helper: silent at verbose=0, a tqdm bar at verbose>=1, lines with bar=False."""

import io
import warnings

import pytest

from sparseopt.utils import progress


def test_silent_at_verbose_0(capsys):
    assert list(progress(range(4), desc="x")) == [0, 1, 2, 3]
    with progress(total=3) as p:
        p.update(objective=1.0)
        p.write("hidden")
    assert p.n == 1
    assert capsys.readouterr() == ("", "")


def test_plain_lines_with_bar_false():
    buf = io.StringIO()
    p = progress(total=2, desc="CoLiDE", verbose=1, bar=False, file=buf)
    assert not p.uses_bar
    p.update(h=1e-3, stage=0)
    p.write("a line")
    p.update()
    p.close()
    lines = buf.getvalue().splitlines()
    assert lines[0].startswith("[CoLiDE] 1/2 (") and lines[0].endswith("h=0.001, stage=0")
    assert lines[1] == "a line"
    assert lines[2].startswith("[CoLiDE] 2/2 (")


def test_tqdm_bar():
    buf = io.StringIO()
    items = list(progress(["a", "b"], desc="trials", verbose=1, file=buf))
    assert items == ["a", "b"]
    assert "trials" in buf.getvalue() and "2/2" in buf.getvalue()
    p = progress(total=1, verbose=1, file=buf)
    assert p.uses_bar
    p.close()


def _last_frame(text):
    return text.replace("\r", "\n").strip().splitlines()[-1]


def test_bar_ends_complete_when_the_loop_stops_early():
    # a solver that converges after 3 of 25 allowed iterations: the bar ends at 3/3, 100%
    buf = io.StringIO()
    with progress(total=25, desc="BCD", verbose=1, file=buf) as p:
        for _ in range(3):
            p.update(gap=1e-3)
    last = _last_frame(buf.getvalue())
    assert "3/3" in last and "100%" in last, last
    # an error inside the loop leaves the bar where it stopped
    buf = io.StringIO()
    with pytest.raises(RuntimeError), progress(total=25, desc="BCD", verbose=1, file=buf) as p:
        p.update()
        raise RuntimeError("boom")
    assert "1/25" in _last_frame(buf.getvalue())


def test_tqdm_is_not_imported_when_silent():
    import subprocess
    import sys

    code = ("import sys; from sparseopt.utils import progress; "
            "list(progress(range(3))); print('tqdm' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_long_fits_report_each_outer_iteration(capsys):
    import numpy as np

    from sparseopt.dag import CoLiDE, simulate_linear_sem
    from sparseopt.datasets import make_active_multitask
    from sparseopt.multitask import ActiveTaskSelector

    W = np.array([[0.0, 1.0], [0.0, 0.0]])
    CoLiDE(n_stages=3, warm_iter=200, max_iter=400, verbose=1).fit(
        simulate_linear_sem(W, 100, random_state=0))
    last = _last_frame(capsys.readouterr().err)
    assert last.startswith("CoLiDE (equal)") and "3/3" in last
    assert "h=" in last and "score=" in last
    prob = make_active_multitask(n_tasks=10, n_features=10, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sel = ActiveTaskSelector(budget=400, random_state=0, verbose=1).fit(
            prob.X_target, prob.y_target, n_tasks=10, sampler=prob.sample)
    last = _last_frame(capsys.readouterr().err)
    assert last.startswith("ActiveTaskSelector")
    assert f"{sel.n_epochs_}/{sel.n_epochs_}" in last and "target_mse=" in last
