"""Golden cases for `neuroverse check`: one file in tests/cases/checks/ per mistake.

Each case holds the catalogue as typed, the files to create next to it, and the exact first
line of every diagnostic expected, in order. Hints are checked when a case lists them.
Adding a case is adding a file; see tests/cases/checks/README.md for the keys.

Every case is also built as a site without --strict: the build must finish, never with a
traceback, and list the problems on a page when there are errors.
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path
from typing import Any

import nbformat
import pytest
import yaml
from hostile_files import (
    notebook_nested,
    notebook_with_missing_attachment,
    pdf_with_page,
    pdf_without_pages,
)
from nbformat.v4 import new_code_cell, new_notebook

from neuroverse_site.core.checks import CheckOptions, check_file
from neuroverse_site.core.diagnostics import CODES, Severity

from archive_factory import (
    encrypted_pdf_bytes,
    text_pdf_bytes,
    write_notebook,
    write_pdf,
    write_truncated_pdf,
)
from conftest import SiteBuilder

CASES_DIR = Path(__file__).parent / "cases" / "checks"
CASES = sorted(CASES_DIR.glob("*.yml"))
CASE_KEYS = {"about", "catalogue", "bom", "encoding", "files", "options", "expected", "hints",
             "build"}


def load_case(path: Path) -> dict[str, Any]:
    case: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    unknown = set(case) - CASE_KEYS
    assert not unknown, f"{path.name}: unknown keys {sorted(unknown)}"
    return case


def catalogue_bytes(case: dict[str, Any]) -> bytes:
    text = textwrap.dedent(case["catalogue"]) if case["catalogue"] else ""
    data = text.encode(case.get("encoding", "utf-8"))
    return (b"\xef\xbb\xbf" if case.get("bom") else b"") + data


def make_file(target: Path, spec: str) -> None:
    """Create one archive file from a short spec: notebook, pdf, pdf-encrypted,
    pdf-truncated, pdf-launch, empty, bytes:N, `text: ...`, `symlink: target`, loop (a link to
    itself), dangling, folder, fifo, `deep-notebook: N`, notebook-missing-attachment,
    `notebook-cells: N`, `pdf-page: WxH` (points), pdf-no-pages, `latin1: ...`."""
    target.parent.mkdir(parents=True, exist_ok=True)
    kind, _, argument = spec.partition(":")
    argument = argument.strip()
    if kind == "notebook":
        write_notebook(target, "A notebook")
    elif kind == "pdf":
        write_pdf(target)
    elif kind == "pdf-encrypted":
        target.write_bytes(encrypted_pdf_bytes())
    elif kind == "pdf-truncated":
        write_truncated_pdf(target)
    elif kind == "pdf-launch":  # an /OpenAction that starts a program, in an object stream
        target.write_bytes(text_pdf_bytes(
            ["Open me"], catalogue_extra=b"/OpenAction 6 0 R", object_stream=True,
            extra_objects=(b"<< /S /Launch /F (calc.exe) >>",)))
    elif kind == "empty":
        target.write_bytes(b"")
    elif kind == "bytes":
        target.write_bytes(b"x" * int(argument))
    elif kind == "text":
        target.write_text(argument, encoding="utf-8")
    elif kind == "loop":
        os.symlink(target.name, target)  # a link to itself
    elif kind == "dangling":
        os.symlink("nowhere" + target.suffix, target)
    elif kind == "folder":
        target.mkdir()
    elif kind == "fifo":
        os.mkfifo(target)
    elif kind == "deep-notebook":
        notebook_nested(target, int(argument))
    elif kind == "notebook-missing-attachment":
        notebook_with_missing_attachment(target)
    elif kind == "notebook-cells":
        nbformat.write(new_notebook(cells=[new_code_cell(f"x = {n}")
                                           for n in range(int(argument))]), str(target))
    elif kind == "pdf-page":
        width, _, height = argument.partition("x")
        pdf_with_page(target, float(width), float(height))
    elif kind == "pdf-no-pages":
        pdf_without_pages(target)
    elif kind == "latin1":
        target.write_bytes(argument.encode("latin-1"))
    elif kind == "symlink":
        outside = (target.parent / argument).resolve()
        if not outside.exists():
            outside.parent.mkdir(parents=True, exist_ok=True)
            write_pdf(outside) if outside.suffix == ".pdf" else write_notebook(outside, "Far")
        os.symlink(argument, target)
    else:
        raise AssertionError(f"unknown file spec {spec!r}")


def write_archive(root: Path, case: dict[str, Any]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    catalogue = root / "catalogue.yml"
    catalogue.write_bytes(catalogue_bytes(case))
    for relative, spec in (case.get("files") or {}).items():
        make_file(root / relative, spec)
    return catalogue


@pytest.mark.parametrize("case_path", CASES, ids=[c.stem for c in CASES])
def test_check_case(case_path: Path, tmp_path: Path) -> None:
    case = load_case(case_path)
    catalogue = write_archive(tmp_path / "archive", case)
    result = check_file(catalogue, catalogue.parent, CheckOptions(**case.get("options", {})))
    lines = [d.format().splitlines()[0] for d in result.diagnostics]
    assert lines == case["expected"]
    hints = [d.hint for d in result.diagnostics]
    for expected, actual in zip(case.get("hints", []), hints, strict=False):
        assert expected in actual


@pytest.mark.parametrize("case_path", CASES, ids=[c.stem for c in CASES])
def test_check_case_site_still_builds(case_path: Path, tmp_path: Path,
                                      build_site: SiteBuilder) -> None:
    case = load_case(case_path)
    if case.get("build") is False:
        pytest.skip("this case is about checks only")
    root = tmp_path / "archive"
    write_archive(root, case)
    options = case.get("options", {})
    plugin_options = (f"max_file_size_mb: {options['max_file_size_mb']}"
                      if "max_file_size_mb" in options else "")
    site = build_site(None, root=root, strict=False, plugin_options=plugin_options)
    assert site.error is None
    assert site.path("").is_file(), "the home page was not built"
    errors = [line for line in case["expected"] if " error NV" in line]
    logged = "\n".join(site.log)
    for line in case["expected"]:
        assert line in logged
    problems_page = site.path("catalogue-problems/")
    assert problems_page.is_file() == bool(errors)
    if errors:
        assert "The catalogue has" in site.text("")


# Codes only a site build can give (they judge mkdocs.yml, which `check` does not read);
# each is tested by a build in its own test file.
BUILD_ONLY_CODES = {"NV420"}  # test_navigation_scale.py

# Codes about the project around the catalogue (the builder, `neuroverse export`): no
# catalogue shows them, so the tests named here assert each one's output instead.
OUTSIDE_THE_CATALOGUE = {"NV350": "test_reader_features.py",  # a page in the docs folder
                         "NV342": "test_note_articles.py",  # a link inside a note
                         # a PDF that changed while its images were drawn
                         "NV370": "test_drawn_later.py",
                         "NV375": "test_notebook_pages.py",  # a notebook gone mid-build
                         "NV500": "test_engines.py", "NV501": "test_export.py",
                         "NV502": "test_export.py", "NV503": "test_export.py"}


def test_every_code_has_a_case() -> None:
    """Each documented code is exercised by at least one golden case: a check case, or for
    the codes only a build can report (what a notebook's cells hold, what Markdown made of
    a description) a case of the hostile corpus (tests/test_hostile_corpus.py), or for a
    code no catalogue can show, the tests that say so above."""
    from hostile_corpus import cases as hostile_cases

    seen = {line.split()[2] for case in CASES for line in load_case(case)["expected"]}
    seen |= {code for case in hostile_cases() for code in case.codes} | {"NV107"}
    for code, test_file in OUTSIDE_THE_CATALOGUE.items():
        text = (Path(__file__).parent / test_file).read_text(encoding="utf-8")
        assert f"{CODES[code].severity} {code}" in text, f"{test_file} never asserts {code}"
    assert set(CODES) - seen - set(OUTSIDE_THE_CATALOGUE) - BUILD_ONLY_CODES == set()


def test_cases_are_many_and_name_their_severity_right() -> None:
    assert len(CASES) >= 40
    for case_path in CASES:
        for line in load_case(case_path)["expected"]:
            severity, code = line.split()[1:3]
            assert Severity(severity) is CODES[code].severity, f"{case_path.name}: {line}"


def test_a_byte_that_is_not_utf8_is_placed_by_characters_not_bytes() -> None:
    from neuroverse_site.core.loader import load_catalogue

    # "Café " is five characters in six bytes: the column is the editor's, 15, not 16.
    result = load_catalogue(b"site:\n  title: Caf\xc3\xa9 \xe9\n")
    assert [d.format().splitlines()[0] for d in result.diagnostics] == [
        "catalogue.yml:2:15: error NV003 byte 0xe9 is not UTF-8"]
