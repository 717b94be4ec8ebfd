"""The related-stories panel: versions of the open story and same-event stories.

A frame for the related-stories work (issue 8): rows `(title, source, relation)` and the
Compare action's target; the core that fills it lands separately.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from reader.ui.docks.note import dock_note
from reader.ui.models.simple_table import TupleTableModel

RelatedRow = tuple[str, str, str, str]
"""(doc id, title, source, relation such as "version · 84% kept")."""


class RelatedDock(QDockWidget):
    open_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Related stories", parent)
        self.setObjectName("relatedDock")
        self.model = TupleTableModel(("Id", "Title", "Source", "Relation"), self)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setColumnHidden(0, True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.verticalHeader().hide()
        self.view.setWordWrap(False)
        self.view.setShowGrid(False)
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(1, header.ResizeMode.Interactive)
        self.view.setColumnWidth(1, 120)
        self.view.setColumnHidden(2, True)  # the source is in the title's row of the list
        header.setStretchLastSection(True)
        self.view.activated.connect(self._on_activated)
        self.note = dock_note("Versions of this story and same-event stories appear here.", self)
        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.note)
        self.setWidget(body)

    def set_related(self, rows: list[RelatedRow]) -> None:
        self.model.set_rows(rows)
        self.note.setVisible(not rows)

    def selected_id(self) -> str | None:
        index = self.view.currentIndex()
        return str(self.model.row(index.row())[0]) if index.isValid() else None

    def _on_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_requested.emit(str(self.model.row(index.row())[0]))
