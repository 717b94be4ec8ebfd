"""Same event, different words: weighted key terms and names, grouped by average linkage.

Two stories of one event written apart (a newspaper's own piece and the wire copy) share
almost no 5-shingles, but they share what the event is made of: its names, places, numbers
and dates, and its rarer words. Each article gives three term vectors:

* **words**: every folded word that is not a function word (`stopwords.txt`);
* **names**: capitalised words and runs of them ("Betty Ford"), and — when the entities core
  supplies them — entity names. Two incidents of one kind (two rehab stays, two earthquakes)
  share their words but not their names;
* **specifics**: numbers as written ("2,000", "160") and the months of written dates
  ("March 4, 2009" and "2009-03-04" both give 2009-03). Two incidents of one kind share
  their words and often their names (one player, two offers), but rarely their figures and
  dates.

Each is weighted by TF-IDF (sublinear tf, plain idf, L2-normalised) and compared by cosine;
the similarity of two stories is the plain mean of the cosines of the views both stories
have: all three when both carry specifics that some other story shares, else words and
names. A view one story lacks says nothing; a view both have and do not share is evidence of
two incidents. Stories dated more than
`DATE_WINDOW_DAYS` apart are never the same event. Groups come from average linkage on the
sparse similarity graph, stopped at `THRESHOLD` — both parameters, and the choice of the plain
mean, are explained in `benchmarks/event_clustering.py`, which measures this exact code.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import heapq
import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from scipy import sparse

from reader.base.cancel import CancelFn, Cancelled
from reader.corpus.normalize import fold, fold_word
from reader.corpus.sentences import OPENERS, SENTENCE_ENDS
from reader.related import tokens

THRESHOLD = 0.20
"""Average similarity at which average linkage stops merging (see the benchmark)."""
DATE_WINDOW_DAYS = 7
"""Stories dated further apart than this are not one event."""
BACKGROUND_DOCS = 100
"""Idf counts this many extra stories that share no term: plain idf on a large corpus, but in a
small one about a single event (the five seeds) the names every story shares keep a weight
instead of an idf of zero. ECB+ scores the same for 50, 100 or 200."""
MIN_EDGE = 0.1
"""Similarities below this are dropped from the graph: they never decide a merge."""
MAX_TERMS = 64
"""Terms kept per vector, by weight: bounds the sparse product on large corpora."""
MAX_DF = 200
"""A term adds to similarities only when it is in at most this many stories: passim's rule
for shingles (2 to 100), doubled because an event's names recur in more stories than a
sentence does. On ECB+ (397 stories) it changes nothing."""
NEIGHBOURS = 20
"""Edges kept per story, its best: bounds the graph linkage walks to 20 n edges."""

_NAME_SALT = b"N"
_SPECIFIC_SALT = b"S"
SPECIFIC_BIT = np.uint32(1 << 31)
"""Set in the hashes of specifics, clear in those of names: both travel (and are stored) as
one array, split again when vectors are built."""
_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
_MONTHS = {m.lower(): m for m in _MONTH_NAMES} | {m[:3].lower(): m for m in _MONTH_NAMES}
_MONTH_NUMBER = {m[:3].lower(): i for i, m in enumerate(_MONTH_NAMES, 1)}
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATE = re.compile(
    rf"\b(?:(?P<month1>{_MONTH_RE})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?P<year1>(?:19|20)\d\d)"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?P<month2>{_MONTH_RE})\.?,?\s+(?P<year2>(?:19|20)\d\d))\b",
    re.IGNORECASE,
)
_ISO_MONTH = re.compile(r"-[01]\d-")
"""What every ISO date holds: found at once, as the search skips to each "-" in C."""
_ISO_DATE = re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>0[1-9]|1[0-2])-(?:[0-2]\d|3[01])\b")
_YEAR = re.compile(r"(?:19|20)(?<=\s..)\d\d\b")
"""A year that could end a written date: after a blank, before a word boundary."""
_NUMBER = re.compile(r"\d(?<![\w.,].)(?:[\d,.]*\d)?(?![\w])")
"""A number as written, separators kept ("2,000", "2.5"); not the digits inside a word.
(The look-behind follows the first digit so the regex engine skips to digits in C.)"""
_UPPER = "A-ZÀ-ÖØ-ÞА-ЯЁ"
_CAPITAL_RUN = re.compile(rf"[{_UPPER}](?<!\w.)[\w'’-]*(?:[ \t]+[{_UPPER}][\w'’-]*)*")
"""Capitalised words in a row ("Betty Ford Center"): each word and each adjacent pair count."""


F32 = npt.NDArray[np.float32]
U32 = npt.NDArray[np.uint32]


@cache
def stopwords() -> frozenset[str]:
    text = resources.files("reader.related").joinpath("stopwords.txt").read_text("utf-8")
    lines = (line for line in text.splitlines() if not line.startswith("#"))
    return frozenset(word for line in lines for word in line.split())


@dataclass(frozen=True, slots=True)
class EventTerms:
    """An article's term vectors as hashed counts: what relating events needs. Names and
    specifics share one array, told apart by `SPECIFIC_BIT` (see `split_names`)."""

    doc_id: str
    date: str | None
    word_hashes: U32
    word_counts: F32
    name_hashes: U32
    name_counts: F32

    def split_names(self) -> tuple[U32, F32, U32, F32]:
        """(name hashes, counts, specific hashes, counts)."""
        specific = (self.name_hashes & SPECIFIC_BIT) != 0
        return (self.name_hashes[~specific], self.name_counts[~specific],
                self.name_hashes[specific], self.name_counts[specific])  # fmt: skip


def term_counts(
    title: str | None, body: str, entities: Iterable[str] | None = None
) -> tuple[Counter[str], Counter[str], Counter[str]]:
    """(words, names, specifics) of one article, as readable folded terms with their counts."""
    words, names, specifics = raw_term_counts(title, body, entities)
    return Counter({w.decode("utf-8"): n for w, n in words.items()}), names, specifics


def raw_term_counts(
    title: str | None,
    body: str,
    entities: Iterable[str] | None = None,
    folded_body: tokens.Folded | None = None,
) -> tuple[Counter[bytes], Counter[str], Counter[str]]:
    """`term_counts`, words as UTF-8 (what they are hashed as); `folded_body`: the body
    already folded (by the shingles)."""
    # Words never span the blank line between title and body, so each is folded and split
    # on its own: the body's fold is the shingles'.
    word_counts: Counter[bytes] = Counter()
    if title:
        word_counts.update(tokens.event_words(tokens.folded(title)))
    word_counts.update(tokens.event_words(folded_body or tokens.folded(body)))
    for dropped in _dropped_words().intersection(word_counts):
        dict.__delitem__(word_counts, dropped)  # Counter's own is written in Python
    text = f"{title}\n\n{body}" if title else body
    specifics: Counter[str] = Counter(_NUMBER.findall(text))
    name_counts = Counter(_names(text))
    for match in _dates(text):
        # A written date is the strongest sign of which incident a story reports; the
        # month is its unit, so "March 4, 2009" and "4 March 2009" meet.
        # casefold: the pattern ignores case as Unicode does, so "ſep" (long s) is September.
        month = (match.group("month1") or match.group("month2"))[:3].casefold()
        year = match.group("year1") or match.group("year2")
        specifics[f"{year}-{_MONTH_NUMBER[month]:02d}"] += 1
    if _ISO_MONTH.search(text) is not None:  # rare; the full pattern scans slowly
        for match in _ISO_DATE.finditer(text):
            specifics[f"{match.group('year')}-{match.group('month')}"] += 1
    for entity in entities or ():
        name_counts[fold(entity).strip()] += 1
    return word_counts, name_counts, specifics


def _names(text: str) -> dict[str, int]:
    """Capitalised words, and adjacent pairs of them, with their counts, in order of first
    occurrence. A capitalised word opening a sentence is a name only if the story also
    capitalises it mid-sentence ("Lohan was..." yes, "Police said..." no)."""
    initials, runs = _capital_runs(text)
    stop = stopwords()
    mid_capitals: set[str] = set()
    for initial, run in zip(initials, runs, strict=True):
        if type(run) is str:
            if not initial:
                mid_capitals.add(run)
        else:
            mid_capitals.update(run[1:] if initial else run)
    names: dict[str, int] = {}  # a Counter's += calls its __missing__, written in Python
    for initial, run in zip(initials, runs, strict=True):
        if type(run) is str:  # most runs are one word
            if (initial and run not in mid_capitals) or run in stop or len(run) < 2:
                continue
            names[run] = names.get(run, 0) + 1
            continue
        if initial and run[0] not in mid_capitals:
            run = run[1:]
        previous: str | None = None
        for word in run:
            if word in stop or len(word) < 2:
                previous = None
                continue
            names[word] = names.get(word, 0) + 1
            if previous is not None:
                pair = f"{previous} {word}"
                names[pair] = names.get(pair, 0) + 1
            previous = word
    return names


def _capital_runs(text: str) -> tuple[list[bool], list[str | list[str]]]:
    """Each run of capitalised words: whether it opens a sentence, and its folded words (a
    run of one ASCII word: that word, not a list). All-ASCII runs are folded at once, by
    `lower`, as `fold` does."""
    initials: list[bool] = []
    found: list[str] = []
    for match in _CAPITAL_RUN.finditer(text):
        i = match.start() - 1  # sentences.opens_sentence, inline: called for every run
        while i >= 0 and text[i] in OPENERS:
            i -= 1
        initials.append(i < 0 or text[i] in SENTENCE_ENDS)
        found.append(match.group())
    joined = "\n".join(found)
    if not joined.isascii():
        return initials, [list(map(fold_word, run.split())) for run in found]
    low = joined.lower()
    while "--" in low:  # fold's one step on ASCII words besides lower
        low = low.replace("--", "-")
    words = low.split("\n") if found else []
    if " " in low or "\t" in low:
        return initials, [w.split() if " " in w or "\t" in w else w for w in words]
    return initials, [*words]


def _dates(text: str) -> Iterator[re.Match[str]]:
    """`_DATE.finditer(text)`, searched only just before the years that could end a date:
    over the whole text, the date pattern took a fifth of an article's fingerprinting."""
    pos = 0
    for year in _YEAR.finditer(text):
        if year.start() < pos:
            continue
        # A date ends with its year; before the year: blanks, at most 5 characters (",",
        # "st", a day), blanks, at most 10 ("." and a month), or blanks, at most 11 (",",
        # ".", a month), blanks, at most 4 (a day and "st"). The window holds either.
        start = _skip_blanks_back(text, year.start())
        start = _skip_blanks_back(text, max(start - 11, 0))
        start = max(start - 11, pos)
        match = _DATE.search(text, start, year.end())
        if match is not None:
            pos = match.end()
            yield match


