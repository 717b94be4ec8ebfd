"""N-way collation of a version cluster: each base paragraph, and which versions keep it.

The base (first version, usually the original) is diffed against every other version;
the rows of those diffs are read back per base paragraph. This is what the cluster view
draws as a "kept by" bar, and what each version adds of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from reader.base.cancel import CancelFn, Cancelled, ProgressFn
from reader.corpus.model import Article
from reader.diff.align import paragraph_units
from reader.diff.chunks import ArticleDiff
from reader.diff.compare import diff_articles

__all__ = ["Addition", "Collation", "CollationRow", "Kept", "collate"]

KeepStatus = Literal["whole", "edited", "none"]


@dataclass(frozen=True, slots=True)
class Kept:
    """How one version keeps one base paragraph.

    ``whole`` includes style-only differences (quotes, case, look-alike letters).
    """

    status: KeepStatus
    paragraphs: tuple[int, ...] = ()  # the version's paragraphs holding it
    moved: bool = False


@dataclass(frozen=True, slots=True)
class CollationRow:
    """A paragraph of the base and, per other version (in order), how it is kept."""

    paragraph: int
    span: tuple[int, int]
    kept: tuple[Kept, ...]

    @property
    def kept_by(self) -> int:
        """How many versions keep the paragraph, whole or edited."""
        return sum(k.status != "none" for k in self.kept)


@dataclass(frozen=True, slots=True)
class Addition:
    """Paragraphs a version adds that the base does not have."""

    paragraphs: tuple[int, ...]
    span: tuple[int, int]
    after: int | None  # the base paragraph it follows; None: before the first


@dataclass(frozen=True, slots=True)
class Collation:
    """Base first; ``additions[v]`` and ``diffs[v]`` belong to ``versions[v + 1]``."""

    texts: tuple[str, ...]
    rows: tuple[CollationRow, ...]
    additions: tuple[tuple[Addition, ...], ...]
    diffs: tuple[ArticleDiff, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "rows": [
                {
                    "paragraph": r.paragraph,
                    "span": list(r.span),
                    "kept": [
                        {"status": k.status, "paragraphs": list(k.paragraphs), "moved": k.moved}
                        for k in r.kept
                    ],
                }
                for r in self.rows
            ],
            "additions": [
                [
                    {"paragraphs": list(a.paragraphs), "span": list(a.span), "after": a.after}
                    for a in adds
                ]
                for adds in self.additions
            ],
        }


def _kept_in(diff: ArticleDiff, paragraph: int) -> Kept:
    for row in diff.rows:
        if paragraph not in row.a_paras:
            continue
        if row.kind == "removed":
            return Kept("none")
        if row.kind == "moved":
            partner = diff.rows[row.partner] if row.partner is not None else row
            edited = any(c.is_change for c in row.chunks)
            return Kept("edited" if edited else "whole", partner.b_paras, moved=True)
        status: KeepStatus = "whole" if row.kind == "equal" else "edited"
        return Kept(status, row.b_paras)
    return Kept("none")


def _additions(diff: ArticleDiff) -> tuple[Addition, ...]:
    out: list[Addition] = []
    after: int | None = None
    for row in diff.rows:
        if row.a_paras:
            after = row.a_paras[-1]
        elif row.kind == "added":
            out.append(Addition(row.b_paras, row.b_span, after))
    return tuple(out)


def collate(
    versions: Sequence[Article | str],
    normalise: bool = True,
    *,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
) -> Collation:
    """Collate versions of one story against the first (the base).

    Args:
        versions: The base first, then the other versions in the order to show them.
        normalise: As for :func:`reader.diff.compare.diff_articles`.
        progress: Told (versions done, versions, what) after each version: a cluster of
            dozens of long versions takes seconds, and the window runs it on a worker.
        cancel: Asked between versions; True stops with :class:`Cancelled`.
    """
    if not versions:
        raise ValueError("collate needs at least the base version")
    texts = tuple(v.body if isinstance(v, Article) else v for v in versions)
    diffs = []
    for n, text in enumerate(texts[1:], 1):
        if cancel is not None and cancel():
            raise Cancelled
        diffs.append(diff_articles(texts[0], text, normalise=normalise))
        if progress is not None:
            progress(n, len(texts) - 1, "collating versions")
    rows = tuple(
        CollationRow(i, span, tuple(_kept_in(d, i) for d in diffs))
        for i, span in enumerate(paragraph_units(texts[0]))
    )
    return Collation(texts, rows, tuple(_additions(d) for d in diffs), tuple(diffs))
