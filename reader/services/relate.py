"""Relate a whole indexed corpus, and answer what the window and the command line ask.

`relate_corpus` runs after (or apart from) the index build: it fingerprints the articles the
builder did not (new, changed, or indexed before fingerprints existed — the builder's workers
normally do it), finds versions (LSH + containment) and same-event groups (key terms + names,
average linkage), and stores links and clusters beside the index. A corpus whose articles and
content hashes are those the stored results were computed for is not related again.

Queries read only the stored results: `related_stories(corpus_index, doc_id)`,
`corpus_clusters(corpus_index)`, `clusters_of(corpus_index, doc_id)`.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Callable, Iterable, Mapping
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from filelock import FileLock, Timeout

from reader.corpus.importer import Cancelled
from reader.related import events, incremental, snapshot
from reader.related.clusters import (
    EVENT,
    VERSIONS,
    Cluster,
    DocFacts,
    event_clusters,
    version_clusters,
)
from reader.related.events import EventTerms
from reader.related.fingerprints import SIGNATURE_VERSION
from reader.related.versions import VersionLinks, version_links
from reader.services.build import LOCK_FILE, AlreadyIndexing, CorpusIndex
from reader.store import related_tables as storage
from reader.store.entity_store import indexed_fields

ProgressFn = Callable[[int, int, str], None]
CancelFn = Callable[[], bool]

RELATE_VERSION = 2
"""Bump when versions or events change method or parameters: stored results are redone."""
_FINGERPRINT_BATCH = 500

__all__ = [
    "RelateReport",
    "Related",
    "RelatedStory",
    "clusters_of",
    "corpus_clusters",
    "is_current",
    "relate_corpus",
    "related_stories",
    "stored_entities",
]


@dataclass
class RelateReport:
    """What a relating run did."""

    documents: int = 0
    fingerprinted: int = 0
    candidate_pairs: int = 0
    version_links: int = 0
    version_clusters: int = 0
    event_groups: int = 0
    up_to_date: bool = False
    incremental: int = 0
    """Articles related one by one against stored results (0: the corpus was related)."""
    seconds: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RelatedStory:
    """One story related to another, with how much and why."""

    doc_id: str
    score: float
    kept: float | None
    """Versions: share of the asked article's text this version keeps."""
    reason: str