def _skip_blanks_back(text: str, pos: int) -> int:
    while pos > 0 and text[pos - 1].isspace():
        pos -= 1
    return pos


@cache
def _dropped_words() -> frozenset[bytes]:
    """Words that are no event term: stop words, and words of one letter."""
    return frozenset(w.encode("utf-8") for w in stopwords()) | tokens.SINGLE_LETTERS


class _TermHashes(dict[str | bytes, bytes]):
    """Terms' 32-bit hashes under one salt (4 bytes, little-endian), kept: a corpus repeats
    its terms far more than it coins them. 32 bits: a corpus's vocabulary (a million terms)
    collides in a few hundred pairs, which only blurs their idf; stored vectors stay half
    the size."""

    def __init__(self, salt: bytes) -> None:
        super().__init__()
        self.salt = salt

    def __missing__(self, term: str | bytes) -> bytes:
        data = term.encode("utf-8") if isinstance(term, str) else term
        if len(self) >= 1 << 20:
            self.clear()
        value = self[term] = hashlib.blake2b(self.salt + data, digest_size=4).digest()
        return value


_TERM_HASHES = {salt: _TermHashes(salt) for salt in (b"", _NAME_SALT, _SPECIFIC_SALT)}


def _hashed(counts: Mapping[str, int] | Mapping[bytes, int], salt: bytes) -> tuple[U32, F32]:
    joined = b"".join(map(_TERM_HASHES[salt].__getitem__, counts))
    hashes = np.frombuffer(joined, dtype="<u4").astype(np.uint32)
    if salt == _SPECIFIC_SALT:
        hashes |= SPECIFIC_BIT
    elif salt == _NAME_SALT:
        hashes &= ~SPECIFIC_BIT
    return hashes, np.array(list(counts.values()), dtype=np.float32)


