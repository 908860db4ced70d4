"""catalogue.yml text -> Catalogue + diagnostics.

The loader never raises on bad user data: every problem becomes a Diagnostic carrying its
line and column, and as much of the catalogue as could be understood is still returned, so a
mistake in one entry does not hide the rest of the archive.

Parsing goes through libyaml's composer (fast, and it keeps every node's position); the
loader then turns nodes into plain data itself, which lets it see what YAML would silently
hide: duplicate keys, unquoted `yes`/`no`, impossible dates. Tools that edit the file get a
round-trip tree on request (`LoadResult.document`), parsed only when asked for.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import YAMLError as RoundTripYAMLError

from .diagnostics import Diagnostic
from .model import (
    Article,
    Catalogue,
    Experiment,
    Location,
    Resource,
    ResourceKind,
    Section,
    SiteInfo,
    Status,
    line_and_column,
)

if TYPE_CHECKING:
    # Imported where a catalogue is validated: a rebuild whose check is remembered
    # (plugin/incremental.py) never validates, and jsonschema costs ~0.1 s to import.
    from jsonschema import Draft7Validator
    from jsonschema.exceptions import ValidationError

# What a Markdown note's file name ends in, in any case.
NOTE_SUFFIXES = (".md", ".markdown")

SCHEMA_COMMENT_PREFIX = "# yaml-language-server: $schema="
BOM = b"\xef\xbb\xbf"

# libyaml when PyYAML was built with it (the wheels are), the pure-Python composer otherwise.
_COMPOSER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _DatesAsText(RoundTripConstructor):
    """Keep YAML timestamps as text in the round-trip tree, as the checking loader does."""


_DatesAsText.add_constructor("tag:yaml.org,2002:timestamp", RoundTripConstructor.construct_yaml_str)


def round_trip_yaml() -> YAML:
    """The ruamel round-trip loader/dumper for tools that edit catalogue.yml in place."""
    rt = YAML(typ="rt")
    rt.Constructor = _DatesAsText
    rt.allow_duplicate_keys = True  # the checking loader reports them; editing keeps the file
    return rt


@cache
def catalogue_schema() -> dict[str, Any]:
    text = resources.files("neuroverse_site").joinpath("core/schema/catalogue.schema.json").read_text()
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _validator() -> Draft7Validator:
    # Local $refs are inlined once: following them for every value was most of the time a
    # large catalogue took to check.
    from jsonschema import Draft7Validator, FormatChecker

    schema = _inline_refs(catalogue_schema(), catalogue_schema().get("definitions", {}))
    return Draft7Validator(schema, format_checker=FormatChecker(formats=["date"]))


def _inline_refs(node: Any, definitions: Mapping[str, Any]) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/definitions/"):
            target = _inline_refs(definitions[ref.rsplit("/", 1)[1]], definitions)
            # Draft 7 ignores keys beside $ref; only the annotations are kept, for editors.
            return {**target, **{k: v for k, v in node.items() if k == "description"}}
        return {k: _inline_refs(v, definitions) for k, v in node.items()}
    if isinstance(node, list):
        return [_inline_refs(v, definitions) for v in node]
    return node


@dataclass
class LoadResult:
    catalogue: Catalogue | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    text: str | None = None  # the decoded catalogue, when it could be decoded

    @cached_property
    def document(self) -> Any:
        """The round-trip YAML tree (comments and order kept), for tools that edit the file;
        None when the text is not YAML."""
        if self.text is None:
            return None
        try:
            return round_trip_yaml().load(self.text)
        except RoundTripYAMLError:
            return None


def load_catalogue_file(path: Path, display_path: str | None = None) -> LoadResult:
    shown = display_path or path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        return LoadResult(None, [Diagnostic(
            "NV003", f"cannot read the catalogue: {exc.strerror or exc}",
            Location(shown, 1, 1), hint="run `neuroverse init` to start a new archive",
        )])
    return load_catalogue(data, shown)


def load_catalogue(data: bytes | str, path: str = "catalogue.yml") -> LoadResult:
    diagnostics: list[Diagnostic] = []
    if isinstance(data, bytes) and data.startswith(BOM):
        diagnostics.append(Diagnostic(
            "NV006", "the file starts with a byte-order mark (BOM)", Location(path, 1, 1),
            hint="save the file as UTF-8 without BOM; some tools read the mark as text",
        ))
        data = data[len(BOM):]
    text_or_problem = _decode(data, path)
    if isinstance(text_or_problem, Diagnostic):
        return LoadResult(None, [*diagnostics, text_or_problem])
    text = text_or_problem
    empty = Diagnostic(
        "NV003", "the catalogue is empty", Location(path, 1, 1),
        hint="start with `site:` and `sections:`; `neuroverse init` writes an example",
    )
    try:
        root = yaml.compose(text, Loader=_COMPOSER)
    except yaml.MarkedYAMLError as exc:
        return LoadResult(None, [*diagnostics, _yaml_syntax(exc, path, text)], text)
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow anywhere
        line, column = line_and_column(text, exc.position)
        code = exc.character if isinstance(exc.character, int) else ord(str(exc.character))
        return LoadResult(None, [*diagnostics, Diagnostic(
            "NV001", f"the control character U+{code:04X} cannot appear in YAML",
            Location(path, line, column),
            hint="delete it; text pasted from a terminal or a PDF can carry invisible "
                 "characters")], text)
    except yaml.YAMLError as exc:  # unmarked errors are rare but must not escape
        return LoadResult(None, [*diagnostics, Diagnostic("NV001", str(exc),
                                                          Location(path, 1, 1))], text)
    if root is None:
        return LoadResult(None, [*diagnostics, empty], text)
    if "!" in text:  # the one character every tag starts with; most catalogues have none
        diagnostics += _tag_diagnostics(text, path)

    tree = _Tree(path, text)
    try:
        document = tree.convert(root, ())
    except _TooManyValues as exc:
        return LoadResult(None, [*diagnostics, Diagnostic(
            "NV001", f"the catalogue expands to more than {MAX_VALUES:,} values",
            Location(path, exc.line, exc.column),
            hint="an alias ('*name') copies everything its anchor ('&name') holds, and aliases "
                 "of aliases multiply; write the values out instead")], text)
    diagnostics += tree.diagnostics
    if document is None:
        return LoadResult(None, [*diagnostics, empty], text)
    if not isinstance(document, dict):
        kind = "a list" if isinstance(document, list) else _describe(document)
        diagnostics.append(Diagnostic(
            "NV004", f"the top level is {kind}, not a mapping", tree.location(()),
            hint="the file starts with keys such as `site:`, `sections:`, `experiments:`",
        ))
        return LoadResult(None, diagnostics, text)

    diagnostics += _schema_diagnostics(document, tree)
    catalogue = _Builder(document, tree, diagnostics).build()
    return LoadResult(catalogue, diagnostics, text)


def _decode(data: bytes | str, path: str) -> str | Diagnostic:
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        # Everything before the first bad byte is sound UTF-8: count its characters.
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        column = len(data[line_start:exc.start].decode("utf-8")) + 1
        return Diagnostic(
            "NV003", f"byte 0x{data[exc.start]:02x} is not UTF-8", Location(path, line, column),
            hint="save the file as UTF-8",
        )


_OPENED = {"quoted scalar": "quoted text", "flow sequence": "list '['",
           "flow mapping": "mapping '{'"}


def _yaml_syntax(exc: yaml.MarkedYAMLError, path: str, text: str) -> Diagnostic:
    context = (exc.context or "").replace("while scanning a ", "").replace("while parsing a ", "")
    unclosed = exc.problem == "found unexpected end of stream" or (
        exc.problem or "").startswith("did not find expected ',' or")
    if unclosed and context in _OPENED and exc.context_mark is not None:
        # An unclosed quote or bracket is noticed lines later; the opening is where it is
        # fixed, so that is where it is reported.
        opened, noticed = exc.context_mark, exc.problem_mark
        return Diagnostic(
            "NV001", f"this {_OPENED[context]} is never closed",
            Location(path, opened.line + 1, opened.column + 1),
            hint="close it on the same line" + (
                f"; YAML noticed at line {noticed.line + 1}, column {noticed.column + 1}"
                if noticed else ""),
        )
    mark = exc.problem_mark or exc.context_mark
    location = Location(path, mark.line + 1, mark.column + 1) if mark else Location(path, 1, 1)
    problem = (exc.problem or exc.context or "invalid YAML").strip()
    lines = text.splitlines()
    bad_line = lines[location.line - 1] if 0 < location.line <= len(lines) else ""
    if "\t" in bad_line[: max(location.column, 1)] or "'\\t'" in problem:
        column = bad_line.find("\t") + 1 if "\t" in bad_line else location.column
        return Diagnostic(
            "NV005", "a tab character where YAML expects spaces",
            Location(path, location.line, column),
            hint="YAML indents with spaces only; replace the tab with spaces",
        )
    problem, hint = _PLAIN_WORDS.get(problem, (problem, ""))
    if exc.context and not hint:
        opened_at = exc.context_mark.line + 1 if exc.context_mark else None
        hint = exc.context + (f" (opened at line {opened_at})"
                              if opened_at and opened_at != location.line else "")
    return Diagnostic("NV001", problem, location, hint=hint)


# libyaml's wording for the commonest slips, said the way the fix is thought of.
_PLAIN_WORDS = {
    "mapping values are not allowed in this context": (
        "a second ': ' on one line",
        "text that contains ': ' must be quoted, e.g. title: \"Part 1: basics\"",
    ),
    "but found another document": (
        "a second document starts here ('---')",
        "the catalogue is one YAML document; remove the '---' line or merge the two parts",
    ),
    "found character that cannot start any token": (
        "a value cannot start with this character",
        "put the value in quotes; '@', '`' and '%' cannot begin unquoted text",
    ),
    "did not find expected key": (
        "this line is indented differently from the keys around it",
        "keys of one mapping line up in the same column",
    ),
    "did not find expected '-' indicator": (
        "this line is indented differently from the lines around it",
        "keys of one entry line up in the same column, under the first key after '- '",
    ),
    "found undefined alias": (
        "'*' starts an alias, but no anchor ('&') of that name is defined",
        "text that starts with '*' must be quoted",
    ),
}


# ---------------------------------------------------------------------------------------
# YAML nodes -> plain data, remembering where every value and key was written

# YAML 1.1 readers (PyYAML, many CI tools) take these unquoted words as booleans.
_BOOLEAN_WORDS = {"yes": True, "on": True, "true": True, "no": False, "off": False,
                  "false": False}
_NUMBERS: Any = yaml.SafeLoader("")  # only its int/float constructors are used


@dataclass(frozen=True)
class Spot:
    """Where one value was written: the value's and its key's line and column, and the
    scalar as it was typed when it was an unquoted scalar."""

    line: int
    column: int
    key_line: int
    key_column: int
    raw: str | None = None


# Far more than any archive holds (1,000 entries are ~15,000 values), far fewer than the
# billions a few nested aliases can expand to.
MAX_VALUES = 250_000


class _TooManyValues(Exception):
    def __init__(self, line: int, column: int) -> None:
        super().__init__(f"too many values at {line}:{column}")
        self.line, self.column = line, column


class _Tree:
    def __init__(self, path: str, text: str = "") -> None:
        self.path = path
        self.text = text
        self.spots: dict[tuple[str | int, ...], Spot] = {}
        self.diagnostics: list[Diagnostic] = []
        self._open: set[int] = set()
        self._values = 0

    def spot(self, where: Sequence[str | int]) -> Spot:
        """The spot of `where`, or of its nearest parent that was written."""
        key = tuple(where)
        while key not in self.spots and key:
            key = key[:-1]
        return self.spots.get(key, Spot(1, 1, 1, 1))

    def location(self, where: Sequence[str | int], *, key: bool = False) -> Location:
        spot = self.spot(where)
        if key:
            return Location(self.path, spot.key_line, spot.key_column)
        return Location(self.path, spot.line, spot.column)

    def convert(self, node: yaml.Node, where: tuple[str | int, ...],
                key_mark: Any = None) -> Any:
        mark = node.start_mark
        self._values += 1
        if self._values > MAX_VALUES:
            raise _TooManyValues(mark.line + 1, mark.column + 1)
        key_mark = key_mark or mark
        raw = node.value if isinstance(node, yaml.ScalarNode) and not node.style else None
        if raw == "" and key_mark is not mark:
            mark = key_mark  # `title:` with nothing after it: point at the key
        self.spots[where] = Spot(mark.line + 1, mark.column + 1,
                                 key_mark.line + 1, key_mark.column + 1, raw)
        if isinstance(node, yaml.ScalarNode):
            hidden = _HIDDEN_CHARACTERS.search(node.value)
            # A control character in a file path is the file check's (NV306): no file
            # system can name such a file, which says more than "invisible".
            if hidden and not (where and where[-1] in _PATH_KEYS
                               and _CONTROL_CHARACTER.match(hidden.group())):
                self.diagnostics.append(self._hidden_characters(node, where))
            return _scalar(node)
        if id(node) in self._open:  # an alias that contains itself
            return None
        self._open.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return [self.convert(item, (*where, index))
                        for index, item in enumerate(node.value)]
            mapping: dict[str, Any] = {}
            first_line: dict[str, int] = {}
            for key_node, value_node in node.value:
                name = _key_text(key_node)
                if name in mapping:
                    self.diagnostics.append(Diagnostic(
                        "NV002", f"duplicate key '{name}' in this mapping",
                        Location(self.path, key_node.start_mark.line + 1,
                                 key_node.start_mark.column + 1),
                        key_path_text((*where, name)),
                        hint=f"the first '{name}' is at line {first_line[name]} and is the "
                        "one used; YAML keeps only one, so merge them",
                    ))
                    continue
                first_line[name] = key_node.start_mark.line + 1
                mapping[name] = self.convert(value_node, (*where, name), key_node.start_mark)
            return mapping
        finally:
            self._open.discard(id(node))


    def _hidden_characters(self, node: yaml.ScalarNode,
                           where: tuple[str | int, ...]) -> Diagnostic:
        """NV108 at the first invisible or direction-changing character of a value: where
        it was typed when it was typed as is, else (an escape such as "\\u202e") at the
        value's start."""
        found = _HIDDEN_CHARACTERS.search(node.value)
        assert found is not None
        character = found.group()
        start, end = node.start_mark.index, node.end_mark.index
        index = self.text.find(character, start, end)
        if index >= 0:
            line, column = line_and_column(self.text, index)
        else:
            line, column = node.start_mark.line + 1, node.start_mark.column + 1
        name = _HIDDEN_NAMES.get(character, "a control character" if (
            ord(character) < 0x20 or 0x7F <= ord(character) <= 0x9F)
            else "an invisible formatting character")
        return Diagnostic(
            "NV108", f"the text holds U+{ord(character):04X} ({name}) at character "
            f"{found.start() + 1}", Location(self.path, line, column), key_path_text(where),
            hint="delete it: it is invisible, and can make the text read differently from "
            "what is shown (or look identical to other text); text pasted from the web or a "
            "PDF often carries such characters",
        )