@dataclass(frozen=True, slots=True)
class Related:
    """An article's versions (in cluster order) and its same-event stories (best first)."""

    doc_id: str
    versions: tuple[RelatedStory, ...]
    same_event: tuple[RelatedStory, ...]
    version_cluster: Cluster | None
    event_group: Cluster | None

    def to_json(self) -> dict[str, Any]:
        """The `related DOC --json` interface."""
        return {
            "versions": [
                {"id": s.doc_id, "score": round(s.score, 4), "kept": _round(s.kept)}
                for s in self.versions
            ],
            "same_event": [
                {"id": s.doc_id, "score": round(s.score, 4), "reason": s.reason}
                for s in self.same_event
            ],
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _connect(corpus_index: CorpusIndex) -> sqlite3.Connection:
    db = sqlite3.connect(corpus_index.store_path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    storage.ensure_schema(db)
    return db


def _method() -> str:
    """What stored results were computed with: results of another method are redone."""
    return f"{RELATE_VERSION}/{SIGNATURE_VERSION}"


def _pending(
    db: sqlite3.Connection, entities: Mapping[str, Iterable[str]] | None
) -> storage.Pending | None:
    """What changed since the stored results, from the store's change log (a few rows, however
    large the corpus); None when the log cannot answer: no results yet, results of another
    method, or other entity names for the articles already related. An added article's own
    names are new by nature: they are related with it, not a reason to start over."""
    if storage.get_meta(db, "state") != _method():
        return None
    pending = storage.pending(db)
    added = set(pending.added)
    known = {k: v for k, v in (entities or {}).items() if k not in added}
    if storage.get_meta(db, "entities") != _state_of_entities(known):
        return None
    return pending


def stored_entities(corpus_index: CorpusIndex) -> dict[str, list[str]]:
    """Entity names per article from the entities core's store, for articles whose text has
    not changed since extraction; empty when entities were never extracted."""
    if not corpus_index.store_path.exists():
        return {}
    fields_of = indexed_fields(corpus_index.directory)
    if not fields_of:
        return {}
    with closing(_connect(corpus_index)) as db:
        current = dict(storage.corpus_state(db))
    out: dict[str, list[str]] = {}
    for doc_id, (content_hash, fields) in fields_of.items():
        names = [n for n in fields.get("entity", "").split("\n") if n]
        if names and current.get(doc_id) == content_hash:
            out[doc_id] = names
    return out


def _state_of_entities(entities: Mapping[str, Iterable[str]] | None) -> str:
    digest = hashlib.blake2b(digest_size=16)
    if entities:
        digest.update(json.dumps({k: sorted(v) for k, v in sorted(entities.items())}).encode())
    return digest.hexdigest()


def is_current(corpus_index: CorpusIndex) -> bool:
    """Whether stored relations match the indexed articles (and their stored entities)."""
    if not corpus_index.store_path.exists():
        return False
    entities = stored_entities(corpus_index)
    with closing(_connect(corpus_index)) as db:
        pending = _pending(db, entities)
        return pending is not None and pending.nothing


def relate_corpus(
    corpus_index: CorpusIndex,
    *,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
    entities: Mapping[str, Iterable[str]] | None = None,
) -> RelateReport:
    """Fingerprint what is missing, then relate the whole corpus and store the results.

    `entities` (doc id -> entity names) join each story's names; by default those the
    entities core stored (`stored_entities`), if any. Capitalised words, numbers and dates
    always count too.

    Raises:
        FileNotFoundError: the corpus has no index yet (build it first).
        AlreadyIndexing: the corpus is being indexed (or related) by another process.
        Cancelled: `cancel()` turned true; fingerprints of finished batches are kept.
    """
    started = time.perf_counter()
    report = RelateReport()
    if not corpus_index.store_path.exists():
        raise FileNotFoundError(f"{corpus_index.root} has no index yet: build it first")
    if entities is None:
        entities = stored_entities(corpus_index)
    lock = FileLock(str(corpus_index.directory / LOCK_FILE))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise AlreadyIndexing(
            f"{corpus_index.root} is being indexed by another process; try again when it has "
            "finished"
        ) from None
    try:
        with closing(_connect(corpus_index)) as db:
            _relate(db, corpus_index.directory, report, progress, cancel, entities)
    finally:
        lock.release()
    report.seconds = time.perf_counter() - started
    return report


def _check(cancel: CancelFn | None) -> None:
    if cancel is not None and cancel():
        raise Cancelled


def _relate(
    db: sqlite3.Connection,
    directory: Path,
    report: RelateReport,
    progress: ProgressFn | None,
    cancel: CancelFn | None,
    entities: Mapping[str, Iterable[str]] | None,
) -> None:
    entity_state = _state_of_entities(entities)
    pending = _pending(db, entities)
    if pending is not None and pending.nothing:
        report.up_to_date = True
        report.documents = storage.document_count(db)
        db.execute("BEGIN IMMEDIATE")
        storage.clear_changes(db)  # rewrites of unchanged articles
        db.execute("COMMIT")
        return
    if pending is not None and not pending.changed_or_removed:
        total = storage.document_count(db)
        if incremental.applies(len(pending.added), total):
            _fingerprint(db, report, storage.missing_fingerprints(db, pending.added), progress,
                         cancel)  # fmt: skip
            clock = time.perf_counter()
            snap = snapshot.load(directory, storage.get_meta(db, "snapshot"))
            report.stages["load"] = time.perf_counter() - clock
            before = json.loads(storage.get_meta(db, "since") or "[]")  # since the snapshot
            since = sorted(set(before) | set(pending.added))
            if (
                snap is not None
                and len(snap) + len(before) == storage.covered_count(db)
                and incremental.applies(len(since), total)
            ):
                _relate_added(db, report, snap, since, pending.added, entities)
                return
        # No usable snapshot (never written, stale or damaged), or too much added since it:
        # relate the corpus, which writes a new one.
    db.execute("BEGIN IMMEDIATE")
    storage.prune_fingerprints(db)
    db.execute("COMMIT")
    _fingerprint(db, report, storage.missing_fingerprints(db), progress, cancel)
    current = dict(storage.corpus_state(db))
    clock = time.perf_counter()
    loaded = storage.load_fingerprints(db)
    report.documents = len(loaded.facts)
    report.stages["load"] = time.perf_counter() - clock
    _check(cancel)
    relations = relate_arrays(loaded, entities=entities, cancel=cancel, stages=report.stages,
                              progress=progress)  # fmt: skip
    links, versions, graph, groups = (
        relations.links,
        relations.versions,
        relations.graph,
        relations.groups,
    )
    report.candidate_pairs = links.candidates
    report.version_links = len(links.rows)
    report.version_clusters = len(versions)
    report.event_groups = len(relations.events)
    position = {f.doc_id: i for i, f in enumerate(loaded.facts)}
    event_list = relations.events
    clock = time.perf_counter()
    ids = [f.doc_id for f in loaded.facts]
    stored = list(_version_links(ids, links))
    stored.extend(_event_links(ids, graph, groups, versions, position))
    report.stages["store"] = time.perf_counter() - clock
    clock = time.perf_counter()
    key = snapshot.write(directory, ids, loaded.signatures, loaded.shingles, relations.terms)
    report.stages["snapshot"] = time.perf_counter() - clock
    clock = time.perf_counter()
    db.execute("BEGIN IMMEDIATE")
    try:
        storage.replace_results(db, stored, [*versions, *event_list], _method(), current.items())
        db.execute(
            "INSERT OR REPLACE INTO related_meta(key, value) VALUES ('entities', ?)",
            (entity_state,),
        )
        db.execute("DELETE FROM related_meta WHERE key IN ('snapshot', 'since')")
        storage.clear_changes(db)
        if key is not None:
            db.execute("INSERT INTO related_meta(key, value) VALUES ('snapshot', ?)", (key,))
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        snapshot.remove_others(directory, storage.get_meta(db, "snapshot"))
        raise
    snapshot.remove_others(directory, key)
    report.stages["store"] += time.perf_counter() - clock
    if progress is not None:
        progress(3, 3, "done")


class _Stored:
    """The stored results, read as `incremental` asks (`incremental.Stored`)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def memberships(self, ids: Iterable[str]) -> dict[str, tuple[int | None, int | None]]:
        return storage.memberships(self.db, list(ids))

    def cluster(self, number: int) -> Cluster:
        return storage.cluster(self.db, number)

    def facts(self, ids: Iterable[str]) -> dict[str, DocFacts]:
        return {f.doc_id: f for f in storage.load_fingerprints(self.db, list(ids)).facts}

    def next_number(self) -> int:
        return storage.next_cluster_number(self.db)


def _fingerprint(
    db: sqlite3.Connection,
    report: RelateReport,
    missing: list[str],
    progress: ProgressFn | None,
    cancel: CancelFn | None,
) -> None:
    """Fingerprint the articles the builder did not (normally none: its workers do it)."""
    clock = time.perf_counter()
    for start in range(0, len(missing), _FINGERPRINT_BATCH):
        _check(cancel)
        batch = missing[start : start + _FINGERPRINT_BATCH]
        rows = storage.fingerprint_rows(storage.texts(db, batch))
        db.execute("BEGIN IMMEDIATE")
        storage.put_fingerprints(db, rows)
        db.execute("COMMIT")
        report.fingerprinted += len(batch)
        if progress is not None:
            progress(report.fingerprinted, len(missing), "fingerprints")
    report.stages["fingerprints"] = time.perf_counter() - clock


def _relate_added(
    db: sqlite3.Connection,
    report: RelateReport,
    snap: snapshot.Snapshot,
    since: list[str],
    added: list[str],
    entities: Mapping[str, Iterable[str]] | None,
) -> None:
    """Relate only the added articles against the snapshot and the articles related since
    (see `incremental`)."""
    clock = time.perf_counter()
    loaded = storage.load_fingerprints(db, since)
    terms = _with_entities(loaded.terms, entities)
    tail = [incremental.TailDoc(f, sig, int(n), t) for f, sig, n, t in
            zip(loaded.facts, loaded.signatures, loaded.shingles, terms, strict=True)]  # fmt: skip
    report.documents = len(snap) + len(tail)
    report.stages["load"] += time.perf_counter() - clock
    clock = time.perf_counter()
    found = incremental.relate_added(snap, tail, added, _Stored(db))
    report.stages["incremental"] = time.perf_counter() - clock
    report.incremental = len(added)
    db.execute("BEGIN IMMEDIATE")
    try:
        storage.add_results(db, found.links, found.changed, _method(),
                            storage.content_hashes(db, added))  # fmt: skip
        storage.clear_changes(db)
        db.execute(
            "INSERT OR REPLACE INTO related_meta(key, value) VALUES ('since', ?)",
            (json.dumps(since),),
        )
        db.execute(
            "INSERT OR REPLACE INTO related_meta(key, value) VALUES ('entities', ?)",
            (_state_of_entities(entities),),
        )
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    counts = storage.cluster_counts(db)
    report.version_clusters = counts.get(VERSIONS, 0)
    report.event_groups = counts.get(EVENT, 0)


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
    loaded: storage.Loaded,
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
    _check(cancel)
    if progress is not None:
        progress(1, 3, "events")

    clock = time.perf_counter()
    terms = _with_entities(loaded.terms, entities)
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
    _check(cancel)
    if progress is not None:
        progress(2, 3, "storing")
    return Relations(links, versions, graph, groups, event_list, terms)


def _with_entities(
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
        extra = events.term_counts(None, "", names)[1]
        hashes, counts = events._hashed(extra, events._NAME_SALT)
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


def _version_links(ids: list[str], links: VersionLinks) -> Iterable[storage.Link]:
    for a, b, c, ka, kb in zip(links.rows.tolist(), links.cols.tolist(),
                               links.containment.tolist(), links.kept_row.tolist(),
                               links.kept_col.tolist(), strict=True):  # fmt: skip
        yield storage.Link(ids[a], ids[b], VERSIONS, c, ka, None, None)
        yield storage.Link(ids[b], ids[a], VERSIONS, c, kb, None, None)


def _event_links(
    ids: list[str],
    graph: events.EventGraph,
    groups: list[list[int]],
    versions: list[Cluster],
    position: dict[str, int],
) -> Iterable[storage.Link]:
    """Edges inside one event group, except between versions of one story."""
    group_of = {i: g for g, members in enumerate(groups) for i in members}
    version_of = {position[m]: v for v, c in enumerate(versions) for m in c.members}
    for a, b, s, w, n in zip(graph.rows.tolist(), graph.cols.tolist(), graph.score.tolist(),
                             graph.words.tolist(), graph.names.tolist(), strict=True):  # fmt: skip
        if group_of[a] != group_of[b]:
            continue
        if a in version_of and version_of.get(a) == version_of.get(b):
            continue
        yield storage.Link(ids[a], ids[b], EVENT, s, None, w, n)
        yield storage.Link(ids[b], ids[a], EVENT, s, None, w, n)


# -- queries ---------------------------------------------------------------------------------
def corpus_clusters(corpus_index: CorpusIndex) -> list[Cluster]:
    """Every version cluster, then every same-event group, as stored by the last run."""
    with closing(_connect(corpus_index)) as db:
        return storage.clusters(db)


def clusters_of(corpus_index: CorpusIndex, doc_id: str) -> tuple[Cluster | None, Cluster | None]:
    """(version cluster, same-event group) of one article; None where it has none."""
    with closing(_connect(corpus_index)) as db:
        return storage.clusters_of(db, doc_id)


def related_stories(corpus_index: CorpusIndex, doc_id: str) -> Related:
    """An article's versions and same-event stories, each with a score and a reason.

    Raises:
        KeyError: no such article in the index.
    """
    with closing(_connect(corpus_index)) as db:
        if db.execute("SELECT 1 FROM docs WHERE id = ?", (doc_id,)).fetchone() is None:
            raise KeyError(doc_id)
        version_cluster, event_group = storage.clusters_of(db, doc_id)
        links = {(link.b, link.kind): link for link in storage.links_of(db, doc_id)}
        versions = []
        in_versions = set(version_cluster.members) if version_cluster else set()
        for member in version_cluster.members if version_cluster else ():
            if member == doc_id:
                continue
            link = links.get((member, VERSIONS))
            if link is None:  # in the cluster through another version: estimate directly
                score, kept = _estimate(db, doc_id, member)
            else:
                score, kept = link.score, link.kept
            reason = f"shares {score:.0%} of the shorter story's text"
            versions.append(RelatedStory(member, score, kept, reason))
        same_event = []
        own_terms = _terms(db, doc_id)
        for member in event_group.members if event_group else ():
            if member == doc_id or member in in_versions:
                continue
            link = links.get((member, EVENT))
            shared = ", ".join(events.shared_terms(own_terms, _terms(db, member)))
            if link is None:
                reason = f"same event through other stories of its group; shared: {shared}"
                same_event.append(RelatedStory(member, 0.0, None, reason))
                continue
            reason = (f"names {link.names or 0:.0%} and words {link.words or 0:.0%} alike; "
                      f"shared: {shared}")  # fmt: skip
            same_event.append(RelatedStory(member, link.score, None, reason))
        same_event.sort(key=lambda s: (-s.score, s.doc_id))
        return Related(doc_id, tuple(versions), tuple(same_event), version_cluster, event_group)


def _terms(db: sqlite3.Connection, doc_id: str) -> tuple[Any, ...]:
    row = db.execute("SELECT title, body FROM docs WHERE id = ?", (doc_id,)).fetchone()
    return events.term_counts(row[0], row[1]) if row else (None, None)


def _estimate(db: sqlite3.Connection, a: str, b: str) -> tuple[float, float | None]:
    rows = dict(
        (r[0], (r[1], np.frombuffer(r[2], dtype=np.uint32)))
        for r in db.execute(
            "SELECT id, shingles, signature FROM related_fingerprints WHERE id IN (?, ?)", (a, b)
        )
    )
    if a not in rows or b not in rows:
        return 0.0, None
    (na, sa), (nb, sb) = rows[a], rows[b]
    jaccard = float(np.mean(sa == sb))
    shared = jaccard * (na + nb) / (1.0 + jaccard)
    return min(1.0, shared / max(1, min(na, nb))), min(1.0, shared / max(1, na))
