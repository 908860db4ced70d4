"""axe-core on every page of every site the browser tests build, in every palette.

The pages are found by walking the built site folder for *.html, so a page kind added
later (a tags page, a feed, a Markdown note) is checked without touching this file. Each
page is opened once, in one tab, with transitions and animations off; axe runs all its rules
in each palette the page offers (Material's light and dark ones), then the scrolling rule
again at phone width, where tables and code that fit a desktop start to scroll.

No critical or serious finding may remain, except the one harness.ACCEPTED names (by rule
and selector) and docs/accessibility.md explains. The last tests plant pages this check must
catch, so it is known to be able to fail.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from .harness import ACCEPTED, ServedSite, Tab, check_pages, serve, site_pages
from .test_project_site import GITHUB_API, GITHUB_STAND_IN

SITES = ["archive", "hostile_archive", "hostile_corpus", "project_site", "shared_site"]


def desktop_tab(tab_factory: Callable[..., Tab], site: ServedSite) -> Tab:
    tab = tab_factory(site, viewport={"width": 1280, "height": 900}, color_scheme="light",
                      reduced_motion="reduce")
    tab.stand_ins[GITHUB_API] = GITHUB_STAND_IN  # the project site's repository badge
    return tab


@pytest.mark.parametrize("site_name", SITES)
def test_every_page_has_no_serious_accessibility_finding(
        tab_factory: Callable[..., Tab], request: pytest.FixtureRequest, site_name: str,
        record_property: Callable[[str, object], None]) -> None:
    site: ServedSite = request.getfixturevalue(site_name)
    pages = site_pages(site.site_dir)
    assert len(pages) >= 5, f"{site_name}: only {pages}"
    started = time.monotonic()
    problems, schemes = check_pages(desktop_tab(tab_factory, site), pages)
    record_property("pages", len(pages))
    record_property("seconds", round(time.monotonic() - started, 1))
    assert schemes == {"default", "slate"}, f"palettes checked: {schemes}"
    assert not problems, f"{len(problems)} serious findings:\n" + "\n".join(problems)


# The check can fail -------------------------------------------------------------------

# Three things a page must not do, each where the site's own pages would not: a box that
# scrolls but takes no focus, a link told apart from its sentence by colour alone (close in
# the dark palette only), and an unnamed dialog other than Material's search.
PLANTED = """
<div id="planted-scroller" style="overflow-x: auto; width: 10rem">
  <p style="white-space: nowrap">A line far too long for its box, which scrolls sideways.</p>
</div>
<p>Words around <a id="planted-link" href="#" style="text-decoration: none">a link</a>
  that only its colour tells apart.</p>
<div id="planted-dialog" role="dialog"><p>An unnamed dialog.</p></div>
"""


@pytest.fixture
def planted_site(archive: ServedSite, tmp_path: Path) -> Iterator[ServedSite]:
    """A copy of the ordinary archive with one more page: its home page, planted (beside
    it, so every relative link still holds)."""
    site_dir = tmp_path / "site"
    shutil.copytree(archive.site_dir, site_dir)
    home = (site_dir / "index.html").read_text(encoding="utf-8")
    (site_dir / "planted.html").write_text(home.replace("<h1", PLANTED + "<h1", 1),
                                           encoding="utf-8")
    yield from serve(site_dir)


def test_a_planted_page_is_found_and_each_planted_fault_is_caught(
        tab_factory: Callable[..., Tab], planted_site: ServedSite) -> None:
    pages = site_pages(planted_site.site_dir)
    assert "planted.html" in pages
    problems, schemes = check_pages(desktop_tab(tab_factory, planted_site),
                                    ["index.html", "planted.html"])
    assert schemes == {"default", "slate"}
    text = "\n".join(problems)
    assert all(p.startswith("planted.html ") for p in problems), text
    assert "[default] scrollable-region-focusable" in text
    assert "[375 px] scrollable-region-focusable" in text
    assert "#planted-scroller" in text
    assert "[slate] link-in-text-block" in text and "#planted-link" in text
    # The accepted exception is one rule on one selector, not the rule everywhere.
    assert "aria-dialog-name" in text and "#planted-dialog" in text
    assert ".md-search:" not in text
    assert list(ACCEPTED) == [("aria-dialog-name", ".md-search")]


# The boxes work as well as pass: focused, the arrow keys scroll them ----------------------

def test_the_keyboard_scrolls_a_wide_equation_code_and_table(
        tab_factory: Callable[..., Tab], project_site: ServedSite) -> None:
    tab = tab_factory(project_site, viewport={"width": 375, "height": 740},
                      reduced_motion="reduce")
    tab.stand_ins[GITHUB_API] = GITHUB_STAND_IN
    scrolled: dict[str, str] = {}
    for path in site_pages(project_site.site_dir):
        page = tab.open(path)
        for kind, selector in (("equation", ".nv-equation"), ("table", ".nv-table"),
                               ("code", "pre > code[tabindex]")):
            if kind in scrolled:
                continue
            boxes = page.locator(selector)
            for index in range(boxes.count()):
                box = boxes.nth(index)
                if not box.evaluate("b => b.scrollWidth > b.clientWidth + 4"):
                    continue
                box.focus()
                assert box.evaluate("b => document.activeElement === b"), (path, kind)
                for _ in range(5):
                    page.keyboard.press("ArrowRight")
                page.wait_for_timeout(100)
                assert box.evaluate("b => b.scrollLeft") > 0, (path, kind)
                scrolled[kind] = path
                break
        if len(scrolled) == 3:
            break
    assert set(scrolled) == {"equation", "table", "code"}, scrolled
