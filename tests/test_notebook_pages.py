"""Notebook pages built through the cache: the same content as a fresh render, findable in
search cell by cell, and light (shared stylesheet, images as lazy files)."""

from __future__ import annotations

import json
import logging
import os
import re
from pathlib import Path
from typing import Any

import pytest

from neuroverse_site.build.cache import FORMAT_VERSION
from neuroverse_site.build.site import narrow, widen
from neuroverse_site.plugin.files import LinkedFile

from archive_factory import TWO_NOTEBOOKS, write_notebook
from conftest import MKDOCS_YML, BuiltSite, SiteBuilder

CATALOGUE = TWO_NOTEBOOKS


def _files() -> dict[str, Any]:
    return {
        "notebooks/filters.ipynb": lambda p: write_notebook(
            p, "Digit filters", heading="Kernel zebrafinch",
            markdown="The word quetzalcoatl appears only in this Markdown cell.",
            code="weights_axolotl = train(model)\nprint(weights_axolotl)",
            stream="epoch 1 loss narwhalish\n"),
        "notebooks/pooling.ipynb": lambda p: write_notebook(p, "Pooling", heading="Max pool"),
    }


@pytest.fixture(autouse=True)
def _info_logs(caplog: pytest.LogCaptureFixture) -> None:
    """MkDocs' command line shows INFO lines; a build run from Python must ask for them."""
    caplog.set_level(logging.INFO, logger="mkdocs.plugins.neuroverse_site")


def _pages(site: BuiltSite) -> dict[str, str]:
    return {p.relative_to(site.site_dir).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(site.site_dir.rglob("*.html"))}


def test_a_second_build_is_identical_and_comes_from_the_cache(build_site: SiteBuilder) -> None:
    first = build_site(CATALOGUE, _files())
    first_pages = _pages(first)
    second = build_site(CATALOGUE, root=first.root)

    assert _pages(second) == first_pages
    assert "INFO: neuroverse_site: rendered 2/2 notebooks, 0 from cache" in first.log
    assert "INFO: neuroverse_site: rendered 2/2 notebooks, 2 from cache" in second.log
    assert (first.root / ".cache" / "neuroverse").is_dir()


def test_cached_and_uncached_pages_show_the_same_cells_outputs_and_images(
        build_site: SiteBuilder, tmp_path: Path) -> None:
    cached = build_site(CATALOGUE, _files())
    cached = build_site(CATALOGUE, root=cached.root)  # every notebook from the cache
    same_notebooks: dict[str, Any] = {  # the factory gives cells new ids each time
        name: (cached.root / name).read_bytes() for name in _files()}
    fresh = build_site(CATALOGUE, same_notebooks, root=tmp_path / "fresh",
                       plugin_options="cache: false")
    assert "rendered 2/2 notebooks, 0 from cache" in "\n".join(fresh.log)
    assert not (tmp_path / "fresh" / ".cache").exists()

    for site in (cached, fresh):
        page = site.article("experiments/filters/")
        assert len(page.css(".jp-MarkdownCell")) == 2
        assert len(page.css(".jp-CodeCell")) == 1  # one cell div, not the two nbconvert nests
        assert "An experiment in the archive." in page.text()
        assert "weights_axolotl" in page.css_first(".jp-CodeCell .highlight").text()
        assert "narwhalish" in page.css_first("nv-output").text()
        image = page.css_first("nv-output img")
        assert image.attributes["loading"] == "lazy"
        source = site.path("experiments/filters/").parent / image.attributes["src"]
        assert source.resolve().is_file()
    assert cached.text("experiments/filters/") == fresh.text("experiments/filters/")


def test_notebook_pages_inline_no_styles_or_scripts(build_site: SiteBuilder) -> None:
    site = build_site(CATALOGUE, _files())
    html = site.text("experiments/filters/")
    assert "<style" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S", html.split("</article>")[0]
                         .split('<article class="md-content__inner')[-1])
    assert "assets/neuroverse/neuroverse.css" in html
    assert "data:image" not in html


