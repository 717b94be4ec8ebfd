"""The search bar: query field, date and source filters, inline errors and a history.

It only edits text and says what changed; the window runs the searches. Typing is debounced,
so a query is sent when the typing pauses, not per key.
"""

from __future__ import annotations

from PySide6.QtCore import QRegularExpression, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from reader.ui.search_service import compose_query

DEBOUNCE_MS = 180
ALL_SOURCES = "All sources"
_DATE = QRegularExpression(r"^\d{0,4}(-\d{0,2}(-\d{0,2})?)?$")


class QueryEdit(QLineEdit):
    """The query field: ↓/↑ move through results, Enter opens, Esc clears."""

    step = Signal(int)
    activated = Signal()
    escaped = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Down:
            self.step.emit(1)
        elif key == Qt.Key.Key_Up:
            self.step.emit(-1)
        elif key == Qt.Key.Key_PageDown:
            self.step.emit(10)
        elif key == Qt.Key.Key_PageUp:
            self.step.emit(-10)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.activated.emit()
        elif key == Qt.Key.Key_Escape:
            self.escaped.emit()
        else:
            super().keyPressEvent(event)


class SearchBar(QWidget):
    """Emits `query_changed` (debounced, filters folded in as field queries)."""

    query_changed = Signal(str)
    step = Signal(int)
    activated = Signal()
    escaped = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QueryEdit(self)
        self.edit.setObjectName("searchEdit")
        self.edit.setPlaceholderText(
            'Search  (Ctrl+F)   words, "phrases", OR, NOT, title:, byline:…'
        )
        self.edit.setClearButtonEnabled(True)
        self.history_button = QToolButton(self)
        self.history_button.setText("▾")
        self.history_button.setToolTip("Recent searches (Ctrl+H)")
        self.history_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self._history_menu = QMenu(self)
        self.history_button.setMenu(self._history_menu)
        self.source = QComboBox(self)
        self.source.setObjectName("sourceFilter")
        self.source.addItem(ALL_SOURCES)
        self.source.setMinimumContentsLength(12)
        self.source.setToolTip("Only articles from this source")
        validator = QRegularExpressionValidator(_DATE, self)
        self.date_from = QLineEdit(self)
        self.date_to = QLineEdit(self)
        for edit, text in ((self.date_from, "from"), (self.date_to, "to")):
            edit.setPlaceholderText(f"{text} YYYY-MM-DD")
            edit.setValidator(validator)
            edit.setMaximumWidth(118)
            edit.setClearButtonEnabled(True)
            edit.setToolTip(f"Dates {text} (a year or a month is enough)")
        self.message = QLabel(self)
        self.message.setObjectName("searchMessage")
        self.message.setWordWrap(True)
        self.message.hide()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(2)
        row.addWidget(self.edit, 1)
        row.addWidget(self.history_button)
        filters = QHBoxLayout()
        filters.setContentsMargins(0, 0, 0, 0)
        filters.addWidget(self.source, 1)
        filters.addWidget(self.date_from)
        filters.addWidget(self.date_to)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 4)
        layout.setSpacing(4)
        layout.addLayout(row)
        layout.addLayout(filters)
        layout.addWidget(self.message)
        self._timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._timer.timeout.connect(self._emit_query)
        self._last = ""
        self.edit.textChanged.connect(self._timer.start)
        self.date_from.textChanged.connect(self._timer.start)
        self.date_to.textChanged.connect(self._timer.start)
        self.source.currentIndexChanged.connect(self._timer.start)
        self.edit.step.connect(self.step)
        self.edit.activated.connect(self._on_activated)
        self.edit.escaped.connect(self.escaped)

    # -- the query -------------------------------------------------------------------------
    def query(self) -> str:
        source = self.source.currentText() if self.source.currentIndex() > 0 else ""
        return compose_query(
            self.edit.text(),
            date_from=self.date_from.text(),
            date_to=self.date_to.text(),
            source=source,
        )

    def _emit_query(self) -> None:
        query = self.query()
        if query != self._last:
            self._last = query
            self.query_changed.emit(query)

    def _on_activated(self) -> None:
        self._timer.stop()
        self._emit_query()  # Enter before the pause sends the query at once
        self.activated.emit()

    def set_text(self, text: str) -> None:
        self.edit.setText(text)
        self.edit.setFocus()

    def clear(self) -> None:
        self.edit.clear()
        self.date_from.clear()
        self.date_to.clear()
        self.source.setCurrentIndex(0)
        self._timer.stop()
        self._emit_query()

    def show_error(self, message: str | None) -> None:
        """Say what is wrong with the query under the field (never a dialog)."""
        if message:
            self.message.setText(f"⚠ {message}")
            self.message.setStyleSheet("color: #b3261e;")
            self.message.show()
        else:
            self.message.hide()

    # -- filters and history ---------------------------------------------------------------
    def set_sources(self, sources: list[str]) -> None:
        current = self.source.currentText()
        self.source.blockSignals(True)
        self.source.clear()
        self.source.addItem(ALL_SOURCES)
        self.source.addItems(sources)
        index = self.source.findText(current)
        self.source.setCurrentIndex(max(index, 0))
        self.source.blockSignals(False)

    def set_history(self, queries: list[str]) -> None:
        self._history_menu.clear()
        for query in queries:
            action = self._history_menu.addAction(query)
            action.triggered.connect(lambda _=False, q=query: self.set_text(q))
        self.history_button.setEnabled(bool(queries))

    def show_history(self) -> None:
        if not self._history_menu.isEmpty():
            self._history_menu.popup(self.edit.mapToGlobal(self.edit.rect().bottomLeft()))
