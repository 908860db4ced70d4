"""`neuroverse check` through main([...]): output lines, JSON and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from neuroverse_site.cli import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, main

from archive_factory import write_notebook, write_pdf

REPOSITORY = Path(__file__).resolve().parents[1]

CLEAN = """\
site: {title: CLI}
sections:
  - {id: cnn, title: CNNs, status: active}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "catalogue.yml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_the_repository_catalogue_is_clean(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--strict", str(REPOSITORY / "catalogue.yml")]) == EXIT_OK
    assert "no problems found" in capsys.readouterr().err


def test_errors_exit_1_with_one_line_each(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, CLEAN + "experiments:\n  - {id: a, title: A, section: cnnn}\n"
          "  - {id: a, title: B, section: cnn, stauts: active}\n")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "catalogue.yml"]) == EXIT_PROBLEMS
    out, err = capsys.readouterr()
    lines = [line for line in out.splitlines() if not line.startswith("    hint:")]
    assert lines == [
        "catalogue.yml:5:32: error NV201 experiments[0].section: unknown section 'cnnn'",
        "catalogue.yml:6:10: error NV200 experiments[1].id: experiment id 'a' is already used",
        "catalogue.yml:6:37: error NV100 experiments[1].stauts: unknown key 'stauts'",
    ]
    assert "    hint: did you mean 'cnn'? known: cnn" in out
    assert "3 errors, 0 warnings" in err


def test_warnings_fail_only_under_strict(tmp_path: Path) -> None:
    path = write(tmp_path, CLEAN)
    write_notebook(tmp_path / "notebooks" / "stray.ipynb", "Stray")
    assert main(["check", str(path)]) == EXIT_OK
    assert main(["check", "--strict", str(path)]) == EXIT_PROBLEMS


def test_size_limit_flag(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, CLEAN + "experiments:\n"
                 "  - {id: a, title: A, section: cnn, notebook: notebooks/a.ipynb}\n")
    write_notebook(tmp_path / "notebooks" / "a.ipynb", "A")
    assert main(["check", "--strict", str(path)]) == EXIT_OK
    assert main(["check", "--strict", "--max-file-size-mb", "0.0001", str(path)]) == EXIT_PROBLEMS
    out = capsys.readouterr().out
    assert "warning NV305 experiments[0].notebook" in out
    assert "KB, over the 0.0001 MB limit" in out


def test_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "site: {title: x}\nsections:\n  - {id: cnn, title: x, status: on}\n")
    assert main(["check", "--format", "json", str(path)]) == EXIT_PROBLEMS
    report = json.loads(capsys.readouterr().out)
    assert report["errors"] == 1 and report["warnings"] == 0
    [problem] = report["diagnostics"]
    assert (problem["code"], problem["line"], problem["column"]) == ("NV102", 3, 33)
    assert problem["severity"] == "error" and problem["key"] == "sections[0].status"
    assert "quotes" in problem["hint"]


def test_yaml_syntax_error_is_a_diagnostic_not_a_traceback(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "site:\n  title: 'open\nsections: []\n")
    assert main(["check", str(path)]) == EXIT_PROBLEMS
    assert capsys.readouterr().out.startswith(f"{path}:2:10: error NV001")


def test_problems_name_the_catalogue_as_it_was_typed(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "archive").mkdir()
    write(tmp_path / "archive", "site:\n  title: 'open\nsections: []\n")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "archive/catalogue.yml"]) == EXIT_PROBLEMS
    assert capsys.readouterr().out.startswith("archive/catalogue.yml:2:10: error NV001")


def test_missing_catalogue(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(tmp_path / "nope.yml")]) == EXIT_PROBLEMS
    assert "error NV003" in capsys.readouterr().out


@pytest.mark.parametrize("argv", [["check", "--format", "xml"], ["check", "--strictly"],
                                  *(["check", "--max-file-size-mb", size]
                                    for size in ("big", "nan", "inf", "0", "-5"))])
def test_usage_errors_exit_2(argv: list[str]) -> None:
    assert main(argv) == EXIT_USAGE


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path: Path) -> None:
    # `neuroverse check --format json | head`: far more output than a pipe holds.
    sections = "".join(f"  - {{id: s{n}, title: S{n}, status: active, focsu: x}}\n"
                       for n in range(1500))
    path = write(tmp_path, "site: {title: Many}\nsections:\n" + sections)
    process = subprocess.Popen([sys.executable, "-m", "neuroverse_site.cli", "check",
                                "--format", "json", str(path)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.readline()
    process.stdout.close()
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=60) == EXIT_PROBLEMS
    assert "Traceback" not in stderr


def test_a_size_just_over_the_limit_reads_larger_than_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, CLEAN + "articles:\n"
                 "  - {id: a, title: A, summary: S, sections: [cnn], pdf: papers/a.pdf}\n")
    (tmp_path / "papers").mkdir()
    write_pdf(tmp_path / "papers" / "a.pdf")
    padding = int(0.104 * 1024 * 1024) - (tmp_path / "papers" / "a.pdf").stat().st_size
    with (tmp_path / "papers" / "a.pdf").open("ab") as pdf:
        pdf.write(b"\n%" + b"x" * padding)  # a comment after %%EOF: still the same PDF
    assert main(["check", "--max-file-size-mb", "0.1", str(path)]) == EXIT_OK
    assert "is 0.104 MB, over the 0.1 MB limit" in capsys.readouterr().out