# Characters that change how the text around them is ordered or joined, without a glyph
# of their own: bidirectional overrides and isolates (the "Trojan Source" characters),
# zero-width spaces and joiners, word joiners and a byte-order mark inside the text; and
# control characters, which YAML lets in through escapes ("\0", "\x1b").
_HIDDEN_NAMES = {
    "\u200b": "zero-width space", "\u200c": "zero-width non-joiner",
    "\u200d": "zero-width joiner", "\u200e": "left-to-right mark",
    "\u200f": "right-to-left mark", "\u202a": "left-to-right embedding",
    "\u202b": "right-to-left embedding", "\u202c": "pop directional formatting",
    "\u202d": "left-to-right override", "\u202e": "right-to-left override",
    "\u2060": "word joiner", "\u2061": "invisible function application",
    "\u2062": "invisible times", "\u2063": "invisible separator", "\u2064": "invisible plus",
    "\u2066": "left-to-right isolate", "\u2067": "right-to-left isolate",
    "\u2068": "first strong isolate", "\u2069": "pop directional isolate",
    "\u061c": "Arabic letter mark", "\ufeff": "zero-width no-break space (byte-order mark)",
    "\u180e": "Mongolian vowel separator", "\u00ad": "soft hyphen",
}
# A joiner between two emoji (a family, a profession) or a non-joiner inside Persian or
# Indic words is part of the writing; anywhere else it is hidden.
_HIDDEN_CHARACTERS = re.compile(
    "[\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\u061c\ufeff\u180e\u00ad"
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
    "|(?<![\u0600-\u06ff\u0900-\u0dff\U0001f000-\U0001faff\u2600-\u27bf\ufe0f])"
    "[\u200c\u200d]"
    "|[\u200c\u200d](?![\u0600-\u06ff\u0900-\u0dff\U0001f000-\U0001faff\u2600-\u27bf])"
)


