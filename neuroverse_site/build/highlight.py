"""Code, highlighted the one way the site shows it: `.highlight > pre > code`, the markup
Material styles in both palettes, gives a copy button and makes scroll (so scrolling.py can
make it a focus stop). Code cells, .py experiments and fenced code in Markdown (notebook
cells and notes) all come through here."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from typing import Any

from pygments import format as format_tokens
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.token import Token, _TokenType, is_token_subtype
from pygments.util import ClassNotFound

_FORMATTER = HtmlFormatter(cssclass="highlight", wrapcode=True)


def highlighter(language: str) -> Any:
    """The `highlight_code` filter of a notebook whose kernel speaks `language`."""

    def highlight_code(source: str, language: str | None = language,
                       metadata: Mapping[str, Any] | None = None) -> str:
        return highlight_block(source, language or "text")

    return highlight_code


def known_language(name: str) -> bool:
    """Whether Pygments has a lexer called `name` (a fenced block's info string)."""
    return _lexer(name) is not None


def highlight_block(source: str, language: str) -> str:
    """`source` highlighted as `language` (as plain text when Pygments has no such lexer)."""
    lexer = _lexer(language) or _lexer("text")
    assert lexer is not None
    return highlight_tokens(lexer.get_tokens(source))


@lru_cache(maxsize=64)
def _lexer(language: str) -> Lexer | None:
    try:
        return get_lexer_by_name(language)
    except ClassNotFound:
        return None


def highlight_tokens(tokens: Iterable[tuple[_TokenType, str]]) -> str:
    """Format tokens with as few spans as Material's colours allow.

    Material draws `.n` in the code colour and does not style `.w`, so plain names and
    whitespace become bare text; it draws operators (`.o`, `.ow`) in the punctuation colour,
    so they become punctuation and merge with the brackets beside them. Nothing changes on
    screen, yet these spans were half the markup, and every tag costs the search indexer
    and the reader's browser."""

    def fewer_spans() -> Iterator[tuple[_TokenType, str]]:
        for token_type, value in tokens:
            if token_type is Token.Name or is_token_subtype(token_type, Token.Text):
                yield Token.Text, value
            elif is_token_subtype(token_type, Token.Operator):
                yield Token.Punctuation, value
            else:
                yield token_type, value

    # Spaces have no colour: between two pieces of punctuation ("), (", " = -") they join
    # them, so the two spans become one.
    merged = list(fewer_spans())
    for index in range(1, len(merged) - 1):
        token_type, value = merged[index]
        if (token_type is Token.Text and value.strip(" \t") == ""
                and merged[index - 1][0] is Token.Punctuation
                and merged[index + 1][0] is Token.Punctuation):
            merged[index] = (Token.Punctuation, value)
    return str(format_tokens(merged, _FORMATTER))
