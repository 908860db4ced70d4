"""PDF facts: page count, first-page text and a thumbnail. No MkDocs types here."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from ..core.probes import PdfProblem, open_pdf

THUMBNAIL_WIDTH = 320
THUMBNAIL_COLOURS = 64


@dataclass(frozen=True)
class PdfFacts:
    pages: int
    size_bytes: int
    first_text: str
    thumbnail_png: bytes


def read_pdf(path: Path, thumbnail_width: int = THUMBNAIL_WIDTH,
             data: bytes | None = None) -> PdfFacts:
    """Facts about the PDF at `path`; `data`, when given, is its content already read."""
    size = path.stat().st_size if data is None else len(data)
    document = open_pdf(path, data)
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


def first_line(text: str) -> str:
    """The first non-empty line of a PDF's text, the best title guess when metadata is empty."""
    return next((line.strip() for line in text.splitlines() if line.strip()), "")
