"""Reading a hand-kept archive README (or any Markdown log) into drafts of sections,
experiments, articles and resources, with a note for every piece of text left out.

READMEs are parsed with markdown-it (CommonMark + tables), so headings, lists, tables and
links are what a renderer would see, whatever the spacing. The reading is forgiving about
shape and strict about honesty:

- Sections come from numbered headings in any style (`## 1️⃣ ...`, `## 🔟 ...`, `### 2. ...`,
  `## 🔹 Module 3: ...`, `## Part IV - ...`), else from a contents table, else from a list
  whose top-level items hold nested lists, else from headings whose text links files. A
  document with none of these is one section (or, for the root README, none: its files
  go to sections by folder).
- Links to notebooks, scripts, PDFs and Markdown notes become entries; links into the same
  repository written as GitHub/raw/nbviewer/Colab URLs count as local; a link to a folder
  or to a README is another README to read.
- Every block, list item and table row is either placed (as an entry, a section field, a
  description line, a resource) or reported with its line.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import quote, unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

from ..core.model import ResourceKind, Status
from .archive_tree import FileIndex

ENTRY_SUFFIXES = {".ipynb": "notebook", ".py": "script", ".pdf": "pdf", ".md": "note",
                  ".markdown": "note"}
README_NAMES = ("readme.md", "readme.markdown", "index.md")
QUOTES = "\"'\u201c\u201d\u2018\u2019\u00ab\u00bb"

_PARSER = MarkdownIt("commonmark", {"html": True}).enable("table")


# ---------------------------------------------------------------------------------------
# Drafts


@dataclass(frozen=True)
class Note:
    source: str  # the README as the user named it
    line: int
    column: int
    severity: str  # "warning": a link to nothing; "note": text left out
    message: str
    hint: str = ""

    def format(self) -> str:
        hint = f" (hint: {self.hint})" if self.hint else ""
        return f"{self.source}:{self.line}:{self.column}: {self.severity}: {self.message}{hint}"


@dataclass
class Target:
    """A link as written, and the archive file it means (`path`, which may be missing)."""

    text: str
    href: str
    line: int
    column: int
    path: str | None = None  # archive-relative POSIX path; None for external/anchor links
    exists: bool = False
    is_dir: bool = False
    source: str = ""  # the README it is written in

    @property
    def shown(self) -> str:
        """The link as people read it: `Über Attention/x.ipynb`, not `%C3%9Cber%20...`."""
        return unquote(self.href)

    @property
    def role(self) -> str | None:
        """notebook, script, pdf, note, readme or None (not an entry's file)."""
        if self.path is None:
            return None
        if self.is_dir:
            return "readme"
        name = PurePosixPath(self.path).name.lower()
        if name in README_NAMES:
            return "readme"
        return ENTRY_SUFFIXES.get(PurePosixPath(name).suffix)

    @property
    def external(self) -> bool:
        return self.path is None and self.href.lower().startswith(("http://", "https://"))


@dataclass
class SectionDraft:
    title: str
    source: str
    line: int
    number: int | None = None
    status: Status | None = None
    focus: str = ""
    description: list[str] = field(default_factory=list)
    planned: list[str] = field(default_factory=list)
    folder: str | None = None  # a section made for a folder of unplaced files


@dataclass
class EntryDraft:
    kind: str  # "experiment" or "article"
    title: str
    section: SectionDraft | None
    source: str
    line: int
    target: Target | None = None
    summary: str = ""  # an article's summary, an experiment's goal
    description: list[str] = field(default_factory=list)
    status: Status | None = None
    related: list[EntryDraft] = field(default_factory=list)
    titled_by_readme: bool = True
    extra_sections: list[SectionDraft] = field(default_factory=list)
    unreadable: str = ""  # why its file cannot be shown on the site

    @property
    def path(self) -> str | None:
        return self.target.path if self.target and self.target.exists else None


@dataclass
class ResourceDraft:
    topic: str
    title: str
    url: str
    kind: ResourceKind
    note: str = ""


@dataclass
class Reading:
    source: str
    title: str = ""
    tagline: str = ""
    sections: list[SectionDraft] = field(default_factory=list)
    entries: list[EntryDraft] = field(default_factory=list)
    resources: list[ResourceDraft] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    sub_readmes: list[tuple[Target, SectionDraft | None]] = field(default_factory=list)


# ---------------------------------------------------------------------------------------
# Inline text


@dataclass
class Inline:
    """One run of inline Markdown: its words, its links and its images."""

    text: str  # plain words, links as their text
    links: list[tuple[str, str]]  # (text, href), including HTML <a> and paths in backticks
    images: list[tuple[str, str]]  # (alt, src)
    markdown: str  # the source, for descriptions


_HTML_ATTR = re.compile(r"""\b(href|src|alt)\s*=\s*["']([^"']*)["']""", re.IGNORECASE)
_CLOSING_ANCHOR = re.compile(r"</a\s*>", re.IGNORECASE)
_PATH_IN_CODE = re.compile(r"^[\w.\-/ ]+\.(ipynb|py|pdf|md|markdown)$", re.IGNORECASE)


def read_inline(node: SyntaxTreeNode | None) -> Inline:
    if node is None:
        return Inline("", [], [], "")
    words: list[str] = []
    links: list[tuple[str, str]] = []
    images: list[tuple[str, str]] = []
    # An HTML <a href> written inline: its text is what follows up to its </a>.
    anchor: list[tuple[int, str]] = []

    def close_anchor() -> None:
        if anchor:
            start, href = anchor.pop()
            links.append(("".join(words[start:]).strip(), href))

    def visit(current: SyntaxTreeNode) -> None:
        for child in current.children:
            kind = child.type
            if kind == "text":
                words.append(child.content)
            elif kind == "code_inline":
                words.append(child.content)
                if _PATH_IN_CODE.match(child.content.strip()):
                    links.append((child.content.strip(), child.content.strip()))
            elif kind in ("softbreak", "hardbreak"):
                words.append(" ")
            elif kind == "link":
                start = len(words)
                visit(child)
                links.append(("".join(words[start:]).strip(), str(child.attrs.get("href", ""))))
            elif kind == "image":
                alt = "".join(c.content for c in child.children if c.type == "text")
                images.append((alt, str(child.attrs.get("src", ""))))
            elif kind == "html_inline":
                attrs = dict((k.lower(), v) for k, v in _HTML_ATTR.findall(child.content))
                if _CLOSING_ANCHOR.match(child.content):
                    close_anchor()
                elif "href" in attrs:
                    close_anchor()  # an <a> left open ends where the next begins
                    anchor.append((len(words), attrs["href"]))
                if "src" in attrs:
                    images.append((attrs.get("alt", ""), attrs["src"]))
            else:
                visit(child)

    visit(node)
    close_anchor()
    text = " ".join("".join(words).replace("&nbsp;", " ").replace("\xa0", " ").split())
    return Inline(text, links, images, node.content if node.type == "inline" else "")


def strip_emoji(text: str) -> str:
    """Remove pictographs and the joiners that build them; keep letters, digits, quotes."""
    kept = [ch for ch in text
            if unicodedata.category(ch) not in ("So", "Sk", "Co", "Cs")
            and ch not in "\ufe0f\ufe0e\u200d\u20e3"]
    return " ".join("".join(kept).split())


def plain(text: str) -> str:
    """Words only: no emoji, no emphasis marks, no dangling separators."""
    text = re.sub(r"<[^>]+>", " ", text).replace("&nbsp;", " ").replace("&amp;", "&")
    text = re.sub(r"(\*\*|__|\*|`)", "", text)
    return strip_emoji(text).strip(" :|\u2013\u2014-\u00b7\u2022")


# ---------------------------------------------------------------------------------------
# Statuses


_STATUS_WORDS: list[tuple[re.Pattern[str], Status]] = [
    (re.compile(r"\b(completed?|done|finished|100 ?%)\b|\u2705|\u2714|\u2611"), Status.COMPLETED),
    (re.compile(r"\b(planned|todo|to do|not (yet )?started|pending|tbd|0 ?%)\b|\U0001F4DD|\u2b1c|"
                r"\u274c"), Status.PLANNED),
    (re.compile(r"\b(in[ -]?progress|wip|ongoing|started|doing|partial|\d{1,2} ?%)\b|"
                r"\U0001F7E1|\U0001F6A7|\u23f3|\U0001F504"), Status.IN_PROGRESS),
    (re.compile(r"\b(active|live|current)\b|\U0001F7E2"), Status.ACTIVE),
    (re.compile(r"\b(updating|updated|continuous)\b|\U0001F9FE"), Status.UPDATING),
    (re.compile(r"\b(upcoming|coming soon|next|soon)\b|\U0001F51C"), Status.UPCOMING),
    (re.compile(r"\b(paused|on hold|blocked|stalled)\b|\u23f8"), Status.PAUSED),
]


def status_from_text(text: str) -> Status | None:
    """The status a cell, badge or heading states, in any of the ways people write one."""
    lowered = " ".join(text.lower().replace("_", " ").split())
    if not lowered:
        return None
    for status in Status:  # the catalogue's own words and symbols first
        if status.symbol.replace("\ufe0f", "") in text.replace("\ufe0f", ""):
            return status
        if strip_emoji(lowered) in (status.label.lower(), status.value.replace("-", " ")):
            return status
    for pattern, status in _STATUS_WORDS:
        if pattern.search(lowered) or pattern.search(text):
            return status
    return None


def only_status(text: str) -> Status | None:
    """The status `text` states when it says nothing else ('done', '- WIP', '(50 %)')."""
    status = status_from_text(text)
    if status is None:
        return None
    left = text.lower().replace("_", " ")
    for known in Status:
        left = left.replace(known.label.lower(), " ").replace(known.value.replace("-", " "), " ")
    for pattern, _ in _STATUS_WORDS:
        left = pattern.sub(" ", left)
    return status if not re.sub(r"[\W_]+", "", strip_emoji(left)) else None


def status_from_badge(alt: str, src: str) -> Status | None:
    """A shields.io-style status or progress badge -> a status; None for other images."""
    described = unquote(f"{alt} {src}").replace("--", " ").replace("-", " ").lower()
    if not re.search(r"\b(status|progress|state)\b", described):
        return None
    percent = re.search(r"(\d{1,3})\s*%", described)
    if percent:
        value = int(percent.group(1))
        return Status.COMPLETED if value >= 100 else Status.PLANNED if value == 0 \
            else Status.IN_PROGRESS
    words = re.sub(r"^.*?\b(status|progress|state)\b", "", described)
    return status_from_text(words.split("?")[0])


_CHECKBOX = re.compile(r"^\[([ xX✓✔])\]\s*")


# ---------------------------------------------------------------------------------------
# Numbers and labels


_KEYCAPS = re.compile(r"((?:\d\ufe0f?\u20e3)+)")
_NUMBER_WORDS = ("module", "part", "chapter", "section", "unit", "lesson", "week", "day",
                 "step", "phase", "stage", "level", "lecture", "session", "topic", "block")
_NUMBERED = re.compile(
    r"^(?:(?P<word>" + "|".join(_NUMBER_WORDS) + r")\s*(?P<wnum>\d{1,3}|[IVXLC]{1,7})\b"
    r"|(?P<num>\d{1,3})(?=[\s.:)\]\-\u2013\u2014]|$)"
    r"|(?P<roman>[IVXLC]{1,7})(?=[.:)]|\s+[\-\u2013\u2014:]))"
    r"(?P<sub>\.\d+)?"
    r"\s*[.:)\]\-\u2013\u2014|]?\s*(?P<rest>.*)$", re.IGNORECASE)
_EXPERIMENT_HEADING = re.compile(
    r"^(experiment|exp\.?|lab|project|exercise|assignment|practical|task|notebook)\s*#?\s*"
    r"\d+\b\s*[.:)\-\u2013\u2014]*\s*(?P<rest>.*)$", re.IGNORECASE)
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def roman_value(text: str) -> int | None:
    total, previous = 0, 0
    for char in reversed(text.upper()):
        value = _ROMAN.get(char)
        if value is None:
            return None
        total += -value if value < previous else value
        previous = max(previous, value)
    return total or None


def _unkeycap(text: str) -> str:
    text = _KEYCAPS.sub(lambda m: re.sub(r"\D", "", m.group(1)) + ". ", text)
    return text.replace("\U0001F51F", "10. ")


def numbered(text: str) -> tuple[int, str] | None:
    """'1️⃣ Basics', '🔟 GANs', '## 🔹 Module 3: CNNs', 'Part IV - RNNs', '2. CNNs' ->
    (number, title); None when the text is not numbered or numbers a sub-point (1.2)."""
    cleaned = plain(_unkeycap(text))
    match = _NUMBERED.match(cleaned)
    if match is None or match.group("sub"):
        return None
    raw = match.group("wnum") or match.group("num") or match.group("roman") or ""
    number = int(raw) if raw.isdigit() else roman_value(raw)
    if number is None:
        return None
    rest = plain(match.group("rest"))
    if match.group("word") and not rest:
        rest = f"{match.group('word').capitalize()} {raw}"
    return (number, rest) if rest else None


_LABEL_KINDS: list[tuple[str, re.Pattern[str]]] = [
    ("resources", re.compile(r"\b(resources?|references?|further reading|useful links|links|"
                             r"bibliography|books?|courses?)\b")),
    ("planned", re.compile(r"\b(planned|upcoming|roadmap|to ?do|next steps?|future( work)?|"
                           r"coming soon|focus|topics?|what'?s next)\b")),
    ("articles", re.compile(r"\b(articles?|notes?|papers?|pdfs?|readings?|slides|write-?ups?|"
                            r"documents?|blogs?)\b")),
    ("experiments", re.compile(r"\b(experiments?|notebooks?|hands-on|projects?|code|"
                               r"implementations?|labs?|exercises?|scripts?)\b")),
]


def label_kind(text: str) -> str | None:
    """A short line that names what follows ('**Experiments:**', '### 📄 Articles & Notes')."""
    words = plain(text).rstrip(":").strip().lower()
    if not words or len(words.split()) > 5:
        return None
    for kind, pattern in _LABEL_KINDS:
        if pattern.search(words):
            return kind
    return None


# ---------------------------------------------------------------------------------------
# Titles and placeholders


_GENERIC_LINK = re.compile(
    r"^(?:(?:my|the|our|see|here are|here is)\s+)?"
    r"(read|open|view|download|see|run|launch|click|here|link|source|code|notebook|script|"
    r"pdf|notes?|paper|slides|article|colab|nbviewer|github|python implementation|"
    r"implementation|open in colab|pdf notes|notes \(pdf\)|read pdf|view notebook|"
    r"jupyter notebook|python|file|details|more)( (the )?(pdf|notes?|notebook|code|here|"
    r"file|paper|on github|in colab))?( \(pdf\))?$", re.IGNORECASE)
_NUMBER_PREFIX = re.compile(
    r"^\s*(?:\*\*)?\s*(?:#?\d{1,3}(?:\.\d+)+\s|#?\d{1,3}(?:\.\d+)*\s*[:.)\-\u2013\u2014]|"
    r"(?:experiment|exp|lab|project|exercise|day|week|step|part|module|lesson)\s*#?\s*\d+"
    r"\s*[:.)\-\u2013\u2014]?)\s*(?:\*\*)?\s*[:.]?\s*", re.IGNORECASE)
_ROLE_PREFIX = re.compile(r"^(notebook|article|notes?|paper|pdf|code|script|goal|summary|"
                          r"objective|aim|description)\s*:\s*", re.IGNORECASE)
_PLACEHOLDER = re.compile(
    r"\byour[ _\-]?(file|next|own|article|title|notebook|name|project|link|paper|topic)|"
    r"\b(file[_ -]?name|article[_ -]title|title[_ -]here|link[_ -]here|path/to/|lorem ipsum)\b|"
    r"^(title|link|url|name|text|topic|xxx+|\.\.\.|todo|tbd)$|\bexample\.(com|org)\b",
    re.IGNORECASE)


def is_placeholder(*texts: str) -> bool:
    return any(text and _PLACEHOLDER.search(plain(text).strip("[]() ")) for text in texts)


def generic_link_text(text: str, target: Target) -> bool:
    words = _ROLE_PREFIX.sub("", plain(text).strip("[] "))
    if not words or _GENERIC_LINK.match(words):
        return True
    name = PurePosixPath(target.href.split("?")[0].split("#")[0]).name
    return words.lower() in (name.lower(), PurePosixPath(name).stem.lower()) or bool(
        re.fullmatch(r"[\w.\-/ ]+\.(ipynb|py|pdf|md|markdown)", words, re.IGNORECASE))


def _markdown_url(href: str) -> str:
    """A URL written as a Markdown link's target: what would end or split it escaped."""
    return href.strip().replace(" ", "%20").replace("(", "%28").replace(")", "%29")


def hand_cased(target: Target) -> bool:
    """The link text is the file's name cased by hand ('[AlexNet](alexnet.ipynb)'): the
    author's spelling of its title, which the file name has lost."""
    words = plain(target.text).strip("[] ")
    stem = PurePosixPath(PurePosixPath(target.href.split("?")[0].split("#")[0]).name).stem
    return bool(words) and words != stem and words.lower() == stem.lower() and \
        "." not in words and not _GENERIC_LINK.match(words)


def written_as_title(target: Target, line: str) -> bool:
    """'[Attention](attention.ipynb) — over an LSTM': link text that is the file's name
    but capitalised by hand, first on its line, is the title; the words after it describe
    it. ('[lenet](lenet.ipynb) — LeNet-5 from scratch': the name as it is; the words are
    the title.)"""
    if not hand_cased(target):
        return False
    before = line.split(target.text, 1)[0] if target.text in line else line
    return not clean_title(before.replace("[", " "))


def quoted_title(text: str) -> str:
    """A title written in quotes in a line: '**01:** 🧾 *“Padding: Why It Matters”*'; not
    a quoted word inside a title ('U-Net on “custom” images')."""
    match = re.search(r"[\u201c\"\u00ab]([^\u201d\"\u00bb]{3,})[\u201d\"\u00bb]", text)
    if match is None:
        return ""
    outside = clean_title(text[:match.start()] + " " + text[match.end():])
    if len(outside.split()) > 2:
        return ""
    return " ".join(match.group(1).split()).strip()


def clean_title(text: str) -> str:
    text = plain(text)
    previous = None
    while previous != text:
        previous = text
        text = _NUMBER_PREFIX.sub("", text)
        text = _ROLE_PREFIX.sub("", text)
        text = text.strip(" :|\u2013\u2014-\u00b7\u2022*_").strip()
    text = text.strip(QUOTES).strip()
    text = re.sub(r"\s*\((pdf|notebook|ipynb|colab)\)\s*$", "", text, flags=re.IGNORECASE)
    if " " in text.strip():  # 'Understanding Backpropagation.pdf': a title, not a file name
        text = re.sub(r"\.(pdf|ipynb|py|md)$", "", text.strip(), flags=re.IGNORECASE)
    return text.strip(" ,;:-\u2013\u2014")


def split_goal(text: str) -> tuple[str, str] | None:
    """'🎯 **Goal:** Understand ...' -> ('goal', 'Understand ...')."""
    match = re.match(r"^(goal|aim|objective|purpose|summary|tl;?dr|result|outcome)s?\s*[:\-]"
                     r"\s*(.+)$", plain(text), re.IGNORECASE)
    return (match.group(1).lower(), match.group(2).strip()) if match else None


# ---------------------------------------------------------------------------------------
# Links -> archive paths


@dataclass(frozen=True)
class Repository:
    """The forge repository the archive is a checkout of: `owner/name` on a host."""

    host: str
    slug: str  # owner/name, compared in any case
    # Where the archive lies in the repository ("" at its top, "courses/dl" deeper): a link
    # says `blob/main/courses/dl/x.ipynb` for the archive's `x.ipynb`.
    folder: str = ""

    def at(self, folder: str) -> Repository:
        return Repository(self.host, self.slug, folder.strip("/"))

    def local_path(self, href: str) -> str | None:
        """The archive path an absolute URL into this repository means, else None (also
        for a file of the repository outside the archive's folder)."""
        path = self.repository_path(href)
        if path is None or not self.folder:
            return path
        inside = self.folder.split("/")
        parts = path.split("/") if path else []
        if parts[:len(inside)] != inside:
            return None
        return "/".join(parts[len(inside):])

    def repository_path(self, href: str) -> str | None:
        """The path in the repository an absolute URL into it names, else None."""
        parts = urlsplit(href)
        host = parts.netloc.lower().removeprefix("www.")
        segments = [unquote(s) for s in parts.path.split("/") if s]
        owner, name = self.slug.lower().split("/", 1)

        def same(first: list[str]) -> bool:
            return len(first) >= 2 and first[0].lower() == owner and \
                first[1].lower().removesuffix(".git") == name

        rest: list[str] | None = None
        if host == self.host and same(segments) and len(segments) >= 4 and \
                segments[2] in ("blob", "raw", "tree"):
            rest = segments[4:]
            if not rest:
                return ""
        elif host == "raw.githubusercontent.com" and same(segments) and len(segments) >= 4:
            rest = segments[3:]
        elif host in ("nbviewer.org", "nbviewer.jupyter.org", "colab.research.google.com") \
                and len(segments) >= 6 and segments[0] == "github" and same(segments[1:]) \
                and segments[3] in ("blob", "raw", "tree"):
            rest = segments[5:]
        return "/".join(rest) if rest else None


_REPO_LINK = re.compile(r"https?://(?:www\.)?(github\.com|gitlab\.com)/([\w.\-]+)/([\w.\-]+)"
                        r"/(?:-/)?(?:blob|raw|tree)/")


_VIEWER_LINK = re.compile(r"https?://(?:nbviewer\.org|nbviewer\.jupyter\.org|"
                          r"colab\.research\.google\.com)/github/([\w.\-]+)/([\w.\-]+)/")
_URL = re.compile(r"https?://[^\s)\]>\"']+")


def repository_from_links(text: str, files: FileIndex | None = None) -> Repository | None:
    """The repository a README's own GitHub, raw, nbviewer and Colab links point into:
    the one whose links lead to files the archive holds most often, else the one linked
    most often."""
    counts: dict[tuple[str, str], int] = {}
    for match in _REPO_LINK.finditer(text):
        key = (match.group(1), f"{match.group(2)}/{match.group(3).removesuffix('.git')}")
        counts[key] = counts.get(key, 0) + 1
    for pattern in (r"https?://raw\.githubusercontent\.com/([\w.\-]+)/([\w.\-]+)/",
                    _VIEWER_LINK.pattern):
        for owner, name in re.findall(pattern, text):
            key = ("github.com", f"{owner}/{name.removesuffix('.git')}")
            counts[key] = counts.get(key, 0) + 1
    if not counts:
        return None

    def found_here(key: tuple[str, str]) -> int:
        if files is None:
            return 0
        repository = Repository(*key)
        paths = (repository.local_path(url) for url in _URL.findall(text))
        return sum(1 for p in paths if p and (p in files or p in files.folders))

    host, slug = max(counts, key=lambda key: (found_here(key), counts[key], key))
    return Repository(host, slug)


def folder_from_links(repository: Repository, texts: list[str], files: FileIndex) -> str:
    """Where the archive lies in its repository when no git checkout says so: the leading
    folders whose removal turns the most of the READMEs' repository links into files the
    archive holds ("" when dropping none does best)."""
    paths = [p for text in texts for url in _URL.findall(text)
             if (p := repository.repository_path(url))]
    votes: dict[str, int] = {}
    for path in paths:
        parts = path.split("/")
        for cut in range(len(parts)):
            rest = "/".join(parts[cut:])
            if rest in files or rest in files.folders:
                prefix = "/".join(parts[:cut])
                votes[prefix] = votes.get(prefix, 0) + 1
    if not votes:
        return ""
    return max(votes, key=lambda prefix: (votes[prefix], prefix == "", -len(prefix)))


def repository_from_url(url: str | None) -> Repository | None:
    if not url:
        return None
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) < 2:
        return None
    return Repository(parts.netloc.lower().removeprefix("www."),
                      f"{segments[0]}/{segments[1].removesuffix('.git')}")


