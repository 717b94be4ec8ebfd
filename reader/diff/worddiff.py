"""Word-level diff inside aligned paragraphs.

Tokens are words and runs of one punctuation character, each with the whitespace after
it. With the news normalisation on, tokens are compared by their folded form
(:func:`reader.corpus.normalize.fold`); tokens that match only once folded become small
``style-only`` chunks (narrowed to the differing characters of that one token, so a
Cyrillic "а" shows as one letter), never silently equal.

Sequences are diffed with :class:`difflib.SequenceMatcher` over integer token ids, with
``autojunk=False`` (its junk heuristic drops matches on sequences over 200 items). Very
long spans fall back to a coarse diff: common head and tail, one replace in between.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from difflib import SequenceMatcher
from itertools import accumulate

from reader.corpus.normalize import fold_word
from reader.diff.chunks import DiffChunk

__all__ = ["MAX_TOKEN_PRODUCT", "Tokens", "tokenize", "word_chunks"]

# A token: a run of word characters, a run of hyphens ("--" is one dash), or one other
# punctuation character; each with the whitespace after it.
_TOKEN_RE = re.compile(r"\w+\s*|-+\s*|[^\w\s]\s*")
_LEADING_SPACE_RE = re.compile(r"\s*")

# Above this many token pairs (len_a * len_b) a span is diffed coarsely: SequenceMatcher
# is quadratic in the worst case.
MAX_TOKEN_PRODUCT = 4_000_000


class Tokens:
    """Tokens of ``text[start:end]``: their texts, start offsets and comparison keys."""

    __slots__ = ("keys", "starts", "tokens")

    def __init__(self, tokens: list[str], starts: list[int], keys: list[int]):
        self.tokens = tokens  # with trailing whitespace
        self.starts = starts
        self.keys = keys

    def core_end(self, i: int) -> int:
        """Where token ``i``'s word or punctuation ends and its whitespace begins."""
        return self.starts[i] + len(self.tokens[i].rstrip())


class KeyTable(dict[str, int]):
    """Interns token keys as ints, cached per distinct token text (whitespace included).

    The key ignores the token's trailing whitespace; with normalisation it is the folded
    word (case, quotes, dashes, look-alike letters), else the exact one.
    """

    def __init__(self, normalise: bool) -> None:
        super().__init__()
        self.normalise = normalise
        self._ids: dict[str, int] = {}

    def __missing__(self, token: str) -> int:
        core = token.rstrip()
        key = fold_word(core) if self.normalise else core
        ident = self._ids.setdefault(key, len(self._ids))
        self[token] = ident
        return ident


def tokenize(text: str, start: int, end: int, keys: KeyTable) -> tuple[Tokens, int]:
    """Split ``text[start:end]`` into tokens; leading whitespace is returned apart.

    Returns:
        The tokens and the offset where the first token starts.
    """
    lead = _LEADING_SPACE_RE.match(text, start, end)
    first = lead.end() if lead is not None else start
    # findall and running offsets: C-level loops, no Match object per token.
    tokens = _TOKEN_RE.findall(text, first, end)
    starts = list(accumulate(map(len, tokens), initial=first))[:-1]
    return Tokens(tokens, starts, list(map(keys.__getitem__, tokens))), first


def _emit(
    out: list[DiffChunk], tag: str, a0: int, a1: int, b0: int, b1: int, labels: tuple[str, ...]
) -> None:
    """Append a chunk, merging it into the previous one when tag and labels agree."""
    if a0 == a1 and b0 == b1:
        return
    if tag != "equal":
        tag = "insert" if a0 == a1 else "delete" if b0 == b1 else "replace"
    if out:
        last = out[-1]
        if last.tag == tag and last.labels == labels and last.a_end == a0 and last.b_end == b0:
            out[-1] = DiffChunk(last.tag, last.a_start, a1, last.b_start, b1, labels)
            return
    out.append(DiffChunk(tag, a0, a1, b0, b1, labels))  # type: ignore[arg-type]


def _emit_pair(
    out: list[DiffChunk], a: str, a0: int, a1: int, b: str, b0: int, b1: int, style: bool
) -> None:
    """Emit two pieces that compare equal: equal if identical, else a narrowed style chunk."""
    if a1 - a0 == b1 - b0 and a[a0:a1] == b[b0:b1]:
        _emit(out, "equal", a0, a1, b0, b1, ())
        return
    # Narrow to the differing middle (one token, so this stays tiny).
    while a0 < a1 and b0 < b1 and a[a0] == b[b0]:
        _emit(out, "equal", a0, a0 + 1, b0, b0 + 1, ())
        a0 += 1
        b0 += 1
    tail = 0
    while a1 - tail > a0 and b1 - tail > b0 and a[a1 - tail - 1] == b[b1 - tail - 1]:
        tail += 1
    _emit(out, "replace", a0, a1 - tail, b0, b1 - tail, ("style-only",) if style else ())
    _emit(out, "equal", a1 - tail, a1, b1 - tail, b1, ())


