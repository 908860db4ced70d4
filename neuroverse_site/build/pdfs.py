"""PDF facts: page count, a thumbnail, and each page as web images and text. No MkDocs types.

An article is shown as its pages rendered at build time, never by embedding the PDF: a
browser's PDF viewer runs the file's /OpenAction JavaScript, page images run nothing.
"""

from __future__ import annotations

import ctypes
import io
import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PIL import Image

from ..core.ids import blob_name
from ..core.probes import PdfProblem, active_content, open_pdf
from .searchwords import first_appearances

if TYPE_CHECKING:
    # Imported where a page is drawn (see core.probes.open_pdf): a build whose PDFs all come
    # from the cache never loads PDFium.
    import pypdfium2 as pdfium

THUMBNAIL_WIDTH = 320
THUMBNAIL_COLOURS = 64
# A thumbnail is at most four times as tall as it is wide and never holds more pixels than
# that: a page of 1 x 200,000 points scaled to the width alone would be a 64-gigapixel
# bitmap. Pages of ordinary shape are not affected.
MAX_THUMBNAIL_HEIGHT = 4 * THUMBNAIL_WIDTH
MAX_THUMBNAIL_PIXELS = THUMBNAIL_WIDTH * MAX_THUMBNAIL_HEIGHT
# Material's content column is at most ~800 CSS pixels wide; the 2x image serves screens
# with two device pixels per CSS pixel (every phone).
PAGE_WIDTH = 800
DEFAULT_MAX_PAGES = 40
# JPEG rather than WebP or a PNG palette: a third larger than WebP, but it encodes ten
# times faster, and a cold build renders every page of every PDF.
PAGE_QUALITY = 80
# No rendered image may exceed these, whatever a page's size says: a page of 1 x 14,400
# points at the column's width would otherwise ask for gigabytes.
MAX_PIXELS = 8_000_000
MAX_SIDE = 12_000
# A page's text beyond this is left out (a page of text holds ~5,000 characters).
MAX_PAGE_TEXT = 50_000


@dataclass(frozen=True)
class PdfPage:
    """One page as the article page shows it."""

    number: int  # from 1
    width: int  # CSS pixels of `image`; `image_2x` has twice as many where the bound allows
    height: int
    image: bytes  # JPEG; empty when the page is too thin to draw (then text only)
    image_2x: bytes
    text: str  # plain text, lines separated by "\n"
    # The cache's names of the two images (build.cache: blob_name). Set when the bytes are
    # not held: a page image is only ever published, from the cache's file, never read.
    image_name: str = ""
    image_2x_name: str = ""

    def names(self) -> tuple[tuple[int, str, bytes], ...]:
        """(density, cache name, bytes held or b"") of each image the page has."""
        return tuple((density, name or (blob_name(data, ".jpg") if data else ""), data)
                     for density, name, data in ((1, self.image_name, self.image),
                                                 (2, self.image_2x_name, self.image_2x))
                     if name or data)


# Keeps one image's bytes (suffix ".jpg") and returns the name it is kept under (a cache's
# blob name). With one, a page's images are handed over as each page is drawn and not held:
# a forty-page paper's images are ~17 MB.
ImageStore = Callable[[bytes, str], str]


@dataclass(frozen=True)
class PdfFacts:
    pages: int
    size_bytes: int
    thumbnail_png: bytes  # empty while `drawn` is False
    rendered: tuple[PdfPage, ...] = ()  # the first `max_pages` pages
    active: tuple[str, ...] = ()  # what could run when opened (see probes.active_content)
    # False: the facts a page is written from (page count, each page's text and image
    # size, the thumbnail's size), read without drawing anything; the images are drawn
    # later by `draw_pdf` (see batch.BatchRenderer's `defer_drawing`).
    drawn: bool = True
    thumbnail_size: tuple[int, int] | None = None  # width, height; known before it is drawn


def bounded_scale(width: float, height: float, max_width: float, max_height: float,
                  max_pixels: int = MAX_THUMBNAIL_PIXELS) -> float | None:
    """The scale (pixels per point) that draws a page of `width` x `height` points into at
    most `max_width` x `max_height` pixels and `max_pixels` in all (the bounds come from the
    page's size, so a giant page costs no more than a small one); None for a page with no
    area. The one place page and thumbnail images are sized."""
    if not (math.isfinite(width) and math.isfinite(height)) or width <= 0 or height <= 0:
        return None
    return min(max_width / width, max_height / height, math.sqrt(max_pixels / (width * height)))


