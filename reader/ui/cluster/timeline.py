"""The story timeline: a small plot of when each outlet ran the story, and a list beside it.

It draws :class:`reader.related.timeline.Timeline` and computes nothing itself. Time runs left
to right; each dated story is a marker (the likely original a diamond, other versions a filled
dot, same-event stories a ring) labelled with its outlet, stacked in lanes when labels would
collide. Undated stories are named under the axis. A click on a marker, or Enter in the list,
opens that story.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPolygonF,
)
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reader.related.timeline import Timeline, TimelineEntry

MARGIN = 24
LANE_HEIGHT = 22
MARKER = 6.0
ROLE_COLOUR = {"original": QColor("#b03a2e"), "version": QColor("#2e6db0"), "event": QColor("#555")}
ROLE_TEXT = {"original": "likely original", "version": "version", "event": "same event"}
_STEPS = (
    dt.timedelta(hours=1),
    dt.timedelta(hours=3),
    dt.timedelta(hours=6),
    dt.timedelta(hours=12),
    dt.timedelta(days=1),
    dt.timedelta(days=2),
    dt.timedelta(days=7),
    dt.timedelta(days=30),
    dt.timedelta(days=365),
)


def when_text(entry: TimelineEntry) -> str:
    if entry.when is None:
        return "undated"
    if entry.has_time:
        return entry.when.strftime("%d %b %Y %H:%M")
    return entry.when.strftime("%d %b %Y")


def label_of(entry: TimelineEntry) -> str:
    return entry.source or entry.title


def span_of(entry: TimelineEntry) -> tuple[dt.datetime, dt.datetime]:
    """The time an entry stands for: an instant, or its whole day when only the day is known."""
    assert entry.when is not None
    if entry.has_time:
        return entry.when, entry.when
    return entry.when, entry.when + dt.timedelta(days=1)


def marker_time(entry: TimelineEntry) -> dt.datetime:
    """Where the marker goes: the time, or the middle of the day (the day is drawn as a band)."""
    start, end = span_of(entry)
    return start + (end - start) / 2


def _short(text: str, limit: int = 48) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class TimelinePlot(QWidget):
    """When each story ran, on one axis; markers are clickable."""

    entry_activated = Signal(str)

    def __init__(self, timeline: Timeline, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("storyTimeline")
        self.timeline = timeline
        self.setMouseTracking(True)
        self.setMinimumHeight(self.sizeHint().height())
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        lanes = max(self._lanes().values(), default=0) + 1
        undated = 1 if any(e.when is None for e in self.timeline.entries) else 0
        return QSize(600, MARGIN + lanes * LANE_HEIGHT + 24 + undated * 18)

    # -- geometry --------------------------------------------------------------------------
    def _range(self) -> tuple[dt.datetime, dt.datetime] | None:
        spans = [span_of(e) for e in self.timeline.dated]
        if not spans:
            return None
        first, last = min(s for s, _ in spans), max(e for _, e in spans)
        pad = max((last - first) * 0.05, dt.timedelta(hours=3))
        return first - pad, last + pad

    def x_of(self, when: dt.datetime) -> float:
        bounds = self._range()
        assert bounds is not None
        start, end = bounds
        share = (when - start) / (end - start)
        return MARGIN + share * (self.width() - 2 * MARGIN)

    def _axis_y(self) -> float:
        lanes = max(self._lanes().values(), default=0) + 1
        return MARGIN + lanes * LANE_HEIGHT

    def _lanes(self) -> dict[str, int]:
        """A lane per dated entry, lowest first, so no two labels overlap."""
        return {doc_id: lane for doc_id, (lane, _left) in self._placements().items()}

    def _placements(self) -> dict[str, tuple[int, bool]]:
        """(lane, label on the left) per dated entry: a label goes left of its marker when it
        would run off the right edge; lanes are filled lowest first without overlaps."""
        if self._range() is None:
            return {}
        metrics = QFontMetricsF(self.font())
        taken: list[list[tuple[float, float]]] = []
        out: dict[str, tuple[int, bool]] = {}
        for entry in self.timeline.dated:
            x = self.x_of(marker_time(entry))
            width = metrics.horizontalAdvance(label_of(entry)) + 4
            left = x + MARKER + width > self.width() - 2
            span = (x - MARKER - width, x + MARKER) if left else (x - MARKER, x + MARKER + width)
            lane = next(
                (i for i, spans in enumerate(taken)
                 if all(span[1] + 4 < a or span[0] > b + 4 for a, b in spans)),
                len(taken),
            )  # fmt: skip
            if lane == len(taken):
                taken.append([])
            taken[lane].append(span)
            out[entry.doc_id] = (lane, left)
        return out

    def marker_rects(self) -> dict[str, QRectF]:
        """Where each dated story's marker is drawn (what a click hits)."""
        lanes = self._lanes()
        axis = self._axis_y()
        out = {}
        for entry in self.timeline.dated:
            x, y = self.x_of(marker_time(entry)), axis - (lanes[entry.doc_id] + 1) * LANE_HEIGHT + 8
            out[entry.doc_id] = QRectF(x - MARKER, y - MARKER, 2 * MARKER, 2 * MARKER)
        return out

    def _ticks(self) -> list[dt.datetime]:
        bounds = self._range()
        if bounds is None:
            return []
        start, end = bounds
        usable = max(self.width() - 2 * MARGIN, 1)
        step = next((s for s in _STEPS if (end - start) / s * 90 <= usable), _STEPS[-1])
        if step >= dt.timedelta(days=1):
            tick = dt.datetime.combine(start.date(), dt.time()) + dt.timedelta(days=1)
        else:
            tick = start.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)
            while tick.hour % (step.seconds // 3600):
                tick += dt.timedelta(hours=1)
        ticks: list[dt.datetime] = []
        while tick < end and len(ticks) < 200:
            ticks.append(tick)
            tick += step
        return ticks

    # -- painting ----------------------------------------------------------------------------
    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text_colour = self.palette().text().color()
        if self._range() is None:
            painter.setPen(text_colour)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self._undated_text())
            painter.end()
            return
        axis = self._axis_y()
        faint = QColor(text_colour)
        faint.setAlpha(150)
        painter.setPen(faint)
        painter.drawLine(QPointF(MARGIN, axis), QPointF(self.width() - MARGIN, axis))
        for entry in self.timeline.dated:  # a day-only story: a band over its day
            if not entry.has_time:
                start, end = span_of(entry)
                band = QColor(ROLE_COLOUR[entry.role])
                band.setAlpha(60)
                x0, x1 = self.x_of(start), self.x_of(end)
                painter.fillRect(QRectF(x0, axis - 3, x1 - x0, 6), band)
        small = QFont(self.font())
        small.setPointSizeF(max(small.pointSizeF() * 0.85, 6.0))
        painter.setFont(small)
        painter.setPen(faint)
        for tick in self._ticks():
            x = self.x_of(tick)
            painter.drawLine(QPointF(x, axis), QPointF(x, axis + 4))
            fmt = "%d %b" if tick.hour == 0 else "%H:%M"
            painter.drawText(QRectF(x - 40, axis + 5, 80, 16), Qt.AlignmentFlag.AlignHCenter,
                             tick.strftime(fmt))  # fmt: skip
        painter.setFont(self.font())
        rects = self.marker_rects()
        placements = self._placements()
        for entry in self.timeline.dated:
            rect = rects[entry.doc_id]
            colour = ROLE_COLOUR[entry.role]
            painter.setPen(QColor(colour).lighter(150))
            painter.drawLine(QPointF(rect.center().x(), rect.bottom()),
                             QPointF(rect.center().x(), axis))  # fmt: skip
            painter.setPen(colour)
            painter.setBrush(colour if entry.role != "event" else Qt.BrushStyle.NoBrush)
            if entry.role == "original":
                c = rect.center()
                painter.drawPolygon(QPolygonF([
                    QPointF(c.x(), rect.top() - 1), QPointF(rect.right() + 1, c.y()),
                    QPointF(c.x(), rect.bottom() + 1), QPointF(rect.left() - 1, c.y()),
                ]))  # fmt: skip
            else:
                painter.drawEllipse(rect)
            painter.setPen(text_colour)
            label = label_of(entry)
            if placements[entry.doc_id][1]:
                x = rect.left() - 4 - QFontMetricsF(self.font()).horizontalAdvance(label)
            else:
                x = rect.right() + 4
            painter.drawText(QPointF(x, rect.bottom() - 1), label)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        undated = self._undated_text()
        if undated:
            painter.setFont(small)
            painter.setPen(text_colour)
            width = self.width() - 2 * MARGIN
            undated = QFontMetricsF(small).elidedText(undated, Qt.TextElideMode.ElideRight, width)
            painter.drawText(QRectF(MARGIN, axis + 22, width, 18), Qt.AlignmentFlag.AlignLeft,
                             undated)  # fmt: skip
        painter.end()

    def _undated_text(self) -> str:
        undated = [_short(label_of(e)) for e in self.timeline.entries if e.when is None]
        if not undated:
            return ""
        return f"Undated ({len(undated)}): " + ", ".join(undated)

    # -- interaction -------------------------------------------------------------------------
    def entry_at(self, point: QPointF) -> str | None:
        for doc_id, rect in self.marker_rects().items():
            if rect.adjusted(-3, -3, 3, 3).contains(point):
                return doc_id
        return None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        doc_id = self.entry_at(event.position())
        if doc_id is not None:
            self.entry_activated.emit(doc_id)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        doc_id = self.entry_at(event.position())
        entry = next((e for e in self.timeline.entries if e.doc_id == doc_id), None)
        if entry is None:
            self.setToolTip("")
            self.unsetCursor()
            return
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(
            f"{entry.title}\n{label_of(entry)} · {when_text(entry)}"
            f"{'' if entry.has_time else ' (day only)'} · {ROLE_TEXT[entry.role]} · "
            f"{self.timeline.lag(entry)}"
        )


