"""HTML nobody here wrote: notebook Markdown cells and outputs, and the links catalogue text
turns into. Pure functions over strings; no MkDocs types, no files.

The rules, each decided on what the browser will finally read (decoded attribute values of
a parsed fragment), never on the source text:
- no element, attribute or URL that can run script or load something from another host;
- untrusted `class` names are namespaced, so an output cannot draw the theme's own widgets
  (a fake dialog or banner) or wake its loaders (Material fetches mermaid from a CDN for any
  `.mermaid` element); the few classes our stylesheet and Pygments colour are kept;
- of inline style, only a handful of text properties survive (colour, weight, white-space),
  and never a value that could fetch (`url()`, `image-set()`...).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import nh3
from pygments.token import STANDARD_TYPES
from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode as Node

from .mathml import MATHML_ATTRIBUTES, MATHML_TAGS

# ---------------------------------------------------------------------------------------
# URLs, read as a browser reads them

# Browsers strip leading and trailing C0 controls and spaces, and drop tabs and newlines
# anywhere, before they look for a scheme: "  java\nscript:" is "javascript:".
_EDGES = "".join(chr(code) for code in range(0x21))
_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
LINK_SCHEMES = frozenset({"http", "https", "mailto"})


def normalised_url(url: str) -> str:
    """The URL as the browser's parser starts from it."""
    return _TAB_OR_NEWLINE.sub("", url.strip(_EDGES))


_CONTROLS_AND_SPACES = re.compile(r"[\x00-\x20\x7f]")


def url_scheme(url: str) -> str | None:
    """The scheme a browser would use for `url` (lower case), or None for a relative URL.
    Stricter than the browser: spaces and control characters anywhere are ignored too, so
    "java    script:" counts as javascript: (a browser would read a relative path; no
    honest link is written that way)."""
    found = _SCHEME.match(_CONTROLS_AND_SPACES.sub("", url))
    return found.group(1).lower() if found else None


def is_remote(url: str) -> bool:
    """Whether loading `url` (as an image, say) would ask another host: http(s) or
    protocol-relative (`//host/x`; browsers read a backslash there as a slash)."""
    scheme = url_scheme(url)
    if scheme is not None:
        return scheme not in ("data", "blob") and scheme in ("http", "https", "ftp", "ws", "wss")
    return normalised_url(url)[:2] in ("//", "\\\\", "/\\", "\\/")


def is_safe_link(url: str) -> bool:
    """A link a reader may follow: to the web, to mail, or relative to this site."""
    scheme = url_scheme(url)
    return scheme is None or scheme in LINK_SCHEMES


# ---------------------------------------------------------------------------------------
# What untrusted HTML may keep

ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del",
    "details", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp",
    "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "u", "ul", "var", "nv-output", *MATHML_TAGS,
})
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "*": {"class", "id", "title", "lang", "dir", "data-mime-type", "data-type",
          "data-search-exclude", "align", "style"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
    **{tag: set(MATHML_ATTRIBUTES) for tag in MATHML_TAGS},
}
# The template's own markup may also carry the cell number it writes for the names of focus
# stops (notebooks.CELL_ATTRIBUTE), and only on its own two wrappers; untrusted fragments
# are cleaned with ALLOWED_ATTRIBUTES alone, so none of theirs reaches the assembled page.
# The focus stops' tabindex, role and aria-label are added after cleaning (scrolling.py):
# no allow-list here has them, so untrusted HTML can neither add a focus stop nor name one.
ASSEMBLED_ATTRIBUTES: dict[str, set[str]] = {
    **ALLOWED_ATTRIBUTES,
    "div": {"data-nv-cell"},
    "nv-output": {"data-nv-cell"},
}
# Text styling only: Keras' model.summary() and pandas' Styler need these, and none of them
# can move, cover or fetch anything.
STYLE_PROPERTIES = frozenset({"white-space", "color", "background-color", "font-weight",
                              "font-style", "text-decoration"})
# A text colour a notebook chose was chosen for one background (Jupyter's white), and the
# page has two. It is kept as this custom property, and neuroverse.css draws the text in its
# hue at a lightness that reads on the palette shown (4.5:1 or more). Beside its own
# background-color the colour is a pair the author chose, and stays `color`; a background
# without a colour gets Jupyter's text colour, the one it was chosen against.
TEXT_COLOUR_PROPERTY = "--nv-u-color"
_PAIRED_TEXT_COLOUR = "rgba(0, 0, 0, 0.87)"
# A value with a function call other than a colour, or a CSS escape that could spell one.
_STYLE_FUNCTION = re.compile(r"([a-z-]*)\s*\(", re.IGNORECASE)
_COLOUR_FUNCTIONS = frozenset({"rgb", "rgba", "hsl", "hsla", "hwb", "lab", "lch", "oklab",
                               "oklch", "color"})