# ---------------------------------------------------------------------------------------
# The reader


@dataclass
class _Context:
    section: SectionDraft | None
    kind: str | None = None  # what the last label announced
    group: EntryDraft | None = None  # an "Experiment N" heading's experiment
    group_level: int = 0
    last_entry: EntryDraft | None = None
    subheading: str = ""  # a sub-heading that may name the entry below it


_DETAILS_OPEN = re.compile(r"^\s*<details\b[^>]*>", re.IGNORECASE)
_DETAILS_CLOSE = re.compile(r"^\s*</details\s*>\s*$", re.IGNORECASE)
_SUMMARY = re.compile(r"<summary\b[^>]*>(.*?)</summary\s*>", re.IGNORECASE)
_ATX_HEADING = re.compile(r"^ {0,3}(#{1,6})(\s|$)")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def unfold_details(text: str) -> str:
    """Folding blocks (`<details><summary>CNNs</summary>` ... `</details>`) are how many
    READMEs group their sections: each summary becomes a heading one level below the
    heading it sits under (deeper when nested), and the tags blank lines, so that every
    line keeps its number and what a block holds is read like any other part."""
    out: list[str] = []
    level, depth, fence = 1, 0, ""
    for line in text.split("\n"):
        marker = _FENCE.match(line)
        if fence or marker:
            if marker and (not fence or (marker.group(1)[0] == fence[0] and
                           len(marker.group(1)) >= len(fence))):
                fence = "" if fence else marker.group(1)
            out.append(line)
            continue
        heading = _ATX_HEADING.match(line)
        if heading and depth == 0:
            level = len(heading.group(1))
        opened = _DETAILS_OPEN.match(line)
        rest = line[opened.end():] if opened else line
        depth += 1 if opened else 0
        summary = _SUMMARY.search(rest)
        words = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", summary.group(1))).split()) \
            if summary and depth else ""
        if words:
            out.append(f"{'#' * min(6, level + depth)} {words}")
        elif _DETAILS_CLOSE.match(line):
            depth = max(0, depth - 1)
            out.append("")
        else:
            out.append("" if opened and not rest.strip() else line)
    return "\n".join(out)


