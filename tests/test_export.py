"""`neuroverse export DIR`: a plain MkDocs project that builds, without our plugin, into the
same pages as the plugin's site; and what it refuses to do."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from xml.etree import ElementTree

import pytest

from neuroverse_site.build.export import EXPORT_STAMP
from neuroverse_site.cli import EXIT_OK, EXIT_PROBLEMS, main

from conftest import MKDOCS_YML, BuiltSite, SiteBuilder
from engines import (
    CATALOGUE,
    GENERATED_PAGES,
    archive_files,
    article_text,
    build_plain,
    notebook,
    site_pages,
)

NOTE_PAGE = "articles/pooling-notes/index.html"


@pytest.fixture
def plugin_site(build_site: SiteBuilder) -> BuiltSite:
    return build_site(CATALOGUE, archive_files())


def export(site: BuiltSite, target: Path, *extra: str) -> int:
    return main(["export", str(target), "-f", str(site.root / "mkdocs.yml"), *extra])


def files_under(folder: Path, *, skip: tuple[str, ...] = ()) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.relative_to(folder).as_posix().startswith(skip)}


def test_plain_mkdocs_builds_the_export_into_the_plugin_site(
        plugin_site: BuiltSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source_before = files_under(plugin_site.root, skip=(".cache", "site"))
    target = tmp_path / "export"
    assert export(plugin_site, target) == EXIT_OK
    err = capsys.readouterr().err
    # Same cache as the plugin: nothing is rendered twice.
    assert "rendered 2/2 notebooks, 2 from cache; read 1/1 PDFs, 1 from cache" in err
    assert "exported 14 pages" in err
    assert "not in the export: link-preview tags" in err  # said, not left to be found

    config = (target / "mkdocs.yml").read_text(encoding="utf-8")
    assert "- neuroverse" not in config  # the plugin is gone...
    assert "  - search\n" in config  # ...the others stay
    assert "assets/neuroverse/neuroverse.css" in config
    site_dir = tmp_path / "plain-site"
    assert build_plain(target / "mkdocs.yml", site_dir) == []  # strict, and not one warning

    assert site_pages(site_dir) == site_pages(plugin_site.site_dir)
    assert set(GENERATED_PAGES) <= set(site_pages(site_dir))
    for page in ("experiments/filters/index.html", "experiments/pooling/index.html"):
        shown, images = notebook(site_dir, page)
        assert (shown, images) == notebook(plugin_site.site_dir, page)
        assert images, "the notebook's figure is shown"
    assert "quetzalcoatl" in article_text(site_dir, "experiments/filters/index.html")
    # A Markdown note article: the same note, its image carried in the page, the image
    # file published (the note links it), its link leading to the notebook's page.
    shown, images = notebook(site_dir, NOTE_PAGE, ".nv-note")
    assert (shown, images) == notebook(plugin_site.site_dir, NOTE_PAGE, ".nv-note")
    assert len(images) == 1 and "ocelotlike" in shown
    note_html = (site_dir / NOTE_PAGE).read_text(encoding="utf-8")
    assert 'href="../../experiments/pooling/"' in note_html
    assert 'href="../../assets/neuroverse/files/notes/img/grid.png"' in note_html
    assert ((site_dir / "assets/neuroverse/files/notes/img/grid.png").read_bytes()
            == (plugin_site.site_dir / "assets/neuroverse/files/notes/img/grid.png").read_bytes())
    assert not (site_dir / "notes").exists()  # the note's source is not published
    for page in [*GENERATED_PAGES, "index.html", "about/index.html"]:
        assert article_text(site_dir, page) == article_text(plugin_site.site_dir, page), page
    # The page images, the page texts and the download are there and point at real files.
    article = (site_dir / "articles/chain/index.html").read_text(encoding="utf-8")
    assert "ocelotry" in article_text(site_dir, "articles/chain/index.html")
    for number in (1, 2, 3):
        assert f'src="../../assets/neuroverse/pages/chain/page-{number}.jpg"' in article
        assert f'href="../../assets/neuroverse/pages/chain/page-{number}-2x.jpg"' in article
        assert (site_dir / f"assets/neuroverse/pages/chain/page-{number}-2x.jpg").is_file()
    assert 'href="../../papers/chain.pdf"' in article
    # Cards show the notebook's picture, a file beside the pages; tags and the feed are there.
    section = (site_dir / "sections/cnn/index.html").read_text(encoding="utf-8")
    pictures = re.findall(r'src="\.\./\.\./(assets/neuroverse/nb/[^"]+\.webp)"', section)
    assert pictures and all((site_dir / picture).is_file() for picture in pictures)
    assert 'id="tag-filters"' in (site_dir / "tags/index.html").read_text(encoding="utf-8")
    feed = ElementTree.parse(site_dir / "feed.xml").getroot()
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
    assert (site_dir / "feed.xml").read_bytes() == (plugin_site.site_dir / "feed.xml").read_bytes()
    assert (site_dir / "papers/chain.pdf").read_bytes().startswith(b"%PDF")
    assert (site_dir / "assets/neuroverse/thumbs/chain.png").is_file()
    assert (site_dir / "notebooks/filters.ipynb").is_file()
    # The home page has its status table; the navigation has every section.
    assert "Convolutional networks &amp; friends" in (site_dir / "index.html").read_text()
    # Nothing in the project changed but its cache.
    assert files_under(plugin_site.root, skip=(".cache", "site")) == source_before


def test_the_exported_settings_keep_comments_tags_and_a_written_nav(
        build_site: SiteBuilder, tmp_path: Path) -> None:
    mkdocs_yml = (MKDOCS_YML.format(plugin_options="") + textwrap.dedent("""\
        # Where the site is published.
        repo_url: !ENV REPO_URL
        extra_css: [extra.css]
        nav:
          - Home: index.md
          - Filters: experiments/filters.md
          - About: about.md
        """)).replace("site_url: https://example.org/archive/\n",
                      "site_url: !ENV [SITE_URL, 'https://example.org/archive/']\n")
    site = build_site(CATALOGUE, {**archive_files(), "docs/extra.css": "p {}\n"},
                      mkdocs_yml=mkdocs_yml)
    assert export(site, tmp_path / "out") == EXIT_OK
    config = (tmp_path / "out" / "mkdocs.yml").read_text(encoding="utf-8")
    assert "site_url: !ENV [SITE_URL, 'https://example.org/archive/']" in config
    # Unset when the export is built, the variable falls back to the catalogue's address.
    assert "repo_url: !ENV [REPO_URL, https://github.com/example/engines]" in config
    assert "# Where the site is published." in config
    assert "extra_css: [extra.css, assets/neuroverse/neuroverse.css]" in config
    assert "Filters: experiments/filters.md" in config
    assert "sections/cnn/index.md" not in config  # the user's nav is kept as written
    assert build_plain(tmp_path / "out" / "mkdocs.yml", tmp_path / "site") == []


def test_a_non_empty_folder_needs_force_which_replaces_only_the_last_export(
        plugin_site: BuiltSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    assert export(plugin_site, target) == EXIT_PROBLEMS
    out = capsys.readouterr().out
    assert "error NV501" in out and "is not empty" in out and "--force" in out
    assert sorted(p.name for p in target.iterdir()) == ["notes.txt"]

    assert export(plugin_site, target, "--force") == EXIT_OK
    assert (target / "docs/experiments/pooling.md").is_file()
    (target / "site").mkdir()
    (target / "site" / "index.html").write_text("built")
    # The pooling experiment leaves the catalogue: its page must not linger in the export.
    catalogue = plugin_site.root / "catalogue.yml"
    text = catalogue.read_text()
    catalogue.write_text(text.replace("  - id: pooling\n    title: Pooling\n    section: cnn\n"
                                      "    notebook: notebooks/pooling.ipynb\n", ""))
    (plugin_site.root / "notebooks/pooling.ipynb").unlink()
    assert export(plugin_site, target, "--force") == EXIT_OK
    assert not (target / "docs/experiments/pooling.md").exists()
    assert (target / "notes.txt").read_text() == "mine"
    assert (target / "site" / "index.html").read_text() == "built"
    listed = (target / EXPORT_STAMP).read_text().splitlines()
    assert "docs/experiments/filters.md" in listed and "notes.txt" not in listed


@pytest.mark.parametrize("where", [".", "docs/out", ".."])
def test_the_project_and_its_docs_are_never_a_target(
        tmp_path: Path, where: str, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "archive"
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "index.md").write_text("# Home\n")
    (root / "catalogue.yml").write_text(CATALOGUE)
    (root / "mkdocs.yml").write_text(MKDOCS_YML.format(plugin_options=""))
    before = files_under(tmp_path)
    assert main(["export", str(root / where), "-f", str(root / "mkdocs.yml"), "--force"]
                ) == EXIT_PROBLEMS
    assert "error NV501" in capsys.readouterr().out
    assert files_under(tmp_path) == before


def test_catalogue_errors_export_nothing(build_site: SiteBuilder, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    site = build_site(CATALOGUE, archive_files())
    catalogue = site.root / "catalogue.yml"
    catalogue.write_text(catalogue.read_text().replace("section: cnn\n    notebook: notebooks/f",
                                                       "section: cnnn\n    notebook: notebooks/f"))
    assert export(site, tmp_path / "out") == EXIT_PROBLEMS
    out, err = capsys.readouterr()
    assert "error NV201" in out and "unknown section 'cnnn'" in out
    assert "nothing exported" in err
    assert not (tmp_path / "out").exists()


def test_an_mkdocs_yml_without_the_plugin_is_pointed_at(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: Other\nplugins:\n  - search\nmarkdown_extensions: [tables]\n")
    assert main(["export", str(tmp_path / "out"), "-f", str(config)]) == EXIT_PROBLEMS
    out = capsys.readouterr().out
    assert f"{config}:2:1: error NV502 plugins: mkdocs.yml does not use the neuroverse plugin" in out
    assert not (tmp_path / "out").exists()


def test_a_wrong_option_is_reported_where_it_is_written(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "mkdocs.yml"
    config.write_text(MKDOCS_YML.format(plugin_options=":\n      cache: maybe"))
    assert main(["export", str(tmp_path / "out"), "-f", str(config)]) == EXIT_PROBLEMS
    out = capsys.readouterr().out
    assert "error NV502 plugins.1.neuroverse.cache: 'maybe' is not a valid value for cache" in out
    assert f"{config}:10:7:" in out


def test_serve_watch_is_read_as_the_plugin_reads_it(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "mkdocs.yml"
    config.write_text(MKDOCS_YML.format(plugin_options=":\n      serve_watch: sometimes"))
    assert main(["export", str(tmp_path / "out"), "-f", str(config)]) == EXIT_PROBLEMS
    out = capsys.readouterr().out
    assert ("error NV502 plugins.1.neuroverse.serve_watch: 'sometimes' is not a valid value "
            "for serve_watch") in out
    assert "expected native or polling" in out


def test_a_hand_written_page_in_the_way_of_a_generated_one_is_named(
        plugin_site: BuiltSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (plugin_site.root / "docs" / "resources.md").write_text("# My own resources\n")
    assert export(plugin_site, tmp_path / "out") == EXIT_PROBLEMS
    out = capsys.readouterr().out
    assert "error NV503 docs_dir: docs/ already has files at the paths of generated pages" in out
    assert "resources.md" in out
    assert not (tmp_path / "out").exists()


def test_inherited_settings_are_merged_into_the_export(build_site: SiteBuilder,
                                                      tmp_path: Path) -> None:
    base = MKDOCS_YML.format(plugin_options="").replace("site_name: Test archive\n", "")
    child = "INHERIT: config/base.yml\nsite_name: Child archive\nextra:\n  mood: calm\n"
    site = build_site(CATALOGUE, {**archive_files(), "config/base.yml": base + "extra:\n  a: 1\n"},
                      mkdocs_yml=child)
    assert export(site, tmp_path / "out") == EXIT_OK
    config = (tmp_path / "out" / "mkdocs.yml").read_text(encoding="utf-8")
    assert "INHERIT" not in config and "- neuroverse" not in config
    assert "site_name: Child archive" in config and "md_in_html" in config
    assert "  a: 1\n" in config and "  mood: calm\n" in config  # mappings merge key by key
    site_dir = tmp_path / "site"
    assert build_plain(tmp_path / "out" / "mkdocs.yml", site_dir) == []
    assert site_pages(site_dir) == site_pages(site.site_dir)


def test_a_folder_that_cannot_be_written_is_an_error_not_a_traceback(
        plugin_site: BuiltSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out"
    (target / "docs").mkdir(parents=True)
    (target / "docs" / "index.md").mkdir()  # where the home page must go: a folder
    assert export(plugin_site, target, "--force") == EXIT_PROBLEMS
    assert "error NV501 cannot write into" in capsys.readouterr().out


def test_what_the_plugin_removes_after_markdown_stops_the_export(
        build_site: SiteBuilder, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    catalogue = CATALOGUE.replace(
        "    title: Notes\n", "    title: Notes\n"
        "    description: 'A figure: ![tracker](https://tracker.example/pixel.png)'\n")
    site = build_site(catalogue, archive_files(), strict=False)
    assert any("NV107" in line for line in site.warnings())  # the plugin removes the image
    assert export(site, tmp_path / "out") == EXIT_PROBLEMS
    out, err = capsys.readouterr()
    assert "warning NV107 sections[1].description: removed from the page" in out
    assert "nothing exported" in err and not (tmp_path / "out").exists()