# Classes untrusted HTML may keep as they are: what our stylesheet and Pygments colour.
# Every other class gets this prefix, so it can match none of the theme's rules or scripts.
UNTRUSTED_CLASS_PREFIX = "nv-u-"
_KEPT_CLASSES = frozenset({*(name for name in STANDARD_TYPES.values() if name),
                           "highlight", "dataframe", "nv-tex", "celltag"})
_KEPT_CLASS_PATTERN = re.compile(r"ansi-[a-z]+(-(fg|bg|intense))*|celltag_[\w-]+")
# Untrusted ids are namespaced too: an output must not take an id the theme looks up
# (`__search`, `__drawer`...) or clobber a global through named access.
UNTRUSTED_ID_PREFIX = "nv-u-"

def kept_class(name: str) -> str:
    """An untrusted class name as the page may carry it."""
    if name in _KEPT_CLASSES or _KEPT_CLASS_PATTERN.fullmatch(name):
        return name
    return UNTRUSTED_CLASS_PREFIX + name


def clean_style(value: str) -> str | None:
    """Only the allowed text properties, and only values that fetch nothing; a text colour
    as TEXT_COLOUR_PROPERTY unless it comes with its own background."""
    kept: list[tuple[str, str]] = []
    for declaration in value.split(";"):
        name, colon, rest = declaration.partition(":")
        name = name.strip().lower()
        if name == TEXT_COLOUR_PROPERTY:
            name = "color"
        if not colon or name not in STYLE_PROPERTIES or "\\" in rest:
            continue
        if any(f.group(1).lower() not in _COLOUR_FUNCTIONS
               for f in _STYLE_FUNCTION.finditer(rest)):
            continue
        kept.append((name, rest.strip()))
    names = {name for name, _ in kept}
    if "background-color" in names:
        if "color" not in names:
            kept.append(("color", _PAIRED_TEXT_COLOUR))
    else:
        kept = [(TEXT_COLOUR_PROPERTY if name == "color" else name, rest)
                for name, rest in kept]
    return ";".join(f"{name}:{rest}" for name, rest in kept) or None


def _untrusted_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "class":
        names = [kept_class(name) for name in value.split()]
        return " ".join(names) or None
    if attribute == "id":
        return value if value.startswith(UNTRUSTED_ID_PREFIX) else UNTRUSTED_ID_PREFIX + value
    if attribute == "href" and value.startswith("#"):
        target = value[1:]
        return value if not target or target.startswith(UNTRUSTED_ID_PREFIX) else (
            f"#{UNTRUSTED_ID_PREFIX}{target}")
    if attribute == "style":
        return clean_style(value)
    return value


def _page_attribute(tag: str, attribute: str, value: str) -> str | None:
    return clean_style(value) if attribute == "style" else value


def clean_untrusted(html: str) -> str:
    """One untrusted fragment (a Markdown cell, an output), cleaned and namespaced. Parsed
    alone, so an unclosed tag or comment cannot reach past the fragment."""
    return _clean(html, _untrusted_attribute, ALLOWED_ATTRIBUTES)


def clean_assembled(html: str) -> str:
    """The whole notebook once its fragments are clean: the same allow-list over the
    template's own markup (it writes some metadata into attributes), classes kept."""
    return _clean(html, _page_attribute, ASSEMBLED_ATTRIBUTES)


def _clean(html: str, attribute_filter: Callable[[str, str, str], str | None],
           attributes: dict[str, set[str]]) -> str:
    cleaned: str = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags={"script", "style"},
        attributes=attributes,
        attribute_filter=attribute_filter,
        url_schemes={"http", "https", "mailto", "data"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
        filter_style_properties={*STYLE_PROPERTIES, TEXT_COLOUR_PROPERTY},
    )
    return cleaned


def balanced(html: str) -> str:
    """A trusted fragment kept as it is, but closed: its unclosed tags and comments end
    with it, as they do when Jupyter renders the cell on its own."""
    body = HTMLParser(f"<!DOCTYPE html><html><head></head><body>{html}").body
    return (body.inner_html or "") if body is not None else ""


# Elements whose content the parser reads as text up to their own end tag (or the end of
# the input), and the two that swallow everything after them.
_RAW_TEXT_ELEMENTS = ("script", "style", "textarea", "title", "xmp", "iframe", "noembed",
                      "noframes", "noscript", "template", "select")
