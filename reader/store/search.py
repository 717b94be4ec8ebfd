"""Ranked search over a built index, with snippets and hit offsets into the displayed body.

Queries use Whoosh's syntax: words (all must match), `"phrases"`, `OR`/`NOT`, `prefix*`,
`fuzzy~`, and fields: `title:`, `source:`, `byline:`, `dateline:`, `date:[2022-02-01 to
2022-02-05]`. Terms go through the same folding as the index, so `china` finds "Chinа" written
with a Cyrillic а, and curly and straight quotes delimit phrases alike.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from whoosh import scoring
from whoosh.qparser import FuzzyTermPlugin, GtLtPlugin, MultifieldParser
from whoosh.query import AndNot, FuzzyTerm, Not, NullQuery, Or, Phrase, Query, Term
from whoosh.reading import IndexReader

from reader.store.analysis import WORD_RE, fold_token, word_spans
from reader.store.array_search import ArraySearcher, Matches, Unsupported
from reader.store.documents import DocumentStore
from reader.store.folder import IndexFolder
from reader.store.schema import FIELD_BOOSTS, QUERY_FIELDS, SEARCH_FIELDS, build_schema

SNIPPET_CHARS = 220
SortOrder = Literal["relevance", "date"]

_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‟": '"', "«": '"', "»": '"'})
_FIELD_RE = re.compile(r"(?<![\w.])([A-Za-z_]\w*):(?!//)")
_DATE_RANGE_RE = re.compile(r"date:\s*([\[{])\s*(\S*)\s+to\s+(\S*)\s*([\]}])", re.IGNORECASE)
_DATE_VALUE_RE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")


FUZZY_PREFIX = 2
"""Letters a `word~` keeps as typed: misspellings rarely start wrong, and Whoosh walks its
lexicon for fuzzy words in Python: from the first letter on that costs 20-40 ms, from the
third 1-8 ms (BBC)."""


class _FuzzyPlugin(FuzzyTermPlugin):  # type: ignore[misc]  # Whoosh ships no types
    def create(self, parser: Any, match: re.Match[str]) -> Any:
        node = super().create(parser, match)
        if not match.group("prefix"):
            node.prefixlength = FUZZY_PREFIX
        return node


def expand_fuzzy(
    query: Query, reader: IndexReader, within: Callable[[str, int, int], list[str]] | None = None
) -> Query:
    """The query with each fuzzy word replaced by the words it stands for, found once in the
    body's lexicon (the largest) instead of once per field and again for highlighting;
    `within(text, maxdist, prefix)` finds them faster than Whoosh's walk of the lexicon."""
    found: dict[tuple[str, int, int], list[str]] = {}

    def expand(node: Query) -> Query:
        if not isinstance(node, FuzzyTerm):
            return node
        key = (node.text, node.maxdist, node.prefixlength)
        if key not in found:
            if within is not None:
                words = within(node.text, node.maxdist, node.prefixlength)
            else:
                words = reader.terms_within("body", node.text, node.maxdist, node.prefixlength)
            found[key] = sorted(words)
        words = found[key]
        if not words:
            return NullQuery
        if len(words) == 1:  # Whoosh drops the boost of a one-clause Or (a title's weight)
            return Term(node.fieldname, words[0], boost=node.boost)
        return Or([Term(node.fieldname, w) for w in words], boost=node.boost)

    return query.accept(expand)