def word_chunks(
    a: str,
    a_span: tuple[int, int],
    b: str,
    b_span: tuple[int, int],
    keys: KeyTable,
) -> tuple[list[DiffChunk], bool]:
    """Diff ``a[a_span]`` against ``b[b_span]`` word by word.

    Returns:
        Chunks tiling both spans in order, and whether the coarse fallback was used.
    """
    ta, a_first = tokenize(a, a_span[0], a_span[1], keys)
    tb, b_first = tokenize(b, b_span[0], b_span[1], keys)
    out: list[DiffChunk] = []
    style = keys.normalise
    # Leading whitespace (only ever before a body's first paragraph).
    _emit_pair(out, a, a_span[0], a_first, b, b_span[0], b_first, style)
    na, nb = len(ta.keys), len(tb.keys)
    a_bounds = [*ta.starts, a_span[1]]
    b_bounds = [*tb.starts, b_span[1]]
    coarse = na * nb > MAX_TOKEN_PRODUCT
    if ta.keys == tb.keys:  # equal once folded: only style differs
        opcodes = [("equal", 0, na, 0, nb)] if na else []
    elif coarse:
        opcodes = _coarse_opcodes(ta.keys, tb.keys)
    else:
        matcher = SequenceMatcher(None, ta.keys, tb.keys, autojunk=False)
        opcodes = _absorb_short_equals(matcher.get_opcodes())
    # Where an equal run ends just before an edit, a whitespace difference after its last
    # token belongs to the edit ("Xinhua published" -> "Xinhua,"), not to style.
    carry: tuple[int, int] | None = None
    last_op = len(opcodes) - 1
    for n, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag != "equal":
            a0, b0 = carry or (a_bounds[i1], b_bounds[j1])
            carry = None
            a1, b1 = a_bounds[i2], b_bounds[j2]
            # Whitespace both sides share at the ends of an edit is not part of it.
            while a1 > a0 and b1 > b0 and a[a1 - 1] == b[b1 - 1] and a[a1 - 1].isspace():
                a1 -= 1
                b1 -= 1
            _emit(out, tag, a0, a1, b0, b1, ())
            _emit(out, "equal", a1, a_bounds[i2], b1, b_bounds[j2], ())
            continue
        # Identical stretches go out as one chunk; only differing tokens are looked at.
        run_a, run_b = a_bounds[i1], b_bounds[j1]
        followed = n < last_op  # by an edit
        pairs = zip(ta.tokens[i1:i2], tb.tokens[j1:j2], strict=True)
        differing = [k for k, (x, y) in enumerate(pairs) if x != y]
        for k in differing:
            i, j = i1 + k, j1 + k
            a0, a1 = a_bounds[i], a_bounds[i + 1]
            b0, b1 = b_bounds[j], b_bounds[j + 1]
            a_core, b_core = ta.core_end(i), tb.core_end(j)
            last = i == i2 - 1 and followed
            if last and a[a0:a_core] == b[b0:b_core]:
                continue  # only the whitespace differs: carried to the edit below
            _emit(out, "equal", run_a, a0, run_b, b0, ())
            _emit_pair(out, a, a0, a_core, b, b0, b_core, style)
            if last:
                run_a, run_b = a_core, b_core
            else:
                _emit_pair(out, a, a_core, a1, b, b_core, b1, style)
                run_a, run_b = a1, b1
        a_end, b_end = a_bounds[i2], b_bounds[j2]
        if i2 > i1 and followed:
            a_tail, b_tail = ta.core_end(i2 - 1), tb.core_end(j2 - 1)
            if a[a_tail:a_end] != b[b_tail:b_end]:
                a_end, b_end = max(run_a, a_tail), max(run_b, b_tail)
                carry = (a_end, b_end)
        _emit(out, "equal", run_a, a_end, run_b, b_end, ())
    return out, coarse


Opcode = tuple[str, int, int, int, int]


