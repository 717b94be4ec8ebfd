"""Text normalisation for matching (search and diff), never for display.

Two entry points produce the same normalised text:

* :func:`fold` returns only the normalised string. It is the fast path used when indexing
  many documents, so it works on whole strings with C-level ``str`` methods and regexes.
* :func:`normalize` also returns, for every output character, the span of the original
  text it came from, so a match found in normalised text can be highlighted in the original.

The steps, in order of meaning:

1. Unicode NFKC (ligatures, full-width forms, compatibility characters).
2. Quote variants fold to ``"`` or ``'``.
3. Dash variants fold to ``-``; a run of dashes (including ``--``) becomes one ``-``.
4. Every Unicode whitespace character folds to ``" "`` and runs collapse to one space;
   zero-width characters (ZWSP, ZWNJ, ZWJ, word joiner, BOM, soft hyphen) are removed.
   Leading and trailing whitespace is kept (as one space), so offsets stay simple;
   callers that want stripping can strip the result.
5. Cyrillic/Greek letters that look like Latin letters become Latin, but only inside
   mixed-script words, so that spoofed words ("Chinа" with a Cyrillic "а") match while
   genuine Russian or Greek words are left alone.
6. ``str.casefold``.

Zero-width removal and the quote/dash tables are applied before NFKC as well as after it:
before, so that a zero-width character does not block composition ("e", ZWSP, U+0301 ->
"é") and "″" folds to '"' rather than NFKC's "′′"; after, to catch variants NFKC itself
produces ("‴" -> "′′′", "﹘" -> "—").

``normalize(t).text == fold(t)`` holds for every string ``t``; the tests check it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["NormalizedText", "fold", "fold_word", "non_ascii_chars", "normalize"]

_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_DOUBLE_QUOTES = "“”„‟«»″〝〞〟＂"
_SINGLE_QUOTES = "‘’‚‛′`＇"
_DASHES = "‐‑‒–—―−⸺⸻"

# Zero-width removal and quote/dash folding, applied both before and after NFKC (see the
# module docstring for why). A regex with a callback only pays for characters it changes;
# str.translate with a dict costs a lookup per character, far slower on long texts.
_PUNCT_MAP: dict[str, str] = {
    **dict.fromkeys(_ZERO_WIDTH, ""),
    **dict.fromkeys(_DOUBLE_QUOTES, '"'),
    **dict.fromkeys(_SINGLE_QUOTES, "'"),
    **dict.fromkeys(_DASHES, "-"),
}
_PUNCT_RE = re.compile("[" + re.escape("".join(_PUNCT_MAP)) + "]")

_LOOKALIKES: dict[str, str] = {
    # Cyrillic
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i",
    "ј": "j", "ѕ": "s", "ԁ": "d", "һ": "h", "ӏ": "l", "ԛ": "q", "ԝ": "w",
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
    "С": "C", "Т": "T", "Х": "X", "У": "Y", "І": "I", "Ј": "J", "Ѕ": "S",
    # Greek
    "ο": "o", "ν": "v", "ρ": "p", "ι": "i", "κ": "k", "υ": "u", "α": "a",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
    "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
}  # fmt: skip
_LOOKALIKE_TABLE = str.maketrans(_LOOKALIKES)
_LOOKALIKE_RE = re.compile("[" + "".join(_LOOKALIKES) + "]")

# 256-code-point pages holding every letter whose Unicode name starts with "LATIN "
# (Unicode 14/15; a test checks this against a scan of all code points).
_LATIN_PAGES = (0x00, 0x01, 0x02, 0x1D, 0x1E, 0x20, 0x21, 0x2C, 0xA7, 0xAB, 0xFB, 0x1DF)


def _latin_letter_class() -> str:
    """Build a regex class of the Latin letters, the script being read from Unicode names."""
    ranges: list[list[int]] = []
    for page in _LATIN_PAGES:
        for cp in range(page << 8, (page + 1) << 8):
            ch = chr(cp)
            if ch.isalpha() and unicodedata.name(ch, "").startswith("LATIN "):
                if ranges and ranges[-1][1] == cp - 1:
                    ranges[-1][1] = cp
                else:
                    ranges.append([cp, cp])
    return "[" + "".join(f"{re.escape(chr(lo))}-{re.escape(chr(hi))}" for lo, hi in ranges) + "]"


_LATIN_RE = re.compile(_latin_letter_class())
_WORD_TAIL_RE = re.compile(r"\w*")

# Whitespace is what str.isspace and \s agree on; NFKC already turns most Unicode spaces
# (NBSP, thin space, ideographic space...) into " ".
_ASCII_SPACE_TABLE = {cp: " " for cp in range(128) if chr(cp).isspace()}
_OTHER_SPACE_RE = re.compile(r"[^\S ]")
_ASCII_BYTES = bytes(range(128))


def non_ascii_chars(text: str) -> set[str]:
    """The characters of a text outside ASCII: its UTF-8 without the ASCII bytes (which no
    other character's UTF-8 holds), in C; a regex tests every character in a loop."""
    data = text.encode("utf-8", "surrogatepass").translate(None, _ASCII_BYTES)
    return set(data.decode("utf-8", "surrogatepass"))


@lru_cache(maxsize=4096)
def _is_plain(ch: str) -> bool:
    """Whether every step of `fold` leaves ``ch`` alone whatever surrounds it: a symbol or
    punctuation mark (never part of a word, so no look-alike word; no combining mark, so
    nothing composes with it) without decomposition, case, or a quote/dash/space folding.
    A test checks these against every code point (no composition ends with such a one)."""
    return (
        unicodedata.category(ch)[0] in "PS"
        and ch not in _PUNCT_MAP
        and unicodedata.decomposition(ch) == ""
        and unicodedata.normalize("NFKC", ch) == ch
        and ch.casefold() == ch
        and ch.lower() == ch
    )


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """Normalised text plus a map from each of its characters back to the original.

    Attributes:
        text: The normalised text, equal to ``fold(original)``.
        starts: For each character of ``text``, the start offset in the original of the
            unit it came from.
        ends: For each character of ``text``, the exclusive end offset of that unit.
        original_length: Length of the original text, so spans ending at ``len(text)``
            (and empty texts) still map somewhere.
    """

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    original_length: int

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of ``text`` to the half-open span of the original it came from.

        An empty span maps to a zero-width position: the start of the unit at ``start``,
        or the end of the original when ``start == len(text)``.

        Args:
            start: Start offset in ``text``.
            end: Exclusive end offset in ``text``.

        Returns:
            ``(orig_start, orig_end)`` in the original text.

        Raises:
            ValueError: If the span is not ``0 <= start <= end <= len(text)``.
        """
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(f"span ({start}, {end}) outside 0..{len(self.text)}")
        if start == len(self.text):
            return self.original_length, self.original_length
        if start == end:
            return self.starts[start], self.starts[start]
        # Spans are non-decreasing, so the last character's end is the furthest one.
        return self.starts[start], self.ends[end - 1]


def _fold_punct(text: str) -> str:
    """Remove zero-width characters and fold quote and dash variants."""
    return _PUNCT_RE.sub(lambda m: _PUNCT_MAP[m.group()], text)


def _map_lookalikes(text: str) -> str:
    """Apply step 5 to whole words; the result always has the same length as ``text``.

    A word (maximal run of ``\\w``) is mixed-script when it holds a Latin letter and a
    Cyrillic or Greek one; only words holding a look-alike letter can change, so the scan
    visits the words around look-alike hits (or around Latin hits, when look-alikes are
    common, as in Russian text) instead of every word. The choice only affects speed.
    """
    if _LOOKALIKE_RE.search(text) is None or _LATIN_RE.search(text) is None:
        return text
    driver, other = _LOOKALIKE_RE, _LATIN_RE
    sample = text[:2000]
    if len(_LOOKALIKE_RE.findall(sample)) * 10 > len(sample):  # Cyrillic/Greek text
        driver, other = other, driver
    pieces: list[str] = []
    done = 0
    hit = driver.search(text)
    while hit is not None:
        start = hit.start()
        while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):  # \w
            start -= 1
        tail = _WORD_TAIL_RE.match(text, hit.end())  # \w* always matches
        end = tail.end() if tail is not None else hit.end()
        if other.search(text, start, end) is not None:
            pieces.append(text[done:start])
            pieces.append(text[start:end].translate(_LOOKALIKE_TABLE))
            done = end
        hit = driver.search(text, end)
    pieces.append(text[done:])
    return "".join(pieces)


def _collapse_spaces(text: str) -> str:
    """Fold every whitespace character to " " and every run of spaces to one."""
    # Whitespace other than " " is never printable, hence the cheap guard.
    if not text.isprintable():
        if text.isascii():
            text = text.translate(_ASCII_SPACE_TABLE)  # fast for ASCII strings
        else:
            text = _OTHER_SPACE_RE.sub(" ", text)
    while "  " in text:
        text = text.replace("  ", " ")
    return text


def _collapse_dashes(text: str) -> str:
    """Fold every run of "-" to one."""
    while "--" in text:
        text = text.replace("--", "-")
    return text


def fold(text: str) -> str:
    """Return the normalised form of ``text`` without an offset map.

    This is the fast path for indexing; ``fold(t) == normalize(t).text`` always.

    Args:
        text: Original text.

    Returns:
        The text normalised for matching.
    """
    if text.isascii() or all(map(_is_plain, non_ascii_chars(text))):
        # NFKC, look-alikes, zero-width removal and quote/dash folding are no-ops on ASCII
        # (except for the backtick), and casefold equals lower; so they are on text whose
        # other characters are all plain symbols ("£", "€", "©"), as most English news is.
        folded = text.lower()
        if "`" in folded:
            folded = folded.replace("`", "'")
        return _collapse_dashes(_collapse_spaces(folded))
    folded = _fold_punct(text)
    folded = unicodedata.normalize("NFKC", folded)
    folded = _fold_punct(folded)
    folded = _map_lookalikes(folded)
    folded = folded.casefold()
    return _collapse_dashes(_collapse_spaces(folded))


@lru_cache(maxsize=1 << 18)
def fold_word(word: str) -> str:
    """`fold` of one word (or any short string), cached: a corpus repeats its words far more
    than it coins them, and the versions of a story share most of theirs. The word diff and
    the related-stories name terms fold word by word through it."""
    return fold(word)


@lru_cache(maxsize=65536)
def _nfkc(text: str) -> str:
    """NFKC-normalise a short unit (cached: units and unit pairs repeat a lot in text)."""
    return unicodedata.normalize("NFKC", text)


@lru_cache(maxsize=4096)
def _attaches_to_previous(ch: str) -> bool:
    """Tell whether ``ch`` decomposes to a leading combining mark (e.g. "ﾞ" -> U+3099).

    Such characters can compose with a base character several units back, so they are
    kept in the unit of the preceding base, like combining marks themselves.
    """
    return unicodedata.combining(unicodedata.normalize("NFKD", ch)[0]) != 0


def _units(chars: list[str]) -> list[tuple[int, int]]:
    """Split ``chars`` into half-open index ranges that NFKC can normalise independently.

    A unit is a base character plus its following combining marks. Two exotic cases would
    make per-unit NFKC differ from the whole-string NFKC that :func:`fold` uses, so:

    * characters of combining class 0 whose decomposition starts with a combining mark
      (half-width katakana voicing marks "ﾞ" -> U+3099, some Tibetan vowel signs) join the
      preceding unit like combining marks, since they can compose with a base further back;
    * units are merged while normalising two neighbours separately differs from
      normalising them together, which catches class-0 characters that compose with the
      character before them (Hangul conjoining jamo, some Indic vowel signs).
    """
    units: list[tuple[int, int]] = []
    for i, ch in enumerate(chars):
        if units and _attaches_to_previous(ch):
            units[-1] = (units[-1][0], i + 1)
            continue
        units.append((i, i + 1))
        # Only a new unit's first character can join it to the previous unit; marks added
        # later sit behind that base. An ASCII base never composes with what precedes it.
        while len(units) >= 2 and ord(chars[units[-1][0]]) >= 0x80:
            prev, last = units[-2], units[-1]
            a = "".join(chars[prev[0] : prev[1]])
            b = "".join(chars[last[0] : last[1]])
            if _nfkc(a + b) == _nfkc(a) + _nfkc(b):
                break
            units.pop()
            units[-1] = (prev[0], last[1])
    return units


def normalize(text: str) -> NormalizedText:
    """Normalise ``text`` and keep, for each output character, its span in ``text``.

    Slower than :func:`fold` (it loops in Python) but gives an offset map so matches in
    the normalised text can be shown in the original. ``normalize(t).text == fold(t)``.

    Args:
        text: Original text.

    Returns:
        The normalised text with its offset map.
    """
    # Step 0: drop zero-width characters and fold quotes/dashes (1:1), remembering where
    # each kept character sits in the original.
    kept: list[str] = []
    positions: list[int] = []
    for i, ch in enumerate(text):
        mapped = _PUNCT_MAP.get(ch, ch)
        if mapped:
            kept.append(mapped)
            positions.append(i)

    # Steps 1-3 per unit; every output character inherits its unit's span.
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for lo, hi in _units(kept):
        unit = "".join(kept[lo:hi])
        if not unit.isascii():
            unit = _fold_punct(_nfkc(unit))
        span_start, span_end = positions[lo], positions[hi - 1] + 1
        for ch in unit:
            chars.append(ch)
            starts.append(span_start)
            ends.append(span_end)

    # Step 5 works on whole words; it maps one character to one, so spans are unchanged.
    unspoofed = _map_lookalikes("".join(chars))

    # Step 6 (casefold may expand one character to several) and the run collapses of
    # steps 3-4, merging the spans of a collapsed run.
    out: list[str] = []
    out_starts: list[int] = []
    out_ends: list[int] = []
    run = ""  # " " or "-" while inside a run of whitespace or dashes
    for ch, start, end in zip(unspoofed, starts, ends, strict=True):
        for folded in ch.casefold():
            if folded.isspace():
                kind = " "
            elif folded == "-":
                kind = "-"
            else:
                kind = ""
            if kind and kind == run:
                out_ends[-1] = max(out_ends[-1], end)
                continue
            run = kind
            out.append(kind or folded)
            out_starts.append(start)
            out_ends.append(end)

    return NormalizedText(
        text="".join(out),
        starts=tuple(out_starts),
        ends=tuple(out_ends),
        original_length=len(text),
    )