@dataclass(frozen=True, slots=True)
class HitMarks:
    """What to mark in a result's body: words the query looks for on their own, and phrases,
    whose words are marked only where the whole phrase stands (`"military-technical"` does
    not mark every "military")."""

    words: frozenset[str]
    phrases: tuple[tuple[str, ...], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.words or self.phrases)

    def spans(self, body: str) -> list[tuple[int, int]]:
        """Original-text spans of the hits in `body`."""
        wanted = set(self.words).union(*self.phrases)
        if not wanted:
            return []
        spans = word_spans(body, wanted)
        if not self.phrases or not spans:
            return spans
        folded = [fold_token(body[s:e]) for s, e in spans]
        keep = {i for i, word in enumerate(folded) if word in self.words}
        for phrase in self.phrases:
            n = len(phrase)
            for i in range(len(spans) - n + 1):
                if tuple(folded[i : i + n]) == phrase and all(
                    WORD_RE.search(body, spans[j][1], spans[j + 1][0]) is None
                    for j in range(i, i + n - 1)
                ):  # the words follow one another, nothing but spaces and marks between
                    keep.update(range(i, i + n))
        return [spans[i] for i in sorted(keep)]


def highlight_terms(query: Query, reader: IndexReader) -> HitMarks:
    """The indexed words a query looks for (prefixes and fuzzy words expanded), leaving out
    those it excludes, and its phrases: what to mark in a result's body.

    Asking Whoosh for each hit's matched terms instead makes it record terms for every
    matching document, not just one page. A word the parser spread over several fields is
    expanded once, in the body's lexicon: the body is what gets marked.
    """
    leaves: dict[tuple[str, str], Query] = {}
    for leaf in _positive_leaves(query):
        field = leaf.field()
        if field not in SEARCH_FIELDS:
            continue
        key = (type(leaf).__name__, repr(getattr(leaf, "text", leaf)).split("^")[0])
        if key not in leaves or field == "body":
            leaves[key] = leaf
    found: set[str] = set()
    phrases: set[tuple[str, ...]] = set()
    for leaf in leaves.values():
        if isinstance(leaf, Phrase):
            phrases.add(tuple(str(w) for w in leaf.words))
            continue
        for _field, text in leaf.existing_terms(reader, expand=True):
            found.add(text.decode("utf-8") if isinstance(text, bytes) else str(text))
    return HitMarks(frozenset(found), tuple(sorted(phrases)))


def _positive_leaves(query: Query) -> list[Query]:
    if isinstance(query, Not):
        return []
    if isinstance(query, AndNot):
        return _positive_leaves(query.a)
    if query.is_leaf():
        return [query]
    return [leaf for child in query.children() for leaf in _positive_leaves(child)]


