"""Parsed queries answered over numpy arrays of document numbers, with Whoosh's own scores.

Whoosh walks its matchers one document at a time in Python: a query matching most of the
corpus (`source:reuters`, a month of dates, a prefix, a phrase of common words) costs
50-350 ms, and counting the matches walks them all a second time. Here each word's postings
are read once, block by block, into arrays (kept for later queries in a small cache), and
`And`/`Or`/`Not` become set operations on sorted arrays; BM25F is computed for a whole
posting list at once with the same statistics Whoosh uses (its idf, average and per-document
field lengths), so results and scores equal Whoosh's. Query kinds this module does not know
raise `Unsupported`, and the caller falls back to Whoosh.
"""

from __future__ import annotations

import bisect
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import accumulate
from pickle import loads
from typing import Any

import numpy as np
import numpy.typing as npt
from rapidfuzz import process
from rapidfuzz.distance import OSA
from whoosh import query as wq
from whoosh.fields import ID, TEXT
from whoosh.formats import Positions
from whoosh.matching import FilterMatcher
from whoosh.scoring import BM25F
from whoosh.util.numeric import byte_to_length

POSTINGS_CACHED = 2_000_000
"""Postings kept between queries (about 16 bytes each, more with positions), least recently
used dropped first: a session's words come back (typing, paging, the window's filters), and
a list of 20k documents costs 5-15 ms to read."""

BLOCK_POSTINGS = 128
"""Postings per block in Whoosh's files: a phrase reads a common word's positions from just
the blocks of its candidates when they are fewer than its blocks, else the whole list (kept)."""

ALL_IDS_AFTER = 2000
"""Missing ids past which `doc_ids` reads every document's id in one pass."""

Docs = npt.NDArray[np.int64]
Scores = npt.NDArray[np.float64]
_EMPTY_DOCS: Docs = np.zeros(0, dtype=np.int64)
_EMPTY_SCORES: Scores = np.zeros(0, dtype=np.float64)
_LENGTH_OF_BYTE = np.array([0] + [byte_to_length(b) for b in range(1, 256)], dtype=np.float64)


class Unsupported(Exception):
    """A query kind answered by Whoosh itself."""


@dataclass(frozen=True, slots=True)
class Matches:
    """Matching documents (global numbers, ascending) and their scores."""

    docs: Docs
    scores: Scores


@dataclass(slots=True)
class _Postings:
    docs: Docs
    weights: Scores
    values: list[bytes] | None
    """The raw posting values (encoded positions), read only for phrases."""


_NONE = Matches(_EMPTY_DOCS, _EMPTY_SCORES)


