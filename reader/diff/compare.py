"""Diff of two articles: paragraphs aligned first, then words inside aligned paragraphs.

The public entry is :func:`diff_articles`; the result is plain data
(:class:`reader.diff.chunks.ArticleDiff`) that the CLI renders and the window draws.
"""

from __future__ import annotations

import re

from reader.corpus.model import Article
from reader.diff.align import AlignItem, align_paragraphs, paragraph_keys, paragraph_units
from reader.diff.chunks import LABEL_TEXT, AlignedRow, ArticleDiff, DiffChunk, DiffSummary
from reader.diff.labels import label_chunks, quote_spans
from reader.diff.worddiff import KeyTable, word_chunks

__all__ = ["LEDE_REWRITTEN_BELOW", "diff_articles", "diff_texts"]

# A first paragraph that keeps less than this word similarity counts as rewritten.
LEDE_REWRITTEN_BELOW = 0.7

_WORD_RE = re.compile(r"\w+")
_LABEL_ORDER = {label: n for n, label in enumerate(LABEL_TEXT)}


def _sorted_labels(labels: set[str]) -> tuple[str, ...]:
    return tuple(sorted(labels, key=lambda x: _LABEL_ORDER.get(x, len(_LABEL_ORDER))))


def diff_articles(a: Article | str, b: Article | str, normalise: bool = True) -> ArticleDiff:
    """Diff article ``a`` (the base) against ``b``; offsets are into their ``body``.

    Args:
        a: The base version (an :class:`Article` or its body text).
        b: The other version.
        normalise: Treat quote/dash style, case, whitespace and look-alike letters as
            style (labelled ``style-only``), not as edits.
    """
    a_text = a.body if isinstance(a, Article) else a
    b_text = b.body if isinstance(b, Article) else b
    return diff_texts(a_text, b_text, normalise=normalise)


def _words(text: str, start: int, end: int) -> int:
    return len(_WORD_RE.findall(text, start, end))


class _Builder:
    """Turns alignment items into rows and the flat chunk list."""

    def __init__(self, a: str, b: str, normalise: bool) -> None:
        self.a, self.b = a, b
        self.normalise = normalise
        self.keys = KeyTable(normalise)
        self.ua = paragraph_units(a)
        self.ub = paragraph_units(b)
        self.coarse = False

    def span_a(self, paras: tuple[int, ...]) -> tuple[int, int]:
        return self.ua[paras[0]][0], self.ua[paras[-1]][1]

    def span_b(self, paras: tuple[int, ...]) -> tuple[int, int]:
        return self.ub[paras[0]][0], self.ub[paras[-1]][1]

    def compare(
        self, a_span: tuple[int, int], b_span: tuple[int, int]
    ) -> tuple[list[DiffChunk], set[str]]:
        """Word chunks of two spans with their labels, and the union of change labels."""
        a, b = self.a, self.b
        if a[a_span[0] : a_span[1]] == b[b_span[0] : b_span[1]]:
            return [DiffChunk("equal", *a_span, *b_span)], set()
        chunks, coarse = word_chunks(a, a_span, b, b_span, self.keys)
        self.coarse |= coarse
        chunks = label_chunks(chunks, a, b, quote_spans(a, *a_span), quote_spans(b, *b_span))
        labels = {label for c in chunks if c.tag != "equal" for label in c.labels}
        return chunks, labels

    def build(self) -> tuple[list[AlignedRow], list[DiffChunk]]:
        a_keys = paragraph_keys(self.a, self.ua, self.normalise)
        b_keys = paragraph_keys(self.b, self.ub, self.normalise)
        items, coarse = align_paragraphs(a_keys, b_keys)
        self.coarse |= coarse
        self._shift_final_breaks(items)
        kept_a = [i for it in items if it.kind in ("pair", "merge", "split", "move-out")
                  for i in it.a]  # fmt: skip
        last_kept = max(kept_a, default=-1)
        rows: list[AlignedRow] = []
        flat: list[DiffChunk] = []
        move_rows: dict[tuple[int, int], int] = {}
        a_pos = b_pos = 0
        for item in items:
            row, chunks = self._row(item, a_pos, b_pos, last_kept)
            if item.kind in ("move-out", "move-in"):
                key = (item.a[0], item.b[0])
                if key in move_rows:
                    other = move_rows[key]
                    rows[other] = _with_partner(rows[other], len(rows))
                    row = _with_partner(row, other)
                else:
                    move_rows[key] = len(rows)
            rows.append(row)
            flat.extend(chunks)
            if row.a_paras:
                a_pos = row.a_span[1]
            if row.b_paras:
                b_pos = row.b_span[1]
        return rows, flat

    def _shift_final_breaks(self, items: list[AlignItem]) -> None:
        """Give the blank line after a paragraph facing the other side's last one to the next.

        A's last paragraph has no blank line after it; when it faces a paragraph in the
        middle of B, B's blank line would show as a style change on that row. Moved to the
        start of B's next paragraph (added, by necessity), it belongs to what follows.
        """
        for units, last_other, side in ((self.ub, len(self.ua) - 1, "a"),
                                        (self.ua, len(self.ub) - 1, "b")):  # fmt: skip
            for item in items:
                if item.kind not in ("pair", "merge", "split"):
                    continue
                mine, theirs = (item.b, item.a) if side == "a" else (item.a, item.b)
                if theirs[-1] != last_other or mine[-1] + 1 >= len(units):
                    continue
                text = self.b if side == "a" else self.a
                k = mine[-1]
                start, end = units[k]
                trimmed = len(text[start:end].rstrip()) + start
                units[k] = (start, trimmed)
                units[k + 1] = (trimmed, units[k + 1][1])

    def _row(
        self, item: AlignItem, a_pos: int, b_pos: int, last_kept: int
    ) -> tuple[AlignedRow, list[DiffChunk]]:
        """One row, and the chunks it adds to the flat list."""
        if item.kind == "delete":
            span = self.span_a(item.a)
            labels = {"removed"}
            if item.a[0] > last_kept:
                labels.add("trimmed")
            if item.a[0] == 0:
                labels.add("lede-rewritten")
            chunk = DiffChunk("delete", *span, b_pos, b_pos, _sorted_labels(labels))
            row = AlignedRow("removed", item.a, (), span, (b_pos, b_pos), (chunk,), chunk.labels)
            return row, [chunk]
        if item.kind == "insert":
            span = self.span_b(item.b)
            labels = {"added"}
            if item.b[0] == 0:
                labels.add("lede-rewritten")
            chunk = DiffChunk("insert", a_pos, a_pos, *span, _sorted_labels(labels))
            row = AlignedRow("added", (), item.b, (a_pos, a_pos), span, (chunk,), chunk.labels)
            return row, [chunk]
        a_span, b_span = self.span_a(item.a), self.span_b(item.b)
        chunks, labels = self.compare(a_span, b_span)
        similarity = item.score / 100
        if item.kind in ("move-out", "move-in"):
            labels = {label for label in labels if label != "style-only"} | {"moved"}
            row_labels = _sorted_labels(labels)
            if item.kind == "move-out":
                move = DiffChunk("move", *a_span, *b_span, row_labels)
                row = AlignedRow("moved", item.a, (), a_span, (b_pos, b_pos), tuple(chunks),
                                 row_labels, similarity)  # fmt: skip
                return row, [move]
            row = AlignedRow("moved", (), item.b, (a_pos, a_pos), b_span, tuple(chunks),
                             row_labels, similarity)  # fmt: skip
            return row, []
        extra: set[str] = set()
        if item.kind in ("merge", "split"):
            extra.add("merged" if item.kind == "merge" else "split")
        changed = any(c.is_change for c in chunks)
        if changed and (0 in item.a or 0 in item.b) and similarity < LEDE_REWRITTEN_BELOW:
            extra.add("lede-rewritten")
        if extra:
            chunks = [
                DiffChunk(c.tag, c.a_start, c.a_end, c.b_start, c.b_end,
                          _sorted_labels(set(c.labels) | extra)) if c.tag != "equal" else c
                for c in chunks
            ]  # fmt: skip
        plain = "edited" if changed else "equal"
        kind = {"merge": "merged", "split": "split"}.get(item.kind, plain)
        row = AlignedRow(kind, item.a, item.b, a_span, b_span, tuple(chunks),  # type: ignore[arg-type]
                         _sorted_labels(labels | extra), similarity)  # fmt: skip
        return row, chunks


