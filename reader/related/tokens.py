"""An article's folded words, split in C: the shingles' words and the event words at once.

Fingerprinting an article needs its folded body split two ways — `\\w+` words for shingles
(`fingerprints`), and letter-led words with inner apostrophes ("don't") for event terms
(`events`) — and splitting with a regex costs a Python string per match. Folded news is
nearly always ASCII: then both splits are a byte translation and `bytes.split`, and the words
are the UTF-8 bytes the hashes are taken of. Other text takes the regexes, with the same
results; `tests/related/test_worker_outputs.py` pins the two paths to each other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reader.corpus.normalize import fold, non_ascii_chars

_WORD = re.compile(r"\w+")
"""A shingle word."""
EVENT_WORD = re.compile(r"[^\W\d_](?:\w|'(?=\w))*")
"""An event word: starts with a letter (numbers go to the specifics), keeps inner apostrophes."""
SINGLE_LETTERS = frozenset(bytes([c]) for c in range(ord("a"), ord("z") + 1))
"""The event words of one letter a folded ASCII text can hold."""

_WORD_CHARS = frozenset(c for c in range(128) if chr(c).isalnum() or c == ord("_"))
_SHINGLE_TABLE = bytes(c if c in _WORD_CHARS else 32 for c in range(256))
"""ASCII word characters kept, every other byte a space."""
_EVENT_TABLE = bytes(c if c in _WORD_CHARS or c == ord("'") else 32 for c in range(256))
"""ASCII word characters and the apostrophe kept, every other byte a space."""
_LONE_APOSTROPHE = re.compile(rb"'(?:(?!\w)|(?<!\w.))")
"""An apostrophe not between two word characters: no part of an event word."""
_LEADING_NON_LETTERS = re.compile(rb" [\d_']+")
"""Digits, underscores and apostrophes before a word's first letter ("3rd", "1990s"), in a
text where a space precedes every word (the search skips to each space in C)."""


@dataclass(frozen=True, slots=True)
class Folded:
    """A text folded once for both splits: `fold(text)`, and its `ascii_bytes`."""

    text: str
    data: bytes | None


def folded(text: str) -> Folded:
    value = fold(text)
    return Folded(value, ascii_bytes(value))


def ascii_bytes(folded: str) -> bytes | None:
    """A folded text as ASCII bytes when its words are all ASCII (other characters, none of
    them a word character, become "?", a separator); else None."""
    if folded.isascii():
        return folded.encode("ascii")
    if any(c.isalnum() for c in non_ascii_chars(folded)):
        return None
    return folded.encode("ascii", "replace")


def shingle_words(text: Folded) -> list[bytes]:
    """`\\w+` words of a folded text, UTF-8."""
    if text.data is not None:
        return text.data.translate(_SHINGLE_TABLE).split()
    return [w.encode("utf-8") for w in _WORD.findall(text.text)]


def event_words(text: Folded) -> list[bytes]:
    """`EVENT_WORD` words of a folded text, UTF-8; but those of one non-ASCII letter, which
    are dropped here (`SINGLE_LETTERS` are the ASCII ones, for the caller to drop)."""
    if text.data is None:
        return [w.encode("utf-8") for w in EVENT_WORD.findall(text.text) if len(w) > 1]
    data = text.data.translate(_EVENT_TABLE)
    if b"'" in data:
        data = _LONE_APOSTROPHE.sub(b" ", data)
    # A word starts at its first letter: what comes before it in a run of word characters
    # (and inner apostrophes) is dropped, as `EVENT_WORD` skips it.
    return _LEADING_NON_LETTERS.sub(b" ", b" " + data).split()
