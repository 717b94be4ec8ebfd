"""The core (everything in reader/ but reader/ui/) must run headless: it never imports Qt."""

from __future__ import annotations

import ast
from pathlib import Path

FORBIDDEN = ("PySide6", "shiboken6", "reader.ui")
PACKAGE = Path(__file__).resolve().parents[1] / "reader"


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text("utf-8"), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
            if node.module == "reader":
                names.extend(f"reader.{alias.name}" for alias in node.names)
    return names


def core_files() -> list[Path]:
    return [p for p in PACKAGE.rglob("*.py") if "ui" not in p.relative_to(PACKAGE).parts[:1]]


def test_core_imports_no_qt() -> None:
    offenders = {
        str(path.relative_to(PACKAGE)): name
        for path in core_files()
        for name in _imports(path)
        if any(name == f or name.startswith(f + ".") for f in FORBIDDEN)
    }
    assert offenders == {}


def test_scan_sees_the_core() -> None:
    """Guards the test above against scanning nothing."""
    names = {p.name for p in core_files()}
    assert {"cleaning.py", "importer.py", "cli.py"} <= names


def test_scan_catches_a_qt_import(tmp_path: Path) -> None:
    sample = tmp_path / "bad.py"
    sample.write_text("from PySide6.QtCore import QObject\nimport reader.ui.window\n")
    assert _imports(sample) == ["PySide6.QtCore", "reader.ui.window"]
