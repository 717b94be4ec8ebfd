"""Keyboard search in the window: filter as you type, ↓ + Enter, F3, Esc, inline errors."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from reader.corpus.normalize import fold
from reader.services.build import CorpusIndex
from reader.store.search import Searcher


def core_ids(corpus: Path, query: str) -> list[str]:
    with Searcher(CorpusIndex(corpus)) as searcher:
        return list(searcher.matching_ids(query))


def core_hits(corpus: Path, query: str, doc_id: str) -> tuple[tuple[int, int], ...]:
    with Searcher(CorpusIndex(corpus)) as searcher:
        return searcher.hits_in(query, doc_id)


def shown_ids(window) -> list[str]:
    return [window.model.doc_id(r) for r in range(window.model.rowCount())]


def test_typing_a_query_filters_the_list(qtbot, window, corpus: Path) -> None:
    assert window.model.rowCount() == 5
    expected = core_ids(corpus, "Kashin")
    assert 0 < len(expected) < 5
    qtbot.keyClicks(window.search_bar.edit, "Kashin")
    qtbot.waitUntil(lambda: shown_ids(window) == expected, timeout=5000)
    assert "match" in window.status_label.text()


def test_down_and_enter_open_an_article_with_hits_highlighted(qtbot, window, corpus) -> None:
    expected = core_ids(corpus, "Putin")
    assert len(expected) >= 2
    window.focus_search()
    qtbot.keyClicks(window.search_bar.edit, "Putin")
    qtbot.waitUntil(lambda: shown_ids(window) == expected, timeout=5000)
    qtbot.keyClick(window.search_bar.edit, Qt.Key.Key_Down)
    qtbot.keyClick(window.search_bar.edit, Qt.Key.Key_Return)
    assert window.reading_pane.article.id == expected[1]
    assert window.reading_pane.browser.hasFocus() or not window.isActiveWindow()
    hits = core_hits(corpus, "Putin", expected[1])
    qtbot.waitUntil(lambda: window.reading_pane.hit_count == len(hits), timeout=5000)
    marked = window.reading_pane.highlighted_texts()
    assert len(marked) == len(hits)
    assert {fold(text) for text in marked} == {"putin"}


def test_f3_moves_to_the_next_hit(qtbot, window, corpus) -> None:
    qtbot.keyClicks(window.search_bar.edit, "Putin")
    qtbot.waitUntil(lambda: window.reading_pane.hit_count > 1, timeout=5000)
    pane = window.reading_pane
    assert pane.current_hit == 0
    first = pane.browser.textCursor().position()
    qtbot.keyClick(window, Qt.Key.Key_F3)
    assert pane.current_hit == 1
    assert pane.browser.textCursor().position() > first
    qtbot.keyClick(window, Qt.Key.Key_F3, Qt.KeyboardModifier.ShiftModifier)
    assert pane.current_hit == 0
    assert pane.browser.textCursor().position() == first


def test_escape_clears_the_search_and_returns_to_the_list(qtbot, window) -> None:
    qtbot.keyClicks(window.search_bar.edit, "Kashin")
    qtbot.waitUntil(lambda: window.model.rowCount() < 5, timeout=5000)
    qtbot.keyClick(window.search_bar.edit, Qt.Key.Key_Escape)
    assert window.search_bar.edit.text() == ""
    assert window.model.rowCount() == 5
    assert not window.model.is_filtered


def test_a_bad_query_is_reported_inline(qtbot, window) -> None:
    qtbot.keyClicks(window.search_bar.edit, '"unclosed')
    qtbot.waitUntil(lambda: window.search_bar.message.isVisibleTo(window), timeout=5000)
    assert "quotation mark" in window.search_bar.message.text()
    assert window.model.rowCount() == 5  # the list stays as it was


def test_shortcuts_focus_the_search_bar_from_anywhere(qtbot, window) -> None:
    for key, modifier in (
        (Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier),
        (Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier),
        (Qt.Key.Key_Slash, Qt.KeyboardModifier.NoModifier),
    ):
        window.table.setFocus()
        window.activateWindow()
        qtbot.waitUntil(window.table.hasFocus, timeout=2000)
        qtbot.keyClick(window.table, key, modifier)
        assert window.search_bar.edit.hasFocus(), key
        assert window.search_bar.edit.text() == ""


def test_source_and_date_filters_become_field_queries(qtbot, window, corpus) -> None:
    bar = window.search_bar
    sources = [bar.source.itemText(i) for i in range(1, bar.source.count())]
    assert sources
    bar.source.setCurrentIndex(1)
    bar.date_from.setText("2022-02-03")
    query = bar.query()
    assert f'source:"{sources[0]}"' in query and "date:[2022-02-03 to *]" in query
    expected = core_ids(corpus, query)
    assert 0 < len(expected) < 5
    qtbot.waitUntil(lambda: shown_ids(window) == expected, timeout=5000)


def test_search_history_remembers_queries(qtbot, window) -> None:
    qtbot.keyClicks(window.search_bar.edit, "Kashin")
    qtbot.waitUntil(lambda: window.model.rowCount() < 5, timeout=5000)
    assert window.settings.search_history[0] == "Kashin"
