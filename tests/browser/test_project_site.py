"""The project's own site, built from the repository: every page loads cleanly in a browser
(test_every_page.py runs axe on each, in both palettes).

The one request it makes to another host is Material's repository badge asking the GitHub
API for the star and fork count (README, "Previewing locally"); the tab answers it with a
stand-in, and any other host fails the test.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import urlsplit

from .harness import ServedSite, Tab

GITHUB_API = "https://api.github.com/"
GITHUB_STAND_IN = json.dumps({"stargazers_count": 1, "forks_count": 1, "tag_name": "v0"})


def project_tab(tab_factory: Callable[..., Tab], site: ServedSite, **options: object) -> Tab:
    tab = tab_factory(site, viewport={"width": 1280, "height": 900}, **options)
    tab.stand_ins[GITHUB_API] = GITHUB_STAND_IN
    return tab


def pages(site: ServedSite) -> list[str]:
    return sorted(
        path.parent.relative_to(site.site_dir).as_posix() + "/"
        for path in site.site_dir.rglob("index.html")
    )


def test_every_page_loads_without_errors(
        tab_factory: Callable[..., Tab], project_site: ServedSite) -> None:
    tab = project_tab(tab_factory, project_site)
    visited = pages(project_site)
    assert len(visited) > 10
    for path in visited:
        page = tab.open("" if path == "./" else path)  # waits for images, styles, scripts
        assert page.locator("h1").count() >= 1, f"{path} has no title"
    assert {urlsplit(url).netloc for url in tab.answered} <= {"api.github.com"}


# axe on every page of this site, in both palettes: test_every_page.py.
