"""Lighter notebook markup and images, with the same pixels and cells."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import pytest
from PIL import Image

from neuroverse_site.build.notebooks import NotebookConverter

from archive_factory import write_notebook


def _png(mode: str, alpha: int) -> bytes:
    image = Image.new(mode, (64, 48), (200, 30, 60, alpha) if mode == "RGBA" else (200, 30, 60))
    image.putpixel((3, 3), (0, 0, 0, alpha) if mode == "RGBA" else (0, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(("alpha", "mode_after"), [(255, "RGB"), (128, "RGBA")])
def test_opaque_rgba_figures_lose_only_their_alpha_channel(tmp_path: Path, alpha: int,
                                                           mode_after: str) -> None:
    original = _png("RGBA", alpha)
    path = write_notebook(tmp_path / "nb.ipynb", "Figure", image=False, extra_outputs=[{
        "output_type": "display_data",
        "data": {"image/png": base64.b64encode(original).decode(), "text/plain": "<Figure>"},
    }])
    rendered = NotebookConverter().convert(path)
    (asset,) = rendered.assets
    published = Image.open(io.BytesIO(asset.data))
    assert published.mode == mode_after
    assert published.convert("RGBA").tobytes() == Image.open(io.BytesIO(original)).tobytes()


def test_cells_keep_their_classes_without_the_empty_wrappers(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "nb.ipynb", "Wrappers", code="x = 1")
    html = NotebookConverter().convert(path).html
    assert "jp-Collapser" not in html
    assert "jp-Cell-inputWrapper" not in html
    assert html.count("jp-CodeCell") == 1
    assert "jp-MarkdownCell" in html and "jp-OutputArea-output" in html
