"""Writing catalogue entries as YAML text, and adding them to a catalogue without touching
anything else in it.

Round-tripping the whole file through a YAML library would reflow long lines, change quotes
and move comments. So entries are inserted as text: the parsed document only says where
each list item starts, the new entry is formatted in the file's own indentation, and every
other byte stays where it was.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString, SingleQuotedScalarString

# The catalogue's top-level lists, in the order a new one is placed in the file.
LIST_KEYS = ("sections", "experiments", "articles", "resources")

# YAML 1.1 readers (PyYAML, many editors) take these as booleans or null; quote them so the
# file means the same thing everywhere.
_AMBIGUOUS_WORDS = frozenset(
    {"yes", "no", "on", "off", "true", "false", "y", "n", "null", "~"}
)


class LayoutError(Exception):
    """The catalogue is written in a way an entry cannot be added to without rewriting it."""


@dataclass(frozen=True)
class ListLayout:
    dash: int  # column of the "-" that starts an item, from 0
    key: int  # column of the item's keys
    blank_between: bool  # items are separated by a blank line


DEFAULT_LAYOUT = ListLayout(dash=2, key=4, blank_between=True)


@dataclass(frozen=True)
class Insertion:
    """The new text and where the added lines are in it (1-based, inclusive)."""

    text: str
    first_line: int
    last_line: int
    lines_added: int


def _scalar(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        if "\n" in value.strip():
            return LiteralScalarString(value.strip() + "\n")
        if value.lower() in _AMBIGUOUS_WORDS:
            return SingleQuotedScalarString(value)
        return value
    return value


def _yaml_value(value: Any) -> Any:
    if isinstance(value, list | tuple):
        items = CommentedSeq([_scalar(v) for v in value])
        items.fa.set_flow_style()
        return items
    return _scalar(value)


def format_entry(fields: Mapping[str, Any], layout: ListLayout = DEFAULT_LAYOUT,
                 newline: str = "\n") -> list[str]:
    """One list item as lines ending in `newline`, indented as `layout` says.

    Lists are written in flow style (`[a, b]`) and multi-line text as a literal block, as
    the catalogue's own entries are; keys keep the order they are given in.
    """
    mapping = CommentedMap()
    for key, value in fields.items():
        if value is None or value == "" or value == [] or value == ():
            continue
        mapping[key] = _yaml_value(value)
    yaml = YAML(typ="rt")
    yaml.width = 4096  # never fold a long title or summary onto a second line
    yaml.indent(mapping=2, sequence=4, offset=2)
    buffer = io.StringIO()
    yaml.dump(mapping, buffer)
    body = buffer.getvalue().splitlines()
    out: list[str] = []
    for index, line in enumerate(body):
        if index == 0:
            out.append(" " * layout.dash + "-" + " " * (layout.key - layout.dash - 1) + line)
        elif line:
            out.append(" " * layout.key + line)
        else:
            out.append("")  # a blank line inside a literal block carries no indentation
    return [line + newline for line in out]


def format_mapping(key: str, fields: Mapping[str, Any], indent: int = 2,
                   newline: str = "\n") -> list[str]:
    """A top-level `key:` holding a mapping, such as `site:`."""
    item = format_entry(fields, ListLayout(dash=indent - 2, key=indent, blank_between=False),
                        newline)
    if item:
        item[0] = " " * indent + item[0][indent:]  # drop the list dash
    return [f"{key}:{newline}", *item]


# ---------------------------------------------------------------------------------------
# Reading the layout of an existing catalogue


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _is_blank(line: str) -> bool:
    return not line.strip()


def _is_comment(line: str) -> bool:
    return line.lstrip().startswith("#")


def _block_list(document: Any, key: str) -> CommentedSeq | None:
    value = document.get(key) if isinstance(document, CommentedMap) else None
    if isinstance(value, CommentedSeq) and len(value) and not value.fa.flow_style():
        return value
    return None


class _ListView:
    """Where each item of one block list starts and ends, in 0-based line numbers."""

    def __init__(self, items: CommentedSeq, lines: Sequence[str]) -> None:
        self.items = items
        self.lines = lines
        self.dash = int(items.lc.col)
        self.starts = [self._start(i) for i in range(len(items))]

    def _start(self, index: int) -> int:
        line = int(self.items.lc.item(index)[0])
        # An item may put its first key on the line after a lone "-".
        while line > 0 and self.lines[line][self.dash:self.dash + 1] != "-":
            line -= 1
        return line

    def key_column(self, index: int) -> int:
        return int(self.items.lc.item(index)[1])

    def end(self, index: int) -> int:
        """The last line that belongs to item `index`."""
        start = self.starts[index]
        if index + 1 < len(self.starts):
            limit = self.starts[index + 1]
        else:
            limit = len(self.lines)
            for number in range(start + 1, len(self.lines)):
                line = self.lines[number]
                if not _is_blank(line) and not _is_comment(line) and _indent(line) <= self.dash:
                    limit = number
                    break
        end = start
        for number in range(start + 1, limit):
            line = self.lines[number]
            if not _is_blank(line) and (not _is_comment(line) or _indent(line) > self.dash):
                end = number
        return end

    def blank_between(self) -> bool | None:
        if len(self.starts) < 2:
            return None
        return any(
            any(_is_blank(self.lines[n]) for n in range(self.end(i) + 1, self.starts[i + 1]))
            for i in range(len(self.starts) - 1)
        )

    def layout(self, blank_default: bool) -> ListLayout:
        last = len(self.starts) - 1
        blank = self.blank_between()
        return ListLayout(self.dash, self.key_column(last),
                          blank_default if blank is None else blank)


def _document_layout(document: Any, lines: Sequence[str]) -> ListLayout:
    """The layout the file's lists already use, for a list it does not have yet."""
    views = [_ListView(items, lines) for key in LIST_KEYS
             if (items := _block_list(document, key)) is not None]
    if not views:
        return DEFAULT_LAYOUT
    blank = next((b for v in views if (b := v.blank_between()) is not None),
                 DEFAULT_LAYOUT.blank_between)
    return views[0].layout(blank)


