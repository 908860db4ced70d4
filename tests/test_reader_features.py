"""What a reader gets besides the pages themselves: buttons to open, view and download an
experiment, pictures on cards, a tags page, an Atom feed and link previews; and the
rendering defects of issue 14 (inline code in descriptions, one status, no echoed title)."""

from __future__ import annotations

import base64
import io
import logging
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from PIL import Image

from neuroverse_site.authoring.readme import render_archive_block
from neuroverse_site.build.render import (
    Facts,
    Renderer,
    SourceLinks,
    repository_of,
    source_links,
    tag_anchors,
)
from neuroverse_site.build.thumbnails import THUMBNAIL_WIDTH, notebook_thumbnail
from neuroverse_site.core.loader import load_catalogue_file
from neuroverse_site.core.model import Catalogue, Experiment, SiteInfo, Status

from archive_factory import png_bytes, write_notebook, write_pdf
from conftest import MKDOCS_YML, BuiltSite, SiteBuilder

ATOM = "{http://www.w3.org/2005/Atom}"
SITE = "https://example.org/archive/"

CATALOGUE = """\
site:
  title: Reader & friends
  tagline: An archive for "readers".
  repository_url: https://github.com/owner/repo
  branch: dev/v2
sections:
  - id: cnn
    title: Convolutions
    focus: Images
    status: active
experiments:
  - id: filters
    title: Filters and maps
    section: cnn
    notebook: notebooks/my filters (v2).ipynb
    goal: See what a kernel responds to.
    tags: [Vision, vision, C++]
    added: 2025-01-02
    description: 'Compare `a < b` and `x = "y" & z`, then <b>raw</b> and `<script>alert(1)</script>`.'
  - id: train-script
    title: A training script
    section: cnn
    script: scripts/train.py
    added: 2025-01-05
  - id: someday
    title: Someday maybe
    section: cnn
    tags: [vision]
  - id: blank
    title: Only words
    section: cnn
    notebook: notebooks/blank.ipynb
    goal: Only words
    added: 2024-12-30
articles:
  - id: pooling
    title: "Pooling, explained"
    summary: "pooling explained!"
    sections: [cnn]
    pdf: papers/pooling.pdf
    tags: [vision]
    added: 2025-01-04
  - id: padding
    title: Padding
    summary: Why borders matter <in> deep & wide networks.
    sections: [cnn]
    pdf: papers/padding.pdf
    added: 2025-01-03
"""


def _files() -> dict[str, Any]:
    return {
        "notebooks/my filters (v2).ipynb": lambda p: write_notebook(p, "Filters"),
        "notebooks/blank.ipynb": lambda p: write_notebook(p, "Blank", image=False),
        "scripts/train.py": "print('training')\n",
        "papers/pooling.pdf": lambda p: write_pdf(p, pages=2),
        "papers/padding.pdf": lambda p: write_pdf(p, pages=1),
    }


@pytest.fixture(scope="module")
def site(build_module_site: SiteBuilder) -> BuiltSite:
    """One build shared by the read-only tests below (a build takes seconds)."""
    return build_module_site(CATALOGUE, _files())


def _actions(site: BuiltSite, url: str) -> dict[str, Any]:
    return {node.text(strip=True): node for node in site.article(url).css(".nv-actions a")}


# Open, view, download ------------------------------------------------------------------


def test_a_github_notebook_gets_colab_view_and_download(site: BuiltSite) -> None:
    buttons = _actions(site, "experiments/filters/")
    assert list(buttons) == ["Open in Colab", "View on GitHub", "Download .ipynb"]
    path = "notebooks/my%20filters%20%28v2%29.ipynb"
    assert buttons["Open in Colab"].attributes["href"] == (
        f"https://colab.research.google.com/github/owner/repo/blob/dev/v2/{path}")
    assert buttons["View on GitHub"].attributes["href"] == (
        f"https://github.com/owner/repo/blob/dev/v2/{path}")
    download = buttons["Download .ipynb"]
    assert download.attributes["download"] == "my filters (v2).ipynb"
    assert "md-button" in (download.attributes["class"] or "")
    target = site.path("experiments/filters/").parent / unquote(download.attributes["href"])
    assert target.resolve().is_file()  # the published file, not a dead link


