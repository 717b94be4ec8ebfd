"""The entities panel: the corpus's (or the open article's) entities, counts, a filter box.

It draws rows a provider computes off the GUI thread: `(name, type, count)`. Activating a row
asks the window to filter the document list by that entity.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from reader.ui.models.simple_table import TupleTableModel

EntityRow = tuple[str, str, int]
"""(name, type, count): one entity of the corpus or the article."""


class EntitiesDock(QDockWidget):
    entity_activated = Signal(str, str)  # name, type

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Entities", parent)
        self.setObjectName("entitiesDock")
        self.model = TupleTableModel(("Entity", "Type", "Articles"), self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(0)
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText("Filter entities")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.view = QTableView(self)
        self.view.setModel(self.proxy)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setStretchLastSection(False)
        self.view.horizontalHeader().setSectionResizeMode(
            0, self.view.horizontalHeader().ResizeMode.Stretch
        )
        self.view.activated.connect(self._on_activated)
        self.view.clicked.connect(self._on_activated)
        self.note = QLabel("Entity extraction has not run on this corpus yet.", self)
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: palette(placeholder-text); padding: 4px;")
        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.filter)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.note)
        self.setWidget(body)

    def set_entities(self, rows: list[EntityRow], note: str = "") -> None:
        self.model.set_rows(rows)
        self.note.setText(note)
        self.note.setVisible(bool(note) or not rows)

    def _on_activated(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        name, entity_type, _count = self.model.row(self.proxy.mapToSource(index).row())
        self.entity_activated.emit(name, entity_type)
