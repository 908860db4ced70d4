"""`neuroverse export DIR`: the site as a plain MkDocs project that needs no plugin of ours.

Engines that read mkdocs.yml but do not run MkDocs plugins (Zensical) skip the plugin
without a word and publish a site without one generated page. The export gives them, and a
plain `mkdocs build`, the same pages: it runs the same check, the same rendering and cache
(`build_site_content`) as the plugin, then writes what the plugin would have handed MkDocs
as files:

    DIR/mkdocs.yml   the user's settings, the neuroverse plugin removed, the navigation
                     written out, our stylesheet in extra_css
    DIR/docs/        the hand-written pages (the home page filled in), every generated page
                     as Markdown (an experiment's rendered notebook embedded as raw HTML),
                     every notebook, image, thumbnail, PDF and article page image; an
                     article's page texts written into its page

Nothing is written outside DIR (the render cache beside mkdocs.yml aside, as for a build).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path
from typing import Any

import markdown
from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar

from ..core.checks import CheckOptions, check_file, publishable
from ..core.diagnostics import Diagnostic, has_errors
from ..core.model import Location
from .batch import BatchRenderer, Progress
from .cache import Cache
from .feed import atom_feed
from .navigation import HOME_URI, site_navigation
from .notebooks import IMAGE_FOLDER, NotebookOptions
from .project import REQUIRED_EXTENSIONS, Project, ProjectError, project_yaml, read_project
from .render import (
    ASSETS_DIR,
    FEED_URI,
    NOTE_MARKER,
    NOTEBOOK_MARKER,
    STYLESHEET_PATH,
    STYLESHEET_URI,
    article_id_of,
    article_uri,
    experiment_uri,
    page_url,
)
from .site import (
    SiteContent,
    build_site_content,
    checked_page_html,
    home_page,
    note_block,
    notebook_block,
    settings_from_catalogue,
    with_page_texts,
)

# Lists the files the last export wrote, so `--force` replaces exactly those and never a
# file someone else put in DIR (a built site/, a zensical.toml, notes).
EXPORT_STAMP = ".neuroverse-export"
EXPORT_DOCS = "docs"
# The file name endings MkDocs reads as pages.
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkdn", ".mkd")
# YAML front matter as MkDocs reads it (mkdocs.utils.meta).
_FRONT_MATTER = re.compile(r"^-{3}[ \t]*\n.*?\n(?:\.{3}|-{3})[ \t]*\n", re.DOTALL)


@dataclass
class ExportResult:
    problems: list[Diagnostic] = field(default_factory=list)
    written: list[str] = field(default_factory=list)  # paths inside DIR, sorted
    pages: int = 0  # Markdown pages in DIR/docs
    refused: bool = False  # warnings that an export cannot fix as the plugin does

    @property
    def failed(self) -> bool:
        return self.refused or has_errors(self.problems)


Content = bytes | Path  # bytes to write, or a file to copy


def export_site(config_file: Path, out_dir: Path, *, force: bool = False,
                display: str | None = None,
                report: Callable[[Progress], None] | None = None) -> ExportResult:
    """Export the project of `config_file` into `out_dir`. Problems come back as
    diagnostics, never as exceptions; with any error nothing is written."""
    try:
        project = read_project(config_file, display)
        target = _usable_target(project, out_dir, force=force)
    except ProjectError as refused:
        return ExportResult([refused.diagnostic])
    options = project.options
    checked = check_file(project.catalogue_path, project.archive_root, CheckOptions(
        max_file_size_mb=options.max_file_size_mb, read_contents=False))
    if checked.catalogue is None or has_errors(checked.diagnostics):
        return ExportResult(checked.diagnostics)
    cache = Cache(project.config_dir / options.cache_dir) if options.cache else None
    batch = BatchRenderer(NotebookOptions(trust_outputs=options.trust_notebook_outputs,
                                          allow_remote_images=options.allow_remote_images,
                                          archive_root=str(project.archive_root)),
                          cache, workers=options.workers)
    content = build_site_content(
        publishable(checked.catalogue), project.archive_root, batch,
        use_directory_urls=project.use_directory_urls,
        templates_dir=(project.config_dir / options.templates_dir
                       if options.templates_dir else None),
        report=report, problems=checked.diagnostics)
    if has_errors(content.problems):
        return ExportResult(content.problems)
    unsafe = _links_the_plugin_would_remove(project, content)
    if unsafe:
        # The plugin strips these from the page after Markdown (NV107); an export hands
        # Markdown to another engine, which would publish them. Nothing is written.
        return ExportResult([*content.problems, *unsafe], refused=True)
    try:
        files = _exported_files(project, content, target)
    except ProjectError as refused:
        return ExportResult([*content.problems, refused.diagnostic])
    try:
        _remove_previous_export(target)
        written = _write(target, files)
    except OSError as exc:
        return ExportResult([*content.problems, Diagnostic(
            "NV501", f"cannot write into {out_dir}: {exc.strerror or exc}"
            + (f" ({exc.filename})" if exc.filename else ""), None, "",
            "check the folder's permissions and free space, or choose another folder")])
    pages = sum(name.startswith(f"{EXPORT_DOCS}/") and name.endswith(MARKDOWN_SUFFIXES)
                for name in written)
    return ExportResult(content.problems, written, pages)


# ---------------------------------------------------------------------------------------
# The target folder


def _usable_target(project: Project, out_dir: Path, *, force: bool) -> Path:
    """DIR, resolved, once it is sure the export cannot overwrite the project: never the
    project's folder or one holding it, never inside docs_dir (the export would be copied
    into itself); an existing non-empty DIR only with `force`."""
    target = out_dir.resolve()
    shown = str(out_dir)

    def refuse(message: str, hint: str) -> ProjectError:
        return ProjectError(Diagnostic("NV501", message, None, "", hint))

    if project.config_dir.is_relative_to(target):
        raise refuse(f"{shown} holds the project itself (mkdocs.yml is in it)",
                     "export into a new folder, such as build/export")
    docs_dir = project.docs_dir.resolve()
    if target.is_relative_to(docs_dir):
        raise refuse(f"{shown} is inside docs_dir ({project.docs_dir.name}/), so the export "
                     "would become part of the site it exports", "export into a folder outside "
                     "docs_dir, such as build/export")
    if target.exists() and not target.is_dir():
        raise refuse(f"{shown} exists and is not a folder", "name a new or empty folder")
    if target.is_dir() and any(target.iterdir()) and not force:
        raise refuse(f"{shown} is not empty",
                     "name a new or empty folder, or pass --force to write over it: --force "
                     "first removes the files a previous export wrote there and nothing else")
    return target


def _remove_previous_export(target: Path) -> None:
    """Remove the files the stamp lists (a previous export's), then folders they leave
    empty. Only regular files inside `target` are touched, whatever the stamp says."""
    stamp = target / EXPORT_STAMP
    try:
        listed = stamp.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return
    folders: set[Path] = set()
    for name in listed:
        path = target / name
        if (name and not os.path.isabs(name) and ".." not in Path(name).parts
                and path.is_file() and not path.is_symlink()):
            path.unlink()
            folders.update(p for p in path.parents if p != target and p.is_relative_to(target))
    for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    stamp.unlink()


def _write(target: Path, files: dict[str, Content]) -> list[str]:
    names = sorted(files)
    for name in names:
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_symlink():  # never write through a link someone left in DIR
            path.unlink()
        content = files[name]
        if isinstance(content, Path):
            shutil.copyfile(content, path)
        else:
            path.write_bytes(content)
    (target / EXPORT_STAMP).write_text("".join(f"{name}\n" for name in names), encoding="utf-8")
    return names


# ---------------------------------------------------------------------------------------
# What goes into DIR


def _links_the_plugin_would_remove(project: Project, content: SiteContent) -> list[Diagnostic]:
    """The check the plugin runs on each generated page's HTML (`checked_page_html`), run
    here on the pages as Markdown with the extensions they are written for makes them."""
    converter = markdown.Markdown(extensions=list(REQUIRED_EXTENSIONS))
    found: list[Diagnostic] = []
    for page in content.pages:
        text = page.markdown
        front = _FRONT_MATTER.match(text)
        html = converter.reset().convert(text[front.end():] if front else text)
        found += checked_page_html(content.renderer.catalogue, page.src_uri, html,
                                   allow_remote_images=project.options.allow_remote_images)[1]
    return found



def _exported_files(project: Project, content: SiteContent, target: Path) -> dict[str, Content]:
    files: dict[str, Content] = {}
    handwritten = _handwritten_files(project, target)
    generated: dict[str, Content] = {}
    bodies = {experiment_uri(experiment_id): body
              for experiment_id, body in content.bodies.items()}
    notes = {article_uri(article_id): note for article_id, note in content.notes.items()}
    for page in content.pages:
        markdown = page.markdown
        body = bodies.get(page.src_uri)
        url = page_url(page.src_uri, project.use_directory_urls)
        if body is not None:
            # A raw HTML block needs lines of its own, and a blank line after it.
            block = notebook_block(body, url, inline_images=True)
            markdown = markdown.replace(NOTEBOOK_MARKER, f"\n{block}\n\n", 1)
        note = notes.get(page.src_uri)
        if note is not None:
            # As the notebook: a raw HTML block, its images inside it (its image files
            # are published too, below, for the links that lead to them).
            block = note_block(note, url, inline_images=True)
            markdown = markdown.replace(NOTE_MARKER, f"\n{block}\n\n", 1)
        article = content.renderer.facts.articles.get(article_id_of(page.src_uri) or "")
        if article is not None:
            # Inside the page's raw <details> block, which Markdown leaves as it is.
            markdown = with_page_texts(markdown, article)[0]
        generated[page.src_uri] = markdown.encode("utf-8")
    # Notebook images travel inside their pages; the cards' thumbnails, in the same folder,
    # are files that the cards link to.
    inlined = {f"{ASSETS_DIR}/{IMAGE_FOLDER}/{image.name}"
               for body in content.bodies.values() for image in body.assets}
    for asset in content.assets:
        if asset.src_uri not in inlined:
            generated[asset.src_uri] = asset.source_path or asset.content or b""
    generated[STYLESHEET_URI] = STYLESHEET_PATH
    site_url = _site_url(project.document.get("site_url"))
    if site_url:  # the feed's links are absolute, as the plugin's (see on_files there)
        feed = atom_feed(content.renderer.catalogue, site_url,
                         use_directory_urls=project.use_directory_urls)
        if feed is not None:
            generated[FEED_URI] = feed
    clashes = sorted(set(handwritten) & set(generated))
    if clashes:
        raise ProjectError(Diagnostic(
            "NV503", f"{project.docs_dir.name}/ already has files at the paths of generated "
            f"pages or assets: {', '.join(clashes[:5])}" + (" ..." if len(clashes) > 5 else ""),
            Location(project.display, 1, 1), "docs_dir",
            "rename or move them; the site generates those paths from the catalogue"))
    for uri, source in handwritten.items():
        if uri == HOME_URI:
            text = source.read_text(encoding="utf-8")
            front = _FRONT_MATTER.match(text)
            head, body_text = (text[:front.end()], text[front.end():]) if front else ("", text)
            files[f"{EXPORT_DOCS}/{uri}"] = (
                head + home_page(content.renderer, body_text, [])).encode("utf-8")
        else:
            files[f"{EXPORT_DOCS}/{uri}"] = source
    files.update({f"{EXPORT_DOCS}/{uri}": data for uri, data in generated.items()})
    extra = _carried_over(project)
    files.update(extra)
    nav_pages = [uri for uri in handwritten if uri.endswith(MARKDOWN_SUFFIXES)]
    files["mkdocs.yml"] = _exported_config(project, content, nav_pages,
                                           {page.src_uri for page in content.pages})
    return files


def _handwritten_files(project: Project, target: Path) -> dict[str, Path]:
    """Every file under docs_dir by its path there (MkDocs applies exclude_docs itself)."""
    docs_dir = project.docs_dir
    if not docs_dir.is_dir():
        return {}
    found: dict[str, Path] = {}
    for folder, subfolders, names in os.walk(docs_dir):
        subfolders.sort()
        here = Path(folder)
        subfolders[:] = [s for s in subfolders if not (here / s).resolve().is_relative_to(target)]
        for name in sorted(names):
            path = here / name
            if path.is_file():
                found[path.relative_to(docs_dir).as_posix()] = path
    return found


def _carried_over(project: Project) -> dict[str, Content]:
    """Files mkdocs.yml names relative to itself that the exported project still needs:
    the theme's custom_dir and hooks, copied beside the exported mkdocs.yml."""
    files: dict[str, Content] = {}
    theme = project.document.get("theme")
    custom_dir = theme.get("custom_dir") if isinstance(theme, CommentedMap) else None
    if isinstance(custom_dir, str):
        folder = project.config_dir / custom_dir
        if not folder.is_dir():
            raise project.problem(f"theme.custom_dir '{custom_dir}' is not a folder",
                                  "theme", "custom_dir")
        name = _carried_name(folder)
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                files[f"{name}/{path.relative_to(folder).as_posix()}"] = path
    hooks = project.document.get("hooks")
    for index, hook in enumerate(hooks if isinstance(hooks, CommentedSeq) else []):
        path = project.config_dir / str(hook)
        if not path.is_file():
            raise project.problem(f"hook '{hook}' is not a file", "hooks", index)
        files[f"hooks/{path.name}"] = path
    return files


def _carried_name(folder: Path) -> str:
    name = folder.name
    return "overrides" if name in (EXPORT_DOCS, "site", "hooks", "") else name


def _exported_config(project: Project, content: SiteContent, handwritten: list[str],
                     generated: set[str]) -> bytes:
    document = project.document  # read for this export only: rewritten in place
    plugins = document["plugins"]
    del plugins[project.plugin_key]
    if "docs_dir" in document:
        document["docs_dir"] = EXPORT_DOCS
    # The export builds into its own site/; the catalogue and notebooks it watched are
    # already in docs/, which every engine watches.
    for key in ("site_dir", "watch"):
        document.pop(key, None)
    theme = document.get("theme")
    if isinstance(theme, CommentedMap) and isinstance(theme.get("custom_dir"), str):
        theme["custom_dir"] = _carried_name(project.config_dir / theme["custom_dir"])
    hooks = document.get("hooks")
    if isinstance(hooks, CommentedSeq):
        for index, hook in enumerate(hooks):
            hooks[index] = f"hooks/{Path(str(hook)).name}"
    extra_css = document.get("extra_css")
    if not isinstance(extra_css, CommentedSeq):
        extra_css = document["extra_css"] = CommentedSeq()
    if STYLESHEET_URI not in extra_css:
        extra_css.append(STYLESHEET_URI)
    if project.options.navigation and document.get("nav") is None:
        document["nav"] = _plain(site_navigation(content.renderer.catalogue, handwritten,
                                                 generated=generated))
    settings = settings_from_catalogue(
        content.renderer.catalogue.site, repo_url=_has_value(document.get("repo_url")),
        repo_name=_has_value(document.get("repo_name")),
        site_description=_has_value(document.get("site_description")))
    for key, value in settings.items():
        document[key] = _with_default(document.get(key), value)
    document.yaml_set_start_comment(
        f"Exported by `neuroverse export` from {project.display}: a plain MkDocs project that\n"
        "needs no neuroverse plugin. Export again rather than editing it.")
    text = StringIO()
    project_yaml().dump(document, text)
    return text.getvalue().encode("utf-8")


def _plain(value: Any) -> Any:
    """The navigation as YAML nodes (lists and one-key mappings of titles to paths)."""
    if isinstance(value, list):
        return CommentedSeq(_plain(item) for item in value)
    if isinstance(value, dict):
        mapping = CommentedMap()
        for key, item in value.items():
            mapping[key] = _plain(item)
        return mapping
    return value


def _site_url(node: Any) -> str | None:
    """`site_url` as the build will read it: a plain value, or for `!ENV [VAR, ...,
    default]` the first variable set, else the default (as MkDocs' `!ENV` reads it)."""
    if isinstance(node, str) and not isinstance(node, TaggedScalar):
        return node or None
    if getattr(getattr(node, "tag", None), "value", None) != "!ENV":
        return None
    names = [node.value] if isinstance(node, TaggedScalar) else list(node)
    for name in names[:-1] if len(names) > 1 else names:
        if os.environ.get(str(name)):
            return os.environ[str(name)]
    return str(names[-1]) if len(names) > 1 and names[-1] else None


def _has_value(node: Any) -> bool:
    """Whether a setting is given. An `!ENV VAR` without a default may be unset when the
    export is built; it counts as not given, and gets the catalogue's value as default."""
    if _env_without_default(node):
        return False
    return node is not None and node != ""


def _env_without_default(node: Any) -> bool:
    tag = getattr(getattr(node, "tag", None), "value", None)
    if tag != "!ENV":
        return False
    return isinstance(node, TaggedScalar) or (isinstance(node, CommentedSeq) and len(node) < 2)


def _with_default(node: Any, value: str) -> Any:
    """`value`, or for `!ENV VAR`, `!ENV [VAR, value]`: the variable still wins when set."""
    if not _env_without_default(node):
        return value
    names = [node.value] if isinstance(node, TaggedScalar) else list(node)
    sequence = CommentedSeq([*names, value])
    sequence.fa.set_flow_style()
    sequence.yaml_set_ctag(node.tag)
    return sequence