def read_pdf(path: Path, thumbnail_width: int = THUMBNAIL_WIDTH, data: bytes | None = None,
             max_pages: int = DEFAULT_MAX_PAGES, store: ImageStore | None = None, *,
             draw: bool = True) -> PdfFacts:
    """Facts about the PDF at `path`; `data`, when given, is its content already read.
    With `store`, each page image is given to it as soon as it is made and the facts hold
    the names it returns instead of the bytes. `draw=False`: nothing is drawn (a tenth of
    the work), the facts say what the images will be (`drawn` False, `thumbnail_size`);
    `draw_pdf` draws them."""
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise PdfProblem(f"cannot be read ({exc.strerror or exc})") from exc
    document = open_pdf(path, data)
    try:
        pages = len(document)
        if pages == 0:
            raise PdfProblem("has no pages")
        first = document[0]  # loaded once for the thumbnail and page 1
        count = min(pages, max(0, max_pages))
        if not draw:
            thumbnail_size = _thumbnail_size(first, thumbnail_width)
            planned = tuple(_page_plan(first if index == 0 else document[index], index + 1)
                            for index in range(count))
            return PdfFacts(pages, len(data), b"", planned,
                            tuple(active_content(data, document)), drawn=False,
                            thumbnail_size=thumbnail_size)
        thumbnail = _thumbnail(first, thumbnail_width)
        canvas = _Canvas()
        rendered = tuple(_page(first if index == 0 else document[index], index + 1, canvas,
                               store)
                         for index in range(count))
        return PdfFacts(pages, len(data), thumbnail, rendered,
                        tuple(active_content(data, document)))
    finally:
        document.close()


def draw_pdf(path: Path, data: bytes, store: ImageStore, max_pages: int = DEFAULT_MAX_PAGES,
             thumbnail_width: int = THUMBNAIL_WIDTH) -> PdfFacts:
    """The images of a PDF whose facts were read with `draw=False`: the thumbnail's bytes
    and each page's image names (kept by `store`) and sizes. No text is read (the facts
    have it) and no active content looked for: the pages' `text` are empty, `active` is
    empty."""
    document = open_pdf(path, data)
    try:
        pages = len(document)
        if pages == 0:
            raise PdfProblem("has no pages")
        first = document[0]
        thumbnail = _thumbnail(first, thumbnail_width)
        canvas = _Canvas()
        rendered = tuple(_page(first if index == 0 else document[index], index + 1, canvas,
                               store, text=False)
                         for index in range(min(pages, max(0, max_pages))))
        return PdfFacts(pages, len(data), thumbnail, rendered)
    finally:
        document.close()


