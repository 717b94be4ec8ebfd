"""A reader process's outputs, byte for byte: the fast paths against plain reference code.

The index builder's reader processes analyse every text field (`positions_postings`) and
fingerprint every body (`fingerprint_rows`: shingles, MinHash, event terms); both were made
faster by splitting words in C, grouping positions with numpy and cheaper regexes. The
references below are the straightforward code they replaced, kept here: any change to a stored
byte (a term, a position, a hash, a count, their order) fails, on odd texts, the sample corpus
and every BBC article when the shared data is present.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from pickle import dumps

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh.system import pack_uint

from reader.corpus.importer import import_corpus
from reader.corpus.normalize import fold, normalize
from reader.corpus.sentences import opens_sentence
from reader.related import events, fingerprints
from reader.related.rows import FingerprintRow, fingerprint_rows
from reader.store.analysis import WORD_RE, positions_postings

Fold = Callable[[str], str]


def slow_fold(text: str) -> str:
    """`fold` by its per-character twin, which shares none of its fast paths."""
    return normalize(text).text


# -- references: the code the fast paths replaced ------------------------------------------
def ref_postings(
    text: str, boost: float, fold_: Fold
) -> tuple[tuple[bytes, int, float, bytes], ...]:
    positions: dict[str, list[int]] = {}
    for pos, match in enumerate(WORD_RE.finditer(text)):
        word = match.group()
        term = word.lower() if word.isascii() else fold_(word)
        positions.setdefault(term, []).append(pos)
    out = []
    for term, found in positions.items():
        deltas = [found[0]] + [b - a for a, b in itertools.pairwise(found)]
        encoded = pack_uint(len(deltas)) + dumps(deltas, 2)
        out.append((term.encode("utf-8"), len(found), float(len(found)) * boost, encoded))
    return tuple(out)


def _ref_shingles(body: str, fold_: Fold) -> np.ndarray:
    tokens = re.findall(r"\w+", fold_(body))
    if not tokens:
        return np.empty(0, dtype=np.uint64)
    wh = np.array(
        [int.from_bytes(hashlib.blake2b(t.encode(), digest_size=8).digest(), "little")
         for t in tokens],
        dtype=np.uint64,
    )  # fmt: skip
    n = len(wh) - fingerprints.SHINGLE_WORDS + 1
    if n <= 0:
        h = wh[:1].copy()
        for k in range(1, len(wh)):
            h = h * fingerprints._SHINGLE_MULT + wh[k : k + 1]
        return fingerprints._mix(h)
    h = wh[:n].copy()
    for k in range(1, fingerprints.SHINGLE_WORDS):
        h = h * fingerprints._SHINGLE_MULT + wh[k : k + n]
    return np.unique(fingerprints._mix(h))


def _ref_signature(shingles: np.ndarray) -> np.ndarray:
    if not len(shingles):
        return np.full(fingerprints.NUM_PERM, 0xFFFFFFFF, dtype=np.uint32)
    permuted = fingerprints._PERM_A[:, None] * shingles[None, :] + fingerprints._PERM_B[:, None]
    return (permuted.min(axis=1) >> np.uint64(32)).astype(np.uint32)


_REF_WORD = re.compile(r"[^\W\d_](?:\w|'(?=\w))*")
_REF_NUMBER = re.compile(r"(?<![\w.,])\d(?:[\d,.]*\d)?(?![\w])")
_REF_CAPITAL_RUN = re.compile(rf"\b[{events._UPPER}][\w'’-]*(?:[ \t]+[{events._UPPER}][\w'’-]*)*")
_REF_ISO_DATE = re.compile(
    r"\b(?P<year>(?:19|20)\d\d)-(?P<month>0[1-9]|1[0-2])-(?:[0-2]\d|3[01])\b"
)


def _ref_term_counts(title: str | None, body: str, fold_: Fold) -> tuple[Counter, ...]:
    stop = events.stopwords()
    text = f"{title}\n\n{body}" if title else body
    words = Counter(w for w in _REF_WORD.findall(fold_(text)) if len(w) > 1 and w not in stop)
    specifics: Counter[str] = Counter(_REF_NUMBER.findall(text))
    names: Counter[str] = Counter()
    runs = [
        (opens_sentence(text, m.start()), [fold_(t) for t in m.group().split()])
        for m in _REF_CAPITAL_RUN.finditer(text)
    ]
    mid = {t for initial, run in runs for t in (run[1:] if initial else run)}
    for initial, run in runs:
        if initial and run[0] not in mid:
            run = run[1:]
        previous = None
        for token in run:
            if token in stop or len(token) < 2:
                previous = None
                continue
            names[token] += 1
            if previous is not None:
                names[f"{previous} {token}"] += 1
            previous = token
    for m in events._DATE.finditer(text):
        month = (m.group("month1") or m.group("month2"))[:3].casefold()  # was lower(): "ſep"
        year = m.group("year1") or m.group("year2")
        specifics[f"{year}-{events._MONTH_NUMBER[month]:02d}"] += 1
    for m in _REF_ISO_DATE.finditer(text):
        specifics[f"{m.group('year')}-{m.group('month')}"] += 1
    return words, names, specifics


def _ref_hashed(counts: Counter, salt: bytes) -> tuple[np.ndarray, np.ndarray]:
    hashes = np.array(
        [int.from_bytes(hashlib.blake2b(salt + t.encode(), digest_size=4).digest(), "little")
         for t in counts],
        dtype=np.uint32,
    )  # fmt: skip
    if salt == b"S":
        hashes |= events.SPECIFIC_BIT
    elif salt == b"N":
        hashes &= ~events.SPECIFIC_BIT
    return hashes, np.array(list(counts.values()), dtype=np.float32)


def ref_rows(
    items: Sequence[tuple[str, str, str | None, str]], fold_: Fold
) -> list[FingerprintRow]:
    rows = []
    for doc_id, content_hash, title, body in items:
        shingles = _ref_shingles(body, fold_)
        words, names, specifics = _ref_term_counts(title, body, fold_)
        wh, wc = _ref_hashed(words, b"")
        nh, nc = _ref_hashed(names, b"N")
        sh, sc = _ref_hashed(specifics, b"S")

        def counts(values: np.ndarray) -> bytes:
            return np.minimum(values, 65535).astype(np.uint16).tobytes()

        rows.append((
            doc_id, content_hash, fingerprints.SIGNATURE_VERSION, len(shingles),
            _ref_signature(shingles).tobytes(), wh.tobytes(), counts(wc),
            np.concatenate([nh, sh]).tobytes(), counts(np.concatenate([nc, sc])),
        ))  # fmt: skip
    return rows


# -- odd texts -------------------------------------------------------------------------------
ODD_TEXTS = [
    "",
    "word",
    "Word.",
    "£",
    "   ",
    "Russia-Chinа ties “deepen” — Officials said, citing COVID-19 data.",  # Cyrillic а
    "Police said on March 4, 2009 that Betty Ford had left. The U.S. team won 2,000-1.",
    "4th March 2009\n\n2009-03-04 and 1990s and 3rd and don't and 'quoted' and rock 'n' roll",
    "Ünal İstanbul ﬁnance Straße ΑΒΓ αβγ Москва and ﬁ\u200bne and e\u0301 and ½ and x²",
    "a.m. p.m. U.S.A. .5 5. a..b ab.cd. _x x_ __ 12'ab ab'12 1'2'ab `back` it`s ''",
    "MARCH 4 2009 Sept. 30, 2001 30 sep 2001 december 31st 1999 May 1, 2020 ſep 1 2020",
    "Tab\tseparated  Capital   Runs\tAnd NATO’s chief, Jens Stoltenberg, said (Reuters) -",
    "\n\n".join(["The Prime Minister said 42 people died.", "Mr Brown spoke on 1 June 2005."]),
]
ALPHABET = "aBzZ09_.,'’`\"“ -—\n\t£€éÜüİıßﬁаАоО\u200b\u0301½²:!?("
WORDS = ["China", "Chinа", "U.S.", "don't", "3rd", "March", "4,", "2009", "2009-03-04",
         "Mr", "Brown", "the", "said", "£5bn", "Straße", "ﬁne", "İzmir", "—", "\n\n", ".",
         "MAY"]  # fmt: skip


def _check_postings(text: str, fold_: Fold) -> None:
    for boost in (1.0, 1.5, 3.0):
        assert positions_postings(text, boost) == ref_postings(text, boost, fold_)


def _check_rows(title: str | None, body: str, fold_: Fold) -> None:
    items = [("doc", "hash", title, body)]
    assert fingerprint_rows(items) == ref_rows(items, fold_)


@pytest.mark.parametrize("text", ODD_TEXTS)
def test_odd_texts_give_the_reference_outputs(text: str) -> None:
    _check_postings(text, slow_fold)
    _check_rows(None, text, slow_fold)
    _check_rows(text.split("\n")[0] or None, text, slow_fold)


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=ALPHABET, max_size=80), st.one_of(st.none(), st.text(ALPHABET, max_size=20))
)
def test_any_text_gives_the_reference_outputs(body: str, title: str | None) -> None:
    _check_postings(body, slow_fold)
    _check_rows(title, body, slow_fold)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=60), st.sampled_from([" ", "  ", "\n", ", "]))
def test_news_like_words_give_the_reference_outputs(words: list[str], glue: str) -> None:
    text = glue.join(words)
    _check_postings(text, slow_fold)
    _check_rows(words[0] if words else None, text, slow_fold)


def test_batches_give_the_rows_of_single_articles() -> None:
    items = [(f"d{i}", "h", None, text) for i, text in enumerate(ODD_TEXTS * 3)]
    assert fingerprint_rows(items) == [fingerprint_rows([item])[0] for item in items]


def test_sample_corpus_gives_the_reference_outputs(sample_dir: Path) -> None:
    articles = import_corpus(sample_dir).articles
    assert articles
    for a in articles:
        for text in (a.title or "", a.body, *a.captions):
            _check_postings(text, slow_fold)
        _check_rows(a.title, a.body, slow_fold)


BBC = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "bbc"


@pytest.mark.skipif(not BBC.is_dir(), reason=f"no BBC data at {BBC}")
def test_every_bbc_article_gives_the_reference_outputs() -> None:
    """2,225 real articles (most with "£", some with odd dates and names); the reference
    folds with `fold` here (pinned to its slow twin by the normalisation tests) for speed."""
    articles = import_corpus(BBC).articles
    assert len(articles) > 2000
    items = [(a.id, a.content_hash, a.title, a.body) for a in articles]
    assert fingerprint_rows(items) == ref_rows(items, fold)
    for a in articles:
        for text in (a.title or "", a.body):
            assert positions_postings(text) == ref_postings(text, 1.0, fold), a.id
