"""How text becomes index terms: words of the original text, folded for matching.

Tokens keep the character offsets of the original text, so a hit on "china" in "Russia-Chinа"
(Cyrillic а) points at exactly those original characters. Folding is the matching
normalisation of `reader.corpus.normalize`: case, NFKC, look-alike letters in mixed-script
words; quotes and dashes never reach a token.
"""

from __future__ import annotations

import functools
import itertools
import re
import string
from collections.abc import Iterator
from pickle import dumps
from typing import Any

import numpy as np
from whoosh.analysis import Composable, Token, Tokenizer
from whoosh.system import pack_uint

from reader.corpus.normalize import fold, non_ascii_chars

WORD_RE = re.compile(r"\w+(?:\.\w+)*")
_NON_ASCII_WORD_CHAR = re.compile(r"[^\W\x00-\x7f]")
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
"""Words, keeping dotted abbreviations whole ("U.S", "a.m")."""


def fold_token(word: str) -> str:
    """An index term: an ASCII word lower-cased, any other folded (`fold`).

    Not `normalize.fold_word`, on purpose: on what `WORD_RE` finds the two agree (no
    backtick, dash or blank in it), but this one also folds untokenised values (the ends of a
    range query) and there only lowers ASCII ("a--b" stays "a--b", where `fold` gives
    "a-b"); it is the index's definition of a term, which `_folded_terms` follows in C and
    stored postings hold."""
    return word.lower() if word.isascii() else fold(word)


class FoldingTokenizer(Tokenizer):  # type: ignore[misc]  # Whoosh ships no types
    """Whoosh tokenizer yielding folded words with their original positions and offsets."""

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = fold_token(value)
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar = start_char
                token.endchar = start_char + len(value)
            yield token
            return
        for pos, match in enumerate(WORD_RE.finditer(value), start=start_pos):
            word = match.group()
            token.text = fold_token(word)
            if keeporiginal:
                token.original = word
            token.boost = 1.0
            token.stopped = False
            if positions:
                token.pos = pos
            if chars:
                token.startchar = start_char + match.start()
                token.endchar = start_char + match.end()
            yield token


def news_analyzer() -> Composable:
    """The analyzer of every text field: no stop words and no stemming, so phrases and names
    match exactly as written, bar case, quotes and look-alike letters."""
    return FoldingTokenizer()


Columns = tuple[tuple[bytes, ...], tuple[int, ...], tuple[float, ...], tuple[bytes, ...]]


def positions_postings(
    text: str, field_boost: float = 1.0
) -> tuple[tuple[bytes, int, float, bytes], ...]:
    """What Whoosh's `Positions` format makes of a text through `FoldingTokenizer` — (term,
    frequency, weight, encoded positions) in order of first occurrence."""
    return tuple(zip(*positions_columns(text, field_boost), strict=True))


def positions_columns(text: str, field_boost: float = 1.0) -> Columns:
    """`positions_postings` as columns (terms, frequencies, weights, encoded positions), as
    `schema.Analysed` holds them; made without a token object, or any Python step, per word.

    Terms are grouped by numpy (a stable sort of each word's first position keeps every
    term's positions in order); only terms seen more than once are encoded one by one."""
    terms = _folded_terms(text) if text else []
    if not terms:
        return (), (), (), ()
    first: dict[bytes, int] = {}
    firsts = np.fromiter(map(first.setdefault, terms, itertools.count()), dtype=np.int64,
                         count=len(terms))  # fmt: skip
    keys = tuple(first)
    starts = list(first.values())
    encoded = list(map(_ONE_POSITION.__getitem__, starts))
    if len(keys) == len(terms):  # every word once
        return keys, (1,) * len(keys), (1.0 * field_boost,) * len(keys), tuple(encoded)
    freq = np.bincount(firsts, minlength=len(terms))[starts]
    order = np.argsort(firsts, kind="stable")  # each term's positions, terms in order
    begins = np.cumsum(freq) - freq
    deltas = np.diff(order, prepend=0)
    deltas[begins] = order[begins]
    flat = deltas.tolist()
    multi = np.flatnonzero(freq > 1)
    for k, begin, n in zip(multi.tolist(), begins[multi].tolist(), freq[multi].tolist(),
                           strict=True):  # fmt: skip
        encoded[k] = pack_uint(n) + dumps(flat[begin : begin + n], 2)
    weights = (freq.astype(np.float64) * field_boost).tolist()
    return keys, tuple(freq.tolist()), tuple(weights), tuple(encoded)