def _newline_of(lines: Sequence[str]) -> str:
    return "\r\n" if lines and lines[0].endswith("\r\n") else "\n"


def insert_entry(text: str, document: Any, key: str, fields: Mapping[str, Any],
                 after_index: int | None = None) -> Insertion:
    """Add `fields` as a new item of the top-level list `key`.

    The item goes after item `after_index` (default: the last one). A missing list is
    created before the next list in LIST_KEYS order, or at the end of the file.
    """
    lines = text.splitlines(keepends=True)
    newline = _newline_of(lines)
    value = document.get(key) if isinstance(document, CommentedMap) else None
    items = _block_list(document, key)

    if items is not None:
        view = _ListView(items, lines)
        layout = view.layout(_document_layout(document, lines).blank_between)
        index = len(items) - 1 if after_index is None else after_index
        end = view.end(index)
        block = ([newline] if layout.blank_between else []) + format_entry(fields, layout, newline)
        return _splice(lines, end + 1, block, newline)

    if isinstance(value, CommentedSeq) and len(value):
        raise LayoutError(
            f"`{key}:` is written as a flow list ([...]); write it as a block list "
            "(one `- ` item per line) and run the command again"
        )

    layout = _document_layout(document, lines)
    entry = format_entry(fields, layout, newline)
    if isinstance(document, CommentedMap) and key in document:
        # `key:` with nothing after it, or `key: []`: the entry goes right under the key.
        key_line = int(document.lc.key(key)[0])
        if isinstance(value, CommentedSeq):
            emptied = re.sub(r":(\s*)\[\s*\]", r":", lines[key_line], count=1)
            lines = [*lines[:key_line], emptied, *lines[key_line + 1:]]
        return _splice(lines, key_line + 1, entry, newline)

    block = [f"{key}:{newline}", *entry]
    following = [k for k in LIST_KEYS[LIST_KEYS.index(key) + 1:]
                 if isinstance(document, CommentedMap) and k in document]
    if following:
        at = int(document.lc.key(following[0])[0])
        while at > 0 and _is_comment(lines[at - 1]) and _indent(lines[at - 1]) == 0:
            at -= 1  # comments right above a key introduce it; keep them together
        return _splice(lines, at, [*block, newline], newline)
    lead = [] if not lines or _is_blank(lines[-1]) else [newline]
    return _splice(lines, len(lines), [*lead, *block], newline)


def _splice(lines: list[str], at: int, block: list[str], newline: str) -> Insertion:
    if at > 0 and not lines[at - 1].endswith(("\n", "\r")):
        lines = [*lines[:at - 1], lines[at - 1] + newline, *lines[at:]]  # last line had no newline
    # Leading blank separator lines are part of what was added, but not of the entry.
    first = at + next((i for i, line in enumerate(block) if line.strip()), 0) + 1
    new_lines = [*lines[:at], *block, *lines[at:]]
    return Insertion("".join(new_lines), first, at + len(block), len(block))
