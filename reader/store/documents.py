"""The document store beside the Whoosh index: clean texts, metadata, and what was read when.

Whoosh keeps only what search needs; everything shown to the reader lives here, in SQLite
from the standard library: one file, transactional, fast to read one article by id. The same
file holds relating's tables (`related_tables`, which reads `docs` too) and the change log
of `docs` that tells relating what was written since it last ran.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from reader.corpus.model import Article, Problem
from reader.store.database import Database

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY,          -- relative to the corpus root
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    digest TEXT NOT NULL,
    doc_ids TEXT NOT NULL           -- JSON list of the articles the file holds
);
CREATE TABLE IF NOT EXISTS docs (
    id TEXT PRIMARY KEY,
    file TEXT NOT NULL,
    path TEXT NOT NULL,
    format TEXT NOT NULL,
    title TEXT, subtitle TEXT, date TEXT, datetime TEXT, byline TEXT, source TEXT,
    dateline TEXT, url TEXT,
    body TEXT NOT NULL,
    captions TEXT NOT NULL,
    credits TEXT NOT NULL,
    word_count INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    display_html TEXT,
    raw BLOB NOT NULL,
    extra TEXT                      -- JSON: `Article.extra`, null when empty
);
CREATE INDEX IF NOT EXISTS docs_file ON docs(file);
CREATE TABLE IF NOT EXISTS problems (path TEXT NOT NULL, reason TEXT NOT NULL);
-- Every article written or deleted since the last relating run, logged by triggers so that
-- relating (`related_tables.pending`) reads a few rows, not the corpus; relating clears it.
CREATE TABLE IF NOT EXISTS doc_changes (id TEXT PRIMARY KEY);
CREATE TRIGGER IF NOT EXISTS doc_changes_insert AFTER INSERT ON docs BEGIN
    INSERT OR IGNORE INTO doc_changes(id) VALUES (new.id);
END;
CREATE TRIGGER IF NOT EXISTS doc_changes_update AFTER UPDATE ON docs BEGIN
    INSERT OR IGNORE INTO doc_changes(id) VALUES (old.id);
    INSERT OR IGNORE INTO doc_changes(id) VALUES (new.id);
END;
CREATE TRIGGER IF NOT EXISTS doc_changes_delete AFTER DELETE ON docs BEGIN
    INSERT OR IGNORE INTO doc_changes(id) VALUES (old.id);
END;
"""

_DOC_COLUMNS = (
    "id, file, path, format, title, subtitle, date, datetime, byline, source, dateline, url, "
    "body, captions, credits, word_count, content_hash, display_html, raw, extra"
)


def pack_raw(raw: str) -> bytes:
    """A raw text as the store keeps it (zlib, fast level: it is read only to show it)."""
    return zlib.compress(raw.encode("utf-8"), 1)


@dataclass(frozen=True, slots=True)
class FileRecord:
    path: str
    size: int
    mtime_ns: int
    digest: str
    doc_ids: tuple[str, ...]


