"""Change labels a journalist asks about: was a quotation altered, a number or date changed?

Labels are ids of :data:`reader.diff.chunks.LABEL_TEXT`. Word-level labels are found
here; paragraph-level ones (added, removed, moved, trimmed, lede rewritten, merged,
split) come from the alignment in :mod:`reader.diff.compare`.
"""

from __future__ import annotations

import re

from reader.diff.chunks import DiffChunk

__all__ = ["has_number_or_date", "label_chunks", "quote_spans"]

_OPEN = "“„«"
_CLOSE = "”»"
_STRAIGHT = '"'
_QUOTE_RE = re.compile("[" + _OPEN + _CLOSE + _STRAIGHT + "]")

# Month and weekday names count when capitalised ("May", not "may"); relative days always.
_MONTHS = (
    "January February March April May June July August September October November December "
    "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec"
)
_DAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday"
_RELATIVE_DAYS = frozenset(["today", "yesterday", "tomorrow", "tonight"])
_DATE_WORDS = frozenset((_MONTHS + " " + _DAYS).split())
_WORD_RE = re.compile(r"\w+")
_DIGIT_RE = re.compile(r"\d")


def quote_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of ``text[start:end]`` inside double quotation marks (marks excluded).

    Curly and guillemet marks open and close; a straight mark toggles. A quotation left
    open runs to the end of the paragraph, as wire copy opens multi-paragraph quotes.
    """
    spans: list[tuple[int, int]] = []
    opened: int | None = None
    for match in _QUOTE_RE.finditer(text, start, end):
        mark = match.group()
        if opened is None and (mark in _OPEN or mark == _STRAIGHT):
            opened = match.end()
        elif opened is not None and (mark in _CLOSE or mark == _STRAIGHT):
            spans.append((opened, match.start()))
            opened = None
    if opened is not None:
        spans.append((opened, end))
    return spans


def has_number_or_date(text: str) -> bool:
    """True when ``text`` holds a digit, a month or weekday name, or "today" and the like."""
    if _DIGIT_RE.search(text):
        return True
    return any(w in _DATE_WORDS or w.lower() in _RELATIVE_DAYS for w in _WORD_RE.findall(text))


def _inside(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    for s, e in spans:
        if start == end:
            if s < start < e:
                return True
        elif start < e and s < end:
            return True
    return False


def label_chunks(
    chunks: list[DiffChunk],
    a: str,
    b: str,
    a_quotes: list[tuple[int, int]],
    b_quotes: list[tuple[int, int]],
) -> list[DiffChunk]:
    """Add ``quotation-changed`` and ``number-changed`` to the edits that deserve them."""
    out: list[DiffChunk] = []
    for chunk in chunks:
        if not chunk.is_change:
            out.append(chunk)
            continue
        labels = list(chunk.labels)
        if _inside(chunk.a_start, chunk.a_end, a_quotes) or _inside(
            chunk.b_start, chunk.b_end, b_quotes
        ):
            labels.append("quotation-changed")
        if has_number_or_date(a[chunk.a_start : chunk.a_end]) or has_number_or_date(
            b[chunk.b_start : chunk.b_end]
        ):
            labels.append("number-changed")
        if labels != list(chunk.labels):
            chunk = DiffChunk(
                chunk.tag, chunk.a_start, chunk.a_end, chunk.b_start, chunk.b_end, tuple(labels)
            )
        out.append(chunk)
    return out
