"""Files the import or the index could not read, listed in one panel (never one dialog each),
and below them the files it did not read because no format reads them."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QDockWidget, QHeaderView, QTableView, QWidget

from reader.corpus.model import Problem
from reader.ui.models.simple_table import TupleTableModel


class ProblemsDock(QDockWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Problems", parent)
        self.setObjectName("problemsDock")
        self.model = TupleTableModel(("File", "Why it was not read"), self)
        self._problems: list[Problem] = []
        self._skipped: list[Problem] = []
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.setColumnWidth(0, 320)
        self.setWidget(self.view)

    def set_problems(self, problems: list[Problem]) -> None:
        self._problems = list(problems)
        self._fill()

    def set_skipped(self, skipped: list[Problem]) -> None:
        self._skipped = list(skipped)
        self._fill()

    def _fill(self) -> None:
        rows = [(p.path, p.reason) for p in self._problems]
        rows += [(s.path, f"skipped: {s.reason}") for s in self._skipped]
        self.model.set_rows(rows)
        title = "Problems"
        if self._problems:
            title += f" ({len(self._problems)})"
        if self._skipped:
            title += f", {len(self._skipped)} skipped"
        self.setWindowTitle(title)
