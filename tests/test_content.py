"""The archive's own notebooks and articles are real, executed and complete."""

from __future__ import annotations

import json
from pathlib import Path

import pypdfium2 as pdfium
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").rglob("*.ipynb"))
PAPERS = sorted((ROOT / "papers").rglob("*.pdf"))


def test_the_archive_ships_notebooks_and_articles() -> None:
    assert len(NOTEBOOKS) >= 7
    assert len(PAPERS) >= 6


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_was_executed_top_to_bottom_without_errors(path: Path) -> None:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    cells = notebook["cells"]
    assert cells[0]["cell_type"] == "markdown"
    assert "".join(cells[0]["source"]).startswith("# ")
    code = [c for c in cells if c["cell_type"] == "code"]
    counts = [c["execution_count"] for c in code if c["source"]]
    assert counts == list(range(1, len(counts) + 1)), "cells were not run in order"
    outputs = [o for c in code for o in c["outputs"]]
    assert not [o for o in outputs if o["output_type"] == "error"]
    assert any("image/png" in o.get("data", {}) for o in outputs), "no plot"
    assert any(o["output_type"] == "stream" for o in outputs)
    assert path.stat().st_size < 400_000


@pytest.mark.parametrize("path", PAPERS, ids=lambda p: p.name)
def test_article_is_a_short_titled_pdf_with_a_source(path: Path) -> None:
    document = pdfium.PdfDocument(path)
    try:
        assert 2 <= len(document) <= 4
        assert document.get_metadata_dict().get("Title")
    finally:
        document.close()
    assert (ROOT / "papers" / "src" / f"{path.stem}.md").is_file()
