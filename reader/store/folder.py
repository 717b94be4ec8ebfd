"""A corpus's index folder: where its Whoosh index and SQLite stores live, whether they are
usable, and the one writer of the Whoosh index.

Everything that writes Whoosh — the build's deletions and adopted segments, the entities'
fields of rewritten articles — goes through `IndexWriter`, so one module decides how a
commit merges segments and which codec writes them.
"""

from __future__ import annotations

import gc
import shutil
import sqlite3
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index

from reader.base.lock import corpus_lock
from reader.store.documents import DocumentStore
from reader.store.entity_store import ENTITIES_FILE, EntityStore
from reader.store.location import index_dir_for
from reader.store.schema import SCHEMA_VERSION, build_schema
from reader.store.segment_writer import (
    GroupingSegmentWriter,
    PostingsCodec,
    merge_policy,
    move_segment,
)

WHOOSH_DIR = "whoosh"
STORE_FILE = "store.sqlite"


class IndexFolder:
    """A corpus folder and its index folder (Whoosh + document store + entity store)."""

    def __init__(self, corpus_root: Path | str, index_dir: Path | str | None = None) -> None:
        self.root = Path(corpus_root).resolve()
        self.directory = index_dir_for(self.root, index_dir)

    @property
    def whoosh_dir(self) -> Path:
        return self.directory / WHOOSH_DIR

    @property
    def store_path(self) -> Path:
        return self.directory / STORE_FILE

    @property
    def entities_path(self) -> Path:
        return self.directory / ENTITIES_FILE

    def is_built(self) -> bool:
        """Whether an index of this schema exists and has finished at least one build."""
        return self.health() is None

    def health(self) -> str | None:
        """None when the index is usable; otherwise why it must be rebuilt, in words."""
        if not self.store_path.exists() or not self.whoosh_dir.is_dir():
            return "no index yet"
        try:
            with DocumentStore(self.store_path) as store:
                version = store.get_meta("schema_version")
                root = store.get_meta("corpus_root")
        except sqlite3.DatabaseError as exc:
            return f"the document store is damaged ({exc})"
        if version != str(SCHEMA_VERSION):
            return f"the index has schema version {version}, this program needs {SCHEMA_VERSION}"
        if root != str(self.root):
            return f"the index folder holds another corpus ({root})"
        with warnings.catch_warnings():
            # Whoosh leaves a damaged TOC file open; let it close here, quietly.
            warnings.simplefilter("ignore", ResourceWarning)
            try:
                ix = whoosh_index.open_dir(str(self.whoosh_dir))
                with ix.searcher() as searcher:
                    searcher.doc_count()
            except Exception as exc:
                gc.collect()
                return f"the search index is damaged ({type(exc).__name__}: {exc})"
        # An interrupted run (complete != "1") still leaves a usable index; the next completes it.
        return None

    def open_store(self) -> DocumentStore:
        return DocumentStore(self.store_path)

    def open_entity_store(self) -> EntityStore:
        return EntityStore(self.entities_path)

    def open_whoosh(self) -> Any:
        return whoosh_index.open_dir(str(self.whoosh_dir))

    def create_empty(self) -> None:
        """An empty index of this schema for this corpus (the entity store, which holds the
        user's aliases, is kept)."""
        shutil.rmtree(self.whoosh_dir, ignore_errors=True)
        for name in (STORE_FILE, STORE_FILE + "-wal", STORE_FILE + "-shm"):
            (self.directory / name).unlink(missing_ok=True)
        self.whoosh_dir.mkdir(parents=True)
        whoosh_index.create_in(str(self.whoosh_dir), build_schema())
        with DocumentStore(self.store_path) as store:
            store.begin()
            store.set_meta("schema_version", str(SCHEMA_VERSION))
            store.set_meta("corpus_root", str(self.root))
            store.set_meta("complete", "0")
            store.commit()

    @contextmanager
    def lock(self, *, timeout: float = 0, busy: str | None = None) -> Iterator[None]:
        """This corpus's lock (`base.lock`), with a message that names the corpus."""
        message = busy or (
            f"{self.root} is already being indexed by another process; try again when it "
            "has finished"
        )
        with corpus_lock(self.directory, timeout=timeout, busy=message):
            yield


class IndexWriter:
    """The one writer of a corpus's Whoosh index: deletions, segments written apart, and
    rewritten documents, committed with our codec and merge policy. Call `commit()` once,
    or `cancel()` (on any error) to leave the index as it was."""

    def __init__(self, folder: IndexFolder, ix: Any | None = None) -> None:
        self.folder = folder
        self._writer = GroupingSegmentWriter(
            ix if ix is not None else folder.open_whoosh(), codec=PostingsCodec()
        )

    def delete(self, doc_id: str) -> None:
        """Delete the article `doc_id` (nothing when the index does not hold it)."""
        self._writer.delete_by_term("id", doc_id)

    def rewrite(self, fields: dict[str, Any]) -> None:
        """Replace the article whose id `fields` holds by this document."""
        self._writer.update_document(**fields)

    def adopt(self, segments: Sequence[tuple[Any, Path]]) -> None:
        """Segments written apart, each with its scratch folder: moved into the index and
        listed in its table of segments at the commit."""
        for segment, scratch in segments:
            move_segment(segment, scratch, self.folder.whoosh_dir)
        self._writer.adopt([segment for segment, _scratch in segments])

    def commit(self) -> None:
        self._writer.commit(mergetype=merge_policy)

    def cancel(self) -> None:
        self._writer.cancel()
