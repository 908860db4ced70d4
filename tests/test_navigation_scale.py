"""The navigation stays small per page as the archive grows."""

from __future__ import annotations

import json
from typing import Any

import pytest

from neuroverse_site.build.navigation import (
    FLAT_ARTICLE_NAV_LIMIT,
    NAV_GROUP_LIMIT,
    PRUNE_ADVICE_PAGES,
    article_navigation,
    bounded,
    prune_advice,
    site_navigation,
)
from neuroverse_site.core.loader import load_catalogue

from conftest import MKDOCS_YML, SiteBuilder


def _catalogue(articles: int) -> str:
    return (
        "site:\n  title: Archive\nsections:\n"
        "  - id: cnn\n    title: Convolutional networks\n    status: active\n"
        "  - id: rnn\n    title: Recurrent networks\n    status: active\n"
        "articles:\n" + "".join(
            f"  - id: a{n}\n    title: Article {n}\n    summary: Notes.\n"
            f"    sections: [{'cnn' if n % 2 else 'rnn'}]\n" for n in range(1, articles + 1))
    )


def test_a_short_article_list_stays_flat() -> None:
    catalogue = load_catalogue(_catalogue(FLAT_ARTICLE_NAV_LIMIT)).catalogue
    assert catalogue is not None
    assert article_navigation(catalogue)[:2] == ["articles/a1.md", "articles/a2.md"]


def test_a_long_article_list_is_grouped_by_first_section_in_section_order() -> None:
    catalogue = load_catalogue(_catalogue(FLAT_ARTICLE_NAV_LIMIT + 1)).catalogue
    assert catalogue is not None
    nav = article_navigation(catalogue)
    assert [next(iter(group)) for group in nav] == ["1. Convolutional networks",
                                                    "2. Recurrent networks"]
    assert nav[0]["1. Convolutional networks"][:2] == ["articles/a1.md", "articles/a3.md"]


def _sections(count: int, experiments_in_first: int = 0) -> str:
    return (
        "site:\n  title: Archive\nsections:\n" + "".join(
            f"  - id: s{n}\n    title: Section {n}\n    status: active\n"
            for n in range(1, count + 1))
        + ("experiments:\n" + "".join(
            f"  - id: e{n}\n    title: Experiment {n}\n    section: s1\n    status: planned\n"
            for n in range(1, experiments_in_first + 1)) if experiments_in_first else "")
    )


def _widest_level(nav: Any) -> int:
    """The longest list at any level of a navigation tree."""
    if isinstance(nav, dict):
        return max((_widest_level(v) for v in nav.values()), default=0)
    if isinstance(nav, list):
        return max([len(nav), *(_widest_level(item) for item in nav)])
    return 0


def test_bounded_leaves_a_short_list_alone_and_groups_a_long_one_by_position() -> None:
    assert bounded(["a", "b"], "Sections") == ["a", "b"]
    grouped = bounded([f"p{n}" for n in range(1, 46)], "Sections", limit=20)
    assert [next(iter(group)) for group in grouped] == [
        "Sections 1\u201320", "Sections 21\u201340", "Sections 41\u201345"]
    assert grouped[2]["Sections 41\u201345"] == ["p41", "p42", "p43", "p44", "p45"]


@pytest.mark.parametrize("count", [21, 400, 401, 10_000])
def test_no_level_of_the_navigation_lists_more_than_the_limit(count: int) -> None:
    nested = bounded(list(range(count)), "Sections")
    assert _widest_level(nested) <= NAV_GROUP_LIMIT

    def leaves(node: Any) -> list[Any]:
        if isinstance(node, dict):
            return [leaf for value in node.values() for leaf in leaves(value)]
        if isinstance(node, list):
            return [leaf for item in node for leaf in leaves(item)]
        return [node]

    assert leaves(nested) == list(range(count))  # every entry, once, in order


def test_ten_thousand_sections_and_a_long_section_keep_every_level_short() -> None:
    catalogue = load_catalogue(_sections(10_000, experiments_in_first=500)).catalogue
    assert catalogue is not None
    nav = site_navigation(catalogue, ["index.md"], generated=set())
    assert _widest_level(nav) <= NAV_GROUP_LIMIT
    text = json.dumps(nav)
    assert "sections/s10000/index.md" in text and "experiments/e500.md" in text


def test_a_large_archive_without_navigation_prune_is_told_to_turn_it_on() -> None:
    catalogue = load_catalogue(_sections(PRUNE_ADVICE_PAGES)).catalogue
    assert catalogue is not None
    advice = prune_advice(catalogue, "material", ["navigation.tabs"])
    assert advice is not None and advice.code == "NV420"
    assert "navigation.prune" in advice.hint
    assert prune_advice(catalogue, "material", ["navigation.prune"]) is None
    small = load_catalogue(_sections(PRUNE_ADVICE_PAGES - 1)).catalogue
    assert small is not None and prune_advice(small, "material", []) is None


def test_a_built_page_lists_only_its_own_group_of_sections(build_site: SiteBuilder) -> None:
    config = MKDOCS_YML.format(plugin_options="").replace(
        "features: [navigation.indexes]", "features: [navigation.indexes, navigation.prune]")
    site = build_site(_sections(45), mkdocs_yml=config)
    nav = site.html("sections/s1/").css_first("nav.md-nav--primary")
    assert nav is not None
    labels = [node.text(strip=True) for node in nav.css("label.md-nav__link, span.md-nav__link")]
    assert any("Sections 1\u201320" in label for label in labels)
    links = [a.attributes.get("href") or "" for a in nav.css("a")]
    assert any(href.endswith("s2/") for href in links)
    assert not any(href.endswith("s45/") for href in links)  # another group: pruned
    assert len(links) < 45
