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
from collections.abc import Sequence
from difflib import SequenceMatcher
from functools import lru_cache
from itertools import accumulate

from reader.corpus.normalize import fold
from reader.related.chunks import DiffChunk

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


@lru_cache(maxsize=1 << 16)
def _fold_token(core: str) -> str:
    """Folded form of one token, cached across diffs (a story's versions share words)."""
    return fold(core)


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
        key = _fold_token(core) if self.normalise else core
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


def _coarse_opcodes(ka: list[int], kb: list[int]) -> list[tuple[str, int, int, int, int]]:
    """Common head and tail as equal, everything between as one replace (bounded, correct)."""
    na, nb = len(ka), len(kb)
    head = 0
    while head < na and head < nb and ka[head] == kb[head]:
        head += 1
    tail = 0
    while tail < na - head and tail < nb - head and ka[na - 1 - tail] == kb[nb - 1 - tail]:
        tail += 1
    ops: list[tuple[str, int, int, int, int]] = []
    if head:
        ops.append(("equal", 0, head, 0, head))
    if head < na - tail or head < nb - tail:
        ops.append(("replace", head, na - tail, head, nb - tail))
    if tail:
        ops.append(("equal", na - tail, na, nb - tail, nb))
    return ops
