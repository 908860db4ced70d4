"""Broken files that once crashed a build, written on the fly: for the build, check and
`mkdocs serve` tests of robustness."""

from __future__ import annotations

import json
from pathlib import Path

from archive_factory import write_notebook


def deep_json(depth: int, leaf: str = "0") -> str:
    """A JSON value of `depth` nested lists, written as text (json.dumps itself recurses)."""
    return "[" * depth + leaf + "]" * depth


def notebook_with_missing_attachment(path: Path, title: str = "Attachments") -> Path:
    write_notebook(path, title)
    notebook = json.loads(path.read_text())
    notebook["cells"].append({
        "cell_type": "markdown", "id": "missing-attachment", "metadata": {},
        "source": "A pasted figure: ![chart](attachment:chart.png)",
    })
    path.write_text(json.dumps(notebook))
    return path


def notebook_nested(path: Path, depth: int, *, where: str = "metadata",
                    title: str = "Deep") -> Path:
    """A notebook whose metadata (or first output) holds `depth` nested lists."""
    write_notebook(path, title)
    notebook = json.loads(path.read_text())
    if where == "metadata":
        notebook["metadata"]["deep"] = "__DEEP__"
    else:
        notebook["cells"][2]["outputs"].append({
            "output_type": "display_data", "metadata": {},
            "data": {"application/json": "__DEEP__", "text/plain": "deep"},
        })
    path.write_text(json.dumps(notebook).replace('"__DEEP__"', deep_json(depth)))
    return path


def pdf_with_page(path: Path, width: float, height: float) -> Path:
    """A one-page PDF whose page measures `width` x `height` points."""
    import pypdfium2 as pdfium

    path.parent.mkdir(parents=True, exist_ok=True)
    document = pdfium.PdfDocument.new()
    document.new_page(width, height)
    document.save(str(path))
    document.close()
    return path


def pdf_without_pages(path: Path) -> Path:
    import pypdfium2 as pdfium

    path.parent.mkdir(parents=True, exist_ok=True)
    document = pdfium.PdfDocument.new()
    document.save(str(path))
    document.close()
    return path