class StoryTimelineView(QWidget):
    """Stories › Story timeline: the plot above a list of the same stories (Enter opens one)."""

    open_requested = Signal(str)

    def __init__(self, timeline: Timeline, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("storyTimelineView")
        self.setWindowTitle(f"Story timeline — {title}")
        self.timeline = timeline
        self.plot = TimelinePlot(timeline, self)
        self.plot.entry_activated.connect(self.open_requested)
        self.list = QTreeWidget(self)
        self.list.setObjectName("storyTimelineList")
        self.list.setRootIsDecorated(False)
        self.list.setHeaderLabels(["When", "After the first", "Source", "Kind", "Title"])
        for entry in timeline.entries:
            item = QTreeWidgetItem(
                [
                    when_text(entry),
                    timeline.lag(entry),
                    entry.source or "—",
                    ROLE_TEXT[entry.role],
                    entry.title,
                ]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, entry.doc_id)
            item.setToolTip(4, f"{entry.title}\n{entry.doc_id}")
            self.list.addTopLevelItem(item)
        header = self.list.header()
        for column in range(4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.list.itemActivated.connect(
            lambda item, _c: self.open_requested.emit(item.data(0, Qt.ItemDataRole.UserRole))
        )
        first = self.list.topLevelItem(0)
        if first is not None:
            self.list.setCurrentItem(first)
        hint = QLabel(
            "◆ likely original · ● version of the story · ○ same event, other words. "
            "Click a story, or press Enter in the list, to open it.",
            self,
        )
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.plot)
        layout.addWidget(self.list, 1)
        layout.addWidget(hint)
        self.resize(900, 520)
