"""`mkdocs serve` as the owner runs it, in a subprocess, and ways to watch what it serves."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            body: bytes = response.read()
            return body.decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_for(url: str, text: str, timeout: float = 60) -> str:
    """The page at `url` once it contains `text`; fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    body: str | None = None
    while time.monotonic() < deadline:
        body = fetch(url)
        if body is not None and text in body:
            return body
        time.sleep(0.3)
    raise AssertionError(f"{url} never showed {text!r} within {timeout} s; last response:\n{body}")


@dataclass
class Server:
    base_url: str  # ends with "/"
    process: subprocess.Popen[str]
    output: str = ""  # everything it printed, once it has stopped


@contextmanager
def mkdocs_serve(root: Path, mount_path: str = "archive/") -> Iterator[Server]:
    """Run `mkdocs serve` for the archive at `root`. The test config's site_url ends in
    /archive/, and mkdocs serve mounts the site at that path."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}",
         "-f", str(root / "mkdocs.yml")],
        cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    server = Server(f"http://127.0.0.1:{port}/{mount_path}", process)
    try:
        yield server
    finally:
        process.terminate()
        server.output, _ = process.communicate(timeout=30)