def _with_partner(row: AlignedRow, partner: int) -> AlignedRow:
    return AlignedRow(row.kind, row.a_paras, row.b_paras, row.a_span, row.b_span, row.chunks,
                      row.labels, row.similarity, partner)  # fmt: skip


def _summary(a: str, b: str, rows: list[AlignedRow]) -> DiffSummary:
    # Every character of A is in one chunk of the rows (a move counted on its A side), so
    # what is not removed is kept; only changed chunks need their words counted.
    added = removed = 0
    for row in rows:
        if row.kind == "moved" and not row.a_paras:
            continue
        for c in row.chunks:
            if c.is_change:
                removed += _words(a, c.a_start, c.a_end)
                added += _words(b, c.b_start, c.b_end)
    words_a = _words(a, 0, len(a))
    words_b = _words(b, 0, len(b))
    return DiffSummary(
        kept=(words_a - removed) / words_a if words_a else 1.0,
        words_added=added,
        words_removed=removed,
        words_a=words_a,
        words_b=words_b,
    )


def diff_texts(a: str, b: str, normalise: bool = True) -> ArticleDiff:
    """Diff two bodies (paragraphs separated by blank lines); see :func:`diff_articles`."""
    builder = _Builder(a, b, normalise)
    rows, chunks = builder.build()
    change_rows = tuple(
        n for n, row in enumerate(rows) if any(c.is_change for c in row.chunks)
        or row.kind in ("added", "removed", "moved", "merged", "split")
    )  # fmt: skip
    return ArticleDiff(
        a_text=a,
        b_text=b,
        rows=tuple(rows),
        chunks=tuple(_coalesce(chunks)),
        summary=_summary(a, b, rows),
        normalised=normalise,
        coarse=builder.coarse,
        change_rows=change_rows,
    )


def _coalesce(chunks: list[DiffChunk]) -> list[DiffChunk]:
    """Join neighbouring equal chunks (rows of unchanged paragraphs become one chunk)."""
    out: list[DiffChunk] = []
    for c in chunks:
        if out and c.tag == "equal" and out[-1].tag == "equal" and out[-1].a_end == c.a_start \
                and out[-1].b_end == c.b_start:  # fmt: skip
            last = out[-1]
            out[-1] = DiffChunk("equal", last.a_start, c.a_end, last.b_start, c.b_end)
        else:
            out.append(c)
    return out
