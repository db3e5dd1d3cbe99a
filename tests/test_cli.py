"""The ``sparseopt`` command: irs, dag, compile, info; errors exit with status 2, no traceback."""

import csv
import os
import subprocess
import sys

import numpy as np
import pytest

from sparseopt.cli import main

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _env(**extra):
    env = dict(os.environ)
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


def _run(*args, **env):
    return subprocess.run([sys.executable, "-m", "sparseopt", *args], capture_output=True,
                          text=True, env=_env(**env), cwd=ROOT)


# ------------------------------------------------------------------------- the command itself

def test_python_m_sparseopt_help_lists_every_subcommand():
    out = _run("--help")
    assert out.returncode == 0, out.stderr
    for name in ("irs", "dag", "compile", "info"):
        assert name in out.stdout


@pytest.mark.parametrize("command", ["irs", "dag", "compile", "info"])
def test_help_of_each_subcommand(command, capsys):
    assert main([command, "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: sparseopt {command}")


def test_console_script_entry_point_is_declared():
    import configparser

    cfg = configparser.ConfigParser()
    cfg.read(os.path.join(ROOT, "setup.cfg"))
    scripts = cfg["options.entry_points"]["console_scripts"].strip().splitlines()
    assert scripts == ["sparseopt = sparseopt.cli:main"]


def test_bad_arguments_exit_2_without_traceback():
    out = _run("irs", "--trials", "0")
    assert out.returncode == 2
    assert "--trials" in out.stderr and "Traceback" not in out.stderr
    out = _run("dag", "no_such_file.csv")
    assert out.returncode == 2
    assert "no such file" in out.stderr and "Traceback" not in out.stderr
    out = _run("frobnicate")
    assert out.returncode == 2 and "Traceback" not in out.stderr


@pytest.mark.parametrize("argv, match", [
    (["irs", "--snr", "abc"], "--snr"),
    (["irs", "--snr", "nan"], "finite"),
    (["irs", "--methods", "lasso"], "--methods"),
    (["irs", "--noise", "maybe"], "--noise"),
    (["irs", "--n-jobs", "0"], "nonzero"),
    (["dag", "x.csv", "--variance", "fixed"], "--variance"),
    (["dag", "x.csv", "--lambda", "-1"], ">= 0"),
    (["compile", "no_such_task"], "unknown task"),
])
def test_argument_errors(argv, match, capsys):
    assert main(argv) == 2
    assert match in capsys.readouterr().err


# ------------------------------------------------------------------------------------- irs

def test_irs_tiny_run_writes_table_csv_and_png(tmp_path, capsys):
    out_dir = tmp_path / "results"  # created by the command
    assert main(["irs", "--trials", "1", "--snr", "20", "--methods", "svd",
                 "--out", str(out_dir)]) == 0
    out = capsys.readouterr().out
    assert "median dB" in out and "mean dB" in out and "failed" in out
    assert "svd (SVD-KroSBL)" in out
    with open(out_dir / "irs_nmse.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["method", "snr_db", "trial", "nmse_db", "fit_time_s"]
    assert [r["method"] for r in rows] == ["svd", "support oracle"]
    assert float(rows[0]["snr_db"]) == 20.0
    assert float(rows[0]["nmse_db"]) >= float(rows[1]["nmse_db"]) - 3.0  # near the oracle
    assert rows[0]["trial"] == "0" and np.isfinite(float(rows[0]["nmse_db"]))
    assert float(rows[0]["fit_time_s"]) > 0
    png = out_dir / "irs_nmse.png"
    assert png.exists() and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_irs_csv_is_tidy_and_matches_the_library(tmp_path, capsys):
    from sparseopt.bayes import kronecker_omp
    from sparseopt.channels import IRSMIMOScenario, nmse_vs_snr

    assert main(["irs", "--trials", "2", "--snr", "10", "20", "--methods", "omp",
                 "--noise", "known", "--seed", "3", "--out", str(tmp_path)]) == 0
    with open(tmp_path / "irs_nmse.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    rows = [r for r in rows if r["method"] == "omp"]
    assert [(r["snr_db"], r["trial"]) for r in rows] == [
        ("10", "0"), ("10", "1"), ("20", "0"), ("20", "1")]
    curves = nmse_vs_snr(IRSMIMOScenario(random_state=3), {"omp": kronecker_omp}, [10, 20], 2,
                         known_noise=True, random_state=3)
    got = np.array([float(r["nmse_db"]) for r in rows]).reshape(2, 2)
    np.testing.assert_allclose(got, curves.nmse_db["omp"], atol=1e-4)


def test_irs_without_matplotlib_writes_the_csv_and_names_the_extra(tmp_path, capsys,
                                                                    monkeypatch):
    for name in ("matplotlib", "matplotlib.figure", "matplotlib.ticker"):
        monkeypatch.setitem(sys.modules, name, None)
    assert main(["irs", "--trials", "1", "--snr", "20", "--methods", "omp",
                 "--out", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    assert (tmp_path / "irs_nmse.csv").exists()
    assert not (tmp_path / "irs_nmse.png").exists()
    assert 'pip install "sparseopt[plot]"' in err


def test_irs_out_must_be_a_directory(tmp_path, capsys):
    target = tmp_path / "file.txt"
    target.write_text("x")
    assert main(["irs", "--trials", "1", "--out", str(target)]) == 2
    assert "not a directory" in capsys.readouterr().err


def test_dense_sbl_matches_the_estimator_on_the_dense_matrix():
    from sparseopt.bayes import SparseBayesianRegression
    from sparseopt.cli._irs import dense_sbl
    from sparseopt.operators import KroneckerOperator

    rng = np.random.default_rng(0)
    H = KroneckerOperator([rng.standard_normal((6, 8)), rng.standard_normal((5, 7))])
    x = np.zeros(56)
    x[[3, 40]] = [1.0, -2.0]
    y = H @ x + 0.01 * rng.standard_normal(30)
    ref = SparseBayesianRegression(fit_intercept=False, noise_variance=1e-4).fit(H.toarray(), y)
    np.testing.assert_allclose(dense_sbl(H, y, noise_variance=1e-4), ref.coef_)


# ------------------------------------------------------------------------------------- dag

def _sem_csv(path, names=("rain", "sprinkler", "wet_grass"), n=500):
    from sparseopt.dag import simulate_linear_sem

    W = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, -1.5], [0.0, 0.0, 0.0]])
    X = simulate_linear_sem(W, n, random_state=0)
    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(names)
        writer.writerows(X.tolist())
    return X


def test_dag_writes_edges_with_the_column_names(tmp_path, capsys):
    data, edges = tmp_path / "data.csv", tmp_path / "edges.csv"
    _sem_csv(data)
    assert main(["dag", str(data), "--out", str(edges)]) == 0
    with open(edges, newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["source", "target", "weight"]
    assert {(r["source"], r["target"]) for r in rows} == {("rain", "sprinkler"),
                                                         ("sprinkler", "wet_grass")}
    weights = {(r["source"], r["target"]): float(r["weight"]) for r in rows}
    assert weights["rain", "sprinkler"] == pytest.approx(1.0, abs=0.2)
    assert weights["sprinkler", "wet_grass"] == pytest.approx(-1.5, abs=0.2)
    out = capsys.readouterr().out
    assert "3 nodes, 2 edges" in out and "noise scale (all variables)" in out


def test_dag_nonequal_prints_one_scale_per_variable_and_edges_to_stdout(tmp_path, capsys):
    data = tmp_path / "data.csv"
    _sem_csv(data, names=("a", "b", "c"))
    assert main(["dag", str(data), "--variance", "nonequal", "--lambda", "0.05",
                 "--standardize"]) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines()[0] == "source,target,weight"  # stdout: only the CSV
    assert all(line.count(",") == 2 for line in captured.out.splitlines())
    assert "noise scale per variable" in captured.err
    for name in ("a", "b", "c"):
        assert f"  {name}  " in captured.err


def test_dag_matches_colide_on_the_same_data(tmp_path, capsys):
    from sparseopt.dag import CoLiDE

    data = tmp_path / "data.csv"
    X = _sem_csv(data)
    assert main(["dag", str(data)]) == 0
    lines = capsys.readouterr().out.splitlines()[1:]
    names = ["rain", "sprinkler", "wet_grass"]
    A = CoLiDE().fit(X).adjacency_  # csv writes floats with repr: an exact round trip
    expected = {(names[i], names[j]) for i, j in zip(*np.nonzero(A), strict=True)}
    assert {tuple(line.split(",")[:2]) for line in lines} == expected


@pytest.mark.parametrize("content, match", [
    ("", "empty"),
    ("a,b\n1,2\n", "at least 2 samples"),
    ("a\n1\n2\n3\n", "at least 2 variables"),
    ("a,b,c\n1,x,3\n4,5,y\n", "non-numeric column(s): b (e.g. 'x'), c (e.g. 'y')"),
    ("a,b\n1,2\n3,\n", "column(s): b (first at data row 2)"),
    ("a,b\n1,nan\n3,4\n", "empty, NaN or infinite"),
    ("a,b\n1,2\n3,4,5\n", "data row 2: 3 value(s) for 2 columns"),
    ("a,a\n1,2\n3,4\n", "duplicated column name(s) a"),
    ("a,\n1,2\n3,4\n", "empty column name"),
])
def test_dag_input_errors_name_the_problem(tmp_path, capsys, content, match):
    data = tmp_path / "bad.csv"
    data.write_text(content)
    assert main(["dag", str(data)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("sparseopt dag: error:") and match in err


def test_dag_out_folder_must_exist(tmp_path, capsys):
    data = tmp_path / "data.csv"
    _sem_csv(data, n=20)
    assert main(["dag", str(data), "--out", str(tmp_path / "missing" / "e.csv")]) == 2
    assert "does not exist" in capsys.readouterr().err


# ------------------------------------------------------------------------------ compile, info

def _kernel_stats_script():
    return (
        "import numpy as np\n"
        "from sparseopt.linear_model import Lasso\n"
        "from sparseopt.utils import kernel_dispatchers\n"
        "rng = np.random.default_rng(5)\n"
        "X = rng.standard_normal((50, 20)); y = X[:, 0] - X[:, 1]\n"
        "Lasso(alpha=0.05).fit(X, y)\n"
        "d = kernel_dispatchers().values()\n"
        "print(sum(sum(k.stats.cache_misses.values()) for k in d),"
        " sum(sum(k.stats.cache_hits.values()) for k in d))\n")


def test_compile_fills_the_cache_so_a_fresh_process_fits_without_compiling(tmp_path):
    cache = str(tmp_path / "numba_cache")
    script = _kernel_stats_script()
    # a cold cache: a Lasso fit compiles
    cold = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=_env(NUMBA_CACHE_DIR=str(tmp_path / "other_cache")), cwd=ROOT)
    misses, _ = map(int, cold.stdout.split())
    assert misses > 0, cold.stderr
    # after `sparseopt compile lasso` a fresh process loads every Lasso kernel from the cache
    out = _run("compile", "lasso", NUMBA_CACHE_DIR=cache)
    assert out.returncode == 0, out.stderr
    assert "kernel(s) cached" in out.stdout and cache in out.stdout
    assert any(name.endswith(".nbi") for _, _, files in os.walk(cache) for name in files)
    warm = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=_env(NUMBA_CACHE_DIR=cache), cwd=ROOT)
    misses, hits = map(int, warm.stdout.split())
    assert (misses, hits > 0) == (0, True), warm.stderr


def test_warmup_tasks_cover_the_public_estimators():
    from sparseopt.cli._warmup import WARMUP_TASKS

    assert set(WARMUP_TASKS) >= {"lasso", "lasso_path", "bcd", "logistic", "group", "glm",
                                 "label_propagation", "sbl", "kronecker", "colide", "multitask"}
    assert all(callable(fn) and text for text, fn in WARMUP_TASKS.values())


@pytest.mark.slow
def test_every_warmup_task_runs(capsys):
    assert main(["compile"]) == 0
    assert "failed" not in capsys.readouterr().err


def test_info_reports_versions_cache_and_blas(capsys):
    assert main(["info"]) == 0
    out = capsys.readouterr().out
    for word in ("sparseopt", "Python", "numpy", "scipy", "numba", "scikit-learn", "tqdm",
                 "cvxpy", "matplotlib", "networkx", "Numba cache", "CPUs", "BLAS"):
        assert word in out, word


def test_info_names_the_extra_of_a_missing_optional_package(capsys, monkeypatch):
    from sparseopt.cli import _info

    real = _info._version
    monkeypatch.setattr(_info, "_version", lambda d: None if d == "cvxpy" else real(d))
    assert main(["info"]) == 0
    assert 'cvxpy          not installed (pip install "sparseopt[reference]")' in \
        capsys.readouterr().out


def test_info_with_numba_cache_dir(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path))
    assert main(["info"]) == 0
    assert f"NUMBA_CACHE_DIR: {tmp_path} (writable)" in capsys.readouterr().out


def test_readme_commands_are_the_ones_tested_here_and_in_ci():
    with open(os.path.join(ROOT, "README.md")) as fh:
        readme = fh.read()
    with open(os.path.join(ROOT, ".ci", "run")) as fh:
        ci = fh.read()
    commands = [line.split("#")[0].strip() for line in
                readme.split("```bash\n", 1)[1].split("```", 1)[0].splitlines()]
    assert commands == ['pip install -e ".[test]"', "sparseopt irs", "python -m pytest"]
    # CI runs the first and the third; test_irs_tiny_run_* runs the second at a tiny size
    assert 'pip install -e ".[test]"' in ci and "\npython -m pytest\n" in ci
