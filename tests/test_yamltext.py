"""Inserting entries as text: small catalogues in, the exact text out."""

from __future__ import annotations

import textwrap

import pytest

from neuroverse_site.authoring.yamltext import LayoutError, format_entry, insert_entry
from neuroverse_site.core.loader import load_catalogue

ENTRY = {"id": "new", "title": "New", "section": "a"}


def _insert(text: str, key: str = "experiments", after: int | None = None) -> str:
    document = load_catalogue(text).document
    return insert_entry(text, document, key, ENTRY, after).text


@pytest.mark.parametrize(("before", "after"), [
    pytest.param(
        """\
        experiments:
          - id: one
            title: One   # a comment that stays
          # a comment about the next list, at the list's own indentation
        articles: []
        """,
        """\
        experiments:
          - id: one
            title: One   # a comment that stays

          - id: new
            title: New
            section: a
          # a comment about the next list, at the list's own indentation
        articles: []
        """,
        id="comment-after-the-last-item-stays-below-it"),
    pytest.param(
        """\
        experiments:
          -
            id: one
            description: |
              Text

              with a blank line inside.

        # the end
        """,
        """\
        experiments:
          -
            id: one
            description: |
              Text

              with a blank line inside.

          - id: new
            title: New
            section: a

        # the end
        """,
        id="block-text-and-a-lone-dash"),
    pytest.param(
        """\
        experiments:
        """,
        """\
        experiments:
          - id: new
            title: New
            section: a
        """,
        id="an-empty-list-key"),
])
def test_insert_entry(before: str, after: str) -> None:
    assert _insert(textwrap.dedent(before)) == textwrap.dedent(after)


def test_insert_after_a_given_item() -> None:
    text = "experiments:\n- id: one\n- id: two\n"
    assert _insert(text, after=0) == (
        "experiments:\n- id: one\n- id: new\n  title: New\n  section: a\n- id: two\n")


def test_a_new_list_goes_at_the_end_when_nothing_follows_it() -> None:
    text = "sections:\n    - id: a\n      title: A\n"
    assert _insert(text, key="resources") == text + (
        "\nresources:\n    - id: new\n      title: New\n      section: a\n")


def test_a_flow_list_with_items_is_refused() -> None:
    with pytest.raises(LayoutError, match="flow list"):
        _insert("experiments: [{id: one}]\n")


def test_format_entry_quotes_what_yaml_would_misread() -> None:
    lines = format_entry({"id": "x", "title": "no", "goal": "a: b", "dataset": "123",
                          "tags": ["yes", "a,b"], "description": "one\n\ntwo", "note": ""})
    assert "".join(lines) == (
        "  - id: x\n"
        "    title: 'no'\n"
        "    goal: 'a: b'\n"
        "    dataset: '123'\n"
        "    tags: ['yes', 'a,b']\n"
        "    description: |\n"
        "      one\n"
        "\n"
        "      two\n"
    )
