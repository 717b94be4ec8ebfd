"""Properties of the diff on generated article pairs: the chunks tile both bodies."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.diff import worddiff
from reader.diff.chunks import ArticleDiff
from reader.diff.compare import diff_texts

WORDS = [
    "Putin", "China", "Chinа", "said", "the", "troops", "100,000", "Feb.", "3", "“we", "oppose”",
    '"we', 'oppose"', "—", "--", "COVID-19", "covid-19", "its", "it’s", "it's", "Beijing", "a",
]  # fmt: skip
paragraph = st.lists(st.sampled_from(WORDS), min_size=1, max_size=12).map(" ".join)
spaces = st.sampled_from([" ", "  ", "\u00a0"])


@st.composite
def versions(draw: st.DrawFn) -> tuple[str, str]:
    """A body and an edited copy: cuts, additions, moves, merges, splits, word and style edits."""
    base = draw(st.lists(paragraph, min_size=0, max_size=8))
    other = list(base)
    for _ in range(draw(st.integers(0, 5))):
        op = draw(st.sampled_from(["drop", "add", "move", "merge", "split", "word", "space"]))
        if op == "add" or not other:
            other.insert(draw(st.integers(0, len(other))), draw(paragraph))
            continue
        k = draw(st.integers(0, len(other) - 1))
        if op == "drop":
            del other[k]
        elif op == "move":
            other.insert(draw(st.integers(0, len(other) - 1)), other.pop(k))
        elif op == "merge" and k + 1 < len(other):
            other[k : k + 2] = [other[k] + " " + other[k + 1]]
        elif op == "split" and " " in other[k]:
            head, _, tail = other[k].partition(" ")
            other[k : k + 1] = [head, tail]
        elif op == "word":
            words = other[k].split(" ")
            words[draw(st.integers(0, len(words) - 1))] = draw(st.sampled_from(WORDS))
            other[k] = " ".join(words)
        else:
            other[k] = other[k].replace(" ", draw(spaces), 1)
    sep = draw(st.sampled_from(["\n\n", "\n\n\n", "\n \n"]))
    return "\n\n".join(base), sep.join(other)


def check(d: ArticleDiff) -> None:
    """Every character of A and of B in exactly one chunk; equal means identical; rows tile."""
    a, b = d.a_text, d.b_text
    for chunk in d.chunks:
        assert 0 <= chunk.a_start <= chunk.a_end <= len(a)
        assert 0 <= chunk.b_start <= chunk.b_end <= len(b)
        assert chunk.tag in ("equal", "replace", "insert", "delete", "move")
        if chunk.tag == "equal":
            assert a[chunk.a_start : chunk.a_end] == b[chunk.b_start : chunk.b_end]
        assert (chunk.a_start, chunk.a_end, chunk.b_start, chunk.b_end) != (0, 0, 0, 0) or (
            not a and not b
        )
    for side in ("a", "b"):
        pos = 0
        spans = sorted((getattr(c, f"{side}_start"), getattr(c, f"{side}_end")) for c in d.chunks)
        for start, end in spans:
            if start == end:
                continue
            assert start == pos, f"gap or overlap on side {side} at {pos}"
            pos = end
        assert pos == len(a if side == "a" else b)
    # Outside moves, both sides only move forward.
    last_a = last_b = 0
    for chunk in d.chunks:
        if chunk.tag == "move":
            continue
        assert chunk.a_start >= last_a and chunk.b_start >= last_b
        last_a, last_b = chunk.a_end, chunk.b_end
    # Rows: their chunks tile the row's two spans (a move: the paragraph and its new place).
    for row in d.rows:
        if row.kind == "moved":
            continue
        assert row.chunks
        assert row.chunks[0].a_start == row.a_span[0] and row.chunks[-1].a_end == row.a_span[1]
        assert row.chunks[0].b_start == row.b_span[0] and row.chunks[-1].b_end == row.b_span[1]
        for x, y in zip(row.chunks, row.chunks[1:], strict=False):
            assert x.a_end == y.a_start and x.b_end == y.b_start
    moves = {(c.a_start, c.a_end, c.b_start, c.b_end) for c in d.chunks if c.tag == "move"}
    for row in d.rows:
        if row.kind == "moved":
            assert row.partner is not None
            other = d.rows[row.partner]
            assert other.partner == d.rows.index(row) and other.kind == "moved"
            if row.a_paras:  # the move chunk joins this paragraph and where it went
                assert (*row.a_span, *other.b_span) in moves
                assert row.chunks[0].a_start == row.a_span[0]
                assert row.chunks[-1].b_end == other.b_span[1]
    assert len(moves) == sum(1 for r in d.rows if r.kind == "moved") / 2


def apply(d: ArticleDiff) -> str:
    """B rebuilt from A: equal pieces copied from A, the others from the chunk's B side."""
    pieces = sorted(d.chunks, key=lambda c: (c.b_start, c.b_end))
    out = []
    for c in pieces:
        if c.tag == "equal":
            out.append(d.a_text[c.a_start : c.a_end])
        else:
            out.append(d.b_text[c.b_start : c.b_end])
    return "".join(out)


