"""A small read-only table over a list of tuples: problems, entities, related stories."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, Qt

from reader.ui.models.read_only_table import AnyIndex, ReadOnlyTableModel


class TupleTableModel(ReadOnlyTableModel):
    """Rows are tuples of shown values; `headers` names the columns."""

    def __init__(self, headers: Sequence[str], parent: Any = None) -> None:
        super().__init__(headers, parent)
        self._rows: list[tuple[Any, ...]] = []

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        value = self._rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{value:,}" if isinstance(value, int) else str(value)
        if role == Qt.ItemDataRole.ToolTipRole:
            return str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and isinstance(value, int):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def set_rows(self, rows: Sequence[tuple[Any, ...]]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row(self, row: int) -> tuple[Any, ...]:
        return self._rows[row]

    def rows(self) -> tuple[tuple[Any, ...], ...]:
        """Every row, in model order: a copy, so a caller cannot change the model under Qt."""
        return tuple(self._rows)
