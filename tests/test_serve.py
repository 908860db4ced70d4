"""`mkdocs serve` as the owner runs it: edits and new files show up without a restart."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive_factory import write_notebook
from conftest import MKDOCS_YML

CATALOGUE = """\
site:
  title: Served archive
sections:
  - id: cnn
    title: Convolutional Neural Networks
    status: active
experiments:
  - id: filters
    title: Visualising filters
    section: cnn
    notebook: notebooks/cnn/filters.ipynb
"""

NEW_ENTRY = """\
  - id: pooling
    title: Max pooling
    section: cnn
    notebook: notebooks/cnn/pooling.ipynb
"""


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


def wait_for(url: str, contains: str, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = fetch(url)
        if body is not None and contains in body:
            return body
        time.sleep(0.3)
    pytest.fail(f"{url} did not show {contains!r} within {timeout} s")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    root = tmp_path / "archive"
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "index.md").write_text("# Served archive\n")
    (root / "catalogue.yml").write_text(CATALOGUE)
    (root / "mkdocs.yml").write_text(MKDOCS_YML.format(plugin_options=""))
    write_notebook(root / "notebooks/cnn/filters.ipynb", "Visualising filters",
                   markdown="First version of the text.")
    port = free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        # mkdocs serve mounts the site at the path of site_url (/archive/ in MKDOCS_YML)
        yield root, f"http://127.0.0.1:{port}/archive"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_serve_picks_up_notebook_edits_and_entries_added_after_start(
        served: tuple[Path, str]) -> None:
    root, base = served
    wait_for(f"{base}/experiments/filters/", "First version of the text.")

    write_notebook(root / "notebooks/cnn/filters.ipynb", "Visualising filters",
                   markdown="Second version of the text.")
    wait_for(f"{base}/experiments/filters/", "Second version of the text.")

    # A notebook in a folder that did not exist when the server started, then its entry.
    write_notebook(root / "notebooks/new/pooling.ipynb", "Max pooling",
                   markdown="Pooling keeps the largest value.")
    (root / "catalogue.yml").write_text(
        CATALOGUE + NEW_ENTRY.replace("notebooks/cnn/pooling", "notebooks/new/pooling"))
    wait_for(f"{base}/experiments/pooling/", "Pooling keeps the largest value.")
    wait_for(f"{base}/sections/cnn/", "Max pooling")