_PATH_KEYS = frozenset({"notebook", "script", "pdf"})
_CONTROL_CHARACTER = re.compile("[\x00-\x1f\x7f-\x9f]")


def _tag_diagnostics(text: str, path: str) -> list[Diagnostic]:
    """NV007 for every YAML tag (`!!binary`, `!ENV`, `!!python/object:...`, `!mine`): the
    catalogue is plain data, and a tag would ask the reader to build something else, which
    other YAML tools do in ways this one never will (decode, read the environment, run code)."""
    found: list[Diagnostic] = []
    try:
        for token in yaml.scan(text, Loader=_COMPOSER):
            if isinstance(token, yaml.TagToken):
                handle, suffix = token.value
                written = f"{handle or ''}{suffix or ''}"
                mark = token.start_mark
                found.append(Diagnostic(
                    "NV007", f"YAML tags are not supported: '{written}'",
                    Location(path, mark.line + 1, mark.column + 1),
                    hint="remove the tag and write the value as plain text (in quotes when "
                    "it looks like a number, a date or yes/no)",
                ))
    except yaml.YAMLError:
        pass  # the composer accepted this text, so the scanner does too
    return found


def _key_text(node: yaml.Node) -> str:
    return str(node.value) if isinstance(node, yaml.ScalarNode) else "<a non-text key>"


