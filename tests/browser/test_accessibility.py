"""axe-core on the four kinds of page, in both palettes, with a screenshot of each.

No critical or serious violation may remain unless docs/accessibility.md explains it and
ACCEPTED below names it. Screenshots go to $NEUROVERSE_SCREENSHOTS, or screenshots/ at the
repository root (not committed); README, "Screenshots", says how to make them.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .harness import REPO, ServedSite, Tab

PAGES = {
    "home": "",
    "section": "sections/fundamentals/",
    "experiment": "experiments/perceptron/",
    "article": "articles/chain-rule/",
}
SCHEMES = {"light": "light", "dark": "dark"}  # Material follows prefers-color-scheme
FAILING_IMPACTS = ("critical", "serious")

# (rule id, CSS selector of the node) -> why it stays; each is explained in
# docs/accessibility.md. Keep this empty unless the fix is out of this project's hands.
ACCEPTED: dict[tuple[str, str], str] = {
    ("aria-dialog-name", ".md-search"):
        "Material's search overlay has role=dialog and no name; its input is labelled "
        "'Search' inside a role=search form, and naming the dialog means forking a theme "
        "template",
}


def screenshot_dir() -> Path:
    folder = Path(os.environ.get("NEUROVERSE_SCREENSHOTS") or REPO / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def run_axe(page: Any) -> list[dict[str, Any]]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"resultTypes": ["violations"]})
    violations: list[dict[str, Any]] = results.response["violations"]
    return violations


def serious_violations(page: Any) -> list[str]:
    """Critical and serious axe findings on the page, less the accepted ones."""
    problems = []
    for violation in run_axe(page):
        if violation["impact"] not in FAILING_IMPACTS:
            continue
        nodes = [n for n in violation["nodes"]
                 if (violation["id"], ", ".join(n["target"])) not in ACCEPTED]
        if nodes:
            problems.append(describe({**violation, "nodes": nodes}))
    return problems


def describe(violation: dict[str, Any]) -> str:
    nodes = "\n".join(f"    {', '.join(n['target'])}: {n['html'][:160]}"
                      for n in violation["nodes"])
    return f"{violation['id']} ({violation['impact']}): {violation['help']}\n{nodes}"


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_serious_accessibility_violation(
        tab_factory: Callable[..., Tab], archive: ServedSite, name: str, scheme: str) -> None:
    tab = tab_factory(archive, viewport={"width": 1280, "height": 900},
                      color_scheme=SCHEMES[scheme])
    page = tab.open(PAGES[name])
    page.wait_for_load_state("networkidle")
    expected = "slate" if scheme == "dark" else "default"
    assert page.locator("body").get_attribute("data-md-color-scheme") == expected
    page.wait_for_timeout(300)  # Material's colour transitions
    page.screenshot(path=str(screenshot_dir() / f"{name}-{scheme}.png"), full_page=True)

    problems = serious_violations(page)
    assert not problems, "\n".join(problems)
