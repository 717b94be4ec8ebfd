"""The document list: a lazy table over compact row tuples, fast at 100k+ rows.

Rows are kept once as tuples `(id, title, source, date, words, format)`; what is shown is an
order (a list of row numbers) over them: all rows sorted, or the search's matches in rank
order. Sorting sorts that order in Python on precomputed keys; `data()` does one list lookup
per cell.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, Qt

from reader.ui.models.read_only_table import AnyIndex, ReadOnlyTableModel

Row = tuple[str, str, str, str, int, str]
"""(id, title, source, date, words, format), as `DocumentStore.listing()` gives them (a row
without its format, as older callers make them, is shown with none)."""

COLUMNS = ("Title", "Source", "Date", "Words", "Versions", "Format")
TITLE, SOURCE, DATE, WORDS, VERSIONS, FORMAT = range(6)
ID_ROLE = Qt.ItemDataRole.UserRole + 1

FORMAT_NAMES = {
    "text": "Text",
    "markdown": "Markdown",
    "html": "HTML",
    "json": "JSON",
    "jsonl": "JSONL",
    "csv": "CSV",
    "tsv": "TSV",
    "xlsx": "XLSX",
    "warc": "Web capture",
    "feed": "Feed",
    "rss": "Feed",
    "atom": "Feed",
    "pdf": "PDF",
    "docx": "DOCX",
    "odt": "ODT",
    "rtf": "RTF",
    "eml": "E-mail",
    "mbox": "E-mail",
}
"""An article's `format` (`reader.corpus.registry`) as the list and the reading pane name it."""


def format_name(fmt: str | None) -> str:
    """The short name of a format ("PDF", "Web capture", "E-mail"); an unknown one in capitals."""
    if not fmt:
        return ""
    return FORMAT_NAMES.get(fmt, fmt.upper())


def _row_format(row: tuple[Any, ...]) -> str:
    return format_name(row[5]) if len(row) > 5 else ""


class DocumentTableModel(ReadOnlyTableModel):
    """Articles of the open corpus, or the ones a search matched."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(COLUMNS, parent)
        self._rows: list[Row] = []
        self._row_of: dict[str, int] = {}
        self._order: list[int] = []
        self._filter: list[int] | None = None  # rank order of matches, or None for all
        self._filter_ids: list[str] = []
        self._versions: dict[str, int] = {}
        self._sort: tuple[int, Qt.SortOrder] | None = None

    # -- Qt model interface ----------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._order)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[self._order[index.row()]]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == WORDS:
                return f"{row[4]:,}"
            if col == VERSIONS:
                count = self._versions.get(row[0])
                return str(count) if count else ""
            if col == TITLE:
                return row[1] or row[0]
            if col == FORMAT:
                return _row_format(row)
            return row[col + 1]  # source and date follow the id in a row
        if role == ID_ROLE:
            return row[0]
        if role == Qt.ItemDataRole.ToolTipRole and col == TITLE:
            return row[0]
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (WORDS, VERSIONS):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        old_rows = [self._order[i.row()] for i in persistent]
        self._sort = (column, order)
        self._apply_sort()
        where = {r: i for i, r in enumerate(self._order)}
        self.changePersistentIndexList(
            persistent,
            [self.index(where[r], i.column()) for r, i in zip(old_rows, persistent, strict=True)],
        )
        self.layoutChanged.emit()

    # -- our interface ---------------------------------------------------------------------
    def set_rows(self, rows: Iterable[Row]) -> None:
        """Replace every row (a fresh listing from the store); keeps a filter's matches."""
        self.beginResetModel()
        self._rows = list(rows)
        self._row_of = {row[0]: i for i, row in enumerate(self._rows)}
        if self._filter is not None:
            self._filter = [self._row_of[i] for i in self._filter_ids if i in self._row_of]
        self._rebuild_order()
        self.endResetModel()

    def set_filter(self, doc_ids: Sequence[str] | None) -> None:
        """Show only these articles, in this (rank) order; None shows them all again."""
        self.beginResetModel()
        self._filter_ids = list(doc_ids) if doc_ids is not None else []
        self._filter = (
            None if doc_ids is None else [self._row_of[i] for i in doc_ids if i in self._row_of]
        )
        if doc_ids is not None:
            self._sort = None  # matches come best first until the user sorts them
        self._rebuild_order()
        self.endResetModel()

    def set_versions(self, counts: dict[str, int]) -> None:
        """Versions per article id, from related stories (empty until that core lands)."""
        self._versions = dict(counts)
        if self._order:
            self.dataChanged.emit(
                self.index(0, VERSIONS), self.index(len(self._order) - 1, VERSIONS)
            )

    @property
    def is_filtered(self) -> bool:
        return self._filter is not None

    @property
    def total(self) -> int:
        return len(self._rows)

    def doc_id(self, row: int) -> str:
        return self._rows[self._order[row]][0]

    def row_of(self, doc_id: str) -> int | None:
        """The visible row showing `doc_id`, or None when it is filtered out."""
        index = self._row_of.get(doc_id)
        if index is None:
            return None
        try:
            return self._order.index(index)
        except ValueError:
            return None

    def row_for(self, doc_id: str) -> Row | None:
        """The listing row of an article, shown or filtered out."""
        index = self._row_of.get(doc_id)
        return None if index is None else self._rows[index]

    def sources(self) -> list[str]:
        return sorted({row[2] for row in self._rows if row[2]}, key=str.casefold)

    def formats(self) -> set[str]:
        """The Format column's names among all rows ("PDF", "E-mail"…)."""
        kinds = {row[5:6] for row in self._rows}  # (format,), or () for a row without one
        return {format_name(kind[0]) if kind else "" for kind in kinds}

    # -- internals -------------------------------------------------------------------------
    def _rebuild_order(self) -> None:
        self._order = list(range(len(self._rows))) if self._filter is None else list(self._filter)
        self._apply_sort()

    def _apply_sort(self) -> None:
        if self._sort is None:
            return
        column, order = self._sort
        rows = self._rows
        if column == WORDS:
            keys: list[Any] = [row[4] for row in rows]
        elif column == VERSIONS:
            keys = [self._versions.get(row[0], 0) for row in rows]
        elif column == TITLE:
            keys = [(row[1] or row[0]).casefold() for row in rows]
        elif column == FORMAT:
            keys = [_row_format(row).casefold() for row in rows]
        else:
            keys = [str(row[column + 1]).casefold() for row in rows]
        self._order.sort(key=keys.__getitem__, reverse=order == Qt.SortOrder.DescendingOrder)
