"""The docks: entities list, colour and filter; related stories open articles; state is kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.services.build import CorpusIndex
from reader.services.lookup import corpus_entities, entity_query, find_entity
from reader.store.search import Searcher
from reader.ui.main_window import MainWindow
from reader.ui.settings import config_dir, window_state
from tests.ui.conftest import LISTING_TIMEOUT_MS


def shown_ids(window) -> list[str]:
    return [window.model.doc_id(r) for r in range(window.model.rowCount())]


@pytest.fixture
def with_entities(qtbot, window):
    """The window once entity extraction (gazetteer, or spaCy when installed) has run."""
    if window._resolution is None:
        with qtbot.waitSignal(window.entities_shown, timeout=LISTING_TIMEOUT_MS):
            pass
    return window


def click_entity(qtbot, window, name: str) -> None:
    dock = window.entities_dock
    dock.filter.setText(name)
    rows = [dock.proxy.index(r, 0) for r in range(dock.proxy.rowCount())]
    match = next(i for i in rows if i.data() == name)
    dock.view.clicked.emit(match)


def test_the_dock_lists_the_corpus_entities_and_filters_the_list(
    qtbot, with_entities, corpus: Path
) -> None:
    window = with_entities
    names = {
        window.entities_dock.model.row(r)[0] for r in range(window.entities_dock.model.rowCount())
    }
    assert {"Moscow", "Beijing"} <= names
    (moscow,) = [e for e in corpus_entities(CorpusIndex(corpus)) if e.name == "Moscow"]
    with Searcher(CorpusIndex(corpus)) as searcher:
        expected = list(searcher.matching_ids(entity_query(moscow)))
    assert 0 < len(expected) < 5
    click_entity(qtbot, window, "Moscow")
    qtbot.waitUntil(lambda: shown_ids(window) == expected, timeout=5000)
    assert window.search_bar.edit.text() == 'place:"Moscow"'


def test_the_dock_filters_by_vladimir_putin(qtbot, with_entities, corpus: Path) -> None:
    found = find_entity(CorpusIndex(corpus), "Vladimir Putin")
    if not found:
        pytest.skip("the installed extractor finds no people (spaCy pipeline not installed)")
    with Searcher(CorpusIndex(corpus)) as searcher:
        expected = list(searcher.matching_ids(entity_query(found[0])))
    click_entity(qtbot, with_entities, found[0].name)
    qtbot.waitUntil(lambda: shown_ids(with_entities) == expected, timeout=5000)


def test_entities_are_coloured_in_the_open_article(qtbot, with_entities) -> None:
    window = with_entities
    window.open_article("002_ea469877a8e8ba82.txt")
    spans = window._resolution.doc_spans["002_ea469877a8e8ba82.txt"]
    names = [s for s in spans if s.type in ("PERSON", "ORG", "PLACE")]
    assert names
    pane = window.reading_pane
    assert len(pane.browser.extraSelections()) == len(names)
    assert pane._legend.isVisibleTo(window)
    window.entities_dock.article_only.setChecked(True)
    assert window.entities_dock.model.rowCount() == len({(s.name, s.type) for s in spans})


def test_hiding_an_entity_takes_it_off_the_list(qtbot, with_entities) -> None:
    window = with_entities
    with qtbot.waitSignal(window.entities_shown, timeout=LISTING_TIMEOUT_MS):
        window._on_hide_entity("Moscow", "PLACE")
    names = {
        window.entities_dock.model.row(r)[0] for r in range(window.entities_dock.model.rowCount())
    }
    assert "Moscow" not in names and "Beijing" in names


def test_related_dock_opens_an_article(qtbot, window) -> None:
    window.related_dock.set_related(
        [("003_10760c25aed7da9a.txt", "Putin heads to China", "AP", "version")]
    )
    window.related_dock.open_requested.emit("003_10760c25aed7da9a.txt")
    assert window.reading_pane.article.id == "003_10760c25aed7da9a.txt"
    assert not window.actions_by_id["related.compare"].isEnabled()


def test_splitter_state_is_remembered_in_the_config_folder(qtbot, window) -> None:
    window.splitter.setSizes([300, 800])
    saved = window.splitter.saveState()
    window.close()
    assert (config_dir() / "window.ini").is_file()
    again = MainWindow()  # restores before it is shown (and resized by the platform)
    qtbot.addWidget(again)
    assert again.splitter.saveState() == saved
    assert window_state().value("splitter") == saved


def test_versions_and_related_stories_fill_in(qtbot, window) -> None:
    """The seeds: 003 is the base text, 002 and 004 its versions (the related core's clusters)."""
    if window.model._versions == {}:
        with qtbot.waitSignal(window.clusters_shown, timeout=LISTING_TIMEOUT_MS):
            pass
    from reader.ui.models.document_table import VERSIONS

    counts = {
        window.model.doc_id(r): window.model.data(window.model.index(r, VERSIONS))
        for r in range(window.model.rowCount())
    }
    assert counts["003_10760c25aed7da9a.txt"] == "3"
    assert counts["002_ea469877a8e8ba82.txt"] == "3"
    window.open_article("003_10760c25aed7da9a.txt")
    dock = window.related_dock
    qtbot.waitUntil(lambda: dock.model.rowCount() >= 2, timeout=10_000)
    related = {dock.model.row(r)[0]: dock.model.row(r)[3] for r in range(dock.model.rowCount())}
    assert related["002_ea469877a8e8ba82.txt"].startswith("version")
    assert related["004_411ed3200d205ea6.txt"].startswith("version")


def test_the_entities_panel_says_what_found_the_entities(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    from reader.entities.pipelines import choose

    label = window.entities_dock.extractor
    qtbot.waitUntil(lambda: not label.isHidden(), timeout=LISTING_TIMEOUT_MS)
    assert label.text() == f"Found by: {choose().description}"
    assert "gazetteer" in label.text()
