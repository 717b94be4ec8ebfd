"""Relating's tables in the index's SQLite document store.

Fingerprints (MinHash signature and event term vectors) are keyed by document id and content
hash, so an unchanged article is never fingerprinted again and a changed one is redone; rows of
deleted articles are pruned. Results (links, clusters, each article's clusters) are replaced as
a whole by a relating run, in one transaction, with the corpus state they were computed for.
All functions take a `sqlite3.Connection`: the index builder passes its store's own (so its
batch transaction covers them), relating opens one of its own.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from reader.related.clusters import Cluster, DocFacts
from reader.related.events import EventTerms
from reader.related.fingerprints import (
    NUM_PERM,
    SIGNATURE_VERSION,
)
from reader.related.relations import Link, Loaded
from reader.related.rows import FingerprintRow

SCHEMA = """
CREATE TABLE IF NOT EXISTS related_fingerprints (
    id TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL,
    version INTEGER NOT NULL,
    shingles INTEGER NOT NULL,
    signature BLOB NOT NULL,        -- NUM_PERM x uint32
    word_hashes BLOB NOT NULL,      -- uint32 term hashes ...
    word_counts BLOB NOT NULL,      -- ... and uint16 counts
    name_hashes BLOB NOT NULL,
    name_counts BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS related_links (
    a TEXT NOT NULL, b TEXT NOT NULL,   -- both directions are stored: look-ups by `a` only
    kind TEXT NOT NULL,                 -- "versions" or "event"
    score REAL NOT NULL,
    kept REAL,                          -- versions: share of a's text found in b
    words REAL, names REAL              -- event: the two cosines
);
CREATE INDEX IF NOT EXISTS related_links_a ON related_links(a);
CREATE TABLE IF NOT EXISTS related_clusters (
    cluster INTEGER PRIMARY KEY, kind TEXT NOT NULL, original TEXT, members TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS related_docs (
    id TEXT PRIMARY KEY, versions INTEGER, event INTEGER
);
CREATE TABLE IF NOT EXISTS related_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS related_seen (   -- the articles the stored results cover
    id TEXT PRIMARY KEY, content_hash TEXT NOT NULL
);
"""


def connect(store_path: Path) -> sqlite3.Connection:
    """A connection of relating's own to the document store, its tables made if missing."""
    db = sqlite3.connect(store_path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    ensure_schema(db)
    return db


def ensure_schema(db: sqlite3.Connection) -> None:
    """Relating's tables. What changed since a relating run is the documents' change log
    (`doc_changes`, kept by triggers the document store puts on `docs`): a few rows to read,
    not a scan of the corpus (`pending`)."""
    db.executescript(SCHEMA)


def put_fingerprints(db: sqlite3.Connection, rows: Iterable[FingerprintRow]) -> None:
    db.executemany(
        "INSERT OR REPLACE INTO related_fingerprints VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows
    )


_MISSING = (
    "SELECT d.id FROM docs d LEFT JOIN related_fingerprints f ON f.id = d.id "
    "AND f.content_hash = d.content_hash AND f.version = ? WHERE f.id IS NULL"
)


def missing_fingerprints(db: sqlite3.Connection, ids: Sequence[str] | None = None) -> list[str]:
    """Ids of stored articles (all, or of `ids`) without a current fingerprint (new, changed,
    or of an older method), sorted."""
    if ids is None:
        return [r[0] for r in db.execute(_MISSING + " ORDER BY d.id", (SIGNATURE_VERSION,))]
    out: list[str] = []
    for start in range(0, len(ids), 500):
        chunk = list(ids[start : start + 500])
        marks = ", ".join("?" * len(chunk))
        out.extend(r[0] for r in db.execute(_MISSING + f" AND d.id IN ({marks})",
                                            (SIGNATURE_VERSION, *chunk)))  # fmt: skip
    return sorted(out)


def content_hashes(db: sqlite3.Connection, ids: Sequence[str]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for start in range(0, len(ids), 500):
        chunk = list(ids[start : start + 500])
        marks = ", ".join("?" * len(chunk))
        out.extend(db.execute(f"SELECT id, content_hash FROM docs WHERE id IN ({marks})", chunk))
    return out


def document_count(db: sqlite3.Connection) -> int:
    return int(db.execute("SELECT COUNT(*) FROM docs").fetchone()[0])


def texts(db: sqlite3.Connection, ids: Sequence[str]) -> list[tuple[str, str, str | None, str]]:
    """(id, content hash, title, body) of the given articles."""
    out = []
    for start in range(0, len(ids), 500):
        chunk = list(ids[start : start + 500])
        marks = ", ".join("?" * len(chunk))
        out.extend(db.execute(
            f"SELECT id, content_hash, title, body FROM docs WHERE id IN ({marks})", chunk
        ).fetchall())  # fmt: skip
    return out


def prune_fingerprints(db: sqlite3.Connection) -> None:
    db.execute("DELETE FROM related_fingerprints WHERE id NOT IN (SELECT id FROM docs)")


_FINGERPRINTS = (
    "SELECT f.id, f.shingles, f.signature, f.word_hashes, f.word_counts, f.name_hashes, "
    "f.name_counts, d.date, d.source, d.byline, substr(d.body, 1, 120) "
    "FROM related_fingerprints f JOIN docs d ON d.id = f.id "
    "AND d.content_hash = f.content_hash WHERE f.version = ?"
)


def load_fingerprints(db: sqlite3.Connection, ids: Sequence[str] | None = None) -> Loaded:
    """Every current fingerprint, or those of `ids` (ids sorted either way)."""
    if ids is None:
        rows = db.execute(_FINGERPRINTS + " ORDER BY f.id", (SIGNATURE_VERSION,)).fetchall()
    else:
        rows = []
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            marks = ", ".join("?" * len(chunk))
            rows.extend(db.execute(_FINGERPRINTS + f" AND f.id IN ({marks})",
                                   (SIGNATURE_VERSION, *chunk)).fetchall())  # fmt: skip
        rows.sort(key=lambda r: r[0])
    facts = []
    terms = []
    signatures = np.empty((len(rows), NUM_PERM), dtype=np.uint32)
    shingles = np.empty(len(rows), dtype=np.int64)
    for k, (doc_id, n, sig, wh, wc, nh, nc, date, source, byline, lede) in enumerate(rows):
        signatures[k] = np.frombuffer(sig, dtype=np.uint32)
        shingles[k] = n
        facts.append(DocFacts(doc_id, date, source, byline, lede or "", int(n)))
        terms.append(EventTerms(doc_id, date, _u32(wh), _f32(wc), _u32(nh), _f32(nc)))
    return Loaded(facts, signatures, shingles, terms)


def _u32(blob: bytes) -> npt.NDArray[np.uint32]:
    return np.frombuffer(blob, dtype=np.uint32)


def _f32(blob: bytes) -> npt.NDArray[np.float32]:
    return np.frombuffer(blob, dtype=np.uint16).astype(np.float32)


def corpus_state(db: sqlite3.Connection) -> list[tuple[str, str]]:
    return db.execute("SELECT id, content_hash FROM docs ORDER BY id").fetchall()


@contextlib.contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[None]:
    """One write transaction (taking the write lock at once); rolled back on any error."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def set_meta(db: sqlite3.Connection, key: str, value: str) -> None:
    db.execute("INSERT OR REPLACE INTO related_meta(key, value) VALUES (?, ?)", (key, value))


def delete_meta(db: sqlite3.Connection, *keys: str) -> None:
    db.executemany("DELETE FROM related_meta WHERE key = ?", [(k,) for k in keys])


def has_document(db: sqlite3.Connection, doc_id: str) -> bool:
    return db.execute("SELECT 1 FROM docs WHERE id = ?", (doc_id,)).fetchone() is not None


def title_and_body(db: sqlite3.Connection, doc_id: str) -> tuple[str | None, str] | None:
    row = db.execute("SELECT title, body FROM docs WHERE id = ?", (doc_id,)).fetchone()
    return None if row is None else (row[0], row[1])


def signatures_of(
    db: sqlite3.Connection, ids: Sequence[str]
) -> dict[str, tuple[int, npt.NDArray[np.uint32]]]:
    """(shingle count, MinHash signature) of those of `ids` that have a fingerprint."""
    marks = ", ".join("?" * len(ids))
    rows = db.execute(
        f"SELECT id, shingles, signature FROM related_fingerprints WHERE id IN ({marks})",
        tuple(ids),
    )
    return {r[0]: (int(r[1]), np.frombuffer(r[2], dtype=np.uint32)) for r in rows}


def get_meta(db: sqlite3.Connection, key: str) -> str | None:
    row = db.execute("SELECT value FROM related_meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def replace_results(
    db: sqlite3.Connection,
    links: Iterable[Link],
    clusters: Sequence[Cluster],
    state: str,
    covered: Iterable[tuple[str, str]],
) -> None:
    """Swap in a relating run's results (the caller holds the transaction); `covered`:
    (id, content hash) of the articles they were computed for."""
    db.execute("DELETE FROM related_links")
    db.execute("DELETE FROM related_clusters")
    db.execute("DELETE FROM related_docs")
    db.execute("DELETE FROM related_seen")
    db.executemany("INSERT INTO related_seen(id, content_hash) VALUES (?, ?)", covered)
    db.executemany(
        "INSERT INTO related_links(a, b, kind, score, kept, words, names) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        ((k.a, k.b, k.kind, k.score, k.kept, k.words, k.names) for k in links),
    )
    db.executemany(
        "INSERT INTO related_clusters(cluster, kind, original, members) VALUES (?, ?, ?, ?)",
        ((i, c.kind, c.original, json.dumps(c.members)) for i, c in enumerate(clusters)),
    )
    per_doc: dict[str, list[int | None]] = {}
    for i, cluster in enumerate(clusters):
        slot = 0 if cluster.kind == "versions" else 1
        for member in cluster.members:
            per_doc.setdefault(member, [None, None])[slot] = i
    db.executemany(
        "INSERT INTO related_docs(id, versions, event) VALUES (?, ?, ?)",
        ((doc, v, e) for doc, (v, e) in per_doc.items()),
    )
    db.execute("INSERT OR REPLACE INTO related_meta(key, value) VALUES ('state', ?)", (state,))


@dataclass(frozen=True, slots=True)
class Pending:
    """Articles written or deleted since the stored results, by what happened to them."""

    added: list[str]
    changed_or_removed: list[str]

    @property
    def nothing(self) -> bool:
        return not self.added and not self.changed_or_removed


def pending(db: sqlite3.Connection) -> Pending:
    """The change log (`doc_changes`, filled by the document store's triggers) against the
    articles the results cover; an article written again unchanged counts as nothing."""
    added, other = [], []
    for doc, now, seen in db.execute(
        "SELECT c.id, d.content_hash, s.content_hash FROM doc_changes c "
        "LEFT JOIN docs d ON d.id = c.id LEFT JOIN related_seen s ON s.id = c.id ORDER BY c.id"
    ):
        if now is not None and seen is None:
            added.append(doc)
        elif now != seen:
            other.append(doc)
    return Pending(added, other)


def clear_changes(db: sqlite3.Connection) -> None:
    db.execute("DELETE FROM doc_changes")


def covered_count(db: sqlite3.Connection) -> int:
    return int(db.execute("SELECT COUNT(*) FROM related_seen").fetchone()[0])


def cluster_counts(db: sqlite3.Connection) -> dict[str, int]:
    return dict(db.execute("SELECT kind, COUNT(*) FROM related_clusters GROUP BY kind"))


def add_results(
    db: sqlite3.Connection,
    links: Iterable[Link],
    changed: Mapping[int, Cluster],
    state: str,
    covered: Iterable[tuple[str, str]],
) -> None:
    """Add an incremental run's links, new or grown clusters and newly covered articles."""
    db.executemany(
        "INSERT INTO related_links(a, b, kind, score, kept, words, names) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        ((k.a, k.b, k.kind, k.score, k.kept, k.words, k.names) for k in links),
    )
    for number, cluster in changed.items():
        db.execute(
            "INSERT OR REPLACE INTO related_clusters(cluster, kind, original, members) "
            "VALUES (?, ?, ?, ?)",
            (number, cluster.kind, cluster.original, json.dumps(cluster.members)),
        )
        column = "versions" if cluster.kind == "versions" else "event"
        for member in cluster.members:
            db.execute("INSERT OR IGNORE INTO related_docs(id) VALUES (?)", (member,))
            db.execute(f"UPDATE related_docs SET {column} = ? WHERE id = ?", (number, member))
    db.executemany("INSERT OR REPLACE INTO related_seen(id, content_hash) VALUES (?, ?)", covered)
    db.execute("INSERT OR REPLACE INTO related_meta(key, value) VALUES ('state', ?)", (state,))


def memberships(
    db: sqlite3.Connection, ids: Sequence[str]
) -> dict[str, tuple[int | None, int | None]]:
    """(version cluster, event group) numbers of the given articles that have any."""
    out: dict[str, tuple[int | None, int | None]] = {}
    for start in range(0, len(ids), 500):
        chunk = list(ids[start : start + 500])
        marks = ", ".join("?" * len(chunk))
        for doc, versions, event in db.execute(
            f"SELECT id, versions, event FROM related_docs WHERE id IN ({marks})", chunk
        ):
            out[doc] = (versions, event)
    return out


def cluster(db: sqlite3.Connection, number: int) -> Cluster:
    r = db.execute(
        "SELECT kind, original, members FROM related_clusters WHERE cluster = ?", (number,)
    ).fetchone()
    return Cluster(r[0], r[1], tuple(json.loads(r[2])))


def next_cluster_number(db: sqlite3.Connection) -> int:
    row = db.execute("SELECT MAX(cluster) FROM related_clusters").fetchone()
    return 0 if row is None or row[0] is None else int(row[0]) + 1


def clusters(db: sqlite3.Connection) -> list[Cluster]:
    rows = db.execute("SELECT kind, original, members FROM related_clusters ORDER BY cluster")
    return [Cluster(r[0], r[1], tuple(json.loads(r[2]))) for r in rows]


def clusters_of(db: sqlite3.Connection, doc_id: str) -> tuple[Cluster | None, Cluster | None]:
    """(version cluster, event group) of one article; None where it has none."""
    row = db.execute("SELECT versions, event FROM related_docs WHERE id = ?", (doc_id,)).fetchone()
    if row is None:
        return None, None
    out: list[Cluster | None] = []
    for number in row:
        if number is None:
            out.append(None)
            continue
        r = db.execute(
            "SELECT kind, original, members FROM related_clusters WHERE cluster = ?", (number,)
        ).fetchone()
        out.append(Cluster(r[0], r[1], tuple(json.loads(r[2]))))
    return out[0], out[1]


def links_of(db: sqlite3.Connection, doc_id: str) -> Iterator[Link]:
    rows = db.execute(
        "SELECT a, b, kind, score, kept, words, names FROM related_links WHERE a = ?", (doc_id,)
    )
    for r in rows:
        yield Link(*r)