@settings(max_examples=300, deadline=None)
@given(versions(), st.booleans())
def test_chunks_tile_both_bodies_and_apply_to_b(pair: tuple[str, str], normalise: bool) -> None:
    a, b = pair
    d = diff_texts(a, b, normalise=normalise)
    check(d)
    assert apply(d) == b
    assert 0.0 <= d.summary.kept <= 1.0


@settings(max_examples=100, deadline=None)
@given(st.lists(paragraph, max_size=8).map("\n\n".join))
def test_identical_texts_are_all_equal(text: str) -> None:
    d = diff_texts(text, text)
    assert all(c.tag == "equal" for c in d.chunks)
    assert len(d.chunks) == (1 if text else 0)
    assert d.summary.kept == 1.0 and d.summary.words_added == d.summary.words_removed == 0
    assert d.change_rows == ()


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300), st.text(max_size=300))
def test_any_text_pair_tiles(a: str, b: str) -> None:
    d = diff_texts(a, b)
    check(d)
    assert apply(d) == b


@settings(max_examples=150, deadline=None)
@given(versions())
def test_coarse_fallback_still_tiles(pair: tuple[str, str]) -> None:
    """With the token bound forced tiny, long-span handling (patience anchors) stays exact."""
    a, b = pair
    limit = worddiff.MAX_TOKEN_PRODUCT
    worddiff.MAX_TOKEN_PRODUCT = 16
    try:
        d = diff_texts(a, b)
    finally:
        worddiff.MAX_TOKEN_PRODUCT = limit
    check(d)
    assert apply(d) == b


def test_one_long_paragraph_keeps_its_matches() -> None:
    words = [f"w{n % 997}x{n // 997}" for n in range(20_000)]
    a = " ".join(words)
    b = " ".join([*words[:100], "inserted", *words[100:15_000], *words[15_050:]])
    d = diff_texts(a, b)
    assert d.coarse
    check(d)
    assert apply(d) == b
    assert d.summary.words_added == 1 and d.summary.words_removed == 50


def test_reversed_diff_mirrors_the_summary() -> None:
    a = "One two three.\n\nFour five six.\n\nSeven eight."
    b = "One two three.\n\nSeven eight nine ten."
    forward, backward = diff_texts(a, b), diff_texts(b, a)
    assert forward.summary.words_added == backward.summary.words_removed
    assert forward.summary.words_removed == backward.summary.words_added


def test_number_and_date_labels() -> None:
    from reader.diff.labels import has_number_or_date

    assert has_number_or_date("on Friday") and has_number_or_date("today")
    assert has_number_or_date("100,000") and has_number_or_date("in May")
    assert not has_number_or_date("officials may be staying")
    d = diff_texts("Talks on Friday drew 100 people.", "Talks today drew 120 people.")
    assert all("number-changed" in c.labels for c in d.chunks if c.is_change)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Putin  said it.", "Putin said it."),
        ("Putin\u00a0said it.", "Putin said it."),
        ("He said -- no.", "He said — no."),
        ("It's “big”.", 'It’s "big".'),
        ("Russia-Chinа ties.", "Russia-China ties."),
        ("COVID-19 rules.", "covid-19 rules."),
        ("Big news.\n\nMore.", "Big news.\n\n\nMore."),
    ],
)
def test_style_changes_are_labelled_not_hidden(a: str, b: str) -> None:
    d = diff_texts(a, b)
    changed = [c for c in d.chunks if c.tag != "equal"]
    assert changed and all(c.labels == ("style-only",) for c in changed)
    assert d.summary.kept == 1.0 and d.summary.words_added == d.summary.words_removed == 0
    plain = diff_texts(a, b, normalise=False)
    assert not any("style-only" in c.labels for c in plain.chunks)


def test_paragraph_added_at_the_end_is_one_clean_insert() -> None:
    for a, b in (
        ("One.\n\nTwo.", "One.\n\nTwo.\n\nThree."),
        ("One.\n\nTwo.\n\nThree.", "One.\n\nTwo."),
    ):
        d = diff_texts(a, b)
        assert [c.tag for c in d.chunks] in (["equal", "insert"], ["equal", "delete"])
        assert d.chunks[1].labels in (("added",), ("removed", "trimmed"))
