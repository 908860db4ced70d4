"""A small archive with every kind of generated page, and ways to read the sites that other
builders (plain MkDocs on an export, ProperDocs, Zensical) make of it."""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from selectolax.lexbor import LexborHTMLParser

from archive_factory import png_bytes, text_pdf_bytes, write_notebook

CATALOGUE = """\
site:
  title: Engines
  tagline: One archive, three builders.
  repository_url: https://github.com/example/engines
sections:
  - id: cnn
    title: Convolutional networks & friends
    status: active
  - id: notes
    title: Notes
    status: planned
experiments:
  - id: filters
    title: Digit filters
    section: cnn
    notebook: notebooks/filters.ipynb
    tags: [filters]
    added: 2026-11-02
  - id: pooling
    title: Pooling
    section: cnn
    notebook: notebooks/pooling.ipynb
  - id: later
    title: Planned one
    section: notes
    status: planned
articles:
  - id: chain
    title: The chain rule
    sections: [cnn, notes]
    pdf: papers/chain.pdf
    added: 2026-11-20
    summary: Derivatives through a graph.
  - id: pooling-notes
    title: Why pool at all
    sections: [cnn]
    note: notes/pooling.md
    summary: Notes beside the pooling notebook.
resources:
  - title: Distill
    url: https://distill.pub/
    topic: Reading
    type: blog
"""


def archive_files() -> dict[str, Any]:
    return {
        "notebooks/filters.ipynb": lambda p: write_notebook(
            p, "Digit filters", heading="Kernel zebrafinch", markdown="Only here: quetzalcoatl."),
        "notebooks/pooling.ipynb": lambda p: write_notebook(p, "Pooling", heading="Max pool"),
        # Text on every page: the page texts are filled in after Markdown by the plugin and
        # by the export itself, and must read the same.
        "papers/chain.pdf": text_pdf_bytes(["The chain rule", "Only on page two: ocelotry.",
                                            "Summary"]),
        "docs/about.md": "# About\n\nHand-written.\n",
        "notes/pooling.md": POOLING_NOTE,
        "notes/img/grid.png": png_bytes("#3366cc"),
    }


# A Markdown note article: its own heading, math, an image beside it, a link to a
# catalogued notebook's page and one to the image file itself.
POOLING_NOTE = """\
# Why pool at all

Pooling keeps the strongest answer: only here, ocelotlike $\\max_i x_i$.

![a pooling grid](img/grid.png)

## Against pooling

See [the pooling notebook](../notebooks/pooling.ipynb) and [the grid itself](img/grid.png).
"""


GENERATED_PAGES = [
    "sections/index.html", "sections/cnn/index.html", "sections/notes/index.html",
    "experiments/index.html", "experiments/filters/index.html", "experiments/pooling/index.html",
    "experiments/later/index.html", "articles/index.html", "articles/chain/index.html",
    "articles/pooling-notes/index.html",
    "resources/index.html", "tags/index.html",
]


def site_pages(site_dir: Path) -> list[str]:
    return sorted(p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*.html"))


def article_text(site_dir: Path, page: str) -> str:
    tree = LexborHTMLParser((site_dir / page).read_text(encoding="utf-8"))
    node = tree.css_first("article")
    assert node is not None, f"{page} has no article"
    return " ".join(node.text().split())


def notebook(site_dir: Path, page: str, selector: str = ".nv-notebook") -> tuple[str, list[str]]:
    """The page's rendered notebook (or, with `selector` ".nv-note", Markdown note) with
    image sources blanked, and the sha256 of each image (a file beside the page or a data:
    URL), so pages that carry their images differently compare equal when they show the
    same thing."""
    path = site_dir / page
    tree = LexborHTMLParser(path.read_text(encoding="utf-8"))
    node = tree.css_first(selector)
    assert node is not None, f"{page} shows no {selector}"
    images = []
    for image in node.css("img"):
        source = image.attributes.get("src") or ""
        if source.startswith("data:"):
            data = base64.b64decode(source.split(",", 1)[1])
        else:
            data = (path.parent / source).resolve().read_bytes()
        images.append(hashlib.sha256(data).hexdigest())
        image.attrs["src"] = ""
    # Zensical drops this attribute, keeping what it means in its own search index.
    for element in node.css("[data-search-exclude]"):
        del element.attrs["data-search-exclude"]
    return node.html or "", images


def build_plain(config_file: Path, site_dir: Path) -> list[str]:
    """Build with MkDocs in this process, strictly; return the warnings it logged."""
    records: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.levelno >= logging.WARNING:
                records.append(record.getMessage())

    handler = Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    try:
        build(load_config(str(config_file), site_dir=str(site_dir), strict=True))
    finally:
        logger.removeHandler(handler)
    return records


def builder(name: str) -> Path:
    """The named builder's command from this environment; on CI its absence fails (the
    dev extra installs it), elsewhere the test is skipped with the way to install it."""
    found = Path(sys.executable).parent / name
    if found.is_file():
        return found
    on_path = shutil.which(name)
    if on_path:
        return Path(on_path)
    message = (f"{name} is not installed here: `pip install -e '.[{name}]'` (make test "
               "installs it through the dev extra)")
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def subprocess_env() -> dict[str, str]:
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
