"""Shared by the import tests: write an archive described as a mapping, run
`neuroverse import` through `main`, and summarise the catalogue it wrote in one line per
entry, so golden cases read like the archive they describe."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from neuroverse_site.cli import main
from neuroverse_site.core.loader import load_catalogue_file
from neuroverse_site.core.model import Catalogue, same_words

from archive_factory import text_pdf_bytes, write_notebook, write_pdf


def write_archive(root: Path, files: dict[str, Any]) -> None:
    """`x.ipynb: Title` is a notebook whose first heading is Title ('' for none); `x.pdf: ''`
    a one-page PDF without text, `x.pdf: text` one whose page has those lines of text
    (`Title: ...`/`Subject: ...` lines are its metadata); `raw:...` those bytes (Latin-1);
    anything else the text given."""
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str) and content.startswith("raw:"):
            path.write_bytes(content[4:].encode("latin-1"))
        elif relative.endswith(".ipynb"):
            if content:
                write_notebook(path, str(content), image=False)
            else:
                nbformat.write(new_notebook(cells=[new_code_cell("print(1)")]), str(path))
        elif relative.endswith(".pdf") and content:
            # Its first page's lines; "Title: ..." and "Subject: ..." lines are metadata.
            lines = str(content).splitlines()
            meta = {k: v.strip() for line in lines if (k := line.partition(":")[0])
                    in ("Title", "Subject") for v in [line.partition(":")[2]]}
            path.write_bytes(text_pdf_bytes(
                ["\n".join(line for line in lines if line.partition(":")[0] not in meta)],
                size=(595, 842), title=meta.get("Title"), subject=meta.get("Subject")))
        elif relative.endswith(".pdf"):
            write_pdf(path, pages=1)
        else:
            path.write_text(str(content or ""), encoding="utf-8")


def run_import(root: Path, args: list[str], capsys: pytest.CaptureFixture[str],
               monkeypatch: pytest.MonkeyPatch) -> tuple[int, list[str]]:
    monkeypatch.chdir(root)
    code = main(["import", *args])
    err = capsys.readouterr().err.splitlines()
    return code, err


def notes_of(err: list[str]) -> list[str]:
    """The per-line reports, without the closing summary."""
    return [line for line in err if re.match(r"^[^ ].*?:\d+:\d+: (warning|note): ", line)]


def summary(catalogue: Catalogue) -> list[str]:
    tagline = f" | {catalogue.site.tagline}" if catalogue.site.tagline else ""
    lines: list[str] = [f"site: {catalogue.site.title}{tagline}"]
    for s in catalogue.sections:
        lines.append(f"section {s.id} {s.status.value}: {s.title}")
        if s.focus:
            lines.append(f"  focus: {s.focus}")
        if s.planned:
            lines.append(f"  planned: {'; '.join(s.planned)}")
        if s.description:
            lines += [f"  | {line}" for line in s.description.splitlines()]
    for e in catalogue.experiments:
        related = f" ->{','.join(e.articles)}" if e.articles else ""
        lines.append(f"experiment {e.id} @{e.section} {e.source or '-'} {e.status.value}: "
                     f"{e.title}{related}")
        if e.goal:
            lines.append(f"  goal: {e.goal}")
    for a in catalogue.articles:
        # Import never writes a summary that repeats the title (issue 14, item 8).
        assert not same_words(a.summary, a.title), f"{a.id}: the summary repeats the title"
        summary_text = f"\n  summary: {a.summary}" if a.summary else ""
        lines.append(f"article {a.id} @{','.join(a.sections)} {a.pdf or a.note or '-'} "
                     f"{a.status.value}: {a.title}{summary_text}")
    for r in catalogue.resources:
        lines.append(f"resource {r.kind.value} {r.topic}: {r.title} <{r.url}>")
    return "\n".join(lines).splitlines()


def imported(root: Path, name: str = "catalogue.yml") -> Catalogue:
    loaded = load_catalogue_file(root / name)
    assert loaded.catalogue is not None, [d.format() for d in loaded.diagnostics]
    return loaded.catalogue


def build_strict(root: Path) -> list[str]:
    """Build the site with the mkdocs.yml import wrote, as `mkdocs build --strict` does;
    the warnings and errors it logged (empty when the build passed)."""
    import logging

    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, PluginError

    from conftest import _ListHandler

    log: list[str] = []
    handler = _ListHandler(log)
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    try:
        build(load_config(str(root / "mkdocs.yml"), strict=True))
    except (Abort, PluginError) as exc:
        log.append(f"ERROR: {exc}")
    finally:
        logger.removeHandler(handler)
    return [line for line in log if line.startswith(("WARNING", "ERROR"))]
