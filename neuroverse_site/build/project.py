"""An MkDocs project as `neuroverse export` reads it: mkdocs.yml kept as a round-trip YAML
document (comments, `!ENV` and `!!python/name` tags survive), the `neuroverse` plugin's
options, and where the pages are.

MkDocs itself is not imported here (only plugin/ does): the export must also run where the
site is built by another engine, and it rewrites mkdocs.yml rather than resolving it, so
`!ENV` values are still read when the exported project is built.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from ..core.checks import DEFAULT_MAX_FILE_SIZE_MB
from ..core.diagnostics import Diagnostic
from ..core.model import Location

PLUGIN_NAME = "neuroverse"
# The Markdown extensions the generated pages are written with; the plugin and the export
# both refuse to go on without them rather than enable them behind the user's back.
REQUIRED_EXTENSIONS = ("tables", "attr_list", "md_in_html", "admonition")


@dataclass(frozen=True)
class PluginOptions:
    """The `neuroverse` entry of mkdocs.yml. The plugin's typed MkDocs config takes its
    defaults from here, so the export reads a project exactly as a build would."""

    catalogue: str = "catalogue.yml"
    archive_dir: str | None = None
    trust_notebook_outputs: bool = False
    allow_remote_images: bool = False
    templates_dir: str | None = None
    navigation: bool = True
    max_file_size_mb: float = DEFAULT_MAX_FILE_SIZE_MB
    cache: bool = True
    cache_dir: str = ".cache/neuroverse"
    # Pages of each PDF drawn on its article page (build/pdfs.py's DEFAULT_MAX_PAGES; kept
    # as a number here so reading mkdocs.yml loads no PDF library).
    pdf_pages: int = 40
    workers: int | None = None
    # How `mkdocs serve` hears of a saved file: "native" (the system tells it) or "polling"
    # (every 0.5 s, MkDocs' own way; for file systems that send no events).
    serve_watch: str = "native"
    # Draw PDF page images in a process of their own while MkDocs makes the pages (a cold
    # build takes less time, and more memory at once); off: drawn with the rest, first.
    background_drawing: bool = False


_OPTION_TYPES: dict[str, tuple[type, ...]] = {
    "catalogue": (str,), "archive_dir": (str,), "trust_notebook_outputs": (bool,),
    "allow_remote_images": (bool,),
    "templates_dir": (str,), "navigation": (bool,), "max_file_size_mb": (int, float),
    "cache": (bool,), "cache_dir": (str,), "pdf_pages": (int,), "workers": (int,),
    "serve_watch": (str,), "background_drawing": (bool,),
}
SERVE_WATCH_MODES = ("native", "polling")
_OPTIONAL = {"archive_dir", "templates_dir", "workers"}


class ProjectError(Exception):
    """mkdocs.yml, or the folder asked for, cannot be used; carries the diagnostic to print."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.format())
        self.diagnostic = diagnostic


@dataclass
class Project:
    config_file: Path
    document: CommentedMap  # mkdocs.yml as written, to be rewritten for the export
    options: PluginOptions
    plugin_key: str | int  # where the neuroverse entry sits in `plugins` (name or index)
    display: str  # mkdocs.yml as the user named it, for messages

    @property
    def config_dir(self) -> Path:
        return self.config_file.parent

    @property
    def docs_dir(self) -> Path:
        return self.config_dir / str(self.document.get("docs_dir") or "docs")

    @property
    def use_directory_urls(self) -> bool:
        value = self.document.get("use_directory_urls", True)
        return value if isinstance(value, bool) else True

    @property
    def catalogue_path(self) -> Path:
        return self.config_dir / self.options.catalogue

    @property
    def archive_root(self) -> Path:
        archive_dir = self.options.archive_dir
        return (self.config_dir / archive_dir).resolve() if archive_dir else self.catalogue_path.parent

    def where(self, *keys: str | int) -> Location:
        """The place in mkdocs.yml of a key path (its last key that exists)."""
        node: Any = self.document
        line, column = 0, 0
        for key in keys:
            if not isinstance(node, (CommentedMap, CommentedSeq)):
                break
            try:
                line, column = (node.lc.key(key) if isinstance(node, CommentedMap)
                                else node.lc.item(key))
                node = node[key]
            except (KeyError, IndexError, TypeError):
                break
        return Location(self.display, line + 1, column + 1)

    def problem(self, message: str, *keys: str | int, hint: str = "") -> ProjectError:
        return ProjectError(Diagnostic("NV502", message, self.where(*keys),
                                       ".".join(str(k) for k in keys), hint))


def project_yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 100
    yaml.preserve_quotes = True
    return yaml


def read_project(config_file: Path, display: str | None = None) -> Project:
    """Read mkdocs.yml and the `neuroverse` plugin's options; a ProjectError says what
    stops an export (unreadable file, no neuroverse plugin, an option of the wrong type,
    a missing Markdown extension, a setting the export cannot carry over)."""
    display = display or config_file.name
    document = _load_settings(config_file, display)
    project = Project(config_file.resolve(), document, PluginOptions(), 0, display)
    project.plugin_key, raw = _plugin_entry(project)
    project.options = _options(project, raw)
    extensions = _extension_names(document.get("markdown_extensions"))
    missing = [name for name in REQUIRED_EXTENSIONS if name not in extensions]
    if missing:
        raise project.problem(
            "the generated pages need the Markdown extensions " + ", ".join(missing),
            "markdown_extensions",
            hint="add them to mkdocs.yml under markdown_extensions: " + ", ".join(missing))
    return project


