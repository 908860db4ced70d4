"""Turning titles into ids that are safe in URLs."""

from __future__ import annotations

import re
import unicodedata

_NOT_WORD = re.compile(r"[^a-z0-9]+")

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
