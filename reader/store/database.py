"""One SQLite file beside the index, as every store of ours opens and writes it."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Self


class Database:
    """A SQLite file in WAL mode (readers never wait for the one writer) whose writes happen
    in explicit transactions: `begin()` takes the write lock at once, so two writers queue
    instead of failing half-way through a batch."""

    def __init__(self, path: Path, schema: str) -> None:
        self.path = path
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(schema)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def begin(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def commit(self) -> None:
        self._db.execute("COMMIT")

    def rollback(self) -> None:
        if self._db.in_transaction:
            self._db.execute("ROLLBACK")
