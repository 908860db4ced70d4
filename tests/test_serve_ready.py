"""`mkdocs serve` gets ready to render a notebook before the owner's first save
(BatchRenderer.prepare, called from the plugin's on_serve), and that leaves no trace in
what is rendered afterwards."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from neuroverse_site.build.batch import BatchRenderer, Job
from neuroverse_site.build.notebooks import NotebookConverter, NotebookOptions

from archive_factory import write_notebook


def test_a_prepared_renderer_renders_as_a_fresh_converter_does(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "nb.ipynb", "Digit filters", heading="Kernels")
    batch = BatchRenderer(NotebookOptions(), cache=None, workers=1)
    batch.prepare()
    batch.prepare()  # twice is harmless
    prepared = batch.run([Job("notebook", path)]).outcomes[0]
    assert prepared == NotebookConverter(NotebookOptions()).convert(path)


SESSION = """
import sys
from pathlib import Path
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.livereload import LiveReloadServer
from neuroverse_site.build import batch

root = Path({root!r})
site = root / "serve-site"
config = load_config(str(root / "mkdocs.yml"), site_dir=str(site))
config.plugins.on_startup(command="serve", dirty=True)
build(config, dirty=True)
print("after the build", len(batch._CONVERTERS))
server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(site))
config.plugins.on_serve(server, config=config, builder=lambda: None)
print("after on_serve", len(batch._CONVERTERS))
"""


def test_serve_prepares_the_converter_a_warm_cache_never_built(
        build_site: Callable[..., Any]) -> None:
    from test_incremental import CATALOGUE, FILES

    built = build_site(CATALOGUE, FILES)  # fills the cache: the session renders nothing
    script = SESSION.format(root=str(built.root))
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}, check=False)
    assert done.returncode == 0, done.stderr
    counts = dict(line.rsplit(" ", 1) for line in done.stdout.splitlines())
    assert counts == {"after the build": "0", "after on_serve": "1"}


def test_a_prepared_renderer_has_what_a_jupyter_saved_notebook_needs(tmp_path: Path) -> None:
    # Jupyter writes language_info.pygments_lexer "ipython3": the converter keeps an
    # exporter (its templates compiled) per language, and the first save must not make one.
    import json

    path = write_notebook(tmp_path / "nb.ipynb", "Digit filters")
    notebook = json.loads(path.read_text())
    notebook["metadata"]["language_info"] = {"name": "python", "pygments_lexer": "ipython3"}
    path.write_text(json.dumps(notebook))
    batch = BatchRenderer(NotebookOptions(), cache=None, workers=1)
    batch.prepare()
    converter = batch._converter
    assert converter is not None
    made = dict(converter._exporters)
    batch.run([Job("notebook", path)])
    assert converter._exporters == made