def name_terms(names: Iterable[str]) -> tuple[U32, F32]:
    """The hashed name terms of entity names found apart from the text (the entities
    stage's), to join a story's own names."""
    return _hashed(term_counts(None, "", names)[1], _NAME_SALT)


def event_terms(
    doc_id: str,
    title: str | None,
    body: str,
    date: str | None = None,
    entities: Iterable[str] | None = None,
    *,
    folded_body: tokens.Folded | None = None,
) -> EventTerms:
    """The event vectors of one article (computed once, when it is indexed); `folded_body`:
    the body already folded (`tokens.folded`), when the caller has it."""
    counts = raw_term_counts(title, body, entities, folded_body)
    return TermBatch.of([counts]).terms(0, doc_id, date)


Counted = tuple[Counter[bytes], Counter[str], Counter[str]]


@dataclass(frozen=True, slots=True)
class TermBatch:
    """The event vectors of many articles as flat arrays, article k's from `*_ends[k]` to
    `*_ends[k + 1]`: hashed and converted at once, not a dozen NumPy calls an article. Names
    and specifics share one array, names with `SPECIFIC_BIT` clear, specifics with it set."""

    word_hashes: U32
    word_counts: F32
    word_ends: list[int]
    name_hashes: U32
    name_counts: F32
    name_ends: list[int]

    @classmethod
    def of(cls, counted: Sequence[Counted]) -> TermBatch:
        """From each article's `raw_term_counts`."""
        words = [c[0] for c in counted]
        names_then_specifics = [m for _w, n, s in counted for m in (n, s)]
        word_hashes = _hashes(b"".join(map(_TERM_HASHES[b""].__getitem__, itertools.chain(*words))))
        name_salt, specific_salt = _TERM_HASHES[_NAME_SALT], _TERM_HASHES[_SPECIFIC_SALT]
        name_hashes = _hashes(b"".join(itertools.chain.from_iterable(
            (*map(name_salt.__getitem__, n), *map(specific_salt.__getitem__, s))
            for _w, n, s in counted
        )))  # fmt: skip
        sizes = [len(m) for m in names_then_specifics]
        specific = np.repeat(np.tile(np.array([False, True]), len(counted)), sizes)
        name_hashes[specific] |= SPECIFIC_BIT
        name_hashes[~specific] &= ~SPECIFIC_BIT
        return cls(
            word_hashes,
            _values(words),
            [0, *itertools.accumulate(map(len, words))],
            name_hashes,
            _values(names_then_specifics),
            [0, *itertools.accumulate(sizes[0::2][k] + sizes[1::2][k]
                                      for k in range(len(counted)))],
        )  # fmt: skip

    def terms(self, k: int, doc_id: str, date: str | None = None) -> EventTerms:
        w0, w1 = self.word_ends[k], self.word_ends[k + 1]
        n0, n1 = self.name_ends[k], self.name_ends[k + 1]
        return EventTerms(doc_id, date, self.word_hashes[w0:w1], self.word_counts[w0:w1],
                          self.name_hashes[n0:n1], self.name_counts[n0:n1])  # fmt: skip


