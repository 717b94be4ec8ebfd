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
