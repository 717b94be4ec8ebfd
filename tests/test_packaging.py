"""The build configuration ships every package and the resources folder."""

from __future__ import annotations

import tomllib
from pathlib import Path

from reader.bundled import sample_corpus_dir

REPO = Path(__file__).resolve().parents[1]


def test_every_package_is_listed_in_pyproject() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    on_disk = {
        ".".join(p.parent.relative_to(REPO).parts) for p in (REPO / "reader").rglob("__init__.py")
    }
    assert on_disk | {"reader.resources"} == listed


def test_sample_corpus_ships_with_the_package() -> None:
    names = sorted(p.name for p in sample_corpus_dir().glob("*.txt"))
    assert len(names) == 5
    assert names[0].startswith("000_")