_BOLD_LABEL = re.compile(r"^ {0,3}(\*\*|__)(?P<label>[^*_\n]{2,80})\1(?P<rest>[^\n]{0,40})$")
_LIST_OR_TABLE = re.compile(r"^ {0,3}([-*+]|\d{1,3}[.)]|\|)\s")


def bold_labels_as_headings(text: str) -> str:
    """A README with no headings below its title often names its groups in bold:
    `**Convolutional Networks** ✅` over a list or table. There, and only there (with
    headings, a bold line is a label inside a section), such a line is read as a heading."""
    lines = text.split("\n")
    fence = ""
    spots: list[int] = []
    for number, line in enumerate(lines):
        marker = _FENCE.match(line)
        if fence or marker:
            if marker and (not fence or (marker.group(1)[0] == fence[0] and
                                         len(marker.group(1)) >= len(fence))):
                fence = "" if fence else marker.group(1)
            continue
        heading = _ATX_HEADING.match(line)
        if heading and len(heading.group(1)) > 1:
            return text  # the README has headings: they are its structure
        follows = next((n for n in lines[number + 1:number + 3] if n.strip()), "")
        if _BOLD_LABEL.match(line) and _LIST_OR_TABLE.match(follows) and \
                (number == 0 or not lines[number - 1].strip()):
            spots.append(number)
    if len(spots) < 2:
        return text  # one bold line over a list is a label, not a grouping
    for number in spots:
        match = _BOLD_LABEL.match(lines[number])
        assert match is not None
        lines[number] = f"## {match.group('label').strip()} {match.group('rest').strip()}".rstrip()
    return "\n".join(lines)


