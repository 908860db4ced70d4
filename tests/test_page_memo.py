"""A serve session's generated pages remembered between builds (render.PageMemo): a page
is taken from the memo only while everything its rendering read is unchanged. Each test
changes one kind of input and shows the memo's pages equal a fresh rendering's, byte for
byte, and that the page which shows that input was rendered again."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from neuroverse_site.build.render import (
    ArticleFacts,
    ExperimentFacts,
    Facts,
    PageMemo,
    PageView,
    Picture,
    Renderer,
)
from neuroverse_site.core.checks import CheckOptions, check_file
from neuroverse_site.core.model import Catalogue

from conftest import BuiltSite

CATALOGUE = """\
site:
  title: Test archive
  repository_url: https://github.com/someone/archive
sections:
  - id: cnn
    title: Convolutional networks
    status: active
  - id: rnn
    title: Recurrent networks
    status: planned
experiments:
  - id: filters
    title: Digit filters
    section: cnn
    notebook: notebooks/filters.ipynb
    tags: [vision]
  - id: pooling
    title: Pooling
    section: cnn
    notebook: notebooks/pooling.ipynb
  - id: lstm
    title: An LSTM
    section: rnn
    notebook: notebooks/lstm.ipynb
articles:
  - id: lenet
    title: Gradient-based learning
    summary: The paper behind the filters.
    sections: [cnn]
    pdf: papers/lenet.pdf
    tags: [vision]
