"""Cheap looks at the files a catalogue names: is this a notebook the site can render, is
this a PDF that opens. The engines (nbformat, PDFium) are imported only when a file is
actually looked at, so checking a catalogue without files stays fast to start."""

from __future__ import annotations

import json
import re
import warnings
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

# Real notebooks nest a few levels (cells, outputs, a widget's state maybe a dozen); the
# libraries that read them recurse once or more per level and stop with RecursionError
# near 1,000. Far deeper than any notebook, far shallower than that.
MAX_NOTEBOOK_DEPTH = 100
# Past these a page takes minutes to load or does not load at all (see NV307).
MAX_CELLS = 2_000
MAX_OUTPUT_MB = 20.0

# `![alt](attachment:name)` and `<img src="attachment:name">` in a Markdown cell.
_ATTACHMENT_REFERENCE = re.compile(r"""attachment:([^)\s"'>]+)""")


@dataclass(frozen=True)
class NotebookFacts:
    """What a look at a notebook's JSON found: why it cannot be rendered (None when it can),
    and its weight, for the warning about pages too big to use."""

    problem: str | None
    cells: int = 0
    output_bytes: int = 0


def notebook_format_problem(data: bytes) -> str | None:
    """Why these bytes are not a notebook the site can render, in the user's terms, or None
    when they are sound nbformat 4. `neuroverse check` asks this of every notebook; a build
    only of those it converts, that is whose bytes changed since the cache saw them."""
    return examine_notebook(data).problem


def examine_notebook(data: bytes) -> NotebookFacts:
    """`notebook_format_problem`, with the notebook's cell count and output size."""
    import nbformat

    try:
        notebook = json.loads(data)
    except UnicodeDecodeError:
        return NotebookFacts("is not UTF-8 text")
    except json.JSONDecodeError as exc:
        return NotebookFacts(f"is not valid JSON (line {exc.lineno}, column {exc.colno}: "
                             f"{exc.msg})")
    except RecursionError:
        return NotebookFacts(_too_deep())
    depth = nesting_depth(notebook, MAX_NOTEBOOK_DEPTH)
    if depth > MAX_NOTEBOOK_DEPTH:
        return NotebookFacts(_too_deep())
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        return NotebookFacts("is not a Jupyter notebook (it has no list of cells)")
    version = notebook.get("nbformat")
    if version != 4 or isinstance(version, bool):
        return NotebookFacts(_wrong_version(version))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # missing cell ids: nbformat adds them and warns
        try:
            nbformat.validate(notebook)
        except nbformat.ValidationError as exc:
            where = "".join(f"[{step}]" if isinstance(step, int) else f".{step}"
                            for step in exc.absolute_path).lstrip(".")
            message = str(exc.message)
            if "is not valid under any of the given schemas" in message:
                message = "not a kind of cell or output the format knows"
            elif len(message) > 100:
                message = message[:97] + "..."
            return NotebookFacts(f"does not follow the notebook format at "
                                 f"{where or 'the top level'}: {message}")
    cells: list[Any] = notebook["cells"]
    missing = _missing_attachment(cells)
    if missing is not None:
        return NotebookFacts(missing)
    output_bytes = sum(len(json.dumps(cell.get("outputs", []))) for cell in cells)
    return NotebookFacts(None, len(cells), output_bytes)


def nesting_depth(value: Any, limit: int) -> int:
    """How deeply lists and mappings nest in `value`, counted without recursion and only up
    to `limit + 1` (enough to say it is too deep)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > limit:
            return deepest
        stack.extend((child, depth + 1) for child in children
                     if isinstance(child, dict | list))
    return deepest


def _too_deep() -> str:
    # The same words whether json gave up (its own recursion limit, which depends on how
    # deep the caller's stack already is) or the depth guard stopped it.
    return (f"nests lists or mappings more than {MAX_NOTEBOOK_DEPTH} levels deep; a notebook "
            "saved by Jupyter never does: clear the outputs or metadata that hold this "
            "structure")


def _wrong_version(version: Any) -> str:
    if isinstance(version, str):
        return (f"gives its format version as the text '{version}' (a string); it must be "
                "the number 4, written without quotes")
    if version is None:
        return "does not say which notebook format it uses (no 'nbformat' number)"
    shown = json.dumps(version)
    if isinstance(version, int) and not isinstance(version, bool):
        return f"is nbformat {shown}, not 4"
    return f"gives its format version as {shown}; it must be the number 4"


def _missing_attachment(cells: list[Any]) -> str | None:
    """The first Markdown cell that shows an attachment it does not carry, said as where
    and which (nbconvert stops the whole notebook on it)."""
    for index, cell in enumerate(cells):
        if not isinstance(cell, dict) or cell.get("cell_type") != "markdown":
            continue
        source = cell.get("source", "")
        text = "".join(source) if isinstance(source, list) else str(source)
        attached = cell.get("attachments") or {}
        for match in _ATTACHMENT_REFERENCE.finditer(text):
            name = unquote(match.group(1))
            if name not in attached:
                return (f"shows the attachment '{name}' in cell {index + 1}, but that cell "
                        "carries no attachment of that name; paste the image into the cell "
                        "again, or link the image file instead")
    return None


def notebook_weight_problem(cells: int, output_bytes: int) -> str | None:
    """Why a notebook's page will be unusable (too many cells, too much output), or None."""
    megabytes = output_bytes / 1024 / 1024
    if cells > MAX_CELLS:
        return (f"has {cells:,} cells (more than {MAX_CELLS:,}); its page will be slow to "
                "load and to search")
    if megabytes > MAX_OUTPUT_MB:
        return (f"has {megabytes:.1f} MB of outputs (more than {MAX_OUTPUT_MB:g} MB); its "
                "page will be slow to load or not load at all")
    return None


