"""Catalogue text and notebook outputs are data: nothing in them runs in the built site."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image
from selectolax.lexbor import LexborHTMLParser

from archive_factory import write_notebook, write_pdf
from conftest import BuiltSite, SiteBuilder

HOSTILE = r'''
site:
  title: "Archive <script>alert('site')</script>"
  tagline: "<img src=x onerror=alert('tagline')>"
sections:
  - id: cnn
    title: "CNN <img src=x onerror=alert('section')> | piped"
    focus: "pixels | kernels <script>alert('focus')</script>"
    status: active
    description: |
      Raw HTML <script>alert('description')</script> and <b onclick="alert('b')">bold</b>.
      A [bad link](javascript:alert('link')) and a [good one](https://example.org/ok).
      An ![image](javascript:alert('image')) and a [spaced]( javascript:alert('spaced') ).
      A [reference][evil] link and an <javascript:alert('autolink')> autolink.

      [evil]: javascript:alert('reference')
      [worse]:
        javascript:alert('reference-next-line')

      A [second reference][worse], and [html](data:text/html,<script>alert('data')</script>).

      A paragraph with an attribute list
      { onclick="alert('attr-list')" }

      Another one {: onmouseover="alert('inline-attr')" }

      <div markdown="1" onclick="alert('md-in-html')">*inside*</div>
  - id: research
    title: Research
    status: updating
experiments:
  - id: filters
    title: "Filters | with a pipe\nand a newline <svg onload=alert('title')>"
    section: cnn
    notebook: notebooks/filters.ipynb
    goal: "<script>alert('goal')</script> | piped goal"
    frameworks: ["<b onmouseover=alert('framework')>torch</b>"]
    dataset: "[x](javascript:alert('dataset'))"
    tags: ["<i>tag</i>"]
    articles: [padding]
    added: 2025-11-03
articles:
  - id: padding
    title: "Padding\" onmouseover=\"alert('attr')"
    summary: "<svg/onload=alert('summary')> | piped summary"
    sections: [cnn, research]
    pdf: papers/padding.pdf
    tags: ["</script><script>alert('tag')</script>"]
    added: 2025-11-04
resources:
  - topic: "<script>alert('topic')</script>"
    title: "A | book"
    url: https://example.org/a(b)"c
    type: book
    note: "<img src=x onerror=alert('note')> | and a pipe"
'''

FILES = {
    "notebooks/filters.ipynb": lambda p: write_notebook(p, "Filters"),
    "papers/padding.pdf": lambda p: write_pdf(p),
}


def html_pages(site: BuiltSite) -> list[Path]:
    return sorted(site.site_dir.rglob("*.html"))


def dangerous(page: LexborHTMLParser) -> list[str]:
    """Everything in a page that could run catalogue-supplied code."""
    found = []
    for node in page.css("*"):
        for name, value in node.attributes.items():
            if name.lower().startswith("on"):
                found.append(f"<{node.tag} {name}={value!r}>")
            if name.lower() in ("href", "src", "data", "action") and value and re.match(
                    r"\s*(javascript|vbscript|data:text/html)", value, re.IGNORECASE):
                found.append(f"<{node.tag} {name}={value!r}>")
        if node.tag == "script" and "alert" in (node.text() or ""):
            found.append(f"<script>{node.text()}</script>")
    return found


def test_hostile_catalogue_text_is_inert_everywhere(build_site: SiteBuilder) -> None:
    site = build_site(HOSTILE, FILES, strict=False)
    problems = {}
    for path in html_pages(site):
        found = dangerous(LexborHTMLParser(path.read_text(encoding="utf-8")))
        if found:
            problems[str(path.relative_to(site.site_dir))] = found
    assert problems == {}
    # The description's links that would run code lose their target, and say so where the
    # description is written (not strict: the warning is the point).
    removed = [line for line in site.warnings() if "NV107 sections[0].description:" in line]
    assert removed and "a href='javascript:alert('reference')'" in removed[0]


def test_hostile_text_is_shown_as_written(build_site: SiteBuilder) -> None:
    site = build_site(HOSTILE, FILES, strict=False)
    section = site.article("sections/cnn/").text()
    assert "<script>alert('description')</script>" in section
    assert "<b onclick=\"alert('b')\">bold</b>" in section
    experiment = site.article("experiments/filters/").text()
    assert "<script>alert('goal')</script> | piped goal" in experiment
    good = site.article("sections/cnn/").css_first("a[href='https://example.org/ok']")
    assert good is not None, "a safe link in a description is kept"


def test_pipes_and_newlines_do_not_break_tables(build_site: SiteBuilder) -> None:
    site = build_site(HOSTILE, FILES, strict=False)
    for url, columns in (("", 6), ("experiments/", 6), ("resources/", 3)):
        tables = site.article(url).css("table")
        assert tables, f"{url} has no table"
        for table in tables:
            for row in table.css("tr"):
                assert len(row.css("th, td")) == columns, (url, row.html)
    home_cells = [td.text() for td in site.article("").css("td")]
    assert any("pixels | kernels" in cell for cell in home_cells)
    log_cells = [td.text() for td in site.article("experiments/").css("td")]
    assert any("Filters | with a pipe and a newline" in cell for cell in log_cells)


def test_page_titles_and_navigation_are_escaped(build_site: SiteBuilder) -> None:
    site = build_site(HOSTILE, FILES, strict=False)
    page = site.html("experiments/filters/")
    title = page.css_first("title")
    assert title is not None and "<svg" in title.text()
    assert not page.css("svg[onload]")
    nav_titles = [a.text() for a in page.css("nav a")]
    assert any("<img src=x onerror=alert('section')>" in text for text in nav_titles)


SCRIPT_OUTPUT = [
    {"output_type": "display_data",
     "data": {"text/html": "<p id='nv-html-out'>table</p>"
                           "<script>window.NV_PWNED = 'html-output'</script>"
                           "<img src=x onerror=\"window.NV_PWNED='img'\">"}},
    {"output_type": "display_data",
     "data": {"application/javascript": "window.NV_PWNED = 'js-output';"}},
]


def build_with_script_output(build_site: SiteBuilder, trusted: bool) -> BuiltSite:
    catalogue = """
        site: {title: Outputs}
        sections:
          - {id: cnn, title: CNNs, status: active}
        experiments:
          - id: outputs
            title: Outputs
            section: cnn
            notebook: notebooks/outputs.ipynb
    """
    files = {"notebooks/outputs.ipynb":
             lambda p: write_notebook(p, "Outputs", extra_outputs=SCRIPT_OUTPUT)}
    # The output's <img src=x> names a file that does not exist: a warning (NV402).
    return build_site(catalogue, files, strict=False,
                      plugin_options="trust_notebook_outputs: true" if trusted else "")


def test_notebook_script_outputs_are_inert_by_default(build_site: SiteBuilder) -> None:
    site = build_with_script_output(build_site, trusted=False)
    html = site.text("experiments/outputs/")
    notebook = site.article("experiments/outputs/").css_first(".nv-notebook")
    assert notebook is not None
    # Kept, with its id namespaced so it cannot take one the theme looks up.
    assert notebook.css_first("#nv-u-nv-html-out") is not None, "harmless output HTML is kept"
    assert "NV_PWNED" not in html.replace("window.NV_PWNED = ", "")  # no live code anywhere
    assert not notebook.css("script")
    assert not [n for n in notebook.css("*") if any(a.startswith("on") for a in n.attributes)]


def test_notebook_script_outputs_run_when_trusted(build_site: SiteBuilder) -> None:
    site = build_with_script_output(build_site, trusted=True)
    notebook = site.article("experiments/outputs/").css_first(".nv-notebook")
    assert notebook is not None
    scripts = " ".join(s.text() for s in notebook.css("script"))
    assert "html-output" in scripts
    assert "js-output" in scripts


def test_a_broken_notebook_or_pdf_breaks_only_its_own_page(build_site: SiteBuilder) -> None:
    catalogue = """
        site: {title: Broken files}
        sections:
          - {id: cnn, title: CNNs, status: active}
        experiments:
          - {id: good, title: Good, section: cnn, notebook: notebooks/good.ipynb}
          - {id: broken, title: Broken, section: cnn, notebook: notebooks/broken.ipynb}
          - {id: bad-image, title: Bad image, section: cnn, notebook: notebooks/bad_image.ipynb}
        articles:
          - {id: fine, title: Fine, summary: Fine., sections: [cnn], pdf: papers/fine.pdf}
          - {id: cut, title: Cut, summary: Cut., sections: [cnn], pdf: papers/cut.pdf}
    """
    files = {
        "notebooks/good.ipynb": lambda p: write_notebook(p, "Good"),
        "notebooks/broken.ipynb": '{"cells": [',
        # Valid to the notebook schema, but its PNG is not base64: only conversion finds out.
        "notebooks/bad_image.ipynb": lambda p: write_notebook(p, "Bad", image=False, extra_outputs=[
            {"output_type": "display_data", "data": {"image/png": "!!!not-base64"}}]),
        "papers/fine.pdf": lambda p: write_pdf(p),
        "papers/cut.pdf": lambda p: p.write_bytes(write_pdf(p).read_bytes()[:2000]),
    }
    site = build_site(catalogue, files, strict=False)
    assert site.error is None
    assert "cannot be shown" in site.article("experiments/broken/").text()
    assert "is not valid JSON" in site.article("experiments/broken/").text()
    assert site.article("experiments/good/").css_first(".nv-notebook") is not None
    assert "cannot be converted" in site.article("experiments/bad-image/").text()
    assert "truncated" in site.article("articles/cut/").text()
    assert len(site.article("articles/fine/").css("figure.nv-page img")) == 2
    assert any("NV303" in line for line in site.warnings())
    assert any("NV304" in line for line in site.warnings())


def test_file_names_cannot_break_out_of_links(build_site: SiteBuilder) -> None:
    notebook = "notebooks/a (b) <img src=x onerror=alert(1)>.ipynb"
    pdf = "papers/x) <b onclick=alert(2)> #1.pdf"
    catalogue = f"""
        site: {{title: Paths}}
        sections:
          - {{id: cnn, title: CNNs, status: active}}
        experiments:
          - {{id: a, title: A, section: cnn, notebook: "{notebook}"}}
        articles:
          - {{id: p, title: P, summary: S, sections: [cnn], pdf: "{pdf}"}}
    """
    site = build_site(catalogue, {notebook: lambda p: write_notebook(p, "A"),
                                  pdf: lambda p: write_pdf(p)})
    for url in ("experiments/a/", "articles/p/", "experiments/", "sections/cnn/"):
        assert dangerous(site.html(url)) == [], url
    downloads = site.article("articles/p/").css("a[download]")
    assert {a.attributes["href"] for a in downloads} == {
        "../../papers/x%29%20%3Cb%20onclick%3Dalert%282%29%3E%20%231.pdf"}
    assert (site.site_dir / pdf).is_file()


def test_a_notebook_that_cannot_be_rendered_fails_a_strict_build_at_its_line(
        build_site: SiteBuilder) -> None:
    # The build opens files through its renderer (and cache), not a second check pass; a
    # broken file must still be an error that --strict stops on, pointing at its entry.
    catalogue = """\
        site: {title: Broken files}
        sections:
          - {id: cnn, title: CNNs, status: active}
        experiments:
          - id: broken
            title: Broken
            section: cnn
            notebook: notebooks/broken.ipynb
    """
    site = build_site(catalogue, {"notebooks/broken.ipynb": '{"cells": ['},
                      expect_failure=True)
    assert any(line.startswith("ERROR: ") and "catalogue.yml:8:15: error NV303 "
               "experiments[0].notebook: 'notebooks/broken.ipynb' is not valid JSON" in line
               for line in site.log)


def test_grouped_article_navigation_escapes_section_titles(build_site: SiteBuilder) -> None:
    # Past 20 articles the navigation groups them under their sections' titles.
    articles = "".join(
        f"  - {{id: note-{n}, title: Note {n}, summary: One note., sections: [cnn],"
        f" status: planned}}\n" for n in range(21))
    catalogue = ("site: {title: Grouped}\nsections:\n"
                 "  - id: cnn\n    title: \"CNN <img src=x onerror=alert('group')>\"\n"
                 "    status: active\narticles:\n" + articles)
    site = build_site(catalogue)
    page = site.html("articles/note-3/")
    assert dangerous(page) == []
    groups = [" ".join(label.text().split()) for label in page.css("nav label.md-nav__link")]
    assert "1. CNN <img src=x onerror=alert('group')>" in groups


def test_resource_links_that_would_run_code_are_dead_in_a_plain_build(
        build_site: SiteBuilder) -> None:
    catalogue = """
        site: {title: Links}
        sections:
          - {id: cnn, title: CNNs, status: active}
        resources:
          - {topic: A, title: Script, url: "javascript:alert('resource')", type: blog}
          - {topic: A, title: Spaced, url: " JavaScript:alert('spaced')", type: blog}
          - {topic: A, title: Tabbed, url: "java\\tscript:alert('tab')", type: blog}
          - {topic: A, title: Page, url: "data:text/html,<script>alert(1)</script>", type: blog}
          - {topic: A, title: Good, url: "HTTPS://example.org/ok", type: blog}
    """
    site = build_site(catalogue, strict=False)
    page = site.html("resources/")
    assert dangerous(page) == []
    links = {a.text(): a.attributes.get("href") for a in site.article("resources/").css("td a")}
    assert links == {"Script": "#", "Spaced": "#", "Tabbed": "#", "Page": "#",
                     "Good": "HTTPS://example.org/ok"}


# The sanitiser's parts on their own ---------------------------------------------------

from neuroverse_site.build.images import ImageRefused, publishable_image  # noqa: E402
from neuroverse_site.build.navigation import TocNode  # noqa: E402
from neuroverse_site.build.untrusted import (  # noqa: E402
    balanced,
    clean_generated_page,
    clean_untrusted,
    is_remote,
    unclosed_elements,
    url_scheme,
)


@pytest.mark.parametrize("url, scheme", [
    ("javascript:alert(1)", "javascript"), ("  JavaScript:x", "javascript"),
    ("java\tscript:x", "javascript"), ("java\nscript:x", "javascript"),
    ("\x01\x02javascript:x", "javascript"), ("java script:x", "javascript"),
    ("DATA:text/html,x", "data"), ("vbscript:x", "vbscript"), ("https://a.example/", "https"),
    ("mailto:a@b.example", "mailto"), ("../page/", None), ("#top", None),
    ("page.html?x=javascript:", None), ("//evil.example/x", None),
])
def test_url_scheme_reads_urls_as_a_browser_would(url: str, scheme: str | None) -> None:
    assert url_scheme(url) == scheme


@pytest.mark.parametrize("url, remote", [
    ("https://a.example/x.png", True), ("HTTP://a.example/x.png", True),
    ("//a.example/x.png", True), ("\\\\a.example/x.png", True), ("/\\a.example/x.png", True),
    (" //a.example/x.png", True), ("x.png", False), ("/x.png", False),
    ("data:image/png;base64,AA", False),
])
def test_remote_urls_include_protocol_relative_ones(url: str, remote: bool) -> None:
    assert is_remote(url) is remote


@pytest.mark.parametrize("html, left_open", [
    ("<p>fine</p><!-- closed -->", []), ("a <!-- open", ["<!--"]),
    ("<!--> empty and closed", []), ("<style>p{}", ["<style>"]),
    ("<SCRIPT type=x>", ["<script>"]), ("<script>x</script >", []),
    ("<textarea><title><xmp>", ["<textarea>", "<title>", "<xmp>"]),
    ("<plaintext>", ["<plaintext>"]), ("<template><p>", ["<template>"]),
    ("<noscript><iframe src=x>", ["<iframe>", "<noscript>"]),
    ("<scripts>not a script", []),
])
def test_unclosed_elements_are_found(html: str, left_open: list[str]) -> None:
    assert sorted(unclosed_elements(html)) == sorted(left_open)


def test_untrusted_fragments_are_closed_cleaned_and_namespaced() -> None:
    cleaned = clean_untrusted(
        '<div class="md-dialog mermaid dataframe ansi-red-fg k" id="__search" '
        'style="white-space:pre;position:fixed;color:red;background:url(//e.example/x);'
        'background-color:u\\72l(//e.example/y)" onclick="x()">t<a href="#frag">f</a>'
        '<style>body{}')
    tree = LexborHTMLParser(cleaned)
    div = tree.css_first("div")
    assert div is not None
    assert div.attributes["class"] == "nv-u-md-dialog nv-u-mermaid dataframe ansi-red-fg k"
    assert div.attributes["id"] == "nv-u-__search"
    assert div.attributes["style"] == "white-space:pre;--nv-u-color:red"
    assert "onclick" not in div.attributes
    link = tree.css_first("a")
    assert link is not None and link.attributes["href"] == "#nv-u-frag"
    assert "style" not in cleaned.replace('style="', "")  # the <style> element is gone


def test_trusted_fragments_keep_scripts_but_end_with_their_cell() -> None:
    kept = balanced("<script>window.x = 1")
    assert kept == "<script>window.x = 1</script>"
    assert balanced("<!-- open") == "<!-- open-->"


def test_generated_pages_lose_links_that_would_run_code() -> None:
    page = ('<p><a href="java&#x09;script:x()">a</a> <a href="https://ok.example/">b</a> '
            '<img src="//evil.example/t.png" alt="chart"> <a href="#x" onclick="y()">c</a></p>'
            '<!-- neuroverse:notebook -->')
    cleaned, removed = clean_generated_page(page)
    tree = LexborHTMLParser(cleaned)
    assert [a.attributes.get("href") for a in tree.css("a")] == [
        None, "https://ok.example/", "//evil.example/t.png", "#x"]
    assert tree.css("img") == [] and "chart" in tree.text()
    assert {item.reason for item in removed} == {"scheme", "remote", "handler"}
    assert "<!-- neuroverse:notebook -->" in cleaned
    assert clean_generated_page("<p>plain</p>") == ("<p>plain</p>", [])
    allowed, _ = clean_generated_page('<img src="https://a.example/x.png">',
                                      allow_remote_images=True)
    assert 'src="https://a.example/x.png"' in allowed


def test_images_are_judged_by_content() -> None:
    from archive_factory import png_bytes

    assert publishable_image(png_bytes()).suffix == ".png"
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, format="GIF")
    assert publishable_image(buffer.getvalue()).suffix == ".gif"
    for bad in (b"<!DOCTYPE html><script>x</script>", b"GIF89a<script>", b"%PDF-1.4",
                b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                b'<svg xmlns="http://www.w3.org/2000/svg">&x;</svg>',
                b"<html><svg></svg></html>", b""):
        with pytest.raises(ImageRefused):
            publishable_image(bad)
    svg = publishable_image(
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="x()"><script>y()</script>'
        b'<rect width="2" height="2" fill="url(#g)"/><use href="https://e.example/s.svg#a"/>'
        b'</svg>')
    assert svg.suffix == ".svg"
    text = svg.data.decode()
    assert "script" not in text and "onload" not in text and "e.example" not in text
    assert 'fill="url(#g)"' in text
    assert svg.removed


def test_toc_titles_are_html_for_the_theme() -> None:
    assert TocNode("The <img> tag & more", "x", 2).html_title == "The &lt;img&gt; tag &amp; more"
