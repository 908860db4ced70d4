"""Small, real archive files made on the fly for tests: notebooks with outputs, PDFs."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from PIL import Image, ImageDraw

# A section with two notebook experiments, `filters` and `pooling`, for tests of notebook
# pages (write the notebooks with `write_notebook`).
TWO_NOTEBOOKS = """\
    site:
      title: Test archive
    sections:
      - id: cnn
        title: Convolutional networks
        status: active
    experiments:
      - id: filters
        title: Digit filters
        section: cnn
        notebook: notebooks/filters.ipynb
      - id: pooling
        title: Pooling
        section: cnn
        notebook: notebooks/pooling.ipynb
"""


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


def encrypted_pdf_bytes() -> bytes:
    """A one-page PDF that says it is encrypted with the standard handler (a password that
    is not empty), written by hand: no library at hand encrypts PDFs."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        b"<< /Filter /Standard /V 2 /R 3 /Length 128 /P -3904 /O <" + b"11" * 32
        + b"> /U <" + b"22" * 32 + b"> >>",
    ]
    out = b"%PDF-1.7\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    file_id = b"<" + b"ab" * 16 + b">"
    out += (b"trailer\n<< /Size %d /Root 1 0 R /Encrypt 4 0 R /ID [%s %s] >>\n"
            % (len(objects) + 1, file_id, file_id))
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return out


def write_truncated_pdf(path: Path) -> Path:
    """A real PDF cut in half, as an interrupted download leaves it."""
    write_pdf(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def text_pdf_bytes(lines: list[str], *, title: str | None = None,
                   subject: str | None = None) -> bytes:
    """A one-page PDF whose page holds `lines` as real text (Helvetica, one per line), with
    the Title and Subject metadata given: what a word processor exports, small enough to
    write by hand."""
    def literal(text: str) -> str:
        return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"

    stream = "BT /F1 12 Tf 14 TL 50 780 Td " + " ".join(
        f"{literal(line)} Tj T*" for line in lines) + " ET"
    info = "".join(f"/{key} {literal(value)} " for key, value in
                   (("Title", title), ("Subject", subject)) if value)
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(stream.encode('latin-1'))} >>\nstream\n{stream}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< {info}>>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode("latin-1")
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode("latin-1")
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info {len(objects)} 0 R >>\n"
            f"startxref\n{xref}\n%%EOF\n").encode("latin-1")
    return out
