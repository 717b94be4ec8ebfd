"""The compare view: 003 (A) against 002 (B) of the sample corpus, drawn from the core's diff."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from reader.corpus.importer import load_article
from reader.ui.compare.view import CompareView
from tests.ui.conftest import LISTING_TIMEOUT_MS

A_ID = "003_10760c25aed7da9a.txt"
B_ID = "002_ea469877a8e8ba82.txt"


@pytest.fixture
def view(qtbot, corpus: Path) -> CompareView:
    a, b = load_article(corpus, A_ID), load_article(corpus, B_ID)
    widget = CompareView(a, b, ((("PERSON", "Vasily Kashin"),), ()))
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    qtbot.waitExposed(widget)
    widget.realign()
    return widget


def assert_text_starts_at_its_row_top(view: CompareView) -> None:
    """Where the panes really draw each row's first paragraph is where the row tops say."""
    for side, pane in (("a", view.pane_a), ("b", view.pane_b)):
        doc, text = pane.document(), view.diff.a_text if side == "a" else view.diff.b_text
        for i, row in enumerate(view.diff.rows):
            start, end = row.a_span if side == "a" else row.b_span
            if end <= start:
                continue
            start += len(text[start:end]) - len(text[start:end].lstrip("\n"))
            drawn = doc.documentLayout().blockBoundingRect(doc.findBlock(start)).top()
            assert abs(drawn - view.row_tops[side][i]) <= 1, (side, i)
    assert abs(view.doc_height("a") - view.doc_height("b")) <= 1


def test_dropped_paragraphs_are_removed_and_new_ones_added(view: CompareView) -> None:
    a_text, b_text = view.diff.a_text, view.diff.b_text
    for phrase in ("more than 100,000 Russian troops", "military-technical moves"):
        offset = a_text.index(phrase)
        assert view.char_kind("a", offset) == "deleted", phrase
        row = view.diff.rows[view.diff.row_at("a", offset)]
        assert row.kind == "removed"
    offset = b_text.index("Vasily Kashin")
    assert view.char_kind("b", offset) == "inserted"
    assert view.diff.rows[view.diff.row_at("b", offset)].kind == "added"
    last = view.diff.rows[-2]  # an unchanged paragraph near the end
    assert last.kind == "equal" and view.char_kind("a", last.a_span[0]) == "plain"
    assert "words added" in view.summary.text() and "keeps" in view.summary.text()
    assert "Vasily Kashin" in view.entity_label.text()


def test_the_cyrillic_a_is_style_only(view: CompareView) -> None:
    offset = view.diff.a_text.index("\u0430")  # Cyrillic а in 003
    assert view.char_kind("a", offset) == "style"
    row = view.diff.rows[view.diff.row_at("a", offset)]
    assert row.kind == "equal"  # no edit, only style
    view.normalise.setChecked(False)
    assert not view.diff.normalised
    assert view.char_kind("a", offset) == "deleted"