_OPENER = re.compile(r"<(" + "|".join(_RAW_TEXT_ELEMENTS) + r"|plaintext)(?=[\s/>])",
                     re.IGNORECASE)
_COMMENT = re.compile(r"<!--(?!-?>)")


def unclosed_elements(html: str) -> list[str]:
    """The elements (and comments) in `html` left open: as one string with what follows,
    each would swallow or show as text everything after it."""
    found: list[str] = []
    lowered = html.lower()
    for opener in _OPENER.finditer(html):
        name = opener.group(1).lower()
        closer = re.compile(f"</{name}(?=[\\s/>])")
        if name == "plaintext" or closer.search(lowered, opener.end()) is None:
            label = f"<{name}>"
            if label not in found:
                found.append(label)
    for comment in _COMMENT.finditer(html):
        if "-->" not in html[comment.end():] and "--!>" not in html[comment.end():]:
            found.append("<!--")
            break
    return found


# ---------------------------------------------------------------------------------------
# Generated pages: the final word on every URL catalogue text became

# Attributes a browser follows or fetches.
URL_ATTRIBUTES = frozenset({"href", "src", "srcset", "action", "formaction", "data", "poster",
                            "background", "cite", "xlink:href", "ping", "longdesc", "lowsrc",
                            "dynsrc", "manifest", "codebase", "archive", "icon", "usemap"})
_LOADED = frozenset({"src", "srcset", "data", "poster", "background", "lowsrc", "dynsrc",
                     "manifest", "codebase", "archive", "icon"})


@dataclass(frozen=True)
class Removed:
    """Something the final pass took out of a page, as the reader's browser would see it."""

    tag: str
    attribute: str
    url: str
    # "scheme" (could run code or embed content), "remote" (another host), "handler"
    reason: str


def clean_generated_page(html: str, *, allow_remote_images: bool = False
                         ) -> tuple[str, list[Removed]]:
    """Check every URL in a page generated from the catalogue, after Markdown made it, and
    remove what could run code or fetch from another host. (Elements are the templates'
    own: catalogue text reaches the page escaped, as text.) Returns the page (unchanged
    when nothing had to go) and what was removed."""
    if "<" not in html:
        return html, []
    tree = HTMLParser(f"<!DOCTYPE html><html><head></head><body>{html}</body></html>")
    removed: list[Removed] = []
    for node in tree.css("*"):
        for name, value in list(node.attributes.items()):
            lowered = name.lower()
            if lowered.startswith("on"):
                del node.attrs[name]
                removed.append(Removed(str(node.tag), name, value or "", "handler"))
            elif lowered in URL_ATTRIBUTES and value is not None:
                reason = _url_problem(lowered, value, allow_remote_images)
                if reason is not None:
                    removed.append(Removed(str(node.tag), name, value, reason))
                    _remove_url(node, name, value, reason)
    if not removed:
        return html, []
    body = tree.body
    return ((body.inner_html or "") if body is not None else ""), removed


def _url_problem(attribute: str, value: str, allow_remote: bool) -> str | None:
    urls = [part.strip().split(" ")[0] for part in value.split(",")] if attribute == "srcset" \
        else [value]
    for url in urls:
        if attribute in _LOADED:
            scheme = url_scheme(url)
            if scheme is not None and scheme not in ("http", "https"):
                return "scheme"
            if is_remote(url) and not allow_remote:
                return "remote"
        elif not is_safe_link(url):
            return "scheme"
    return None


def _remove_url(node: Node, name: str, value: str, reason: str) -> None:
    if node.tag == "img":
        # The reader still learns what was there: its alt text, or a link to a remote image.
        alt = node.attributes.get("alt") or "image"
        replacement = HTMLParser("<span></span>").css_first("span")
        assert replacement is not None
        replacement.attrs["class"] = "nv-removed-image"
        if reason == "remote":
            link = HTMLParser("<a></a>").css_first("a")
            assert link is not None
            link.attrs["href"] = value
            link.attrs["rel"] = "noopener noreferrer nofollow"
            link.insert_child(alt)
            replacement.insert_child(link)
        else:
            replacement.insert_child(alt)
        node.replace_with(replacement)
    else:
        del node.attrs[name]


def describe_removed(items: Iterable[Removed]) -> list[str]:
    """One phrase per distinct removal, for a diagnostic."""
    phrases: list[str] = []
    for item in items:
        if item.reason == "remote":
            phrase = f"image from another host '{item.url}'"
        elif item.reason == "scheme":
            phrase = f"{item.tag} {item.attribute}='{item.url}'"
        else:
            phrase = f"event handler {item.attribute} on <{item.tag}>"
        if phrase not in phrases:
            phrases.append(phrase)
    return phrases
