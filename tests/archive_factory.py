"""Small, real archive files made on the fly for tests: notebooks with outputs, PDFs."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from PIL import Image, ImageDraw


def png_bytes(colour: str = "#3366cc", size: tuple[int, int] = (40, 30)) -> bytes:
    image = Image.new("RGB", size, colour)
    ImageDraw.Draw(image).line((0, 0, *size), fill="white", width=3)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def write_notebook(path: Path, title: str, *, heading: str = "Training the model",
                   markdown: str = "We fit a tiny model.", code: str = "print('loss', 0.25)",
                   stream: str = "loss 0.25\n", image: bool = True,
                   extra_outputs: list[dict[str, object]] | None = None) -> Path:
    outputs = [new_output("stream", name="stdout", text=stream)]
    if image:
        outputs.append(new_output(
            "display_data",
            data={"image/png": base64.b64encode(png_bytes()).decode(), "text/plain": "<Figure>"},
        ))
    outputs += [new_output(**o) for o in (extra_outputs or [])]  # type: ignore[arg-type]
    notebook = new_notebook(
        cells=[
            new_markdown_cell(f"# {title}\n\nAn experiment in the archive."),
            new_markdown_cell(f"## {heading}\n\n{markdown}"),
            new_code_cell(code, execution_count=1, outputs=outputs),
        ],
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
        },
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, str(path))
    return path


def write_pdf(path: Path, pages: int = 2, colour: str = "#e0e8ff") -> Path:
    """A real PDF with `pages` pages, drawn by Pillow."""
    images = []
    for number in range(pages):
        image = Image.new("RGB", (420, 595), colour)
        draw = ImageDraw.Draw(image)
        draw.rectangle((30, 30, 390, 90), outline="black", width=3)
        draw.text((40, 50), f"Page {number + 1}", fill="black")
        images.append(image)
    path.parent.mkdir(parents=True, exist_ok=True)
    images[0].save(path, format="PDF", save_all=True, append_images=images[1:])
    return path
