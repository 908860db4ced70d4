"""Cheap looks at the files a catalogue names: is this a notebook the site can render, is
this a PDF that opens. The engines (nbformat, PDFium) are imported only when a file is
actually looked at, so checking a catalogue without files stays fast to start."""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path
from typing import Any


def notebook_format_problem(data: bytes) -> str | None:
    """Why these bytes are not a notebook the site can render, in the user's terms, or None
    when they are sound nbformat 4. `neuroverse check` asks this of every notebook; a build
    only of those it converts, that is whose bytes changed since the cache saw them."""
    import nbformat

    try:
        notebook = json.loads(data)
    except UnicodeDecodeError:
        return "is not UTF-8 text"
    except json.JSONDecodeError as exc:
        return f"is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        return "is not a Jupyter notebook (it has no list of cells)"
    if notebook.get("nbformat") != 4:
        return f"is nbformat {notebook.get('nbformat')}, not 4"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # missing cell ids: nbformat adds them and warns
        try:
            nbformat.validate(notebook)
        except nbformat.ValidationError as exc:
            where = "".join(f"[{step}]" if isinstance(step, int) else f".{step}"
                            for step in exc.absolute_path).lstrip(".")
            message = str(exc.message)
            if "is not valid under any of the given schemas" in message:
                message = "not a kind of cell or output the format knows"
            elif len(message) > 100:
                message = message[:97] + "..."
            return f"does not follow the notebook format at {where or 'the top level'}: {message}"
    return None


def note_problem(path: Path) -> str | None:
    """Why the Markdown note at `path` cannot be shown, or None when it is UTF-8 text."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    return note_text_problem(data)


_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n.*?\r?\n(---|\.\.\.)[ \t]*(\r?\n|\Z)", re.DOTALL)


def strip_front_matter(text: str) -> str:
    """A note's text without a leading YAML front matter block (`---` ... `---`) or BOM."""
    return _FRONT_MATTER.sub("", text.lstrip("\ufeff"), count=1)


def note_text_problem(data: bytes) -> str | None:
    """Why these bytes are not a Markdown note's text, or None when they are UTF-8."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return f"is not UTF-8 text (byte 0x{data[exc.start]:02x} on line {line})"
    if b"\0" in data:
        return "is not text (it holds NUL bytes; a binary file renamed .md?)"
    return None


class PdfProblem(Exception):
    """The file cannot be read as a PDF; the message says why, in the user's terms."""


def pdf_problem(path: Path) -> str | None:
    """Why the PDF cannot be shown, in the user's terms, or None when it opens and has pages.
    Cheap: nothing is rendered."""
    try:
        document = open_pdf(path)
    except PdfProblem as exc:
        return str(exc)
    try:
        return None if len(document) else "has no pages"
    finally:
        document.close()


# The file format puts this marker first and "%%EOF" at the end, after the cross-reference
# table; a download cut short loses the end, which PDFium reports as a generic format error.
_HEADER, _END, _TAIL = b"%PDF-", b"%%EOF", 2048


def open_pdf(path: Path, data: bytes | None = None) -> Any:
    """The PDF at `path` (or `data`, its content already read), opened by PDFium."""
    import pypdfium2 as pdfium

    try:
        if data is None:
            size = path.stat().st_size
            with path.open("rb") as stream:
                head = stream.read(1024)
                stream.seek(max(0, size - _TAIL))
                tail = stream.read()
        else:
            size, head, tail = len(data), data[:1024], data[-_TAIL:]
    except OSError as exc:
        raise PdfProblem(f"cannot be read ({exc.strerror or exc})") from exc
    if size == 0:
        raise PdfProblem("is empty (0 bytes)")
    if _HEADER not in head:
        raise PdfProblem("is not a PDF (it does not start with %PDF-)")
    try:
        return pdfium.PdfDocument(str(path) if data is None else data)
    except pdfium.PdfiumError as exc:
        if _END not in tail:
            raise PdfProblem("is truncated: its end is missing, so part of the file was "
                             "lost (an interrupted download or copy?)") from exc
        raise PdfProblem(_explain(str(exc))) from exc


def _explain(error: str) -> str:
    lowered = error.lower()
    if "password" in lowered or "security" in lowered:
        return "is encrypted (password protected); save a copy without a password"
    if "format" in lowered or "data" in lowered:
        return "is damaged (PDFium cannot read its structure)"
    return f"cannot be opened ({error})"