def test_a_script_gets_no_colab_button(site: BuiltSite) -> None:
    buttons = _actions(site, "experiments/train-script/")
    assert list(buttons) == ["View on GitHub", "Download .py"]
    assert buttons["View on GitHub"].attributes["href"] == (
        "https://github.com/owner/repo/blob/dev/v2/scripts/train.py")


def test_an_archive_in_a_folder_of_its_repository_links_there(
        build_site: SiteBuilder, tmp_path: Path) -> None:
    """An archive kept in a folder of a larger repository (found from the checkout's .git,
    a folder or a worktree's file) links its files at their place in the repository: the
    Colab, GitHub and note links all carry the folder. `site.repository_folder` says it
    when there is no checkout (a tarball, a CI that copies the folder), or overrides it."""
    note = "# Notes\n\nThe [training script](../scripts/train.py) and [data](../data.csv).\n"
    catalogue = CATALOGUE + """\
  - id: notes
    title: Notes
    sections: [cnn]
    note: notes/notes.md
"""
    files = {**_files(), "notes/notes.md": note, "data.csv": "x\n"}
    repository = tmp_path / "repo"
    (repository / ".git").mkdir(parents=True)
    site = build_site(catalogue, files, root=repository / "courses" / "deep learning")
    folder = "courses/deep%20learning"
    buttons = _actions(site, "experiments/filters/")
    assert buttons["Open in Colab"].attributes["href"] == (
        "https://colab.research.google.com/github/owner/repo/blob/dev/v2/"
        f"{folder}/notebooks/my%20filters%20%28v2%29.ipynb")
    assert _actions(site, "experiments/train-script/")["View on GitHub"].attributes[
        "href"] == f"https://github.com/owner/repo/blob/dev/v2/{folder}/scripts/train.py"
    links = {a.text(): a.attributes.get("href") for a in
             site.article("articles/notes/").css(".nv-note a")}
    assert links["data"] == f"https://github.com/owner/repo/blob/HEAD/{folder}/data.csv"
    # A worktree's .git is a file; the catalogue's own word wins over the checkout.
    worktree = tmp_path / "worktree"
    worktree.mkdir()
    (worktree / ".git").write_text("gitdir: /elsewhere\n")
    said = catalogue.replace("  branch: dev/v2\n", "  branch: dev/v2\n  repository_folder: dl/\n")
    site = build_site(said, files, root=worktree / "nested")
    assert _actions(site, "experiments/train-script/")["View on GitHub"].attributes[
        "href"] == "https://github.com/owner/repo/blob/dev/v2/dl/scripts/train.py"
    site = build_site(catalogue, files, root=worktree / "top")
    assert _actions(site, "experiments/train-script/")["View on GitHub"].attributes[
        "href"] == "https://github.com/owner/repo/blob/dev/v2/top/scripts/train.py"
    at_top = catalogue.replace("  branch: dev/v2\n", "  branch: dev/v2\n  repository_folder: .\n")
    site = build_site(at_top, files, root=worktree / "top")
    assert _actions(site, "experiments/train-script/")["View on GitHub"].attributes[
        "href"] == "https://github.com/owner/repo/blob/dev/v2/scripts/train.py"


def test_a_planned_experiment_gets_no_buttons_and_one_status(site: BuiltSite) -> None:
    article = site.article("experiments/someday/")
    assert article.css(".nv-actions") == []
    text = " ".join(article.text().split())
    assert "Status: Planned" in text
    assert "Completed" not in text
    assert article.css_first(".admonition-title").text() == "Planned"
    # The same single status on its section's card and in the experiment log.
    cards = site.article("sections/cnn/").css(".grid.cards li")
    card = next(c for c in cards if "Someday maybe" in c.text())
    assert [b.text() for b in card.css(".nv-badge")] == ["Planned"]
    log_row = next(r for r in site.article("experiments/").css("tbody tr")
                   if "Someday maybe" in r.text())
    assert [b.text() for b in log_row.css(".nv-badge")] == ["Planned"]


