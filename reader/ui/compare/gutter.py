"""The strip between the compare view's panes: what changed on each row, and where moves went.

Each changed row's labels are written level with the row; a moved paragraph is drawn as a
curve from where it stood in A (left edge) to where it stands in B (right edge), as Meld links
its chunks across panes. The gutter only reads the view's row positions and scroll values.
"""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

from reader.diff.chunks import LABEL_TEXT, AlignedRow
from reader.ui.compare.colours import DELETED, INSERTED, MOVED, STYLE

if TYPE_CHECKING:
    from reader.ui.compare.view import CompareView, Side

GUTTER_WIDTH = 150
_OWN_KINDS = ("added", "removed", "moved", "merged", "split")


def row_labels(row: AlignedRow) -> list[str]:
    """The words shown beside a changed row: its kind, then its labels (no repeats)."""
    words: list[str] = []
    if row.kind in _OWN_KINDS:
        words.append(LABEL_TEXT[row.kind])
    elif row.kind == "edited":
        words.append("edited")
    words += [LABEL_TEXT[x] for x in row.labels if x not in _OWN_KINDS]
    return list(dict.fromkeys(words))


def row_colour(row: AlignedRow) -> QColor:
    return {"removed": DELETED, "added": INSERTED, "moved": MOVED}.get(row.kind, STYLE)


def move_links(rows: tuple[AlignedRow, ...]) -> list[tuple[int, int]]:
    """(row showing the paragraph in A, row showing it in B) for every moved paragraph."""
    links = []
    for i, row in enumerate(rows):
        if row.kind == "moved" and row.partner is not None and row.a_paras and not row.b_paras:
            links.append((i, row.partner))
    return links


class ChangeGutter(QWidget):
    """Labels of changed rows and links between moved paragraphs; a click picks a row."""

    clicked = Signal(int)

    def __init__(self, view: CompareView) -> None:
        super().__init__(view)
        self.view = view
        self.setFixedWidth(GUTTER_WIDTH)
        self.setObjectName("compareGutter")

    def _offset(self) -> float:
        """Gutter y of the panes' document y 0 minus their scroll (they share one top)."""
        viewport = self.view.pane_a.viewport()
        return float(viewport.mapTo(self.view, QPoint()).y() - self.mapTo(self.view, QPoint()).y())

    def row_y(self, side: Side, row: int) -> float:
        """The gutter y of a row's top on one side, at the current scroll."""
        view = self.view
        pane = view.pane_a if side == "a" else view.pane_b
        return view.row_tops[side][row] - pane.verticalScrollBar().value() + self._offset()

    def _row_height(self, side: Side, row: int) -> float:
        tops = self.view.row_tops[side]
        end = tops[row + 1] if row + 1 < len(tops) else self.view.doc_height(side)
        return end - tops[row]

    def paintEvent(self, _event: QPaintEvent) -> None:
        view = self.view
        if view.diff is None or not view.row_tops:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._paint_links(painter)
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF() * 0.85, 6.0))
        bounded = set(view.bounded_rows())
        rows, tops = view.diff.rows, view.row_tops["a"]
        scroll = view.pane_a.verticalScrollBar().value() - self._offset()
        first = max(bisect.bisect_right(tops, scroll) - 1, 0)
        last = bisect.bisect_right(tops, scroll + self.height())
        for i in range(first, min(last + 1, len(rows))):  # the rows in sight
            row = rows[i]
            words = row_labels(row) if row.is_change else []
            if not words:
                continue
            if i in bounded:
                words.append("word changes not marked")
            y, height = self.row_y("a", i), self._row_height("a", i)
            if y + height < 0 or y > self.height():
                continue
            rect = QRectF(2, y + 2, self.width() - 4, max(height - 4, 14))
            painter.fillRect(QRectF(2, y + 2, 4, rect.height()), row_colour(row).darker(130))
            painter.setPen(self.palette().text().color())
            bold = i == view.current_row
            font.setWeight(QFont.Weight.Bold if bold else QFont.Weight.Normal)
            painter.setFont(font)
            painter.drawText(rect.adjusted(8, 0, 0, 0), Qt.TextFlag.TextWordWrap, "\n".join(words))
        painter.end()

    def _paint_links(self, painter: QPainter) -> None:
        """A band from each moved paragraph's place in A to its place in B."""
        assert self.view.diff is not None
        fill = QColor(MOVED)
        fill.setAlpha(150)
        pen = QPen(MOVED.darker(150), 1.2)
        w = float(self.width())
        for a_row, b_row in move_links(self.view.diff.rows):
            a_top, b_top = self.row_y("a", a_row), self.row_y("b", b_row)
            a_bottom = a_top + self._row_height("a", a_row)
            b_bottom = b_top + self._row_height("b", b_row)
            if max(a_bottom, b_bottom) < 0 or min(a_top, b_top) > self.height():
                continue
            path = QPainterPath(QPointF(0, a_top))
            path.cubicTo(QPointF(w / 2, a_top), QPointF(w / 2, b_top), QPointF(w, b_top))
            path.lineTo(QPointF(w, b_bottom))
            path.cubicTo(QPointF(w / 2, b_bottom), QPointF(w / 2, a_bottom), QPointF(0, a_bottom))
            path.closeSubpath()
            painter.fillPath(path, fill)
            painter.setPen(pen)
            painter.drawPath(path)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        view = self.view
        if view.diff is None or not view.row_tops:
            return
        y = event.position().y() - self._offset() + view.pane_a.verticalScrollBar().value()
        row = max(bisect.bisect_right(view.row_tops["a"], y) - 1, 0)
        self.clicked.emit(row)