def test_rows_line_up_and_alt_down_scrolls_both_panes(qtbot, view: CompareView) -> None:
    tops_a, tops_b = view.row_tops["a"], view.row_tops["b"]
    assert len(tops_a) == len(view.diff.rows)
    assert all(abs(x - y) <= 2 for x, y in zip(tops_a, tops_b, strict=True))
    assert_text_starts_at_its_row_top(view)
    bar_a, bar_b = view.pane_a.verticalScrollBar(), view.pane_b.verticalScrollBar()
    assert bar_a.value() == 0 and bar_a.maximum() > 0
    removed = next(i for i, r in enumerate(view.diff.rows) if r.kind == "removed")
    view.pane_a.setFocus()
    steps = 0
    while view.current_row < removed:
        before = view.current_row
        qtbot.keyClick(view.pane_a, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
        assert view.current_row == view.diff.next_change(before)
        steps += 1
        assert steps < 30
    assert bar_a.value() > 0
    assert abs(bar_a.value() - bar_b.value()) <= 2
    qtbot.keyClick(view.pane_a, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert view.current_row == view.diff.previous_change(removed)


def test_scrolling_one_pane_scrolls_the_other(view: CompareView) -> None:
    bar_a, bar_b = view.pane_a.verticalScrollBar(), view.pane_b.verticalScrollBar()
    bar_b.setValue(bar_b.maximum() // 2)
    assert abs(bar_a.value() - bar_b.value()) <= 2
    bar_a.setValue(0)
    assert bar_b.value() <= 2


def test_swap_and_export(view: CompareView, tmp_path: Path) -> None:
    view.swap()
    assert view.a.id == B_ID and view.diff.a_text.startswith(view.a.body[:20])
    html = view.export(tmp_path / "c.html").read_text("utf-8")
    md = view.export(tmp_path / "c.md").read_text("utf-8")
    assert "<table>" in html and "Kashin" in html
    assert md.startswith("# Diff of") and "Kashin" in md


def test_the_related_dock_compare_action_opens_the_view(qtbot, window) -> None:
    action = window.actions_by_id["related.compare"]
    window.open_article(A_ID)
    dock = window.related_dock
    qtbot.waitUntil(
        lambda: any(dock.model.row(r)[0] == B_ID for r in range(dock.model.rowCount())),
        timeout=LISTING_TIMEOUT_MS,
    )
    assert not action.isEnabled()
    row = next(r for r in range(dock.model.rowCount()) if dock.model.row(r)[0] == B_ID)
    dock.view.setCurrentIndex(dock.model.index(row, 1))
    assert action.isEnabled()
    action.trigger()
    view = window.compare_view
    assert view is not None and view.isVisible()
    assert (view.a.id, view.b.id) == (A_ID, B_ID)
    view.close()


def test_the_overview_strip_marks_changes_and_a_click_goes_there(qtbot, view: CompareView) -> None:
    strip = view.overview
    marks = strip.marks()
    assert [row for row, _rect in marks] == [
        i for i, row in enumerate(view.diff.rows) if row.is_change
    ]
    assert all(rect.height() >= 2 for _row, rect in marks)
    ys = [rect.top() for _row, rect in marks]
    assert ys == sorted(ys) and ys[-1] > strip.height() / 2  # spread down the strip
    bar_a, bar_b = view.pane_a.verticalScrollBar(), view.pane_b.verticalScrollBar()
    assert bar_a.value() == 0
    row, rect = marks[-1]
    qtbot.mouseClick(strip, Qt.MouseButton.LeftButton, pos=rect.center().toPoint())
    assert bar_a.value() > 0 and abs(bar_a.value() - bar_b.value()) <= 2
    top = view.row_tops["a"][row]
    assert bar_a.value() <= top <= bar_a.value() + bar_a.pageStep() or bar_a.value() == (
        bar_a.maximum()
    )


def test_wrap_off_keeps_each_paragraph_on_one_line_and_rows_aligned(view: CompareView) -> None:
    wrapped = view.doc_height("a")
    view.wrap.setChecked(False)
    assert view.pane_a.lineWrapMode() == view.pane_a.LineWrapMode.NoWrap
    assert view.pane_b.lineWrapMode() == view.pane_b.LineWrapMode.NoWrap
    assert view.doc_height("a") < wrapped
    assert view.pane_a.horizontalScrollBar().maximum() > 0
    tops_a, tops_b = view.row_tops["a"], view.row_tops["b"]
    assert all(abs(x - y) <= 2 for x, y in zip(tops_a, tops_b, strict=True))
    view.pane_a.horizontalScrollBar().setValue(50)
    assert view.pane_b.horizontalScrollBar().value() == 50
    view.wrap.setChecked(True)
    assert abs(view.doc_height("a") - wrapped) <= 2


def _article(folder: Path, name: str, paragraphs: list[str]):  # type: ignore[no-untyped-def]
    (folder / name).write_text("A test story\n\n" + "\n\n".join(paragraphs), "utf-8")
    return load_article(folder, name)


def test_a_moved_paragraph_is_linked_across_the_gutter(qtbot, tmp_path: Path) -> None:
    from reader.ui.compare.gutter import move_links

    paras = [
        f"Paragraph {n} says something of its own about topic {n} with words {n * 7} and more."
        for n in range(1, 9)
    ]
    moved = [paras[0], paras[6], *paras[1:6], paras[7]]
    widget = CompareView(_article(tmp_path, "a.txt", paras), _article(tmp_path, "b.txt", moved))
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    qtbot.waitExposed(widget)
    widget.realign()
    links = move_links(widget.diff.rows)
    assert len(links) == 1
    a_row, b_row = links[0]
    assert widget.diff.rows[a_row].a_paras and widget.diff.rows[b_row].b_paras
    assert widget.char_kind("a", widget.diff.rows[a_row].a_span[0]) == "moved"
    # the band runs from the paragraph's place in A down/up to its place in B
    assert widget.gutter.row_y("a", a_row) != widget.gutter.row_y("b", b_row)
    image = widget.gutter.grab().toImage()
    y = round(widget.gutter.row_y("b", b_row) + 3)
    right = image.pixelColor(image.width() - 3, y)
    assert right.blue() > right.red()  # the move colour reaches B's side


def test_a_heavily_rewritten_long_paragraph_is_marked_on_request(qtbot, tmp_path: Path) -> None:
    from reader.ui.compare.view import WORD_CHANGES_PER_ROW

    words = [f"word{n}" for n in range(1, 1200)]
    edited = [w if n % 2 else w.upper() + "x" for n, w in enumerate(words)]
    a = _article(tmp_path, "long-a.txt", ["Opening line of the story.", " ".join(words)])
    b = _article(tmp_path, "long-b.txt", ["Opening line of the story.", " ".join(edited)])
    widget = CompareView(a, b)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    long_row = widget.diff.row_at("a", widget.diff.a_text.index("word1 "))
    assert sum(c.tag != "equal" for c in widget.diff.rows[long_row].chunks) > WORD_CHANGES_PER_ROW
    assert widget.bounded_rows() == [long_row]
    offset = widget.diff.a_text.index("word1 ")
    assert widget.char_kind("a", offset) == "bounded"
    assert not widget.words_button.isHidden()
    qtbot.mouseClick(widget.words_button, Qt.MouseButton.LeftButton)
    assert widget.char_kind("a", offset) == "deleted"
    assert widget.char_kind("a", widget.diff.a_text.index("word2 ")) == "plain"
    assert widget.words_button.isHidden() and widget.bounded_rows() == []


def test_002_against_004_lines_up_the_merge_the_additions_and_the_trim(qtbot, corpus) -> None:
    a = load_article(corpus, "002_ea469877a8e8ba82.txt")
    b = load_article(corpus, "004_411ed3200d205ea6.txt")
    widget = CompareView(a, b)
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    qtbot.waitExposed(widget)
    widget.realign()
    kinds = [row.kind for row in widget.diff.rows]
    assert "merged" in kinds and kinds.count("added") == 2 and kinds[-1] == "removed"
    assert_text_starts_at_its_row_top(widget)
    tops_a, tops_b = widget.row_tops["a"], widget.row_tops["b"]
    assert all(abs(x - y) <= 1 for x, y in zip(tops_a, tops_b, strict=True))
    assert tops_a == sorted(tops_a)
    bar_b = widget.pane_b.verticalScrollBar()
    widget.pane_a.verticalScrollBar().setValue(widget.pane_a.verticalScrollBar().maximum())
    assert bar_b.maximum() > 0 and bar_b.value() == bar_b.maximum()  # B scrolls past its end
