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
from collections.abc import Iterable, Mapping
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from reader.base.cancel import CancelFn, ProgressFn, check
from reader.base.timing import timed
from reader.related import events, incremental
from reader.related.clusters import EVENT, VERSIONS, Cluster, DocFacts
from reader.related.fingerprints import SIGNATURE_VERSION
from reader.related.relations import (
    event_link_rows,
    relate_arrays,
    version_link_rows,
    with_entities,
)
from reader.related.rows import fingerprint_rows
from reader.related.snapshot import Snapshot
from reader.store import related_snapshot
from reader.store import related_tables as storage
from reader.store.entity_store import indexed_fields
from reader.store.folder import IndexFolder

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


def _connect(corpus_index: IndexFolder) -> sqlite3.Connection:
    return storage.connect(corpus_index.store_path)


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


def stored_entities(corpus_index: IndexFolder) -> dict[str, list[str]]:
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


def is_current(corpus_index: IndexFolder) -> bool:
    """Whether stored relations match the indexed articles (and their stored entities)."""
    if not corpus_index.store_path.exists():
        return False
    entities = stored_entities(corpus_index)
    with closing(_connect(corpus_index)) as db:
        pending = _pending(db, entities)
        return pending is not None and pending.nothing


def relate_corpus(
    corpus_index: IndexFolder,
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
    with corpus_index.lock(), closing(_connect(corpus_index)) as db:
        _Relating(db, corpus_index.directory, report, progress, cancel, entities).run()
    report.seconds = time.perf_counter() - started
    return report


@dataclass
class _Relating:
    """One relating run: the store's connection, the index folder (for the snapshot), what
    the caller asked for, and the report it fills."""

    db: sqlite3.Connection
    directory: Path
    report: RelateReport
    progress: ProgressFn | None
    cancel: CancelFn | None
    entities: Mapping[str, Iterable[str]] | None

    def run(self) -> None:
        """Nothing, the added articles alone, or the whole corpus: whichever the change log
        and the snapshot allow."""
        db, report, entities = self.db, self.report, self.entities
        pending = _pending(db, entities)
        if pending is not None and pending.nothing:
            report.up_to_date = True
            report.documents = storage.document_count(db)
            with storage.transaction(db):
                storage.clear_changes(db)  # rewrites of unchanged articles
            return
        added_only = pending is not None and not pending.changed_or_removed
        if added_only and self.incrementally(pending.added if pending else []):
            return
        # No usable snapshot (never written, stale or damaged), or too much added since it:
        # relate the corpus, which writes a new one.
        self.everything()

    def incrementally(self, added: list[str]) -> bool:
        """Relate only the added articles when few were added since the snapshot; False
        when the whole corpus must be related instead."""
        db, report, directory = self.db, self.report, self.directory
        total = storage.document_count(db)
        if not incremental.applies(len(added), total):
            return False
        self.fingerprint(storage.missing_fingerprints(db, added))
        with timed(report.stages, "load"):
            snap = related_snapshot.load(directory, storage.get_meta(db, "snapshot"))
        before = json.loads(storage.get_meta(db, "since") or "[]")  # since the snapshot
        since = sorted(set(before) | set(added))
        if (
            snap is None
            or len(snap) + len(before) != storage.covered_count(db)
            or not incremental.applies(len(since), total)
        ):
            return False
        self.relate_added(snap, since, added)
        return True

    def everything(self) -> None:
        """Fingerprint what is missing, relate every article, store the results and a
        snapshot."""
        db, report, directory = self.db, self.report, self.directory
        progress, cancel, entities = self.progress, self.cancel, self.entities
        with storage.transaction(db):
            storage.prune_fingerprints(db)
        self.fingerprint(storage.missing_fingerprints(db))
        current = dict(storage.corpus_state(db))
        with timed(report.stages, "load"):
            loaded = storage.load_fingerprints(db)
        report.documents = len(loaded.facts)
        check(cancel)
        relations = relate_arrays(loaded, entities=entities, cancel=cancel, stages=report.stages,
                                  progress=progress)  # fmt: skip
        report.candidate_pairs = relations.links.candidates
        report.version_links = len(relations.links.rows)
        report.version_clusters = len(relations.versions)
        report.event_groups = len(relations.events)
        ids = [f.doc_id for f in loaded.facts]
        with timed(report.stages, "store"):
            position = {doc_id: i for i, doc_id in enumerate(ids)}
            stored = list(version_link_rows(ids, relations.links))
            stored.extend(event_link_rows(ids, relations.graph, relations.groups,
                                          relations.versions, position))  # fmt: skip
        with timed(report.stages, "snapshot"):
            key = related_snapshot.write(directory, ids, loaded.signatures, loaded.shingles,
                                         relations.terms)  # fmt: skip
        with timed(report.stages, "store"):
            try:
                with storage.transaction(db):
                    clusters = [*relations.versions, *relations.events]
                    storage.replace_results(db, stored, clusters, _method(), current.items())
                    storage.set_meta(db, "entities", _state_of_entities(entities))
                    storage.delete_meta(db, "snapshot", "since")
                    storage.clear_changes(db)
                    if key is not None:
                        storage.set_meta(db, "snapshot", key)
            except BaseException:
                related_snapshot.remove_others(directory, storage.get_meta(db, "snapshot"))
                raise
            related_snapshot.remove_others(directory, key)
        if progress is not None:
            progress(3, 3, "done")

    def fingerprint(self, missing: list[str]) -> None:
        """Fingerprint the articles the builder did not (normally none: its workers do it)."""
        db, report, progress, cancel = self.db, self.report, self.progress, self.cancel
        clock = time.perf_counter()
        for start in range(0, len(missing), _FINGERPRINT_BATCH):
            check(cancel)
            batch = missing[start : start + _FINGERPRINT_BATCH]
            rows = fingerprint_rows(storage.texts(db, batch))
            with storage.transaction(db):
                storage.put_fingerprints(db, rows)
            report.fingerprinted += len(batch)
            if progress is not None:
                progress(report.fingerprinted, len(missing), "fingerprints")
        report.stages["fingerprints"] = time.perf_counter() - clock

    def relate_added(self, snap: Snapshot, since: list[str], added: list[str]) -> None:
        """Relate only the added articles against the snapshot and the articles related since
        (see `incremental`)."""
        db, report, entities = self.db, self.report, self.entities
        with timed(report.stages, "load"):
            loaded = storage.load_fingerprints(db, since)
            terms = with_entities(loaded.terms, entities)
            columns = zip(loaded.facts, loaded.signatures, loaded.shingles, terms, strict=True)
            tail = [incremental.TailDoc(f, sig, int(n), t) for f, sig, n, t in columns]
        report.documents = len(snap) + len(tail)
        with timed(report.stages, "incremental"):
            found = incremental.relate_added(snap, tail, added, _Stored(db))
        report.incremental = len(added)
        with storage.transaction(db):
            storage.add_results(db, found.links, found.changed, _method(),
                                storage.content_hashes(db, added))  # fmt: skip
            storage.clear_changes(db)
            storage.set_meta(db, "since", json.dumps(since))
            storage.set_meta(db, "entities", _state_of_entities(entities))
        counts = storage.cluster_counts(db)
        report.version_clusters = counts.get(VERSIONS, 0)
        report.event_groups = counts.get(EVENT, 0)


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


# -- queries ---------------------------------------------------------------------------------
def corpus_clusters(corpus_index: IndexFolder) -> list[Cluster]:
    """Every version cluster, then every same-event group, as stored by the last run."""
    with closing(_connect(corpus_index)) as db:
        return storage.clusters(db)


def clusters_of(corpus_index: IndexFolder, doc_id: str) -> tuple[Cluster | None, Cluster | None]:
    """(version cluster, same-event group) of one article; None where it has none."""
    with closing(_connect(corpus_index)) as db:
        return storage.clusters_of(db, doc_id)


def related_stories(corpus_index: IndexFolder, doc_id: str) -> Related:
    """An article's versions and same-event stories, each with a score and a reason.

    Raises:
        KeyError: no such article in the index.
    """
    with closing(_connect(corpus_index)) as db:
        if not storage.has_document(db, doc_id):
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
    row = storage.title_and_body(db, doc_id)
    return events.term_counts(row[0], row[1]) if row else (None, None)


def _estimate(db: sqlite3.Connection, a: str, b: str) -> tuple[float, float | None]:
    rows = storage.signatures_of(db, (a, b))
    if a not in rows or b not in rows:
        return 0.0, None
    (na, sa), (nb, sb) = rows[a], rows[b]
    jaccard = float(np.mean(sa == sb))
    shared = jaccard * (na + nb) / (1.0 + jaccard)
    return min(1.0, shared / max(1, min(na, nb))), min(1.0, shared / max(1, na))
