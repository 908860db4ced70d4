"""Search inside Chinese and Japanese phrases, in a real browser on a built site."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from neuroverse_site.plugin import CJK_SEARCH_SEPARATOR

from .harness import ServedSite, Tab, build_archive, serve

CATALOGUE = """\
    site:
      title: 深度学习档案
    sections:
      - id: basics
        title: 神经网络基础
        focus: 反向传播和梯度下降
        status: active
      - id: nihongo
        title: 畳み込みニューラルネットワーク
        status: active
      - id: english
        title: Plain English
        focus: Nothing to split here
        status: active
"""


@pytest.fixture(scope="module")
def cjk_archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSite]:
    site_dir = build_archive(tmp_path_factory.mktemp("cjk"), CATALOGUE, {})
    yield from serve(site_dir)


def _search(tab: Tab, text: str) -> Any:
    page = tab.page
    box = page.locator("input.md-search__input")
    box.click()
    # Typed as an input method commits it: the whole text at once (key presses of CJK
    # characters do not reach Material's listener in headless Chromium).
    box.fill(text)
    box.press("End")
    page.locator(".md-search-result__meta").filter(has_text=re.compile("match")).wait_for()
    return page.locator(".md-search-result__item")


def test_the_built_index_carries_the_cjk_separator(cjk_archive: ServedSite) -> None:
    index = json.loads((cjk_archive.site_dir / "search" / "search_index.json").read_text())
    assert index["config"]["separator"] == CJK_SEARCH_SEPARATOR


@pytest.mark.parametrize(("query", "title"), [
    ("梯度", "神经网络基础"),  # the end of a phrase: "...和梯度下降"
    ("网络", "神经网络基础"),  # the middle of the title
    ("ニューラル", "畳み込みニューラルネットワーク"),
])
def test_search_finds_words_inside_a_phrase(
        tab_factory: Callable[..., Tab], cjk_archive: ServedSite, query: str,
        title: str) -> None:
    tab = tab_factory(cjk_archive, viewport={"width": 1280, "height": 900})
    tab.open()
    results = _search(tab, query)
    results.first.wait_for()
    assert any(title in text for text in results.all_inner_texts())


def test_latin_words_are_still_found_whole(
        tab_factory: Callable[..., Tab], cjk_archive: ServedSite) -> None:
    tab = tab_factory(cjk_archive, viewport={"width": 1280, "height": 900})
    tab.open()
    results = _search(tab, "English")
    results.first.wait_for()
    assert any("Plain English" in text for text in results.all_inner_texts())
