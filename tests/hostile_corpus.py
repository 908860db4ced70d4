"""The hostile corpus: notebook cells (tests/cases/hostile/*.yml) and catalogue Markdown, each
form an attack of its own, written into one archive that the site tests and the browser
tests both build."""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from archive_factory import png_bytes, write_notebook

CASES_DIR = Path(__file__).resolve().parent / "cases" / "hostile"
SECRET = "NV-SECRET"  # in every file that must never be published
EVIL_HOST = "evil.example"


@dataclass(frozen=True)
class Case:
    name: str
    spec: dict[str, Any]

    @property
    def codes(self) -> list[str]:
        return list(self.spec.get("codes", []))

    @property
    def shown(self) -> list[str]:
        return list(self.spec.get("shown", []))

    @property
    def notebook(self) -> str:
        return f"notebooks/{self.name}/{self.name}.ipynb"

    @property
    def url(self) -> str:
        return f"experiments/{self.name}/"

    @property
    def after(self) -> str:
        """The text of the cell after the case's own: it must reach the page intact."""
        return f"After {self.name}"


def cases() -> list[Case]:
    return [Case(path.stem, yaml.safe_load(path.read_text(encoding="utf-8")))
            for path in sorted(CASES_DIR.glob("*.yml"))]


# Catalogue Markdown (`description`), one section per form: links whose final scheme would
# run code, however the source spells it, and images from another host. The final check on
# the page removes each of these (NV107)...
DESCRIPTIONS = {
    "md-tab": "A [tab](java\tscript:window.__pwned='tab') in the scheme.",
    "md-reference": ("A [reference][r] link.\n\n"
                     "[r]: JaVaScRiPt:window.__pwned='reference'"),
    "md-reference-spaced": ("A [spaced reference][s].\n\n"
                            "[s]:\n   \tjavascript:window.__pwned='reference-spaced'"),
    "md-list": "- an item\n- a [listed](javascript:window.__pwned='list') link\n",
    "md-nested-list": "1. one\n    - two [deep](javascript:window.__pwned='nested')\n",
    "md-admonition": ("!!! note\n\n"
                      "    An [admonished](javascript:window.__pwned='admonition') link.\n"),
    "md-data": "A [data](  DATA:text/html,<script>window.__pwned='data'</script>) link.",
    "md-vbscript": "A [vb](VBScript:msgbox) link.",
    "md-image": "A ![remote](https://evil.example/tracker.png) image.",
    "md-protocol-relative": "A ![proto](//evil.example/proto.png) image.",
    "md-image-script": "An ![image](javascript:window.__pwned='image') image.",
    "md-image-reference": ("An ![image][i] by reference.\n\n"
                           "[i]: https://evil.example/by-reference.png"),
}
# ...and Markdown leaves these as text or as a harmless relative path: nothing to remove.
INERT_DESCRIPTIONS = {
    "md-newline": "A [newline](<java\nscript:window.__pwned='newline'>) in the scheme.",
    "md-entity": ("An [entity](&#106;avascript:window.__pwned='entity') and a "
                  "[hex](&#x6A;avascript&colon;window.__pwned='hex') link."),
    "md-autolink": "An <javascript:window.__pwned='autolink'> autolink.",
    "md-raw-html": "<a href=\"javascript:window.__pwned='raw'\">raw</a> <img src=x onerror=alert(1)>",
}


def catalogue() -> str:
    sections = [{"id": "hostile", "title": "Hostile notebooks", "status": "active"}]
    sections += [{"id": name, "title": f"Form {name}", "status": "active",
                  "description": text}
                 for name, text in {**DESCRIPTIONS, **INERT_DESCRIPTIONS}.items()]
    experiments = [{"id": case.name, "title": f"Case {case.name}", "section": "hostile",
                    "notebook": case.notebook} for case in cases()]
    document = {"site": {"title": "Hostile corpus"}, "sections": sections,
                "experiments": experiments}
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)


def write_archive(root: Path) -> None:
    """Every case's notebook and files under `root` (which must be a fresh folder inside a
    temporary one: some cases put a file beside it, outside the archive)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "catalogue.yml").write_text(catalogue(), encoding="utf-8")
    for case in cases():
        for relative, content in (case.spec.get("files") or {}).items():
            _write_file(root / relative, content)
        _write_case_notebook(root / case.notebook, case)


def _write_file(target: Path, content: Any) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, dict) and "symlink" in content:
        if not target.is_symlink():
            os.symlink(content["symlink"], target)
    elif isinstance(content, dict) and "png" in content:
        target.write_bytes(png_bytes(content["png"]))
    else:
        target.write_text(str(content), encoding="utf-8")


def _write_case_notebook(path: Path, case: Case) -> None:
    spec = case.spec
    outputs: list[dict[str, Any]] = list(spec.get("outputs") or [])
    if spec.get("html"):
        outputs.insert(0, {"output_type": "display_data", "data": {"text/html": spec["html"]}})
    write_notebook(path, case.name, image=False, extra_outputs=outputs,
                   markdown=spec.get("markdown") or "No Markdown in this case.")
    notebook = json.loads(path.read_text(encoding="utf-8"))
    attachments = spec.get("attachments")
    if attachments:
        png = base64.b64encode(png_bytes("#5588aa")).decode()
        notebook["cells"][1]["attachments"] = {
            name: {mime: (png if data == "PNG" else data) for mime, data in bundle.items()}
            for name, bundle in attachments.items()}
    notebook["cells"].append({
        "cell_type": "markdown", "id": "after", "metadata": {},
        "source": f"## {case.after}\n\nThe cell after the case is intact.",
    })
    path.write_text(json.dumps(notebook, indent=1), encoding="utf-8")