class ArraySearcher:
    """Answers queries for one open Whoosh searcher; make a new one when the index changed."""

    def __init__(self, searcher: Any) -> None:
        self._searcher = searcher
        self._schema = searcher.schema
        weighting = searcher.weighting
        if type(weighting) is not BM25F:
            raise TypeError("array search computes BM25F only")
        self._weighting: BM25F = weighting
        if searcher.subsearchers:
            self._leaves = [(s.reader(), offset) for s, offset in searcher.subsearchers]
        else:
            self._leaves = [(searcher.reader(), 0)]
        self._doc_limit = searcher.reader().doc_count_all()
        self._live = self._live_mask()
        self._lengths: dict[str, Scores] = {}
        self._postings: OrderedDict[tuple[str, bytes, bool], _Postings] = OrderedDict()
        self._cached_postings = 0
        self._date_rank: npt.NDArray[np.int64] | None = None
        self._body_words: list[str] | None = None
        self._ids: list[str | None] | None = None

    # -- results -----------------------------------------------------------------------------
    def matches(self, query: wq.Query, within: Docs | None = None) -> Matches:
        """Every live document the query matches (of `within`, if given), with its score.

        Raises:
            Unsupported: a query kind this module leaves to Whoosh.
        """
        found = self._eval(query, within)
        if self._live is not None and len(found.docs):
            keep = self._live[found.docs]
            found = Matches(found.docs[keep], found.scores[keep])
        return found

    def ranked(self, found: Matches, sort: str) -> Docs:
        """Document numbers best first: by score (ties by document number, as Whoosh), or
        newest first (ties by higher document number, as Whoosh's reversed sort)."""
        if sort == "date":
            rank = self._date_ranks()[found.docs]
            return found.docs[np.lexsort((-found.docs, -rank))]
        return found.docs[np.lexsort((found.docs, -found.scores))]

    @staticmethod
    def scores_of(found: Matches, docs: Docs) -> list[float]:
        """The scores of some of the matched documents."""
        return [float(x) for x in found.scores[np.searchsorted(found.docs, docs)]]

    def doc_ids(self, docs: Docs) -> list[str]:
        """The stored ids of documents, remembered: a list filter asks for thousands at once
        (17k for `source:reuters`), one stored-fields read each; past a few thousand missing,
        every id is read in one pass."""
        if self._ids is None:
            self._ids = [None] * self._doc_limit
        ids = self._ids
        wanted = docs.tolist()
        missing = [d for d in wanted if ids[d] is None]
        if len(missing) > ALL_IDS_AFTER:
            for docnum, fields in self._searcher.reader().iter_docs():
                ids[docnum] = fields["id"]
        else:
            stored = self._searcher.stored_fields
            for d in missing:
                ids[d] = stored(d)["id"]
        return [str(ids[d]) for d in wanted]

    def body_words_within(self, text: str, maxdist: int, prefix: int) -> list[str]:
        """Words of the body's lexicon starting with `text[:prefix]` and within `maxdist`
        edits of `text` (Whoosh's distance: Damerau-Levenshtein with adjacent transpositions,
        rapidfuzz's OSA), the lexicon read once; Whoosh compares each word in Python."""
        if self._body_words is None:
            reader = self._searcher.reader()
            self._body_words = [w.decode("utf-8") for w in reader.lexicon("body")]
        words = self._body_words
        start = text[:prefix]
        lo = bisect.bisect_left(words, start)
        hi = bisect.bisect_left(words, start + "\U0010ffff") if start else len(words)
        candidates = words[lo:hi]
        if not candidates:
            return []
        distances = process.cdist([text], candidates, scorer=OSA.distance, score_cutoff=maxdist)
        return [candidates[i] for i in np.flatnonzero(distances[0] <= maxdist)]

    # -- evaluation --------------------------------------------------------------------------
    # `within`: the only documents that can still match (those of the clauses already
    # evaluated), so a common word is looked up in those documents' blocks instead of being
    # read whole; None: any document.
    def _eval(self, q: wq.Query, within: Docs | None = None) -> Matches:
        if q is wq.NullQuery or isinstance(q, wq.NullQuery.__class__):
            return _NONE
        kind = type(q)
        if kind in (wq.And, wq.Or) and len(q.subqueries) == 1:
            return self._eval(q.subqueries[0], within)  # Whoosh ignores a one-clause boost
        if kind is wq.Term:
            return self._term(q.fieldname, q.text, q.boost, within)
        if kind is wq.And:
            return self._boosted(self._and(q.subqueries, within), q.boost)
        if kind is wq.Or:
            if q.minmatch or q.scale:
                raise Unsupported("Or with minmatch/scale")
            return self._boosted(self._or(q.subqueries, within), q.boost)
        if kind is wq.AndNot:
            positive = self._eval(q.a, within)
            excluded = self._eval(q.b, positive.docs) if len(positive.docs) else _NONE
            return self._boosted(self._minus(positive, excluded), q.boost)
        if kind in (wq.Prefix, wq.Wildcard, wq.TermRange, wq.Regex, wq.FuzzyTerm):
            return self._multiterm(q, within)
        if kind is wq.Phrase:
            return self._phrase(q, within)
        raise Unsupported(kind.__name__)

    def _and(self, subs: list[wq.Query], within: Docs | None) -> Matches:
        """Clauses from the rarest on, each looked up only in the documents left; scores are
        summed in the query's order, as Whoosh's matchers add them."""
        if not subs:
            return _NONE
        nots = [s for s in subs if isinstance(s, wq.Not)]
        positive = [s for s in subs if not isinstance(s, wq.Not)]
        if not positive:
            raise Unsupported("only negative clauses")
        reader = self._searcher.reader()
        sizes = [q.estimate_size(reader) for q in positive]
        found: dict[int, Matches] = {}
        docs = within
        for i in sorted(range(len(positive)), key=sizes.__getitem__):
            part = self._eval(positive[i], docs)
            if not len(part.docs):
                return _NONE
            found[i] = part
            docs = part.docs if docs is None else np.intersect1d(docs, part.docs, True)
            if not len(docs):
                return _NONE
        assert docs is not None
        scores = np.zeros(len(docs), dtype=np.float64)
        for i in range(len(positive)):
            part = found[i]
            scores = scores + part.scores[np.searchsorted(part.docs, docs)]
        result = Matches(docs, scores)
        for sub in nots:
            result = self._minus(result, self._eval(sub.query, result.docs))
            # Whoosh scores a NOT clause inside AND as a match of weight 1 (its boost).
            result = Matches(result.docs, result.scores + sub.boost)
        return result

    def _or(self, subs: list[wq.Query], within: Docs | None) -> Matches:
        parts = [self._eval(s, within) for s in subs if not isinstance(s, wq.Not)]
        if len(parts) != len(subs):
            raise Unsupported("negative clause in Or")
        parts = [p for p in parts if len(p.docs)]
        if not parts:
            return _NONE
        if len(parts) == 1:
            return parts[0]
        docs = np.concatenate([p.docs for p in parts])
        scores = np.concatenate([p.scores for p in parts])
        union, inverse = np.unique(docs, return_inverse=True)
        summed = np.zeros(len(union), dtype=np.float64)
        np.add.at(summed, inverse, scores)
        return Matches(union, summed)

    @staticmethod
    def _minus(a: Matches, b: Matches) -> Matches:
        if not len(b.docs) or not len(a.docs):
            return a
        keep = ~np.isin(a.docs, b.docs, assume_unique=True)
        return Matches(a.docs[keep], a.scores[keep])

    @staticmethod
    def _boosted(m: Matches, boost: float) -> Matches:
        return m if boost == 1.0 else Matches(m.docs, m.scores * boost)

    def _field(self, fieldname: str) -> Any:
        if fieldname not in self._schema:
            return None
        field = self._schema[fieldname]
        if not isinstance(field, TEXT | ID):
            raise Unsupported(f"field type {type(field).__name__}")
        return field

    def _term(
        self, fieldname: str, text: str | bytes, boost: float, within: Docs | None
    ) -> Matches:
        field = self._field(fieldname)
        if field is None:
            return _NONE
        btext = text if isinstance(text, bytes) else field.to_bytes(text)
        postings = self._postings_in(fieldname, btext, within)
        if postings is None:
            return _NONE
        scores = self._score(fieldname, btext, postings)
        return Matches(postings.docs, scores * boost if boost != 1.0 else scores)

    def _score(self, fieldname: str, btext: bytes, postings: _Postings) -> Scores:
        """Whoosh's BM25F (or plain weight for unscored fields) for a whole posting list."""
        if not self._schema[fieldname].scorable:
            return postings.weights
        idf = self._searcher.idf(fieldname, btext)
        avgfl = self._searcher.avg_field_length(fieldname) or 1
        b = self._weighting._field_B.get(fieldname, self._weighting.B)  # noqa: SLF001 - Whoosh's BM25F keeps per-field B here, no accessor
        k1 = self._weighting.K1
        tf = postings.weights
        fl = self._field_lengths(fieldname)[postings.docs]
        scores: Scores = idf * ((tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * fl / avgfl)))
        return scores

    def _multiterm(self, q: Any, within: Docs | None) -> Matches:
        """Prefix, wildcard, range, regex and fuzzy words: Whoosh ORs the words found (a lone
        word keeps no boost, as in `MultiTerm.matcher`)."""
        field = self._field(q.field())
        if field is None:
            return _NONE
        words = [w for w in q._btexts(self._searcher.reader()) if w]  # noqa: SLF001 - a multi-term query's words: Whoosh has no public way
        if not words:
            return _NONE
        if len(words) == 1:
            return self._term(q.field(), words[0], 1.0, within)
        terms: list[wq.Query] = [wq.Term(q.field(), w) for w in words]
        return self._boosted(self._or(terms, within), q.boost)

    def _phrase(self, q: wq.Phrase, within: Docs | None) -> Matches:
        """Words at consecutive positions (Whoosh's `SpanNear2`, slop 1): scored as the sum of
        the words' scores in that field, like the matcher the span wraps."""
        if q.slop != 1:
            raise Unsupported("phrase with slop")
        field = self._field(q.fieldname)
        if field is None:
            return _NONE
        if not field.format or not field.format.supports("positions"):
            raise Unsupported("phrase on a field without positions")
        words = [field.to_bytes(w) for w in q.words]
        reader = self._searcher.reader()
        if any((q.fieldname, w) not in reader for w in words):
            return _NONE
        # Rarest word first: the others are then looked up only in its documents.
        by_rarity = sorted(
            range(len(words)), key=lambda i: reader.doc_frequency(q.fieldname, words[i])
        )
        lists: dict[int, _Postings] = {}
        common = within
        for i in by_rarity:
            found = self._postings_in(q.fieldname, words[i], common, values=common is not None)
            if found is None or not len(found.docs):
                return _NONE
            lists[i] = found
            common = found.docs if common is None else np.intersect1d(common, found.docs, True)
            if not len(common):
                return _NONE
        assert common is not None
        postings = [lists[i] for i in range(len(words))]
        where = [np.searchsorted(p.docs, common) for p in postings]
        decode = (
            _decode_positions if type(field.format) is Positions else field.format.decode_positions
        )
        # Word by word, rarest first, each time only for the documents still in the running.
        alive = np.arange(len(common))
        starts: dict[int, set[int]] = {}
        for step, i in enumerate(by_rarity):
            values = self._values_at(q.fieldname, words[i], postings[i], common[alive],
                                     where[i][alive])  # fmt: skip
            survivors = []
            for j, value in zip(alive.tolist(), values, strict=True):
                shifted = {pos - i for pos in decode(value)}
                kept = shifted if step == 0 else starts[j] & shifted
                if kept:
                    starts[j] = kept
                    survivors.append(j)
            alive = np.array(survivors, dtype=np.int64)
            if not len(alive):
                return _NONE
        keep = np.zeros(len(common), dtype=bool)
        keep[alive] = True
        docs = common[keep]
        total = np.zeros(len(docs), dtype=np.float64)
        for p, w, at in zip(postings, words, where, strict=True):
            scores = self._score(q.fieldname, w, p)
            total += scores[at[keep]]
        return self._boosted(Matches(docs, total), q.boost)

    def _values_at(
        self, fieldname: str, btext: bytes, postings: _Postings, docs: Docs, at: Docs
    ) -> list[bytes]:
        """The posting values (positions) of some documents of a posting list: from the cache,
        from just the blocks holding them when they are few, else from the whole list."""
        cached = self._cached(fieldname, btext, values=True)
        if cached is not None:
            values = cached.values
            assert values is not None
            return [values[k] for k in np.searchsorted(cached.docs, docs).tolist()]
        if postings.values is not None:
            values = postings.values
            return [values[k] for k in at.tolist()]
        df = self._searcher.reader().doc_frequency(fieldname, btext)
        if len(docs) * BLOCK_POSTINGS >= df:
            full = self._read(fieldname, btext, values=True)
            assert full is not None and full.values is not None
            values = full.values
            return [values[k] for k in np.searchsorted(full.docs, docs).tolist()]
        return self._lookup(fieldname, btext, docs, values=True).values or []

    def _postings_in(
        self, fieldname: str, btext: bytes, within: Docs | None, *, values: bool = False
    ) -> _Postings | None:
        """A word's postings, only those in `within` if given: looked up in the blocks of
        those documents when they are fewer than the list's blocks, else read whole (kept).
        `values`: with their positions when looked up (a phrase needs them next)."""
        if (fieldname, btext) not in self._searcher.reader():
            return None
        cached = self._cached(fieldname, btext, values=False)
        if within is None or cached is not None:
            full = cached or self._read(fieldname, btext, values=False)
            if full is None or within is None:
                return full
            return _restrict(full, within)
        df = self._searcher.reader().doc_frequency(fieldname, btext)
        if len(within) * BLOCK_POSTINGS >= df:
            full = self._read(fieldname, btext, values=False)
            return None if full is None else _restrict(full, within)
        return self._lookup(fieldname, btext, within, values=values)

    def _lookup(self, fieldname: str, btext: bytes, docs: Docs, *, values: bool) -> _Postings:
        """The postings of `docs` (ascending) in a word's list, reading only their blocks."""
        found_docs: list[int] = []
        weights: list[float] = []
        raw: list[bytes] = []
        for reader, offset in self._leaves:
            local = docs[(docs >= offset) & (docs < offset + reader.doc_count_all())] - offset
            if not len(local) or (fieldname, btext) not in reader:
                continue
            m = reader.postings(fieldname, btext)
            if isinstance(m, FilterMatcher):
                m = m.child
            for doc, weight, value in _postings_of_docs(m, local.tolist(), values):
                found_docs.append(doc + offset)
                weights.append(weight)
                raw.append(value)
        return _Postings(
            np.array(found_docs, dtype=np.int64),
            np.array(weights, dtype=np.float64),
            raw if values else None,
        )

    # -- reading -----------------------------------------------------------------------------
    def _cached(self, fieldname: str, btext: bytes, *, values: bool) -> _Postings | None:
        """A whole posting list read before (with values, which serves both, if asked)."""
        for key in ((fieldname, btext, True),) if values else (
            (fieldname, btext, False), (fieldname, btext, True)
        ):  # fmt: skip
            found = self._postings.get(key)
            if found is not None:
                self._postings.move_to_end(key)
                return found
        return None

    def _read(self, fieldname: str, btext: bytes, *, values: bool) -> _Postings | None:
        """A word's whole posting list (all segments), kept for later queries."""
        cached = self._cached(fieldname, btext, values=values)
        if cached is not None:
            return cached
        key = (fieldname, btext, values)
        if (fieldname, btext) not in self._searcher.reader():
            return None
        docs: list[Docs] = []
        weights: list[Scores] = []
        raw: list[bytes] = []
        for reader, offset in self._leaves:
            if (fieldname, btext) not in reader:
                continue
            m = reader.postings(fieldname, btext)
            if isinstance(m, FilterMatcher):  # deleted documents: dropped by `matches`
                m = m.child
            ids, ws, vs = _read_matcher(m, values)
            docs.append(np.asarray(ids, dtype=np.int64) + offset)
            weights.append(np.asarray(ws, dtype=np.float64))
            raw.extend(vs)
        if not docs:
            return None
        found = _Postings(np.concatenate(docs), np.concatenate(weights), raw if values else None)
        self._postings[key] = found
        self._cached_postings += len(found.docs)
        while len(self._postings) > 1 and self._cached_postings > POSTINGS_CACHED:
            _key, dropped = self._postings.popitem(last=False)
            self._cached_postings -= len(dropped.docs)
        return found

    def _field_lengths(self, fieldname: str) -> Scores:
        """Every document's length in a field, as Whoosh stores it (one byte, rounded)."""
        lengths = self._lengths.get(fieldname)
        if lengths is None:
            parts = []
            for reader, _offset in self._leaves:
                column = reader._perdoc._cached_reader(f"_{fieldname}_len", _LENGTHS_COLUMN)  # noqa: SLF001 - field lengths column, read once per segment
                n = reader.doc_count_all()
                if column is None:
                    parts.append(np.zeros(n, dtype=np.float64))
                else:
                    codes = np.fromiter((column[i] for i in range(n)), dtype=np.uint8, count=n)
                    parts.append(_LENGTH_OF_BYTE[codes])
            lengths = np.concatenate(parts) if parts else _EMPTY_SCORES
            self._lengths[fieldname] = lengths
        return lengths

    def _live_mask(self) -> npt.NDArray[np.bool_] | None:
        if not any(reader.has_deletions() for reader, _ in self._leaves):
            return None
        live = np.ones(self._doc_limit, dtype=bool)
        for reader, offset in self._leaves:
            kept = np.fromiter(reader.all_doc_ids(), dtype=np.int64)
            mask = np.zeros(reader.doc_count_all(), dtype=bool)
            mask[kept] = True
            live[offset : offset + len(mask)] = mask
        return live

    def _date_ranks(self) -> npt.NDArray[np.int64]:
        """Each document's place in date order (undated first), read once from the column
        Whoosh sorts by."""
        if self._date_rank is None:
            keys: list[Any] = []
            for reader, _offset in self._leaves:
                column = reader.column_reader("date")
                keys.extend(column[i] for i in range(reader.doc_count_all()))
            _values, inverse = np.unique(np.array(keys, dtype=object), return_inverse=True)
            self._date_rank = inverse.astype(np.int64)
        return self._date_rank