def _scalar(node: yaml.ScalarNode) -> Any:
    tag = node.tag.rsplit(":", 1)[-1]
    if node.style:  # quoted or block text is text, whatever it looks like
        return node.value
    if tag == "null":
        return None
    if tag == "bool":
        return _BOOLEAN_WORDS.get(node.value.lower(), bool(node.value))
    try:
        if tag == "int":
            return int(_NUMBERS.construct_yaml_int(node))
        if tag == "float":
            return float(_NUMBERS.construct_yaml_float(node))
    except (ValueError, yaml.YAMLError):
        return node.value
    return node.value  # strings, and timestamps kept as text so bad dates get a position


def key_path_text(path: Sequence[str | int]) -> str:
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text


def _schema_diagnostics(document: dict[str, Any], tree: _Tree) -> Iterator[Diagnostic]:
    errors = list(_validator().iter_errors(document))
    # A value of the wrong type also fails its pattern or enum; say only the first thing.
    mistyped = {tuple(e.absolute_path) for e in errors if e.validator == "type"}
    misshapen = {tuple(e.absolute_path) for e in errors if e.validator == "pattern"}
    for error in errors:
        where = tuple(error.absolute_path)
        if error.validator != "type" and where in mistyped:
            continue
        if error.validator == "format" and where in misshapen:
            continue
        yield from _explain(error, tree)

