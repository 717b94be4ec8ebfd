"""Every item model of the window passes pytest-qt's model tester, filtered and sorted too."""

from __future__ import annotations

from PySide6.QtCore import Qt

from reader.ui.docks.entities import EntitiesDock
from reader.ui.models.document_table import DATE, SOURCE, TITLE, WORDS, DocumentTableModel
from reader.ui.models.simple_table import TupleTableModel

ROWS = [
    ("b.txt", "Beta story", "Reuters", "2022-02-04", 300),
    ("a.txt", "alpha story", "AP", "2022-02-03", 1200),
    ("c.txt", "", "", "", 0),
]


def test_document_table_model(qtmodeltester) -> None:
    model = DocumentTableModel()
    model.set_rows(ROWS)
    qtmodeltester.check(model)
    model.sort(TITLE)
    assert [model.doc_id(r) for r in range(3)] == ["a.txt", "b.txt", "c.txt"]
    model.sort(WORDS, Qt.SortOrder.DescendingOrder)
    assert [model.doc_id(r) for r in range(3)] == ["a.txt", "b.txt", "c.txt"]
    model.sort(DATE)
    assert [model.doc_id(r) for r in range(3)] == ["c.txt", "a.txt", "b.txt"]
    assert model.data(model.index(1, SOURCE)) == "AP"
    assert model.data(model.index(1, DATE)) == "2022-02-03"
    assert model.data(model.index(1, WORDS)) == "1,200"
    model.sort(SOURCE, Qt.SortOrder.DescendingOrder)
    assert [model.doc_id(r) for r in range(3)] == ["b.txt", "a.txt", "c.txt"]
    qtmodeltester.check(model)
    model.set_filter(["b.txt", "gone.txt", "a.txt"])
    assert [model.doc_id(r) for r in range(model.rowCount())] == ["b.txt", "a.txt"]
    qtmodeltester.check(model)
    model.set_filter(None)
    assert model.rowCount() == 3
    assert model.data(model.index(0, TITLE)) in {"Beta story", "alpha story", "c.txt"}


def test_document_table_keeps_a_filter_across_a_new_listing(qtmodeltester) -> None:
    model = DocumentTableModel()
    model.set_rows(ROWS)
    model.set_filter(["a.txt"])
    model.set_rows([*ROWS, ("d.txt", "Delta", "AP", "2022-01-01", 5)])
    assert model.rowCount() == 1 and model.total == 4
    qtmodeltester.check(model)


def test_tuple_table_model(qtmodeltester) -> None:
    model = TupleTableModel(("File", "Reason"))
    model.set_rows([("x.bin", "binary file"), ("y.txt", "empty")])
    qtmodeltester.check(model)


def test_entities_dock_models(qtbot, qtmodeltester) -> None:
    dock = EntitiesDock()
    qtbot.addWidget(dock)
    dock.set_entities([("Vladimir Putin", "PER", 5), ("Beijing", "LOC", 3)])
    qtmodeltester.check(dock.model)
    dock.filter.setText("put")
    qtmodeltester.check(dock.proxy)
    assert dock.proxy.rowCount() == 1


def test_painting_the_list_keeps_none_alive(qtbot, qapp) -> None:
    """PySide6 6.12.0 lost a reference to None per `data()` that returned None: on Python 3.11
    the process crashed after enough scrolling. Guards the version pin in pyproject.toml."""
    import gc
    import sys

    from PySide6.QtWidgets import QTableView

    model = DocumentTableModel()
    model.set_rows([(f"d{i}.txt", f"Title {i}", "AP", "2022-02-03", i) for i in range(2000)])
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(700, 500)
    view.show()
    qapp.processEvents()
    gc.collect()
    gc.disable()  # only the painting may change None's count, not objects freed meanwhile
    try:
        before = sys.getrefcount(None)
        for page in range(60):
            view.verticalScrollBar().setValue(page * 25)
            view.viewport().repaint()
        after = sys.getrefcount(None)
    finally:
        gc.enable()
    assert after - before > -10


def test_related_dock_model(qtbot, qtmodeltester) -> None:
    from reader.ui.docks.related import RelatedDock

    dock = RelatedDock()
    qtbot.addWidget(dock)
    dock.set_related(
        [
            ("002.txt", "Putin in China for show of support", "AP", "version · 59% kept"),
            ("000.txt", "On the eve of his meeting with Xi", "", "same event · names 75% alike"),
        ]
    )
    qtmodeltester.check(dock.model)
    assert dock.model.rowCount() == 2 and dock.note.isHidden()
    dock.set_related([])
    qtmodeltester.check(dock.model)
    assert dock.model.rowCount() == 0
