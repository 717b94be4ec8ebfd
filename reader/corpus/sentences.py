"""Whether a word opens a sentence: what a capital letter there does and does not say.

A word opening a sentence is capitalised whatever it is ("Police said..."), so the name rules
of related stories (`reader.related.events`) and of entities (`reader.entities.combine`) ask
this of every capitalised word before they take it for a name.
"""

from __future__ import annotations

__all__ = ["OPENERS", "SENTENCE_ENDS", "opens_sentence"]

OPENERS = " \t\"“‘('"
"""What may stand between the end of a sentence and its first word: blanks, opening quotes
(curly, straight double and straight single) and an opening bracket."""
SENTENCE_ENDS = "\n.!?:"
"""What a sentence (or a line, or the clause before a colon) ends with."""


def opens_sentence(text: str, start: int, openers: str = OPENERS) -> bool:
    """Whether the word at `start` opens a sentence: nothing but `openers` stands between it
    and the start of `text` or a character of `SENTENCE_ENDS`.

    Args:
        text: the whole text.
        start: where the word starts.
        openers: the characters skipped back over (`OPENERS` unless a caller says otherwise).
    """
    i = start - 1
    while i >= 0 and text[i] in openers:
        i -= 1
    return i < 0 or text[i] in SENTENCE_ENDS
