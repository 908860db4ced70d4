"""The link checker: a hand-made broken site, a generated site, and the project's own site."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from neuroverse_site.build.linkcheck import check_site
from neuroverse_site.cli import main

from archive_factory import write_notebook, write_pdf

REPO = Path(__file__).resolve().parents[1]


def write(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


BROKEN_SITE = {
    "index.html": """<html><head><link rel="stylesheet" href="assets/site.css">
        <script src="assets/missing.js"></script></head><body>
        <a href="guide/">guide</a> <a href="guide/#setup">setup</a>
        <a href="guide/#nowhere">bad anchor</a> <a href="#top">top</a> <a href="#gone">gone</a>
        <a href="missing/">missing page</a> <a href="https://example.com/x">outside</a>
        <a href="mailto:a@example.com">mail</a> <a href="../above.html">above</a>
        <img src="img/plot%20one.png" alt="plot"> <img src="img/none.png" alt="none">
        <object data="papers/a.pdf" type="application/pdf"></object>
        <object data="papers/b.pdf" type="application/pdf"></object>
        <a href="/guide/">root path</a> <a href="/elsewhere/x/">outside base</a>
        <h1 id="top">Top</h1></body></html>""",
    "guide/index.html": '<html><body><h2 id="setup">Setup</h2>'
                        '<a href="../index.html#top">back</a><a name="old">old</a>'
                        '<a href="./#old">old anchor</a></body></html>',
    "assets/site.css": "body {}",
    "img/plot one.png": "png",
    "papers/a.pdf": "%PDF-1.4",
}


def test_reports_each_broken_link_and_anchor(tmp_path: Path) -> None:
    site = write(tmp_path / "site", BROKEN_SITE)
    report = check_site(site, site_url="https://example.org/")
    found = {(b.page, b.tag, b.url): b.reason for b in report.broken}
    assert found == {
        ("index.html", "script", "assets/missing.js"): "no file assets/missing.js in the site",
        ("index.html", "a", "guide/#nowhere"): "no id 'nowhere' in guide/index.html",
        ("index.html", "a", "#gone"): "no id 'gone' in index.html",
        ("index.html", "a", "missing/"): "no file missing/index.html in the site",
        ("index.html", "a", "../above.html"): "points above the site folder",
        ("index.html", "img", "img/none.png"): "no file img/none.png in the site",
        ("index.html", "object", "papers/b.pdf"): "no file papers/b.pdf in the site",
        ("index.html", "a", "/elsewhere/x/"): "no file elsewhere/x/index.html in the site",
    }
    assert report.pages == 2
    assert report.links == 17  # everything but the two links that leave the site


def test_server_root_paths_are_read_against_the_published_path(tmp_path: Path) -> None:
    site = write(tmp_path / "site", {
        "index.html": '<a href="/archive/guide/">ok</a> <a href="/guide/">wrong base</a>'
                      '<a href="https://example.org/archive/guide/">absolute</a>'
                      '<a href="https://example.org/archive/nope/">absolute, missing</a>',
        "guide/index.html": "<p>guide</p>",
    })
    report = check_site(site, site_url="https://example.org/archive/")
    assert [(b.url, b.reason) for b in report.broken] == [
        ("/guide/", "points outside the site's path /archive/"),
        ("https://example.org/archive/nope/", "no file nope/index.html in the site"),
    ]


def test_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = write(tmp_path / "site", BROKEN_SITE)
    assert main(["linkcheck", str(site)]) == 1
    out = capsys.readouterr().out
    assert 'index.html: <a href="#gone">: no id \'gone\' in index.html' in out
    assert out.rstrip().endswith("8 broken")
    write(tmp_path / "good", {"index.html": '<a href="#x">x</a><p id="x"></p>'})
    assert main(["linkcheck", str(tmp_path / "good")]) == 0
    assert capsys.readouterr().out.strip() == "1 pages, 1 internal links, 0 broken"
    assert main(["linkcheck", str(tmp_path / "empty")]) == 2


def test_generated_site_has_no_broken_links(build_site) -> None:  # type: ignore[no-untyped-def]
    site = build_site(
        """
        site: {title: Links}
        sections:
          - {id: cnn, title: Convolutions, status: active, focus: Images}
        experiments:
          - id: filters
            title: Filters
            section: cnn
            status: completed
            notebook: notebooks/filters.ipynb
            articles: [padding]
            added: 2025-01-02
        articles:
          - id: padding
            title: Padding
            summary: Why borders matter.
            sections: [cnn]
            pdf: papers/padding.pdf
            added: 2025-01-03
        """,
        files={"notebooks/filters.ipynb": lambda p: write_notebook(p, "Filters"),
               "papers/padding.pdf": write_pdf},
    )
    report = check_site(site.site_dir, site_url="https://example.org/archive/")
    assert report.broken == [], report.format()
    assert report.pages >= 8 and report.links > 100
    # Deleting one generated asset is noticed on every page that uses it.
    (site.site_dir / "assets" / "neuroverse" / "thumbs" / "padding.png").unlink()
    (site.site_dir / "assets" / "neuroverse" / "pages" / "padding" / "page-1.jpg").unlink()
    pages = {b.page for b in check_site(site.site_dir).broken}
    assert {"articles/padding/index.html", "sections/cnn/index.html"} <= pages


def test_project_site_has_no_broken_links(tmp_path: Path) -> None:
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    config = load_config(str(REPO / "mkdocs.yml"), site_dir=str(tmp_path / "site"), strict=True)
    build(config)
    report = check_site(tmp_path / "site", site_url=config.site_url)
    assert report.broken == [], report.format()
    assert report.links > 100
