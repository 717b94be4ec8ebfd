"""An answer to an older search is dropped: the list shows the newest query's results only.

Each query the window sends carries a generation number, and so does its answer (`Matches`).
A worker's timing cannot be ordered from a test, so the late answer here is the real one the
search service gave for the older query, delivered again through the session's own signal at
the moment the test needs: after the newer query was sent, before or after its answer came.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.base.cancel import Cancelled
from reader.services.build import CorpusIndex
from reader.store.search import Searcher
from reader.ui.search_service import Matches, SearchService

ANSWER_MS = 5000
OLDER, NEWER, NEWEST = "Kashin", "Biden", "Moscow"
"""Queries whose answers in the sample corpus are told apart (checked in each test)."""


def core_ids(corpus: Path, query: str) -> list[str]:
    with Searcher(CorpusIndex(corpus)) as searcher:
        return list(searcher.matching_ids(query))


def shown_ids(window) -> list[str]:
    return [window.model.doc_id(r) for r in range(window.model.rowCount())]


def search(qtbot, window, query: str) -> Matches:
    """Type a query, wait for its answer to reach the window, and return that answer."""
    with qtbot.waitSignal(
        window.session.matches_ready,
        timeout=ANSWER_MS,
        check_params_cb=lambda matches: matches.query == query,
    ) as answer:
        window.search_bar.edit.setText(query)
    matches = answer.args[0]
    assert isinstance(matches, Matches)
    qtbot.waitUntil(lambda: shown_ids(window) == list(matches.ids), timeout=ANSWER_MS)
    return matches


def test_an_older_answer_arriving_after_the_newer_one_is_dropped(qtbot, window, corpus) -> None:
    older = search(qtbot, window, OLDER)
    newer = search(qtbot, window, NEWER)
    assert older.generation < newer.generation
    assert list(older.ids) == core_ids(corpus, OLDER)
    assert list(newer.ids) == core_ids(corpus, NEWER)
    assert set(older.ids) != set(newer.ids)  # else this test could not tell them apart
    status = window.status_label.text()
    article = window.reading_pane.article.id
    assert article in newer.ids

    window.session.matches_ready.emit(older)  # the older query's answer, late
    window.session.search_failed.emit(older.generation, "an old query's error")

    assert shown_ids(window) == list(newer.ids)
    assert window.status_label.text() == status
    assert window.reading_pane.article.id == article
    assert not window.search_bar.message.isVisibleTo(window)


def test_an_older_answer_arriving_before_the_newer_one_is_dropped(qtbot, window, corpus) -> None:
    """The older answer lands while the newest query is out: the list keeps what it showed,
    then shows the newest answer."""
    older = search(qtbot, window, OLDER)
    newer = search(qtbot, window, NEWER)
    assert set(older.ids) != set(newer.ids)
    while_waiting: list[list[str]] = []

    def deliver_older(query: str) -> None:
        # Connected after the window's own slot, so this runs once the window has sent the
        # query and before its answer can arrive (the answer needs the event loop).
        if query == NEWEST and not while_waiting:
            window.session.matches_ready.emit(older)
            while_waiting.append(shown_ids(window))

    window.search_bar.query_changed.connect(deliver_older)
    try:
        newest = search(qtbot, window, NEWEST)
    finally:
        window.search_bar.query_changed.disconnect(deliver_older)

    assert while_waiting == [list(newer.ids)]  # not the older query's results
    assert older.generation < newer.generation < newest.generation
    assert list(newest.ids) == core_ids(corpus, NEWEST)
    assert set(newest.ids) != set(older.ids)
    assert shown_ids(window) == list(newest.ids)


def test_a_query_queued_behind_a_newer_one_is_not_run(window, corpus: Path) -> None:
    """The service side of the same rule: an older query still waiting for the search thread
    is skipped (the job reports it cancelled), so its answer never exists."""
    assert window.session.index.is_built()  # the window's first build made the index
    service = SearchService(CorpusIndex(corpus))
    try:
        service.latest_generation = 7
        with pytest.raises(Cancelled):
            service.matches(6, OLDER)
        assert list(service.matches(7, NEWER).ids) == core_ids(corpus, NEWER)
    finally:
        service.close()