@pytest.mark.parametrize(("url", "expected"), [
    ("https://github.com/owner/repo", ("GitHub", "https://github.com/owner/repo")),
    ("https://github.com/owner/repo.git", ("GitHub", "https://github.com/owner/repo")),
    ("https://www.github.com/owner/repo/", ("GitHub", "https://github.com/owner/repo")),
    ("https://gitlab.com/group/sub/repo", ("GitLab", "https://gitlab.com/group/sub/repo")),
    ("https://github.com/owner", None),
    ("https://github.com/owner/repo/tree/main", None),
    ("https://example.org/owner/repo", None),
    ("https://github.com/owner/repo?tab=readme", None),
    (None, None),
])
def test_only_repository_homes_on_known_forges_count(url: str | None,
                                                     expected: tuple[str, str] | None) -> None:
    repository = repository_of(SiteInfo("x", repository_url=url))
    assert (None if repository is None else (repository.forge, repository.base)) == expected


def test_source_links_where_they_work() -> None:
    notebook = Experiment("a", 1, "A", "s", Status.COMPLETED, notebook="nb/a b#c.ipynb")
    gitlab = SiteInfo("x", repository_url="https://gitlab.com/me/notes", branch="main")
    assert source_links(gitlab, notebook, published=True) == SourceLinks(
        download="nb/a b#c.ipynb", view="https://gitlab.com/me/notes/-/blob/main/nb/a%20b%23c.ipynb",
        forge="GitLab", colab=None)
    elsewhere = SiteInfo("x", repository_url="https://example.org/me/notes")
    assert source_links(elsewhere, notebook, published=True) == SourceLinks(download="nb/a b#c.ipynb")
    # Nothing at all for a file the build did not publish (missing from the archive).
    github = SiteInfo("x", repository_url="https://github.com/me/notes")
    assert source_links(github, notebook, published=False) == SourceLinks()
    assert source_links(github, notebook, published=True).colab == (
        "https://colab.research.google.com/github/me/notes/blob/main/nb/a%20b%23c.ipynb")


def test_the_branch_defaults_to_main_and_is_checked(tmp_path: Path) -> None:
    catalogue = tmp_path / "catalogue.yml"
    catalogue.write_text("site:\n  title: X\nsections: []\n")
    loaded = load_catalogue_file(catalogue)
    assert loaded.catalogue is not None and loaded.catalogue.site.branch == "main"
    catalogue.write_text("site:\n  title: X\n  branch: my branch\nsections: []\n")
    messages = [d.format() for d in load_catalogue_file(catalogue).diagnostics]
    assert any("NV105 site.branch: 'my branch' is not a branch name" in m for m in messages), messages


# Cards with pictures -------------------------------------------------------------------


def _card(site: BuiltSite, url: str, title: str) -> Any:
    return next(c for c in site.article(url).css(".grid.cards li") if title in c.text())


def test_experiment_cards_show_the_notebooks_figure(site: BuiltSite) -> None:
    image = _card(site, "sections/cnn/", "Filters and maps").css_first("img")
    assert image is not None
    attributes = image.attributes
    assert attributes["loading"] == "lazy"
    assert attributes["alt"] == "A figure from Filters and maps"
    source = site.path("sections/cnn/").parent / attributes["src"]
    with Image.open(source) as picture:
        assert picture.format == "WEBP"
        assert (picture.width, picture.height) == (int(attributes["width"]),
                                                   int(attributes["height"]))
        assert picture.width <= THUMBNAIL_WIDTH
    # The same picture beside the entry in the experiment log and among recent entries.
    log_images = [img.attributes["src"] for img in site.article("experiments/").css("img")]
    assert any(src.endswith(Path(attributes["src"]).name) for src in log_images)
    home_images = [img.attributes["src"] for img in site.article("").css("li img")]
    assert any(src.endswith(Path(attributes["src"]).name) for src in home_images)


