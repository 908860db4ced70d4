"""A notebook's card picture: its chosen figure, made small. No MkDocs types here.

Which figure: the image output of a cell tagged `thumbnail` (or with nbsphinx's
`nbsphinx-thumbnail` tag or cell metadata, whose `output-index` picks one output; otherwise
the cell's last image, as nbsphinx does), else the notebook's first image output. A figure
Pillow cannot read is passed over for the next one; a notebook without images has none.

The picture is decoded and encoded again by Pillow, so nothing but pixels from the notebook
reaches the site, and it is small enough for a card (WebP, at most THUMBNAIL_WIDTH wide).
"""

from __future__ import annotations

import base64
import binascii
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from PIL import Image

from ..core.ids import blob_name

THUMBNAIL_WIDTH = 320
THUMBNAIL_MAX_HEIGHT = 400  # a very tall figure is cut to a card's size, not squeezed
THUMBNAIL_QUALITY = 78
# Larger figures are left alone: decoding one would cost more than a card is worth, and a
# crafted image could claim any size.
MAX_SOURCE_PIXELS = 40_000_000
# Give up after this many unreadable figures: a notebook of broken images is not worth
# decoding to the end.
MAX_ATTEMPTS = 8
TAGS = ("thumbnail", "nbsphinx-thumbnail")
METADATA_KEY = "nbsphinx-thumbnail"
# Raster formats Pillow reads; SVG would need a renderer we do not carry.
IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")


@dataclass(frozen=True)
class NotebookThumbnail:
    name: str  # content-addressed file name, published beside the notebook's images
    data: bytes
    width: int
    height: int


def notebook_thumbnail(notebook: Mapping[str, Any]) -> NotebookThumbnail | None:
    """The card picture of a notebook (a parsed nbformat 4 document), or None."""
    for attempt, encoded in enumerate(_candidates(notebook)):
        if attempt >= MAX_ATTEMPTS:
            return None
        thumbnail = make_thumbnail(encoded)
        if thumbnail is not None:
            return thumbnail
    return None


def make_thumbnail(encoded: str) -> NotebookThumbnail | None:
    """A base64 image output -> a small WebP, or None when Pillow cannot read it."""
    try:
        raw = base64.b64decode(encoded)
    except (binascii.Error, ValueError):
        return None
    try:
        with Image.open(io.BytesIO(raw)) as image:
            if image.width * image.height > MAX_SOURCE_PIXELS:
                return None
            image.draft("RGB", (THUMBNAIL_WIDTH, THUMBNAIL_MAX_HEIGHT))  # JPEG: decode smaller
            has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
            frame = image.convert("RGBA" if has_alpha else "RGB")
    except (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError):
        return None
    if frame.width < 1 or frame.height < 1:
        return None
    scale = min(1.0, THUMBNAIL_WIDTH / frame.width)
    width, height = max(1, round(frame.width * scale)), max(1, round(frame.height * scale))
    frame = frame.resize((width, height), Image.Resampling.LANCZOS)
    if height > THUMBNAIL_MAX_HEIGHT:
        frame = frame.crop((0, 0, width, THUMBNAIL_MAX_HEIGHT))
        height = THUMBNAIL_MAX_HEIGHT
    buffer = io.BytesIO()
    frame.save(buffer, format="WEBP", quality=THUMBNAIL_QUALITY, method=4)
    data = buffer.getvalue()
    return NotebookThumbnail(blob_name(data, ".webp"), data, width, height)


def _candidates(notebook: Mapping[str, Any]) -> Iterator[str]:
    """Base64 images in the order they should be tried: the chosen cell's, then all."""
    cells = [cell for cell in _list(notebook.get("cells")) if isinstance(cell, Mapping)]
    for cell in cells:
        chosen = _chosen(cell)
        if chosen is None:
            continue
        images = list(map(_image, _list(cell.get("outputs"))))
        index = chosen.get("output-index")
        if isinstance(index, int) and not isinstance(index, bool) and 0 <= index < len(images):
            picked = images[index]
        else:
            picked = next((image for image in reversed(images) if image), None)
        if picked:
            yield picked
        break  # only the first chosen cell counts
    for cell in cells:
        for output in _list(cell.get("outputs")):
            image = _image(output)
            if image:
                yield image


def _chosen(cell: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The cell's thumbnail settings when it is marked as the thumbnail, else None."""
    metadata = cell.get("metadata")
    if not isinstance(metadata, Mapping):
        return None
    settings = metadata.get(METADATA_KEY)
    if isinstance(settings, Mapping):
        return settings
    tags = metadata.get("tags")
    if isinstance(tags, list) and any(tag in TAGS for tag in tags if isinstance(tag, str)):
        return {}
    return None


def _image(output: Any) -> str | None:
    if not isinstance(output, Mapping):
        return None
    data = output.get("data")
    if not isinstance(data, Mapping):
        return None
    for mime in IMAGE_TYPES:
        value = data.get(mime)
        if isinstance(value, list):  # nbformat allows a list of lines
            value = "".join(part for part in value if isinstance(part, str))
        if isinstance(value, str) and value.strip():
            return value
    return None


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
