"""The reading pane: one clean article with a header, search hits and entity colours.

The document is built with a `QTextCursor`, one block per paragraph, and every character of
the body keeps its offset (a paragraph's start is recorded), so the core's offsets (search
hits, entity spans) map to document positions without parsing HTML. Highlights are extra
selections drawn over the text: toggling them never rebuilds the document. No resource is
ever loaded: no scripts, no network, no local files named by an article.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Sequence
from html import escape as html_escape
from typing import Any, Protocol

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontDatabase,
    QPalette,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextLength,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QTextBrowser,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from reader.corpus.model import Article
from reader.ui.models.document_table import format_name

HIT_COLOUR = QColor("#ffe066")
CURRENT_HIT_COLOUR = QColor("#ff9f1c")
ENTITY_COLOURS = {
    "PERSON": QColor("#1f5fbf"),
    "ORG": QColor("#8a3ffc"),
    "PLACE": QColor("#1a7f37"),
    "DATE": QColor("#8c6d1f"),
    "MONEY": QColor("#b35900"),
}
ENTITY_NAMES = {
    "PERSON": "person",
    "ORG": "organisation",
    "PLACE": "place",
    "DATE": "date",
    "MONEY": "money",
}
_HIT_MARK = QTextFormat.Property.UserProperty + 1
"""Marks the extra selections that are search hits (not entity colours)."""
HIDDEN_BY_DEFAULT = frozenset({"DATE", "MONEY"})
"""Names are what readers follow; dates and sums are a click away, not colour noise."""
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")  # fmt: skip
"""English month names, whatever the C locale Qt set (the window speaks English)."""


class EntitySpan(Protocol):
    """What the pane needs of an entity mention (the core's `reader.entities.model.EntitySpan`):
    offsets into the article body and a type."""

    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def type(self) -> str: ...


class _Browser(QTextBrowser):
    """A text browser that loads nothing: links are signalled, never followed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)

    def loadResource(self, _type: int, _name: QUrl | str) -> Any:
        return None


