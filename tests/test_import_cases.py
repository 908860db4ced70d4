"""Golden cases for `neuroverse import`: one file in tests/cases/import/ per README shape.

Each case holds an archive (its READMEs as text, its notebooks and PDFs by name), the
arguments import runs with, a one-line-per-entry summary of the catalogue expected and the
exact report lines. Adding a case is adding a file; tests/cases/import/README.md lists the
keys. Every catalogue must pass the check; cases marked `build: true` are also built
strictly with the mkdocs.yml import wrote.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from neuroverse_site.core.checks import check_file
from neuroverse_site.core.diagnostics import Severity

from import_helpers import build_strict, imported, notes_of, run_import, summary, write_archive

CASES_DIR = Path(__file__).parent / "cases" / "import"
CASES = sorted(CASES_DIR.glob("*.yml"))
CASE_KEYS = {"about", "args", "files", "expected", "notes", "build"}


def load_case(path: Path) -> dict[str, Any]:
    case: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    unknown = set(case) - CASE_KEYS
    assert not unknown, f"{path.name}: unknown keys {sorted(unknown)}"
    return case


@pytest.mark.parametrize("case_path", CASES, ids=[p.stem for p in CASES])
def test_import_case(case_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                     monkeypatch: pytest.MonkeyPatch) -> None:
    case = load_case(case_path)
    archive = tmp_path / "archive"
    archive.mkdir()
    write_archive(archive, case.get("files") or {})
    code, err = run_import(archive, list(case.get("args") or []), capsys, monkeypatch)
    assert code == 0, "\n".join(err)
    assert not any("Traceback" in line for line in err)
    assert summary(imported(archive)) == str(case["expected"]).strip().splitlines()
    assert notes_of(err) == str(case.get("notes") or "").strip().splitlines()

    checked = check_file(archive / "catalogue.yml", root=archive)
    assert [d.format() for d in checked.diagnostics if d.severity is Severity.ERROR] == []

    # Same archive, same catalogue: ids and order do not depend on anything else.
    first = (archive / "catalogue.yml").read_text(encoding="utf-8")
    again, _ = run_import(archive, [*case.get("args", []), "-o", "again.yml"], capsys,
                          monkeypatch)
    assert again == 0
    assert (archive / "again.yml").read_text(encoding="utf-8") == first
    (archive / "again.yml").unlink()

    if case.get("build"):
        assert build_strict(archive) == []


def test_every_case_has_only_known_keys() -> None:
    assert CASES, "no golden cases found"
    for path in CASES:
        load_case(path)