class DocumentStore(Database):
    """The articles of one corpus; writes happen between `begin()` and `commit()`."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, _SCHEMA)

    @property
    def connection(self) -> sqlite3.Connection:
        """For features keeping their own tables here (related stories), in our transactions."""
        return self._db

    # -- meta ------------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    # -- files -----------------------------------------------------------------------------
    def files(self) -> dict[str, FileRecord]:
        rows = self._db.execute("SELECT path, size, mtime_ns, digest, doc_ids FROM files")
        return {r[0]: FileRecord(r[0], r[1], r[2], r[3], tuple(json.loads(r[4]))) for r in rows}

    def put_file(self, record: FileRecord) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO files(path, size, mtime_ns, digest, doc_ids) "
            "VALUES (?, ?, ?, ?, ?)",
            (record.path, record.size, record.mtime_ns, record.digest, json.dumps(record.doc_ids)),
        )

    def delete_file(self, path: str) -> None:
        self._db.execute("DELETE FROM files WHERE path = ?", (path,))
        self._db.execute("DELETE FROM docs WHERE file = ?", (path,))

    # -- documents -------------------------------------------------------------------------
    def put_articles(
        self, file: str, articles: Sequence[Article], raws: Sequence[bytes] | None = None
    ) -> None:
        """Replace the file's articles; `raws`: their raw texts already packed (`pack_raw`)
        by the process that read them, else packed here."""
        self._db.execute("DELETE FROM docs WHERE file = ?", (file,))
        packed = raws if raws is not None else [pack_raw(a.raw) for a in articles]
        self._db.executemany(
            f"INSERT OR REPLACE INTO docs({_DOC_COLUMNS}) VALUES ({', '.join('?' * 20)})",
            (
                (
                    a.id, file, a.path, a.format, a.title, a.subtitle, a.date, a.datetime,
                    a.byline, a.source, a.dateline, a.url, a.body, json.dumps(a.captions),
                    json.dumps(a.credits), a.word_count, a.content_hash, a.display_html, raw,
                    json.dumps(a.extra, ensure_ascii=False) if a.extra else None,
                )
                for a, raw in zip(articles, packed, strict=True)
            ),
        )  # fmt: skip

    def article(self, doc_id: str) -> Article | None:
        row = self._db.execute(
            f"SELECT {_DOC_COLUMNS} FROM docs WHERE id = ?", (doc_id,)
        ).fetchone()
        return None if row is None else _to_article(row)

    def bodies(
        self, doc_ids: list[str]
    ) -> dict[str, tuple[str, str | None, str | None, str | None]]:
        """(body, title, date, source) for many ids in one query: what a results page needs."""
        if not doc_ids:
            return {}
        marks = ", ".join("?" * len(doc_ids))
        rows = self._db.execute(
            f"SELECT id, body, title, date, source FROM docs WHERE id IN ({marks})", doc_ids
        )
        return {r[0]: (r[1], r[2], r[3], r[4]) for r in rows}

    def articles(self) -> Iterator[Article]:
        for row in self._db.execute(f"SELECT {_DOC_COLUMNS} FROM docs ORDER BY id"):
            yield _to_article(row)

    def listing(self) -> list[tuple[str, str, str, str, int, str]]:
        """(id, title, source, date, words, format) of every article: what a document list
        shows, without the texts (a window lists 100k articles from this in well under a
        second)."""
        rows = self._db.execute(
            "SELECT id, coalesce(title, ''), coalesce(source, ''), coalesce(date, ''), "
            "word_count, format FROM docs"
        )
        return [(r[0], r[1], r[2], r[3], int(r[4]), r[5]) for r in rows]

    def content_hashes(self) -> dict[str, str]:
        """id -> content hash of every article: what entity extraction compares against."""
        return {r[0]: r[1] for r in self._db.execute("SELECT id, content_hash FROM docs")}

    def count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM docs").fetchone()[0])

    # -- problems --------------------------------------------------------------------------
    def set_problems(self, problems: Iterable[Problem]) -> None:
        self._db.execute("DELETE FROM problems")
        self._db.executemany(
            "INSERT INTO problems(path, reason) VALUES (?, ?)",
            ((p.path, p.reason) for p in problems),
        )

    def problems(self) -> list[Problem]:
        rows = self._db.execute("SELECT path, reason FROM problems ORDER BY path")
        return [Problem(r[0], r[1]) for r in rows]

    def set_skipped(self, skipped: Iterable[Problem]) -> None:
        """The files the last build did not read, with the reason (shown, never silent)."""
        self.set_meta("skipped", json.dumps([[p.path, p.reason] for p in skipped]))

    def skipped(self) -> list[Problem]:
        return [
            Problem(path, reason) for path, reason in json.loads(self.get_meta("skipped") or "[]")
        ]


def _to_article(row: tuple[object, ...]) -> Article:
    (doc_id, _file, path, fmt, title, subtitle, date, datetime, byline, source, dateline, url,
     body, captions, credits, word_count, content_hash, display_html, raw, extra) = row  # fmt: skip
    return Article(
        id=str(doc_id),
        path=str(path),
        format=str(fmt),
        title=title,  # type: ignore[arg-type]
        subtitle=subtitle,  # type: ignore[arg-type]
        date=date,  # type: ignore[arg-type]
        datetime=datetime,  # type: ignore[arg-type]
        byline=byline,  # type: ignore[arg-type]
        source=source,  # type: ignore[arg-type]
        dateline=dateline,  # type: ignore[arg-type]
        url=url,  # type: ignore[arg-type]
        body=str(body),
        captions=tuple(json.loads(str(captions))),
        credits=tuple(json.loads(str(credits))),
        raw=zlib.decompress(raw).decode("utf-8"),  # type: ignore[arg-type]
        word_count=int(word_count),  # type: ignore[call-overload]
        content_hash=str(content_hash),
        display_html=display_html,  # type: ignore[arg-type]
        extra=json.loads(str(extra)) if extra else {},
    )
