"""Boxes that scroll, made reachable by keyboard.

A wide equation, a long line of code or a wide table scrolls inside its own box. A mouse or
a finger can scroll it; a keyboard can only scroll what has focus. So every box that can
scroll is a focus stop (`tabindex="0"`) with a role and a name that says what it holds
("Equation", "Code of cell 4", "Table"), and nothing inside it scrolls on its own: arrow
keys move the box that has focus, not a box nested in it.

The attributes are added after the untrusted-HTML sanitiser has run (see untrusted.py),
on elements this module picks by structure; untrusted content cannot carry `tabindex`,
`role` or `aria-*` of its own (the sanitiser's allow-list has none of them).

`role="group"` rather than `"region"`: a region is a landmark, and a notebook with forty
code cells would bury the page's real landmarks (navigation, main, search) under forty more.
"""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode as Node

# Every box this module makes scroll carries this class (neuroverse.css draws it).
REGION_CLASS = "nv-scroll"
EQUATION_CLASS = "nv-equation"
TABLE_CLASS = "nv-table"

EQUATION = "Equation"
CODE = "Code"
TABLE = "Table"

# Tables that are layout, not data: Pygments' line-number table sits inside a code block,
# which scrolls already.
_LAYOUT_TABLES = frozenset({"highlighttable"})


def make_region(node: Node, label: str) -> None:
    """Make `node` a named focus stop (it scrolls already, or will through REGION_CLASS)."""
    node.attrs["tabindex"] = "0"
    node.attrs["role"] = "group"
    node.attrs["aria-label"] = label


def is_region(node: Node) -> bool:
    return node.attributes.get("tabindex") == "0" and "aria-label" in node.attributes


def _wrap(node: Node, tag: str, classes: str, label: str) -> None:
    holder = HTMLParser(f"<{tag}></{tag}>").css_first(tag)
    assert holder is not None
    holder.attrs["class"] = f"{REGION_CLASS} {classes}"
    make_region(holder, label)
    holder.insert_child(node)  # a copy: selectolax copies nodes it inserts
    node.replace_with(holder)


def _inside_region(node: Node) -> bool:
    parent = node.parent
    while parent is not None:
        if REGION_CLASS in (parent.attributes.get("class") or "").split():
            return True
        parent = parent.parent
    return False


def mark_regions(tree: HTMLParser, *, code_label: str = CODE) -> int:
    """Every box in `tree` that can scroll becomes a named focus stop: code (Material makes
    `pre > code` scroll), display equations and tables (each wrapped in a box that scrolls).
    Boxes marked already (a notebook's cells, which carry their cell numbers) stay as
    they are. Returns how many boxes it marked."""
    made = 0
    for code in tree.css("pre > code"):
        if not is_region(code):
            make_region(code, code_label)
            made += 1
    # An equation is phrasing content (it sits in a paragraph), so its box is a span.
    for math in tree.css('math[display="block"]'):
        parent = math.parent
        if parent is None or EQUATION_CLASS not in (parent.attributes.get("class") or ""):
            _wrap(math, "span", EQUATION_CLASS, EQUATION)
            made += 1
    for table in tree.css("table"):
        classes = set((table.attributes.get("class") or "").split())
        if classes & _LAYOUT_TABLES or _inside_region(table):
            continue
        _wrap(table, "div", TABLE_CLASS, TABLE)
        made += 1
    return made


_MARKUP_HINTS = ("<code", "<math", "<table")


def mark_page(html: str) -> str:
    """`mark_regions` over a page's content (Markdown pages, generated pages). The page
    comes back unchanged, byte for byte, when it has nothing that scrolls."""
    lowered = html.lower()
    if not any(hint in lowered for hint in _MARKUP_HINTS):
        return html
    tree = HTMLParser(f"<!DOCTYPE html><html><head></head><body>{html}</body></html>")
    if not mark_regions(tree):
        return html
    body = tree.body
    return (body.inner_html or "") if body is not None else html