class DocumentReader:
    """One README: `read()` walks its blocks once; each is placed or noted."""

    def __init__(self, text: str, source: str, folder: str, files: FileIndex,
                 repository: Repository | None, *, context: SectionDraft | None = None,
                 is_root: bool = False, fallback_title: str = "") -> None:
        self.source = source
        self.folder = folder  # the README's folder, archive-relative ("" at the root)
        self.files = files
        self.repository = repository
        self.lines = text.splitlines()
        self.tree = SyntaxTreeNode(_PARSER.parse(bold_labels_as_headings(unfold_details(text))))
        self.context_section = context
        self.is_root = is_root
        self.fallback_title = fallback_title
        self.reading = Reading(source)
        self.section_headings: dict[int, SectionDraft] = {}  # node line -> section
        self.section_level: int | None = None
        self.title_node: SyntaxTreeNode | None = None
        self.used_nodes: set[int] = set()
        self.by_number: dict[int, SectionDraft] = {}
        self.list_sections: SyntaxTreeNode | None = None  # an outline list of the sections
        self.repaired: set[tuple[int, int]] = set()  # links read as the file they mean

    # Notes -------------------------------------------------------------------------------

    def note(self, line: int, message: str, *, column: int = 1, severity: str = "note",
             hint: str = "") -> None:
        self.reading.notes.append(Note(self.source, line, column, severity, message, hint))

    def left_out(self, node: SyntaxTreeNode, what: str = "") -> None:
        start, end = node.map or (0, 1)
        first = next((ln.strip() for ln in self.lines[start:end] if ln.strip()), "")
        excerpt = first if len(first) <= 60 else first[:57] + "..."
        lines = sum(1 for ln in self.lines[start:end] if ln.strip())
        more = f" (+{lines - 1} more line{'s' * (lines != 2)})" if lines > 1 else ""
        self.note(start + 1, f"not imported{what}: {excerpt}{more}")

    def position_of(self, line: int, href: str) -> tuple[int, int]:
        """Where `href` is written, from the first line of its block (a paragraph may
        span several lines)."""
        # The parser hands links over normalised (`a\\b` as `a%5Cb`): the form as written
        # is looked for too.
        forms = [f for f in dict.fromkeys((href, unquote(href))) if f]
        for number in range(max(line, 1), min(line + 20, len(self.lines) + 1)):
            for form in forms:
                at = self.lines[number - 1].find(form)
                if at >= 0:
                    return number, at + 1
        return line, 1

    # Links -------------------------------------------------------------------------------

    def target(self, text: str, href: str, line: int) -> Target:
        found = Target(text, href, *self.position_of(line, href), source=self.source)
        href = href.strip().strip("<>")
        if not href or href.startswith("#"):
            return found
        parts = urlsplit(href)
        relative: str | None
        if parts.scheme in ("http", "https"):
            relative = self.repository.local_path(href) if self.repository else None
            if relative is None:
                return found
        elif parts.scheme or href.startswith("//"):
            return found
        else:
            path = unquote(parts.path)
            relative = path.lstrip("/") if path.startswith("/") else posix_join(self.folder, path)
            if relative is None:  # leaves the archive
                return found
        written_as_folder = relative.endswith("/")
        relative = relative.rstrip("/")
        found.path = relative
        if relative == "" or relative in self.files.folders:
            found.is_dir = True
            found.exists = True
        else:
            found.exists = relative in self.files
            found.is_dir = written_as_folder
            if not found.exists and found.role == "readme":
                # Structure only: a README linked in another case is still the one meant.
                same = self.files.lowered.get(relative.lower())
                if same is not None:
                    found.path, found.exists = same, True
            elif not found.exists and not parts.scheme:
                self.written_elsewhere(found, href)
        return found

    def written_elsewhere(self, found: Target, href: str) -> None:
        """A link that works only where its author wrote it: a Windows path
        (`Day2\\x.ipynb`) or another case (`day1/Linear.ipynb` for `Day1/linear.ipynb`) on a
        system that ignores case. GitHub and Linux serve neither, but the file meant is
        plain when exactly one matches: the entry gets it and the README's line is named."""
        written = unquote(urlsplit(href).path)
        path = written.replace("\\", "/")
        relative = path.lstrip("/") if path.startswith("/") else posix_join(self.folder, path)
        if relative is None:
            return
        relative = relative.rstrip("/")
        # The extension as written: a '.PDF' file is not one the site takes, whatever a
        # link calls it (it stays planned, with a did-you-mean).
        suffix = PurePosixPath(relative).suffix
        matches = [relative] if relative in self.files else \
            [m for m in self.files.same_but_case(relative) if PurePosixPath(m).suffix == suffix]
        if len(matches) != 1:
            return
        found.path, found.exists = matches[0], True
        if (found.line, found.column) in self.repaired:
            return  # a link is read more than once (a table's rows are looked at twice)
        self.repaired.add((found.line, found.column))
        why = "is a Windows path" if "\\" in written else "is written in another case"
        self.note(found.line, f"'{found.shown}' {why}: it works on the "
                  f"author's computer only; imported as '{matches[0]}'", column=found.column,
                  severity="warning", hint=f"link '{quote(matches[0], safe='/')}' in the "
                  "README so that it works on GitHub too")

    def targets(self, inline: Inline, line: int) -> list[Target]:
        return [self.target(text, href, line) for text, href in inline.links]

    # Reading -----------------------------------------------------------------------------

    def read(self) -> Reading:
        nodes = list(self.tree.children)
        self.read_title(nodes)
        self.find_sections(nodes)
        self.walk(nodes)
        return self.reading

    def read_title(self, nodes: list[SyntaxTreeNode]) -> None:
        for position, node in enumerate(nodes):
            title = ""
            if node.type == "heading" and node.tag == "h1":
                title = clean_heading(read_inline(first_inline(node)).text)
            elif node.type == "html_block":
                match = re.search(r"<h1[^>]*>(.*?)</h1>", node.content, re.IGNORECASE | re.S)
                title = plain(match.group(1)) if match else ""
                after = plain(node.content[match.end():]) if match else ""
                if title and after:  # <h1>Title</h1><p>Tagline</p> in one HTML block
                    self.title_node = node
                    self.reading.title, self.reading.tagline = title, after
                    self.used_nodes.add(id(node))
                    return
            elif node.type == "heading":
                break
            if not title:
                continue
            self.title_node = node
            self.reading.title = title
            self.used_nodes.add(id(node))
            for following in nodes[position + 1:position + 5]:
                if following.type == "heading":
                    break
                text = ""
                if following.type == "paragraph":
                    inline = read_inline(first_inline(following))
                    if inline.images and (not inline_words(inline) or re.fullmatch(
                            r"[^.!?:]{1,30}:", inline.text.strip())):
                        continue  # badges, or 'Progress: ![](...)': a label, not a tagline
                    text = plain(inline.text)
                elif following.type == "html_block" and re.match(
                        r"\s*<p\b", following.content, re.IGNORECASE) and \
                        "href" not in following.content.lower():
                    text = plain(following.content)  # <p align="center">A tagline</p>
                if text:
                    self.reading.tagline = text
                    self.used_nodes.add(id(following))
                    break
            return

    # Where the sections are ----------------------------------------------------------------

    def headings(self) -> Iterator[tuple[SyntaxTreeNode, int, str]]:
        for node in self.tree.children:
            if node.type == "heading" and node is not self.title_node:
                yield node, int(node.tag[1]), read_inline(first_inline(node)).text

    def find_sections(self, nodes: list[SyntaxTreeNode]) -> None:
        if self.context_section is not None:
            return  # a linked README: everything it holds belongs to the linking section
        counts: dict[int, int] = {}
        for _node, level, text in self.headings():
            if numbered(text) and not _EXPERIMENT_HEADING.match(plain(text)):
                counts[level] = counts.get(level, 0) + 1
        if counts:
            self.section_level = max(counts, key=lambda lv: (counts[lv], -lv))
            for node, level, text in self.headings():
                found = numbered(text)
                if level == self.section_level and found and \
                        not _EXPERIMENT_HEADING.match(plain(text)):
                    number, title = found
                    self.add_section_heading(node, clean_heading(title), number, text)
        table = self.contents_table(nodes)
        if table is not None:
            self.read_contents_table(table)
        if self.section_level is None and not self.reading.sections and \
                not self.sections_from_nested_list(nodes):
            self.sections_from_linking_headings()

    def add_section_heading(self, node: SyntaxTreeNode, title: str, number: int | None,
                            raw: str) -> None:
        line = (node.map or (0, 0))[0] + 1
        section = SectionDraft(title, self.source, line, number,
                               status=status_in_title(raw))
        self.section_headings[line] = section
        self.reading.sections.append(section)
        if number is not None:
            self.by_number.setdefault(number, section)

    def sections_from_linking_headings(self) -> None:
        """No numbers anywhere: headings whose part of the README links files are the
        sections, at the level most of them share."""
        children = list(self.tree.children)
        if any(_EXPERIMENT_HEADING.match(plain(text)) for _n, _l, text in self.headings()):
            return  # a log of experiments: its headings are the experiments, not sections
        by_level: dict[int, list[SyntaxTreeNode]] = {}
        for position, node in enumerate(children):
            if node.type != "heading" or node is self.title_node:
                continue
            level = int(node.tag[1])
            end = next((i for i in range(position + 1, len(children))
                        if children[i].type == "heading" and int(children[i].tag[1]) <= level),
                       len(children))
            if _EXPERIMENT_HEADING.match(plain(read_inline(first_inline(node)).text)):
                continue
            if any(self.links_entries(n) for n in children[position + 1:end]):
                by_level.setdefault(level, []).append(node)
        if not by_level:
            return
        level = max(by_level, key=lambda lv: (len(by_level[lv]), -lv))
        self.section_level = level
        for node in by_level[level]:
            text = read_inline(first_inline(node)).text
            self.add_section_heading(node, clean_heading(text), None, text)

    def links_entries(self, node: SyntaxTreeNode) -> bool:
        for inline in all_inlines(node):
            for target in self.targets(read_inline(inline), 1):
                if target.role is not None:
                    return True
        return False

    def contents_table(self, nodes: list[SyntaxTreeNode]) -> SyntaxTreeNode | None:
        """The table that lists the sections: a title column, no links to files, and before
        the first section (or in a README without section headings)."""
        first_section = min(self.section_headings, default=10**9)
        for node in nodes:
            if node.type != "table" or (node.map or (0, 0))[0] + 1 > first_section:
                continue
            header, rows = table_cells(node)
            roles = column_roles(header, rows)
            if "title" not in roles.values() or not rows:
                continue
            if any(self.target(t, h, 1).role not in (None, "readme")
                   for row in rows for cell in row for t, h in cell.links):
                continue
            if all(self.target(t, h, 1).external for row in rows for cell in row
                   for t, h in cell.links) and any(cell.links for row in rows for cell in row):
                continue  # a table of outside links: resources
            return node
        return None

    def read_contents_table(self, node: SyntaxTreeNode) -> None:
        self.used_nodes.add(id(node))
        children = list(self.tree.children)
        position = children.index(node)
        if position and children[position - 1].type == "heading" and \
                children[position - 1] is not self.title_node:
            self.used_nodes.add(id(children[position - 1]))  # "## Table of Contents"
        header, rows = table_cells(node)
        roles = column_roles(header, rows)
        row_nodes = table_rows(node)
        for position, (row, row_node) in enumerate(zip(rows, row_nodes, strict=False)):
            line = (row_node.map or (0, 0))[0] + 1
            cells = {roles.get(i, f"column:{header[i].text if i < len(header) else i}"): c
                     for i, c in enumerate(row)}
            title_cell = cells.get("title")
            title = clean_heading(title_cell.text) if title_cell else ""
            if not title:
                self.note(line, f"not imported: a row of the contents table without a title: "
                          f"{self.lines[line - 1].strip()[:60]}")
                continue
            number_text = re.sub(r"\D", "", _unkeycap(cells["number"].text)) \
                if "number" in cells else ""
            number = int(number_text) if number_text else position + 1
            section = self.match_section(number if number_text or not self.by_number else None,
                                         title)
            if section is None:
                section = SectionDraft(title, self.source, line, number)
                self.reading.sections.append(section)
                self.by_number.setdefault(number, section)
                if self.section_level is not None:
                    self.note(line, f"section {number} '{title}' has no heading of its own; "
                              "imported from the contents table", severity="warning")
            self.fill_from_row(section, cells, header, roles)
            if title_cell:
                for text, href in title_cell.links:
                    found = self.target(text, href, line)
                    if found.role == "readme" and found.exists:
                        self.reading.sub_readmes.append((found, section))
                    elif found.role == "readme":
                        self.missing(found)

    def match_section(self, number: int | None, title: str) -> SectionDraft | None:
        if number is not None and number in self.by_number:
            return self.by_number[number]
        key = title_key(title)
        for section in self.reading.sections:
            other = title_key(section.title)
            if key and other and (key == other or key in other or other in key):
                return section
        return None

    def fill_from_row(self, section: SectionDraft, cells: dict[str, Cell],
                      header: list[Cell], roles: dict[int, str]) -> None:
        if "status" in cells:
            section.status = status_from_text(cells["status"].text) or section.status
            if section.status is None and plain(cells["status"].text):
                self.note(section.line, f"status '{plain(cells['status'].text)}' of section "
                          f"'{section.title}' is not one the catalogue knows; imported as "
                          "planned", severity="warning")
        for role, cell in cells.items():
            text = plain(cell.text)
            if not text or text in ("\u2014", "-", "\u2013", "n/a"):
                continue
            if role == "focus" or (role == "description" and "focus" not in cells
                                   and not section.focus):
                section.focus = section.focus or text
            elif role == "description":
                section.description.append(text)
            elif role == "planned":
                section.planned += split_topics(cell.text)
            elif role.startswith("column:"):
                section.description.append(f"**{plain(role[7:])}:** {text}")

    def sections_from_nested_list(self, nodes: list[SyntaxTreeNode]) -> bool:
        """A README whose outline is a list: the top-level items are the sections."""
        for node in nodes:
            if node.type not in ("bullet_list", "ordered_list"):
                continue
            items = [c for c in node.children if c.type == "list_item"]
            nested = [i for i in items if any(c.type.endswith("_list") for c in i.children)
                      or any(self.target(t, h, 1).role == "readme"
                             for t, h in read_inline(first_inline(i)).links)]
            if len(nested) < 2 or len(nested) < len(items) / 2:
                continue
            self.used_nodes.add(id(node))
            self.list_sections = node
            return True
        return False

    # The walk ------------------------------------------------------------------------------

    def default_section(self) -> SectionDraft | None:
        if self.context_section is not None:
            return self.context_section
        if self.is_root or not (self.reading.title or self.fallback_title):
            return None  # the root README's files go to sections by folder
        section = SectionDraft(self.reading.title or self.fallback_title, self.source, 1)
        self.reading.sections.append(section)
        return section

    def walk(self, nodes: list[SyntaxTreeNode]) -> None:
        structured = bool(self.reading.sections) or self.context_section is not None
        context = _Context(None)
        if not structured:
            context.section = self.default_section()
        elif self.context_section is not None:
            context.section = self.context_section
        for node in nodes:
            if node is self.title_node:
                continue
            if node.type == "heading" and id(node) in self.used_nodes:
                context.section, context.kind, context.group = None, None, None
            elif node.type == "heading" and node is not self.title_node:
                self.heading(node, context)
            elif id(node) in self.used_nodes:
                if node is self.list_sections:
                    self.read_list_sections(node)
                continue
            else:
                self.block(node, context)

    def heading(self, node: SyntaxTreeNode, context: _Context) -> None:
        line = (node.map or (0, 0))[0] + 1
        level = int(node.tag[1])
        text = read_inline(first_inline(node)).text
        if line in self.section_headings:
            context.section = self.section_headings[line]
            context.kind, context.group, context.last_entry = None, None, None
            return
        if context.group is not None and level > context.group_level:
            context.group.description.append(f"**{plain(text)}**")
            return
        context.group = None
        if self.section_level is not None and level <= self.section_level and \
                self.context_section is None:
            context.section, context.kind, context.last_entry = None, None, None
            kind = label_kind(text)
            if kind == "resources":
                context.kind = kind
                return
            self.left_out(node)
            return
        experiment = _EXPERIMENT_HEADING.match(plain(text))
        if experiment or self.heading_links_code(node):
            title = clean_title(experiment.group("rest") if experiment else text) or \
                plain(text)
            entry = EntryDraft("experiment", title, context.section, self.source, line,
                               status=status_in_title(text))
            for found in self.targets(read_inline(first_inline(node)), line):
                self.attach(entry, found)
            self.reading.entries.append(entry)
            context.group, context.group_level, context.last_entry = entry, level, entry
            context.kind = "experiments"
            return
        kind = label_kind(text)
        if kind is not None:
            context.kind = kind
            return
        if context.section is not None:
            context.section.description.append(f"**{plain(text)}**")
            context.kind = None
            context.subheading = clean_title(text)
            return
        self.left_out(node)

    def heading_links_code(self, node: SyntaxTreeNode) -> bool:
        return any(t.role in ("notebook", "script")
                   for t in self.targets(read_inline(first_inline(node)), 1))

    def block(self, node: SyntaxTreeNode, context: _Context) -> None:
        kind = node.type
        line = (node.map or (0, 0))[0] + 1
        if kind in ("hr",):
            return
        if kind == "html_block":
            self.html_block(node, context)
        elif kind == "paragraph":
            self.piece(read_inline(first_inline(node)), line, context, node, bullet=False)
        elif kind in ("bullet_list", "ordered_list"):
            if context.section is None and context.group is None and \
                    context.kind != "resources" and not self.links_entries(node):
                self.left_out(node)  # one note for a list of prose outside any section
            else:
                self.list_block(node, context)
        elif kind == "blockquote":
            text = " ".join(plain(read_inline(i).text) for i in all_inlines(node)).strip()
            if context.last_entry is not None and text and not context.last_entry.summary:
                context.last_entry.summary = text
            elif context.section is not None and text:
                (context.group.description if context.group else
                 context.section.description).append(f"> {text}")
            elif text:
                self.left_out(node)
        elif kind == "table":
            self.table(node, context)
        else:  # code blocks, front matter, anything else a README may hold
            self.left_out(node, " (a code block)" if kind in ("fence", "code_block") else "")

    def html_block(self, node: SyntaxTreeNode, context: _Context) -> None:
        content = node.content
        if re.search(r"<table\b", content, re.IGNORECASE):
            header, rows, offsets = html_table(content)
            if rows:
                start = (node.map or (0, 0))[0] + 1
                self.read_table(node, header, rows, [start + o for o in offsets], context)
                return
        text = plain(re.sub(r"<!--.*?-->", " ", content, flags=re.S))
        attrs = _HTML_ATTR.findall(content)
        images = [(dict(attrs).get("alt", ""), v) for k, v in attrs if k.lower() == "src"]
        for alt, src in images:
            status = status_from_badge(alt, src)
            if status is not None and context.section is not None:
                context.section.status = status
        hrefs = [v for k, v in attrs if k.lower() == "href"]
        if hrefs:
            inline = Inline(text, [("", h) for h in hrefs], [], content)
            self.piece(inline, (node.map or (0, 0))[0] + 1, context, node, bullet=False)
            return
        if not text:
            if images and not any(status_from_badge(a, s) for a, s in images):
                self.left_out(node, " (images)")
            return  # layout only: <small>, <div align=...>, <br>
        if context.section is not None:
            context.section.description.append(text)
        else:
            self.left_out(node)

    def list_block(self, node: SyntaxTreeNode, context: _Context) -> None:
        for item in node.children:
            line = (item.map or (0, 0))[0] + 1
            paragraphs = [c for c in item.children if c.type == "paragraph"]
            if paragraphs:
                inline = read_inline(first_inline(paragraphs[0]))
                self.piece(inline, line, context, item, bullet=True)
                for extra in paragraphs[1:]:
                    self.piece(read_inline(first_inline(extra)),
                               (extra.map or (0, 0))[0] + 1, context, extra, bullet=False)
            for child in item.children:
                if child.type.endswith("_list"):
                    self.list_block(child, context)
                elif child.type not in ("paragraph",):
                    self.block(child, context)

    def read_list_sections(self, node: SyntaxTreeNode) -> None:
        for position, item in enumerate(c for c in node.children if c.type == "list_item"):
            line = (item.map or (0, 0))[0] + 1
            inline = read_inline(first_inline(item))
            found = numbered(inline.text)
            title = clean_heading(found[1] if found else inline.text)
            folder_links = [t for t in self.targets(inline, line) if t.role == "readme"]
            focus = ""
            if folder_links and clean_heading(folder_links[0].text):
                # '- [Titanic](titanic/) — my first competition': the link names it.
                title = clean_heading(folder_links[0].text)
                focus = plain(strip_links(inline.text, folder_links[:1]))
            section = SectionDraft(title or f"Part {position + 1}", self.source, line,
                                   found[0] if found else None,
                                   status=status_in_title(inline.text), focus=focus)
            checkbox = _CHECKBOX.match(inline.text)
            if checkbox:
                section.status = Status.PLANNED if checkbox.group(1) == " " \
                    else Status.COMPLETED
                section.title = clean_heading(_CHECKBOX.sub("", inline.text))
            self.reading.sections.append(section)
            for found_link in folder_links:
                if found_link.exists:
                    self.reading.sub_readmes.append((found_link, section))
                else:
                    self.missing(found_link)
            context = _Context(section)
            for child in item.children:
                if child.type.endswith("_list"):
                    self.list_block(child, context)
                elif child.type != "paragraph":
                    self.block(child, context)
            for extra in [c for c in item.children if c.type == "paragraph"][1:]:
                self.piece(read_inline(first_inline(extra)), (extra.map or (0, 0))[0] + 1,
                           context, extra, bullet=False)

    # One paragraph, list item or table row -------------------------------------------------

    def piece(self, inline: Inline, line: int, context: _Context, node: SyntaxTreeNode,
              *, bullet: bool) -> None:
        text = inline.text
        checkbox = _CHECKBOX.match(text)
        checked: Status | None = None
        if checkbox:
            checked = Status.PLANNED if checkbox.group(1) == " " else Status.COMPLETED
            text = _CHECKBOX.sub("", text)
        badge_placed = False
        for alt, src in inline.images:
            status = status_from_badge(alt, src)
            if status is not None:
                if context.last_entry is not None and context.group is context.last_entry:
                    context.last_entry.status = status
                    badge_placed = True
                elif context.section is not None:
                    context.section.status = status
                    badge_placed = True
        targets = self.targets(inline, line)
        words = inline_words(Inline(text, inline.links, inline.images, inline.markdown))
        if not words and not targets:
            if inline.images and not badge_placed:
                self.left_out(node, " (images)")
            return  # an empty bullet or spacing
        if is_placeholder(text, *(t.text for t in targets), *(t.href for t in targets)) and \
                (targets or bullet):
            self.note(line, f"template placeholder, not imported: {self.excerpt(line)}")
            return
        label = label_kind(text) if not targets and len(plain(text)) < 40 and (
            plain(text).endswith(":") or text.rstrip().endswith(":") or
            inline.markdown.strip().startswith(("**", "__")) or not bullet) else None
        if label is not None and not (context.group is not None and label == "articles"):
            context.kind, context.group, context.last_entry = label, None, None
            return
        entry_targets = [t for t in targets if t.role not in (None, "readme")]
        readmes = [t for t in targets if t.role == "readme"]
        for found in readmes:
            if found.exists:
                self.reading.sub_readmes.append((found, context.section))
            else:
                self.missing(found)
        if context.group is not None:
            self.into_group(context.group, text, entry_targets, line)
            return
        if entry_targets:
            self.entries_from_piece(text, entry_targets, line, context, checked)
            return
        if readmes:
            return
        self.words_piece(text, inline, line, context, node, bullet, checked)

    def excerpt(self, line: int) -> str:
        text = self.lines[line - 1].strip() if 0 < line <= len(self.lines) else ""
        return text if len(text) <= 70 else text[:67] + "..."

    def into_group(self, group: EntryDraft, text: str, targets: list[Target],
                   line: int) -> None:
        for found in targets:
            self.attach(group, found)
        rest = plain(strip_links(text, targets))
        goal = split_goal(rest)
        if goal is not None and not group.summary:
            group.summary = goal[1]
        elif rest and not targets:
            group.description.append(rest)

    def attach(self, experiment: EntryDraft, found: Target) -> None:
        """A file linked inside an experiment's block: its notebook, else a related note."""
        if found.role in ("notebook", "script") and experiment.target is None:
            experiment.target = found
            if not found.exists:
                self.missing(found)
            return
        if found.role in ("notebook", "script"):
            extra = EntryDraft("experiment", self.file_title(found, experiment.title),
                               experiment.section, self.source, found.line, found,
                               titled_by_readme=not generic_link_text(found.text, found))
            self.reading.entries.append(extra)
            if not found.exists:
                self.missing(found)
            return
        if found.role in ("pdf", "note"):
            article = EntryDraft(
                "article", self.file_title(found, f"{experiment.title} (notes)"),
                experiment.section, self.source, found.line, found,
                titled_by_readme=not generic_link_text(found.text, found))
            experiment.related.append(article)
            self.reading.entries.append(article)
            if not found.exists:
                self.missing(found)

    def file_title(self, found: Target, fallback: str) -> str:
        """The link text when it names the work; '' to let the file name it later, or, for
        a link to nothing, the fallback or the file name made readable."""
        if not generic_link_text(found.text, found):
            return clean_title(found.text)
        if found.exists:
            return ""
        from .naming import readable_filename

        return fallback or readable_filename(found.path or found.href)

    def entries_from_piece(self, text: str, targets: list[Target], line: int,
                           context: _Context, checked: Status | None) -> None:
        code = [t for t in targets if t.role in ("notebook", "script")]
        documents = [t for t in targets if t.role in ("pdf", "note")]
        rest = strip_links(text, targets)
        quoted = quoted_title(rest)
        words = quoted or clean_title(re.sub(r"[\u201c\u201d\"]", "", rest))
        if not quoted and only_labels(words):
            words = ""  # 'Notes: [x](x.pdf), code: [y](y.py)': labels, not a title
        stated = only_status(words) if words and not quoted else None
        if stated is not None:
            # '[GRU](gru.ipynb) - WIP': the words after the link are its status, not a title.
            checked, words = checked or stated, ""
        sentence = ""
        if not quoted and looks_like_sentence(words):
            sentence, words = words, ""  # 'Today I cleaned a dataset. Code: `x.ipynb`'
            sentence = re.sub(r"[\s.]*\b(code|notebook|notes?|pdf)\s*$", ".", sentence,
                              flags=re.IGNORECASE).rstrip(" :")
        # A sub-heading names the entry below it when nothing on the line does.
        heading_title, context.subheading = context.subheading, ""
        summary = ""
        if code:
            main = code[0]
            if len(code) == 1:
                title = ""
                if not generic_link_text(main.text, main) or \
                        (words and written_as_title(main, text)):
                    title = clean_title(main.text)
                    summary = words
                else:
                    title = words or heading_title or \
                        (clean_title(main.text) if hand_cased(main) else "")
            else:
                title = ""
            summary = summary or sentence
            goal = split_goal(summary) if summary else None
            entry = EntryDraft("experiment", title or self.file_title(main, words),
                               context.section, self.source, line, main,
                               summary=goal[1] if goal else summary, status=checked,
                               titled_by_readme=bool(title) or not main.exists)
            self.reading.entries.append(entry)
            if not main.exists:
                self.missing(main)
            for extra in code[1:]:
                self.attach(entry, extra)
            for document in documents:
                self.attach(entry, document)
            context.last_entry = entry
            return
        for position, document in enumerate(documents):
            title = ""
            if not generic_link_text(document.text, document):
                title = clean_title(document.text)
                summary = words if position == 0 and words != title else ""
            elif position == 0:
                title = words or heading_title
            entry = EntryDraft("article", title or self.file_title(document, ""),
                               context.section, self.source, line, document, summary=summary,
                               status=checked, titled_by_readme=bool(title))
            self.reading.entries.append(entry)
            if not document.exists:
                self.missing(document)
            context.last_entry = entry

    def words_piece(self, text: str, inline: Inline, line: int, context: _Context,
                    node: SyntaxTreeNode, bullet: bool, checked: Status | None) -> None:
        words = plain(text)
        section = context.section
        external = [t for t in self.targets(inline, line) if t.external]
        if context.kind == "resources" and external:
            for found in external:
                title = clean_title(found.text) or found.href
                rest = plain(strip_links(text, [found]))
                self.reading.resources.append(ResourceDraft(
                    section.title if section else "Further reading", title, found.href,
                    guess_resource_kind(found.href, rest), rest if rest != title else ""))
            return
        if section is None:
            self.left_out(node)
            return
        if bullet and context.kind in ("experiments", "articles") and words:
            # "experiments" -> an experiment, "articles" -> an article
            entry = EntryDraft(context.kind.removesuffix("s"), clean_title(words), section,
                               self.source, line, status=checked)
            self.reading.entries.append(entry)
            context.last_entry = entry
            return
        if bullet and context.kind == "planned" and words:
            section.planned.append(clean_title(words) or words)
            return
        announced = re.match(r"^(planned|upcoming|to ?do|next|coming soon|future)( topics)?\s*:"
                             r"\s*(.+)$", words, re.IGNORECASE)
        if announced:
            section.planned += split_topics(announced.group(3))
            return
        if bullet and checked is not None and words:
            if checked is Status.PLANNED:
                section.planned.append(clean_title(words))
            else:
                section.description.append(f"- {words} (done)")
            return
        described = markdown_without_local_links(inline, self.targets(inline, line))
        section.description.append(f"- {described}" if bullet else described)

    def missing(self, found: Target) -> None:
        similar = self.files.similar(found.path or "")
        hint = f"did you mean '{similar[0]}'?" if similar else ""
        self.note(found.line, f"'{found.shown}' does not exist; imported as planned",
                  column=found.column, severity="warning", hint=hint)

    # Tables --------------------------------------------------------------------------------

    def table(self, node: SyntaxTreeNode, context: _Context) -> None:
        header, rows = table_cells(node)
        lines = [(r.map or (0, 0))[0] + 1 for r in table_rows(node)]
        self.read_table(node, header, rows, lines, context)

    def read_table(self, node: SyntaxTreeNode, header: list[Cell], rows: list[list[Cell]],
                   row_lines: list[int], context: _Context) -> None:
        roles = column_roles(header, rows)
        with_files = [any(self.target(t, h, 1).role not in (None, "readme")
                          for cell in row for t, h in cell.links) for row in rows]
        external_only = all(self.target(t, h, 1).external for row in rows for cell in row
                            for t, h in cell.links) and any(c.links for r in rows for c in r)
        if any(with_files):
            self.log_table(header, roles, rows, row_lines, context)
        elif external_only:
            self.resource_table(header, rows, row_lines, context)
        elif context.section is not None:
            for row in rows:
                context.section.description.append(" · ".join(
                    f"{plain(header[i].text)}: {plain(c.text)}" if i < len(header) and
                    plain(header[i].text) else plain(c.text)
                    for i, c in enumerate(row) if plain(c.text)))
        else:
            self.left_out(node, " (a table)")

    def log_table(self, header: list[Cell], roles: dict[int, str], rows: list[list[Cell]],
                  row_lines: list[int], context: _Context) -> None:
        group_column = next((i for i, r in roles.items() if r == "group"), None)
        groups: dict[str, SectionDraft] = {}
        for row, line in zip(rows, row_lines, strict=False):
            section = context.section
            if group_column is not None and group_column < len(row) and section is None:
                name = clean_heading(row[group_column].text)
                if name:
                    section = groups.get(title_key(name))
                    if section is None:
                        section = SectionDraft(name, self.source, line)
                        groups[title_key(name)] = section
                        self.reading.sections.append(section)
            targets = [self.target(t, h, line) for cell in row for t, h in cell.links]
            files = [t for t in targets if t.role not in (None, "readme")]
            title_text = next((plain(row[i].text) for i, r in roles.items()
                               if r == "title" and i < len(row)), "")
            goal = " · ".join(plain(row[i].text) for i, r in roles.items()
                              if r in ("focus", "description") and i < len(row)
                              and plain(row[i].text) not in ("", "\u2014", "-"))
            status = next((status_from_text(row[i].text) for i, r in roles.items()
                           if r == "status" and i < len(row)), None)
            status = status or status_in_title(title_text)
            # Every other column with words in it (date, presenter, ...) is kept, and one
            # whose links all lead off the archive (a paper, a video) keeps them as links.
            others = [f"**{plain(header[i].text)}:** {words}"
                      for i, cell in enumerate(row)
                      if roles.get(i) not in ("title", "status", "focus", "description",
                                              "number", "links")
                      and i < len(header) and plain(header[i].text)
                      and (words := self.cell_words(cell, line))]
            title = clean_title(re.sub(r"\((upcoming|planned|todo|wip|done)\)", "",
                                       title_text, flags=re.IGNORECASE))
            if is_placeholder(title_text, *(t.href for t in files), *(t.text for t in files)):
                self.note(line, f"template placeholder, not imported: {self.excerpt(line)}")
                continue
            sub = _Context(section)
            if not files:
                if not title:
                    self.note(line, f"not imported: {self.excerpt(line)}")
                    continue
                entry = EntryDraft("experiment", title, section, self.source, line,
                                   summary=goal, status=status or Status.PLANNED,
                                   description=others)
                self.reading.entries.append(entry)
                continue
            code = [t for t in files if t.role in ("notebook", "script")]
            if code:
                entry = EntryDraft("experiment", title or self.file_title(code[0], ""),
                                   section, self.source, line, code[0], summary=goal,
                                   status=status, titled_by_readme=bool(title),
                                   description=others)
                self.reading.entries.append(entry)
                if not code[0].exists:
                    self.missing(code[0])
                for extra in files:
                    if extra is not code[0]:
                        self.attach(entry, extra)
            else:
                self.entries_from_piece(title, files, line, sub, status)
                if title and sub.last_entry is not None and not sub.last_entry.titled_by_readme:
                    sub.last_entry.title = title
                    sub.last_entry.titled_by_readme = True
                if goal and sub.last_entry is not None:
                    sub.last_entry.summary = goal
                if sub.last_entry is not None and others and not sub.last_entry.summary:
                    sub.last_entry.summary = " · ".join(o.replace("**", "") for o in others)

    def cell_words(self, cell: Cell, line: int) -> str:
        """A table cell kept as a description line: its words, or its links when every one
        leads off the archive ('[Rosenblatt 1958](https://...)'); '' for an empty cell or
        one linking the archive's own files (those are placed as files)."""
        if not cell.links:
            words = plain(cell.text)
            return "" if words in ("", "\u2014", "-", "\u2013") else words
        targets = [self.target(t, h, line) for t, h in cell.links]
        if not all(t.external for t in targets):
            return ""
        return ", ".join(f"[{clean_title(t.text) or t.href}]({_markdown_url(t.href)})"
                         for t in targets)

    def resource_table(self, header: list[Cell], rows: list[list[Cell]],
                       row_lines: list[int], context: _Context) -> None:
        names = [plain(c.text).lower() for c in header]

        def column(*words: str) -> int | None:
            return next((i for i, n in enumerate(names) if any(w in n for w in words)), None)

        topic_at = column("topic", "category", "area", "subject", "section")
        kind_at = column("type", "kind", "format", "medium")
        note_at = column("note", "description", "why", "comment", "summary")
        default_topic = context.section.title if context.section else "Further reading"
        for row, line in zip(rows, row_lines, strict=False):
            link = next(((t, h) for cell in row for t, h in cell.links), None)
            if link is None:
                self.note(line, f"not imported: {self.excerpt(line)}")
                continue

            def cell(at: int | None, current: list[Cell] = row) -> str:
                return plain(current[at].text) if at is not None and at < len(current) else ""

            title = clean_title(link[0]) or link[1]
            self.reading.resources.append(ResourceDraft(
                cell(topic_at) or default_topic, title, link[1],
                guess_resource_kind(link[1], cell(kind_at)), cell(note_at)))


