"""The plugin's settings in mkdocs.yml, typed with MkDocs' own options, so a wrong value is
reported as MkDocs reports its own: naming the option, before any work starts."""

from __future__ import annotations

import math

from mkdocs.config import config_options as c
from mkdocs.config.base import BaseConfigOption, Config, ValidationError

from ..build.project import SERVE_WATCH_MODES, PluginOptions

# One set of defaults for the plugin and `neuroverse export`, which reads mkdocs.yml itself.
_DEFAULTS = PluginOptions()


class PositiveNumber(BaseConfigOption[float]):
    """A finite number above 0, of `unit`."""

    def __init__(self, default: float, *, unit: str) -> None:
        super().__init__()
        self.default = default
        self.unit = unit

    def run_validation(self, value: object) -> float:
        if (isinstance(value, bool) or not isinstance(value, int | float)
                or not math.isfinite(value) or value <= 0):
            raise ValidationError(f"must be a number of {self.unit} above 0, not {value!r}")
        return float(value)


class Count(BaseConfigOption[int]):
    """A whole number from 1."""

    def run_validation(self, value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValidationError(f"must be a whole number from 1, not {value!r}")
        return value


class PageCount(BaseConfigOption[int]):
    """A whole number from 0."""

    def __init__(self, default: int) -> None:
        super().__init__()
        self.default = default

    def run_validation(self, value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValidationError(f"must be a whole number from 0, not {value!r}")
        return value


class NeuroverseConfig(Config):  # type: ignore[no-untyped-call,unused-ignore]
    catalogue = c.File(exists=False, default=_DEFAULTS.catalogue)
    """Path to the catalogue, relative to mkdocs.yml."""
    archive_dir = c.Optional(c.Dir(exists=True))
    """The folder notebook and PDF paths are relative to; defaults to the catalogue's folder."""
    trust_notebook_outputs = c.Type(bool, default=_DEFAULTS.trust_notebook_outputs)
    """Keep scripts and raw HTML in notebook outputs. Only for notebooks you wrote yourself."""
    allow_remote_images = c.Type(bool, default=_DEFAULTS.allow_remote_images)
    """Show images from other hosts in notebooks and Markdown text. Off by default: such an
    image tells its host who reads the page; it is shown as a link instead (NV405, NV107)."""
    templates_dir = c.Optional(c.Dir(exists=True))
    """A folder of *.md.j2 templates that override the built-in ones, relative to mkdocs.yml."""
    navigation = c.Type(bool, default=_DEFAULTS.navigation)
    """Build the navigation from the catalogue when mkdocs.yml has no `nav`."""
    max_file_size_mb = PositiveNumber(_DEFAULTS.max_file_size_mb, unit="MB")
    """Warn (NV305) about notebooks and PDFs larger than this many megabytes."""
    cache = c.Type(bool, default=_DEFAULTS.cache)
    """Keep rendered notebooks and PDF facts on disk between builds (and `mkdocs serve`
    rebuilds). Safe to delete at any time; it only costs the time to render again."""
    cache_dir = c.Dir(exists=False, default=_DEFAULTS.cache_dir)
    """Where the cache lives, relative to mkdocs.yml."""
    pdf_pages = PageCount(_DEFAULTS.pdf_pages)
    """Pages of each PDF shown on its article page (as images and text); the page says
    when a PDF has more and links the download. 0 shows none, only the first page's
    thumbnail."""
    workers = c.Optional(Count())
    """Processes rendering the notebooks and PDFs missing from the cache, the build's own
    included; default: one per CPU. 1 renders everything in the build process."""
    serve_watch = c.Choice(SERVE_WATCH_MODES, default=_DEFAULTS.serve_watch)
    """How `mkdocs serve` hears of saved files: "native" (the system reports each change as
    it happens) or "polling" (MkDocs' own check every 0.5 s, for network and other file
    systems that report no changes)."""
    background_drawing = c.Type(bool, default=_DEFAULTS.background_drawing)
    """Draw PDF page images in a process of their own while MkDocs makes the pages: a cold
    build with many PDF pages takes less time on two or more CPUs, and more memory at once
    (the drawing process beside the build's, which holds every page then). Off: they are
    drawn with the notebooks, before the pages are made."""
