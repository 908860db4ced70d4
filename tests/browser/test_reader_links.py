"""On a phone: the buttons that open an experiment elsewhere, pictures on cards, tag chips
and the feed, in a real browser. The archive names a GitHub repository, so Colab links are
made; nothing is clicked that would leave the machine."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator

import pytest

from .harness import REPO, ServedSite, Tab, build_archive, serve
from archive_factory import write_notebook, write_pdf

CATALOGUE = """\
site:
  title: Linked archive
  tagline: An archive on GitHub.
  repository_url: https://github.com/owner/linked-archive
  branch: main
sections:
  - id: cnn
    title: Convolutions
    status: active
experiments:
  - id: filters
    title: Convolution filters
    section: cnn
    notebook: notebooks/cnn/digit filters.ipynb
    goal: See what each filter responds to.
    tags: [vision, filters]
    added: 2025-01-03
  - id: words
    title: Only words
    section: cnn
    notebook: notebooks/cnn/words.ipynb
    goal: A notebook without a figure.
    added: 2025-01-02
  - id: script
    title: A training script
    section: cnn
    script: scripts/train.py
    added: 2025-01-01
articles:
  - id: pooling
    title: Pooling
    summary: Max and average pooling.
    sections: [cnn]
    pdf: papers/pooling.pdf
    tags: [vision]
    added: 2025-01-04
"""

FILES = {
    "notebooks/cnn/digit filters.ipynb": lambda p: write_notebook(p, "Convolution filters"),
    "notebooks/cnn/words.ipynb": lambda p: write_notebook(p, "Only words", image=False),
    "scripts/train.py": lambda p: p.write_text("print('training')\n"),
    "papers/pooling.pdf": lambda p: write_pdf(p, pages=2),
}

# The repository link is pointed at this machine: Material asks a GitHub repo_url for its
# star count, and these tests allow no request to leave.
MKDOCS_YML = f"""\
INHERIT: {REPO / "mkdocs.yml"}
site_name: Linked archive
site_url: http://127.0.0.1/
repo_url: http://127.0.0.1/repository/
plugins:
  - search
  - neuroverse:
      catalogue: catalogue.yml
"""

COLAB = ("https://colab.research.google.com/github/owner/linked-archive/blob/main/"
         "notebooks/cnn/digit%20filters.ipynb")
PHONE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}


@pytest.fixture(scope="module")
def linked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSite]:
    site_dir = build_archive(tmp_path_factory.mktemp("linked"), CATALOGUE, FILES,
                             mkdocs_yml=MKDOCS_YML)
    yield from serve(site_dir)


def test_phone_experiment_page_offers_colab_view_and_download(
        tab_factory: Callable[..., Tab], linked: ServedSite) -> None:
    tab = tab_factory(linked, **PHONE)
    page = tab.open("experiments/filters/")
    colab = page.locator("a.md-button", has_text="Open in Colab")
    colab.scroll_into_view_if_needed()
    assert colab.is_visible()
    assert colab.get_attribute("href") == COLAB
    view = page.locator("a.md-button", has_text="View on GitHub")
    assert view.get_attribute("href") == (
        "https://github.com/owner/linked-archive/blob/main/notebooks/cnn/digit%20filters.ipynb")
    for button in (colab, view, page.locator("a.md-button", has_text="Download .ipynb")):
        box = button.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375, box
    # The download button fetches the notebook itself, from this site.
    download = page.locator("a.md-button", has_text="Download .ipynb")
    response = page.request.get(page.url.rstrip("/") + "/" + download.get_attribute("href"))
    assert response.ok and b'"nbformat"' in response.body()

    page = tab.open("experiments/script/")
    assert page.locator("a.md-button", has_text="Open in Colab").count() == 0
    assert page.locator("a.md-button", has_text="Download .py").count() == 1


def test_phone_section_cards_show_loaded_pictures(
        tab_factory: Callable[..., Tab], linked: ServedSite) -> None:
    tab = tab_factory(linked, **PHONE)
    page = tab.open("sections/cnn/")
    card = page.locator(".grid.cards li", has_text="Convolution filters").first
    picture = card.locator("img")
    picture.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                           arg=picture.element_handle())
    box = picture.bounding_box()
    assert box is not None and 0 < box["width"] <= 375
    assert picture.get_attribute("alt") == "A figure from Convolution filters"
    assert page.locator(".grid.cards li", has_text="Only words").locator("img").count() == 0
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"the section scrolls sideways: {width}"


def test_a_tag_chip_opens_its_place_on_the_tags_page(
        tab_factory: Callable[..., Tab], linked: ServedSite) -> None:
    tab = tab_factory(linked, viewport={"width": 1280, "height": 900})
    page = tab.open("experiments/filters/")
    page.locator("a.nv-chip--tag", has_text="vision").click()
    page.wait_for_url("**/tags/#tag-vision")
    heading = page.locator("h2#tag-vision")
    assert heading.is_visible()
    listing = page.locator("h2#tag-vision + ul")
    assert listing.locator("a", has_text="Convolution filters").count() == 1
    assert listing.locator("a", has_text="Pooling").count() == 1


def test_the_announced_feed_lists_the_newest_entry_first(
        tab_factory: Callable[..., Tab], linked: ServedSite) -> None:
    tab = tab_factory(linked, viewport={"width": 1280, "height": 900})
    page = tab.open()
    href = page.locator("head link[rel='alternate'][type='application/atom+xml']") \
        .get_attribute("href")
    assert href == "feed.xml"
    feed = ET.fromstring(page.request.get(tab.site.url("feed.xml")).body())
    atom = "{http://www.w3.org/2005/Atom}"
    titles = [entry.findtext(f"{atom}title") for entry in feed.findall(f"{atom}entry")]
    assert titles == ["Pooling", "Convolution filters", "Only words", "A training script"]
    hrefs = [link.get("href") for link in feed.iter(f"{atom}link")]
    assert hrefs and all((href or "").startswith("http://127.0.0.1/") for href in hrefs)


def test_the_link_preview_image_exists(tab_factory: Callable[..., Tab], linked: ServedSite) -> None:
    tab = tab_factory(linked, viewport={"width": 1280, "height": 900})
    page = tab.open("experiments/filters/")
    image = page.locator("head meta[property='og:image']").get_attribute("content") or ""
    assert image.startswith("http://127.0.0.1/assets/neuroverse/nb/"), image
    # The address is the published one (site_url); the same path on this server is the file.
    response = page.request.get(tab.site.url(image.removeprefix("http://127.0.0.1/")))
    assert response.ok and response.headers["content-type"] == "image/webp"