"""

FACTS = Facts(
    {"filters": ExperimentFacts(has_body=True, size_bytes=1200),
     "pooling": ExperimentFacts(has_body=True, size_bytes=900),
     "lstm": ExperimentFacts(has_body=True, size_bytes=700)},
    {"lenet": ArticleFacts(pages=2, size_bytes=5000, has_thumbnail=True,
                           page_views=(PageView(1, 600, 800, "first page"),),
                           thumbnail_size=(120, 160))},
)


def load(root: Path, text: str = CATALOGUE) -> Catalogue:
    (root / "catalogue.yml").write_text(text, encoding="utf-8")
    result = check_file(root / "catalogue.yml", root, CheckOptions(read_contents=False))
    assert result.catalogue is not None
    return result.catalogue


def pages(catalogue: Catalogue, facts: Facts, memo: PageMemo | None = None,
          templates_dir: Path | None = None, use_directory_urls: bool = True
          ) -> dict[str, str]:
    renderer = Renderer(catalogue, facts, use_directory_urls=use_directory_urls,
                        templates_dir=templates_dir, memo=memo)
    return {page.src_uri: page.markdown for page in renderer.pages()}


def test_an_unchanged_build_takes_every_page_from_the_memo(tmp_path: Path) -> None:
    catalogue = load(tmp_path)
    memo = PageMemo()
    first = pages(catalogue, FACTS, memo)
    assert memo.used == 0
    assert pages(catalogue, FACTS, memo) == first == pages(catalogue, FACTS)
    assert memo.used == len(first)


def _with_experiment(facts: Facts, experiment_id: str, **change: object) -> Facts:
    changed = dataclasses.replace(facts.experiments[experiment_id], **change)  # type: ignore[arg-type]
    return Facts({**facts.experiments, experiment_id: changed}, facts.articles)


def _with_article(facts: Facts, article_id: str, **change: object) -> Facts:
    changed = dataclasses.replace(facts.articles[article_id], **change)  # type: ignore[arg-type]
    return Facts(facts.experiments, {**facts.articles, article_id: changed})


@pytest.mark.parametrize("change", [
    lambda f: _with_experiment(f, "filters", size_bytes=2400),
    lambda f: _with_experiment(f, "filters", thumbnail=Picture("assets/t.png", 40, 30)),
    lambda f: _with_experiment(f, "lstm", problem="it cannot be read", has_body=False),
    lambda f: Facts({k: v for k, v in f.experiments.items() if k != "pooling"}, f.articles),
    lambda f: _with_article(f, "lenet", pages=7),
    lambda f: _with_article(f, "lenet", page_views=(PageView(1, 600, 800, "first page"),
                                                   PageView(2, 600, 800, "second"))),
    lambda f: _with_article(f, "lenet", has_thumbnail=False),
], ids=["notebook size", "notebook thumbnail", "notebook broken", "notebook gone",
        "pdf pages", "pdf page views", "pdf thumbnail"])
def test_a_changed_fact_renders_the_pages_that_read_it_again(
        tmp_path: Path, change: Callable[[Facts], Facts]) -> None:
    catalogue = load(tmp_path)
    memo = PageMemo()
    before = pages(catalogue, FACTS, memo)
    after = change(FACTS)
    fresh = pages(catalogue, after)
    assert any(fresh[uri] != before[uri] for uri in fresh)  # the change shows somewhere
    assert pages(catalogue, after, memo) == fresh
    assert 0 < memo.used < len(fresh)  # pages that did not read it came from the memo


def test_a_changed_catalogue_field_or_site_setting_is_not_served_stale(tmp_path: Path) -> None:
    catalogue = load(tmp_path)
    memo = PageMemo()
    before = pages(catalogue, FACTS, memo)
    for text in (CATALOGUE.replace("title: Pooling", "title: Max pooling"),
                 CATALOGUE.replace("status: planned", "status: active"),
                 CATALOGUE.replace("someone/archive", "another/archive")):
        edited = load(tmp_path, text)
        fresh = pages(edited, FACTS)
        assert fresh != before
        assert pages(edited, FACTS, memo) == fresh
    fresh = pages(edited, FACTS, use_directory_urls=False)
    assert pages(edited, FACTS, memo, use_directory_urls=False) == fresh


def test_an_edited_or_added_template_override_is_not_served_stale(tmp_path: Path) -> None:
    catalogue = load(tmp_path)
    overrides = tmp_path / "templates"
    overrides.mkdir()
    memo = PageMemo()
    before = pages(catalogue, FACTS, memo, overrides)
    (overrides / "section.md.j2").write_text("# {{ section.title }}\n\nOverridden.\n",
                                             encoding="utf-8")
    fresh = pages(catalogue, FACTS, templates_dir=overrides)
    assert fresh["sections/cnn/index.md"] != before["sections/cnn/index.md"]
    assert pages(catalogue, FACTS, memo, overrides) == fresh
    # Edited again within the same second and with the same size: the bytes decide.
    (overrides / "section.md.j2").write_text("# {{ section.title }}\n\nOverwritten\n",
                                             encoding="utf-8")
    fresh = pages(catalogue, FACTS, templates_dir=overrides)
    assert pages(catalogue, FACTS, memo, overrides) == fresh


def test_a_template_that_goes_over_all_facts_sees_any_change(tmp_path: Path) -> None:
    catalogue = load(tmp_path)
    overrides = tmp_path / "templates"
    overrides.mkdir()
    (overrides / "resources.md.j2").write_text(
        "# Resources\n\n{{ facts.experiments | length }} with facts: "
        "{{ facts.experiments | sort | join(', ') }}\n", encoding="utf-8")
    memo = PageMemo()
    pages(catalogue, FACTS, memo, overrides)
    after = Facts({k: v for k, v in FACTS.experiments.items() if k != "pooling"},
                  FACTS.articles)
    fresh = pages(catalogue, after, templates_dir=overrides)
    assert "2 with facts: filters, lstm" in fresh["resources.md"]
    assert pages(catalogue, after, memo, overrides) == fresh


SERVE_SESSION = """
import shutil, sys
from pathlib import Path
from mkdocs.commands.build import build
from mkdocs.config import load_config
sys.path.insert(0, {tests!r})
from archive_factory import write_notebook

root, out = Path({root!r}), Path({out!r})
site = out / "serve-site"

def rebuild(name):
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(site))
    if name == "first":
        config.plugins.on_startup(command="serve", dirty=True)
    build(config, dirty=True)
    shutil.copytree(site, out / name)
    plugin = config.plugins["neuroverse"]
    print(name, plugin._page_memo.used, plugin._published.reused)

