"""Plain data of a diff of two articles, for the CLI and the window to draw (no Qt here).

Meld's ``DiffChunk(tag, start_a, end_a, start_b, end_b)`` is the model, with character
offsets into the two original bodies instead of line numbers. Two levels are kept:

* :class:`AlignedRow` - one line of the side-by-side view: paragraphs of A facing
  paragraphs of B (equal, edited, added, removed, moved, merged or split);
* :class:`DiffChunk` - word-level pieces inside a row, and the flat list of
  :attr:`ArticleDiff.chunks` that tiles both bodies.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

__all__ = [
    "LABEL_TEXT",
    "AlignedRow",
    "ArticleDiff",
    "ChunkTag",
    "DiffChunk",
    "DiffSummary",
    "RowKind",
]

ChunkTag = Literal["equal", "replace", "insert", "delete", "move"]
RowKind = Literal["equal", "edited", "added", "removed", "moved", "merged", "split"]

# Change labels, stable ids (used in --json) -> words for people.
LABEL_TEXT: dict[str, str] = {
    "added": "paragraph added",
    "removed": "paragraph removed",
    "moved": "paragraph moved",
    "trimmed": "trimmed at the end",
    "lede-rewritten": "lede rewritten",
    "quotation-changed": "quotation changed",
    "number-changed": "number or date changed",
    "style-only": "style only",
    "merged": "paragraphs merged",
    "split": "paragraph split",
}


@dataclass(frozen=True, slots=True)
class DiffChunk:
    """A piece of A (``a_start:a_end``) facing a piece of B (``b_start:b_end``).

    ``equal`` pieces are identical character for character. A change that the news
    normalisation ignores (quotes, dashes, case, whitespace, look-alike letters) is a
    ``replace``/``insert``/``delete`` labelled ``style-only``: shown, never hidden. A
    ``move`` covers a whole paragraph of A and the paragraph of B it went to.
    """

    tag: ChunkTag
    a_start: int
    a_end: int
    b_start: int
    b_end: int
    labels: tuple[str, ...] = ()

    @property
    def is_style_only(self) -> bool:
        return "style-only" in self.labels

    @property
    def is_change(self) -> bool:
        """True for an edit a reader should look at (not equal, not style-only)."""
        return self.tag != "equal" and not self.is_style_only

    def to_json(self) -> dict[str, Any]:
        return {
            "tag": self.tag,
            "a": [self.a_start, self.a_end],
            "b": [self.b_start, self.b_end],
            "labels": list(self.labels),
        }


@dataclass(frozen=True, slots=True)
class AlignedRow:
    """One line of the side-by-side view: paragraphs of A facing paragraphs of B.

    Attributes:
        kind: What happened to these paragraphs.
        a_paras: Indices of A's paragraphs on this row (empty for an added one).
        b_paras: Indices of B's paragraphs on this row (empty for a removed one).
        a_span: Characters of A on the row (paragraphs with their trailing blank line);
            zero-width at the insertion point when ``a_paras`` is empty.
        b_span: The same for B.
        chunks: Word-level chunks tiling ``a_span`` and ``b_span`` (for a move, of the
            paragraph in A against the paragraph in B it moved to).
        labels: Change labels of the row (ids of :data:`LABEL_TEXT`).
        similarity: Word-level similarity of the two sides, 0..1.
        partner: For a moved paragraph, the index of the row showing the other side.
    """

    kind: RowKind
    a_paras: tuple[int, ...]
    b_paras: tuple[int, ...]
    a_span: tuple[int, int]
    b_span: tuple[int, int]
    chunks: tuple[DiffChunk, ...] = ()
    labels: tuple[str, ...] = ()
    similarity: float = 0.0
    partner: int | None = None

    @property
    def is_change(self) -> bool:
        return self.kind != "equal" or any(c.tag != "equal" for c in self.chunks)


@dataclass(frozen=True, slots=True)
class DiffSummary:
    """Per pair: share of A's words kept in B, and words added and removed."""

    kept: float
    words_added: int
    words_removed: int
    words_a: int
    words_b: int

    def to_json(self) -> dict[str, Any]:
        return {
            "kept": round(self.kept, 4),
            "words_added": self.words_added,
            "words_removed": self.words_removed,
        }


@dataclass(frozen=True)
class ArticleDiff:
    """The diff of article A (the base) against article B.

    ``chunks`` tiles both bodies: every character of A is in exactly one chunk's
    ``a_start:a_end`` and every character of B in exactly one ``b_start:b_end``. Chunks
    are in reading order; apart from ``move`` chunks (listed where the paragraph stood
    in A) both sides' offsets only grow.
    """

    a_text: str
    b_text: str
    rows: tuple[AlignedRow, ...]
    chunks: tuple[DiffChunk, ...]
    summary: DiffSummary
    normalised: bool = True
    coarse: bool = False
    change_rows: tuple[int, ...] = ()  # rows holding a change, for next/previous change

    def to_json(self) -> dict[str, Any]:
        """The ``diff A B --json`` interface: keys ``summary`` and ``chunks`` only."""
        return {
            "summary": self.summary.to_json(),
            "chunks": [c.to_json() for c in self.chunks],
        }

    def next_change(self, row: int) -> int | None:
        """The first changed row after ``row`` (Alt+Down), or None."""
        i = bisect.bisect_right(self.change_rows, row)
        return self.change_rows[i] if i < len(self.change_rows) else None

    def previous_change(self, row: int) -> int | None:
        """The last changed row before ``row`` (Alt+Up), or None."""
        i = bisect.bisect_left(self.change_rows, row)
        return self.change_rows[i - 1] if i > 0 else None

    @cached_property
    def _starts(self) -> tuple[tuple[int, ...], tuple[int, ...]]:
        return tuple(r.a_span[0] for r in self.rows), tuple(r.b_span[0] for r in self.rows)

    def row_at(self, side: Literal["a", "b"], offset: int) -> int:
        """The row showing character ``offset`` of one side (the last row at the very end).

        Rows' spans only grow along each side (a row missing on one side is zero-width
        there), so this is a binary search.
        """
        if not self.rows:
            raise IndexError("an empty diff has no rows")
        starts = self._starts[0 if side == "a" else 1]
        i = max(bisect.bisect_right(starts, offset) - 1, 0)
        while i > 0:
            start, end = self.rows[i].a_span if side == "a" else self.rows[i].b_span
            if end > start:
                break
            i -= 1
        return i

    def map_offset(self, side: Literal["a", "b"], offset: int) -> int:
        """Map an offset in one body to the facing offset in the other (synchronised scroll).

        Inside a row, the position is carried through the row's chunks; a moved
        paragraph maps to where it stood on the other side.
        """
        row = self.rows[self.row_at(side, offset)]
        for chunk in row.chunks or (DiffChunk("replace", *row.a_span, *row.b_span),):
            src = (chunk.a_start, chunk.a_end) if side == "a" else (chunk.b_start, chunk.b_end)
            dst = (chunk.b_start, chunk.b_end) if side == "a" else (chunk.a_start, chunk.a_end)
            if src[0] <= offset <= src[1]:
                if src[1] == src[0]:
                    return dst[0]
                share = (offset - src[0]) / (src[1] - src[0])
                return dst[0] + round(share * (dst[1] - dst[0]))
        span = row.b_span if side == "a" else row.a_span
        return span[0]
