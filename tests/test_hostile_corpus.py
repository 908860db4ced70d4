"""The hostile corpus (tests/cases/hostile and hostile_corpus.DESCRIPTIONS) built into one
real site: nothing may run, fetch from another host, leak a file, or spill out of its cell,
and each form is reported where it was written."""

from __future__ import annotations

import io
import json
import logging
import re
import textwrap
from pathlib import Path
from typing import Any

import pytest
from hostile_corpus import (
    DESCRIPTIONS,
    EVIL_HOST,
    INERT_DESCRIPTIONS,
    SECRET,
    Case,
    cases,
    write_archive,
)
from mkdocs.commands.build import build
from mkdocs.config import load_config
from PIL import Image
from selectolax.lexbor import LexborHTMLParser

from archive_factory import png_bytes
from conftest import MKDOCS_YML, BuiltSite, _ListHandler

CASES = cases()

# Elements that untrusted HTML must never bring into a page.
FORBIDDEN = ("script, iframe, frame, object, embed, form, input, button, link, meta, base, "
             "style, template, textarea, title, xmp, noscript, plaintext, video, audio, "
             "source, svg, foreignObject")


@pytest.fixture(scope="module")
def corpus_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    archive = tmp_path_factory.mktemp("corpus") / "archive"
    write_archive(archive)
    (archive / "docs").mkdir()
    (archive / "docs" / "index.md").write_text("# Hostile corpus\n", encoding="utf-8")
    (archive / "mkdocs.yml").write_text(MKDOCS_YML.format(plugin_options=""), encoding="utf-8")
    site = BuiltSite(archive, archive / "site")
    handler = _ListHandler(site.log)
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    try:
        # Not strict: every case is meant to draw a warning.
        build(load_config(str(archive / "mkdocs.yml"), site_dir=str(site.site_dir)))
    finally:
        logger.removeHandler(handler)
    return site


def notebook_of(site: BuiltSite, case: Case) -> Any:
    node = site.article(case.url).css_first(".nv-notebook")
    assert node is not None, f"{case.name}: no notebook on the page"
    return node


def plain(url: str) -> str:
    """A URL as a browser starts reading it: no C0 controls or spaces, lower case."""
    return re.sub(r"[\x00-\x20]", "", url).lower()


def active_urls(page: LexborHTMLParser) -> list[str]:
    """Every URL in the page that could run code when followed or loaded."""
    found = []
    for node in page.css("*"):
        for name, value in node.attributes.items():
            if name.lower().startswith("on"):
                found.append(f"<{node.tag} {name}>")
            elif value and plain(value).startswith(("javascript:", "vbscript:", "data:text")):
                found.append(f"<{node.tag} {name}={value!r}>")
    return found


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_no_case_can_run_fetch_or_spoof(corpus_site: BuiltSite, case: Case) -> None:
    page = corpus_site.html(case.url)
    notebook = notebook_of(corpus_site, case)
    assert active_urls(page) == []
    assert [n.tag for n in notebook.css(FORBIDDEN)] == []
    assert "__pwned" not in " ".join(s.text() for s in page.css("script"))
    for node in notebook.css("*"):
        attributes = node.attributes
        classes = (attributes.get("class") or "").split()
        assert not [c for c in classes if c.startswith(("md-", "admonition", "mermaid"))], (
            node.html)
        assert not (attributes.get("id") or "").startswith("__"), node.html
        assert "data-md-component" not in attributes, node.html
        assert "url(" not in (attributes.get("style") or "").lower(), node.html
        for name in ("src", "srcset", "poster", "data", "background"):
            assert EVIL_HOST not in (attributes.get(name) or ""), node.html


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_damage_stays_in_its_cell(corpus_site: BuiltSite, case: Case) -> None:
    notebook = notebook_of(corpus_site, case)
    headings = [" ".join(h.text().replace("¶", "").split()) for h in notebook.css("h2")]
    assert case.after in headings
    paragraphs = [p.text() for p in notebook.css("p")]
    assert "The cell after the case is intact." in paragraphs
    toc = [a.text().strip() for a in corpus_site.html(case.url).css("nav.md-nav--secondary a")]
    assert case.after in toc


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_each_case_is_reported_at_its_notebook(corpus_site: BuiltSite, case: Case) -> None:
    found = {match.group(1) for line in corpus_site.warnings()
             if (match := re.search(rf"{re.escape(case.notebook)}:\d+:\d+: warning (NV4\d\d) "
                                    r"cell \d+: ", line))}
    assert found == set(case.codes)