def _hashes(joined: bytes) -> U32:
    return np.frombuffer(joined, dtype="<u4").astype(np.uint32)


def _values(counts: Sequence[Mapping[Any, int]]) -> F32:
    return np.array(list(itertools.chain.from_iterable(c.values() for c in counts)),
                    dtype=np.float32)  # fmt: skip


# -- the similarity graph --------------------------------------------------------------------
def _tfidf(
    hashes: Sequence[U32], counts: Sequence[F32]
) -> tuple[sparse.csr_matrix, npt.NDArray[np.int64]]:
    """Rows L2-normalised (1 + log tf) * log((n + BACKGROUND_DOCS) / df), pruned as documented."""
    from scipy import sparse  # imported here: reader processes never need it

    n = len(hashes)
    lengths = np.fromiter((len(h) for h in hashes), dtype=np.int64, count=n)
    if n == 0 or lengths.sum() == 0:
        return sparse.csr_matrix((n, 1), dtype=np.float32), np.zeros(1, dtype=np.int64)
    flat = np.concatenate(hashes)
    tf = np.concatenate(counts).astype(np.float32)
    rows = np.repeat(np.arange(n), lengths)
    vocab, cols = np.unique(flat, return_inverse=True)
    df = np.bincount(cols, minlength=len(vocab))
    return weighted_rows(rows, cols, tf, df, n, n), df


