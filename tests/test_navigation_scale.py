"""The navigation stays small per page as the archive grows."""

from __future__ import annotations

from neuroverse_site.build.navigation import FLAT_ARTICLE_NAV_LIMIT, article_navigation
from neuroverse_site.core.loader import load_catalogue


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
