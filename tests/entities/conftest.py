"""Fixtures of the entity tests: one extracted sample corpus per session (the model loads once,
in the extraction's worker process)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.entities.extraction import extract_entities
from reader.entities.model import ExtractionReport
from reader.entities.pipelines import choose
from reader.index.builder import CorpusIndex


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
