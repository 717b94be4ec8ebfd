"""Paragraph alignment of two versions of an article.

Steps (each bounded, so long inputs stay fast):

1. Paragraphs with the same key (folded text) pair up in order - hashing, no fuzz.
2. The rest are scored by rapidfuzz's ``ratio`` over *word sequences* (each word mapped
   to one character, so the C scorer compares words, not letters: unrelated news
   paragraphs score ~10-25, edited ones 50-95). ``process.cdist`` with a score cutoff
   gives all scores at once; pairs are taken greedily, best first, one to one.
3. In-order anchors: the heaviest increasing subsequence of those pairs (a Fenwick tree,
   O(k log k)). Pairs off that chain are moves.
4. Between two anchors, the leftovers are paired in order by a small dynamic programme
   at a lower cutoff (a rewritten lede still faces its old self).
5. A paired paragraph that matches its free neighbour joined to itself much better is a
   merge (two of A in one of B) or a split (one of A in two of B).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz, process

from reader.corpus.normalize import fold

__all__ = ["AlignItem", "align_paragraphs", "paragraph_units"]

# Scores are rapidfuzz ratios (0-100) over word sequences.
MATCH = 50  # a pair anywhere in the text (anchor or move)
MOVE = 60  # an out-of-order pair this good is a move; weaker ones are remove + add
PAIR_IN_GAP = 30  # a pair between two anchors, in order
MERGE_GAIN = 10  # a merge/split must beat the 1:1 pair by this much
LEDE_MIN = 15  # two unmatched first paragraphs this close face each other as a rewritten lede
LEDE_BONUS = 25
# Bounds on work: fuzzy pairs scored across the whole text, and inside one gap.
MAX_PAIRS = 250_000
MAX_GAP_PAIRS = 10_000
MAX_WORDS_PER_PARAGRAPH = 2_000  # longer paragraphs are compared on their head and tail

_SEPARATOR_RE = re.compile(r"\n\s*\n\s*")
_WORD_RE = re.compile(r"\w+")

ItemKind = Literal["pair", "merge", "split", "delete", "insert", "move-out", "move-in"]


@dataclass(frozen=True, slots=True)
class AlignItem:
    """One step of the alignment, in display order; ``score`` is 0-100."""

    kind: ItemKind
    a: tuple[int, ...]
    b: tuple[int, ...]
    score: float = 0.0


def paragraph_units(text: str) -> list[tuple[int, int]]:
    """Paragraph spans that tile ``text``: each runs to the start of the next paragraph.

    A paragraph's trailing blank line belongs to it, so rows of paragraphs tile the body.
    """
    if not text:
        return []
    starts = [0] + [m.end() for m in _SEPARATOR_RE.finditer(text) if m.end() < len(text)]
    return [(s, e) for s, e in zip(starts, [*starts[1:], len(text)], strict=True)]


class _WordAlphabet(dict[str, str]):
    """Maps words to single characters so rapidfuzz compares word sequences."""

    def __missing__(self, word: str) -> str:
        code = 0x100 + len(self)
        if code >= 0xD800:  # skip the surrogate block
            code += 0x800
        ch = chr(min(code, 0x10FFFF))
        self[word] = ch
        return ch

    def encode(self, key: str) -> str:
        words = _WORD_RE.findall(key) or [key]
        if len(words) > MAX_WORDS_PER_PARAGRAPH:
            half = MAX_WORDS_PER_PARAGRAPH // 2
            words = words[:half] + words[-half:]
        return "".join(map(self.__getitem__, words))


def paragraph_keys(text: str, units: list[tuple[int, int]], normalise: bool) -> list[str]:
    """What paragraphs are compared by: folded text, or the exact stripped text."""
    if normalise:
        return [fold(text[s:e]).strip() for s, e in units]
    return [text[s:e].strip() for s, e in units]


def _heaviest_increasing(pairs: list[tuple[int, int, float]], m: int) -> list[int]:
    """Indices of the pairs (sorted by a) forming the heaviest chain increasing in b."""
    tree_val = [0.0] * (m + 1)
    tree_idx = [-1] * (m + 1)
    best_val: list[float] = []
    back: list[int] = []
    for k, (_i, j, w) in enumerate(pairs):
        # Best chain ending at b < j: prefix maximum over positions 1..j.
        pos, val, idx = j, 0.0, -1
        while pos > 0:
            if tree_val[pos] > val:
                val, idx = tree_val[pos], tree_idx[pos]
            pos -= pos & -pos
        best_val.append(val + w)
        back.append(idx)
        pos = j + 1
        while pos <= m:
            if tree_val[pos] < val + w:
                tree_val[pos], tree_idx[pos] = val + w, k
            pos += pos & -pos
    if not pairs:
        return []
    k = max(range(len(pairs)), key=best_val.__getitem__)
    chain: list[int] = []
    while k != -1:
        chain.append(k)
        k = back[k]
    return chain[::-1]


def _pair_in_order(
    ga: list[int], gb: list[int], wa: list[str], wb: list[str]
) -> list[tuple[int, int, float]]:
    """In-order 1:1 pairs inside a gap maximising the total score (LCS-style DP)."""
    if not ga or not gb or len(ga) * len(gb) > MAX_GAP_PAIRS:
        return []
    scores = process.cdist(
        [wa[i] for i in ga], [wb[j] for j in gb], scorer=fuzz.ratio, score_cutoff=PAIR_IN_GAP
    ).tolist()
    bonus = 0.0
    if ga[0] == 0 and gb[0] == 0:
        # Two first paragraphs both unmatched: a rewritten lede faces its old self unless
        # they share nothing (unrelated paragraphs score ~10-25, rewritten ledes 20-45).
        lede = fuzz.ratio(wa[0], wb[0])
        if lede >= LEDE_MIN:
            bonus = LEDE_BONUS
            scores[0][0] = lede + bonus
    na, nb = len(ga), len(gb)
    best = [[0.0] * (nb + 1) for _ in range(na + 1)]
    for x in range(na - 1, -1, -1):
        row, below = best[x], best[x + 1]
        for y in range(nb - 1, -1, -1):
            s = float(scores[x][y])
            row[y] = max(below[y], row[y + 1], below[y + 1] + s if s else 0.0)
    out: list[tuple[int, int, float]] = []
    x = y = 0
    while x < na and y < nb:
        s = float(scores[x][y])
        if s and best[x][y] == best[x + 1][y + 1] + s:
            out.append((ga[x], gb[y], s - bonus if (x, y) == (0, 0) else s))
            x += 1
            y += 1
        elif best[x][y] == best[x + 1][y]:
            x += 1
        else:
            y += 1
    return out


def align_paragraphs(a_keys: list[str], b_keys: list[str]) -> tuple[list[AlignItem], bool]:
    """Align paragraphs of A and B (given their keys).

    Returns:
        Items in display order, and whether bounds made the alignment coarser than usual.
    """
    n, m = len(a_keys), len(b_keys)
    a_of: dict[int, tuple[int, float]] = {}  # paired A index -> (B index, score)
    b_taken: set[int] = set()

    # 1. Exact keys, in order.
    queue: dict[str, list[int]] = {}
    for j, key in enumerate(b_keys):
        queue.setdefault(key, []).append(j)
    for i, key in enumerate(a_keys):
        js = queue.get(key)
        if js:
            j = js.pop(0)
            a_of[i] = (j, 100.0)
            b_taken.add(j)

    # Word strings only for paragraphs without an exact twin: only they are ever scored.
    alphabet = _WordAlphabet()
    wa = ["" if i in a_of else alphabet.encode(k) for i, k in enumerate(a_keys)]
    wb = ["" if j in b_taken else alphabet.encode(k) for j, k in enumerate(b_keys)]

    # 2. Fuzzy pairs across the whole text, best first.
    ra = [i for i in range(n) if i not in a_of]
    rb = [j for j in range(m) if j not in b_taken]
    coarse = False
    if ra and rb:
        if len(ra) * len(rb) <= MAX_PAIRS:
            scores = process.cdist(
                [wa[i] for i in ra], [wb[j] for j in rb], scorer=fuzz.ratio, score_cutoff=MATCH
            )
            found = [
                (float(scores[x][y]), -abs(ra[x] - rb[y]), ra[x], rb[y])
                for x, y in zip(*scores.nonzero(), strict=True)
            ]
            for score, _closeness, i, j in sorted(found, reverse=True):
                if i not in a_of and j not in b_taken:
                    a_of[i] = (j, score)
                    b_taken.add(j)
        else:
            coarse = True

    # 3. Anchors in order; the other pairs are moves (or nothing, when weak).
    pairs = sorted((i, j, s) for i, (j, s) in a_of.items())
    chain = set(_heaviest_increasing(pairs, m))
    anchors: list[tuple[int, int, float]] = []
    moves: dict[int, int] = {}
    for k, (i, j, s) in enumerate(pairs):
        if k in chain:
            anchors.append((i, j, s))
        elif s >= MOVE:
            moves[i] = j
    moved_b = {j: i for i, j in moves.items()}

    # 4. In-order pairs inside the gaps between anchors.
    ordered: list[tuple[int, int, float]] = []
    bounds = [(-1, -1, 0.0), *anchors, (n, m, 0.0)]
    for (i0, j0, _), (i1, j1, s1) in itertools.pairwise(bounds):
        ga = [i for i in range(i0 + 1, i1) if i not in moves]
        gb = [j for j in range(j0 + 1, j1) if j not in moved_b]
        if ga and gb and len(ga) * len(gb) > MAX_GAP_PAIRS:
            coarse = True
        ordered.extend(_pair_in_order(ga, gb, wa, wb))
        if i1 < n:
            ordered.append((i1, j1, s1))

    # 5. Merges and splits with a free neighbour.
    used_a = {i for i, _, _ in ordered} | set(moves)
    used_b = {j for _, j, _ in ordered} | set(moved_b)
    items: list[AlignItem] = []
    for i, j, s in ordered:
        if i in used_a and j in used_b and s < 100:
            item = _merge_or_split(i, j, s, wa, wb, used_a, used_b)
            if item is not None:
                used_a.update(item.a)
                used_b.update(item.b)
                items.append(item)
                continue
        items.append(AlignItem("pair", (i,), (j,), s))

    # Display order: between two aligned items, A's leftovers then B's.
    out: list[AlignItem] = []
    a_pos = b_pos = 0
    for item in [*items, AlignItem("pair", (n,), (m,))]:
        for i in range(a_pos, item.a[0]):
            if i in moves:
                out.append(AlignItem("move-out", (i,), (moves[i],), a_of[i][1]))
            elif i not in used_a:
                out.append(AlignItem("delete", (i,), ()))
        for j in range(b_pos, item.b[0]):
            if j in moved_b:
                i = moved_b[j]
                out.append(AlignItem("move-in", (i,), (j,), a_of[i][1]))
            elif j not in used_b:
                out.append(AlignItem("insert", (), (j,)))
        if item.a[0] < n:
            out.append(item)
        a_pos, b_pos = item.a[-1] + 1, item.b[-1] + 1
    return out, coarse


def _merge_or_split(
    i: int,
    j: int,
    score: float,
    wa: list[str],
    wb: list[str],
    used_a: set[int],
    used_b: set[int],
) -> AlignItem | None:
    """A merge (two A paragraphs in B's one) or a split, when it beats the 1:1 pair."""
    best: AlignItem | None = None
    need = max(MATCH, score + MERGE_GAIN)
    options: list[tuple[ItemKind, tuple[int, ...], tuple[int, ...]]] = []
    if i + 1 < len(wa) and i + 1 not in used_a:
        options.append(("merge", (i, i + 1), (j,)))
    if i > 0 and i - 1 not in used_a:
        options.append(("merge", (i - 1, i), (j,)))
    if j + 1 < len(wb) and j + 1 not in used_b:
        options.append(("split", (i,), (j, j + 1)))
    if j > 0 and j - 1 not in used_b:
        options.append(("split", (i,), (j - 1, j)))
    for kind, a, b in options:
        s = fuzz.ratio("".join(wa[x] for x in a), "".join(wb[y] for y in b), score_cutoff=need)
        if s and (best is None or s > best.score):
            best = AlignItem(kind, a, b, s)
    return best
