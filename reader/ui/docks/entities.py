"""The entities panel: the corpus's (or the open article's) entities, counts, a filter box.

It draws rows the entity core resolved off the GUI thread: `(name, type, count)`. Activating
a row asks the window to filter the document list by that entity; the context menu asks it to
merge, rename or hide one (the alias table). It changes nothing itself.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QModelIndex, QPoint, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDockWidget,
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from reader.ui.docks.note import dock_note
from reader.ui.models.simple_table import TupleTableModel

EntityRow = tuple[str, str, int]
"""(name, type, count): one entity of the corpus or the article."""


class EntitiesDock(QDockWidget):
    entity_activated = Signal(str, str)  # name, type
    rename_requested = Signal(str, str)  # name, type
    hide_requested = Signal(str, str)
    merge_requested = Signal(str, str, str)  # name, type, into name
    scope_changed = Signal(bool)  # True: only the open article

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Entities", parent)
        self.setObjectName("entitiesDock")
        self.model = TupleTableModel(("Entity", "Type", "Count"), self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(0)
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText("Filter entities")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.article_only = QCheckBox("This article", self)
        self.article_only.setToolTip("Only the entities of the open article")
        self.article_only.toggled.connect(self.scope_changed)
        self.view = QTableView(self)
        self.view.setModel(self.proxy)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setShowGrid(False)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(0, header.ResizeMode.Stretch)
        # Fixed widths: ResizeToContents would measure every row (a long stall at 20k entities).
        for column, width in ((1, 64), (2, 52)):
            header.setSectionResizeMode(column, header.ResizeMode.Interactive)
            self.view.setColumnWidth(column, width)
        self.view.activated.connect(self._on_activated)
        self.view.clicked.connect(self._on_activated)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._on_menu)
        self.note = dock_note("Entities appear when the corpus has been read.", self)
        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        top = QHBoxLayout()
        top.addWidget(self.filter, 1)
        top.addWidget(self.article_only)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.note)
        self.extractor = dock_note("", self, padding="0 4px 4px 4px")
        self.extractor.setObjectName("entitiesExtractor")
        self.extractor.hide()
        layout.addWidget(self.extractor)
        self.setWidget(body)

    def set_extractor(self, description: str) -> None:
        """Say what found the entities: the reader judges them by it (a gazetteer alone finds
        only places and well-known organisations)."""
        self.extractor.setText(f"Found by: {description}")
        self.extractor.setToolTip(
            "Choose the pipeline with CORPUS_READER_NER_PIPELINE; spaCy comes with the "
            "'ner' extra (see the README, Entities)"
        )
        self.extractor.show()

    def set_entities(self, rows: list[EntityRow], note: str = "") -> None:
        self.model.set_rows(rows)
        self.note.setText(note)
        self.note.setVisible(bool(note))

    def _row_at(self, index: QModelIndex) -> EntityRow | None:
        if not index.isValid():
            return None
        name, entity_type, count = self.model.row(self.proxy.mapToSource(index).row())
        return str(name), str(entity_type), int(count)

    def _on_activated(self, index: QModelIndex) -> None:
        row = self._row_at(index)
        if row is not None:
            self.entity_activated.emit(row[0], row[1])

    def _on_menu(self, pos: QPoint) -> None:
        row = self._row_at(self.view.indexAt(pos))
        if row is None:
            return
        name, entity_type, _count = row
        menu = QMenu(self)
        menu.addAction("Show its articles", lambda: self.entity_activated.emit(name, entity_type))
        menu.addAction("Rename…", lambda: self.rename_requested.emit(name, entity_type))
        merge = menu.addMenu("Merge into")
        others = [r for r in self.model.rows() if r[1] == entity_type and r[0] != name][:30]
        for other, _t, _c in others:
            merge.addAction(other, partial(self.merge_requested.emit, name, entity_type, other))
        merge.setEnabled(bool(others))
        menu.addAction("Hide", lambda: self.hide_requested.emit(name, entity_type))
        menu.popup(self.view.viewport().mapToGlobal(pos))
        self._menu = menu