_TYPE_NAMES = {
    "string": "text", "array": "a list", "object": "a mapping", "integer": "a whole number",
    "number": "a number", "boolean": "true or false",
}


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "nothing (an empty value)"
    return f"'{value}'"


_UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:", "file:")


def _explain(error: ValidationError, tree: _Tree) -> Iterator[Diagnostic]:
    where = list(error.absolute_path)
    loc = tree.location(where)
    subject = key_path_text(where)
    validator = error.validator
    schema = error.schema if isinstance(error.schema, dict) else {}

    if validator == "additionalProperties":
        allowed = sorted(schema.get("properties", {}))
        instance = error.instance if isinstance(error.instance, dict) else {}
        for unknown in sorted(set(instance) - set(allowed)):
            close = difflib.get_close_matches(unknown, allowed, n=1)
            yield Diagnostic(
                "NV100", f"unknown key '{unknown}'", tree.location([*where, unknown], key=True),
                key_path_text([*where, unknown]),
                hint=f"did you mean '{close[0]}'?" if close
                else f"allowed here: {', '.join(allowed)}",
            )
    elif validator == "required":
        missing = str(error.message).split("'")[1]
        instance = error.instance if isinstance(error.instance, dict) else {}
        unknown = set(instance) - set(schema.get("properties", {}))
        if difflib.get_close_matches(missing, sorted(unknown), n=1):
            return  # a misspelt key: its NV100 already suggests this name
        yield Diagnostic(
            "NV101", f"missing required field '{missing}'", loc, subject,
            hint=f"add `{missing}:` to this entry" if where
            else f"add `{missing}:` at the top level of the file",
        )
    elif validator == "type":
        wanted = _TYPE_NAMES.get(str(error.validator_value), str(error.validator_value))
        hint = ""
        found = _describe(error.instance)
        raw = tree.spot(where).raw
        if (isinstance(error.instance, bool | int | float) and raw is not None
                and raw not in (str(error.instance), str(error.instance).lower())):
            found = f"'{raw}', which YAML reads as {found}"
        if isinstance(error.instance, bool) and wanted == "text":
            hint = (f"unquoted yes/no/on/off/true/false are booleans in YAML; "
                    f"put the text in quotes: '{raw}'")
        elif isinstance(error.instance, int | float) and wanted == "text":
            hint = f"put it in quotes: '{raw if raw is not None else error.instance}'"
        elif wanted == "a list" and isinstance(error.instance, str):
            hint = f"write a list: [{error.instance}]"
        elif error.instance is None:
            hint = "write the value after the colon, or remove the key"
        yield Diagnostic("NV102", f"expected {wanted}, found {found}", loc, subject, hint=hint)
    elif validator == "enum":
        options = [str(v) for v in error.validator_value]
        close = difflib.get_close_matches(str(error.instance), options, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        yield Diagnostic("NV103", f"{_describe(error.instance)} is not allowed here", loc,
                         subject, hint=hint + f"allowed: {', '.join(options)}")
    elif validator in ("pattern", "maxLength") and (
        (where and where[-1] in ("id", "section"))
        or (len(where) >= 2 and where[-2] in ("articles", "sections"))
    ):
        yield Diagnostic(
            "NV104", f"{_describe(error.instance)} cannot be used in a URL", loc, subject,
            hint="use lower-case letters, digits and single hyphens, e.g. "
            f"'{_suggest_id(str(error.instance))}'",
        )
    elif validator == "pattern" and where and where[-1] in ("notebook", "script", "pdf", "note"):
        wanted = {"notebook": ".ipynb", "script": ".py", "pdf": ".pdf",
                  "note": ".md or .markdown"}[str(where[-1])]
        yield Diagnostic("NV301", f"{_describe(error.instance)} does not end in {wanted}",
                         loc, subject,
                         hint="notebooks go under `notebook:`, scripts under `script:`, "
                              "PDFs under `pdf:`, Markdown notes under `note:`")
    elif validator == "pattern" and where and where[-1] in ("url", "repository_url"):
        text = str(error.instance).strip().lower()
        if text.startswith(_UNSAFE_SCHEMES):
            scheme = text.split(":", 1)[0]
            yield Diagnostic("NV106", f"'{scheme}:' links are not allowed", loc, subject,
                             hint="a link that runs code or embeds content could harm readers; "
                                  "link to an https:// page instead")
        else:
            yield Diagnostic("NV105", f"{_describe(error.instance)} is not an http(s) or "
                             "mailto URL", loc, subject,
                             hint="links must start with https://, http:// or mailto:")
    elif validator in ("pattern", "maxLength") and where and where[-1] == "branch":
        yield Diagnostic("NV105", f"{_describe(error.instance)} is not a branch name", loc,
                         subject, hint="write the branch as git names it, e.g. `main` or "
                                       "`gh-pages`: letters, digits, `.`, `_`, `-` and `/`")
    elif validator in ("format", "pattern") and where and where[-1] == "added":
        problem = "is not a real date" if validator == "format" else "is not a YYYY-MM-DD date"
        yield Diagnostic("NV105", f"{_describe(error.instance)} {problem}", loc, subject,
                         hint="write dates as YYYY-MM-DD, e.g. 2025-11-19")
    elif validator == "minLength":
        yield Diagnostic("NV105", "text is empty", loc, subject,
                         hint="write something or remove the key")
    elif validator == "not" and len(where) >= 2 and where[0] == "articles":
        yield Diagnostic("NV102", "an article is either a PDF or a Markdown note, not both",
                         loc, subject, hint="keep one of `pdf:` and `note:`; a second file "
                         "is a second article")
    elif validator == "not":
        yield Diagnostic("NV102", "an experiment has either a notebook or a script, not both",
                         loc, subject, hint="keep one of `notebook:` and `script:`")
    else:
        yield Diagnostic("NV102", str(error.message), loc, subject)


def _suggest_id(text: str) -> str:
    from .ids import slugify

    return slugify(text) or "my-entry"


# ---------------------------------------------------------------------------------------
# Model building (lenient: skips entries it cannot understand, the schema already spoke)


class _Builder:
    def __init__(self, document: dict[str, Any], tree: _Tree,
                 diagnostics: list[Diagnostic]) -> None:
        self.document = document
        self.tree = tree
        self.path = tree.path
        self.diagnostics = diagnostics

    def location(self, where: Sequence[str | int]) -> Location:
        return self.tree.location(where)

    def fields(self, where: Sequence[str | int], entry: Mapping[str, Any]) -> dict[str, Location]:
        """Where each field was written; list items too, as `articles[1]`."""
        found: dict[str, Location] = {}
        for key, value in entry.items():
            found[str(key)] = self.location([*where, str(key)])
            if isinstance(value, list):
                for index in range(len(value)):
                    found[f"{key}[{index}]"] = self.location([*where, str(key), index])
        return found

    def entries(self, key: str) -> Iterator[tuple[int, Mapping[str, Any]]]:
        items = self.document.get(key)
        if not isinstance(items, list):
            return
        for index, entry in enumerate(items):
            if isinstance(entry, Mapping):
                yield index, entry

    def build(self) -> Catalogue:
        site_data = self.document.get("site")
        site_map: Mapping[str, Any] = site_data if isinstance(site_data, Mapping) else {}
        site = SiteInfo(
            title=_text(site_map.get("title")) or "NeuroVerse",
            tagline=_text(site_map.get("tagline")),
            repository_url=_text(site_map.get("repository_url")) or None,
            url=_text(site_map.get("url")) or None,
            branch=_text(site_map.get("branch")) or "main",
            repository_folder=_folder(site_map.get("repository_folder")),
            location=self.location(["site"]),
        )
        return Catalogue(
            site=site,
            sections=tuple(self.sections()),
            experiments=tuple(self.experiments()),
            articles=tuple(self.articles()),
            resources=tuple(self.resources()),
            ignore=_words(self.document.get("ignore")),
            path=self.path,
        )

    def sections(self) -> Iterator[Section]:
        number = 0
        for index, entry in self.entries("sections"):
            if not _is_id(entry.get("id")):
                continue
            number += 1
            where: list[str | int] = ["sections", index]
            yield Section(
                id=str(entry["id"]),
                number=number,
                title=_text(entry.get("title")) or str(entry["id"]),
                status=_status(entry.get("status"), Status.PLANNED),
                focus=_text(entry.get("focus")),
                description=_text(entry.get("description")),
                planned=_words(entry.get("planned")),
                location=self.location(where),
                fields=self.fields(where, entry),
                key_path=key_path_text(where),
            )

    def experiments(self) -> Iterator[Experiment]:
        numbers: dict[str, int] = {}
        for index, entry in self.entries("experiments"):
            if not _is_id(entry.get("id")):
                continue
            section = _text(entry.get("section"))
            numbers[section] = numbers.get(section, 0) + 1
            where: list[str | int] = ["experiments", index]
            yield Experiment(
                id=str(entry["id"]),
                number=numbers[section],
                title=_text(entry.get("title")) or str(entry["id"]),
                section=section,
                # Without a file there is nothing completed to show: one status, the same on
                # the site, in the README and on cards, instead of "Completed" and "Planned".
                status=_status(entry.get("status"),
                               Status.COMPLETED if entry.get("notebook") or entry.get("script")
                               else Status.PLANNED),
                notebook=_path(entry.get("notebook"), ".ipynb"),
                script=_path(entry.get("script"), ".py"),
                goal=_text(entry.get("goal")),
                description=_text(entry.get("description")),
                frameworks=_words(entry.get("frameworks")),
                dataset=_text(entry.get("dataset")),
                tags=_words(entry.get("tags")),
                articles=_words(entry.get("articles")),
                added=self.date(entry, where),
                location=self.location(where),
                fields=self.fields(where, entry),
                key_path=key_path_text(where),
            )

    def articles(self) -> Iterator[Article]:
        number = 0
        for index, entry in self.entries("articles"):
            if not _is_id(entry.get("id")):
                continue
            number += 1
            where: list[str | int] = ["articles", index]
            yield Article(
                id=str(entry["id"]),
                number=number,
                title=_text(entry.get("title")) or str(entry["id"]),
                summary=_text(entry.get("summary")),
                sections=_words(entry.get("sections")),
                status=_status(entry.get("status"), Status.COMPLETED),
                pdf=_path(entry.get("pdf"), ".pdf"),
                note=_path(entry.get("note"), *NOTE_SUFFIXES, any_case=True),
                tags=_words(entry.get("tags")),
                added=self.date(entry, where),
                location=self.location(where),
                fields=self.fields(where, entry),
                key_path=key_path_text(where),
            )

    def resources(self) -> Iterator[Resource]:
        for index, entry in self.entries("resources"):
            kind = entry.get("type")
            if kind not in {k.value for k in ResourceKind} or not _text(entry.get("url")):
                continue
            where: list[str | int] = ["resources", index]
            yield Resource(
                topic=_text(entry.get("topic")),
                title=_text(entry.get("title")),
                url=_text(entry.get("url")),
                kind=ResourceKind(kind),
                note=_text(entry.get("note")),
                location=self.location(where),
                fields=self.fields(where, entry),
                key_path=key_path_text(where),
            )

    def date(self, entry: Mapping[str, Any], where: list[str | int]) -> dt.date | None:
        raw = entry.get("added")
        if not isinstance(raw, str):
            return None
        try:
            return dt.date.fromisoformat(raw)
        except ValueError as exc:
            already = any(d.key_path == key_path_text([*where, "added"]) for d in self.diagnostics)
            if not already:
                self.diagnostics.append(Diagnostic(
                    "NV105", f"'{raw}' is not a real date ({exc})",
                    self.location([*where, "added"]), key_path_text([*where, "added"]),
                    hint="write dates as YYYY-MM-DD, e.g. 2025-11-19",
                ))
            return None


def _text(value: Any) -> str:
    return str(value).strip() if isinstance(value, str) else ""


def _folder(value: Any) -> str | None:
    """`site.repository_folder` as a path inside the repository ("" for its root); None
    when not given (the schema has said whether the text is a usable folder)."""
    text = _text(value)
    if not text:
        return None
    folder = text.strip("/")
    return "" if folder in ("", ".") else folder


def _is_id(value: Any) -> bool:
    """Any text is kept as an id so references to it resolve; the schema already said
    whether it is URL-safe, and the site leaves out entries whose id is not."""
    return isinstance(value, str) and bool(value.strip())


def _words(value: Any) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(str(v).strip() for v in value if isinstance(v, str) and v.strip())
    return ()


def _path(value: Any, *suffixes: str, any_case: bool = False) -> str | None:
    if not isinstance(value, str):
        return None
    # Markdown notes keep whatever case their name was saved with (NOTES.MD), as the schema
    # allows; the other fields are matched exactly, as the schema does.
    matches = (value.lower() if any_case else value).endswith(suffixes)
    return value if matches else None


def _status(value: Any, default: Status) -> Status:
    try:
        return Status(value)
    except ValueError:
        return default
