"""A screenshot of the four kinds of page, in both palettes (`make screenshots`); axe runs
on every page of every site in test_every_page.py. Screenshots go to
$NEUROVERSE_SCREENSHOTS, or screenshots/ at the repository root (not committed); README,
"Screenshots", says how to make them.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from .harness import (
    REPO,
    ServedSite,
    Tab,
)

PAGES = {
    "home": "",
    "section": "sections/fundamentals/",
    "experiment": "experiments/perceptron/",
    "article": "articles/chain-rule/",
    "note": "articles/backprop-notes/",
}
SCHEMES = {"light": "light", "dark": "dark"}  # Material follows prefers-color-scheme
def screenshot_dir() -> Path:
    folder = Path(os.environ.get("NEUROVERSE_SCREENSHOTS") or REPO / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("name", PAGES)
def test_page_screenshot(
        tab_factory: Callable[..., Tab], archive: ServedSite, name: str, scheme: str) -> None:
    tab = tab_factory(archive, viewport={"width": 1280, "height": 900},
                      color_scheme=SCHEMES[scheme])
    page = tab.open(PAGES[name])
    page.wait_for_load_state("networkidle")
    expected = "slate" if scheme == "dark" else "default"
    assert page.locator("body").get_attribute("data-md-color-scheme") == expected
    page.wait_for_timeout(300)  # Material's colour transitions
    page.screenshot(path=str(screenshot_dir() / f"{name}-{scheme}.png"), full_page=True)