def _absorb_short_equals(opcodes: Sequence[Opcode]) -> list[Opcode]:
    """Fold into the edit around it an equal run shorter than the edits on both sides.

    diff-match-patch's semantic cleanup, on tokens: in a rewritten sentence a lone "-" or
    "the" matched across it only cuts the edit into confetti.
    """
    ops: list[Opcode] = list(opcodes)
    changed = True
    while changed:
        changed = False
        for k in range(1, len(ops) - 1):
            tag, i1, i2, _j1, _j2 = ops[k]
            left, right = ops[k - 1], ops[k + 1]
            if tag != "equal" or left[0] == "equal" or right[0] == "equal":
                continue
            left_size = max(left[2] - left[1], left[4] - left[3])
            right_size = max(right[2] - right[1], right[4] - right[3])
            if i2 - i1 < min(left_size, right_size):
                ops[k - 1 : k + 2] = [("replace", left[1], right[2], left[3], right[4])]
                changed = True
                break
    return ops


def _head_tail(
    ka: Sequence[int], kb: Sequence[int], i0: int, i1: int, j0: int, j1: int
) -> tuple[int, int]:
    """Lengths of the common head and tail of ``ka[i0:i1]`` and ``kb[j0:j1]``."""
    head = 0
    while i0 + head < i1 and j0 + head < j1 and ka[i0 + head] == kb[j0 + head]:
        head += 1
    tail = 0
    while (
        i1 - tail > i0 + head and j1 - tail > j0 + head and ka[i1 - tail - 1] == kb[j1 - tail - 1]
    ):
        tail += 1
    return head, tail


def _unique_anchors(ka: Sequence[int], kb: Sequence[int]) -> list[tuple[int, int]]:
    """Patience diff's anchors: tokens found once on each side, longest in-order chain."""
    count_a = Counter(ka)
    count_b = Counter(kb)
    where_b = {k: j for j, k in enumerate(kb) if count_b[k] == 1}
    pairs = [(i, where_b[k]) for i, k in enumerate(ka) if count_a[k] == 1 and k in where_b]
    # Longest increasing subsequence of the B positions (patience sorting).
    tails: list[int] = []  # index into pairs of the smallest tail of each length
    back: list[int] = []
    for n, (_i, j) in enumerate(pairs):
        lo = _bisect_tails(pairs, tails, j)
        back.append(tails[lo - 1] if lo else -1)
        if lo == len(tails):
            tails.append(n)
        else:
            tails[lo] = n
    chain: list[tuple[int, int]] = []
    k = tails[-1] if tails else -1
    while k != -1:
        chain.append(pairs[k])
        k = back[k]
    return chain[::-1]


def _bisect_tails(pairs: list[tuple[int, int]], tails: list[int], j: int) -> int:
    lo, hi = 0, len(tails)
    while lo < hi:
        mid = (lo + hi) // 2
        if pairs[tails[mid]][1] < j:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _coarse_opcodes(ka: Sequence[int], kb: Sequence[int]) -> list[Opcode]:
    """A bounded diff of long spans: patience anchors, then each gap diffed or replaced.

    Gaps small enough go to SequenceMatcher; bigger ones keep their common head and tail
    and become one replace. Always correct, never quadratic on the whole span.
    """
    ops: list[Opcode] = []

    def add(tag: str, i1: int, i2: int, j1: int, j2: int) -> None:
        if i1 == i2 and j1 == j2:
            return
        if ops and ops[-1][0] == tag == "equal":
            ops[-1] = ("equal", ops[-1][1], i2, ops[-1][3], j2)
        else:
            ops.append((tag, i1, i2, j1, j2))

    def gap(i0: int, i1: int, j0: int, j1: int) -> None:
        head, tail = _head_tail(ka, kb, i0, i1, j0, j1)
        add("equal", i0, i0 + head, j0, j0 + head)
        i0, j0 = i0 + head, j0 + head
        if (i1 - tail - i0) * (j1 - tail - j0) <= MAX_TOKEN_PRODUCT // 16:
            matcher = SequenceMatcher(None, ka[i0 : i1 - tail], kb[j0 : j1 - tail], autojunk=False)
            for tag, x1, x2, y1, y2 in matcher.get_opcodes():
                add(tag, i0 + x1, i0 + x2, j0 + y1, j0 + y2)
        else:
            add("replace", i0, i1 - tail, j0, j1 - tail)
        add("equal", i1 - tail, i1, j1 - tail, j1)

    i = j = 0
    for ai, bj in _unique_anchors(ka, kb):
        gap(i, ai, j, bj)
        add("equal", ai, ai + 1, bj, bj + 1)
        i, j = ai + 1, bj + 1
    gap(i, len(ka), j, len(kb))
    return ops