def test_search_finds_markdown_and_code_cells_lands_on_headings_and_skips_outputs(
        build_site: SiteBuilder) -> None:
    site = build_site(CATALOGUE, _files())
    entries = [e for e in site.search_index() if e["location"].startswith("experiments/filters/")]
    text = " ".join(e["text"] + " " + e["title"] for e in entries)

    assert "quetzalcoatl" in text  # only in a Markdown cell
    assert "weights_axolotl" in text  # only in a code cell
    assert "narwhalish" not in text  # only in a stream output (a training log)
    heading = [e for e in entries if "#nb-" in e["location"]]
    assert heading, "no search entry lands on a heading inside the notebook"
    assert heading[0]["location"] == "experiments/filters/#nb-kernel-zebrafinch"
    assert "quetzalcoatl" in heading[0]["text"]
    assert "weights_axolotl" in heading[0]["text"]  # code lands under the heading above it
    # Readers still get the full notebook: highlighted code and outputs.
    page = site.article("experiments/filters/")
    assert page.css_first(".jp-CodeCell .highlight code span") is not None
    assert "narwhalish" in page.css_first("nv-output").text()


def test_a_complete_build_evicts_entries_it_no_longer_uses(build_site: SiteBuilder) -> None:
    first = build_site(CATALOGUE, _files())
    entries = first.root / ".cache" / "neuroverse" / f"v{FORMAT_VERSION}" / "entries"
    assert len(list(entries.glob("*/*.json"))) == 2
    one_left = CATALOGUE[: CATALOGUE.index("      - id: pooling")]
    for entry in entries.glob("*/*.json"):  # as if written by an earlier build
        os.utime(entry, (1_000_000_000, 1_000_000_000))
    (first.root / "notebooks" / "pooling.ipynb").unlink()

    build_site(one_left, root=first.root)

    assert len(list(entries.glob("*/*.json"))) == 1


def test_cache_blobs_are_linked_and_the_archive_files_copied(build_site: SiteBuilder) -> None:
    site = build_site(CATALOGUE, _files())
    notebook = site.site_dir / "notebooks" / "filters.ipynb"
    source = site.root / "notebooks" / "filters.ipynb"
    assert notebook.read_bytes() == source.read_bytes()
    assert not os.path.samefile(notebook, source)
    # No file of the archive has a second name anywhere: writing into site/ in place never
    # edits a source.
    archive_files = [p for p in site.root.rglob("*")
                     if p.is_file() and site.site_dir not in p.parents
                     and ".cache" not in p.relative_to(site.root).parts]
    assert archive_files and all(p.stat().st_nlink == 1 for p in archive_files)
    image = next((site.site_dir / "assets" / "neuroverse" / "nb").iterdir())
    blob = site.root / ".cache" / "neuroverse" / f"v{FORMAT_VERSION}" / "blobs" / image.name
    assert os.path.samefile(image, blob)


def test_a_linked_file_whose_source_vanished_is_written_from_memory(tmp_path: Path) -> None:
    linked = LinkedFile("assets/x.png", src_dir=None, dest_dir=str(tmp_path),
                        use_directory_urls=True)
    linked.abs_src_path = str(tmp_path / "evicted-blob.png")
    linked.fallback = b"image bytes"
    linked.copy_file()
    assert (tmp_path / "assets" / "x.png").read_bytes() == b"image bytes"


SWAPPING_HOOK = """\
from mkdocs.plugins import event_priority


def on_page_content(html, page, config, files):
    # Another plugin that rewrites every code block after the notebook is in the page.
    return html.replace("<pre", '<pre data-touched="yes"', )


@event_priority(100)
def on_page_context(context, page, config, nav):
    if page.content:
        page.content = page.content.replace("Kernel zebrafinch", "Kernel zebrafinch!")
    return context
"""


@pytest.mark.parametrize("hook_events", ["content", "context"])
def test_a_plugin_that_edits_the_notebook_never_breaks_the_build(
        build_site: SiteBuilder, hook_events: str) -> None:
    hook = SWAPPING_HOOK
    if hook_events == "content":  # only the on_page_content edit
        hook = hook.split("@event_priority")[0]
    mkdocs_yml = MKDOCS_YML.format(plugin_options="") + "hooks:\n  - hook.py\n"
    site = build_site(CATALOGUE, {**_files(), "hook.py": hook}, mkdocs_yml=mkdocs_yml)

    page = site.article("experiments/filters/")
    assert "weights_axolotl" in page.text()  # the full notebook, with its code
    assert page.css_first('pre[data-touched="yes"]') is not None
    if hook_events == "context":
        assert "Kernel zebrafinch!" in page.text()
    # Search fell back to the full page and still finds the notebook's words.
    entries = " ".join(doc["text"] for doc in site.search_index()
                       if doc["location"].startswith("experiments/filters/"))
    assert "quetzalcoatl" in entries
    assert "weights_axolotl" in entries


