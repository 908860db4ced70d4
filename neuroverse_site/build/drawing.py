"""The drawing workers of a build that draws PDF images in the background (see
batch.BatchRenderer's `defer_drawing`): processes started afresh that import only what
drawing needs (PDFium, Pillow and the cache), not the notebook converter: each is alive
while the site's pages are built, when the build holds the most memory."""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from collections.abc import Callable
from pathlib import Path

from ..core.probes import PdfProblem
from .cache import Cache, cache_key
from .pdfs import ImageStore, PdfFacts, draw_pdf

# What drawing a file gives: its facts or why not (the batch's Failure is made from the
# message), and the cache key of the bytes drawn.
Drawn = tuple[PdfFacts | str, str]


def draw_file(path: Path, options_key: str, max_pages: int, store: ImageStore) -> Drawn:
    """Read a PDF again and draw its images into `store` (see pdfs.draw_pdf); the key is
    that of the bytes drawn, for the caller to check against its facts' own."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}", ""
    key = cache_key("pdf", data, options_key)
    try:
        return draw_pdf(path, data, store, max_pages), key
    except PdfProblem as exc:
        return str(exc), key


_DRAWER: tuple[str, int, Cache] | None = None


def start_drawer(options_key: str, max_pages: int, cache_dir: Path) -> None:
    global _DRAWER
    _DRAWER = (options_key, max_pages, Cache(cache_dir))


def draw_in_worker(path: Path) -> Drawn:
    assert _DRAWER is not None, "drawing worker started without start_drawer"
    options_key, max_pages, cache = _DRAWER
    drawn = draw_file(path, options_key, max_pages, cache.put_file)
    release_freed_memory()
    return drawn


def _libc_trim() -> Callable[[int], int] | None:
    try:
        trim: Callable[[int], int] = ctypes.CDLL(
            ctypes.util.find_library("c") or "libc.so.6").malloc_trim
        return trim
    except (OSError, AttributeError):  # not glibc: nothing to trim
        return None


_TRIM = _libc_trim() if sys.platform.startswith("linux") else None


def release_freed_memory() -> None:
    """Give the memory a rendering freed back to the system: converting a notebook makes
    megabytes of short-lived strings, and glibc keeps the freed pages of its heap (between
    live ones) counted in the process's size until told to trim."""
    if _TRIM is not None:
        _TRIM(0)