class _OnePosition(dict[int, bytes]):
    """The encoded positions of a term seen once, by its position: a few thousand values
    cover most words of most texts."""

    def __missing__(self, pos: int) -> bytes:
        value: bytes = pack_uint(1) + dumps([pos], 2)
        if len(self) < 1 << 16:
            self[pos] = value
        return value


_ONE_POSITION = _OnePosition()
_WORD_BYTES = bytes(c if c < 128 and (chr(c).isalnum() or c in b"_.") else 32 for c in range(256))
"""ASCII word characters and the dot kept, every other byte a space."""
_LONE_DOT = re.compile(rb"\.(?:(?!\w)|(?<!\w.))")
"""A dot not between two word characters: not part of a word (`WORD_RE`)."""


def _folded_terms(text: str) -> list[bytes]:
    """The folded words of a text, in order, as `WORD_RE` and `fold_token` make them, UTF-8.

    A text without non-ASCII word characters (most news, "£" or curly quotes included) has
    only ASCII words, folded by `lower`: it is tokenised in C, as bytes, every other
    character a space (`encode`'s "?")."""
    if text.isascii() or not any(c.isalnum() for c in non_ascii_chars(text)):
        data = text.encode("ascii", "replace").lower().translate(_WORD_BYTES)
        if b"." in data:
            data = _LONE_DOT.sub(b" ", data)
        return data.split()
    return [fold_token(word).encode("utf-8") for word in WORD_RE.findall(text)]


def word_spans(text: str, terms: set[str]) -> list[tuple[int, int]]:
    """Original-text spans of the words whose folded form is one of `terms`."""
    if text.isascii():  # the common case, folded in one call: lower() keeps every offset
        low = text.lower()
        if not any(term in low for term in terms):
            return []
        return _ascii_spans(low, _terms_pattern(frozenset(terms)))
    # Mostly ASCII words with a few others (curly quotes, £, a Cyrillic а): the ASCII words
    # found as above in a copy with only A-Z lowered (same length), the others folded one by one.
    low = text.translate(_ASCII_LOWER)
    ascii_terms = frozenset(t for t in terms if t.isascii() and t in low)
    spans = _ascii_spans(low, _terms_pattern(ascii_terms)) if ascii_terms else []
    covered = 0
    for match in _NON_ASCII_WORD_CHAR.finditer(text):
        if match.start() < covered:
            continue
        start = _word_start(text, match.start())
        word = WORD_RE.match(text, start)
        if word is None:  # not reached: a word character starts a word
            continue
        covered = word.end()
        if fold_token(word.group()) in terms:
            spans.append(word.span())
    return sorted(spans)


@functools.lru_cache(maxsize=64)
def _terms_pattern(terms: frozenset[str]) -> re.Pattern[str]:
    """The terms as one alternation (longest first), searched by the regex engine in C."""
    return re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)))


def _ascii_spans(low: str, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    """Spans of whole words of a lower-cased ASCII text that are terms: each place a term
    occurs is kept when a word starts there (`WORD_RE` would start one) and ends with it.
    Tokenising the whole text in Python took a third of a results page's time."""
    spans: list[tuple[int, int]] = []
    pos = 0
    search = pattern.search
    while (m := search(low, pos)) is not None:
        start, end = m.span()
        pos = start + 1
        if start and (_is_word(low[start - 1]) or (
            low[start - 1] == "." and start > 1 and _is_word(low[start - 2])
        )):  # fmt: skip
            continue
        word = WORD_RE.match(low, start)
        if word is not None and word.end() == end:
            spans.append((start, end))
            pos = end
    return spans


def _word_start(text: str, pos: int) -> int:
    """Where the word holding `pos` starts, as `WORD_RE` scanning from the left finds it:
    back over word characters, and over dots between word characters."""
    while pos > 0:
        before = text[pos - 1]
        if _is_word(before) or (
            before == "." and pos > 1 and _is_word(text[pos - 2]) and _is_word(text[pos])
        ):
            pos -= 1
        else:
            break
    return pos


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"
