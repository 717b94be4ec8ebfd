"""Shared fixtures: the bundled sample corpus and the project's shared evaluation data."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from reader.bundled import sample_corpus_dir
from reader.entities.model import ExtractionReport
from reader.entities.pipelines import choose
from reader.services.build import CorpusIndex
from reader.services.extract import extract_entities

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CORPUS_READER_SHARED", REPO.parent / "shared"))


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    return sample_corpus_dir()


def load_gold() -> dict[str, Any] | None:
    """The hand-labelled reading of the sample corpus, when the shared folder is present."""
    path = SHARED / "gold" / "seeds.json"
    if not path.is_file():
        return None
    return json.loads(path.read_text("utf-8"))


@pytest.fixture(scope="session")
def gold() -> dict[str, Any]:
    data = load_gold()
    if data is None:
        pytest.skip(f"gold file not found under {SHARED}")
    return data


@pytest.fixture(autouse=True)
def _private_index_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test writes an index into the real user's data folder."""
    home = tmp_path_factory.mktemp("xdg")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.delenv("CORPUS_READER_INDEX_DIR", raising=False)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file's bytes under `folder` (not following symlinks), to prove nothing changed."""
    out: dict[str, bytes] = {}
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            path = Path(dirpath) / name
            if not path.is_symlink():
                out[str(path.relative_to(folder))] = path.read_bytes()
    return out


@pytest.fixture(scope="session")
def extracted_sample(
    sample_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[CorpusIndex, ExtractionReport]:
    """The sample corpus indexed and extracted with the spaCy pipeline (CI installs it)."""
    if choose().package is None:
        pytest.skip(f"no spaCy pipeline: {choose().description}")
    corpus_index = CorpusIndex(sample_dir, tmp_path_factory.mktemp("entity-index"))
    corpus_index.update()
    report = extract_entities(corpus_index)
    return corpus_index, report
