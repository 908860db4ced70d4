"""The GitHub Pages workflow: it parses, builds strictly, and takes its addresses from the
repository rather than from text written into it."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from mkdocs.config import load_config

REPO = Path(__file__).resolve().parents[1]
WORKFLOW = REPO / ".github" / "workflows" / "publish.yml"


@pytest.fixture(scope="module")
def workflow() -> dict[Any, Any]:
    data: dict[Any, Any] = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    return data


def steps(workflow: dict[Any, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def test_runs_on_push_to_main_and_by_hand(workflow: dict[Any, Any]) -> None:
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert triggers["push"]["branches"] == ["main"]
    assert "workflow_dispatch" in triggers


def test_builds_strictly_with_addresses_from_the_repository(workflow: dict[Any, Any]) -> None:
    build = next(s for s in steps(workflow) if "mkdocs build" in s.get("run", ""))
    assert "--strict" in build["run"].split()
    assert build["env"]["SITE_URL"] == "${{ steps.pages.outputs.base_url }}/"
    assert build["env"]["REPO_URL"] == "${{ github.server_url }}/${{ github.repository }}"
    python = next(s for s in steps(workflow) if s.get("uses", "").startswith("actions/setup-python"))
    assert python["with"]["python-version"] == "3.12"
    assert any("neuroverse linkcheck site" in s.get("run", "") for s in steps(workflow))


def test_no_address_is_written_into_the_workflow() -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    assert not re.search(r"https?://", text), "addresses come from the repository context"
    assert "github.io" not in text


def test_mkdocs_reads_both_addresses_from_the_environment(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SITE_URL", "https://someone.github.io/fork/")
    monkeypatch.setenv("REPO_URL", "https://github.com/someone/fork")
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    config = load_config(str(REPO / "mkdocs.yml"))
    assert config.site_url == "https://someone.github.io/fork/"
    assert config.repo_url == "https://github.com/someone/fork"
