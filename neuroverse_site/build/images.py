"""Which image bytes may be published, decided by their content, never by a file name.

Raster images are whatever Pillow recognises as PNG, JPEG, GIF, WebP, AVIF or BMP; they are
published under the extension of the format found, so a browser never reads them as
anything else. SVG is XML that can carry script, event handlers, foreign HTML and links to
other hosts: it is rebuilt from an allow-list of drawing elements and attributes, and any
reference outside the image itself is dropped. Everything else is refused.
"""

from __future__ import annotations

import io
import re
import warnings
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass

from PIL import Image

RASTER_FORMATS = {"PNG": ".png", "JPEG": ".jpg", "GIF": ".gif", "WEBP": ".webp",
                  "AVIF": ".avif", "BMP": ".bmp"}
# Far above any figure; a bound on what one image may cost the build and the reader.
MAX_IMAGE_BYTES = 20 * 1024 * 1024

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
_SVG_ELEMENTS = frozenset({
    "svg", "g", "defs", "symbol", "use", "title", "desc", "path", "rect", "circle",
    "ellipse", "line", "polyline", "polygon", "text", "tspan", "textPath", "clipPath", "mask",
    "pattern", "marker", "linearGradient", "radialGradient", "stop", "style", "filter",
    "feGaussianBlur", "feOffset", "feBlend", "feColorMatrix", "feComposite", "feFlood",
    "feMerge", "feMergeNode", "switch",
})
# Presentation and geometry; no event handlers, no href but to a fragment of this image.
_SVG_ATTRIBUTES = frozenset({
    "id", "class", "style", "transform", "d", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy",
    "r", "rx", "ry", "width", "height", "viewBox", "preserveAspectRatio", "points", "fill",
    "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity",
    "stroke-linecap", "stroke-linejoin", "stroke-dasharray", "stroke-dashoffset",
    "stroke-miterlimit", "opacity", "clip-path", "clip-rule", "clipPathUnits", "mask",
    "font-family", "font-size", "font-weight", "font-style", "text-anchor",
    "dominant-baseline", "alignment-baseline", "baseline-shift", "letter-spacing",
    "dx", "dy", "rotate", "textLength", "lengthAdjust", "offset", "stop-color",
    "stop-opacity", "gradientUnits", "gradientTransform", "spreadMethod", "fx", "fy",
    "patternUnits", "patternContentUnits", "patternTransform", "markerWidth",
    "markerHeight", "markerUnits", "refX", "refY", "orient", "marker-start", "marker-mid",
    "marker-end", "version", "overflow", "visibility", "display", "color", "filter",
    "stdDeviation", "in", "in2", "result", "mode", "values", "type", "operator",
    "flood-color", "flood-opacity", "maskUnits", "maskContentUnits", "filterUnits",
    "primitiveUnits", "vector-effect", "shape-rendering", "text-rendering",
    "image-rendering", "color-interpolation-filters", "space", "href",
})
# url(#id) points inside the image; any other url(...) or @import would fetch.
_FOREIGN_CSS = re.compile(r"@import|url\(\s*['\"]?\s*(?!#)|image-set\(|expression\(|\\",
                          re.IGNORECASE)


class ImageRefused(Exception):
    """The bytes are not an image the site publishes; the message says what they are."""


@dataclass(frozen=True)
class PublishableImage:
    data: bytes
    suffix: str
    # What was taken out of an SVG (script, handlers, foreign content, external links).
    removed: tuple[str, ...] = ()


def publishable_image(data: bytes) -> PublishableImage:
    """Check `data` by content; raise ImageRefused for anything but a raster image or an
    SVG (which comes back cleaned)."""
    if len(data) > MAX_IMAGE_BYTES:
        raise ImageRefused(f"is {len(data) // (1024 * 1024)} MB, above the "
                           f"{MAX_IMAGE_BYTES // (1024 * 1024)} MB an image may weigh")
    raster = _raster_format(data)
    if raster is not None:
        return PublishableImage(data, RASTER_FORMATS[raster])
    if _looks_like_svg(data):
        cleaned, removed = sanitise_svg(data)
        return PublishableImage(cleaned, ".svg", tuple(removed))
    raise ImageRefused(f"is not an image ({_what_it_is(data)})")


def _raster_format(data: bytes) -> str | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                found = image.format
                if found not in RASTER_FORMATS:
                    return None
                image.verify()
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError,
            Image.DecompressionBombWarning, EOFError):
        return None
    return found


def _looks_like_svg(data: bytes) -> bool:
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<?xml", b"<svg", b"<!--")) and b"<svg" in data[:65536].lower()


def _what_it_is(data: bytes) -> str:
    head = data[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<script" in head:
        return "HTML"
    if head.startswith(b"<"):
        return "markup"
    if head.startswith(b"%pdf"):
        return "a PDF"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return "unrecognised binary data"
    return "text"


def sanitise_svg(data: bytes) -> tuple[bytes, list[str]]:
    """The SVG rebuilt from allowed elements and attributes; what was dropped, in words.
    DTDs and entities are refused outright (they are how XML reaches for other files)."""
    if re.search(rb"<!(doctype|entity)", data, re.IGNORECASE):
        raise ImageRefused("is an SVG with a document type declaration, which can reach for "
                           "other files; save it without one")
    try:
        root = ElementTree.fromstring(data)
    except (ElementTree.ParseError, ValueError) as exc:
        raise ImageRefused(f"is not a well-formed SVG ({exc})") from exc
    if root.tag != f"{{{SVG_NS}}}svg":
        raise ImageRefused("is XML but not an SVG image")
    removed: list[str] = []

    def note(what: str) -> None:
        if what not in removed:
            removed.append(what)

    def clean(element: ElementTree.Element) -> None:
        for child in list(element):
            namespace, _, name = str(child.tag).rpartition("}")
            if namespace != f"{{{SVG_NS}" or name not in _SVG_ELEMENTS:
                if name not in ("metadata",):  # matplotlib's RDF notes are harmless noise
                    note(f"<{name}>")
                element.remove(child)
                continue
            if name == "style" and child.text and _FOREIGN_CSS.search(child.text):
                note("a style sheet that loads other files")
                element.remove(child)
                continue
            clean(child)
        for attribute in list(element.attrib):
            namespace, _, name = attribute.rpartition("}")
            value = element.attrib[attribute]
            allowed = (name in _SVG_ATTRIBUTES
                       and namespace in ("", f"{{{XLINK_NS}", "{http://www.w3.org/XML/1998/namespace"))
            if allowed and name == "href" and not value.strip().startswith("#"):
                allowed = False
            if allowed and _FOREIGN_CSS.search(value):
                allowed = False
            if not allowed:
                note("event handler" if name.lower().startswith("on") else f"{name}='{value}'"
                     if name == "href" else f"attribute {name}")
                del element.attrib[attribute]

    clean(root)
    ElementTree.register_namespace("", SVG_NS)
    ElementTree.register_namespace("xlink", XLINK_NS)
    cleaned = ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
    return cleaned, removed