class QueryError(ValueError):
    """A query that cannot be run, with a message saying what is wrong in it."""


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One result: the `search --json` keys, plus where the hits fall in the snippet."""

    id: str
    title: str | None
    date: str | None
    source: str | None
    score: float
    snippet: str
    hits: tuple[tuple[int, int], ...]
    snippet_hits: tuple[tuple[int, int], ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "date": self.date,
            "source": self.source,
            "score": round(self.score, 4),
            "snippet": self.snippet,
            "hits": [list(span) for span in self.hits],
        }


@dataclass(frozen=True, slots=True)
class SearchResults:
    query: str
    total: int
    page: int
    pagelen: int
    hits: list[SearchHit]


def _check_balanced(text: str) -> None:
    if text.count('"') % 2:
        raise QueryError('a quotation mark (") is not closed')
    for opening, closing, name in (("(", ")", "parenthesis"), ("[", "]", "bracket")):
        depth = 0
        for ch in text:
            depth += (ch == opening) - (ch == closing)
            if depth < 0:
                raise QueryError(f"a closing {name} '{closing}' has no opening one")
        if depth:
            raise QueryError(f"an opening {name} '{opening}' is not closed")


def _widen_date(value: str, end: bool) -> str:
    """`2022-02` as an upper bound means the whole month; as a lower bound its first day."""
    if not value or value == "*":
        return ""
    if not _DATE_VALUE_RE.match(value):
        raise QueryError(f"'{value}' is not a date (write YYYY-MM-DD, YYYY-MM or YYYY)")
    if end and len(value) == 4:
        return value + "-12-31"
    if end and len(value) == 7:
        return value + "-31"
    return value


def prepare_query(text: str) -> str:
    """Fold typographic quotes, check the syntax, and spell date ranges as the index needs."""
    text = text.translate(_QUOTES).strip()
    if not text:
        raise QueryError("the query is empty")
    _check_balanced(text)
    for match in _FIELD_RE.finditer(text):
        name = match.group(1).lower()
        if name not in QUERY_FIELDS:
            fields = ", ".join(f"{f}:" for f in QUERY_FIELDS if f not in ("id", "words"))
            raise QueryError(f"unknown field '{match.group(1)}:' (fields are {fields})")

    def date_range(m: re.Match[str]) -> str:
        start, end = _widen_date(m.group(2), False), _widen_date(m.group(3), True)
        # An open end must be left out entirely: Whoosh reads "TO ]" as "up to the empty word".
        return f"date:{m.group(1)}{start} TO{' ' + end if end else ''}{m.group(4)}"

    return _DATE_RANGE_RE.sub(date_range, text)


class Searcher:
    """An open index, reused across queries: opening costs more than a query."""

    def __init__(self, corpus_index: IndexFolder) -> None:
        self.corpus_index = corpus_index
        self._ix = corpus_index.open_whoosh()
        self._store = DocumentStore(corpus_index.store_path)
        self._parser = MultifieldParser(
            list(SEARCH_FIELDS), build_schema(), fieldboosts=dict(FIELD_BOOSTS)
        )
        self._parser.add_plugin(_FuzzyPlugin())
        self._parser.add_plugin(GtLtPlugin())
        self._searcher = self._ix.searcher(weighting=scoring.BM25F())
        self._arrays = ArraySearcher(self._searcher)

    def close(self) -> None:
        self._searcher.close()
        self._store.close()

    def __enter__(self) -> Searcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def store(self) -> DocumentStore:
        return self._store

    def refresh(self) -> None:
        """See the latest committed batch (after a build in this or another process)."""
        searcher = self._searcher.refresh()
        if searcher is not self._searcher:
            self._searcher = searcher
            self._arrays = ArraySearcher(searcher)

    def parse(self, text: str) -> Query:
        prepared = prepare_query(text)
        try:
            return self._parser.parse(prepared)
        except Exception as exc:  # the parser's own complaints, in its words
            raise QueryError(f"cannot read the query: {exc}") from None

    def search(
        self,
        text: str,
        *,
        sort: SortOrder = "relevance",
        page: int = 1,
        pagelen: int = 20,
        snippets: bool = True,
    ) -> SearchResults:
        """One page of results.

        Raises:
            QueryError: the query is malformed; the message says how.
        """
        query = self._query(text)
        page = max(page, 1)
        try:
            ranked = self._ranked(query, sort)
        except Unsupported:
            ranked = None
        if ranked is None:
            kwargs: dict[str, Any] = {}
            if sort == "date":
                kwargs.update(sortedby="date", reverse=True)
            try:
                results = self._searcher.search_page(query, page, pagelen=pagelen, **kwargs)
            except ValueError as exc:
                raise QueryError(str(exc)) from None
            total, page = len(results), results.pagenum
            shown = [(hit["id"], _score(hit.score)) for hit in results]
        else:
            order, found = ranked
            total = len(order)
            page = min(page, -(-total // pagelen))  # past the end: the last page, as Whoosh
            start = (page - 1) * pagelen
            docs = order[start : start + pagelen] if page > 0 else order[:0]
            scores = self._arrays.scores_of(found, docs) if sort != "date" else [0.0] * len(docs)
            shown = list(zip(self._arrays.doc_ids(docs), scores, strict=True))
        ids = [doc_id for doc_id, _score_value in shown]
        rows = self._store.bodies(ids)
        marks = highlight_terms(query, self._searcher.reader()) if ids else HitMarks(frozenset())
        hits: list[SearchHit] = []
        for doc_id, score in shown:
            row = rows.get(doc_id)
            if row is None:  # indexed but not yet in the store: an interrupted batch
                continue
            body, title, date, source = row
            spans = marks.spans(body)
            snippet, snippet_spans = make_snippet(body, spans) if snippets else ("", [])
            hits.append(
                SearchHit(
                    id=doc_id,
                    title=title,
                    date=date,
                    source=source,
                    score=score,
                    snippet=snippet,
                    hits=tuple(spans),
                    snippet_hits=tuple(snippet_spans),
                )
            )
        return SearchResults(text, total, page, pagelen, hits)

    def matching_ids(self, text: str, limit: int | None = None) -> tuple[str, ...]:
        """Ids of every match, best first, without reading texts: what a list filter needs.

        Raises:
            QueryError: the query is malformed.
        """
        query = self._query(text)
        try:
            ranked = self._ranked(query, "relevance")
        except Unsupported:
            ranked = None
        if ranked is not None:
            docs = ranked[0][:limit] if limit is not None else ranked[0]
            return tuple(self._arrays.doc_ids(docs))
        try:
            results = self._searcher.search(query, limit=limit)
        except ValueError as exc:
            raise QueryError(str(exc)) from None
        return tuple(hit["id"] for hit in results)

    def _ranked(self, query: Query, sort: SortOrder) -> tuple[Any, Matches]:
        """Every match's document number, best (or newest) first, and the matches.

        Raises:
            Unsupported: a query kind left to Whoosh.
        """
        found = self._arrays.matches(query)
        return self._arrays.ranked(found, sort), found

    def hits_in(self, text: str, doc_id: str) -> tuple[tuple[int, int], ...]:
        """Where the query matches inside one article's body (empty when it does not match)."""
        query = self._query(text)
        docnum = self._searcher.document_number(id=doc_id)
        if docnum is None:
            return ()
        try:
            matched = len(self._arrays.matches(query, np.array([docnum], dtype=np.int64)).docs)
        except Unsupported:
            try:
                matched = len(self._searcher.search(query, filter=Term("id", doc_id), limit=1))
            except ValueError as exc:
                raise QueryError(str(exc)) from None
        rows = self._store.bodies([doc_id]) if matched else {}
        if doc_id not in rows:
            return ()
        return tuple(highlight_terms(query, self._searcher.reader()).spans(rows[doc_id][0]))

    def _query(self, text: str) -> Query:
        """The parsed query, fuzzy words already expanded (see `expand_fuzzy`)."""
        return expand_fuzzy(
            self.parse(text), self._searcher.reader(), self._arrays.body_words_within
        )