def test_spaces_between_punctuation_join_its_spans() -> None:
    from selectolax.lexbor import LexborHTMLParser

    from neuroverse_site.build.notebooks import render_script

    source = "x = f(a, (b)) + [1, -2]\nif x :\n    y = 3\n"
    html = render_script(Path("demo.py"), source.encode()).html
    code = LexborHTMLParser(html).css_first("code")
    assert code is not None and code.text() == source  # every character kept
    punctuation = [span.text() for span in code.css("span.p")]
    # ", (" and ")) + [" are one span each (spaces have no colour); a line break or a name
    # between two pieces still parts them.
    assert ", (" in punctuation and ")) + [" in punctuation and ", -" in punctuation
    assert not any("\n" in piece for piece in punctuation)


WIDTH_HOOK = """\
import json
from pathlib import Path

from mkdocs.plugins import event_priority


@event_priority(-100)
def on_post_build(config):
    # What MkDocs still holds of each page when the build ends.
    pages = {}
    for file in config._neuroverse_files.documentation_pages():
        content = file.page.content if file.page is not None else None
        if content:
            pages[file.src_uri] = max(map(ord, content))
    Path(config.config_file_path).with_name("widest.json").write_text(json.dumps(pages))


def on_files(files, config):
    config._neuroverse_files = files
    return files
"""


def test_a_notebook_page_is_held_narrow_and_written_with_its_own_characters(
        build_site: SiteBuilder) -> None:
    # Box drawing (a model summary), a dash, Greek and a bold maths letter (beyond the
    # Basic Multilingual Plane): the page keeps them as they are, search finds them, and
    # what MkDocs holds of the page until the build ends is stored one byte a character.
    wide = "layer ─── δ \U0001d431 — done"
    files = {
        "notebooks/filters.ipynb": lambda p: write_notebook(
            p, "Digit filters", heading="Kernel zebrafinch", markdown=f"Summary: {wide}",
            code="print('─')", stream=f"{wide}\n"),
        "notebooks/pooling.ipynb": lambda p: write_notebook(p, "Pooling", heading="Max pool"),
        "hook.py": WIDTH_HOOK,
    }
    mkdocs_yml = MKDOCS_YML.format(plugin_options="") + "hooks:\n  - hook.py\n"
    site = build_site(CATALOGUE, files, mkdocs_yml=mkdocs_yml)

    text = site.text("experiments/filters/")
    assert text.count(wide) == 2  # the Markdown cell and the output, as written
    assert "&#x0" not in text
    entries = " ".join(doc["text"] for doc in site.search_index()
                       if doc["location"].startswith("experiments/filters/"))
    assert wide in entries
    widest = json.loads((site.root / "widest.json").read_text())
    assert widest["experiments/filters.md"] <= 0xFF


def test_narrow_and_widen_undo_each_other_and_leave_other_references() -> None:
    html = "<p>a ─ \U0001d431 é &#x03c; &#x02500; &amp;</p>"
    narrowed = narrow(html)
    assert max(map(ord, narrowed)) <= 0xFF
    # The reference for "<" an author wrote stays a reference; one for a wide character
    # becomes it, as a browser would read it.
    assert widen(narrowed) == "<p>a ─ \U0001d431 é &#x03c; ─ &amp;</p>"


VANISHING_HOOK = """\
from pathlib import Path


def on_files(files, config):
    # After the notebooks were rendered and before their pages are made: another build
    # evicts this build's cache entries, and the owner breaks a notebook.
    root = Path(config.config_file_path).parent
    for entry in (root / ".cache").rglob("entries/*/*.json"):
        entry.unlink()
    (root / "notebooks" / "filters.ipynb").write_text("{not json", encoding="utf-8")
    return files
"""


def test_a_notebook_gone_from_cache_and_disk_meanwhile_leaves_its_page_with_nv375(
        build_site: SiteBuilder) -> None:
    mkdocs_yml = MKDOCS_YML.format(plugin_options="") + "hooks:\n  - hook.py\n"
    site = build_site(CATALOGUE, {**_files(), "hook.py": VANISHING_HOOK},
                      mkdocs_yml=mkdocs_yml, strict=False)
    assert any("warning NV375" in line and "experiments/filters.md" in line
               for line in site.warnings())
    assert "weights_axolotl" not in site.article("experiments/filters/").text()
    # The other notebook, whose entry is gone too, is rendered again from its file.
    assert "Max pool" in site.article("experiments/pooling/").text()
