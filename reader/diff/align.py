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
_Pair = tuple[int, int, float]
"""A paragraph of A, one of B, and their score."""


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
    a_of, b_taken = _exact_pairs(a_keys, b_keys)
    # Word strings only for paragraphs without an exact twin: only they are ever scored.
    alphabet = _WordAlphabet()
    wa = ["" if i in a_of else alphabet.encode(k) for i, k in enumerate(a_keys)]
    wb = ["" if j in b_taken else alphabet.encode(k) for j, k in enumerate(b_keys)]
    coarse = _fuzzy_pairs(wa, wb, a_of, b_taken)
    anchors, moves = _anchors_and_moves(a_of, len(b_keys))
    ordered, coarse_gap = _pairs_in_gaps(anchors, moves, wa, wb)
    items, used_a, used_b = _merges_and_splits(ordered, moves, wa, wb)
    out = _display_order(items, len(a_keys), len(b_keys), a_of, moves, used_a, used_b)
    return out, coarse or coarse_gap


def _exact_pairs(
    a_keys: list[str], b_keys: list[str]
) -> tuple[dict[int, tuple[int, float]], set[int]]:
    """Step 1: paragraphs with the same key, paired in order. Returns each paired A index's
    (B index, score), and the paired B indices."""
    a_of: dict[int, tuple[int, float]] = {}
    b_taken: set[int] = set()
    queue: dict[str, list[int]] = {}
    for j, key in enumerate(b_keys):
        queue.setdefault(key, []).append(j)
    for i, key in enumerate(a_keys):
        js = queue.get(key)
        if js:
            j = js.pop(0)
            a_of[i] = (j, 100.0)
            b_taken.add(j)
    return a_of, b_taken


def _fuzzy_pairs(
    wa: list[str], wb: list[str], a_of: dict[int, tuple[int, float]], b_taken: set[int]
) -> bool:
    """Step 2: the unpaired paragraphs paired across the whole text, best score first, into
    `a_of` and `b_taken`. True when there were too many to score (`MAX_PAIRS`): coarse."""
    ra = [i for i in range(len(wa)) if i not in a_of]
    rb = [j for j in range(len(wb)) if j not in b_taken]
    if not ra or not rb:
        return False
    if len(ra) * len(rb) > MAX_PAIRS:
        return True
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
    return False


def _anchors_and_moves(
    a_of: dict[int, tuple[int, float]], m: int
) -> tuple[list[_Pair], dict[int, int]]:
    """Step 3: the pairs in order (anchors), and the others good enough to be moves (A index
    to B index); the rest are nothing."""
    pairs = sorted((i, j, s) for i, (j, s) in a_of.items())
    chain = set(_heaviest_increasing(pairs, m))
    anchors: list[_Pair] = []
    moves: dict[int, int] = {}
    for k, (i, j, s) in enumerate(pairs):
        if k in chain:
            anchors.append((i, j, s))
        elif s >= MOVE:
            moves[i] = j
    return anchors, moves


def _pairs_in_gaps(
    anchors: list[_Pair], moves: dict[int, int], wa: list[str], wb: list[str]
) -> tuple[list[_Pair], bool]:
    """Step 4: the anchors, with in-order pairs inside the gaps between them; and whether a
    gap was too large to pair (`MAX_GAP_PAIRS`): coarse."""
    n, m = len(wa), len(wb)
    moved_b = set(moves.values())
    coarse = False
    ordered: list[_Pair] = []
    bounds = [(-1, -1, 0.0), *anchors, (n, m, 0.0)]
    for (i0, j0, _), (i1, j1, s1) in itertools.pairwise(bounds):
        ga = [i for i in range(i0 + 1, i1) if i not in moves]
        gb = [j for j in range(j0 + 1, j1) if j not in moved_b]
        if ga and gb and len(ga) * len(gb) > MAX_GAP_PAIRS:
            coarse = True
        ordered.extend(_pair_in_order(ga, gb, wa, wb))
        if i1 < n:
            ordered.append((i1, j1, s1))
    return ordered, coarse


def _merges_and_splits(
    ordered: list[_Pair], moves: dict[int, int], wa: list[str], wb: list[str]
) -> tuple[list[AlignItem], set[int], set[int]]:
    """Step 5: the in-order pairs as items, a pair that does better with a free neighbour
    as a merge or split; and the A and B indices used (moves included)."""
    used_a = {i for i, _, _ in ordered} | set(moves)
    used_b = {j for _, j, _ in ordered} | set(moves.values())
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
    return items, used_a, used_b


def _display_order(
    items: list[AlignItem],
    n: int,
    m: int,
    a_of: dict[int, tuple[int, float]],
    moves: dict[int, int],
    used_a: set[int],
    used_b: set[int],
) -> list[AlignItem]:
    """The items with the leftovers: between two aligned items, A's (moved out or deleted)
    then B's (moved in or inserted)."""
    moved_b = {j: i for i, j in moves.items()}
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
    return out


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
