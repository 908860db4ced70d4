"""How generated assets become MkDocs files: linked from the cache, copied from the archive,
or written from memory."""

from __future__ import annotations

import os
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File

from ..build.site import GeneratedAsset, LaterImage


class LinkedFile(File):
    """An image or thumbnail held in the render cache, hard-linked into the site instead of
    copied when the file system allows.

    Writing hundreds of megabytes of images was a third of a rebuild; a link is one system
    call. Only cache blobs are linked, never the archive's own notebooks and PDFs: a tool
    that edits a file of `site/` in place would edit the source through a link. A blob is
    named by its checksum and checked when read, so an edit through the link reads as a
    miss and is rendered again. If linking fails (another file system, a blob just evicted
    by a concurrent build), the file is written from `fallback`, or copied."""

    fallback: bytes | None = None

    def is_modified(self) -> bool:
        # A blob's name in the site is not its checksum (an article's page-2.jpg), and a
        # blob can be older than the file it replaces (a PDF put back as it was), so the
        # modification times MkDocs compares say nothing: the site's file is current when
        # it is the blob itself.
        assert self.abs_src_path is not None
        try:
            return not os.path.samefile(self.abs_src_path, self.abs_dest_path)
        except OSError:
            return True

    def copy_file(self, dirty: bool = False) -> None:
        if dirty and not self.is_modified():
            return
        assert self.abs_src_path is not None
        target = Path(self.abs_dest_path)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.unlink(missing_ok=True)
            os.link(self.abs_src_path, target)
        except OSError:
            if self.fallback is not None:
                target.write_bytes(self.fallback)
            else:
                super().copy_file(dirty)


class LaterFile(LinkedFile):
    """A PDF image still being drawn when MkDocs copies the site's files (see
    build.site.LaterImage): nothing is written then; once drawn, `publish` links it from
    the cache like any LinkedFile. Its address and size are known before its bytes, so
    the pages that show it are built meanwhile."""

    later: LaterImage

    def copy_file(self, dirty: bool = False) -> None:
        if self.abs_src_path is not None:
            super().copy_file(dirty)

    def publish(self, blob: Path, dirty: bool = False) -> None:
        self.abs_src_path = str(blob)
        self._content = None
        self.copy_file(dirty)


def published_file(config: MkDocsConfig, asset: GeneratedAsset) -> File:
    """The MkDocs file that publishes a generated asset: copied from the archive, linked
    from the cache, written from memory, or (`later`) linked once it is drawn."""
    if asset.later is not None:
        # Made with (empty) content so that it has no source until it is drawn.
        later = LaterFile.generated(config, asset.src_uri, content=b"")
        assert isinstance(later, LaterFile)
        later.later = asset.later
        return later
    if asset.source_path is not None:
        return File.generated(config, asset.src_uri, abs_src_path=str(asset.source_path))
    if asset.cached_path is not None:
        linked = LinkedFile.generated(config, asset.src_uri, abs_src_path=str(asset.cached_path))
        assert isinstance(linked, LinkedFile)  # File.generated builds its own class
        # The bytes stay in memory only when the blob is not there to copy from: a build
        # evicts only blobs nobody touched since it started, and this build just read it.
        # (os.path, not pathlib: this runs for each of a site's thousands of images.)
        linked.fallback = None if os.path.isfile(asset.cached_path) else asset.content
        return linked
    return File.generated(config, asset.src_uri, content=asset.content or b"")


class PublishedFiles:
    """A serve session's files of generated assets that have a file to publish from (the
    archive's notebooks and PDFs, the cache's images), kept from one build to the next.

    Making thousands of MkDocs `File`s (their paths parsed, destinations and URLs worked
    out) was a measurable part of every save's rebuild, and the same ones are made each
    time. One is used again only while it is exactly as it was made: the same asset name,
    source file, site folder and URL style, and every attribute as it was after it was
    made, so a plugin that changed it during the last build (its destination, whether it
    is included) gets a new one. Only the files of the last build are kept."""

    def __init__(self) -> None:
        self._kept: dict[tuple[object, ...], tuple[File, dict[str, object]]] = {}
        self._fresh: dict[tuple[object, ...], tuple[File, dict[str, object]]] = {}
        self.reused = 0  # files the last build took from here (for tests and profiles)

    def begin(self) -> None:
        self._fresh = {}
        self.reused = 0

    def end(self) -> None:
        self._kept, self._fresh = self._fresh, {}

    def file(self, config: MkDocsConfig, asset: GeneratedAsset) -> File:
        path = asset.source_path if asset.source_path is not None else asset.cached_path
        if path is None:  # written from memory: nothing to compare it by but its bytes
            return published_file(config, asset)
        key = (asset.src_uri, str(path), asset.source_path is not None, config.site_dir,
               config.use_directory_urls)
        kept = self._kept.get(key)
        if kept is not None:
            file, made = kept
            # MkDocs decides each build whether a file it was given undecided is included
            # (exclude_docs, not_in_nav), writing the answer on the file: undecided again,
            # as a new one, it is decided again with this build's settings.
            if vars(file) == {**made, "inclusion": file.inclusion}:
                file.inclusion = made["inclusion"]  # type: ignore[assignment]
                if isinstance(file, LinkedFile):
                    # As published_file decides it, now: the blob may be gone since.
                    file.fallback = made["fallback"] = (
                        None if os.path.isfile(str(path)) else asset.content)
                self.reused += 1
                self._fresh[key] = (file, made)
                return file
        file = published_file(config, asset)
        # Worked out now, so that what is compared next time is all of it.
        _ = (file.dest_uri, file.url, file.abs_src_path, file.abs_dest_path, file.name)
        self._fresh[key] = (file, dict(vars(file)))
        return file