def _score(value: object) -> float:
    """Relevance score; results sorted by date carry their sort key instead, and score 0."""
    return float(value) if isinstance(value, int | float) else 0.0


def make_snippet(
    body: str, spans: list[tuple[int, int]], width: int = SNIPPET_CHARS
) -> tuple[str, list[tuple[int, int]]]:
    """The stretch of the body with the most hits, cut at word boundaries, and the hits in it."""
    if not body:
        return "", []
    if not spans:
        start, end = 0, min(len(body), width)
    else:
        best, best_count = spans[0][0], 0
        j = 0
        for i, (s, _e) in enumerate(spans):
            j = max(j, i)
            while j + 1 < len(spans) and spans[j + 1][1] - s <= width:
                j += 1
            if j - i + 1 > best_count:
                best, best_count = s, j - i + 1
        start = max(0, best - width // 4)
        end = min(len(body), start + width)
    if start > 0:
        space = body.find(" ", start)
        start = space + 1 if 0 <= space < start + 30 else start
    if end < len(body):
        space = body.rfind(" ", start, end)
        end = space if space > start else end
    text = body[start:end].replace("\n\n", " ¶ ")
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(body) else ""
    # "\n\n" -> " ¶ " keeps the length of the text before each hit plus one per break.
    inside: list[tuple[int, int]] = []
    for s, e in spans:
        if s >= start and e <= end:
            shift = len(prefix) + body.count("\n\n", start, s)
            inside.append((s - start + shift, e - start + shift))
    return prefix + text + suffix, inside
