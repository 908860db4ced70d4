"""PDF facts: page count, first-page text and a thumbnail. No MkDocs types here."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
from PIL import Image

THUMBNAIL_WIDTH = 320
THUMBNAIL_COLOURS = 64


@dataclass(frozen=True)
class PdfFacts:
    pages: int
    size_bytes: int
    first_text: str
    thumbnail_png: bytes


class PdfProblem(Exception):
    """The file cannot be read as a PDF; the message says why, in the user's terms."""


def pdf_problem(path: Path) -> str | None:
    """Why the PDF cannot be shown, in the user's terms, or None when it opens and has pages.
    Cheap: nothing is rendered."""
    try:
        document = _open(path)
    except PdfProblem as exc:
        return str(exc)
    try:
        return None if len(document) else "has no pages"
    finally:
        document.close()


# The file format puts this marker first and "%%EOF" at the end, after the cross-reference
# table; a download cut short loses the end, which PDFium reports as a generic format error.
_HEADER, _END, _TAIL = b"%PDF-", b"%%EOF", 2048


def _open(path: Path, data: bytes | None = None) -> Any:
    """The PDF at `path` (or `data`, its content already read), opened by PDFium."""
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


def read_pdf(path: Path, thumbnail_width: int = THUMBNAIL_WIDTH,
             data: bytes | None = None) -> PdfFacts:
    """Facts about the PDF at `path`; `data`, when given, is its content already read."""
    size = path.stat().st_size if data is None else len(data)
    document = _open(path, data)
    try:
        pages = len(document)
        if pages == 0:
            raise PdfProblem("has no pages")
        page = document[0]
        text_page = page.get_textpage()
        first_text = text_page.get_text_range()[:2000]
        scale = thumbnail_width / page.get_width()
        image = page.render(scale=scale).to_pil()
        buffer = io.BytesIO()
        # A 64-colour palette looks the same at thumbnail size and weighs a third as much.
        palette = image.convert("RGB").quantize(THUMBNAIL_COLOURS, dither=Image.Dither.NONE)
        palette.save(buffer, format="PNG", optimize=True)
        return PdfFacts(pages, size, first_text, buffer.getvalue())
    finally:
        document.close()


def _explain(error: str) -> str:
    lowered = error.lower()
    if "password" in lowered or "security" in lowered:
        return "is encrypted (password protected); save a copy without a password"
    if "format" in lowered or "data" in lowered:
        return "is damaged (PDFium cannot read its structure)"
    return f"cannot be opened ({error})"


def first_line(text: str) -> str:
    """The first non-empty line of a PDF's text, the best title guess when metadata is empty."""
    return next((line.strip() for line in text.splitlines() if line.strip()), "")
