"""The archive as a reader uses it: pages, links, downloads, search, dark mode, a phone.

Every test runs in a tab that fails it on a console error, an uncaught exception, a dialog
or a request to another host (see conftest.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .harness import (
    ARTICLE_BODY_WORD,
    ARTICLE_PLURAL_WORD,
    ARTICLE_WORD,
    NOTE_WORD,
    NOTEBOOK_WORD,
    OUTPUT_WORD,
    ServedSite,
    Tab,
    eventually,
)

# The WCAG 2 contrast ratio of a computed colour over the first opaque background behind an
# element. Semi-transparent backgrounds are composited on the way up, as the browser paints.
CONTRAST_JS = """
element => {
  const parse = value => {
    const m = value.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return [0, 0, 0, 0];
    const parts = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return [parts[0], parts[1], parts[2], parts.length > 3 ? parts[3] : 1];
  };
  const over = (top, bottom) => {
    const a = top[3] + bottom[3] * (1 - top[3]);
    if (a === 0) return [0, 0, 0, 0];
    const mix = i => (top[i] * top[3] + bottom[i] * bottom[3] * (1 - top[3])) / a;
    return [mix(0), mix(1), mix(2), a];
  };
  const layers = [];
  for (let node = element; node; node = node.parentElement) {
    const colour = parse(getComputedStyle(node).backgroundColor);
    if (colour[3] > 0) layers.push(colour);
    if (colour[3] >= 1) break;
  }
  let background = [255, 255, 255, 1];  // the canvas, when nothing is opaque
  for (const layer of layers.reverse()) background = over(layer, background);
  const foreground = over(parse(getComputedStyle(element).color), background);
  const luminance = c => {
    const [r, g, b] = c.slice(0, 3).map(v => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [l1, l2] = [luminance(foreground), luminance(background)].sort((a, b) => b - a);
  return {
    ratio: (l1 + 0.05) / (l2 + 0.05),
    color: getComputedStyle(element).color,
    background: `rgb(${background.slice(0, 3).map(Math.round).join(', ')})`,
  };
}
"""


def contrast(page: Any, selector: str) -> dict[str, Any]:
    result: dict[str, Any] = page.locator(selector).first.evaluate(CONTRAST_JS)
    return result


def fetch(page: Any, url: str) -> tuple[int, str, bytes]:
    """Download `url` the way the page would, without leaving it."""
    response = page.request.get(url)
    return response.status, response.headers.get("content-type", ""), response.body()


# Home ------------------------------------------------------------------------------------


def test_home_shows_every_section_with_its_badge(tab: Tab) -> None:
    page = tab.open()
    rows = page.locator("article table tbody tr")
    assert rows.count() == 4
    expected = [
        ("Fundamentals", "Completed", "nv-badge--completed"),
        ("Convolutions", "In progress", "nv-badge--in-progress"),
        ("Research notes", "Updating", "nv-badge--updating"),
        ("Generative models", "Upcoming", "nv-badge--upcoming"),
    ]
    for row, (title, label, badge_class) in zip(rows.all(), expected, strict=True):
        assert row.locator("a").first.inner_text() == title
        badge = row.locator(".nv-badge")
        assert badge.is_visible()
        assert label in badge.inner_text()
        assert badge_class in (badge.get_attribute("class") or "")
    row = rows.nth(1)
    row.locator("a", has_text="Convolutions").click()
    page.wait_for_url(tab.site.url("sections/cnn/"))


def test_home_recent_entries_link_to_their_pages(tab: Tab) -> None:
    page = tab.open()
    recent = page.locator("h2#recently-added + ul > li")
    assert recent.count() == 4  # three experiments and one article, all dated
    assert "The chain rule, slowly" in recent.first.inner_text()  # newest first
    recent.first.locator("a", has_text="The chain rule, slowly").click()
    page.wait_for_url(tab.site.url("articles/chain-rule/"))
    assert tab.heading() == "The chain rule, slowly"
    page.go_back()
    page.locator("h2#recently-added + ul a", has_text="Gradient descent").click()
    page.wait_for_url(tab.site.url("experiments/gradient-descent/"))


# Section -----------------------------------------------------------------------------


def test_section_cards_click_through(tab: Tab) -> None:
    page = tab.open("sections/fundamentals/")
    experiment_cards = page.locator("h2#experiments + .grid.cards > ul > li")
    article_cards = page.locator("h2#articles-notes + .grid.cards > ul > li")
    assert experiment_cards.count() == 2
    assert article_cards.count() == 1
    for card in (*experiment_cards.all(), *article_cards.all()):
        assert card.is_visible()
        assert card.locator(".nv-badge").is_visible()
    thumb = article_cards.first.locator("img.nv-card-thumb")
    thumb.scroll_into_view_if_needed()
    assert thumb.evaluate("img => img.complete && img.naturalWidth > 0")

    experiment_cards.nth(1).locator("a", has_text="Gradient descent").click()
    page.wait_for_url(tab.site.url("experiments/gradient-descent/"))
    assert tab.heading() == "Gradient descent"
    page.go_back()
    article_cards.first.locator("a", has_text="The chain rule, slowly").click()
    page.wait_for_url(tab.site.url("articles/chain-rule/"))


# Experiment --------------------------------------------------------------------------


def test_experiment_shows_the_notebook(tab: Tab) -> None:
    page = tab.open("experiments/perceptron/")
    notebook = page.locator(".nv-notebook")
    assert notebook.locator("h2", has_text="Updating the weights").is_visible()
    assert notebook.locator("p", has_text=NOTEBOOK_WORD).is_visible()

    code = notebook.locator(".jp-CodeCell .highlight pre").first
    assert code.is_visible()
    assert "weights = np.zeros(2)" in code.inner_text()
    # Highlighted: the keyword is painted in a different colour from plain names, which
    # stay bare text in the code element.
    keyword = code.locator("span.kn", has_text="import")
    plain = code.locator("code")
    assert keyword.evaluate("e => getComputedStyle(e).color") \
        != plain.evaluate("e => getComputedStyle(e).color")

    stream = notebook.locator(".jp-OutputArea-output pre", has_text="epoch 1 loss 0.25")
    assert stream.is_visible()
    image = notebook.locator(".jp-RenderedImage img").first
    image.scroll_into_view_if_needed()
    assert image.is_visible()
    assert image.evaluate("img => img.complete && img.naturalWidth") == 40
    assert image.get_attribute("alt")


def test_experiment_download_serves_the_notebook(tab: Tab) -> None:
    page = tab.open("experiments/perceptron/")
    link = page.locator(".nv-facts a[download]")
    assert link.inner_text() == "perceptron.ipynb"
    assert link.get_attribute("download") == "perceptron.ipynb"
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == "perceptron.ipynb"
    saved = download.path()
    assert saved is not None
    text = saved.read_text(encoding="utf-8")
    assert '"nbformat": 4' in text and NOTEBOOK_WORD in text


# Article -----------------------------------------------------------------------------


def test_article_pages_are_images_with_their_text_and_a_download(tab: Tab) -> None:
    page = tab.open("articles/chain-rule/")
    assert "Pages:" in page.locator(".nv-facts").inner_text()
    # The PDF is never embedded (a browser's viewer runs the file's JavaScript)...
    assert page.locator("object, embed, iframe").count() == 0
    # ...each page is an image, drawn sharp for the screen, with its text below it.
    images = page.locator("figure.nv-page img")
    assert images.count() == 3
    for number, image in enumerate(images.all(), 1):
        image.scroll_into_view_if_needed()
        eventually(lambda image=image: image.evaluate("i => i.complete && i.naturalWidth > 0"),
                   f"page {number}'s image should load")
        assert image.get_attribute("alt") == f"Page {number} of The chain rule, slowly"
    text = page.locator("#page-2 ~ details.nv-page-text").first
    text.locator("summary").click()
    assert ARTICLE_BODY_WORD in text.locator(".nv-page-text__body").inner_text()

    link = page.locator(".nv-facts a[download]")
    assert link.inner_text() == "chain_rule.pdf"
    with page.expect_download() as download_info:
        link.click()
    saved = download_info.value.path()
    assert saved is not None and saved.read_bytes().startswith(b"%PDF")


# Search ------------------------------------------------------------------------------


def search(tab: Tab, word: str) -> Any:
    page = tab.page
    box = page.locator("input.md-search__input")
    if not box.is_visible():  # narrow screens show a search button instead of the box
        page.locator("label.md-header__button[for='__search']").click()
    box.click()
    box.press_sequentially(word, delay=20)  # Material searches as keys are typed
    results = page.locator(".md-search-result__item")
    page.locator(".md-search-result__meta").filter(has_text=re.compile("match")).wait_for()
    return results


def test_search_finds_a_word_in_a_notebook_markdown_cell(tab: Tab) -> None:
    page = tab.open()
    results = search(tab, NOTEBOOK_WORD)
    results.first.wait_for()
    assert results.count() == 1
    assert "The perceptron" in results.first.inner_text()
    results.first.locator("a").first.click()
    page.wait_for_url(re.compile(re.escape(tab.site.url("experiments/perceptron/"))))
    assert page.locator(".nv-notebook", has_text=NOTEBOOK_WORD).is_visible()


def test_search_finds_a_word_in_an_article_summary(tab: Tab) -> None:
    page = tab.open("sections/cnn/")
    results = search(tab, ARTICLE_WORD)
    results.first.wait_for()
    titles = [r.locator("h1, h2").first.inner_text() for r in results.all()]
    # The summary is on the article page; the cards of its sections leave it to that page.
    assert "The chain rule, slowly" in titles
    article = results.filter(has=page.locator("a[href*='articles/chain-rule/']")).first
    article.locator("a").first.click()
    page.wait_for_url(re.compile(re.escape(tab.site.url("articles/chain-rule/"))))
    assert tab.heading() == "The chain rule, slowly"


def test_a_note_reads_as_a_page_and_search_finds_its_words(tab: Tab) -> None:
    page = tab.open("sections/research/")
    results = search(tab, NOTE_WORD)
    results.first.wait_for()
    assert "Local gradients" in results.first.inner_text()
    results.first.locator("a").first.click()
    page.wait_for_url(re.compile(re.escape(tab.site.url("articles/backprop-notes/"))))
    assert tab.heading() == "Backpropagation, in my words"
    image = page.locator(".nv-note img")
    image.scroll_into_view_if_needed()
    assert image.evaluate("img => img.complete && img.naturalWidth === 240")
    assert page.locator(".nv-note math").count() == 1
    toc = page.locator("nav.md-nav--secondary[aria-label='Table of contents']").last
    assert toc.get_by_text("Local gradients").is_visible()
    page.locator(".nv-note a", has_text="the perceptron notebook").click()
    page.wait_for_url(tab.site.url("experiments/perceptron/"))
    assert tab.heading() == "The perceptron"


def test_search_finds_a_word_in_an_article_body_and_opens_its_page(tab: Tab) -> None:
    page = tab.open()
    results = search(tab, ARTICLE_BODY_WORD)
    # Material links the section with the search words to highlight: ...?h=WORD#page-2
    link = page.locator(".md-search-result a[href*='articles/chain-rule/'][href$='#page-2']")
    link.first.wait_for()
    assert results.count() == 1  # only that article has the word
    assert ARTICLE_BODY_WORD in link.first.inner_text()
    link.first.click()
    page.wait_for_url(re.compile(re.escape(tab.site.url("articles/chain-rule/"))
                                 + r"(\?h=[^#]*)?#page-2$"))
    heading = page.locator("h2#page-2")
    eventually(lambda: heading.evaluate(
        "h => { const r = h.getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight; }"),
        "the page-2 heading should be on screen")


def test_search_finds_a_plural_on_the_page_that_has_it(tab: Tab) -> None:
    page = tab.open()
    search(tab, f"{ARTICLE_PLURAL_WORD}s")
    link = page.locator(".md-search-result a[href*='articles/chain-rule/'][href$='#page-3']")
    link.first.wait_for()
    # The singular, looked up as a prefix, lands on page 1, where it first appears.
    page = tab.open()
    search(tab, ARTICLE_PLURAL_WORD)
    page.locator(".md-search-result a[href*='articles/chain-rule/'][href$='#page-1']"
                 ).first.wait_for()


def test_search_leaves_out_notebook_outputs(tab: Tab) -> None:
    page = tab.open()
    search(tab, OUTPUT_WORD)
    assert page.locator(".md-search-result__meta").inner_text() == "No matching documents"


# Dark mode ---------------------------------------------------------------------------


def test_dark_mode_keeps_notebooks_readable(tab: Tab) -> None:
    page = tab.open("experiments/perceptron/")
    body = page.locator("body")
    assert body.get_attribute("data-md-color-scheme") == "default"
    page.locator("label.md-header__button[title='Switch to dark mode']").click()
    page.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
    page.wait_for_timeout(300)  # Material's colour transitions (0.25 s)

    cells = {
        "markdown paragraph": f".nv-notebook p:has-text('{NOTEBOOK_WORD}')",
        "code": ".jp-CodeCell .highlight code",
        "stream output": ".jp-OutputArea-output pre",
    }
    for name, selector in cells.items():
        measured = contrast(page, selector)
        assert measured["ratio"] >= 4.5, f"{name} in dark mode: {measured}"
    background = contrast(page, ".jp-OutputArea-output pre")["background"]
    assert background != "rgb(255, 255, 255)", "the stream output stayed on a white background"
    # Output images keep a light backing, so transparent plots stay visible on slate.
    image = page.locator(".jp-RenderedImage img").first
    assert image.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(255, 255, 255)"

    # The choice survives navigation.
    page.locator(".nv-facts a", has_text="Fundamentals").click()
    page.wait_for_url(tab.site.url("sections/fundamentals/"))
    assert body.get_attribute("data-md-color-scheme") == "slate"


# A phone -----------------------------------------------------------------------------


def test_phone_navigation_cards_and_no_horizontal_scroll(
        tab_factory: Callable[..., Tab], archive: ServedSite) -> None:
    tab = tab_factory(archive, viewport={"width": 375, "height": 740}, is_mobile=True,
                      has_touch=True, device_scale_factor=2)
    page = tab.open()
    for path in ("", "sections/fundamentals/", "experiments/perceptron/",
                 "articles/chain-rule/", "experiments/"):
        tab.open(path)
        width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1], f"{path or 'home'} scrolls sideways: {width}"

    tab.open("sections/fundamentals/")
    boxes = [card.bounding_box() for card in
             page.locator("h2#experiments + .grid.cards > ul > li").all()]
    assert len(boxes) == 2 and all(boxes)
    first, second = boxes
    assert first is not None and second is not None
    assert abs(first["x"] - second["x"]) < 1, "cards should stack in one column"
    assert second["y"] >= first["y"] + first["height"]
    assert first["width"] > 375 * 0.8

    tab.open()
    drawer_nav = page.locator("nav.md-nav--primary")
    assert not drawer_nav.is_visible() or drawer_nav.bounding_box()["x"] < 0  # type: ignore[index]
    page.locator("label.md-header__button[for='__drawer']").click()
    link = drawer_nav.locator("a.md-nav__link", has_text="Experiment log")
    link.wait_for(state="visible")
    page.wait_for_function(
        "el => el.getBoundingClientRect().x >= 0", arg=link.element_handle())
    link.click()
    page.wait_for_url(tab.site.url("experiments/"))
    assert tab.heading() == "Experiment log"


def test_phone_reads_an_article_page_by_page(
        tab_factory: Callable[..., Tab], archive: ServedSite) -> None:
    tab = tab_factory(archive, viewport={"width": 390, "height": 844}, is_mobile=True,
                      has_touch=True, device_scale_factor=3)
    page = tab.open("articles/chain-rule/#page-2")
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"the article scrolls sideways: {width}"
    images = page.locator("figure.nv-page img")
    assert images.count() == 3
    second = images.nth(1)
    second.scroll_into_view_if_needed()
    eventually(lambda: second.evaluate("i => i.complete && i.naturalWidth > 0"),
               "page 2's image should load")
    # A phone has three device pixels per CSS pixel: the browser picks the 2x image.
    assert second.evaluate("i => i.currentSrc").endswith("page-2-2x.jpg")
    box = second.bounding_box()
    assert box is not None and 300 < box["width"] <= 390
    details = page.locator("#page-2 ~ details.nv-page-text").first
    details.locator("summary").tap()
    body = details.locator(".nv-page-text__body")
    body.wait_for(state="visible")
    assert ARTICLE_BODY_WORD in body.inner_text()
    text_box = body.bounding_box()
    assert text_box is not None and text_box["width"] <= 390