def _thumbnail_scale(page: Any, width: int) -> float:
    scale = bounded_scale(page.get_width(), page.get_height(), width,
                          width * MAX_THUMBNAIL_HEIGHT // THUMBNAIL_WIDTH)
    if scale is None:
        raise PdfProblem(f"has a first page of {page.get_width():g} x "
                         f"{page.get_height():g} points, which cannot be drawn")
    return scale


def _thumbnail_size(page: Any, width: int) -> tuple[int, int]:
    """The thumbnail's size as PDFium will draw it (each side rounded up to a pixel)."""
    scale = _thumbnail_scale(page, width)
    return math.ceil(page.get_width() * scale), math.ceil(page.get_height() * scale)


def _thumbnail(page: Any, width: int) -> bytes:
    scale = _thumbnail_scale(page, width)
    # The renderer rounds each side up to a whole pixel, so a sliver still gets one. Drawn
    # anew rather than shrunk from page 1's image: at 320 pixels this costs ~5 ms, shrinking
    # the 2x image ~15 ms.
    image = page.render(scale=scale, rev_byteorder=True).to_pil()  # RGB, as PIL wants it
    buffer = io.BytesIO()
    # A 64-colour palette looks the same at thumbnail size and weighs a third as much.
    palette = image.quantize(THUMBNAIL_COLOURS, dither=Image.Dither.NONE)
    palette.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


class _Canvas:
    """One pixel buffer that every page of a document is drawn into in turn, grown to the
    largest page: a new 2x bitmap (~15 MB) is zeroed by the allocator before PDFium fills
    it white anyway, ~2.5 ms of the ~45 a page costs in all. A page's images are encoded
    before the next page is drawn over them."""

    def __init__(self) -> None:
        self._buffer: ctypes.Array[ctypes.c_ubyte] | None = None

    def bitmap(self, width: int, height: int, format: int, rev_byteorder: bool = False
               ) -> pdfium.PdfBitmap:
        import pypdfium2 as pdfium
        import pypdfium2.raw as pdfium_c

        # Four bytes a pixel: _page asks for RGBX (new_native checks the buffer's size).
        if format != pdfium_c.FPDFBitmap_BGRx:
            return pdfium.PdfBitmap.new_native(width, height, format, rev_byteorder)
        size = width * height * 4
        if self._buffer is None or len(self._buffer) < size:
            self._buffer = None  # freed before the larger one is made
            self._buffer = (ctypes.c_ubyte * size)()
        return pdfium.PdfBitmap.new_native(width, height, format, rev_byteorder,
                                           buffer=self._buffer)


def _page_scale(page: Any) -> float | None:
    """The scale a page's 2x image is drawn at; None when the page is thinner than a pixel
    at any scale the bounds allow (then its text is the page)."""
    width, height = page.get_width(), page.get_height()
    scale = bounded_scale(width, height, 2 * PAGE_WIDTH, MAX_SIDE, MAX_PIXELS)
    if scale is None or width * scale < 1 or height * scale < 1:
        return None
    return scale


def _page_plan(page: Any, number: int) -> PdfPage:
    """A page's text and the size its 1x image will have, without drawing it: PDFium's
    bitmap is each side of the page times the scale, rounded up, and the 1x image that
    halved (Pillow's `reduce` rounds up too)."""
    text = page_text(page.get_textpage().get_text_range())
    scale = _page_scale(page)
    if scale is None:
        return PdfPage(number, 0, 0, b"", b"", text)
    width = math.ceil(page.get_width() * scale)
    height = math.ceil(page.get_height() * scale)
    if min(width, height) >= 2:
        width, height = -(-width // 2), -(-height // 2)
    return PdfPage(number, width, height, b"", b"", text)


def _page(page: Any, number: int, canvas: _Canvas | None = None,
          store: ImageStore | None = None, *, text: bool = True) -> PdfPage:
    words = page_text(page.get_textpage().get_text_range()) if text else ""
    scale = _page_scale(page)
    if scale is None:
        return PdfPage(number, 0, 0, b"", b"", words)
    # Drawn in the byte order PIL keeps (RGBX, four bytes a pixel), so the image below is
    # the bitmap's own memory: no conversion, no copy. A bitmap in PDFium's own order
    # (BGR) cost two full-size copies to become an RGB image, more than drawing it.
    bitmap = page.render(scale=scale, rev_byteorder=True, prefer_bgrx=True,
                         bitmap_maker=(canvas or _Canvas()).bitmap)
    try:
        large: Image.Image = bitmap.to_pil()
        # Drawn once at 2x; the 1x image is that one halved, which is cheaper than drawing
        # again.
        small = large.reduce(2) if min(large.size) >= 2 else large
        image, image_2x = _jpeg(small), _jpeg(large)
    finally:
        bitmap.close()  # `large` shares its memory (the canvas's): not used after this
    if store is None:
        return PdfPage(number, small.width, small.height, image, image_2x, words)
    return PdfPage(number, small.width, small.height, b"", b"", words,
                   image_name=store(image, ".jpg"), image_2x_name=store(image_2x, ".jpg"))


def _jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=PAGE_QUALITY)
    return buffer.getvalue()


# C0/C1 controls (PDFium returns \r\n line ends, and \x02 for a hyphen that breaks a word), the
# replacement character and noncharacters say nothing a reader can read.
_UNREADABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffd\ufffe\uffff]")


def page_text(raw: str) -> str:
    """A page's extracted text as plain lines: ligatures and compatibility forms folded
    (NFKC, so "ﬁ" searches as "fi"), controls dropped, spaces within a line collapsed,
    empty lines removed, bounded in length."""
    text = unicodedata.normalize("NFKC", raw[:MAX_PAGE_TEXT].replace("\r\n", "\n"))
    text = _UNREADABLE.sub(" ", text.replace("\x02", "-").replace("\r", "\n"))
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def search_terms(texts: Sequence[str]) -> list[str]:
    """For each page's text, the words search needs to find that page: each word once per
    article, on the first page it appears on (see searchwords.first_appearances).

    The page shows its whole text; search reads these instead (see the plugin), because an
    article's full text would more than double the search index every reader downloads,
    and the words a search can match are the same. A word found on page 2 and 5 opens the
    article at page 2."""
    return first_appearances(texts)
