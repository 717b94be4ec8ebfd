"""Plain types of the entities feature: mentions found in a body, entities of a corpus."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

TYPES = ("PERSON", "ORG", "PLACE", "DATE", "MONEY")
NAME_TYPES = ("PERSON", "ORG", "PLACE")
"""The types that are names: merged across variants and indexed for search."""


@dataclass(frozen=True, slots=True)
class Mention:
    """One stretch of an article's body that names something: offsets into `Article.body`."""

    start: int
    end: int
    text: str
    type: str
    prefix: str = ""
    """A title written just before a person's name (`Mr.`, `President`): not in the span,
    but part of the variant shown to the reader (`Mr. Putin`)."""

    @property
    def surface(self) -> str:
        return f"{self.prefix} {self.text}" if self.prefix else self.text


@dataclass(frozen=True, slots=True)
class EntitySpan:
    """A mention resolved to its corpus entity: what the window colours and links."""

    start: int
    end: int
    text: str
    type: str
    name: str
    """Canonical name of the entity (after merging and the user's aliases)."""
    ambiguous: bool = False
    """A short name that fits more than one full name (`Biden` with Joe and Hunter)."""


@dataclass(frozen=True, slots=True)
class Entity:
    """One entity of the corpus with its surface variants and where it occurs."""

    name: str
    type: str
    variants: tuple[str, ...]
    count: int
    docs: tuple[str, ...]
    ambiguous_with: tuple[str, ...] = ()
    """For a short name left unmerged: the full names it could belong to."""

    @property
    def key(self) -> str:
        return entity_key(self.type, self.name)

    def to_json(self) -> dict[str, Any]:
        """The `entities --json` keys (an interface: keep them)."""
        return {
            "name": self.name,
            "type": self.type,
            "variants": list(self.variants),
            "count": self.count,
            "docs": list(self.docs),
        }


def entity_key(type_: str, name: str) -> str:
    """A stable id for an entity across runs: `PERSON:Vladimir Putin`."""
    return f"{type_}:{name}"


@dataclass
class ExtractionReport:
    """What one extraction run did, for the status bar or the terminal."""

    extractor: str
    """The extractor and the versions of its data (what stored results are keyed by)."""
    description: str = ""
    """The extractor in words, for people: "spaCy … + gazetteer", "gazetteer only (why)"."""
    processed: int = 0
    unchanged: int = 0
    removed: int = 0
    mentions: int = 0
    load_seconds: float = 0.0
    worker_peak_mb: float = 0.0
    seconds: float = 0.0
    index_updated: int = 0
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class AliasOp:
    """One of the user's changes to the entities: merge, split, rename or hide `key`."""

    op: str
    key: str
    target: str