def test_cards_without_a_figure_have_no_picture(site: BuiltSite) -> None:
    assert _card(site, "sections/cnn/", "Only words").css("img") == []
    assert _card(site, "sections/cnn/", "Someday maybe").css("img") == []
    assert _card(site, "sections/cnn/", "A training script").css("img") == []


def _image_output(colour: str) -> Any:
    data = base64.b64encode(png_bytes(colour, size=(640, 480))).decode()
    return new_output("display_data", data={"image/png": data, "text/plain": "<Figure>"})


def _colour_of(data: bytes) -> tuple[int, ...]:
    with Image.open(io.BytesIO(data)) as image:
        pixel = image.convert("RGB").getpixel((image.width - 5, 5))
    assert isinstance(pixel, tuple)
    return pixel


def _near(pixel: tuple[int, ...], colour: tuple[int, int, int]) -> bool:
    return all(abs(a - b) < 24 for a, b in zip(pixel, colour, strict=False))


RED, GREEN, BLUE = (220, 30, 30), (30, 160, 60), (30, 60, 200)


def _notebook(*cells: Any) -> Any:
    return new_notebook(cells=[new_markdown_cell("# A notebook"), *cells])


def test_the_figure_of_a_cell_tagged_thumbnail_wins() -> None:
    tagged = new_code_cell("plot()", outputs=[_image_output("#1e3cc8")])
    tagged.metadata["tags"] = ["thumbnail"]
    notebook = _notebook(new_code_cell("first()", outputs=[_image_output("#dc1e1e")]), tagged)
    thumbnail = notebook_thumbnail(notebook)
    assert thumbnail is not None and _near(_colour_of(thumbnail.data), BLUE)
    assert (thumbnail.width, thumbnail.height) == (320, 240)


def test_nbsphinx_conventions_are_honoured() -> None:
    tagged = new_code_cell("plot()", outputs=[_image_output("#dc1e1e"), _image_output("#1ea03c")])
    tagged.metadata["tags"] = ["nbsphinx-thumbnail"]  # the cell's last image, as nbsphinx
    notebook = _notebook(new_code_cell("x()", outputs=[_image_output("#1e3cc8")]), tagged)
    thumbnail = notebook_thumbnail(notebook)
    assert thumbnail is not None and _near(_colour_of(thumbnail.data), GREEN)

    chosen = new_code_cell("plot()", outputs=[
        new_output("stream", name="stdout", text="hello\n"), _image_output("#dc1e1e"),
        _image_output("#1ea03c")])
    chosen.metadata["nbsphinx-thumbnail"] = {"output-index": 1}
    thumbnail = notebook_thumbnail(_notebook(chosen))
    assert thumbnail is not None and _near(_colour_of(thumbnail.data), RED)


def test_else_the_first_image_and_damaged_ones_are_passed_over() -> None:
    broken = new_output("display_data", data={"image/png": base64.b64encode(b"not a png").decode()})
    notebook = _notebook(
        new_code_cell("print(1)", outputs=[new_output("stream", name="stdout", text="1\n")]),
        new_code_cell("bad()", outputs=[broken]),
        new_code_cell("a()", outputs=[_image_output("#1ea03c")]),
        new_code_cell("b()", outputs=[_image_output("#dc1e1e")]))
    thumbnail = notebook_thumbnail(notebook)
    assert thumbnail is not None and _near(_colour_of(thumbnail.data), GREEN)
    assert notebook_thumbnail(_notebook(new_code_cell("print(1)"))) is None
    assert notebook_thumbnail({"cells": "nonsense"}) is None


