"""Index terms and the spans they mark in the original text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from reader.store.analysis import WORD_RE, fold_token, word_spans
from reader.store.schema import NewsText, analyse, build_schema

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


@given(
    st.text(alphabet="abu.s _-\n9", max_size=40),
    st.sets(st.sampled_from(["a", "ab", "b", "u.s", "u", "s", "a.b", "ba", "9", "a_b", "s.u.s"])),
)
def test_ascii_marking_equals_tokenising_on_any_text(text: str, terms: set[str]) -> None:
    """Words glued by dots, underscores and digits: a term found inside a longer word, or
    where a word does not start, is not marked."""
    expected = [(m.start(), m.end()) for m in WORD_RE.finditer(text) if m.group() in terms]
    assert word_spans(text, terms) == expected


@given(st.lists(st.sampled_from([*WORDS, "Chinа.", "a.m.", "don’t", "x x x"]), max_size=40))
def test_postings_equal_whooshs_positions_format(words: list[str]) -> None:
    """The fast path writes exactly what Whoosh's own analysis of the field would."""
    text = " ".join(words)
    schema = build_schema()
    for field in ("title", "body"):
        expected = tuple(NewsText.index(schema[field], text))
        assert analyse(schema, field, text).postings == expected


@given(
    st.text(alphabet="aBü.Ü _-\nаА9’£", max_size=40),
    st.sets(st.sampled_from(["a", "ab", "b", "ü", "aü", "а", "aа", "b.a", "9", "üb", "ба"])),
)
def test_marking_equals_tokenising_on_mixed_text(text: str, terms: set[str]) -> None:
    """Words mixing ASCII and other letters (Cyrillic а, ü), dots and curly quotes."""
    expected = [
        (m.start(), m.end()) for m in WORD_RE.finditer(text) if fold_token(m.group()) in terms
    ]
    assert word_spans(text, terms) == expected
