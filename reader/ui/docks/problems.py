"""Files the import or the index could not read, listed in one panel (never one dialog each)."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QDockWidget, QHeaderView, QTableView, QWidget

from reader.corpus.model import Problem
from reader.ui.models.simple_table import TupleTableModel


class ProblemsDock(QDockWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Problems", parent)
        self.setObjectName("problemsDock")
        self.model = TupleTableModel(("File", "Why it could not be read"), self)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.setColumnWidth(0, 320)
        self.setWidget(self.view)

    def set_problems(self, problems: list[Problem]) -> None:
        self.model.set_rows([(p.path, p.reason) for p in problems])
        self.setWindowTitle(f"Problems ({len(problems)})" if problems else "Problems")
