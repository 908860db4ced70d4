"""PDF facts: page count, first-page text and a thumbnail. No MkDocs types here."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from ..core.probes import PdfProblem, open_pdf

THUMBNAIL_WIDTH = 320
THUMBNAIL_COLOURS = 64
# A thumbnail is at most four times as tall as it is wide and never holds more pixels than
# that: a page of 1 x 200,000 points scaled to the width alone would be a 64-gigapixel
# bitmap. Pages of ordinary shape are not affected.
MAX_THUMBNAIL_HEIGHT = 4 * THUMBNAIL_WIDTH
MAX_THUMBNAIL_PIXELS = THUMBNAIL_WIDTH * MAX_THUMBNAIL_HEIGHT


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
        scale = bounded_scale(page.get_width(), page.get_height(), thumbnail_width,
                              thumbnail_width * MAX_THUMBNAIL_HEIGHT // THUMBNAIL_WIDTH)
        if scale is None:
            raise PdfProblem(f"has a first page of {page.get_width():g} x "
                             f"{page.get_height():g} points, which cannot be drawn")
        image = page.render(scale=scale).to_pil()
        buffer = io.BytesIO()
        # A 64-colour palette looks the same at thumbnail size and weighs a third as much.
        palette = image.convert("RGB").quantize(THUMBNAIL_COLOURS, dither=Image.Dither.NONE)
        palette.save(buffer, format="PNG", optimize=True)
        return PdfFacts(pages, size, first_text, buffer.getvalue())
    finally:
        document.close()


def bounded_scale(width: float, height: float, max_width: int, max_height: int,
                  max_pixels: int = MAX_THUMBNAIL_PIXELS) -> float | None:
    """The scale that draws a page of `width` x `height` points into at most `max_width` x
    `max_height` pixels and `max_pixels` in all (the bounds come from the page's size, so a
    giant page costs no more than a small one); None for a page with no area."""
    if not (math.isfinite(width) and math.isfinite(height)) or width <= 0 or height <= 0:
        return None
    scale = min(max_width / width, max_height / height,
                math.sqrt(max_pixels / (width * height)))
    # The renderer rounds each side up to a whole pixel, so a sliver still gets one.
    return scale


def first_line(text: str) -> str:
    """The first non-empty line of a PDF's text, the best title guess when metadata is empty."""
    return next((line.strip() for line in text.splitlines() if line.strip()), "")