def _decode_positions(value: bytes) -> Iterable[int]:
    """`Positions.decode_positions` without its Python loop: a count, then pickled deltas
    whose closing stop byte Whoosh strips when it stores them."""
    return accumulate(loads(value[4:] if value.endswith(b".") else value[4:] + b"."))


def _postings_of_docs(m: Any, docs: list[int], values: bool) -> Iterator[tuple[int, float, bytes]]:
    """(doc, weight, value) of those of `docs` (ascending) in a leaf matcher's list,
    reading only the blocks that could hold them."""
    if not hasattr(m, "_next_block"):  # a short inlined list: walk it
        wanted = set(docs)
        while m.is_active():
            if m.id() in wanted:
                yield m.id(), m.weight(), m.value() if values else b""
            m.next()
        return
    for doc in docs:
        while m.is_active() and m.block_max_id() < doc:
            m._next_block()  # noqa: SLF001 - Whoosh's W3 matcher: a block's postings read in bulk
        if not m.is_active():
            return
        if m._ids is None:  # noqa: SLF001 - Whoosh's W3 matcher: a block's postings read in bulk
            m._read_ids()  # noqa: SLF001 - Whoosh's W3 matcher: a block's postings read in bulk
        i = bisect.bisect_left(m._ids, doc)  # noqa: SLF001 - Whoosh's W3 matcher: a block's postings read in bulk
        if i < len(m._ids) and m._ids[i] == doc:  # noqa: SLF001 - Whoosh's W3 matcher: a block's postings read in bulk
            if m._weights is None:  # noqa: SLF001 - Whoosh's W3 matcher: a block's postings read in bulk
                m._read_weights()  # noqa: SLF001 - Whoosh's W3 matcher: a block's postings read in bulk
            if values and m._values is None:  # noqa: SLF001 - Whoosh's W3 matcher: a block's postings read in bulk
                m._read_values()  # noqa: SLF001 - Whoosh's W3 matcher: a block's postings read in bulk
            yield doc, m._weights[i], m._values[i] if values else b""  # noqa: SLF001 - Whoosh's W3 matcher: a block's postings read in bulk


