"""Fixtures that build real sites into tmp_path and let tests read what came out."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, PluginError
from selectolax.lexbor import LexborHTMLParser

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")



def _shared_archives() -> Path:
    """../shared/archives beside the repository; from a git worktree (whose folder is
    elsewhere), beside the main checkout the worktree belongs to."""
    beside = Path(__file__).resolve().parents[2] / "shared" / "archives"
    if beside.is_dir():
        return beside
    try:
        common = subprocess.run(["git", "-C", str(Path(__file__).parent), "rev-parse",
                                 "--path-format=absolute", "--git-common-dir"],
                                capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return beside
    if common.returncode != 0 or not common.stdout.strip():
        return beside
    return Path(common.stdout.strip()).parent.parent / "shared" / "archives"


SHARED_ARCHIVES = _shared_archives()
# NEUROVERSE_SHARED_ARCHIVE points at another copy of the seed archive.
SHARED_ARCHIVE = Path(os.environ.get("NEUROVERSE_SHARED_ARCHIVE")
                      or SHARED_ARCHIVES / "neuroverse")

MKDOCS_YML = """\
site_name: Test archive
site_url: https://example.org/archive/
theme:
  name: material
  font: false
  features: [navigation.indexes]
plugins:
  - search
  - neuroverse{plugin_options}
markdown_extensions:
  - tables
  - attr_list
  - md_in_html
  - admonition
  - toc:
      permalink: true
"""


@dataclass
class BuiltSite:
    root: Path
    site_dir: Path
    log: list[str] = field(default_factory=list)
    error: str | None = None

    def path(self, url: str) -> Path:
        target = self.site_dir / url.lstrip("/")
        return target / "index.html" if url.endswith("/") or url == "" else target

    def text(self, url: str) -> str:
        return self.path(url).read_text(encoding="utf-8")

    def html(self, url: str) -> LexborHTMLParser:
        return LexborHTMLParser(self.text(url))

    def article(self, url: str) -> Any:
        """The page's main content, without navigation and header."""
        node = self.html(url).css_first("article.md-content__inner")
        assert node is not None, f"{url} has no article content"
        return node

    def search_index(self) -> list[dict[str, Any]]:
        data = json.loads((self.site_dir / "search" / "search_index.json").read_text())
        docs: list[dict[str, Any]] = data["docs"]
        return docs

    def search_index_config(self) -> dict[str, Any]:
        data = json.loads((self.site_dir / "search" / "search_index.json").read_text())
        config: dict[str, Any] = data["config"]
        return config

    def warnings(self) -> list[str]:
        return [line for line in self.log if line.startswith(("WARNING", "ERROR"))]


class _ListHandler(logging.Handler):
    def __init__(self, sink: list[str]) -> None:
        super().__init__(logging.DEBUG)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        self.sink.append(f"{record.levelname}: {record.getMessage()}")


SiteBuilder = Callable[..., BuiltSite]


def site_builder(base: Path) -> SiteBuilder:
    """A builder that writes an archive (catalogue, docs, files) under `base`, builds it and
    returns the site."""

    def _build(catalogue: str | None,
               files: dict[str, str | bytes | Callable[[Path], Any]] | None = None, *,
               strict: bool = True, plugin_options: str = "", mkdocs_yml: str | None = None,
               root: Path | None = None, expect_failure: bool = False) -> BuiltSite:
        archive = root or base / "archive"
        archive.mkdir(parents=True, exist_ok=True)
        if catalogue is not None:  # None: the archive already has its catalogue
            (archive / "catalogue.yml").write_text(textwrap.dedent(catalogue), encoding="utf-8")
        docs = archive / "docs"
        docs.mkdir(exist_ok=True)
        if not (docs / "index.md").exists():
            (docs / "index.md").write_text("# Test archive\n\nWelcome.\n")
        for relative, content in (files or {}).items():
            target = archive / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            if callable(content):
                content(target)
            elif isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content, encoding="utf-8")
        options = f":\n      {plugin_options}" if plugin_options else ""
        config_text = mkdocs_yml or MKDOCS_YML.format(plugin_options=options)
        (archive / "mkdocs.yml").write_text(config_text, encoding="utf-8")
        site_dir = archive / "site"
        built = BuiltSite(archive, site_dir)
        handler = _ListHandler(built.log)
        logger = logging.getLogger("mkdocs")
        logger.addHandler(handler)
        try:
            config = load_config(str(archive / "mkdocs.yml"), site_dir=str(site_dir),
                                 strict=strict)
            build(config)
        except (PluginError, Abort) as exc:
            built.error = str(exc)
            if not expect_failure:
                raise
        finally:
            logger.removeHandler(handler)
        if expect_failure and built.error is None:
            pytest.fail("the build was expected to fail but succeeded")
        return built

    return _build


@pytest.fixture
def build_site(tmp_path: Path) -> SiteBuilder:
    """Build a site into this test's tmp_path."""
    return site_builder(tmp_path)


@pytest.fixture(scope="module")
def build_module_site(tmp_path_factory: pytest.TempPathFactory) -> SiteBuilder:
    """Build a site once for a whole test module (its tests only read it)."""
    return site_builder(tmp_path_factory.mktemp("module-site"))


@pytest.fixture
def shared_archive() -> Path:
    if not SHARED_ARCHIVE.is_dir():
        pytest.skip("../shared/archives/neuroverse is not present")
    return SHARED_ARCHIVE
