"""Abuse suite of the ``sparseopt`` command through its main function: bad arguments and bad
input files end with exit status 2 and a one-line message naming the problem, never a
traceback; a good CSV gives the edges CoLiDE finds (table-driven cases)."""

import csv

import numpy as np
import pytest

from sparseopt.cli import main

GOOD = "a,b,c\n" + "\n".join(f"{i},{2 * i + 1},{(i * 7) % 5}" for i in range(20)) + "\n"

BAD_ARGUMENTS = [  # (argv, text the message must hold)
    ([], "COMMAND"), (["foo"], "invalid choice"), (["irs", "--foo"], "unrecognized"),
    (["irs", "--snr", "x"], "--snr"), (["irs", "--snr", "nan"], "finite"),
    (["irs", "--snr", "inf"], "finite"), (["irs", "--snr"], "--snr"),
    (["irs", "--trials", "0"], "--trials"), (["irs", "--trials", "-1"], "--trials"),
    (["irs", "--trials", "1.5"], "--trials"), (["irs", "--trials", "x"], "--trials"),
    (["irs", "--methods", "foo"], "--methods"), (["irs", "--noise", "foo"], "--noise"),
    (["irs", "--n-jobs", "0"], "--n-jobs"), (["irs", "--n-jobs", "x"], "--n-jobs"),
    (["irs", "--seed", "-1"], "--seed"), (["irs", "--seed", "x"], "--seed"),
    (["irs", "--seed", "1.5"], "--seed"),
    (["dag"], "DATA.csv"), (["dag", "{good}", "--lambda", "-1"], "--lambda"),
    (["dag", "{good}", "--lambda", "nan"], "--lambda"),
    (["dag", "{good}", "--lambda", "x"], "--lambda"),
    (["dag", "{good}", "--variance", "fixed"], "--variance"),
    (["dag", "{good}", "--out", "/nonexistent/folder/edges.csv"], "does not exist"),
    (["dag", "{good}", "--out", "{dir}"], "cannot write"),
    (["compile", "foo"], "unknown task"), (["info", "foo"], "unrecognized"),
]


@pytest.mark.parametrize("argv, match", [pytest.param(a, m, id=" ".join(a)[:60] or "empty")
                                         for a, m in BAD_ARGUMENTS])
def test_bad_arguments_exit_2_with_a_message(argv, match, tmp_path, capsys):
    good = tmp_path / "good.csv"
    good.write_text(GOOD)
    argv = [a.format(good=good, dir=tmp_path) for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert match in err and "Traceback" not in err
    assert err.strip().splitlines()[-1].startswith("sparseopt")


BAD_FILES = {  # name -> (content, text the message must hold); None: no file at all
    "missing": (None, "no such file"),
    "empty": ("", "empty"),
    "blank lines": ("\n\n\n", "empty"),
    "header only": ("a,b\n", "0 data row"),
    "one row": ("a,b\n1,2\n", "1 data row"),
    "one column": ("a\n1\n2\n3\n", "1 column"),
    "non-numeric": ("a,b\n1,x\n2,3\n3,4\n", "non-numeric column(s): b"),
    "nan": ("a,b\n1,nan\n2,3\n3,4\n", "NaN"),
    "inf": ("a,b\n1,inf\n2,3\n3,4\n", "infinite"),
    "empty cell": ("a,b\n1,\n2,3\n3,4\n", "empty"),
    "ragged": ("a,b\n1,2\n3\n4,5\n", "data row 2"),
    "duplicate names": ("a,a\n1,2\n3,4\n5,6\n", "duplicated"),
    "empty name": ("a,\n1,2\n3,4\n5,6\n", "empty column name"),
    "semicolons": ("a;b\n1;2\n3;4\n5;6\n", "1 column"),
    "binary": ("\x00\xff\xfe", "cannot read"),
    "huge values": ("a,b\n1e308,1e308\n-1e308,2\n3,1e308\n", "too large"),
}


@pytest.mark.parametrize("label", list(BAD_FILES))
def test_dag_bad_csv_exits_2_with_a_message(label, tmp_path, capsys):
    content, match = BAD_FILES[label]
    path = tmp_path / "data.csv"
    if content is not None:
        path.write_text(content, encoding="latin-1")
    assert main(["dag", str(path)]) == 2
    err = capsys.readouterr().err
    assert match in err and "Traceback" not in err


def test_dag_directory_and_constant_column_are_refused(tmp_path, capsys):
    assert main(["dag", str(tmp_path)]) == 2
    assert "no such file" in capsys.readouterr().err
    const = tmp_path / "const.csv"
    const.write_text("a,b\n1,2\n1,3\n1,4\n1,5\n")
    assert main(["dag", "--standardize", str(const)]) == 2
    assert "non-constant" in capsys.readouterr().err


# ------------------------------------------------------------------ verified results
def test_dag_on_a_good_file_matches_the_library(tmp_path, capsys):
    from sparseopt.dag import CoLiDE

    data = tmp_path / "good.csv"
    data.write_text(GOOD)
    out = tmp_path / "edges.csv"
    assert main(["dag", str(data), "--out", str(out)]) == 0
    with open(out, newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["source", "target", "weight"]
    X = np.loadtxt(data, delimiter=",", skiprows=1)
    A = CoLiDE().fit(X).adjacency_
    names = ["a", "b", "c"]
    expected = {(names[i], names[j]) for i, j in zip(*np.nonzero(A), strict=True)}
    assert {(r[0], r[1]) for r in rows[1:]} == expected
    # a header with a byte-order mark and padded names is read the same way
    bom = tmp_path / "bom.csv"
    bom.write_text("\ufeff a , b ,c\n" + GOOD.split("\n", 1)[1], encoding="utf-8")
    assert main(["dag", str(bom), "--out", str(tmp_path / "e2.csv")]) == 0


def test_help_and_version_exit_0(capsys):
    assert main(["--version"]) == 0
    for command in ("irs", "dag", "compile", "info"):
        assert main([command, "--help"]) == 0
    assert "Traceback" not in capsys.readouterr().err
