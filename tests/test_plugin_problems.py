"""How builds behave when the catalogue has problems: strict fails with all of them, plain
builds go on, and `mkdocs serve` keeps serving and recovers once the file is fixed."""

from __future__ import annotations

import sys
import textwrap
import time
from pathlib import Path

import pytest

from archive_factory import write_notebook
from conftest import MKDOCS_YML, SiteBuilder
from served import fetch, mkdocs_serve, wait_for

GOOD = """
    site: {title: Problems}
    sections:
      - {id: cnn, title: CNNs, status: active}
      - {id: rnn, title: RNNs, status: planned}
    experiments:
      - {id: filters, title: Filters, section: cnn, notebook: notebooks/filters.ipynb}
      - {id: memory, title: Memory, section: rnn, status: planned}
"""

# Three errors in three entries, and one warning (an orphan notebook).
BROKEN = """
    site: {title: Problems}
    sections:
      - {id: cnn, title: CNNs, status: activ}
      - {id: rnn, title: RNNs, status: planned}
    experiments:
      - {id: filters, title: Filters, section: cnnn, notebook: notebooks/filters.ipynb}
      - {id: memory, title: Memory, section: rnn, status: planned, notebok: x.ipynb}
"""

FILES = {
    "notebooks/filters.ipynb": lambda p: write_notebook(p, "Filters"),
    "notebooks/stray.ipynb": lambda p: write_notebook(p, "Stray"),
}


def test_strict_build_fails_listing_every_problem(build_site: SiteBuilder) -> None:
    site = build_site(BROKEN, FILES, strict=True, expect_failure=True)
    assert site.error is not None and "strict mode" in site.error
    logged = "\n".join(site.warnings())
    for expected in ("catalogue.yml:4:36: error NV103 sections[0].status",
                     "catalogue.yml:7:44: error NV201 experiments[0].section",
                     "catalogue.yml:8:64: error NV100 experiments[1].notebok",
                     "warning NV310"):
        assert expected in logged


def test_plain_build_shows_what_it_can_and_lists_the_problems(build_site: SiteBuilder) -> None:
    site = build_site(BROKEN, FILES, strict=False)
    assert site.error is None
    assert site.path("experiments/filters/").is_file()
    assert site.article("experiments/filters/").css_first(".nv-notebook") is not None
    problems = site.article("catalogue-problems/").text()
    assert "unknown section 'cnnn'" in problems
    assert "3 errors and 1 warning" in " ".join(problems.split())
    home = site.article("")
    assert "The catalogue has 3 errors" in home.text()
    link = home.css_first(".admonition a")
    assert link is not None and link.attributes["href"] == "catalogue-problems/"


def test_unreadable_catalogue_still_builds_a_site_that_says_so(build_site: SiteBuilder) -> None:
    site = build_site("site: {title: [unclosed\nsections: []\n", strict=False)
    assert site.error is None
    assert "this list '[' is never closed" in site.article("catalogue-problems/").text()
    assert "The catalogue has 1 error" in site.article("").text()


def test_a_fixed_catalogue_builds_clean_in_the_same_process(build_site: SiteBuilder) -> None:
    broken = build_site(BROKEN, FILES, strict=False)
    assert broken.path("catalogue-problems/").is_file()
    (broken.root / "notebooks" / "stray.ipynb").unlink()
    fixed = build_site(GOOD, root=broken.root, strict=True)
    assert fixed.error is None
    assert fixed.warnings() == []
    assert not fixed.path("catalogue-problems/").exists()
    assert "The catalogue has" not in fixed.article("").text()


def test_no_problems_no_problems_page(build_site: SiteBuilder) -> None:
    site = build_site(GOOD, {"notebooks/filters.ipynb": FILES["notebooks/filters.ipynb"]})
    assert site.warnings() == []
    assert not site.path("catalogue-problems/").exists()


def test_size_limit_is_a_plugin_option(build_site: SiteBuilder) -> None:
    site = build_site(GOOD, {"notebooks/filters.ipynb": FILES["notebooks/filters.ipynb"]},
                      strict=False, plugin_options="max_file_size_mb: 0.0001")
    assert any("warning NV305 experiments[0].notebook" in w for w in site.warnings())


# ---------------------------------------------------------------------------------------
# mkdocs serve, for real: a subprocess and HTTP requests


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX process handling")
def test_serve_survives_a_broken_catalogue_and_recovers(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "index.md").write_text("# Served archive\n")
    write_notebook(root / "notebooks" / "filters.ipynb", "Filters")
    (root / "catalogue.yml").write_text(textwrap.dedent(BROKEN))
    (root / "mkdocs.yml").write_text(MKDOCS_YML.format(plugin_options=""))
    with mkdocs_serve(root) as server:
        base = server.base_url
        wait_for(base, "The catalogue has 3 errors")
        wait_for(base + "catalogue-problems/", "unknown section")
        (root / "catalogue.yml").write_text(textwrap.dedent(GOOD))
        home = wait_for(base, "Served archive")
        deadline = time.monotonic() + 60
        while "The catalogue has" in home and time.monotonic() < deadline:
            time.sleep(0.5)
            home = fetch(base) or home
        assert "The catalogue has" not in home
        assert fetch(base + "experiments/filters/") is not None
        assert server.process.poll() is None, "the server stopped"
    output = server.output
    assert "error NV201 experiments[0].section: unknown section 'cnnn'" in output
    assert "Traceback" not in output


@pytest.mark.parametrize("size", ["-1", "0", ".nan"])
def test_a_size_limit_that_is_not_a_size_stops_the_build(build_site: SiteBuilder,
                                                         size: str) -> None:
    site = build_site("site: {title: T}\nsections: []\n",
                      plugin_options=f"max_file_size_mb: {size}", expect_failure=True)
    assert site.error is not None
    assert ("option 'max_file_size_mb': must be a number of MB above 0, not "
            in "\n".join(site.log))


@pytest.mark.parametrize("workers", ["0", "-2", "1.5", "true", "many"])
def test_a_worker_count_that_is_not_a_count_stops_the_build(build_site: SiteBuilder,
                                                            workers: str) -> None:
    site = build_site("site: {title: T}\nsections: []\n",
                      plugin_options=f"workers: {workers}", expect_failure=True)
    assert site.error is not None
    assert "option 'workers': must be a whole number from 1, not " in "\n".join(site.log)


def test_a_templates_folder_that_does_not_exist_is_named(build_site: SiteBuilder) -> None:
    site = build_site("site: {title: T}\nsections: []\n",
                      plugin_options="templates_dir: my-templates", expect_failure=True)
    assert site.error is not None
    log = "\n".join(site.log)
    assert "option 'templates_dir'" in log and "my-templates' isn't an existing directory" in log


def test_missing_markdown_extensions_are_named_not_enabled(build_site: SiteBuilder) -> None:
    from conftest import MKDOCS_YML

    config = MKDOCS_YML.format(plugin_options="").replace("  - md_in_html\n", "").replace(
        "  - admonition\n", "")
    site = build_site("site: {title: T}\nsections: []\n", mkdocs_yml=config,
                      expect_failure=True)
    assert site.error is not None
    log = "\n".join(site.log)
    assert "    - md_in_html\n    - admonition\n" in log
    assert "    - tables" not in log
