"""The plugin's settings in mkdocs.yml, typed with MkDocs' own options, so a wrong value is
reported as MkDocs reports its own: naming the option, before any work starts."""

from __future__ import annotations

import math

from mkdocs.config import config_options as c
from mkdocs.config.base import BaseConfigOption, Config, ValidationError

from ..core.checks import DEFAULT_MAX_FILE_SIZE_MB


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


class NeuroverseConfig(Config):  # type: ignore[no-untyped-call,unused-ignore]
    catalogue = c.File(exists=False, default="catalogue.yml")
    """Path to the catalogue, relative to mkdocs.yml."""
    archive_dir = c.Optional(c.Dir(exists=True))
    """The folder notebook and PDF paths are relative to; defaults to the catalogue's folder."""
    trust_notebook_outputs = c.Type(bool, default=False)
    """Keep scripts and raw HTML in notebook outputs. Only for notebooks you wrote yourself."""
    allow_remote_images = c.Type(bool, default=False)
    """Show images from other hosts in notebooks and Markdown text. Off by default: such an
    image tells its host who reads the page; it is shown as a link instead (NV405, NV107)."""
    templates_dir = c.Optional(c.Dir(exists=True))
    """A folder of *.md.j2 templates that override the built-in ones, relative to mkdocs.yml."""
    navigation = c.Type(bool, default=True)
    """Build the navigation from the catalogue when mkdocs.yml has no `nav`."""
    max_file_size_mb = PositiveNumber(DEFAULT_MAX_FILE_SIZE_MB, unit="MB")
    """Warn (NV305) about notebooks and PDFs larger than this many megabytes."""
    cache = c.Type(bool, default=True)
    """Keep rendered notebooks and PDF facts on disk between builds (and `mkdocs serve`
    rebuilds). Safe to delete at any time; it only costs the time to render again."""
    cache_dir = c.Dir(exists=False, default=".cache/neuroverse")
    """Where the cache lives, relative to mkdocs.yml."""
    workers = c.Optional(Count())
    """Processes rendering the notebooks and PDFs missing from the cache, the build's own
    included; default: one per CPU. 1 renders everything in the build process."""