def test_thumbnails_come_from_the_cache_too(build_site: SiteBuilder,
                                           caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="mkdocs.plugins.neuroverse_site")
    first = build_site(CATALOGUE, _files())
    second = build_site(CATALOGUE)  # everything from the cache
    assert ("INFO: neuroverse_site: rendered 3/3 notebooks, 3 from cache; "
            "read 2/2 PDFs, 2 from cache") in second.log
    for built in (first, second):
        image = _card(built, "sections/cnn/", "Filters and maps").css_first("img")
        assert image is not None
        assert (built.path("sections/cnn/").parent / image.attributes["src"]).is_file()


# Tags ----------------------------------------------------------------------------------


def test_every_tag_chip_leads_to_its_place_on_the_tags_page(site: BuiltSite) -> None:
    tags_page = site.article("tags/")
    anchors = {node.attributes["id"]: node for node in tags_page.css("h2[id]")}
    assert len(anchors) == 3  # Vision, vision, C++: three tags, three places
    for url in ("experiments/filters/", "experiments/someday/", "articles/pooling/"):
        chips = site.article(url).css("a.nv-chip--tag")
        assert chips, url
        for chip in chips:
            href = chip.attributes["href"] or ""
            page, _, anchor = href.partition("#")
            assert (site.path(url).parent / page).resolve() == site.path("tags/").parent
            heading = anchors[anchor]
            assert heading.text().replace("¶", "").strip() == chip.text().strip()
    vision = next(h for h in anchors.values() if h.text().startswith("vision"))
    listed = vision.next
    while listed is not None and listed.tag != "ul":
        listed = listed.next
    assert listed is not None
    assert [a.text() for a in listed.css("a") if "experiments" in (a.attributes["href"] or "")
            or "articles" in (a.attributes["href"] or "")] == [
        "Filters and maps", "Someday maybe", "Pooling, explained"]
    nav = [a.text().strip() for a in site.html("").css("nav.md-tabs a, nav.md-nav--primary a")]
    assert "Tags" in nav


def test_tag_anchors_are_unique_and_stable() -> None:
    def anchors(*tags: str) -> dict[str, str]:
        experiments = tuple(Experiment(f"e{i}", i, "T", "s", Status.COMPLETED, tags=(tag,))
                            for i, tag in enumerate(tags))
        return tag_anchors(Catalogue(SiteInfo("x"), experiments=experiments))

    first = anchors("c", "C++", "deep learning")
    assert first["c"] == "tag-c" and first["deep learning"] == "tag-deep-learning"
    assert first["C++"].startswith("tag-c-") and len(set(first.values())) == 3
    later = anchors("c", "C++", "deep learning", "C#", "zebra", "注意力")
    assert {tag: later[tag] for tag in first} == first  # new tags move no old anchor
    assert later["注意力"].startswith("tag-") and len(set(later.values())) == 6


def test_no_tags_no_tags_page(build_site: SiteBuilder) -> None:
    built = build_site("""\
        site:
          title: Plain
        sections:
          - id: a
            title: A
            status: active
        """)
    assert not built.path("tags/").exists()


# The feed ------------------------------------------------------------------------------


def test_the_feed_is_valid_atom_newest_first_with_absolute_links(site: BuiltSite) -> None:
    root = ET.fromstring((site.site_dir / "feed.xml").read_bytes())
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author/" + ATOM + "name"):
        assert root.find(ATOM + required) is not None, required
    assert root.findtext(f"{ATOM}title") == "Reader & friends"
    assert root.findtext(f"{ATOM}updated") == "2025-01-05T00:00:00Z"
    self_link = root.find(f"{ATOM}link[@rel='self']")
    assert self_link is not None and self_link.get("href") == f"{SITE}feed.xml"
    entries = root.findall(f"{ATOM}entry")
    titles = [e.findtext(f"{ATOM}title") for e in entries]
    # By `added`, newest first; the planned experiment has no date and is not in the feed.
    assert titles == ["A training script", "Pooling, explained", "Padding", "Filters and maps",
                      "Only words"]
    for entry in entries:
        for required in ("id", "title", "updated"):
            assert entry.findtext(ATOM + required), required
        link = entry.find(f"{ATOM}link")
        assert link is not None
        href = link.get("href") or ""
        assert href.startswith(SITE)
        assert site.path(href[len(SITE) - 1:]).is_file()  # the page exists
    padding = entries[titles.index("Padding")]
    assert padding.findtext(f"{ATOM}summary") == "Why borders matter <in> deep & wide networks."
    # A summary that only repeats the title is left out.
    assert entries[titles.index("Pooling, explained")].find(f"{ATOM}summary") is None