def weighted_rows(
    rows: npt.NDArray[np.int64],
    cols: npt.NDArray[np.int64],
    tf: F32,
    df: npt.NDArray[np.int64],
    corpus_size: int,
    height: int,
) -> sparse.csr_matrix:
    """The TF-IDF rows of `_tfidf` from (row, column, count) entries and each column's document
    frequency in a corpus of `corpus_size` stories: the same numbers whether the rows are the
    whole corpus or a few stories scored against it (`incremental`)."""
    from scipy import sparse  # imported here: reader processes never need it

    idf = np.log((corpus_size + BACKGROUND_DOCS) / np.maximum(df, 1)).astype(np.float32)
    weights = (1.0 + np.log(tf)) * idf[cols]
    keep = df[cols] >= 2  # a term in one story relates nothing
    matrix = sparse.csr_matrix((weights * keep, (rows, cols)), shape=(height, len(df)))
    matrix.eliminate_zeros()
    matrix = _top_terms(matrix, MAX_TERMS)
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ matrix, dtype=np.float32)


def _top_terms(matrix: sparse.csr_matrix, k: int) -> sparse.csr_matrix:
    """Keep each row's k heaviest entries (weights computed before normalising)."""
    from scipy import sparse  # imported here: reader processes never need it

    counts = np.diff(matrix.indptr)
    if counts.max(initial=0) <= k:
        return matrix
    data = matrix.data.copy()
    for row in np.flatnonzero(counts > k):
        start, end = matrix.indptr[row], matrix.indptr[row + 1]
        segment = data[start:end]
        cut = np.partition(segment, len(segment) - k)[len(segment) - k]
        # Ties at the cut may keep a few more than k: harmless.
        segment[segment < cut] = 0
    out = sparse.csr_matrix((data, matrix.indices, matrix.indptr), shape=matrix.shape)
    out.eliminate_zeros()
    return out


def day_numbers(dates: Sequence[str | None]) -> npt.NDArray[np.int64]:
    out = np.full(len(dates), -1, dtype=np.int64)
    for i, value in enumerate(dates):
        if value:
            with contextlib.suppress(ValueError):
                out[i] = dt.date.fromisoformat(value[:10]).toordinal()
    return out


@dataclass(frozen=True, slots=True)
class EventGraph:
    """Pairs (i < j) of stories with their combined similarity and its two parts."""

    rows: npt.NDArray[np.int64]
    cols: npt.NDArray[np.int64]
    score: F32
    words: F32
    names: F32