rebuild("first")
write_notebook(root / "notebooks/filters.ipynb", "Digit filters", heading="Kernels",
               markdown="Now with the word quokkaesque.")
rebuild("notebook")
catalogue = root / "catalogue.yml"
catalogue.write_text(catalogue.read_text().replace("title: Pooling", "title: Max pooling"))
rebuild("catalogue")
(root / "templates" / "section.md.j2").write_text(
    "# {{{{ section.title }}}}\\n\\nOverridden in the session.\\n")
rebuild("template")
"""


def test_a_serve_session_builds_what_a_clean_build_builds_after_each_edit(
        build_site: Callable[..., Any], tmp_path: Path) -> None:
    # The memo lives in the plugin of one process that builds again, as `mkdocs serve`:
    # after each edit its site must equal a clean build's of the same archive.
    from test_incremental import CATALOGUE as INCREMENTAL
    from test_incremental import FILES, assert_same_site, mkdocs_build

    first = build_site(INCREMENTAL, {**FILES, "templates/notes.txt": "Overrides go here.\n"},
                       plugin_options="templates_dir: templates")
    root = first.root
    out = tmp_path / "session"
    out.mkdir()
    script = SERVE_SESSION.format(tests=str(Path(__file__).parent), root=str(root),
                                  out=str(out))
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}, check=False)
    assert done.returncode == 0, done.stderr
    counts = {name: (used, files) for name, used, files
              in (line.split() for line in done.stdout.splitlines())}
    reused = {name: used for name, (used, _) in counts.items()}
    # The notebook edit changed one page's facts; the other pages came from the memo. A
    # catalogue or template edit renders every page again.
    assert int(reused["notebook"]) > 0
    assert reused["catalogue"] == reused["template"] == "0"
    # Asset files (notebooks, PDFs, cached images) made again only for what changed.
    assert counts["first"][1] == "0"
    assert int(counts["notebook"][1]) > 0 and int(counts["template"][1]) > 0
    served = BuiltSite(root, out / "template")
    assert "Overridden in the session." in served.text("sections/cnn/")
    assert "Max pooling" in served.text("experiments/pooling/")
    assert "quokkaesque" in served.text("experiments/filters/")
    assert_same_site(served, mkdocs_build(root, tmp_path / "clean", dirty=False))


def test_a_kept_asset_file_is_used_again_only_while_it_is_as_it_was_made(
        tmp_path: Path) -> None:
    from mkdocs.config import load_config
    from mkdocs.structure.files import InclusionLevel

    from neuroverse_site.build.site import GeneratedAsset
    from neuroverse_site.plugin.files import LinkedFile, PublishedFiles

    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: Files\n")
    config = load_config(str(tmp_path / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    config.plugins._current_plugin = "neuroverse"
    blob = tmp_path / "blob.png"
    blob.write_bytes(b"picture")
    image = GeneratedAsset("assets/pictures/one.png", b"picture", cached_path=blob)
    kept = PublishedFiles()

    def build() -> LinkedFile:
        kept.begin()
        file = kept.file(config, image)
        kept.end()
        assert isinstance(file, LinkedFile)
        return file

    first = build()
    undecided = first.inclusion
    first.inclusion = InclusionLevel.EXCLUDED  # MkDocs decides it after on_files
    assert build() is first and kept.reused == 1
    assert first.inclusion == undecided  # to be decided again by this build's settings
    assert first.fallback is None
    blob.unlink()  # evicted meanwhile: the kept file carries the bytes, as a new one would
    assert build() is first and first.fallback == b"picture"
    blob.write_bytes(b"picture")
    first.dest_uri = "elsewhere/one.png"  # what another plugin may do to it during a build
    second = build()
    assert second is not first and kept.reused == 0
    assert second.dest_uri == "assets/pictures/one.png"
    assert build() is second
    config.use_directory_urls = False  # another URL style: files made anew
    assert build() is not second