# ---------------------------------------------------------------------------------------
# Helpers


@dataclass
class Cell:
    text: str
    links: list[tuple[str, str]]


_HTML_ROW = re.compile(r"<tr\b[^>]*>(.*?)</tr>", re.IGNORECASE | re.DOTALL)
_HTML_CELL = re.compile(r"<t([hd])\b[^>]*>(.*?)</t[hd]>", re.IGNORECASE | re.DOTALL)
_HTML_ANCHOR = re.compile(r"<a\b[^>]*href\s*=\s*[\"']([^\"']*)[\"'][^>]*>(.*?)</a>",
                          re.IGNORECASE | re.DOTALL)


def html_table(content: str) -> tuple[list[Cell], list[list[Cell]], list[int]]:
    """An HTML <table> as header cells, rows of cells and each row's line offset."""
    header: list[Cell] = []
    rows: list[list[Cell]] = []
    offsets: list[int] = []
    for match in _HTML_ROW.finditer(content):
        cells = []
        kinds = []
        for kind, inner in _HTML_CELL.findall(match.group(1)):
            links = [(plain(text), href) for href, text in _HTML_ANCHOR.findall(inner)]
            # Emoji stay, as in a Markdown table's cells: a status may be only a '🚧'.
            text = html.unescape(re.sub(r"<[^>]+>", " ", inner))
            cells.append(Cell(" ".join(text.split()), links))
            kinds.append(kind.lower())
        if not cells:
            continue
        if not header and not rows and all(k == "h" for k in kinds):
            header = cells
            continue
        rows.append(cells)
        offsets.append(content.count("\n", 0, match.start()))
    return header, rows, offsets