def test_every_page_announces_the_feed(site: BuiltSite) -> None:
    for url in ("", "sections/cnn/", "experiments/filters/", "articles/padding/", "tags/"):
        links = site.html(url).css("head link[rel='alternate'][type='application/atom+xml']")
        assert len(links) == 1, url
        href = links[0].attributes["href"] or ""
        assert (site.path(url).parent / href).resolve() == site.site_dir / "feed.xml", url


def test_without_site_url_there_is_no_feed_and_no_absolute_addresses(
        build_site: SiteBuilder, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="mkdocs.plugins.neuroverse_site")
    config = MKDOCS_YML.format(plugin_options="").replace(
        "site_url: https://example.org/archive/\n", "")
    built = build_site(CATALOGUE, _files(), mkdocs_yml=config)
    assert not (built.site_dir / "feed.xml").exists()
    assert any("no feed.xml" in line for line in built.log), built.log
    head = built.html("experiments/filters/").css_first("head")
    assert head is not None
    assert head.css("link[type='application/atom+xml']") == []
    assert head.css("meta[property='og:url'], meta[property='og:image']") == []
    assert head.css_first("meta[property='og:title']") is not None


# Link previews -------------------------------------------------------------------------


def _meta(site: BuiltSite, url: str) -> dict[str, str]:
    head = site.html(url).css_first("head")
    assert head is not None
    found: dict[str, str] = {}
    for node in head.css("meta[property], meta[name]"):
        key = node.attributes.get("property") or node.attributes.get("name") or ""
        found.setdefault(key, node.attributes.get("content") or "")
    return found


def test_experiment_and_article_previews_have_absolute_urls_and_images(site: BuiltSite) -> None:
    meta = _meta(site, "experiments/filters/")
    assert meta["og:title"] == "Filters and maps"
    assert meta["og:type"] == "article"
    assert meta["og:url"] == f"{SITE}experiments/filters/"
    assert meta["og:description"] == "See what a kernel responds to."
    assert meta["twitter:card"] == "summary"
    # X reads title, description and image from og:; its own copies would only repeat them.
    assert not {"twitter:title", "twitter:description", "twitter:image"} & set(meta)
    image = meta["og:image"]
    assert image.startswith(f"{SITE}assets/neuroverse/nb/") and image.endswith(".webp")
    assert (site.site_dir / image[len(SITE):]).is_file()

    meta = _meta(site, "articles/padding/")
    assert meta["og:image"] == f"{SITE}assets/neuroverse/thumbs/padding.png"
    assert (site.site_dir / "assets/neuroverse/thumbs/padding.png").is_file()
    assert meta["og:description"] == "Why borders matter <in> deep & wide networks."
    # An experiment without a figure has no image of its own (and the theme no raster logo).
    assert "og:image" not in _meta(site, "experiments/blank/")


def test_every_page_has_a_preview_with_escaped_values(site: BuiltSite) -> None:
    for url in ("", "sections/", "sections/cnn/", "experiments/", "articles/", "resources/",
                "tags/", "experiments/someday/"):
        meta = _meta(site, url)
        assert meta["og:title"] and meta["twitter:card"] == "summary", url
        assert meta["og:url"].startswith(SITE), url
    home = _meta(site, "")
    assert home["og:description"] == 'An archive for "readers".'
    assert home["og:site_name"] == "Test archive"  # mkdocs.yml's site_name
    assert _meta(site, "tags/")["og:title"] == "Tags"
    assert 'content="An archive for &#34;readers&#34;."' in site.text("")


