"""catalogue.yml text -> Catalogue + diagnostics.

The loader never raises on bad user data: every problem becomes a Diagnostic carrying its
line and column, and as much of the catalogue as could be understood is still returned, so a
mistake in one entry does not hide the rest of the archive.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator, FormatChecker
from jsonschema.exceptions import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import DuplicateKeyError, RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError

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
)

SCHEMA_COMMENT_PREFIX = "# yaml-language-server: $schema="


class _DatesAsText(RoundTripConstructor):
    """Keep YAML timestamps as text, so an impossible date is reported at its line
    instead of escaping the parser as a bare ValueError."""


_DatesAsText.add_constructor("tag:yaml.org,2002:timestamp", RoundTripConstructor.construct_yaml_str)


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.Constructor = _DatesAsText
    yaml.allow_duplicate_keys = False
    return yaml


@cache
def catalogue_schema() -> dict[str, Any]:
    text = resources.files("neuroverse_site").joinpath("schema/catalogue.schema.json").read_text()
    schema: dict[str, Any] = json.loads(text)
    return schema


@dataclass
class LoadResult:
    catalogue: Catalogue | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    document: Any = None  # the round-trip YAML tree, for tools that edit the file


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
    text_or_problem = _decode(data, path)
    if isinstance(text_or_problem, Diagnostic):
        return LoadResult(None, [text_or_problem])
    text = text_or_problem
    if not text.strip() or all(
        not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()
    ):
        return LoadResult(None, [Diagnostic(
            "NV003", "the catalogue is empty", Location(path, 1, 1),
            hint="start with `site:` and `sections:`; `neuroverse init` writes an example",
        )])
    try:
        document = _yaml().load(text)
    except DuplicateKeyError as exc:
        return LoadResult(None, [_duplicate_key(exc, path)])
    except MarkedYAMLError as exc:
        return LoadResult(None, [_yaml_syntax(exc, path, text)])
    except YAMLError as exc:  # unmarked errors are rare but must not escape
        return LoadResult(None, [Diagnostic("NV001", str(exc), Location(path, 1, 1))])

    if not isinstance(document, CommentedMap):
        kind = "a list" if isinstance(document, CommentedSeq) else f"'{document}'"
        return LoadResult(None, [Diagnostic(
            "NV004", f"the top level is {kind}, not a mapping", Location(path, 1, 1),
            hint="the file starts with keys such as `site:`, `sections:`, `experiments:`",
        )], document)

    diagnostics = list(_schema_diagnostics(document, path))
    builder = _Builder(document, path, diagnostics)
    catalogue = builder.build()
    return LoadResult(catalogue, diagnostics, document)


def _decode(data: bytes | str, path: str) -> str | Diagnostic:
    if isinstance(data, str):
        return data
    if data.startswith(b"\xef\xbb\xbf"):
        # A BOM is harmless to YAML but a sign of an editor that may rewrite the file.
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return Diagnostic(
            "NV003", f"byte 0x{data[exc.start]:02x} is not UTF-8", Location(path, line, column),
            hint="save the file as UTF-8",
        )


def _mark(mark: Any, path: str) -> Location:
    return Location(path, mark.line + 1, mark.column + 1)


def _duplicate_key(exc: DuplicateKeyError, path: str) -> Diagnostic:
    # ruamel words it 'found duplicate key "a" with value ...'
    problem = (exc.problem or "").split(" with value")[0].replace("found ", "")
    first = exc.context_mark
    return Diagnostic(
        "NV002", f"{problem} in this mapping", _mark(exc.problem_mark, path),
        hint=f"the first one is at line {first.line + 1}; YAML keeps only one, so merge them"
        if first else "",
    )


def _yaml_syntax(exc: MarkedYAMLError, path: str, text: str) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    location = _mark(mark, path) if mark else Location(path, 1, 1)
    problem = (exc.problem or exc.context or "invalid YAML").strip()
    hint = ""
    lines = text.splitlines()
    bad_line = lines[location.line - 1] if 0 < location.line <= len(lines) else ""
    if "\t" in bad_line or "'\\t'" in problem:
        hint = "YAML indents with spaces only; replace the tab with spaces"
    elif exc.context:
        hint = f"{exc.context}" + (
            f" (opened at line {exc.context_mark.line + 1})" if exc.context_mark else ""
        )
    return Diagnostic("NV001", problem, location, hint=hint)


# ---------------------------------------------------------------------------------------
# Positions inside the round-trip tree


def position(node: Any, path: Sequence[str | int], *, key: bool = False) -> tuple[int, int]:
    """1-based line and column of the value (or the key) at `path`, or of its nearest parent."""
    line, column = 0, 0
    for step in path:
        if isinstance(node, CommentedMap) and step in node:
            line, column = node.lc.key(step) if key else node.lc.value(step)
            node = node[step]
        elif isinstance(node, CommentedSeq) and isinstance(step, int) and step < len(node):
            line, column = node.lc.item(step)
            node = node[step]
        else:
            break
    return line + 1, column + 1


def key_path_text(path: Sequence[str | int]) -> str:
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text


# ---------------------------------------------------------------------------------------
# Schema


def _plain(node: Any) -> Any:
    if isinstance(node, Mapping):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    if isinstance(node, str):
        return str(node)
    return node


def _schema_diagnostics(document: CommentedMap, path: str) -> Iterator[Diagnostic]:
    validator = Draft7Validator(catalogue_schema(), format_checker=FormatChecker())
    for error in validator.iter_errors(_plain(document)):
        yield from _explain(error, document, path)


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


def _explain(error: ValidationError, document: CommentedMap, path: str) -> Iterator[Diagnostic]:
    where = list(error.absolute_path)
    line, column = position(document, where)
    loc = Location(path, line, column)
    subject = key_path_text(where)
    validator = error.validator
    schema = error.schema if isinstance(error.schema, dict) else {}

    if validator == "additionalProperties":
        allowed = sorted(schema.get("properties", {}))
        instance = error.instance if isinstance(error.instance, dict) else {}
        for unknown in sorted(set(instance) - set(allowed)):
            kline, kcol = position(document, [*where, unknown], key=True)
            close = difflib.get_close_matches(unknown, allowed, n=1)
            yield Diagnostic(
                "NV100", f"unknown key '{unknown}'", Location(path, kline, kcol),
                key_path_text([*where, unknown]),
                hint=f"did you mean '{close[0]}'?" if close else f"allowed here: {', '.join(allowed)}",
            )
    elif validator == "required":
        missing = str(error.message).split("'")[1]
        yield Diagnostic(
            "NV101", f"missing required field '{missing}'", loc, subject,
            hint=f"add `{missing}:` to this entry",
        )
    elif validator == "type":
        wanted = _TYPE_NAMES.get(str(error.validator_value), str(error.validator_value))
        hint = ""
        if isinstance(error.instance, bool) and wanted == "text":
            hint = "unquoted yes/no/on/off/true/false are booleans in YAML; put the text in quotes"
        elif isinstance(error.instance, int | float) and wanted == "text":
            hint = f"put it in quotes: '{error.instance}'"
        elif wanted == "a list" and isinstance(error.instance, str):
            hint = f"write a list: [{error.instance}]"
        yield Diagnostic("NV102", f"expected {wanted}, found {_describe(error.instance)}",
                         loc, subject, hint=hint)
    elif validator == "enum":
        options = [str(v) for v in error.validator_value]
        close = difflib.get_close_matches(str(error.instance), options, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        yield Diagnostic("NV103", f"{_describe(error.instance)} is not allowed here", loc,
                         subject, hint=hint + f"allowed: {', '.join(options)}")
    elif validator == "pattern" and where and (
        where[-1] in ("id", "section") or (len(where) >= 2 and where[-2] in ("articles", "sections"))
    ):
        yield Diagnostic(
            "NV104", f"{_describe(error.instance)} cannot be used in a URL", loc, subject,
            hint="use lower-case letters, digits and single hyphens, e.g. "
            f"'{_suggest_id(str(error.instance))}'",
        )
    elif validator == "pattern" and where and where[-1] in ("notebook", "script", "pdf"):
        wanted = {"notebook": ".ipynb", "script": ".py", "pdf": ".pdf"}[str(where[-1])]
        yield Diagnostic("NV301", f"{_describe(error.instance)} does not end in {wanted}",
                         loc, subject,
                         hint="notebooks go under `notebook:`, scripts under `script:`, "
                              "PDFs under `pdf:`")
    elif validator == "pattern" and where and where[-1] in ("url", "repository_url"):
        yield Diagnostic("NV105", f"{_describe(error.instance)} is not an http(s) or mailto URL",
                         loc, subject, hint="links must start with https://, http:// or mailto:")
    elif validator in ("format", "pattern") and where and where[-1] == "added":
        yield Diagnostic("NV105", f"{_describe(error.instance)} is not a date", loc, subject,
                         hint="write dates as YYYY-MM-DD, e.g. 2025-11-19")
    elif validator == "minLength":
        yield Diagnostic("NV105", "text is empty", loc, subject, hint="write something or remove the key")
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
    def __init__(self, document: CommentedMap, path: str, diagnostics: list[Diagnostic]) -> None:
        self.document = document
        self.path = path
        self.diagnostics = diagnostics

    def location(self, where: Sequence[str | int]) -> Location:
        line, column = position(self.document, where)
        return Location(self.path, line, column)

    def fields(self, where: Sequence[str | int], entry: Mapping[str, Any]) -> dict[str, Location]:
        return {str(k): self.location([*where, str(k)]) for k in entry}

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
            location=self.location(["site"]),
        )
        return Catalogue(
            site=site,
            sections=tuple(self.sections()),
            experiments=tuple(self.experiments()),
            articles=tuple(self.articles()),
            resources=tuple(self.resources()),
            path=self.path,
        )

    def sections(self) -> Iterator[Section]:
        number = 0
        for index, entry in self.entries("sections"):
            if not _is_id(entry.get("id")) or not _text(entry.get("title")):
                continue
            number += 1
            where: list[str | int] = ["sections", index]
            yield Section(
                id=str(entry["id"]),
                number=number,
                title=_text(entry["title"]),
                status=_status(entry.get("status"), Status.PLANNED),
                focus=_text(entry.get("focus")),
                description=_text(entry.get("description")),
                planned=_words(entry.get("planned")),
                location=self.location(where),
                fields=self.fields(where, entry),
            )

    def experiments(self) -> Iterator[Experiment]:
        numbers: dict[str, int] = {}
        for index, entry in self.entries("experiments"):
            if not _is_id(entry.get("id")) or not _text(entry.get("title")):
                continue
            section = _text(entry.get("section"))
            numbers[section] = numbers.get(section, 0) + 1
            where: list[str | int] = ["experiments", index]
            yield Experiment(
                id=str(entry["id"]),
                number=numbers[section],
                title=_text(entry["title"]),
                section=section,
                status=_status(entry.get("status"), Status.COMPLETED),
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
            )

    def articles(self) -> Iterator[Article]:
        number = 0
        for index, entry in self.entries("articles"):
            if not _is_id(entry.get("id")) or not _text(entry.get("title")):
                continue
            number += 1
            where: list[str | int] = ["articles", index]
            yield Article(
                id=str(entry["id"]),
                number=number,
                title=_text(entry["title"]),
                summary=_text(entry.get("summary")),
                sections=_words(entry.get("sections")),
                status=_status(entry.get("status"), Status.COMPLETED),
                pdf=_path(entry.get("pdf"), ".pdf"),
                tags=_words(entry.get("tags")),
                added=self.date(entry, where),
                location=self.location(where),
                fields=self.fields(where, entry),
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


def _is_id(value: Any) -> bool:
    return isinstance(value, str) and bool(value)


def _words(value: Any) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(str(v).strip() for v in value if isinstance(v, str) and v.strip())
    return ()


def _path(value: Any, suffix: str) -> str | None:
    return str(value) if isinstance(value, str) and value.endswith(suffix) else None


def _status(value: Any, default: Status) -> Status:
    try:
        return Status(value)
    except ValueError:
        return default
