"""What the compare view calls: next/previous change, row lookup, synchronised scrolling."""

from __future__ import annotations

from reader.diff.compare import diff_texts

A = "Same one.\n\nOld lede here.\n\nKept para.\n\nMoved para goes.\n\nTail kept."
B = "Moved para goes.\n\nSame one.\n\nNew words here.\n\nKept para.\n\nTail kept."


def test_next_and_previous_change_walk_the_changed_rows() -> None:
    d = diff_texts(A, B)
    assert d.change_rows, "there are changes"
    for row in d.change_rows:
        assert d.rows[row].is_change
    assert d.next_change(-1) == d.change_rows[0]
    assert d.previous_change(len(d.rows)) == d.change_rows[-1]
    assert d.next_change(d.change_rows[-1]) is None
    assert d.previous_change(d.change_rows[0]) is None
    walk, row = [], -1
    while (row := d.next_change(row)) is not None:
        walk.append(row)
    assert tuple(walk) == d.change_rows


def test_row_at_and_map_offset() -> None:
    d = diff_texts(A, B)
    for side, text in (("a", A), ("b", B)):
        for offset in range(len(text)):
            row = d.rows[d.row_at(side, offset)]  # type: ignore[arg-type]
            start, end = row.a_span if side == "a" else row.b_span
            assert start <= offset < end
    # An unchanged paragraph maps onto itself on the other side.
    offset = A.index("Kept para.") + 3
    assert B[d.map_offset("a", offset) :].startswith("t para.")
    assert A[d.map_offset("b", B.index("Tail")) :].startswith("Tail")
    # A moved paragraph maps to where it went.
    moved = A.index("Moved para")
    assert B[d.map_offset("a", moved) :].startswith("Moved para")
    assert d.row_at("a", len(A)) == d.row_at("a", len(A) - 1)
