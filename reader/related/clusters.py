"""Clusters: the versions of one story (with its likely original first) and same-event groups.

A version cluster is a likely original and the stories linked to it (see `version_clusters`). The
likely original is
the earliest dated version; among equals (or undated), the one that carries the wire's own
marks — a `(AP)`/`(Reuters)` dateline, a wire as source or byline; then the longest, since
outlets cut wire copy far more often than they pad it. The other versions follow by date
(undated last), then by length.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

VERSIONS = "versions"
EVENT = "event"

_WIRES = (
    r"associated press|\bap\b|reuters|agence france-presse|\bafp\b|\bupi\b|united press"
    r"|\bdpa\b|xinhua|bloomberg|\bpa media\b|\bap news\b"
)
_WIRE_NAME = re.compile(_WIRES, re.IGNORECASE)
_WIRE_DATELINE = re.compile(r"^[A-Z][A-Za-z .,'-]{1,60}\((?:" + _WIRES + r")\)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class DocFacts:
    """What choosing and ordering an original needs to know of an article."""

    doc_id: str
    date: str | None
    source: str | None
    byline: str | None
    lede: str
    """The body's first 120 characters: where a wire dateline such as "MOSCOW (AP) —" sits."""
    length: int
    """Distinct shingles: a length that ignores repeated boilerplate."""


@dataclass(frozen=True, slots=True)
class Cluster:
    """A group of articles: `kind` is "versions" or "event"; `members` in reading order."""

    kind: str
    original: str | None
    members: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        """The `clusters --json` interface."""
        return {"kind": self.kind, "original": self.original, "members": list(self.members)}


def wire_marks(facts: DocFacts) -> int:
    """How many signs say this copy is the wire's own (dateline, source, byline)."""
    return (
        bool(_WIRE_DATELINE.match(facts.lede))
        + bool(facts.source and _WIRE_NAME.search(facts.source))
        + bool(facts.byline and _WIRE_NAME.search(facts.byline))
    )


def _original_key(f: DocFacts) -> tuple[object, ...]:
    return (f.date is None, f.date or "", -wire_marks(f), -f.length, f.doc_id)


def order_versions(members: Sequence[DocFacts]) -> list[DocFacts]:
    """Likely original first, then the others by date (undated last), then longest first."""

    ranked = sorted(members, key=_original_key)
    if not ranked:
        return []
    first, rest = ranked[0], ranked[1:]
    rest.sort(key=lambda f: (f.date is None, f.date or "", -f.length, f.doc_id))
    return [first, *rest]


def version_clusters(
    facts: Sequence[DocFacts], rows: npt.NDArray[np.int64], cols: npt.NDArray[np.int64]
) -> list[Cluster]:
    """Version clusters from verified links, each with its likely original and order.

    Centre clustering, not connected components: stories are taken in likely-original order
    and each one not yet placed opens a cluster of the unplaced stories linked to it
    directly. A roundup that quotes two stories, or a wire template ("Treasury balances at the
    Federal Reserve rose on ..."), links many stories pairwise; components would chain them
    all into one cluster, centres keep each story with the original it copies.
    """
    n = len(facts)
    neighbours: list[list[int]] = [[] for _ in range(n)]
    for a, b in zip(rows.tolist(), cols.tolist(), strict=True):
        neighbours[a].append(b)
        neighbours[b].append(a)
    linked = [i for i in range(n) if neighbours[i]]
    linked.sort(key=lambda i: _original_key(facts[i]))
    placed = np.zeros(n, dtype=bool)
    out = []
    for centre in linked:
        if placed[centre]:
            continue
        members = [centre, *(j for j in neighbours[centre] if not placed[j])]
        if len(members) < 2:
            continue
        placed[members] = True
        ordered = order_versions([facts[i] for i in members])
        out.append(Cluster(VERSIONS, ordered[0].doc_id, tuple(f.doc_id for f in ordered)))
    return out


def event_clusters(facts: Sequence[DocFacts], groups: Sequence[Sequence[int]]) -> list[Cluster]:
    """Same-event groups of two or more stories, by date (undated last), no original."""
    out = []
    for group in groups:
        if len(group) < 2:
            continue
        members = sorted((facts[i] for i in group),
                         key=lambda f: (f.date is None, f.date or "", f.doc_id))  # fmt: skip
        out.append(Cluster(EVENT, None, tuple(f.doc_id for f in members)))
    return out
