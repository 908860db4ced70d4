"""The codes table in docs/diagnostics.md is the CODES table, row for row."""

from __future__ import annotations

import re
from pathlib import Path

from neuroverse_site.core.diagnostics import CODES

DOC = Path(__file__).resolve().parents[1] / "docs" / "diagnostics.md"


def test_docs_list_every_code_as_declared() -> None:
    rows = re.findall(r"^\| (NV\d{3}) \| (\w+) \| (.+?) \|$", DOC.read_text(), re.MULTILINE)
    assert rows == [(c.code, c.severity.value, c.summary) for c in CODES.values()]
