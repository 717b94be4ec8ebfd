"""Relate a corpus's fingerprints in memory: versions, then same-event groups.

Pure computation over arrays: the relating service loads the fingerprints from the store,
calls `relate_arrays` and stores what it returns; `benchmarks/related_speed.py` times it.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from reader.base.cancel import CancelFn, ProgressFn, check
from reader.related import events
from reader.related.clusters import (
    EVENT,
    VERSIONS,
    Cluster,
    DocFacts,
    event_clusters,
    version_clusters,
)
from reader.related.events import EventTerms
from reader.related.versions import VersionLinks, version_links


@dataclass(frozen=True, slots=True)
class Loaded:
    """Every current fingerprint, as arrays in one order (ids sorted)."""

    facts: list[DocFacts]
    signatures: npt.NDArray[np.uint32]
    shingles: npt.NDArray[np.int64]
    terms: list[EventTerms]


@dataclass(frozen=True, slots=True)
class Link:
    a: str
    b: str
    kind: str
    score: float
    kept: float | None
    words: float | None
    names: float | None


@dataclass(frozen=True, slots=True)
class Relations:
    """Everything one relating run finds, by index into the loaded fingerprints."""

    links: VersionLinks
    versions: list[Cluster]
    graph: events.EventGraph
    groups: list[list[int]]
    events: list[Cluster]
    terms: list[EventTerms]
    """The stories' event terms as related (with entity names joined)."""


def relate_arrays(
    loaded: Loaded,
    *,
    entities: Mapping[str, Iterable[str]] | None = None,
    cancel: CancelFn | None = None,
    stages: dict[str, float] | None = None,
    progress: ProgressFn | None = None,
) -> Relations:
    """Versions, then same-event groups (a version cluster always within one group), in memory:
    what `relate_corpus` stores and `benchmarks/related_speed.py` times."""
    stages = {} if stages is None else stages
    if progress is not None:
        progress(0, 3, "versions")
    clock = time.perf_counter()
    links = version_links(loaded.signatures, loaded.shingles)
    versions = version_clusters(loaded.facts, links.rows, links.cols)
    stages["versions"] = time.perf_counter() - clock
    check(cancel)
    if progress is not None:
        progress(1, 3, "events")

    clock = time.perf_counter()
    terms = with_entities(loaded.terms, entities)
    graph = events.similarity_graph(terms, cancel=cancel)
    stages["event graph"] = time.perf_counter() - clock
    clock = time.perf_counter()
    position = {f.doc_id: i for i, f in enumerate(loaded.facts)}
    rows = np.concatenate([graph.rows, links.rows])
    cols = np.concatenate([graph.cols, links.cols])
    score = np.concatenate([graph.score, np.ones(len(links.rows), dtype=np.float32)])
    groups = events.average_linkage(len(terms), rows, cols, score, events.THRESHOLD)
    groups = _join_versions(groups, versions, position)
    event_list = event_clusters(loaded.facts, groups)
    stages["event linkage"] = time.perf_counter() - clock
    check(cancel)
    if progress is not None:
        progress(2, 3, "storing")
    return Relations(links, versions, graph, groups, event_list, terms)


def with_entities(
    terms: list[EventTerms], entities: Mapping[str, Iterable[str]] | None
) -> list[EventTerms]:
    if not entities:
        return terms
    out = []
    for t in terms:
        names = entities.get(t.doc_id)
        if not names:
            out.append(t)
            continue
        hashes, counts = events.name_terms(names)
        out.append(EventTerms(
            t.doc_id, t.date, t.word_hashes, t.word_counts,
            np.concatenate([t.name_hashes, hashes]), np.concatenate([t.name_counts, counts]),
        ))  # fmt: skip
    return out


def _join_versions(
    groups: list[list[int]], versions: list[Cluster], position: dict[str, int]
) -> list[list[int]]:
    """Versions of one story are one event: join groups a version cluster spans."""
    group_of = {i: g for g, members in enumerate(groups) for i in members}
    parent = list(range(len(groups)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for cluster in versions:
        first = find(group_of[position[cluster.members[0]]])
        for member in cluster.members[1:]:
            other = find(group_of[position[member]])
            if other != first:
                parent[other] = first
    joined: dict[int, list[int]] = {}
    for g, members in enumerate(groups):
        joined.setdefault(find(g), []).extend(members)
    return [sorted(m) for m in joined.values()]


def version_link_rows(ids: list[str], links: VersionLinks) -> Iterable[Link]:
    for a, b, c, ka, kb in zip(links.rows.tolist(), links.cols.tolist(),
                               links.containment.tolist(), links.kept_row.tolist(),
                               links.kept_col.tolist(), strict=True):  # fmt: skip
        yield Link(ids[a], ids[b], VERSIONS, c, ka, None, None)
        yield Link(ids[b], ids[a], VERSIONS, c, kb, None, None)


def event_link_rows(
    ids: list[str],
    graph: events.EventGraph,
    groups: list[list[int]],
    versions: list[Cluster],
    position: dict[str, int],
) -> Iterable[Link]:
    """Edges inside one event group, except between versions of one story."""
    group_of = {i: g for g, members in enumerate(groups) for i in members}
    version_of = {position[m]: v for v, c in enumerate(versions) for m in c.members}
    for a, b, s, w, n in zip(graph.rows.tolist(), graph.cols.tolist(), graph.score.tolist(),
                             graph.words.tolist(), graph.names.tolist(), strict=True):  # fmt: skip
        if group_of[a] != group_of[b]:
            continue
        if a in version_of and version_of.get(a) == version_of.get(b):
            continue
        yield Link(ids[a], ids[b], EVENT, s, None, w, n)
        yield Link(ids[b], ids[a], EVENT, s, None, w, n)
