"""Turning titles into ids that are safe in URLs."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_NOT_WORD = re.compile(r"[^a-z0-9]+")

# Quotation marks, straight and typographic, that wrap a title without being part of it.
QUOTES = "\"'\u201c\u201d\u2018\u2019"

# Ids a page of an experiment or article may not take: its URL would be the listing's own.
RESERVED_IDS = frozenset({"index"})


def slugify(text: str, max_length: int = 48) -> str:
    """'U-Net: Encoder-Decoder' -> 'u-net-encoder-decoder'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _NOT_WORD.sub("-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0]
    return slug


def unique_id(base: str, taken: set[str]) -> str:
    candidate, n = base, 2
    while candidate in taken:
        candidate = f"{base}-{n}"
        n += 1
    return candidate


def blob_name(data: bytes, suffix: str) -> str:
    """The content-addressed file name an image or thumbnail is published and cached under."""
    return hashlib.sha256(data).hexdigest()[:20] + suffix