def _load_settings(config_file: Path, display: str, seen: tuple[Path, ...] = ()) -> CommentedMap:
    """One settings file, with the files it INHERITs merged under it as MkDocs merges them
    (mappings key by key, anything else replaced by the child's value). Paths stay relative
    to the first file, as for MkDocs."""
    try:
        document = project_yaml().load(config_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ProjectError(Diagnostic(
            "NV502", f"cannot read {display}: {getattr(exc, 'strerror', None) or exc}",
            Location(display, 1, 1), hint="run the command beside mkdocs.yml, or name it "
            "with --config-file")) from exc
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = (Location(display, mark.line + 1, mark.column + 1) if mark is not None
                 else Location(display, 1, 1))
        raise ProjectError(Diagnostic(
            "NV502", f"{display} is not valid YAML: {getattr(exc, 'problem', None) or exc}",
            where, hint="`mkdocs build` reports the same; fix it there first")) from exc
    if not isinstance(document, CommentedMap):
        raise ProjectError(Diagnostic("NV502", f"{display} is not a mapping of settings",
                                      Location(display, 1, 1)))
    parent_name = document.pop("INHERIT", None)
    if parent_name is None:
        return document
    parent_path = (config_file.parent / str(parent_name)).resolve()
    if parent_path in seen or parent_path == config_file.resolve():
        raise ProjectError(Diagnostic("NV502", f"{display} inherits from itself through "
                                      f"INHERIT: {parent_name}", Location(display, 1, 1)))
    parent = _load_settings(parent_path, str(parent_name), (*seen, config_file.resolve()))
    return _merged(parent, document)


def _merged(parent: CommentedMap, child: CommentedMap) -> CommentedMap:
    for key, value in child.items():
        below = parent.get(key)
        parent[key] = (_merged(below, value)
                       if isinstance(below, CommentedMap) and isinstance(value, CommentedMap)
                       else value)
    return parent


def _plugin_entry(project: Project) -> tuple[str | int, Any]:
    plugins = project.document.get("plugins")
    if isinstance(plugins, CommentedMap) and PLUGIN_NAME in plugins:
        return PLUGIN_NAME, plugins[PLUGIN_NAME]
    if isinstance(plugins, CommentedSeq):
        for index, item in enumerate(plugins):
            if item == PLUGIN_NAME:
                return index, None
            if isinstance(item, CommentedMap) and PLUGIN_NAME in item:
                return index, item[PLUGIN_NAME]
    raise project.problem(
        f"mkdocs.yml does not use the {PLUGIN_NAME} plugin, so there is nothing to export",
        "plugins", hint=f"add `- {PLUGIN_NAME}` under plugins, or name the right file with "
        "--config-file")


def _options(project: Project, raw: Any) -> PluginOptions:
    if raw is None:
        return PluginOptions()
    keys: tuple[str | int, ...] = ("plugins", project.plugin_key)
    if isinstance(project.plugin_key, int):
        keys += (PLUGIN_NAME,)
    if not isinstance(raw, CommentedMap):
        raise project.problem("the plugin's options must be a mapping", *keys)
    known = {f.name for f in fields(PluginOptions)}
    values: dict[str, Any] = {}
    for name, value in raw.items():
        if name == "enabled":  # MkDocs' own switch for every plugin
            continue
        if name not in known:
            raise project.problem(f"unknown option '{name}'", *keys, name,
                                  hint="known: " + ", ".join(sorted(known)))
        types = _OPTION_TYPES[name]
        wrong_bool = isinstance(value, bool) and bool not in types
        in_range = not isinstance(value, int | float) or isinstance(value, bool) or (
            (name != "max_file_size_mb" or (math.isfinite(value) and value > 0))
            and (name != "workers" or value >= 1) and (name != "pdf_pages" or value >= 0))
        in_range = in_range and (name != "serve_watch" or value in SERVE_WATCH_MODES)
        if (value is None and name in _OPTIONAL) or (
                isinstance(value, types) and not wrong_bool and in_range):
            values[name] = value
            continue
        raise project.problem(
            f"'{value}' is not a valid value for {name}", *keys, name,
            hint="expected " + ("native or polling" if name == "serve_watch" else
                                " or ".join(t.__name__ for t in types))
            + {"max_file_size_mb": " above 0", "workers": " from 1",
               "pdf_pages": " from 0"}.get(name, ""))
    return PluginOptions(**values)


def _extension_names(extensions: Any) -> list[str]:
    """Names from `markdown_extensions`, a list of names and one-key mappings, or a mapping."""
    if isinstance(extensions, CommentedMap):
        return [str(name) for name in extensions]
    names: list[str] = []
    for item in extensions if isinstance(extensions, CommentedSeq) else []:
        if isinstance(item, str):
            names.append(item)
        elif isinstance(item, CommentedMap):
            names.extend(str(name) for name in item)
    return names
