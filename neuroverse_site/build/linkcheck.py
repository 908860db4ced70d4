"""Check that every internal link and anchor in a built site resolves.

MkDocs validates the Markdown links it rewrites, but not the HTML that plugins, themes and
templates produce (raw `<object data>`, notebook images, the theme's own navigation). This
reads the built HTML instead, the way a browser would follow it: every `href`, `src` and
`data` that points inside the site must name a file in the site folder, and every
`#fragment` must be an `id` (or `<a name>`) on the page it points to.

Links with a scheme (`https:`, `mailto:`, `data:` ...) leave the site and are not followed,
except those under `site_url`, which are the site's own pages written as absolute URLs.
"""

from __future__ import annotations

import argparse
import posixpath
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from ..core.diagnostics import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE

if TYPE_CHECKING:  # the parser loads when a site is checked, not when the command starts
    from selectolax.lexbor import LexborHTMLParser


# The attributes a reader's browser follows or loads, by tag.
LINK_ATTRIBUTES: tuple[tuple[str, str], ...] = (
    ("a", "href"),
    ("area", "href"),
    ("link", "href"),
    ("img", "src"),
    ("script", "src"),
    ("iframe", "src"),
    ("object", "data"),
    ("embed", "src"),
    ("source", "src"),
    ("video", "poster"),
)


@dataclass(frozen=True)
class BrokenLink:
    page: str  # the HTML file, relative to the site folder
    tag: str
    attribute: str
    url: str
    reason: str

    def format(self) -> str:
        return f'{self.page}: <{self.tag} {self.attribute}="{self.url}">: {self.reason}'


@dataclass
class LinkReport:
    pages: int = 0
    links: int = 0  # internal links followed, fragments included
    broken: list[BrokenLink] = field(default_factory=list)

    def format(self) -> str:
        lines = [b.format() for b in self.broken]
        lines.append(f"{self.pages} pages, {self.links} internal links, "
                     f"{len(self.broken)} broken")
        return "\n".join(lines)


class _Site:
    """The site folder, with each page's anchors read once."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._anchors: dict[str, frozenset[str]] = {}

    def resolve(self, path: str) -> str | None:
        """A site-relative path to the file a server would answer with, or None."""
        candidate = self.root / path if path else self.root
        if candidate.is_dir():
            candidate = candidate / "index.html"
            path = posixpath.join(path, "index.html") if path else "index.html"
        return path if candidate.is_file() else None

    def anchors(self, page: str) -> frozenset[str]:
        if page not in self._anchors:
            from selectolax.lexbor import LexborHTMLParser

            tree = LexborHTMLParser((self.root / page).read_text(encoding="utf-8"))
            names = {node.attributes.get("id") for node in tree.css("[id]")}
            names |= {node.attributes.get("name") for node in tree.css("a[name]")}
            self._anchors[page] = frozenset(n for n in names if n)
        return self._anchors[page]


def _links(tree: LexborHTMLParser) -> Iterator[tuple[str, str, str]]:
    for tag, attribute in LINK_ATTRIBUTES:
        for node in tree.css(f"{tag}[{attribute}]"):
            value = node.attributes.get(attribute)
            if value is not None:
                yield tag, attribute, value.strip()


def check_site(site_dir: Path, site_url: str | None = None) -> LinkReport:
    """Follow every internal link of every HTML page under `site_dir`.

    `site_url` is where the site is published; links to it (absolute URLs, or paths from the
    server root such as those in 404.html) are checked as internal.
    """
    site = _Site(site_dir)
    base = urlsplit(site_url or "/")
    base_path = base.path if base.path.endswith("/") else base.path + "/"
    report = LinkReport()
    for html_file in sorted(site_dir.rglob("*.html")):
        page = html_file.relative_to(site_dir).as_posix()
        report.pages += 1
        from selectolax.lexbor import LexborHTMLParser

        tree = LexborHTMLParser(html_file.read_text(encoding="utf-8"))
        for tag, attribute, url in _links(tree):
            parts = urlsplit(url)
            own_site = (bool(site_url) and parts.netloc == base.netloc
                        and parts.scheme in ("http", "https"))
            if (parts.scheme or parts.netloc) and not own_site:
                continue  # leaves the site
            if not url or (not parts.path and not parts.fragment):
                continue  # "" or "?query": the page itself
            report.links += 1
            reason = _problem(site, page, parts.path, parts.fragment, base_path)
            if reason is not None:
                report.broken.append(BrokenLink(page, tag, attribute, url, reason))
    return report


def _problem(site: _Site, page: str, url_path: str, url_fragment: str,
             base_path: str) -> str | None:
    """Why a link from `page` does not resolve, or None when it does."""
    path = unquote(url_path)
    if path.startswith("/"):
        if not (path + "/").startswith(base_path):
            return f"points outside the site's path {base_path}"
        joined = path[len(base_path):]
    else:
        joined = posixpath.join(posixpath.dirname(page), path) if path else page
    normal = posixpath.normpath(joined) if joined else ""
    if normal == ".":
        normal = ""
    if normal == ".." or normal.startswith("../"):
        return "points above the site folder"
    target = site.resolve(normal)
    if target is None:
        wanted = posixpath.join(normal, "index.html") if path.endswith("/") else normal
        return f"no file {wanted or 'index.html'} in the site"
    fragment = unquote(url_fragment)
    if fragment and target.endswith(".html") and fragment not in site.anchors(target):
        return f"no id '{fragment}' in {target}"
    return None


# Command line: `neuroverse linkcheck site/` ----------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("site_dir", nargs="?", default="site",
                        help="the built site folder (default: site)")
    parser.add_argument("--site-url", default=None,
                        help="where the site is published; absolute links under it and "
                             "server-root paths are checked as internal")


def run(args: argparse.Namespace) -> int:
    site_dir = Path(args.site_dir)
    if not (site_dir / "index.html").is_file():
        print(f"{site_dir}: no index.html here; build the site first (mkdocs build)")
        return EXIT_USAGE
    report = check_site(site_dir, args.site_url)
    print(report.format())
    return EXIT_PROBLEMS if report.broken else EXIT_OK