@pytest.mark.parametrize("case", [c for c in CASES if c.shown], ids=lambda c: c.name)
def test_hostile_text_reads_as_written(corpus_site: BuiltSite, case: Case) -> None:
    text = notebook_of(corpus_site, case).text()
    toc = " ".join(a.text() for a in corpus_site.html(case.url).css("nav.md-nav--secondary a"))
    for shown in case.shown:
        assert shown in text or shown in toc, shown


def test_headings_reach_the_toc_as_text(corpus_site: BuiltSite) -> None:
    page = corpus_site.html("experiments/heading-html-in-toc/")
    toc = page.css_first("nav.md-nav--secondary")
    assert toc is not None
    labels = [" ".join(a.text().split()) for a in toc.css("a")]
    assert "The <img src=x onerror=\"window.__pwned='toc-code'\"> tag" in labels
    assert "<script>window.__pwned='toc-entity'</script>" in labels
    # The output's heading keeps its text; its image (src=x, no such file) reads as alt text.
    assert "Output heading [image not shown] <b>" in labels
    assert toc.css("img, script, b") == []


def test_no_secret_hidden_or_outside_file_is_published(corpus_site: BuiltSite) -> None:
    never = {png_bytes("#aa0011"), png_bytes("#bb0022")}  # a hidden folder's, outside's
    for path in corpus_site.site_dir.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert SECRET.encode() not in data, path
            assert data not in never, path


def test_published_images_are_images(corpus_site: BuiltSite) -> None:
    folder = corpus_site.site_dir / "assets" / "neuroverse" / "nb"
    published = sorted(folder.iterdir())
    assert published, "the good images of the corpus are published"
    for path in published:
        data = path.read_bytes()
        if path.suffix == ".svg":
            text = data.decode().lower()
            for word in ("script", "onload", "foreignobject", "javascript:", EVIL_HOST, "<set",
                         "<image"):
                assert word not in text, (path.name, word)
        else:
            with Image.open(io.BytesIO(data)) as image:
                assert image.format in ("PNG", "JPEG", "GIF", "WEBP", "BMP", "AVIF"), path


def test_keras_summary_keeps_its_white_space_and_colours(corpus_site: BuiltSite) -> None:
    notebook = notebook_of(corpus_site, next(c for c in CASES if c.name == "keras-summary"))
    summary = notebook.css_first("pre[style]")
    assert summary is not None
    assert summary.attributes["style"] == "white-space:pre"  # overflow, font-family dropped
    coloured = [s.attributes.get("style") for s in summary.css("span[style]")]
    assert "font-weight:bold" in coloured
    assert "--nv-u-color:#0087ff;text-decoration-color:#0087ff" not in coloured
    assert "--nv-u-color:#0087ff" in coloured  # drawn per palette by neuroverse.css


def test_stylesheet_lets_rich_output_show_whole() -> None:
    css = (Path(__file__).resolve().parents[1] / "neuroverse_site" / "build" / "assets"
           / "neuroverse.css").read_text()
    rules = dict(re.findall(r"([^{}]+)\{([^}]*)\}", css))
    output_pre = next(body for selector, body in rules.items()
                      if selector.strip() == ".jupyter-wrapper .jp-OutputArea-output pre")
    assert "max-height" not in output_pre and "white-space" not in output_pre


@pytest.mark.parametrize("form", [*DESCRIPTIONS, *INERT_DESCRIPTIONS], ids=str)
def test_catalogue_markdown_links_are_judged_on_the_page(corpus_site: BuiltSite,
                                                         form: str) -> None:
    page = corpus_site.html(f"sections/{form}/")
    assert active_urls(page) == []
    article = corpus_site.article(f"sections/{form}/")
    for link in article.css("a[href]"):
        href = plain(link.attributes["href"] or "")
        scheme = re.match(r"([a-z][a-z0-9+.-]*):", href)
        assert scheme is None or scheme.group(1) in ("http", "https", "mailto"), link.html
    for image in article.css("img"):
        assert EVIL_HOST not in (image.attributes.get("src") or ""), image.html
    position = [*DESCRIPTIONS, *INERT_DESCRIPTIONS].index(form) + 1  # after `hostile`
    reported = [line for line in corpus_site.warnings()
                if f"NV107 sections[{position}].description:" in line]
    assert bool(reported) == (form in DESCRIPTIONS), reported


