"""The JSON Schema editors use is the one the checks use, and the catalogue points at it."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from jsonschema import Draft7Validator

from neuroverse_site.core.loader import SCHEMA_COMMENT_PREFIX

REPO = Path(__file__).resolve().parents[1]
PACKAGE_SCHEMA = REPO / "neuroverse_site" / "core" / "schema" / "catalogue.schema.json"


def test_the_catalogue_points_editors_at_the_packaged_draft_07_schema() -> None:
    first_line = (REPO / "catalogue.yml").read_text(encoding="utf-8").splitlines()[0]
    assert first_line.startswith(SCHEMA_COMMENT_PREFIX)
    target = (REPO / first_line[len(SCHEMA_COMMENT_PREFIX):]).resolve()
    assert target == PACKAGE_SCHEMA
    schema = json.loads(target.read_text(encoding="utf-8"))
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    Draft7Validator.check_schema(schema)


def test_an_editor_validating_the_catalogue_finds_nothing_wrong() -> None:
    # An editor reads dates as text, as the loader does.
    class DatesAsText(yaml.SafeLoader):
        pass

    DatesAsText.add_constructor("tag:yaml.org,2002:timestamp", DatesAsText.construct_scalar)
    document = yaml.load((REPO / "catalogue.yml").read_text(encoding="utf-8"), DatesAsText)
    schema = json.loads(PACKAGE_SCHEMA.read_text(encoding="utf-8"))
    assert [error.message for error in Draft7Validator(schema).iter_errors(document)] == []
