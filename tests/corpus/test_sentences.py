"""Tests for reader.corpus.sentences: whether a word opens a sentence."""

from __future__ import annotations

import pytest

from reader.corpus.sentences import OPENERS, opens_sentence


@pytest.mark.parametrize(
    ("text", "opens"),
    [
        ("Police said", True),
        ("He left. Police said", True),
        ("He left!  Police said", True),
        ("Why?\tPolice said", True),
        ("He said: Police said", True),
        ("line one\nPolice said", True),
        ('He said. "Police said', True),
        ("He said. “Police said", True),
        ("He said. (Police said", True),
        ("He said. 'Police said", True),
        ("'Police said", True),
        ("the Police said", False),
        ("He said, Police said", False),
        ("He said. ”Police said", False),
    ],
)
def test_a_word_after_a_sentence_end_and_openers_opens_a_sentence(text: str, opens: bool) -> None:
    assert opens_sentence(text, text.index("Police")) is opens


def test_callers_may_skip_fewer_openers() -> None:
    text = "He left. 'Mobile phones were banned,' he said."
    start = text.index("Mobile")
    assert opens_sentence(text, start)
    assert not opens_sentence(text, start, OPENERS.replace("'", ""))
