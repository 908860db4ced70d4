"""A hostile catalogue: script tags, event handlers and broken-out attributes in every field
a reader sees. The pages must show that text, and nothing in it may run.

The tab fails the test on any dialog (every payload calls alert) or console error, and this
test also looks for elements and handlers the payloads would have created.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from .harness import ServedSite, Tab, build_archive, serve
from archive_factory import javascript_action, text_pdf_bytes

HOSTILE_PAGES = ["", "sections/evil/", "experiments/", "experiments/evil-experiment/",
                 "articles/", "articles/evil-article/", "articles/evil-note/", "resources/"]

# Anything a payload could have added to the page: script elements with alert in them,
# inline event handlers and javascript: URLs.
INJECTED_JS = """
() => {
  const found = [];
  for (const s of document.querySelectorAll('script')) {
    if (s.textContent.includes('alert(')) found.push('script: ' + s.textContent.slice(0, 60));
  }
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      if (/^on/i.test(attr.name)) found.push(`${el.tagName} ${attr.name}=${attr.value}`);
      if (/^\\s*javascript:/i.test(attr.value)) found.push(`${el.tagName} ${attr.name}=${attr.value}`);
    }
  }
  return found;
}
"""


def hostile_tab(tab_factory: Callable[..., Tab], site: ServedSite) -> Tab:
    tab = tab_factory(site, viewport={"width": 1280, "height": 900})
    # The notebook's HTML output keeps its <img src=x> once the handler is stripped; the
    # browser's failed request for "x" is expected, and says nothing ran.
    tab.expected_console_errors.append(re.compile(
        r"Failed to load resource: the server responded with a status of 404.* @ \S*/x$"))
    return tab


def injected(page: Any) -> list[str]:
    found: list[str] = page.evaluate(INJECTED_JS)
    return found


@pytest.mark.parametrize("path", HOSTILE_PAGES, ids=lambda p: p or "home")
def test_no_script_from_the_catalogue_runs(
        tab_factory: Callable[..., Tab], hostile_archive: ServedSite, path: str) -> None:
    tab = hostile_tab(tab_factory, hostile_archive)
    page = tab.open(path)
    page.wait_for_load_state("networkidle")
    page.mouse.move(400, 400)  # hover handlers, had any survived
    assert injected(page) == []
    assert not tab.dialogs, tab.dialogs
    alerts = [line for line in tab.console if "alert" in line]
    assert not alerts, alerts


def test_hostile_text_reads_as_written(
        tab_factory: Callable[..., Tab], hostile_archive: ServedSite) -> None:
    tab = hostile_tab(tab_factory, hostile_archive)
    page = tab.open("articles/evil-article/")
    assert tab.heading() == "</title><script>alert('article title')</script>Hostile article"
    assert page.title().startswith("</title><script>alert('article title')</script>")
    summary = page.locator("article p", has_text="alert('summary')").first
    assert "<script>alert('summary')</script>" in summary.inner_text()

    page = tab.open("sections/evil/")
    assert "<script>alert('section title')</script>Evil" in tab.heading()
    nav_titles = page.locator("nav.md-nav--primary").inner_text()
    assert "<script>alert('section title')</script>Evil" in nav_titles


def test_search_results_show_hostile_titles_as_text(
        tab_factory: Callable[..., Tab], hostile_archive: ServedSite) -> None:
    tab = hostile_tab(tab_factory, hostile_archive)
    page = tab.open()
    box = page.locator("input.md-search__input")
    box.click()
    # Material splits words on spaces and hyphens only: "title" is the start of the word
    # "title')</script>Hostile" in the hostile titles, so it finds all of them.
    box.press_sequentially("title", delay=20)
    results = page.locator(".md-search-result__item")
    results.first.wait_for()
    page.wait_for_timeout(300)
    assert injected(page) == []
    shown = results.all_inner_texts()
    assert any("<script>alert('experiment title')</script>" in text for text in shown), shown


# The hostile corpus: every case of tests/cases/hostile on its own page, and every form of
# hostile catalogue Markdown on its section's page. Each payload would set window.__pwned,
# call alert or ask evil.example for something.

from hostile_corpus import DESCRIPTIONS, INERT_DESCRIPTIONS  # noqa: E402
from hostile_corpus import cases as corpus_cases  # noqa: E402

CORPUS_PAGES = ([case.url for case in corpus_cases()]
                + [f"sections/{form}/" for form in [*DESCRIPTIONS, *INERT_DESCRIPTIONS]])

# What the page ended up with, as the browser parsed it: the payloads' flag, links whose
# protocol is not the web's or mail's, theme widgets drawn by a notebook, and any
# resource fetched from another host.
PAGE_STATE_JS = """
() => ({
  pwned: window.__pwned === undefined ? null : String(window.__pwned),
  protocols: [...document.querySelectorAll('article a[href]')]
    .map(a => a.protocol).filter(p => !['http:', 'https:', 'mailto:'].includes(p)),
  widgets: [...document.querySelectorAll('.nv-notebook *')]
    .filter(e => !e.closest('.md-code__nav'))  // the theme's own copy button on code
    .filter(e => e.hasAttribute('data-md-component') || [...e.classList].some(
      c => c.startsWith('md-') || c === 'mermaid' || c === 'admonition'))
    .map(e => e.outerHTML.slice(0, 80)),
  foreign: performance.getEntriesByType('resource').map(r => r.name)
    .filter(name => !name.startsWith(location.origin)),
})
"""


@pytest.mark.parametrize("path", CORPUS_PAGES, ids=lambda p: p.strip("/").split("/")[-1])
def test_no_hostile_form_runs_fetches_or_spoofs(
        tab_factory: Callable[..., Tab], hostile_corpus: ServedSite, path: str) -> None:
    tab = tab_factory(hostile_corpus, viewport={"width": 1280, "height": 900})
    page = tab.open(path)
    page.wait_for_load_state("networkidle")
    page.mouse.move(400, 400)
    page.keyboard.press("Tab")  # focus handlers, had any survived
    for link in page.locator("article a[href]").all()[:20]:
        link.hover()
    page.wait_for_timeout(200)
    state = page.evaluate(PAGE_STATE_JS)
    assert state == {"pwned": None, "protocols": [], "widgets": [], "foreign": []}
    assert injected(page) == []
    # The tab fixture fails the test on any dialog and any request to another host.


def test_damage_stays_in_its_cell_in_the_browser(
        tab_factory: Callable[..., Tab], hostile_corpus: ServedSite) -> None:
    tab = tab_factory(hostile_corpus, viewport={"width": 1280, "height": 900})
    for case in corpus_cases():
        page = tab.open(case.url)
        after = page.locator(".nv-notebook h2", has_text=case.after)
        assert after.is_visible(), case.name
        assert page.locator(".nv-notebook p", has_text="The cell after the case is intact."
                            ).is_visible(), case.name
# PDF JavaScript -------------------------------------------------------------------------

# Catalogue 1, page tree 2, font 3, page and content 4 and 5: the action is object 6. Each
# script sets a flag and opens a dialog; a fake password prompt, as a phishing PDF would.
PDF_SCRIPT = "app.alert('pdf open action'); app.response('Your password:'); window.pdfRan = 1"
SCRIPTED_PDF_CATALOGUE = """\
site:
  title: Scripted PDFs
