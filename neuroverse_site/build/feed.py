"""The archive's Atom feed (RFC 4287): the newest entries, for feed readers. No MkDocs types.

Built with ElementTree, which escapes every text and attribute, rather than a text template:
a title with `<` or `&` must stay a title, and a feed reader rejects the whole feed for
one bad character.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from urllib.parse import quote

from ..core.model import Article, Catalogue, Experiment
from .render import FEED_URI, article_uri, distinct_text, experiment_uri, page_url

ATOM = "http://www.w3.org/2005/Atom"
FEED_LIMIT = 50
# Characters XML 1.0 cannot carry at all, not even escaped.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def atom_feed(catalogue: Catalogue, site_url: str, *, use_directory_urls: bool = True,
              limit: int = FEED_LIMIT) -> bytes | None:
    """The feed of the `limit` newest experiments and articles by `added`, newest first
    (ties in catalogue order), with absolute links under `site_url`. None when no entry
    has a date: a feed needs a time it was updated, and the build's own clock would make
    every build differ."""
    entries = catalogue.recent(limit)
    if not entries:
        return None
    base = site_url.rstrip("/") + "/"

    def absolute(uri: str) -> str:
        return base + quote(page_url(uri, use_directory_urls), safe="/")

    # Names without a namespace, and Atom's declared on the root as the default: the same
    # document as qualified names would give, without ElementTree's ns0: prefixes.
    feed = ET.Element("feed", xmlns=ATOM)
    _text(feed, "id", base)
    _text(feed, "title", catalogue.site.title)
    if catalogue.site.tagline:
        _text(feed, "subtitle", catalogue.site.tagline)
    ET.SubElement(feed, "link", rel="self", type="application/atom+xml",
                  href=base + FEED_URI)
    ET.SubElement(feed, "link", rel="alternate", type="text/html", href=base)
    _text(feed, "updated", _timestamp(entries[0].added))
    author = ET.SubElement(feed, "author")
    _text(author, "name", catalogue.site.title)
    _text(feed, "generator", "NeuroVerse")
    for entry in entries:
        uri = article_uri(entry) if isinstance(entry, Article) else experiment_uri(entry)
        item = ET.SubElement(feed, "entry")
        _text(item, "id", absolute(uri))
        _text(item, "title", entry.title)
        ET.SubElement(item, "link", rel="alternate", type="text/html", href=absolute(uri))
        _text(item, "published", _timestamp(entry.added))
        _text(item, "updated", _timestamp(entry.added))
        summary = _summary(entry)
        if summary:
            _text(item, "summary", summary)
        kind = "Article" if isinstance(entry, Article) else "Experiment"
        ET.SubElement(item, "category", term=kind.lower(), label=kind)
        for tag in entry.tags:
            ET.SubElement(item, "category", term=_clean(tag))
    return bytes(ET.tostring(feed, encoding="utf-8", xml_declaration=True))


def _summary(entry: Experiment | Article) -> str:
    text = entry.summary if isinstance(entry, Article) else entry.goal
    return distinct_text(text, entry.title)


def _text(parent: ET.Element, name: str, value: str) -> None:
    ET.SubElement(parent, name).text = _clean(value)


def _clean(value: str) -> str:
    return _NOT_XML.sub("", " ".join(value.split()))


def _timestamp(day: dt.date | None) -> str:
    """A date as Atom's date-time: midnight UTC (the catalogue records days, not times)."""
    assert day is not None  # Catalogue.recent lists dated entries only
    return f"{day.isoformat()}T00:00:00Z"