def similarity_graph(
    items: Sequence[EventTerms], *, cancel: CancelFn | None = None, block: int = 2000
) -> EventGraph:
    """Pairs whose combined similarity reaches `MIN_EDGE`, each story keeping its `NEIGHBOURS`
    best (an edge stays when either end keeps it).

    Only terms in at most `MAX_DF` stories add to a similarity (vectors are normalised with
    all their terms): a name in thousands of stories cannot say which of them report one
    event, and would make the work grow with the square of the corpus. Row blocks are
    multiplied against the corpus as sparse matrices: never a dense n x n matrix.
    """
    vectors = event_vectors(items)
    words, names, specifics = vectors.words, vectors.names, vectors.specifics
    days, has = vectors.days, vectors.has_specifics
    words_t = words.T.tocsr()
    names_t = names.T.tocsr()
    specifics_t = specifics.T.tocsr()
    parts: list[tuple[np.ndarray, ...]] = []
    n = len(items)
    for start in range(0, n, block):
        if cancel is not None and cancel():
            raise Cancelled
        stop = min(n, start + block)
        w_block = (words[start:stop] @ words_t).tocsr()
        n_block = (names[start:stop] @ names_t).tocsr()
        s_block = (specifics[start:stop] @ specifics_t).tocsr()
        coo = (w_block + n_block + s_block).tocoo()
        r = coo.row.astype(np.int64) + start
        c = coo.col.astype(np.int64)
        score = coo.data / np.where(has[r] & has[c], 3.0, 2.0)
        ok = (r < c) & (score >= MIN_EDGE)
        r, c, score = r[ok], c[ok], score[ok]
        known = (days[r] >= 0) & (days[c] >= 0)
        near = ~known | (np.abs(days[r] - days[c]) <= DATE_WINDOW_DAYS)
        r, c, score = r[near], c[near], score[near]
        w_part = np.asarray(w_block[r - start, c]).ravel()
        n_part = np.asarray(n_block[r - start, c]).ravel()
        parts.append((r, c, score, w_part, n_part))
    if not parts:
        empty_i = np.empty(0, dtype=np.int64)
        empty_f = np.empty(0, dtype=np.float32)
        return EventGraph(empty_i, empty_i, empty_f, empty_f, empty_f)
    rows, cols, score, w_all, n_all = (np.concatenate([p[k] for p in parts]) for k in range(5))
    keep = _best_per_node(n, rows, cols, score, NEIGHBOURS)
    return EventGraph(rows[keep], cols[keep], score[keep].astype(np.float32),
                      w_all[keep].astype(np.float32), n_all[keep].astype(np.float32))  # fmt: skip


@dataclass(frozen=True, slots=True)
class EventVectors:
    """The stories' three views as TF-IDF rows (terms in more than `MAX_DF` stories dropped
    after normalising), whether each has specifics to compare, and its day number (-1)."""

    words: sparse.csr_matrix
    names: sparse.csr_matrix
    specifics: sparse.csr_matrix
    has_specifics: npt.NDArray[np.bool_]
    days: npt.NDArray[np.int64]


def event_vectors(items: Sequence[EventTerms]) -> EventVectors:
    split = [t.split_names() for t in items]
    words, word_df = _tfidf([t.word_hashes for t in items], [t.word_counts for t in items])
    names, name_df = _tfidf([s[0] for s in split], [s[1] for s in split])
    specifics, specific_df = _tfidf([s[2] for s in split], [s[3] for s in split])
    has = np.diff(specifics.indptr) > 0  # a figure no other story has compares nothing
    return EventVectors(
        columns_upto(words, word_df, MAX_DF),
        columns_upto(names, name_df, MAX_DF),
        columns_upto(specifics, specific_df, MAX_DF),
        has,
        day_numbers([t.date for t in items]),
    )


def combined(
    words: F32, names: F32, specifics: F32, both_specific: npt.NDArray[np.bool_]
) -> npt.NDArray[np.float32]:
    """The plain mean of the views two stories both have (see the module's docstring)."""
    return ((words + names + specifics) / np.where(both_specific, 3.0, 2.0)).astype(np.float32)


