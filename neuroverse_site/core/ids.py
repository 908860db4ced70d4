"""Turning titles into ids that are safe in URLs."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from anyascii import anyascii

_NOT_WORD = re.compile(r"[^a-z0-9]+")
# Scripts written without spaces, where each character is a syllable or a word: Chinese
# characters, Japanese kana, Korean syllables. Their transliterations are kept apart
# ("shen-du-xue-xi", not "shenduxuexi").
_SYLLABIC = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")

# Quotation marks, straight and typographic, that wrap a title without being part of it.
QUOTES = "\"'\u201c\u201d\u2018\u2019"

# Ids a page of an experiment or article may not take: its URL would be the listing's own.
RESERVED_IDS = frozenset({"index"})


def slugify(text: str, max_length: int = 48) -> str:
    """'U-Net: Encoder-Decoder' -> 'u-net-encoder-decoder'; other scripts are spelled in
    Latin letters: 'Нейронные сети' -> 'neironnye-seti', '深度学习' -> 'shen-du-xue-xi'."""
    slug = _NOT_WORD.sub("-", _latin(text).lower()).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0]
    return slug


def _latin(text: str) -> str:
    return "".join(_latin_character(c) for c in unicodedata.normalize("NFC", text))


def _latin_character(character: str) -> str:
    if character.isascii():
        return character
    # An accented Latin letter loses its accent ('é' -> 'e'), as ids always did.
    bare = _bare(character)
    if bare.isascii():
        return bare
    if not character.isalnum():
        return " "  # symbols and emoji are not words of the title
    spelled = anyascii(character)
    return f" {spelled} " if _SYLLABIC.match(character) else spelled


def is_transliterated(text: str) -> bool:
    """Whether `slugify(text)` spells letters of another script in Latin letters (so the
    id may not read as the owner expects, and is worth a note)."""
    return any(c.isalnum() and not _bare(c).isascii()
               for c in unicodedata.normalize("NFC", text))


def _bare(character: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", character)
                   if not unicodedata.combining(c))


def unique_id(base: str, taken: set[str]) -> str:
    candidate, n = base, 2
    while candidate in taken:
        candidate = f"{base}-{n}"
        n += 1
    return candidate


def blob_name(data: bytes, suffix: str) -> str:
    """The content-addressed file name an image or thumbnail is published and cached under."""
    return hashlib.sha256(data).hexdigest()[:20] + suffix
