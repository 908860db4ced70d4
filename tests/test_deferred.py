"""Notebooks a rebuild renders again while MkDocs reads the other pages: the pages come out
as if rendered first, and a notebook found broken that late still says so on its page."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

from neuroverse_site import plugin

from archive_factory import TWO_NOTEBOOKS, write_notebook
from conftest import BuiltSite, SiteBuilder

CATALOGUE = TWO_NOTEBOOKS
FILES: dict[str, Any] = {
    "notebooks/filters.ipynb": lambda p: write_notebook(p, "Digit filters", heading="Kernels"),
    "notebooks/pooling.ipynb": lambda p: write_notebook(p, "Pooling"),
}
DEFERRING = "INFO: neuroverse_site: rendering 1 notebook while the other pages are read"


@pytest.fixture(autouse=True)
def _info_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="mkdocs.plugins.neuroverse_site")


@pytest.fixture
def always_defer(monkeypatch: pytest.MonkeyPatch) -> None:
    """Defer even on a site this small (the plugin waits for 100 pages)."""
    monkeypatch.setattr(plugin, "DEFER_MIN_PAGES", 0)


def edit(root: Path, markdown: str) -> dict[str, Any]:
    write_notebook(root / "notebooks/filters.ipynb", "Digit filters", heading="Kernels",
                   markdown=markdown)
    return {"notebooks/filters.ipynb": (root / "notebooks/filters.ipynb").read_bytes()}


def test_an_edited_notebook_rendered_alongside_reads_as_if_rendered_first(
        build_site: SiteBuilder, tmp_path: Path, always_defer: None) -> None:
    files = FILES
    warm = build_site(CATALOGUE, files, root=tmp_path / "a", plugin_options="workers: 2")
    edited = edit(warm.root, "Edited: the word ocelotine appears only after the edit.")

    deferred = build_site(CATALOGUE, root=warm.root, plugin_options="workers: 2")

    assert DEFERRING in deferred.log
    assert "rendered 2/2 notebooks, 1 from cache" in "\n".join(deferred.log)
    same = {**edited, "notebooks/pooling.ipynb": (warm.root / "notebooks/pooling.ipynb")
            .read_bytes()}
    direct = build_site(CATALOGUE, same, root=tmp_path / "b",
                        plugin_options="workers: 1\n      cache: false")
    assert DEFERRING not in direct.log
    assert deferred.text("experiments/filters/") == direct.text("experiments/filters/")
    image = deferred.article("experiments/filters/").css_first("nv-output img")
    assert (deferred.path("experiments/filters/").parent / image.attributes["src"]).is_file()
    found = [doc["location"] for doc in deferred.search_index() if "ocelotine" in doc["text"]]
    assert found == ["experiments/filters/#nb-kernels"]


def test_the_next_build_has_the_deferred_notebook_in_its_cache(
        build_site: SiteBuilder, always_defer: None) -> None:
    files = FILES
    site = build_site(CATALOGUE, files, plugin_options="workers: 2")
    edit(site.root, "Second version.")
    build_site(CATALOGUE, root=site.root, plugin_options="workers: 2")
    again = build_site(CATALOGUE, root=site.root, plugin_options="workers: 2")
    assert "rendered 2/2 notebooks, 2 from cache" in "\n".join(again.log)
    assert DEFERRING not in again.log


def broken(root: Path) -> None:
    notebook = json.loads((root / "notebooks/filters.ipynb").read_text())
    notebook["cells"][2]["outputs"][1]["data"]["image/png"] = 42  # not base64 text
    (root / "notebooks/filters.ipynb").write_text(json.dumps(notebook))


def warm_then_break(build_site: SiteBuilder) -> BuiltSite:
    files = FILES
    site = build_site(CATALOGUE, files, plugin_options="workers: 2")
    edit(site.root, "Fine for now.")
    build_site(CATALOGUE, root=site.root, plugin_options="workers: 2")
    broken(site.root)
    return site


def test_a_notebook_found_broken_late_fails_a_strict_build_at_its_line(
        build_site: SiteBuilder, always_defer: None) -> None:
    site = warm_then_break(build_site)
    failed = build_site(CATALOGUE, root=site.root, plugin_options="workers: 2",
                        expect_failure=True)
    assert DEFERRING in failed.log
    errors = [line for line in failed.log if line.startswith("ERROR")]
    assert errors and "catalogue.yml:11:15: error NV303 experiments[0].notebook:" in errors[0]


def test_a_notebook_found_broken_late_says_so_on_its_own_page(
        build_site: SiteBuilder, always_defer: None) -> None:
    site = warm_then_break(build_site)
    plain = build_site(CATALOGUE, root=site.root, plugin_options="workers: 2", strict=False)
    page = plain.article("experiments/filters/")
    assert "This notebook cannot be shown" in page.text()
    assert not page.css(".nv-notebook")
    assert plain.article("experiments/pooling/").css(".nv-notebook")
