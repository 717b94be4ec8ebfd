"""`entities.sqlite` beside the index: mentions per article, the alias table, and what the
search index was last given, so re-runs are incremental and the user's aliases outlive a
rebuild of the text index (which deletes only `whoosh/` and `store.sqlite`)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from reader.entities.model import AliasOp, Mention
from reader.store.database import Database

ENTITIES_FILE = "entities.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS extracted (
    doc_id TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL,
    extractor TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS mentions (
    doc_id TEXT NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    text TEXT NOT NULL,
    type TEXT NOT NULL,
    prefix TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS mentions_doc ON mentions(doc_id);
CREATE TABLE IF NOT EXISTS aliases (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    op TEXT NOT NULL,            -- merge | split | rename | hide
    key TEXT NOT NULL,           -- TYPE:name the operation applies to
    target TEXT NOT NULL         -- merge: key merged into; rename: new name; split: variant
);
CREATE TABLE IF NOT EXISTS indexed (
    doc_id TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL,
    fields TEXT NOT NULL         -- JSON: the entity fields the search index holds for the doc
);
"""


class EntityStore(Database):
    """One SQLite file; every write is its own transaction unless `begin()` was called."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        super().__init__(path, _SCHEMA)

    @classmethod
    def beside(cls, index_dir: Path) -> EntityStore:
        return cls(index_dir / ENTITIES_FILE)

    # -- extraction results -----------------------------------------------------------------
    def extracted(self) -> dict[str, tuple[str, str]]:
        """doc id -> (content hash, extractor) of what was extracted."""
        rows = self._db.execute("SELECT doc_id, content_hash, extractor FROM extracted")
        return {r[0]: (r[1], r[2]) for r in rows}

    def put(self, doc_id: str, content_hash: str, extractor: str, mentions: list[Mention]) -> None:
        self._db.execute("DELETE FROM mentions WHERE doc_id = ?", (doc_id,))
        self._db.executemany(
            "INSERT INTO mentions(doc_id, start, end, text, type, prefix) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            ((doc_id, m.start, m.end, m.text, m.type, m.prefix) for m in mentions),
        )
        self._db.execute(
            "INSERT OR REPLACE INTO extracted(doc_id, content_hash, extractor) VALUES (?, ?, ?)",
            (doc_id, content_hash, extractor),
        )

    def forget(self, doc_ids: Iterable[str]) -> None:
        for doc_id in doc_ids:
            self._db.execute("DELETE FROM mentions WHERE doc_id = ?", (doc_id,))
            self._db.execute("DELETE FROM extracted WHERE doc_id = ?", (doc_id,))
            self._db.execute("DELETE FROM indexed WHERE doc_id = ?", (doc_id,))

    def mentions(self, doc_id: str | None = None) -> dict[str, list[Mention]]:
        """doc id -> its mentions in body order (all documents, or one)."""
        sql = "SELECT doc_id, start, end, text, type, prefix FROM mentions"
        args: tuple[str, ...] = ()
        if doc_id is not None:
            sql += " WHERE doc_id = ?"
            args = (doc_id,)
        out: dict[str, list[Mention]] = {}
        for d, s, e, t, k, p in self._db.execute(sql + " ORDER BY doc_id, start", args):
            out.setdefault(d, []).append(Mention(s, e, t, k, p))
        return out

    # -- aliases ----------------------------------------------------------------------------
    def add_alias(self, op: str, key: str, target: str) -> None:
        self._db.execute("INSERT INTO aliases(op, key, target) VALUES (?, ?, ?)", (op, key, target))

    def remove_aliases(self, key: str) -> int:
        cursor = self._db.execute("DELETE FROM aliases WHERE key = ?", (key,))
        return cursor.rowcount

    def aliases(self) -> list[AliasOp]:
        rows = self._db.execute("SELECT op, key, target FROM aliases ORDER BY seq")
        return [AliasOp(*r) for r in rows]

    # -- what the search index holds --------------------------------------------------------
    def indexed(self) -> dict[str, tuple[str, dict[str, str]]]:
        rows = self._db.execute("SELECT doc_id, content_hash, fields FROM indexed")
        return {r[0]: (r[1], json.loads(r[2])) for r in rows}

    def put_indexed(self, doc_id: str, content_hash: str, fields: dict[str, str]) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO indexed(doc_id, content_hash, fields) VALUES (?, ?, ?)",
            (doc_id, content_hash, json.dumps(fields, ensure_ascii=False, sort_keys=True)),
        )


def indexed_fields(index_dir: Path) -> dict[str, tuple[str, dict[str, str]]]:
    """What the builder re-adds with an article it rewrites (empty when never extracted)."""
    path = index_dir / ENTITIES_FILE
    if not path.exists():
        return {}
    try:
        with EntityStore(path) as store:
            return store.indexed()
    except sqlite3.DatabaseError:
        return {}