def table_rows(node: SyntaxTreeNode) -> list[SyntaxTreeNode]:
    body = next((c for c in node.children if c.type == "tbody"), None)
    return [r for r in body.children if r.type == "tr"] if body else []


def table_cells(node: SyntaxTreeNode) -> tuple[list[Cell], list[list[Cell]]]:
    head = next((c for c in node.children if c.type == "thead"), None)
    header: list[Cell] = []
    if head is not None and head.children:
        for th in head.children[0].children:
            inline = read_inline(first_inline(th))
            header.append(Cell(inline.text, inline.links))
    rows = []
    for tr in table_rows(node):
        row = []
        for td in tr.children:
            inline = read_inline(first_inline(td))
            row.append(Cell(inline.text, inline.links))
        rows.append(row)
    return header, rows


_COLUMN_ROLES: list[tuple[str, re.Pattern[str]]] = [
    ("number", re.compile(r"^(no\.?|#|nr\.?|num(ber)?|s\.? ?no\.?|sl\.? ?no\.?|sr\.? ?no\.?|"
                          r"id|index|sequence|order)$")),
    ("status", re.compile(r"\b(status|progress|state|done)\b")),
    ("date", re.compile(r"^(date|when|added|updated|started|finished|day of)$")),
    ("title", re.compile(r"\b(section|module|chapter|part|unit|lesson|title|name|experiment|"
                         r"project|course|week|day|lecture|session|phase|stage|step|paper|"
                         r"topic|subject|task|problem|model|algorithm|concept)s?\b")),
    ("planned", re.compile(r"\b(planned|upcoming|next|todo|to do|roadmap|future)\b")),
    ("focus", re.compile(r"\b(focus|focus area|goal|objective|aim|theme)s?\b")),
    ("description", re.compile(r"\b(description|summary|about|details|overview|what|topic|"
                               r"topics|key topics|covers|content|contents|concepts?)\b")),
    ("links", re.compile(r"\b(notebook|notes|pdf|code|link|links|file|files|paper|article|"
                         r"resources?|colab|source)s?\b")),
]
_GROUP_HEADERS = re.compile(r"^(section|module|chapter|part|unit|week|category|area)s?$")


