"""Incremental (dirty) builds: after each kind of edit, the site a dirty build leaves equals,
byte for byte, a clean build of the same archive (every page, the search index and the
sitemap), and only the pages the edit touched were written again.

Every build after the first runs as `mkdocs build [--dirty]` in its own process, as people
run it: MkDocs keeps plugins with an `on_startup` event for the whole process, and the
search plugin carries a dirty build's index over into the next build it makes."""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from selectolax.lexbor import LexborHTMLParser

from archive_factory import png_bytes, text_pdf_bytes, write_notebook
from conftest import MKDOCS_YML, BuiltSite, SiteBuilder

CATALOGUE = """\
site:
  title: Test archive
sections:
  - id: cnn
    title: Convolutional networks
    status: active
  - id: rnn
    title: Recurrent networks
    status: active
experiments:
  - id: filters
    title: Digit filters
    section: cnn
    notebook: notebooks/filters.ipynb
    goal: See what the filters learn
    tags: [vision]
    added: 2026-11-02
  - id: pooling
    title: Pooling
    section: cnn
    notebook: notebooks/pooling.ipynb
  - id: lstm
    title: Long memories
    section: rnn
    notebook: notebooks/lstm.ipynb
articles:
  - id: lenet
    title: Gradient-based learning
    summary: The paper behind the filters.
    sections: [cnn]
    pdf: papers/lenet.pdf
    tags: [vision, classics]
    added: 2026-11-20
"""
FILES: dict[str, Any] = {
    "notebooks/filters.ipynb": lambda p: write_notebook(p, "Digit filters", heading="Kernels"),
    "notebooks/pooling.ipynb": lambda p: write_notebook(p, "Pooling"),
    "notebooks/lstm.ipynb": lambda p: write_notebook(p, "Long memories", image=False),
    "papers/lenet.pdf": text_pdf_bytes(["Gradient-based learning", "Page two: convolutions."]),
    "docs/about.md": "# About\n\nWho keeps [the filters](experiments/filters.md).\n",
}


def tree(site_dir: Path) -> dict[str, bytes]:
    return {path.relative_to(site_dir).as_posix(): BUILD_TIME.sub(b"", path.read_bytes())
            for path in sorted(site_dir.rglob("*")) if path.is_file()}


def times(site_dir: Path) -> dict[str, int]:
    return {path.relative_to(site_dir).as_posix(): path.stat().st_mtime_ns
            for path in site_dir.rglob("index.html")}


# MkDocs' own theme writes the build's time into each page (Material does not).
BUILD_TIME = re.compile(rb"Build Date UTC : [0-9: .+-]+")


def assert_same_site(dirty: BuiltSite, clean: BuiltSite) -> None:
    """Every file, byte for byte. Excused: only the build time MkDocs' own theme writes
    in a comment. The build date (pages' update_date, the sitemap and its gzip header)
    is the same within a day, and a dirty build on another day rebuilds everything (the
    date is part of the build's fingerprint)."""
    ours, theirs = tree(dirty.site_dir), tree(clean.site_dir)
    assert sorted(ours) == sorted(theirs)
    different = [name for name in ours if ours[name] != theirs[name]]
    assert different == []


