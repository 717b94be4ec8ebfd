"""Shared fixtures: the bundled sample corpus and the project's shared evaluation data."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from reader.bundled import sample_corpus_dir

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
