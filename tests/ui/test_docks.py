"""The docks: entities filter the list, state is remembered, related stories open articles."""

from __future__ import annotations

from pathlib import Path

from reader.index.builder import CorpusIndex
from reader.index.search import Searcher
from reader.ui.main_window import MainWindow
from reader.ui.settings import config_dir


def test_clicking_an_entity_filters_the_list(qtbot, window, corpus: Path) -> None:
    """Rows as the entity core will give them; the click filters by the name."""
    dock = window.entities_dock
    dock.set_entities([("Vladimir Putin", "PER", 3), ("Beijing", "LOC", 2)])
    with Searcher(CorpusIndex(corpus)) as searcher:
        expected = list(searcher.matching_ids('"Vladimir Putin"'))
    assert 0 < len(expected) < 5
    index = dock.proxy.index(0, 0)
    dock.view.clicked.emit(index)
    qtbot.waitUntil(
        lambda: [window.model.doc_id(r) for r in range(window.model.rowCount())] == expected,
        timeout=5000,
    )


def test_related_dock_opens_an_article(qtbot, window) -> None:
    window.related_dock.set_related(
        [("003_10760c25aed7da9a.txt", "Putin heads to China", "AP", "version")]
    )
    window.related_dock.open_requested.emit("003_10760c25aed7da9a.txt")
    assert window.reading_pane.article.id == "003_10760c25aed7da9a.txt"
    assert not window.actions_by_id["related.compare"].isEnabled()


def test_window_state_is_remembered_in_the_config_folder(qtbot, window) -> None:
    sizes = [300, 700]
    window.splitter.setSizes(sizes)
    before = window.splitter.sizes()
    window.close()
    assert (config_dir() / "window.ini").is_file()
    again = MainWindow()
    qtbot.addWidget(again)
    assert again.splitter.sizes()[0] != 0
    assert abs(again.splitter.saveState().size() - 0) > 0
    assert before[0] < before[1]
    again.close()