def columns_upto(
    matrix: sparse.csr_matrix, df: npt.NDArray[np.int64], limit: int
) -> sparse.csr_matrix:
    """The matrix without the columns of terms in more than `limit` stories."""
    from scipy import sparse  # imported here: reader processes never need it

    scale = sparse.diags((df <= limit).astype(np.float32))
    out = sparse.csr_matrix(matrix @ scale)
    out.eliminate_zeros()
    return out


def _best_per_node(
    n: int,
    rows: npt.NDArray[np.int64],
    cols: npt.NDArray[np.int64],
    score: npt.NDArray[np.float32],
    k: int,
) -> npt.NDArray[np.bool_]:
    """Mask of edges among the k best of either of their ends."""
    ends = np.concatenate([rows, cols])
    edge = np.concatenate([np.arange(len(rows)), np.arange(len(rows))])
    order = np.lexsort((-np.concatenate([score, score]), ends))
    ends, edge = ends[order], edge[order]
    starts = np.r_[0, np.flatnonzero(ends[1:] != ends[:-1]) + 1]
    rank = np.arange(len(ends)) - np.repeat(starts, np.diff(np.r_[starts, len(ends)]))
    keep = np.zeros(len(rows), dtype=bool)
    keep[edge[rank < k]] = True
    return keep


def average_linkage(
    n: int, rows: npt.NDArray[np.int64], cols: npt.NDArray[np.int64], sims: F32, threshold: float
) -> list[list[int]]:
    """Average-linkage groups of a sparse similarity graph, merged while the mean similarity
    between two groups (absent pairs count 0) reaches `threshold`; singletons included."""
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    links: dict[int, dict[int, float]] = {i: {} for i in range(n)}
    for a, b, s in zip(rows.tolist(), cols.tolist(), sims.tolist(), strict=True):
        if a == b:
            continue
        links[a][b] = links[a].get(b, 0.0) + s
        links[b][a] = links[b].get(a, 0.0) + s
    heap = [(-s, a, b) for a in links for b, s in links[a].items() if a < b and s >= threshold]
    heapq.heapify(heap)
    while heap:
        neg, a, b = heapq.heappop(heap)
        if a not in members or b not in members:
            continue
        current = links[a].get(b, 0.0) / (len(members[a]) * len(members[b]))
        if not math.isclose(current, -neg, rel_tol=1e-9, abs_tol=1e-12):
            continue  # stale entry: the pair was pushed again with its new average
        if current < threshold:
            continue
        if len(links[a]) < len(links[b]):
            a, b = b, a
        members[a].extend(members.pop(b))
        for c, s in links.pop(b).items():
            if c == a:
                continue
            links[c].pop(b, None)
            links[a][c] = links[a].get(c, 0.0) + s
            links[c][a] = links[a][c]
        links[a].pop(b, None)
        size = len(members[a])
        for c, s in links[a].items():
            average = s / (size * len(members[c]))
            if average >= threshold:
                heapq.heappush(heap, (-average, min(a, c), max(a, c)))
    return sorted((sorted(m) for m in members.values()), key=lambda m: m[0])


def event_groups(
    items: Sequence[EventTerms], *, threshold: float = THRESHOLD, cancel: CancelFn | None = None
) -> tuple[list[list[int]], EventGraph]:
    """Same-event groups (indices into `items`) and the graph they came from."""
    graph = similarity_graph(items, cancel=cancel)
    groups = average_linkage(len(items), graph.rows, graph.cols, graph.score, threshold)
    return groups, graph


def shared_terms(
    a: tuple[Counter[str], ...], b: tuple[Counter[str], ...], limit: int = 6
) -> list[str]:
    """The names, then words, two articles share, rarest-looking first: a reason in words."""
    names = [t for t in a[1] if t in b[1] and not t.isdigit()]
    names.sort(key=lambda t: (-min(a[1][t], b[1][t]), -len(t)))
    words = [t for t in a[0] if t in b[0] and t not in names]
    words.sort(key=lambda t: (-min(a[0][t], b[0][t]), -len(t)))
    return (names + words)[:limit]
