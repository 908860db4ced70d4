"""A real browser on a real, served site.

Each test session builds two small archives once (an ordinary one and a hostile one),
serves each from 127.0.0.1 on a free port, and drives Debian's Chromium through Playwright.
Every tab blocks and counts requests to any other host, and fails its test on a console
error, an uncaught exception or a dialog.

Without /usr/bin/chromium (or $NEUROVERSE_CHROMIUM) the tests skip, except on CI (CI=true),
where a missing browser is a failure: CI must not pass by running no browser test.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from .harness import (
    ARCHIVE_CATALOGUE,
    ARCHIVE_FILES,
    CHROMIUM,
    CHROMIUM_ARGS,
    HOSTILE_CATALOGUE,
    HOSTILE_FILES,
    ServedSite,
    Tab,
    build_archive,
    build_project_site,
    open_tab,
    serve,
)


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{reason}; CI must run the browser tests (.ci/run installs Chromium)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed (pip install -e '.[dev]')")
    if not CHROMIUM.is_file():
        _unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSite]:
    site_dir = build_archive(tmp_path_factory.mktemp("archive"), ARCHIVE_CATALOGUE,
                             ARCHIVE_FILES)
    yield from serve(site_dir)


@pytest.fixture(scope="session")
def project_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSite]:
    site_dir = build_project_site(tmp_path_factory.mktemp("project") / "site")
    yield from serve(site_dir)


@pytest.fixture(scope="session")
def hostile_archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSite]:
    # Not strict: the hostile text draws warnings (NV107, NV402) by design.
    site_dir = build_archive(tmp_path_factory.mktemp("hostile"), HOSTILE_CATALOGUE,
                             HOSTILE_FILES, strict=False)
    yield from serve(site_dir)


@pytest.fixture(scope="session")
def hostile_corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSite]:
    """tests/cases/hostile and the hostile catalogue Markdown, as one served site."""
    from hostile_corpus import write_archive

    root = tmp_path_factory.mktemp("corpus") / "archive"
    write_archive(root)
    yield from serve(build_archive(root, None, {}, strict=False))


@pytest.fixture(scope="session")
def shared_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSite]:
    """The owner's real archive (../shared), its README imported as a catalogue, as the
    import test does; skipped where that folder is absent."""
    import shutil

    from neuroverse_site.cli import main

    from conftest import SHARED_ARCHIVE

    if not SHARED_ARCHIVE.is_dir():
        pytest.skip("../shared/archives/neuroverse is not present")
    root = tmp_path_factory.mktemp("shared") / "archive"
    root.mkdir()
    for name in ("README.md", "TRANSFORMERS.pdf"):
        shutil.copy(SHARED_ARCHIVE / name, root / name)
    for folder in ("Docs", "Python"):
        shutil.copytree(SHARED_ARCHIVE / folder, root / folder)
    assert main(["import", str(root / "README.md"), "-o", str(root / "catalogue.yml")]) == 0
    # Not strict: the real README links files that do not exist (NV300 warnings).
    yield from serve(build_archive(root, None, {}, strict=False))


@pytest.fixture
def tab_factory(browser: Any) -> Iterator[Callable[..., Tab]]:
    """Open tabs on a served site; each must end its test with nothing to report."""
    tabs: list[Tab] = []

    def _open(site: ServedSite, **context_options: Any) -> Tab:
        tab = open_tab(browser, site, **context_options)
        tabs.append(tab)
        return tab

    yield _open
    problems = [p for tab in tabs for p in tab.problems()]
    for tab in tabs:
        tab.page.context.close()
    assert not problems, "\n".join(problems)


@pytest.fixture
def tab(tab_factory: Callable[..., Tab], archive: ServedSite) -> Tab:
    """A desktop-sized tab on the ordinary archive."""
    return tab_factory(archive, viewport={"width": 1280, "height": 900})