def mkdocs_build(root: Path, site_dir: Path, *, dirty: bool) -> BuiltSite:
    command = [sys.executable, "-m", "mkdocs", "build", "-f", str(root / "mkdocs.yml"),
               "-d", str(site_dir), *(["--dirty"] if dirty else [])]
    done = subprocess.run(command, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return BuiltSite(root, site_dir, done.stderr.splitlines())


class Archive:
    def __init__(self, build_site: SiteBuilder, tmp_path: Path,
                 catalogue: str = CATALOGUE, files: dict[str, Any] | None = None) -> None:
        self.tmp_path = tmp_path
        self.first = build_site(catalogue, FILES if files is None else files)
        self.root = self.first.root
        self.clean_builds = 0

    def dirty(self) -> BuiltSite:
        return mkdocs_build(self.root, self.first.site_dir, dirty=True)

    def clean(self) -> BuiltSite:
        self.clean_builds += 1
        return mkdocs_build(self.root, self.tmp_path / f"clean{self.clean_builds}",
                            dirty=False)

    def rebuilt_after(self, change: Any) -> tuple[BuiltSite, set[str]]:
        """Apply `change`, build dirty; return the site and the pages it wrote again."""
        before = times(self.first.site_dir)
        change()
        site = self.dirty()
        after = times(site.site_dir)
        return site, {name for name, time in after.items() if before.get(name) != time}


@pytest.fixture
def archive(build_site: SiteBuilder, tmp_path: Path) -> Archive:
    return Archive(build_site, tmp_path)


def test_a_build_with_no_change_writes_no_page_and_keeps_the_whole_search_index(
        archive: Archive) -> None:
    site, rebuilt = archive.rebuilt_after(lambda: None)
    assert rebuilt == set()
    assert_same_site(site, archive.clean())
    locations = {doc["location"].split("#")[0] for doc in site.search_index()}
    assert {"", "about/", "experiments/filters/", "experiments/pooling/",
            "experiments/lstm/", "articles/lenet/"} <= locations


def test_a_notebook_edit_rebuilds_its_page_only(archive: Archive) -> None:
    site, rebuilt = archive.rebuilt_after(lambda: write_notebook(
        archive.root / "notebooks/filters.ipynb", "Digit filters", heading="Kernels",
        markdown="Now with the word quokkaesque."))
    assert rebuilt == {"experiments/filters/index.html"}
    assert "quokkaesque" in site.text("experiments/filters/")
    found = [doc["location"] for doc in site.search_index() if "quokkaesque" in doc["text"]]
    assert found == ["experiments/filters/#nb-kernels"]
    assert_same_site(site, archive.clean())


def test_a_catalogue_edit_rebuilds_the_pages_that_show_it(archive: Archive) -> None:
    catalogue = archive.root / "catalogue.yml"

    def edit() -> None:
        catalogue.write_text(catalogue.read_text().replace(
            "See what the filters learn", "See what the filters learnt, edited"))

    site, rebuilt = archive.rebuilt_after(edit)
    assert "experiments/filters/index.html" in rebuilt
    assert "experiments/lstm/index.html" not in rebuilt
    assert "about/index.html" not in rebuilt
    assert "learnt, edited" in site.text("experiments/filters/")
    assert_same_site(site, archive.clean())


def test_a_new_title_changes_the_navigation_and_so_every_page(archive: Archive) -> None:
    catalogue = archive.root / "catalogue.yml"
    site, rebuilt = archive.rebuilt_after(lambda: catalogue.write_text(
        catalogue.read_text().replace("title: Long memories", "title: Longer memories")))
    assert rebuilt == set(times(site.site_dir))
    assert_same_site(site, archive.clean())


def test_a_hand_written_page_edit_is_rebuilt(archive: Archive) -> None:
    site, rebuilt = archive.rebuilt_after(lambda: (archive.root / "docs/about.md").write_text(
        "# About\n\nKept by the lab, now.\n"))
    assert "about/index.html" in rebuilt
    assert "Kept by the lab, now." in site.text("about/")
    assert_same_site(site, archive.clean())


def test_deleted_files_leave_nothing_behind(archive: Archive) -> None:
    catalogue = archive.root / "catalogue.yml"

    def delete() -> None:
        text = catalogue.read_text()
        start = text.index("  - id: lstm")
        catalogue.write_text(text[:start] + text[text.index("articles:"):]
                             .replace("articles:", "\narticles:", 1))
        (archive.root / "notebooks/lstm.ipynb").unlink()
        (archive.root / "docs/about.md").unlink()

    site, _ = archive.rebuilt_after(delete)
    assert not site.path("experiments/lstm/").exists()
    assert not site.path("about/").exists()
    assert_same_site(site, archive.clean())


def test_a_missing_notebook_is_listed_as_a_clean_build_lists_it(archive: Archive) -> None:
    site, _ = archive.rebuilt_after(
        lambda: (archive.root / "notebooks/pooling.ipynb").unlink())
    assert "notebooks/pooling.ipynb" in site.text("catalogue-problems/")
    assert_same_site(site, archive.clean())


def test_a_theme_change_rebuilds_everything(archive: Archive) -> None:
    config = archive.root / "mkdocs.yml"
    changed = MKDOCS_YML.format(plugin_options="").replace(
        "features: [navigation.indexes]", "features: [navigation.indexes]\n  palette:\n"
        "    primary: teal")

    site, rebuilt = archive.rebuilt_after(lambda: config.write_text(changed))
    assert rebuilt == set(times(site.site_dir))
    assert 'data-md-color-primary="teal"' in site.text("")
    assert_same_site(site, archive.clean())


def test_a_theme_swap_leaves_no_file_of_the_old_theme(archive: Archive) -> None:
    other = MKDOCS_YML.format(plugin_options="").replace(
        "  name: material\n  font: false\n  features: [navigation.indexes]\n",
        "  name: mkdocs\n")
    site, _ = archive.rebuilt_after(lambda: (archive.root / "mkdocs.yml").write_text(other))
    assert not (site.site_dir / "assets" / "javascripts").exists()
    assert_same_site(site, archive.clean())


def test_the_search_index_of_a_dirty_build_has_every_page_once(archive: Archive) -> None:
    write_notebook(archive.root / "notebooks/pooling.ipynb", "Pooling", markdown="Edited.")
    site = archive.dirty()
    docs = site.search_index()
    assert len({json.dumps(d, sort_keys=True) for d in docs}) == len(docs)
    assert {d["location"].split("#")[0] for d in docs} == {
        d["location"].split("#")[0] for d in archive.clean().search_index()}


NOTE_CATALOGUE = CATALOGUE + """\
  - id: gates
    title: How the gates work
    summary: Notes on the LSTM's gates.
    sections: [rnn]
    note: notes/gates.md
"""
NOTE_FILES: dict[str, Any] = {
    **FILES,
    "notes/gates.md": "# Gates\n\nThe forget gate decides.\n\n## Input\n\n"
                      "![the cell](img/cell.png)\n",
    "notes/img/cell.png": png_bytes("#3366cc"),
}


@pytest.fixture
def note_archive(build_site: SiteBuilder, tmp_path: Path) -> Archive:
    return Archive(build_site, tmp_path, NOTE_CATALOGUE, NOTE_FILES)


def test_a_note_edit_rebuilds_its_article_page_only(note_archive: Archive) -> None:
    note = note_archive.root / "notes/gates.md"
    site, rebuilt = note_archive.rebuilt_after(lambda: note.write_text(
        note.read_text().replace("The forget gate decides.", "The gate is quokkaesque.")))
    assert rebuilt == {"articles/gates/index.html"}
    assert "quokkaesque" in site.text("articles/gates/")
    found = [doc["location"] for doc in site.search_index() if "quokkaesque" in doc["text"]]
    assert found and all(location.startswith("articles/gates/") for location in found)
    assert_same_site(site, note_archive.clean())


def test_an_edited_note_image_rebuilds_the_page_that_shows_it(note_archive: Archive) -> None:
    image = note_archive.root / "notes/img/cell.png"
    published = note_archive.first.path("assets/neuroverse/files/notes/img/cell.png")
    assert published.read_bytes() == image.read_bytes()
    new = png_bytes("#cc3333", (50, 20))
    site, rebuilt = note_archive.rebuilt_after(lambda: image.write_bytes(new))
    assert rebuilt == {"articles/gates/index.html"}
    assert published.read_bytes() == new
    assert_same_site(site, note_archive.clean())


def _page_images(site: BuiltSite) -> dict[str, bytes]:
    folder = site.site_dir / "assets/neuroverse/pages/lenet"
    return {path.name: path.read_bytes() for path in sorted(folder.glob("*.jpg"))}


def test_a_pdf_edit_redraws_its_pages_and_text_and_going_back_restores_them(
        archive: Archive) -> None:
    pdf = archive.root / "papers/lenet.pdf"
    original = pdf.read_bytes()
    images_before = _page_images(archive.first)
    edited = text_pdf_bytes(["Gradient-based learning", "Page two: pangolinesque pooling.",
                             "A third page."])
    site, rebuilt = archive.rebuilt_after(lambda: pdf.write_bytes(edited))
    assert "articles/lenet/index.html" in rebuilt
    assert "experiments/lstm/index.html" not in rebuilt
    assert "pangolinesque" in site.text("articles/lenet/")
    assert len(_page_images(site)) == 6 and _page_images(site) != images_before
    found = [d["location"] for d in site.search_index() if "pangolinesque" in d["text"]]
    assert found == ["articles/lenet/#page-2"]
    assert_same_site(site, archive.clean())
    # Back as it was: the cache's older files are published again (MkDocs' own check of
    # modification times would keep the newer, wrong images).
    site, _ = archive.rebuilt_after(lambda: pdf.write_bytes(original))
    assert _page_images(site) == images_before
    assert "pangolinesque" not in site.text("articles/lenet/")
    assert_same_site(site, archive.clean())


def test_a_tag_edit_rebuilds_the_tags_page_and_the_pages_that_show_the_tag(
        archive: Archive) -> None:
    catalogue = archive.root / "catalogue.yml"
    site, rebuilt = archive.rebuilt_after(lambda: catalogue.write_text(
        catalogue.read_text().replace("tags: [vision]", "tags: [vision, kernels]")))
    assert {"tags/index.html", "experiments/filters/index.html"} <= rebuilt
    assert "experiments/lstm/index.html" not in rebuilt
    tags = LexborHTMLParser(site.text("tags/"))
    assert tags.css_first("#tag-kernels") is not None
    assert_same_site(site, archive.clean())


def test_the_feed_follows_the_catalogue_and_every_head_announces_it_or_none_does(
        archive: Archive) -> None:
    catalogue = archive.root / "catalogue.yml"
    site, _ = archive.rebuilt_after(lambda: catalogue.write_text(
        catalogue.read_text().replace("added: 2026-11-02", "added: 2026-11-30")))
    feed = ElementTree.parse(site.site_dir / "feed.xml").getroot()
    atom = "{http://www.w3.org/2005/Atom}"
    titles = [entry.findtext(f"{atom}title") for entry in feed.iter(f"{atom}entry")]
    assert titles == ["Digit filters", "Gradient-based learning"]  # newest first
    assert_same_site(site, archive.clean())
    # No dated entry left: no feed, and no page may still announce one.
    site, rebuilt = archive.rebuilt_after(lambda: catalogue.write_text(re.sub(
        r"\n *added: [0-9-]+", "", catalogue.read_text())))
    assert not (site.site_dir / "feed.xml").exists()
    assert rebuilt == set(times(site.site_dir))
    assert all("application/atom+xml" not in page.read_text(encoding="utf-8")
               for page in site.site_dir.rglob("*.html"))
    assert_same_site(site, archive.clean())


def test_a_new_figure_makes_a_new_card_picture(archive: Archive) -> None:
    red = {"output_type": "display_data", "data": {
        "image/png": base64.b64encode(png_bytes("#cc3333")).decode(), "text/plain": "<Figure>"},
        "metadata": {}}
    site, rebuilt = archive.rebuilt_after(lambda: write_notebook(
        archive.root / "notebooks/filters.ipynb", "Digit filters", heading="Kernels",
        image=False, extra_outputs=[red]))
    assert {"experiments/filters/index.html", "sections/cnn/index.html"} <= rebuilt
    assert "experiments/lstm/index.html" not in rebuilt
    assert_same_site(site, archive.clean())


def test_every_page_of_a_dirty_build_has_its_preview_tags_once(archive: Archive) -> None:
    site, _ = archive.rebuilt_after(lambda: write_notebook(
        archive.root / "notebooks/pooling.ipynb", "Pooling", markdown="Edited."))
    for page in site.site_dir.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        if page.name == "404.html":
            continue  # MkDocs renders it from the theme alone, as no page of the site
        assert text.count('property="og:title"') == 1, page
        assert text.count("application/atom+xml") == 1, page


STOPPED_BUILD = """\
import sys

from mkdocs.commands.build import build
from mkdocs.config import load_config

from neuroverse_site.plugin import incremental


def stop(*_, **__):
    raise RuntimeError("the build stopped here")


incremental.merged_search_index = stop
config = load_config(sys.argv[1], site_dir=sys.argv[2])
config.plugins.on_startup(command="build", dirty=True)
try:
    build(config, dirty=True)
except RuntimeError as error:
    print(error)
"""


def test_a_build_that_stops_half_way_leaves_none_of_its_pages_trusted(
        archive: Archive, tmp_path: Path) -> None:
    # The record of pages is written once a build is done; one that stops after writing a
    # page must not leave that page's file trusted under the digest of what it replaced.
    # The stopped build runs in a process of its own: MkDocs keeps the plugin for the
    # whole process, and a build that stopped half-way would leave it to this one's tests.
    notebook = archive.root / "notebooks/filters.ipynb"
    first = notebook.read_bytes()
    write_notebook(notebook, "Digit filters", heading="Kernels",
                   markdown="A version whose build never finished.")
    script = tmp_path / "stopped_build.py"
    script.write_text(STOPPED_BUILD, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script), str(archive.root / "mkdocs.yml"),
                           str(archive.first.site_dir)], cwd=archive.root, capture_output=True,
                          text=True, timeout=300, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert "the build stopped here" in done.stdout, done.stdout + done.stderr
    assert "never finished" in archive.first.text("experiments/filters/")
    notebook.write_bytes(first)  # back to what the last finished build recorded
    site = archive.dirty()
    assert "never finished" not in site.text("experiments/filters/")
    assert_same_site(site, archive.clean())
