"""Searches for the window, run on one worker thread (a Whoosh searcher is not shared).

Plain Python over the core: the window calls it through jobs, never on the GUI thread.
"""

from __future__ import annotations

from dataclasses import dataclass

from reader.base.cancel import Cancelled
from reader.store.folder import IndexFolder
from reader.store.search import QueryError, Searcher

LIST_LIMIT = 100_000
"""Most matches a list filter shows (all of them in any corpus we have met)."""


@dataclass(frozen=True, slots=True)
class Matches:
    """The answer to one query: the list filter, and the query's generation number."""

    generation: int
    query: str
    ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ArticleHits:
    generation: int
    doc_id: str
    query: str
    hits: tuple[tuple[int, int], ...]


class SearchService:
    """Owns a `Searcher` for one corpus; reopened lazily after the index changed."""

    def __init__(self, corpus_index: IndexFolder) -> None:
        self.corpus_index = corpus_index
        self._searcher: Searcher | None = None
        self._stale = False
        self.latest_generation = 0
        """Set by the GUI thread to the newest query's number; older queued queries skip."""

    def index_changed(self) -> None:
        """Called from the GUI thread after a build: the next search sees the new index."""
        self._stale = True

    def _open(self) -> Searcher:
        if self._searcher is not None and self._stale:
            self._stale = False
            self._searcher.close()
            self._searcher = None
        if self._searcher is None:
            if not self.corpus_index.is_built():
                raise QueryError("the index is still being built; results follow when it is done")
            self._searcher = Searcher(self.corpus_index)
        return self._searcher

    def matches(self, generation: int, query: str) -> Matches:
        if generation < self.latest_generation:
            raise Cancelled  # a newer query is queued behind this one: don't run it
        return Matches(generation, query, self._open().matching_ids(query, LIST_LIMIT))

    def hits_in(self, generation: int, query: str, doc_id: str) -> ArticleHits:
        return ArticleHits(generation, doc_id, query, self._open().hits_in(query, doc_id))

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None


def compose_query(text: str, *, date_from: str = "", date_to: str = "", source: str = "") -> str:
    """The words typed plus the filters beside the search bar, as field queries."""
    filtered = bool(date_from.strip() or date_to.strip() or source)
    words = text.strip()
    parts = [f"({words})" if filtered and words else words] if words else []
    if date_from.strip() or date_to.strip():
        parts.append(f"date:[{date_from.strip() or '*'} to {date_to.strip() or '*'}]")
    if source:
        parts.append(f'source:"{source.replace(chr(34), " ")}"')
    return " ".join(parts)