def column_roles(header: list[Cell], rows: list[list[Cell]] | None = None) -> dict[int, str]:
    roles: dict[int, str] = {}
    names = [plain(c.text).lower() for c in header]
    rows = rows or []
    for index, name in enumerate(names):
        for role, pattern in _COLUMN_ROLES:
            if pattern.search(name) and role not in roles.values():
                roles[index] = role
                break
    # A column whose cells are all numbers is the numbering, whatever its header says.
    for index in range(len(header)):
        values = [plain(_unkeycap(row[index].text)).rstrip(".") for row in rows
                  if index < len(row) and plain(row[index].text)]
        if values and all(v.isdigit() or roman_value(v) for v in values) and \
                "number" not in roles.values():
            roles[index] = "number"
    if "title" not in roles.values():
        free = [i for i, n in enumerate(names) if i not in roles and
                re.search(r"\b(title|name|section|module|topic|chapter|part|unit)s?\b", n)]
        if free:
            roles[free[0]] = "title"
    # The title is words: a column holding only links (a Colab badge) names nothing.
    def words_in(index: int) -> int:
        return sum(1 for row in rows if index < len(row) and plain(strip_links(
            row[index].text, [Target(t, h, 0, 0) for t, h in row[index].links
                              if not h.startswith("#")])))

    titled = [i for i, r in roles.items() if r == "title"]
    if rows and (not titled or not words_in(titled[0])):
        wordy = [i for i in range(len(header)) if roles.get(i) not in
                 ("number", "status", "date", "focus", "description") and words_in(i)]
        if wordy:
            for index in titled:
                roles[index] = "links"
            roles[wordy[0]] = "title"
    titled = [i for i, r in roles.items() if r == "title"]
    if titled:
        # A "Module" column beside an "Experiment" one groups rows rather than naming them.
        others = [i for i, n in enumerate(names) if i not in roles and
                  re.search(r"\b(experiment|title|name|project)\b", n)]
        if others and _GROUP_HEADERS.match(names[titled[0]]):
            roles[titled[0]] = "group"
            roles[others[0]] = "title"
    else:
        free = [i for i, n in enumerate(names) if i not in roles and n]
        if free:
            roles[free[0]] = "title"
    return roles


