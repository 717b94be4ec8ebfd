"""How text becomes index terms: words of the original text, folded for matching.

Tokens keep the character offsets of the original text, so a hit on "china" in "Russia-Chinа"
(Cyrillic а) points at exactly those original characters. Folding is the matching
normalisation of `reader.corpus.normalize`: case, NFKC, look-alike letters in mixed-script
words; quotes and dashes never reach a token.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from whoosh.analysis import Composable, Token, Tokenizer

from reader.corpus.normalize import fold

WORD_RE = re.compile(r"\w+(?:\.\w+)*")
"""Words, keeping dotted abbreviations whole ("U.S", "a.m")."""


def fold_token(word: str) -> str:
    return word.lower() if word.isascii() else fold(word)


class FoldingTokenizer(Tokenizer):
    """Whoosh tokenizer yielding folded words with their original positions and offsets."""

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = fold_token(value)
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar = start_char
                token.endchar = start_char + len(value)
            yield token
            return
        for pos, match in enumerate(WORD_RE.finditer(value), start=start_pos):
            word = match.group()
            token.text = fold_token(word)
            if keeporiginal:
                token.original = word
            token.boost = 1.0
            token.stopped = False
            if positions:
                token.pos = pos
            if chars:
                token.startchar = start_char + match.start()
                token.endchar = start_char + match.end()
            yield token


def news_analyzer() -> Composable:
    """The analyzer of every text field: no stop words and no stemming, so phrases and names
    match exactly as written, bar case, quotes and look-alike letters."""
    return FoldingTokenizer()


def word_spans(text: str, terms: set[str]) -> list[tuple[int, int]]:
    """Original-text spans of the words whose folded form is one of `terms`."""
    if text.isascii():  # the common case, folded in one call: lower() keeps every offset
        low = text.lower()
        if not any(term in low for term in terms):
            return []
        return [(m.start(), m.end()) for m in WORD_RE.finditer(low) if m.group() in terms]
    return [(m.start(), m.end()) for m in WORD_RE.finditer(text) if fold_token(m.group()) in terms]
