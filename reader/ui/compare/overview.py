"""The overview strip: the whole comparison in one column, a mark per change, click to go there.

Meld's chunk map: the strip's height stands for the aligned documents' height (after alignment
both panes are equally tall, row for row), each changed row is a mark in its colour, and the
part shown in the panes is a frame. A click or a drag scrolls both panes to that place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget

from reader.ui.compare.gutter import row_colour

if TYPE_CHECKING:
    from reader.ui.compare.view import CompareView

STRIP_WIDTH = 18
MIN_MARK = 2.0


class OverviewStrip(QWidget):
    """A map of the changes down the comparison; clicking scrolls the panes."""

    def __init__(self, view: CompareView) -> None:
        super().__init__(view)
        self.view = view
        self.setObjectName("compareOverview")
        self.setFixedWidth(STRIP_WIDTH)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("Where the changes are: click to go there")
        self._changed: tuple[object, list[int]] | None = None

    def _scale(self) -> float:
        height = self.view.doc_height("a")
        return (self.height() - 2) / height if height > 0 else 0.0

    def marks(self) -> list[tuple[int, QRectF]]:
        """(row, rectangle) of every changed row, in strip coordinates."""
        view = self.view
        if view.diff is None or not view.row_tops:
            return []
        scale, tops, total = self._scale(), view.row_tops["a"], view.doc_height("a")
        if self._changed is None or self._changed[0] is not view.diff:
            changed = [i for i, row in enumerate(view.diff.rows) if row.is_change]
            self._changed = (view.diff, changed)
        out = []
        for i in self._changed[1]:
            end = tops[i + 1] if i + 1 < len(tops) else total
            y = 1 + tops[i] * scale
            out.append((i, QRectF(2, y, self.width() - 4, max((end - tops[i]) * scale, MIN_MARK))))
        return out

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().base())
        for i, rect in self.marks():
            assert self.view.diff is not None
            painter.fillRect(rect, row_colour(self.view.diff.rows[i]).darker(115))
        bar = self.view.pane_a.verticalScrollBar()
        scale = self._scale()
        if scale > 0:
            frame = QRectF(0.5, 1 + bar.value() * scale, self.width() - 1, bar.pageStep() * scale)
            shade = QColor(self.palette().text().color())
            shade.setAlpha(40)
            painter.fillRect(frame, shade)
            painter.setPen(self.palette().mid().color())
            painter.drawRect(frame)
        painter.end()

    def scroll_to(self, y: float) -> None:
        """Centre the panes on the document place the strip's ``y`` stands for."""
        scale = self._scale()
        if scale <= 0:
            return
        bar = self.view.pane_a.verticalScrollBar()
        bar.setValue(round((y - 1) / scale - bar.pageStep() / 2))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.scroll_to(event.position().y())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self.scroll_to(event.position().y())
