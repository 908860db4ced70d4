"""The other builders: ProperDocs runs the plugin as MkDocs does; Zensical builds the export;
and `neuroverse check` says so before Zensical can publish a site without its pages.

ProperDocs and Zensical run as commands, never in this process: ProperDocs' command makes
every `mkdocs.*` import answer with its own modules, which would leak into other tests."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from neuroverse_site.cli import EXIT_OK, EXIT_PROBLEMS, main

from conftest import BuiltSite, SiteBuilder
from engines import (
    CATALOGUE,
    GENERATED_PAGES,
    archive_files,
    article_text,
    builder,
    notebook,
    site_pages,
    subprocess_env,
)


@pytest.fixture
def plugin_site(build_site: SiteBuilder) -> BuiltSite:
    return build_site(CATALOGUE, archive_files())


def test_properdocs_builds_the_same_site_with_the_plugin(plugin_site: BuiltSite,
                                                        tmp_path: Path) -> None:
    properdocs = builder("properdocs")
    site_dir = tmp_path / "properdocs-site"
    run = subprocess.run(
        [str(properdocs), "build", "--strict", "--site-dir", str(site_dir)],
        cwd=plugin_site.root, env=subprocess_env(), capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "WARNING" not in run.stderr and "ERROR" not in run.stderr, run.stderr
    # Found through its entry point, it ran and used the cache the MkDocs build filled.
    assert "neuroverse_site: rendered 2/2 notebooks, 2 from cache" in run.stderr

    assert site_pages(site_dir) == site_pages(plugin_site.site_dir)
    for page in [*GENERATED_PAGES, "index.html", "about/index.html"]:
        assert article_text(site_dir, page) == article_text(plugin_site.site_dir, page), page
    assert notebook(site_dir, "experiments/filters/index.html") == notebook(
        plugin_site.site_dir, "experiments/filters/index.html")


def test_zensical_builds_the_export_into_every_page(plugin_site: BuiltSite, tmp_path: Path) -> None:
    zensical = builder("zensical")
    target = tmp_path / "export"
    assert main(["export", str(target), "-f", str(plugin_site.root / "mkdocs.yml")]) == EXIT_OK
    # As a reader would: no network (the theme ships in the wheel), from another folder.
    run = subprocess.run([str(zensical), "build", "-f", str(target / "mkdocs.yml")],
                         cwd=tmp_path, env=subprocess_env(), capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    site_dir = target / "site"

    assert site_pages(site_dir) == site_pages(plugin_site.site_dir)
    for page in ("experiments/filters/index.html", "experiments/pooling/index.html"):
        shown, images = notebook(site_dir, page)
        assert (shown, images) == notebook(plugin_site.site_dir, page)
        assert images
    # A Markdown note article: the same note and image (carried in the page). Its links
    # are compared as text: Zensical rewrites relative links in raw HTML as if they were
    # relative to the Markdown file (README, "Which builder"), one folder off here.
    note_page = "articles/pooling-notes/index.html"
    shown, images = notebook(site_dir, note_page, ".nv-note")
    plugin_shown, plugin_images = notebook(plugin_site.site_dir, note_page, ".nv-note")
    assert images == plugin_images and len(images) == 1
    assert (LexborHTMLParser(shown).text(separator=" ").split()
            == LexborHTMLParser(plugin_shown).text(separator=" ").split())
    assert "ocelotlike" in shown
    article = article_text(site_dir, "articles/chain/index.html")
    assert "Derivatives through a graph." in article and "Pages: 3" in article
    for page in ("sections/cnn/index.html", "experiments/index.html", "resources/index.html"):
        assert article_text(plugin_site.site_dir, page) in article_text(site_dir, page), page
    # Links in the PDF viewer's fallback are Markdown, so Zensical resolves them too.
    html = (site_dir / "articles/chain/index.html").read_text(encoding="utf-8")
    assert 'href="../../papers/chain.pdf"' in html
    assert (site_dir / "papers/chain.pdf").is_file()


def test_check_warns_that_zensical_needs_the_export(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    catalogue = tmp_path / "catalogue.yml"
    catalogue.write_text("site: {title: Z}\nsections:\n  - {id: a, title: A, status: active}\n")
    assert main(["check", str(catalogue)]) == EXIT_OK
    assert "NV500" not in capsys.readouterr().out

    assert main(["check", "--engine", "zensical", str(catalogue)]) == EXIT_OK
    out = capsys.readouterr().out
    assert "warning NV500 Zensical does not run the neuroverse plugin" in out
    assert "neuroverse export build/export --force" in out
    assert "zensical build -f build/export/mkdocs.yml" in out

    (tmp_path / "zensical.toml").write_text("[project]\nsite_name = 'Z'\n")
    assert main(["check", "--strict", str(catalogue)]) == EXIT_PROBLEMS
    out = capsys.readouterr().out
    assert "zensical.toml:1:1: warning NV500" in out
    # Told which builder runs, the check believes it.
    assert main(["check", "--strict", "--engine", "properdocs", str(catalogue)]) == EXIT_OK