def test_catalogue_markdown_keeps_what_is_safe(build_site: Any) -> None:
    catalogue = textwrap.dedent("""
        site: {title: Safe links}
        sections:
          - id: cnn
            title: CNNs
            status: active
            description: |
              [web](https://example.org/a) [mail](mailto:a@example.org) [anchor](#top)
              [relative](../../resources/) ![figure](../../assets/neuroverse/neuroverse.css)
    """)
    site = build_site(catalogue)
    links = {a.text(): a.attributes.get("href") for a in site.article("sections/cnn/").css("a")
             if a.text() in ("web", "mail", "anchor", "relative")}
    assert links == {"web": "https://example.org/a", "mail": "mailto:a@example.org",
                     "anchor": "#top", "relative": "../../resources/"}
    assert not [line for line in site.warnings() if "NV107" in line]


def test_remote_images_are_opt_in(build_site: Any, tmp_path: Path) -> None:
    catalogue = """
        site: {title: Remote}
        sections:
          - {id: cnn, title: CNNs, status: active,
             description: "A ![chart](https://example.org/chart.png) chart."}
        experiments:
          - {id: remote, title: Remote, section: cnn, notebook: notebooks/remote.ipynb}
    """
    from archive_factory import write_notebook

    files = {"notebooks/remote.ipynb": lambda p: write_notebook(
        p, "Remote", markdown="![plot](https://example.org/plot.png)")}
    site = build_site(catalogue, files, strict=False)
    assert site.article("experiments/remote/").css("img[src^='https:']") == []
    link = site.article("experiments/remote/").css_first("a[href='https://example.org/plot.png']")
    assert link is not None and "plot" in link.text()
    assert site.article("sections/cnn/").css("img[src^='https:']") == []
    assert any("NV405" in line for line in site.warnings())
    assert any("NV107" in line for line in site.warnings())

    allowed = build_site(catalogue, files, plugin_options="allow_remote_images: true",
                         root=tmp_path / "allowed")
    assert allowed.article("experiments/remote/").css_first(
        "img[src='https://example.org/plot.png']") is not None
    assert allowed.article("sections/cnn/").css_first(
        "img[src='https://example.org/chart.png']") is not None


TRUSTED_CATALOGUE = """
    site: {title: Trusted}
    sections:
      - {id: cnn, title: CNNs, status: active}
    experiments:
      - {id: own, title: Own, section: cnn, notebook: notebooks/own/own.ipynb}
"""


def write_trusted_case(path: Path) -> None:
    from archive_factory import write_notebook

    write_notebook(path, "Own", markdown="<script>window.__pwned='markdown'</script>Text.",
                   extra_outputs=[{"output_type": "display_data", "data": {"text/html": (
                       "<script>window.nvOwnScript = 1</script>"
                       "<img src='../../.env' alt='env'><template><p>open")}}])
    notebook = json.loads(path.read_text(encoding="utf-8"))
    notebook["cells"].append({"cell_type": "markdown", "id": "after", "metadata": {},
                              "source": "## After the output\n\nStill here."})
    path.write_text(json.dumps(notebook), encoding="utf-8")


def test_trusted_outputs_keep_scripts_but_not_files_outside_or_hidden(
        build_site: Any) -> None:
    site = build_site(TRUSTED_CATALOGUE, {".env": f"{SECRET}-TRUSTED",
                                          "notebooks/own/own.ipynb": write_trusted_case},
                      strict=False, plugin_options="trust_notebook_outputs: true")
    notebook = site.article("experiments/own/").css_first(".nv-notebook")
    assert notebook is not None
    scripts = " ".join(s.text() for s in notebook.css("script"))
    assert "nvOwnScript" in scripts  # the owner trusts outputs...
    assert "__pwned" not in scripts  # ...not Markdown cells
    assert notebook.css_first("h2#nb-after-the-output") is not None
    assert any("NV401" in line and "own.ipynb" in line for line in site.warnings())
    assert any("NV400" in line and "own.ipynb" in line for line in site.warnings())
    for path in site.site_dir.rglob("*"):
        assert not path.is_file() or SECRET.encode() not in path.read_bytes(), path


def test_cell_notes_are_reported_again_from_the_cache(
        build_site: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="mkdocs")
    files = {".env": SECRET, "notebooks/own/own.ipynb": write_trusted_case}
    first = build_site(TRUSTED_CATALOGUE, files, strict=False)
    again = build_site(None, strict=False)
    assert any("rendered 1/1 notebooks, 1 from cache" in line for line in again.log)
    notes = [line for line in first.warnings() if " NV4" in line]
    assert notes and notes == [line for line in again.warnings() if " NV4" in line]
