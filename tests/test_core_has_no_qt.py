"""The package's shape, checked from its imports (as qutebrowser checks its own in CI).

- The core (everything in reader/ but reader/ui/) runs headless: it never imports Qt.
- reader's top-level packages form a one-way stack: each imports only packages below it, so
  there is no import cycle between them and the core never imports `cli` or `ui`.
- No module takes a private name (`_name`) from another module.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

FORBIDDEN = ("PySide6", "shiboken6", "reader.ui")
PACKAGE = Path(__file__).resolve().parents[1] / "reader"

LAYERS: dict[str, int] = {
    "base": 0,  # plumbing: cancel and progress, the corpus lock, processes, timings
    "bundled": 0,  # where the sample corpus is
    "corpus": 1,  # files -> articles: read, clean, normalise
    "diff": 2,  # pure computation over articles, none importing another ...
    "related": 2,
    "entities": 2,
    "store": 3,  # persistence: Whoosh and SQLite, every table, trigger and index write
    "services": 4,  # build, relate, extract, look up
    "pipeline": 5,  # the refresh: index -> entities -> related
    "cli": 6,
    "desktop": 6,
    "main": 7,
    "__main__": 8,
    "__init__": 8,
    "ui": 9,
}
"""Each top-level package (or module) of reader/ and its layer: a package imports only
packages of lower layers (and itself). The README's architecture section draws this."""


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


def _private_imports(path: Path) -> list[str]:
    """`from reader.x import _name` (a module of ours importing another's private name)."""
    tree = ast.parse(path.read_text("utf-8"), filename=str(path))
    return [
        f"{node.module}.{alias.name}"
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("reader")
        for alias in node.names
        if alias.name.startswith("_") and not alias.name.startswith("__")
    ]


def core_files() -> list[Path]:
    return [p for p in PACKAGE.rglob("*.py") if "ui" not in p.relative_to(PACKAGE).parts[:1]]


def top_level(path: Path) -> str:
    """The top-level package (or module) of reader/ a file belongs to."""
    return path.relative_to(PACKAGE).with_suffix("").parts[0]


def package_graph() -> dict[str, set[str]]:
    """Top-level package -> the top-level packages it imports."""
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        own = top_level(path)
        for name in _imports(path):
            parts = name.split(".")
            if parts[0] == "reader" and len(parts) > 1 and parts[1] != own:
                graph.setdefault(own, set()).add(parts[1])
    return graph


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    return sorted(
        f"{a} -> {b}"
        for a, targets in graph.items()
        for b in targets
        if LAYERS.get(b, 99) >= LAYERS.get(a, -1)
    )


def test_core_imports_no_qt() -> None:
    offenders = {
        str(path.relative_to(PACKAGE)): name
        for path in core_files()
        for name in _imports(path)
        if any(name == f or name.startswith(f + ".") for f in FORBIDDEN)
    }
    assert offenders == {}


def test_every_package_has_a_layer() -> None:
    assert {top_level(p) for p in PACKAGE.rglob("*.py")} <= set(LAYERS)


def test_packages_import_only_downwards() -> None:
    assert upward_imports(package_graph()) == []


def test_no_private_name_crosses_modules() -> None:
    offenders = {
        str(path.relative_to(PACKAGE)): names
        for path in PACKAGE.rglob("*.py")
        if (names := _private_imports(path))
    }
    assert offenders == {}


def test_scan_sees_the_core() -> None:
    """Guards the tests above against scanning nothing."""
    names = {p.name for p in core_files()}
    assert {"cleaning.py", "importer.py", "cli.py", "pipeline.py", "folder.py"} <= names
    graph = package_graph()
    assert {"corpus", "store", "services"} <= graph["pipeline"] | graph["services"]


def test_scan_catches_a_qt_import(tmp_path: Path) -> None:
    sample = tmp_path / "bad.py"
    sample.write_text("from PySide6.QtCore import QObject\nimport reader.ui.window\n")
    assert _imports(sample) == ["PySide6.QtCore", "reader.ui.window"]


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        ({"store": {"services"}}, ["store -> services"]),  # upwards
        ({"related": {"entities"}}, ["related -> entities"]),  # sideways in one layer
        ({"services": {"store", "base"}}, []),
    ],
)
def test_layering_check_catches_upward_and_sideways_imports(
    graph: dict[str, set[str]], expected: list[str]
) -> None:
    assert upward_imports(graph) == expected


def test_private_check_catches_a_private_import(tmp_path: Path) -> None:
    sample = tmp_path / "bad.py"
    sample.write_text("from reader.corpus.importer import _hidden, public, __version__\n")
    assert _private_imports(sample) == ["reader.corpus.importer._hidden"]
