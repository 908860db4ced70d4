"""Small, real archive files made on the fly for tests: notebooks with outputs, PDFs."""

from __future__ import annotations

import base64
import io
import zlib
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


def _pdf_string(text: str) -> bytes:
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return b"(" + escaped.encode("latin-1") + b")"


def text_pdf_bytes(pages: list[str], *, catalogue_extra: bytes = b"",
                   extra_objects: tuple[bytes, ...] = (), object_stream: bool = False,
                   size: tuple[int, int] = (300, 400), title: str | None = None,
                   subject: str | None = None) -> bytes:
    """A PDF whose pages hold real text (Helvetica, one line per line of each string), written
    by hand: Pillow's PDFs are images without text. `catalogue_extra` goes into the document
    catalogue (e.g. b"/OpenAction 6 0 R"); `extra_objects` are numbered after the pages'
    objects (catalogue 1, page tree 2, font 3, then a page and its content per page). With
    `object_stream`, the catalogue and the extra objects are kept in a compressed object
    stream (PDF 1.5), where a byte scan of the file alone sees none of their keys. `title`
    and `subject` go into the document information, as a word processor writes them."""
    count = len(pages)
    first_page = 4
    kids = b" ".join(b"%d 0 R" % (first_page + 2 * i) for i in range(count))
    bodies: list[tuple[bytes, bool]] = [
        (b"<< /Type /Catalog /Pages 2 0 R " + catalogue_extra + b" >>", True),
        (b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % count, False),
        (b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>", False),
    ]
    for index, text in enumerate(pages):
        lines = b" T* ".join(_pdf_string(line) + b" Tj" for line in text.split("\n"))
        content = b"BT /F1 12 Tf 14 TL 20 %d Td %s ET" % (size[1] - 40, lines)
        bodies.append((b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] "
                       b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>"
                       % (size[0], size[1], first_page + 2 * index + 1), False))
        bodies.append((b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content) + 1, content),
                       False))
    bodies += [(body, True) for body in extra_objects]
    info = b"".join(b"/%s %s " % (key, _pdf_string(value)) for key, value in
                    ((b"Title", title), (b"Subject", subject)) if value)
    if info:
        bodies.append((b"<< " + info + b">>", False))
    info_ref = b" /Info %d 0 R" % len(bodies) if info else b""
    packed = [number for number, (_, inside) in enumerate(bodies, 1)
              if inside and object_stream]
    out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
    offsets: dict[int, int] = {}
    for number, (body, _) in enumerate(bodies, 1):
        if number not in packed:
            offsets[number] = len(out)
            out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    if not object_stream:
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
        out += b"".join(b"%010d 00000 n \n" % offsets[n] for n in range(1, len(bodies) + 1))
        out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (
            len(bodies) + 1, info_ref, xref)
        return out
    stream_number = len(bodies) + 1
    header, data = b"", b""
    for number in packed:
        header += b"%d %d " % (number, len(data))
        data += bodies[number - 1][0] + b"\n"
    packed_data = zlib.compress(header + data)
    offsets[stream_number] = len(out)
    out += (b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\n"
            b"stream\n" % (stream_number, len(packed), len(header), len(packed_data))
            + packed_data + b"\nendstream\nendobj\n")
    xref_number = stream_number + 1
    offsets[xref_number] = len(out)
    rows = b"\x00" + (0).to_bytes(4, "big") + (65535).to_bytes(2, "big")
    for number in range(1, xref_number + 1):
        if number in packed:
            rows += b"\x02" + stream_number.to_bytes(4, "big") \
                + packed.index(number).to_bytes(2, "big")
        else:
            rows += b"\x01" + offsets[number].to_bytes(4, "big") + (0).to_bytes(2, "big")
    rows_data = zlib.compress(rows)
    out += (b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Filter /FlateDecode "
            b"/Length %d%s >>\nstream\n" % (xref_number, xref_number + 1, len(rows_data), info_ref)
            + rows_data + b"\nendstream\nendobj\n")
    out += b"startxref\n%d\n%%%%EOF\n" % offsets[xref_number]
    return out


def javascript_action(script: str) -> bytes:
    """An action object that runs `script` (for catalogue_extra's /OpenAction)."""
    return b"<< /Type /Action /S /JavaScript /JS " + _pdf_string(script) + b" >>"