def _restrict(postings: _Postings, docs: Docs) -> _Postings:
    keep = np.isin(postings.docs, docs, assume_unique=True)
    values = postings.values
    return _Postings(
        postings.docs[keep],
        postings.weights[keep],
        None if values is None else [values[i] for i in np.flatnonzero(keep).tolist()],
    )


def _read_matcher(m: Any, values: bool) -> tuple[Any, Any, list[bytes]]:
    """A leaf matcher's ids, weights (and values) in bulk: a block at a time when the
    posting list has blocks, else one posting at a time (short, inlined lists)."""
    ids: list[Any] = []
    weights: list[Any] = []
    vs: list[bytes] = []
    if hasattr(m, "_read_ids") and hasattr(m, "_next_block"):
        while m.is_active():
            m._read_ids()  # noqa: SLF001 - Whoosh's W3 matcher: a block's postings read in bulk
            m._read_weights()  # noqa: SLF001 - Whoosh's W3 matcher: a block's postings read in bulk
            ids.append(np.asarray(m._ids, dtype=np.int64))  # noqa: SLF001 - Whoosh's W3 matcher: a block's postings read in bulk
            weights.append(np.asarray(m._weights, dtype=np.float64))  # noqa: SLF001 - Whoosh's W3 matcher: a block's postings read in bulk
            if values:
                m._read_values()  # noqa: SLF001 - Whoosh's W3 matcher: a block's postings read in bulk
                vs.extend(m._values)  # noqa: SLF001 - Whoosh's W3 matcher: a block's postings read in bulk
            m._next_block()  # noqa: SLF001 - Whoosh's W3 matcher: a block's postings read in bulk
        if not ids:
            return _EMPTY_DOCS, _EMPTY_SCORES, vs
        return np.concatenate(ids), np.concatenate(weights), vs
    while m.is_active():
        ids.append(m.id())
        weights.append(m.weight())
        if values:
            vs.append(m.value())
        m.next()
    return ids, weights, vs


def _lengths_column() -> Any:
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN

    return LENGTHS_COLUMN


_LENGTHS_COLUMN = _lengths_column()