# The rendering defects -----------------------------------------------------------------


def test_inline_code_in_a_description_shows_as_typed(site: BuiltSite) -> None:
    article = site.article("experiments/filters/")
    codes = [code.text() for code in article.css("p > code")]
    assert codes == ["a < b", 'x = "y" & z', "<script>alert(1)</script>"]
    paragraph = next(p for p in article.css("p") if "Compare" in p.text())
    assert "<b>raw</b>" in paragraph.text()  # raw HTML is still text
    assert paragraph.css("b, script") == []
    assert "&amp;lt;" not in site.text("experiments/filters/")


def test_a_summary_that_repeats_the_title_is_not_shown(site: BuiltSite) -> None:
    card = _card(site, "sections/cnn/", "Pooling, explained")
    assert "pooling explained!" not in card.text()
    assert "pooling explained!" not in site.article("articles/pooling/").text()
    assert "Only words" not in _card(site, "sections/cnn/", "Only words").text().replace(
        "Only words", "", 1)
    # The README block says each thing once too.
    catalogue = Catalogue(
        SiteInfo("x"), articles=(),
        experiments=(Experiment("e", 1, "Only words", "s", Status.COMPLETED, goal="only words."),))
    assert "only words." not in render_archive_block(catalogue)


def test_the_planned_note_follows_the_entrys_status(build_site: SiteBuilder) -> None:
    built = build_site("""\
        site:
          title: Statuses
        sections:
          - id: a
            title: A
            status: active
        experiments:
          - id: paused
            title: Paused work
            section: a
            status: paused
        """)
    article = built.article("experiments/paused/")
    assert article.css_first(".admonition-title").text() == "Paused"
    assert [b.text() for b in article.css(".nv-badge")] == ["Paused"]


def test_renderer_registers_what_the_readme_uses() -> None:
    renderer = Renderer(Catalogue(SiteInfo("x")), Facts({}, {}))
    assert renderer.env.globals["distinct"]("Title!", "title") == ""
    assert renderer.env.globals["distinct"]("Another", "title") == "Another"


HOSTILE_CODE = r"""site:
  title: Hostile code
sections:
  - id: a
    title: A
    status: active
    description: |
      `<img src=x onerror=alert(1)>` and `a`<img src=x onerror=alert(2)>`b`

      `x
      <script>alert(3)</script>
      `

      \`<b>escaped</b>` and ``<div onclick=alert(4)>`` and ```` `` ```` <i>tail</i>

      `<!--` <img src=y onerror=alert(5)> `-->`
"""


def test_code_spans_in_descriptions_never_let_markup_through(build_site: SiteBuilder) -> None:
    built = build_site(HOSTILE_CODE)
    article = built.article("sections/a/")
    assert article.css("img, script, b, i, div[onclick]") == []
    assert not [node for node in article.css("*") if "onerror" in node.attributes
                or "onclick" in node.attributes]
    codes = [code.text() for code in article.css("code")]
    assert "<img src=x onerror=alert(1)>" in codes and "<div onclick=alert(4)>" in codes
    # A span spilling over lines stays escaped as before (shown as entities, never run):
    # its second line would otherwise start a raw HTML block.
    assert "<img src=y onerror=alert(5)>" in article.text()


def test_a_hand_written_tags_page_is_named_not_lost_unseen(build_site: SiteBuilder) -> None:
    built = build_site(CATALOGUE, {**_files(), "docs/tags.md": "# My own tags\n"},
                       strict=False)
    assert any("docs/tags.md:1:1: warning NV350 this page has the address of the generated "
               "page 'Tags'" in line for line in built.warnings()), built.warnings()
    assert built.article("tags/").css_first("h1").text().startswith("Tags")