def note_problem(path: Path) -> str | None:
    """Why the Markdown note at `path` cannot be shown, or None when it is UTF-8 text."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    return note_text_problem(data)


_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n.*?\r?\n(---|\.\.\.)[ \t]*(\r?\n|\Z)", re.DOTALL)


def strip_front_matter(text: str) -> str:
    """A note's text without a leading YAML front matter block (`---` ... `---`) or BOM."""
    return _FRONT_MATTER.sub("", text.lstrip("\ufeff"), count=1)


def note_text_problem(data: bytes) -> str | None:
    """Why these bytes are not a Markdown note's text, or None when they are UTF-8."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return f"is not UTF-8 text (byte 0x{data[exc.start]:02x} on line {line})"
    if b"\0" in data:
        return "is not text (it holds NUL bytes; a binary file renamed .md?)"
    return None


class PdfProblem(Exception):
    """The file cannot be read as a PDF; the message says why, in the user's terms."""


def pdf_problem(path: Path) -> str | None:
    """Why the PDF cannot be shown, in the user's terms, or None when it opens and has pages.
    Cheap: nothing is rendered."""
    try:
        document = open_pdf(path)
    except PdfProblem as exc:
        return str(exc)
    try:
        return None if len(document) else "has no pages"
    finally:
        document.close()


# The file format puts this marker first and "%%EOF" at the end, after the cross-reference
# table; a download cut short loses the end, which PDFium reports as a generic format error.
_HEADER, _END, _TAIL = b"%PDF-", b"%%EOF", 2048


def open_pdf(path: Path, data: bytes | None = None) -> Any:
    """The PDF at `path` (or `data`, its content already read), opened by PDFium."""
    import pypdfium2 as pdfium

    try:
        if data is None:
            size = path.stat().st_size
            with path.open("rb") as stream:
                head = stream.read(1024)
                stream.seek(max(0, size - _TAIL))
                tail = stream.read()
        else:
            size, head, tail = len(data), data[:1024], data[-_TAIL:]
    except OSError as exc:
        raise PdfProblem(f"cannot be read ({exc.strerror or exc})") from exc
    if size == 0:
        raise PdfProblem("is empty (0 bytes)")
    if _HEADER not in head:
        raise PdfProblem("is not a PDF (it does not start with %PDF-)")
    try:
        return pdfium.PdfDocument(str(path) if data is None else data)
    except pdfium.PdfiumError as exc:
        if _END not in tail:
            raise PdfProblem("is truncated: its end is missing, so part of the file was "
                             "lost (an interrupted download or copy?)") from exc
        if _has_no_pages(path, data, size):
            raise PdfProblem("has no pages (its page list is empty)") from exc
        raise PdfProblem(_explain(str(exc))) from exc


# PDFium refuses a document whose page tree is empty, and its error code for that is
# "Success" or whatever the last failure in the process left behind ("password", when an
# encrypted PDF came before). The page tree says it plainly: `/Count 0` and no page object.
_EMPTY_PAGE_TREE = re.compile(rb"/Count\s*0(?![0-9])")
_PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![A-Za-z])")
_MAX_SCANNED = 16 * 1024 * 1024


def _has_no_pages(path: Path, data: bytes | None, size: int) -> bool:
    if size > _MAX_SCANNED:
        return False
    try:
        content = path.read_bytes() if data is None else data
    except OSError:
        return False
    return bool(_EMPTY_PAGE_TREE.search(content)) and not _PAGE_OBJECT.search(content)


def _explain(error: str) -> str:
    lowered = error.lower()
    if "success" in lowered:  # refused, with no reason given
        return "cannot be opened (PDFium gives no reason; is its page list damaged?)"
    if "password" in lowered or "security" in lowered:
        return "is encrypted (password protected); save a copy without a password"
    if "format" in lowered or "data" in lowered:
        return "is damaged (PDFium cannot read its structure)"
    return f"cannot be opened ({error})"


# Active content --------------------------------------------------------------------------
#
# A PDF viewer that runs scripts (Acrobat, and browsers' built-in viewers for /OpenAction)
# would run these; the site never embeds a PDF, it shows page images and text. They are
# still worth a warning: a reader who downloads the file opens it in such a viewer.

