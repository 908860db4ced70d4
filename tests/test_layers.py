"""The layers of the package, held by reading its imports: only the plugin front end knows
MkDocs, the core knows neither the build nor authoring, and checking a catalogue without
files never loads the notebook and PDF engines."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "neuroverse_site"
LAYERS = ("core", "build", "authoring", "plugin", "cli")
# What each layer may import from the others (its own modules always).
ALLOWED = {
    "core": set(),
    "build": {"core"},
    "authoring": {"core", "build"},
    "plugin": {"core", "build"},
    "cli": {"core", "build", "authoring"},
}
MKDOCS_PACKAGES = {"mkdocs", "material", "properdocs"}
ENGINES = {"pypdfium2", "nh3", "PIL", "pygments", "selectolax", "nbformat", "nbconvert",
           "latex2mathml", "mkdocs", "material"}


def _module_name(path: Path, package: Path) -> str:
    parts = list(path.relative_to(package.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, package_dir: Path) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in the file, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    module = _module_name(path, package_dir)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
                if node.module is None:  # from . import x
                    found += [(node.lineno, f"{name}.{alias.name}") for alias in node.names]
                    continue
            else:
                name = node.module or ""
            found.append((node.lineno, name))
    return found


def _layer(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "neuroverse_site" or len(parts) < 2:
        return None
    return parts[1] if parts[1] in LAYERS else None


def _violations(package: Path = PACKAGE) -> list[str]:
    problems = []
    for path in sorted(package.rglob("*.py")):
        own = _layer(_module_name(path, package))
        for line, imported in _imports(path, package):
            where = f"{path.relative_to(package.parent)}:{line}"
            top = imported.split(".")[0]
            if top in MKDOCS_PACKAGES and own != "plugin":
                problems.append(f"{where}: {imported} is imported outside the plugin")
            target = _layer(imported)
            if own and target and target != own and target not in ALLOWED[own]:
                problems.append(f"{where}: {own} imports {imported}")
    return problems


def test_every_module_belongs_to_a_layer() -> None:
    loose = [path.name for path in PACKAGE.glob("*.py")
             if path.stem not in {"__init__", "__main__", *LAYERS}]
    assert loose == []


def test_the_layers_import_only_downwards() -> None:
    assert _violations() == []


def test_the_contract_catches_a_violation(tmp_path: Path) -> None:
    """The reader of imports sees relative imports across layers, so it can fail."""
    copy = tmp_path / "neuroverse_site"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert _violations(copy) == []
    probe = copy / "core" / "probe.py"
    probe.write_text("from ..build import site\nimport mkdocs.plugins\n", encoding="utf-8")
    found = _violations(copy)
    assert any("core imports neuroverse_site.build" in line for line in found)
    assert any("mkdocs.plugins is imported outside the plugin" in line for line in found)


@pytest.mark.parametrize("argv", [["check", "catalogue.yml"],
                                  ["add", "section", "Graph networks", "--status", "planned",
                                   "--no-readme"]])
def test_commands_without_files_leave_the_engines_unloaded(tmp_path: Path,
                                                           argv: list[str]) -> None:
    (tmp_path / "catalogue.yml").write_text(textwrap.dedent("""\
        site:
          title: Engines
        sections:
          - id: one
            title: One
            status: planned
        """), encoding="utf-8")
    script = textwrap.dedent(f"""\
        import json, sys
        from neuroverse_site.cli import main
        code = main({argv!r})
        print(json.dumps([code, sorted({{m.split(".")[0] for m in sys.modules}})]))
        """)
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True,
                            text=True, check=True)
    code, modules = json.loads(result.stdout.strip().splitlines()[-1])
    assert code == 0, result.stdout + result.stderr
    assert sorted(ENGINES & set(modules)) == []
