"""What a build shows and reports does not depend on what its cache held: a notebook found
broken in a build whose cache had everything else lists the same problems as a cold build
of the same archive."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

from archive_factory import TWO_NOTEBOOKS, write_notebook
from conftest import BuiltSite, SiteBuilder

CATALOGUE = TWO_NOTEBOOKS
FILES: dict[str, Any] = {
    "notebooks/filters.ipynb": lambda p: write_notebook(p, "Digit filters", heading="Kernels"),
    "notebooks/pooling.ipynb": lambda p: write_notebook(p, "Pooling"),
}


@pytest.fixture(autouse=True)
def _info_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="mkdocs.plugins.neuroverse_site")


def edit(root: Path, markdown: str) -> None:
    write_notebook(root / "notebooks/filters.ipynb", "Digit filters", heading="Kernels",
                   markdown=markdown)


def broken(root: Path) -> None:
    notebook = json.loads((root / "notebooks/filters.ipynb").read_text())
    notebook["cells"][2]["outputs"][1]["data"]["image/png"] = 42  # not base64 text
    (root / "notebooks/filters.ipynb").write_text(json.dumps(notebook))


def warm_then_break(build_site: SiteBuilder) -> BuiltSite:
    """An archive whose cache holds both notebooks, then one of them broken: the next
    build finds pooling in the cache and filters broken."""
    site = build_site(CATALOGUE, FILES, plugin_options="workers: 2")
    edit(site.root, "Fine for now.")
    build_site(CATALOGUE, root=site.root, plugin_options="workers: 2")
    broken(site.root)
    return site


def test_a_notebook_found_broken_after_a_warm_build_fails_a_strict_build_at_its_line(
        build_site: SiteBuilder) -> None:
    site = warm_then_break(build_site)
    failed = build_site(CATALOGUE, root=site.root, plugin_options="workers: 2",
                        expect_failure=True)
    errors = [line for line in failed.log if line.startswith("ERROR")]
    assert errors and "catalogue.yml:11:15: error NV303 experiments[0].notebook:" in errors[0]


def test_a_notebook_found_broken_after_a_warm_build_says_so_on_its_own_page(
        build_site: SiteBuilder) -> None:
    site = warm_then_break(build_site)
    plain = build_site(CATALOGUE, root=site.root, plugin_options="workers: 2", strict=False)
    page = plain.article("experiments/filters/")
    assert "This notebook cannot be shown" in page.text()
    assert not page.css(".nv-notebook")
    assert plain.article("experiments/pooling/").css(".nv-notebook")


def reported_problems(site: BuiltSite) -> tuple[str, list[str], str]:
    """The problems page's text, the nav links to it and the home page's notice."""
    problems = " ".join(site.article("catalogue-problems/").text().split())
    nav = [link.attributes.get("href") or "" for link in site.html("").css("nav a")
           if "catalogue-problems" in (link.attributes.get("href") or "")]
    notice = site.article("").css_first(".admonition")
    assert notice is not None, "the home page has no problems notice"
    return problems, nav, " ".join(notice.text().split())


def test_a_warm_and_a_cold_build_of_a_broken_archive_list_the_same_problems(
        build_site: SiteBuilder, tmp_path: Path) -> None:
    warm_site = warm_then_break(build_site)
    warm = build_site(CATALOGUE, root=warm_site.root, plugin_options="workers: 2",
                      strict=False)
    assert "rendered 2/2 notebooks, 1 from cache" in "\n".join(warm.log)

    cold_files = {name: (warm_site.root / name).read_bytes() for name in FILES}
    cold = build_site(CATALOGUE, cold_files, root=tmp_path / "cold", strict=False,
                      plugin_options="workers: 2\n      cache: false")

    problems, nav, notice = reported_problems(warm)
    assert "notebooks/filters.ipynb" in problems and "NV303" in problems
    assert nav and "problem" in notice.lower()
    assert reported_problems(cold) == (problems, nav, notice)
    assert warm.text("catalogue-problems/") == cold.text("catalogue-problems/")