# Names that start an action the reader never asked for, and what to call them.
_ACTIVE_NAMES = {
    b"JS": "JavaScript", b"JavaScript": "JavaScript",
    b"Launch": "a Launch action (starts a program)",
    b"SubmitForm": "a SubmitForm action (sends form data to a server)",
    b"ImportData": "an ImportData action (reads a file)",
}
# Bounds on the work one file can cause: object streams decompressed per file, and bytes.
_MAX_OBJECT_STREAMS = 10_000
_MAX_INFLATED = 64 * 1024 * 1024
_DELIMITERS = b"()<>[]{}/%"
# Any chunk with an active name must contain one of these (a name may hide behind #xx).
_MAYBE_ACTIVE = re.compile(rb"/(JS|JavaScript|Launch|SubmitForm|ImportData)|#[0-9A-Fa-f]{2}")
_WHITESPACE = b"\x00\t\n\x0c\r "


def pdf_active_content(path: Path) -> list[str]:
    """`active_content` of the PDF at `path`; nothing when it cannot be read (the
    caller reports that)."""
    try:
        data = path.read_bytes()
    except OSError:
        return []
    return active_content(data)


def active_content(data: bytes, document: Any = None) -> list[str]:
    """What in these PDF bytes could act on its own when opened: JavaScript (document
    scripts, /OpenAction or /AA additional actions that run one) and Launch, SubmitForm or
    ImportData actions, each named once, in that order. Reads the file's object syntax
    outside stream data, and inside compressed object streams (/Type /ObjStm), where a
    PDF 1.5+ file keeps most of its dictionaries; page content is never read, so a paper
    that writes about JavaScript is not flagged. `document`, a PDFium document of the same
    bytes, adds PDFium's own count of document-level scripts."""
    found: set[str] = set()
    for chunk in _object_syntax(data):
        if not _MAYBE_ACTIVE.search(chunk):
            continue  # the common case, decided without walking the bytes in Python
        found.update(_ACTIVE_NAMES[name] for name in _names(chunk) if name in _ACTIVE_NAMES)
    if document is not None and "JavaScript" not in found:
        import pypdfium2.raw as pdfium_c

        if pdfium_c.FPDFDoc_GetJavaScriptActionCount(document.raw) > 0:
            found.add("JavaScript")
    order = list(dict.fromkeys(_ACTIVE_NAMES.values()))
    return sorted(found, key=order.index)


def _object_syntax(data: bytes) -> Any:
    """The parts of a PDF that hold dictionaries: the file around its streams, and each
    object stream inflated (bounded)."""
    stream = re.compile(rb"stream\r?\n")
    position, streams, inflated = 0, 0, 0
    for match in stream.finditer(data):
        start = match.end()
        if match.start() < position or data[max(0, match.start() - 3):match.start()] == b"end":
            continue  # inside a stream already read, or the end of one
        end = data.find(b"endstream", start)
        end = len(data) if end < 0 else end
        header = data[max(position, match.start() - 512):match.start()]
        yield data[position:match.start()]
        position = end
        if b"/ObjStm" not in header or streams >= _MAX_OBJECT_STREAMS:
            continue
        streams += 1
        if b"/FlateDecode" in header or b"/Fl" in header:
            inflater = zlib.decompressobj()
            try:
                body = inflater.decompress(data[start:end], max(0, _MAX_INFLATED - inflated))
            except zlib.error:
                continue
            inflated += len(body)
            yield body
        else:
            yield data[start:end]  # uncompressed (or a filter we do not undo: read raw)
    yield data[position:]


def _names(chunk: bytes) -> Any:
    """PDF name tokens in `chunk` (without the slash, #xx escapes decoded), skipping
    literal strings, hex strings and comments, where a slash is only text."""
    index, size = 0, len(chunk)
    while index < size:
        byte = chunk[index]
        if byte == 0x28:  # ( literal string: nested parentheses, backslash escapes
            depth, index = 1, index + 1
            while index < size and depth:
                current = chunk[index]
                if current == 0x5C:
                    index += 1
                elif current == 0x28:
                    depth += 1
                elif current == 0x29:
                    depth -= 1
                index += 1
        elif byte == 0x3C:
            if chunk[index + 1:index + 2] == b"<":  # << starts a dictionary
                index += 2
                continue
            close = chunk.find(b">", index)  # <hex string>
            index = size if close < 0 else close + 1
        elif byte == 0x25:  # % comment to the end of the line
            ends = [p for p in (chunk.find(b"\n", index), chunk.find(b"\r", index)) if p >= 0]
            index = min(ends) if ends else size
        elif byte == 0x2F:  # /Name
            end = index + 1
            while end < size and chunk[end] not in _WHITESPACE and chunk[end] not in _DELIMITERS:
                end += 1
            yield _unescape_name(chunk[index + 1:end])
            index = end
        else:
            index += 1


def _unescape_name(raw: bytes) -> bytes:
    if b"#" not in raw:
        return raw
    out, index = bytearray(), 0
    while index < len(raw):
        if raw[index] == 0x23 and _is_hex(raw[index + 1:index + 3]):
            out.append(int(raw[index + 1:index + 3], 16))
            index += 3
        else:
            out.append(raw[index])
            index += 1
    return bytes(out)


def _is_hex(pair: bytes) -> bool:
    return len(pair) == 2 and all(c in b"0123456789abcdefABCDEF" for c in pair)
