"""Catalogue text and notebook outputs are data: nothing in them runs in the built site."""

from __future__ import annotations

import re
from pathlib import Path

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
    site = build_site(HOSTILE, FILES)
    problems = {}
    for path in html_pages(site):
        found = dangerous(LexborHTMLParser(path.read_text(encoding="utf-8")))
        if found:
            problems[str(path.relative_to(site.site_dir))] = found
    assert problems == {}


def test_hostile_text_is_shown_as_written(build_site: SiteBuilder) -> None:
    site = build_site(HOSTILE, FILES)
    section = site.article("sections/cnn/").text()
    assert "<script>alert('description')</script>" in section
    assert "<b onclick=\"alert('b')\">bold</b>" in section
    experiment = site.article("experiments/filters/").text()
    assert "<script>alert('goal')</script> | piped goal" in experiment
    good = site.article("sections/cnn/").css_first("a[href='https://example.org/ok']")
    assert good is not None, "a safe link in a description is kept"


def test_pipes_and_newlines_do_not_break_tables(build_site: SiteBuilder) -> None:
    site = build_site(HOSTILE, FILES)
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
    site = build_site(HOSTILE, FILES)
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
    return build_site(catalogue, files,
                      plugin_options="trust_notebook_outputs: true" if trusted else "")


def test_notebook_script_outputs_are_inert_by_default(build_site: SiteBuilder) -> None:
    site = build_with_script_output(build_site, trusted=False)
    html = site.text("experiments/outputs/")
    notebook = site.article("experiments/outputs/").css_first(".nv-notebook")
    assert notebook is not None
    assert notebook.css_first("#nv-html-out") is not None, "harmless output HTML is kept"
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
