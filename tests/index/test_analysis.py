"""Index terms and the spans they mark in the original text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from reader.index.analysis import WORD_RE, fold_token, word_spans

WORDS = ["China", "chinа", "U.S", "Putin's", "COVID-19", "the", "x", "Ünal", "  ", "\n\n", "-"]


@given(st.lists(st.sampled_from(WORDS), max_size=30), st.sets(st.sampled_from(WORDS)))
def test_word_spans_marks_exactly_the_words_whose_fold_is_a_term(
    words: list[str], picked: set[str]
) -> None:
    text = " ".join(words)
    terms = {fold_token(w) for w in picked}
    expected = [
        (m.start(), m.end()) for m in WORD_RE.finditer(text) if fold_token(m.group()) in terms
    ]
    assert word_spans(text, terms) == expected


def test_cyrillic_a_is_marked_by_the_latin_term() -> None:
    text = "Russia-Chinа ties"  # the last letter of Chinа is Cyrillic
    assert [text[s:e] for s, e in word_spans(text, {"china"})] == ["Chinа"]