def looks_like_sentence(words: str) -> bool:
    """Prose rather than a title: a full stop inside, or many words."""
    return bool(re.search(r"\w\.\s+\w", words)) or len(words.split()) > 14


def only_labels(words: str) -> bool:
    """'Notes , code' or 'PDF': words that only say what kind of link follows."""
    parts = [p for p in re.split(r"[\s,;:/&|]+", words.lower()) if p]
    return bool(parts) and all(_GENERIC_LINK.match(p) or p in ("and", "or", "the")
                               for p in parts)


def split_topics(text: str) -> list[str]:
    parts = re.split(r"\s*(?:,|;|\u2022|\u00b7|<br\s*/?>|\s/\s)\s*", text)
    return [clean_title(p) for p in parts if clean_title(p)]


def first_inline(node: SyntaxTreeNode) -> SyntaxTreeNode | None:
    for child in node.children:
        if child.type == "inline":
            return child
        if child.type == "paragraph":
            return first_inline(child)
    return None


def all_inlines(node: SyntaxTreeNode) -> Iterator[SyntaxTreeNode]:
    for child in node.children:
        if child.type == "inline":
            yield child
        else:
            yield from all_inlines(child)


def inline_words(inline: Inline) -> str:
    return plain(inline.text)


def strip_links(text: str, targets: list[Target]) -> str:
    for found in targets:
        if found.text:
            text = text.replace(found.text, " ", 1)
    return " ".join(text.split())


def markdown_without_local_links(inline: Inline, targets: list[Target]) -> str:
    """The piece's words, outside links kept as Markdown links; links into the archive are
    dropped to their text, so the section page cannot hold a link MkDocs would reject."""
    words = plain(inline.text)
    for found in targets:
        if found.external and found.text and found.text in words:
            words = words.replace(found.text, f"[{found.text}]({found.href})", 1)
    return words


def clean_heading(text: str) -> str:
    cleaned = plain(_CHECKBOX.sub("", text))
    cleaned = re.sub(r"\s*\((?:upcoming|planned|done|completed|wip|in progress)\)\s*$", "",
                     cleaned, flags=re.IGNORECASE)
    return cleaned.strip(QUOTES + " ")


def status_in_title(text: str) -> Status | None:
    """A status written into a heading: '✅', '(In progress)', '🚧'; numbering emoji aside."""
    emoji = [ch for ch in _unkeycap(text) if unicodedata.category(ch) == "So"]
    bracketed = re.findall(r"[(\[]([^)\]]{2,20})[)\]]", text)
    for candidate in ["".join(emoji), *bracketed]:
        found = status_from_text(candidate) if candidate else None
        if found is not None:
            return found
    return None


def title_key(title: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", plain(title).casefold())


def guess_resource_kind(url: str, named: str) -> ResourceKind:
    words = f"{named} {url}".lower()
    for kind, pattern in (
        (ResourceKind.VIDEO, r"video|youtube|youtu\.be|vimeo|lecture"),
        (ResourceKind.PAPER, r"paper|arxiv|doi\.org|proceedings"),
        (ResourceKind.BOOK, r"\bbook"),
        (ResourceKind.COURSE_NOTES, r"course|cs\d{3}|tutorial|lesson"),
        (ResourceKind.BLOG, r"blog|medium\.com|substack|\.github\.io/posts"),
    ):
        if re.search(pattern, words):
            return kind
    return ResourceKind.ARTICLE


def posix_join(folder: str, path: str) -> str | None:
    """`folder/path` normalised; None when it climbs out of the archive."""
    parts: list[str] = []
    for part in PurePosixPath(folder, path).parts if folder else PurePosixPath(path).parts:
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                return None
            parts.pop()
        else:
            parts.append(part)
    return "/".join(parts)