sections:
  - id: papers
    title: Papers
    status: active
articles:
  - id: open-action
    title: A PDF that runs a script when opened
    summary: Its OpenAction calls app.alert.
    sections: [papers]
    pdf: papers/open_action.pdf
  - id: object-stream
    title: The same, hidden in a compressed object stream
    summary: Its OpenAction lives in an object stream.
    sections: [papers]
    pdf: papers/object_stream.pdf
"""


@pytest.fixture(scope="module")
def scripted_pdfs(tmp_path_factory: pytest.TempPathFactory) -> Any:
    action = {"catalogue_extra": b"/OpenAction 6 0 R",
              "extra_objects": (javascript_action(PDF_SCRIPT),)}
    files = {
        "papers/open_action.pdf": lambda p: p.write_bytes(text_pdf_bytes(
            ["Read me", "Page two"], **action)),  # type: ignore[arg-type]
        "papers/object_stream.pdf": lambda p: p.write_bytes(text_pdf_bytes(
            ["Read me", "Page two"], object_stream=True, **action)),  # type: ignore[arg-type]
    }
    # Not strict: each PDF is reported (NV330), and the build goes on.
    site_dir = build_archive(tmp_path_factory.mktemp("scripted"), SCRIPTED_PDF_CATALOGUE,
                             files, strict=False)
    yield from serve(site_dir)


@pytest.mark.parametrize("article", ["open-action", "object-stream"])
def test_a_pdf_script_never_runs_on_its_article_page(
        tab_factory: Callable[..., Tab], scripted_pdfs: ServedSite, article: str) -> None:
    tab = tab_factory(scripted_pdfs, viewport={"width": 390, "height": 844}, is_mobile=True)
    page = tab.open(f"articles/{article}/")
    page.wait_for_load_state("networkidle")
    # No viewer that could run it: the PDF is shown as its pages' images and text.
    assert page.locator("object, embed, iframe").count() == 0
    assert page.locator("figure.nv-page img").count() == 2
    assert "active content" in page.locator(".admonition.warning").inner_text()
    page.locator("#page-2").scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    assert page.evaluate("window.pdfRan") is None
    assert tab.dialogs == []  # also checked by the tab itself when the test ends