class ReadingPane(QWidget):
    """Shows the open article; `hit_moved(index, count)` follows F3 / Shift+F3."""

    hit_moved = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.browser = _Browser(self)
        self.browser.setObjectName("readingBrowser")
        self.browser.document().setDocumentMargin(18)
        self._legend = QWidget(self)
        self._legend_layout = QHBoxLayout(self._legend)
        self._legend_layout.setContentsMargins(6, 2, 6, 2)
        self._legend.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._legend)
        layout.addWidget(self.browser)
        self.article: Article | None = None
        self.raw = False
        self._para_starts: list[int] = []  # body offset where each paragraph starts
        self._para_pos: list[int] = []  # document position of the same
        self._header_end = 0  # document position where the header's last line ends
        self._markdown_positions: list[tuple[int, int]] | None = None
        self._hits: tuple[tuple[int, int], ...] = ()
        self._hit_positions: list[tuple[int, int]] = []
        self._current = -1
        self._entities: list[EntitySpan] = []
        self._hidden_types: set[str] = set(HIDDEN_BY_DEFAULT)
        self.show_placeholder("Open an article from the list.")

    # -- content ---------------------------------------------------------------------------
    def show_placeholder(self, text: str) -> None:
        self.article = None
        self._reset_marks()
        self.browser.setPlainText("")
        doc = self.browser.document()
        cursor = QTextCursor(doc)
        fmt = QTextCharFormat()
        fmt.setForeground(self.palette().color(QPalette.ColorRole.PlaceholderText))
        cursor.insertText(text, fmt)

    def show_article(self, article: Article) -> None:
        """Show an article (clean text, or raw when the raw switch is on); hits are cleared."""
        self.article = article
        self._reset_marks()
        self._render()

    def set_raw(self, raw: bool) -> None:
        """The raw scraped text instead of the clean story (no highlights there)."""
        self.raw = raw
        if self.article is not None:
            self._render()

    def _reset_marks(self) -> None:
        self._hits = ()
        self._hit_positions = []
        self._current = -1
        self._entities = []
        self._update_legend()

    def _render(self) -> None:
        article = self.article
        assert article is not None
        doc = self.browser.document()
        doc.clear()
        self._para_starts, self._para_pos = [], []
        self._markdown_positions = None
        self._header_end = 0
        cursor = QTextCursor(doc)
        if self.raw:
            fmt = QTextCharFormat()
            fmt.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
            cursor.insertText(article.raw, fmt)
        else:
            self._insert_header(cursor, article)
            self._insert_body(cursor, article)
            self._insert_captions(cursor, article)
        self.browser.moveCursor(QTextCursor.MoveOperation.Start)
        self._hit_positions = self._positions(self._hits)
        self._redraw()

    def _base_font(self) -> QFont:
        return self.browser.document().defaultFont()

    def _insert_header(self, cursor: QTextCursor, article: Article) -> None:
        base = self._base_font().pointSizeF()
        title = QTextCharFormat()
        title.setFontPointSize(base * 1.6)
        title.setFontWeight(QFont.Weight.Bold)
        block = QTextBlockFormat()
        block.setBottomMargin(4)
        cursor.setBlockFormat(block)
        cursor.insertText(article.title or article.id, title)
        if article.subtitle:
            sub = QTextCharFormat()
            sub.setFontPointSize(base * 1.15)
            sub.setFontItalic(True)
            cursor.insertBlock(block)
            cursor.insertText(article.subtitle, sub)
        muted = QTextCharFormat()
        muted.setForeground(self.palette().color(QPalette.ColorRole.PlaceholderText))
        strong = QTextCharFormat(muted)
        strong.setFontWeight(QFont.Weight.DemiBold)
        facts = [
            (article.source, strong),
            (f"By {article.byline.removeprefix('By ').removeprefix('by ')}"
             if article.byline else None, muted),
            (article.datetime or article.date, muted),
            (article.dateline, muted),
            (format_facts(article), muted),
        ]  # fmt: skip
        shown = [(text, fmt) for text, fmt in facts if text]
        if shown:
            cursor.insertBlock(block)
            for i, (text, fmt) in enumerate(shown):
                if i:
                    cursor.insertText("  ·  ", muted)
                cursor.insertText(text, fmt)
        captured = capture_line(article)
        if captured:  # the URL as plain text: never a link, never loaded
            cursor.insertBlock(block)
            cursor.insertText(captured, muted)
        self._header_end = cursor.position()
        rule = QTextBlockFormat()
        rule.setTopMargin(2)
        rule.setBottomMargin(6)
        rule.setProperty(
            QTextFormat.Property.BlockTrailingHorizontalRulerWidth,
            QTextLength(QTextLength.Type.PercentageLength, 100),
        )
        cursor.insertBlock(rule)

    def _insert_body(self, cursor: QTextCursor, article: Article) -> None:
        plain = QTextCharFormat()
        para = QTextBlockFormat()
        para.setBottomMargin(10)
        para.setLineHeight(130, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
        if article.display_html:
            cursor.insertBlock(para, plain)
            body_start = cursor.position()
            cursor.insertHtml(_without_title(article.display_html, article.title))
            self._markdown_positions = self._find_in_document(article, body_start)
            return
        offset = 0
        for paragraph in article.body.split("\n\n"):
            cursor.insertBlock(para, plain)
            self._para_starts.append(offset)
            self._para_pos.append(cursor.position())
            cursor.insertText(paragraph, plain)
            offset += len(paragraph) + 2

    def _insert_captions(self, cursor: QTextCursor, article: Article) -> None:
        if not (article.captions or article.credits):
            return
        heading = QTextCharFormat()
        heading.setFontWeight(QFont.Weight.Bold)
        heading.setForeground(self.palette().color(QPalette.ColorRole.PlaceholderText))
        block = QTextBlockFormat()
        block.setTopMargin(14)
        cursor.insertBlock(block)
        cursor.insertText("Captions" if article.captions else "Credits", heading)
        caption = QTextCharFormat()
        caption.setFontItalic(True)
        indented = QTextBlockFormat()
        indented.setLeftMargin(16)
        indented.setBottomMargin(6)
        for text in article.captions:
            cursor.insertBlock(indented)
            cursor.insertText(text, caption)
        for text in article.credits:
            cursor.insertBlock(indented)
            cursor.insertText(text, QTextCharFormat())

    def header_lines(self) -> list[str]:
        """The header as shown, one line per block: title, subtitle, facts, capture (empty for
        raw text or a placeholder)."""
        if self.article is None or self.raw:
            return []
        cursor = QTextCursor(self.browser.document())
        cursor.setPosition(self._header_end, QTextCursor.MoveMode.KeepAnchor)
        return cursor.selection().toPlainText().split("\n")

    # -- offsets to positions --------------------------------------------------------------
    def _find_in_document(self, article: Article, start: int) -> list[tuple[int, int]]:
        """For rendered Markdown: the document position of each body paragraph, found by text."""
        doc = self.browser.document()
        found: list[tuple[int, int]] = []
        pos = start
        offset = 0
        for paragraph in article.body.split("\n\n"):
            probe = paragraph[:40]
            cursor = doc.find(probe, pos, QTextDocument.FindFlag.FindCaseSensitively)
            if not cursor.isNull() and probe:
                found.append((offset, cursor.selectionStart()))
                pos = cursor.selectionStart() + 1
            offset += len(paragraph) + 2
        return found

    def _to_position(self, offset: int) -> int | None:
        if self._markdown_positions is not None:
            starts = [o for o, _p in self._markdown_positions]
            i = bisect.bisect_right(starts, offset) - 1
            return None if i < 0 else self._markdown_positions[i][1] + offset - starts[i]
        i = bisect.bisect_right(self._para_starts, offset) - 1
        return None if i < 0 else self._para_pos[i] + offset - self._para_starts[i]

    def _positions(self, spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
        if self.raw or self.article is None:
            return []
        out = []
        for start, end in spans:
            a, b = self._to_position(start), self._to_position(end)
            if a is not None and b is not None and b > a:
                out.append((a, b))
        return out

    # -- hits ------------------------------------------------------------------------------
    def set_hits(self, hits: Sequence[tuple[int, int]]) -> None:
        """Highlight the search hits (offsets into the body) and go to the first."""
        self._hits = tuple(sorted(hits))
        self._hit_positions = self._positions(self._hits)
        self._current = -1
        if self._hit_positions:
            self.step_hit(1)
        else:
            self._redraw()

    @property
    def hit_count(self) -> int:
        return len(self._hit_positions)

    @property
    def current_hit(self) -> int:
        """Index of the hit the cursor is on, -1 before the first F3."""
        return self._current

    def step_hit(self, step: int) -> None:
        """F3 / Shift+F3: the next or previous hit, wrapping round."""
        if not self._hit_positions:
            return
        count = len(self._hit_positions)
        self._current = (
            (self._current + step) % count if self._current >= 0 else (0 if step > 0 else count - 1)
        )
        start, end = self._hit_positions[self._current]
        cursor = QTextCursor(self.browser.document())
        cursor.setPosition(end)
        self.browser.setTextCursor(cursor)
        cursor.setPosition(start)
        self.browser.setTextCursor(cursor)
        # A third of the way down, with the text around it in view, not at the bottom edge.
        bar = self.browser.verticalScrollBar()
        top = self.browser.cursorRect(cursor).top()
        bar.setValue(bar.value() + top - self.browser.viewport().height() // 3)
        self._redraw()
        self.hit_moved.emit(self._current, count)

    # -- entities --------------------------------------------------------------------------
    def set_entities(self, spans: Iterable[EntitySpan]) -> None:
        """Colour entity mentions by type; the legend offers a toggle per type present."""
        self._entities = list(spans)
        self._update_legend()
        self._redraw()

    def set_type_visible(self, entity_type: str, visible: bool) -> None:
        (self._hidden_types.discard if visible else self._hidden_types.add)(entity_type)
        self._redraw()

    def _update_legend(self) -> None:
        while self._legend_layout.count():
            item = self._legend_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        order = list(ENTITY_COLOURS)
        types = sorted(
            {span.type for span in self._entities},
            key=lambda t: (order.index(t) if t in order else len(order), t),
        )
        if not types:
            self._legend.hide()
            return
        self._legend_layout.addWidget(QLabel("Entities:", self._legend))
        for entity_type in types:
            box = QCheckBox(ENTITY_NAMES.get(entity_type, entity_type.lower()), self._legend)
            box.setObjectName(f"entityToggle_{entity_type}")
            box.setChecked(entity_type not in self._hidden_types)
            colour = ENTITY_COLOURS.get(entity_type, QColor("#57606a")).name()
            box.setStyleSheet(f"QCheckBox {{ color: {colour}; font-weight: 600; }}")
            box.toggled.connect(lambda on, t=entity_type: self.set_type_visible(t, on))
            self._legend_layout.addWidget(box)
        self._legend_layout.addStretch(1)
        self._legend.show()

    # -- drawing ---------------------------------------------------------------------------
    def _redraw(self) -> None:
        selections: list[QTextEdit.ExtraSelection] = []
        doc = self.browser.document()
        visible = [s for s in self._entities if s.type not in self._hidden_types]
        for span in visible:
            placed = self._positions([(span.start, span.end)])
            if not placed:
                continue
            a, b = placed[0]
            fmt = QTextCharFormat()
            colour = ENTITY_COLOURS.get(span.type, QColor("#57606a"))
            fmt.setForeground(QBrush(colour))
            fmt.setFontUnderline(True)
            fmt.setUnderlineColor(colour)
            selections.append(_selection(doc, a, b, fmt))
        for i, (a, b) in enumerate(self._hit_positions):
            fmt = QTextCharFormat()
            fmt.setBackground(CURRENT_HIT_COLOUR if i == self._current else HIT_COLOUR)
            fmt.setProperty(_HIT_MARK, True)
            fmt.setForeground(QColor("black"))
            selections.append(_selection(doc, a, b, fmt))
        self.browser.setExtraSelections(selections)

    def highlighted_texts(self) -> list[str]:
        """The text under each hit highlight (what a test or a screen reader checks)."""
        return [sel.cursor.selectedText() for sel in self.browser.extraSelections()
                if sel.format.boolProperty(_HIT_MARK)]  # fmt: skip


def format_facts(article: Article) -> str:
    """What the article came in, for the header: "PDF, 12 pages", "E-mail from Press Office
    <press@…>", "CSV, from Nexis, section Business, title only", "PDF, 2 pages, attached to
    note.eml"; empty for no format."""
    extra = article.extra
    first = format_name(article.format)
    sender = extra.get("sender")
    if sender:
        first = f"{first} from {sender}" if first else f"From {sender}"
    parts = [first] if first else []
    pages = extra.get("pages")
    if isinstance(pages, int) and not isinstance(pages, bool) and pages > 0:
        parts.append(f"{pages} page" if pages == 1 else f"{pages} pages")
    if extra.get("database"):
        parts.append(f"from {extra['database']}")
    if extra.get("section"):
        parts.append(f"section {extra['section']}")
    if extra.get("title_only"):
        parts.append("title only")
    holder, _hash, inner = article.id.partition("#")
    if "/" in inner:  # `file.eml#0/NAME`: a message's attachment
        parts.append(f"attached to {holder.rsplit('/', 1)[-1]}")
    return ", ".join(parts)


def capture_line(article: Article) -> str | None:
    """Where and when a web page was captured ("Captured from https://… on 6 May 2024 07:08
    UTC"); None for anything but a capture."""
    captured = article.extra.get("captured")
    url = article.url if article.format == "warc" else None
    if not (captured or url):
        return None
    text = f"Captured from {url}" if url else "Captured"
    if isinstance(captured, str) and captured:
        text += f" on {capture_time(captured)}"
    return text


def capture_time(value: str) -> str:
    """An ISO time as a person reads it, in UTC ("6 May 2024 07:08 UTC"); a WARC-Date without
    a zone is UTC by the standard. What does not parse is shown as it is."""
    try:
        when = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return value
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC)
    day = f"{when.day} {MONTHS[when.month - 1]} {when.year}"
    return day if len(value.strip()) <= 10 else f"{day} {when:%H:%M} UTC"


def _without_title(html: str, title: str | None) -> str:
    """Rendered Markdown opens with the `#` heading the header already shows: drop it once."""
    stripped = html.lstrip()
    if title and stripped.startswith("<h1>"):
        end = stripped.find("</h1>")
        if end > 0 and stripped[4:end].strip() == html_escape(title):
            return stripped[end + 5 :]
    return html


def _selection(doc: QTextDocument, start: int, end: int, fmt: QTextCharFormat) -> Any:
    cursor = QTextCursor(doc)
    cursor.setPosition(start)
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    selection = QTextEdit.ExtraSelection()
    selection.cursor = cursor
    selection.format = fmt
    return selection
