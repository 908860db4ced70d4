"""How `mkdocs serve` learns that a file changed: the operating system tells it, instead of
MkDocs' polling.

MkDocs 1.6 always watches with watchdog's `PollingObserver(timeout=0.5)`: a save is seen
0-0.5 s later (0.25 s on average) and every watched tree is walked twice a second. The
native observer (inotify on Linux, FSEvents on macOS, ReadDirectoryChangesW on Windows) is
told of the write as it happens. `use_native_watching` puts it in the polling observer's
place from `on_serve`, MkDocs' hook for shaping the server, and keeps every watch MkDocs and
other plugins registered before and after it.

Three differences between the two kinds of observer are handled here, each of which would
otherwise be a bug the polling observer never showed:

- A native observer also reports files being opened and read (inotify's IN_OPEN,
  IN_CLOSE_NOWRITE). MkDocs rebuilds on any file event, and a build reads the files it
  watches: every build would start the next. Only the kinds of change polling reports
  (created, modified, moved, deleted; and attribute changes, which polling sees as a new
  mtime, e.g. `touch`) reach MkDocs.
- A watch on a single file follows that file's inode in some watchdog versions; an editor
  that saves by writing a temporary file and renaming it over the original replaces the
  inode, and the next saves would go unseen. A file is watched through its folder instead
  (not recursively), and only events naming it are passed on.
- Native watching can fail where polling works: no inotify (some containers), the
  per-user watch limit reached (`fs.inotify.max_user_watches`, an OSError when the
  observer starts), a network file system that sends no events (the owner then sets
  `serve_watch: polling`). A failure to start puts MkDocs' own polling observer back, with
  one line in the log.

MkDocs keeps its watches in `LiveReloadServer.observer`, `_watched_paths` and `_watch_refs`;
the last two are private. A server without them (another MkDocs version, a fork) keeps its
own observer, also with one line in the log.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from typing import Any, Protocol

from mkdocs.plugins import get_plugin_logger
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

log = get_plugin_logger(__name__)

NATIVE = "native"
POLLING = "polling"
WATCH_MODES = (NATIVE, POLLING)

# The kinds of event the polling observer reports; a native observer adds opened, closed
# and closed_no_write, which a build's own reading causes.
_CHANGES = frozenset({"created", "modified", "moved", "deleted", "attrib"})


class _Observer(Protocol):
    """What MkDocs' server calls on its observer (watchdog's BaseObserver has all of it)."""

    def schedule(self, event_handler: FileSystemEventHandler, path: str, *,
                 recursive: bool = ...) -> Any: ...

    def unschedule(self, watch: Any) -> None: ...

    def remove_handler_for_watch(self, event_handler: FileSystemEventHandler,
                                 watch: Any) -> None: ...

    def unschedule_all(self) -> None: ...

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def join(self, timeout: float | None = None) -> None: ...

    def is_alive(self) -> bool: ...


class _Changes(FileSystemEventHandler):
    """Passes on to MkDocs' handler the changes it would have heard of by polling; for a
    watched file (`only` set), the changes that name that file."""

    def __init__(self, handler: FileSystemEventHandler, only: str | None) -> None:
        self.handler = handler
        self.only = only

    def dispatch(self, event: FileSystemEvent) -> None:
        if event.event_type not in _CHANGES:
            return
        if self.only is not None and self.only not in (_text(event.src_path),
                                                        _text(event.dest_path)):
            return
        self.handler.dispatch(event)


def _text(path: bytes | str) -> str:
    return os.fsdecode(path) if path else ""


@dataclass(eq=False)  # a watch is its own identity: MkDocs hands it back to unschedule
class Watch:
    handler: FileSystemEventHandler
    path: str
    recursive: bool
    current: Any = None  # the watch of the observer in charge
    placed: FileSystemEventHandler | None = None  # the handler it was placed with


@dataclass(eq=False)
class Watches:
    """Stands in for the server's observer: holds every watch MkDocs schedules, runs them
    on the native observer, and moves them onto the polling one if that cannot start."""

    native: _Observer
    polling: _Observer
    active: _Observer = field(init=False)
    watches: list[Watch] = field(default_factory=list)
    started: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.active = self.native

    @property
    def is_native(self) -> bool:
        return self.active is self.native

    def schedule(self, event_handler: FileSystemEventHandler, path: str, *,
                 recursive: bool = False, **_: Any) -> Watch:
        watch = Watch(event_handler, path, recursive)
        with self._lock:
            self.watches.append(watch)
            self._place(watch)
        return watch

    def unschedule(self, watch: Watch) -> None:
        with self._lock:
            self.watches.remove(watch)
            if watch.current is None:
                return
            if watch.placed is not None and any(other.current == watch.current
                                                for other in self.watches):
                # Two files of one folder share the folder's watch: only this one's
                # handler leaves it.
                self.active.remove_handler_for_watch(watch.placed, watch.current)
            else:
                self.active.unschedule(watch.current)

    def start(self) -> None:
        if self.started:
            return
        try:
            self.native.start()
        except OSError as error:
            self._fall_back(error, start=True)
        self.started = True

    def stop(self) -> None:
        self.active.stop()

    def join(self, timeout: float | None = None) -> None:
        if self.started:
            self.active.join(timeout)

    def is_alive(self) -> bool:
        return self.active.is_alive()

    def _place(self, watch: Watch) -> None:
        if self.active is self.polling:
            watch.placed = watch.handler
            watch.current = self.polling.schedule(watch.handler, watch.path,
                                                  recursive=watch.recursive)
            return
        try:
            if os.path.isdir(watch.path):
                watch.placed = _Changes(watch.handler, None)
                watch.current = self.native.schedule(watch.placed, watch.path,
                                                     recursive=watch.recursive)
            else:
                # Through its folder: an editor's save by rename replaces the file itself.
                watch.placed = _Changes(watch.handler, os.path.abspath(watch.path))
                watch.current = self.native.schedule(
                    watch.placed, os.path.dirname(os.path.abspath(watch.path)),
                    recursive=False)
        except OSError as error:  # the observer already runs: this watch could not start
            self._fall_back(error, start=self.started)

    def _fall_back(self, error: OSError, *, start: bool) -> None:
        log.info("file changes are looked for every 0.5 s: the system's file watching "
                 "cannot be used here (%s)", error.strerror or error)
        native = self.native
        self.active = self.polling
        try:
            native.unschedule_all()
            native.stop()
        except (OSError, RuntimeError):
            pass  # it never ran, or half started: nothing of it is used any more
        for watch in self.watches:
            watch.placed = watch.handler
            watch.current = self.polling.schedule(watch.handler, watch.path,
                                                  recursive=watch.recursive)
        if start:
            self.polling.start()


def use_native_watching(server: Any, mode: str, *,
                        native: Any = Observer) -> Watches | None:
    """Put a native file observer in the place of the server's polling one (see the module's
    text); returns None, and leaves the server as it was, when `mode` asks for polling, the
    platform has no native observer or the server is not MkDocs' LiveReloadServer as known.
    Call before `server.serve()` starts the observer."""
    if mode != NATIVE:
        return None
    if native is PollingObserver:
        log.info("file changes are looked for every 0.5 s: this system has no file "
                 "watching watchdog can use")
        return None
    observer = getattr(server, "observer", None)
    paths = getattr(server, "_watched_paths", None)
    refs = getattr(server, "_watch_refs", None)
    if (not isinstance(observer, PollingObserver) or observer.is_alive()
            or not isinstance(paths, dict) or not isinstance(refs, dict)
            or set(paths) != set(refs) or not callable(getattr(server, "watch", None))):
        log.info("file changes are looked for as this MkDocs server does (its file "
                 "watching is not the one this plugin knows how to replace)")
        return None
    watches = Watches(native(), observer)
    # What was watched before on_serve moves over through the server's own watch(), so
    # each path keeps MkDocs' handler, its recursion and its count of watch() calls.
    moved = [(path, count, bool(getattr(refs[path], "is_recursive", True)))
             for path, count in paths.items()]
    for path, _, _ in moved:
        observer.unschedule(refs.pop(path))
        del paths[path]
    server.observer = watches
    for path, count, recursive in moved:
        server.watch(path, recursive=recursive)
        paths[path] = count
    return watches
