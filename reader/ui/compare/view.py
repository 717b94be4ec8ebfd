"""The compare view: article A and article B side by side, paragraphs aligned row by row.

It draws :class:`reader.diff.chunks.ArticleDiff` and computes nothing itself. Each pane holds
its body verbatim, so a document position is a body offset (the chunks' offsets colour it
directly). Rows line up because the shorter side of each row gets a block margin; the panes
then scroll together through the rows' tops (Meld's linked scrolling, with a re-entry guard).

The diff of an 8,000-word pair takes ~15 ms, so pairs under ``THREAD_ABOVE_WORDS`` words are
diffed on the GUI thread; bigger ones on a worker, the view saying "Comparing…" meanwhile.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QResizeEvent,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from reader.corpus.model import Article
from reader.diff.chunks import AlignedRow, ArticleDiff
from reader.diff.compare import diff_articles
from reader.diff.render import to_html, to_markdown
from reader.ui.compare.colours import BOUNDED, DELETED, INSERTED, MOVED, STYLE
from reader.ui.compare.gutter import GUTTER_WIDTH, ChangeGutter
from reader.ui.compare.overview import OverviewStrip
from reader.ui.jobs import JobRunner
from reader.ui.shortcuts import BY_ACTION

Side = Literal["a", "b"]

THREAD_ABOVE_WORDS = 20_000
"""Pairs with more words than this are diffed on a worker thread."""
WORD_CHANGES_PER_ROW = 200
"""A row with more word changes than this is tinted as a whole until the reader asks for its
word changes: hundreds of tiny marks in one paragraph are unreadable, and each costs a format
run in the text layout."""

EntityList = Sequence[tuple[str, str]]
"""(type, name) pairs, as `reader.services.lookup.EntityChanges` holds them."""


def headline(article: Article) -> str:
    """Title and outlet, as the panes' headings name an article."""
    title = article.title or article.id
    return f"{title} — {article.source}" if article.source else title


def word_changes(row: AlignedRow) -> int:
    return sum(1 for chunk in row.chunks if chunk.tag not in ("equal", "move"))


class _Pane(QTextBrowser):
    """One side: read-only, no links followed, nothing fetched."""

    def __init__(self, name: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setLineWrapMode(QTextBrowser.LineWrapMode.WidgetWidth)
        # Always there: a scroll bar appearing once one side is padded would narrow that pane,
        # re-wrap its text and undo the alignment just computed.
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.document().setDocumentMargin(8)

    def loadResource(self, _type: int, _name: object) -> object:
        return None  # never fetch anything a text might name


class CompareView(QWidget):
    """Two articles side by side; a top-level window owned by the main window."""

    diff_shown = Signal()

    def __init__(
        self,
        a: Article,
        b: Article,
        entities: tuple[EntityList, EntityList] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("compareView")
        self.a, self.b = a, b
        self.entities = entities  # (added in B, removed from A), or None when not extracted
        self.diff: ArticleDiff | None = None
        self._bounded: tuple[ArticleDiff, list[int]] | None = None
        self.current_row = -1
        self.row_tops: dict[Side, list[float]] = {}
        self._syncing = False
        self._runner = JobRunner(self)
        self._generation = 0
        self._build()
        self.compute()

    # -- construction ----------------------------------------------------------------------
    def _build(self) -> None:
        """Options above, then summary, titles and the panes; the panes scroll together.

        The panes are made first though shown last: Qt's default Tab order is the order
        widgets are made in, and this puts the text before the options.
        """
        self._build_panes()
        self.summary = QLabel(self)
        self.summary.setObjectName("compareSummary")
        self.summary.setWordWrap(True)
        self.entity_label = QLabel(self)
        self.entity_label.setObjectName("compareEntities")
        self.entity_label.setWordWrap(True)
        top = self._options_row()
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.entity_label)
        layout.addLayout(self._titles_row())
        layout.addLayout(self._panes_row(), 1)
        self._link_scrolling()
        self._build_actions()
        self.resize(1300, 800)

    def _build_panes(self) -> None:
        """The two sides' titles and texts, the change gutter between them, the overview strip."""
        self.title_a = QLabel(self)
        self.title_b = QLabel(self)
        for label in (self.title_a, self.title_b):
            label.setWordWrap(True)
            label.setStyleSheet("font-weight: bold;")
        self.pane_a = _Pane("comparePaneA", self)
        self.pane_b = _Pane("comparePaneB", self)
        self.gutter = ChangeGutter(self)
        self.gutter.clicked.connect(self.go_to_row)
        self.overview = OverviewStrip(self)

    def _options_row(self) -> QHBoxLayout:
        """What the reader can change about the comparison, and the colour legend."""
        self.normalise = QCheckBox("Ignore style (quotes, dashes, case, look-alike letters)", self)
        self.normalise.setChecked(True)
        self.normalise.toggled.connect(lambda _on: self.compute())
        self.wrap = QCheckBox("Wrap lines", self)
        self.wrap.setChecked(True)
        self.wrap.toggled.connect(self.set_wrap)
        self.words_button = QPushButton("Show all word changes", self)
        self.words_button.setToolTip(
            f"Paragraphs with more than {WORD_CHANGES_PER_ROW} word changes are tinted as a "
            "whole; this marks every changed word in them"
        )
        self.words_button.clicked.connect(self.show_all_word_changes)
        self.words_button.hide()
        self.all_words = False
        self.swap_button = QPushButton("Swap sides", self)
        self.swap_button.clicked.connect(self.swap)
        self.export_button = QPushButton("Export…", self)
        self.export_button.clicked.connect(self.choose_export)
        legend = QLabel(
            f'<span style="background:{DELETED.name()}">only in A</span> · '
            f'<span style="background:{INSERTED.name()}">only in B</span> · '
            f'<span style="background:{STYLE.name()}">style only</span> · '
            f'<span style="background:{MOVED.name()}">moved</span>',
            self,
        )
        top = QHBoxLayout()
        top.addWidget(self.normalise)
        top.addWidget(self.wrap)
        top.addWidget(self.words_button)
        top.addStretch(1)
        top.addWidget(legend)
        top.addWidget(self.swap_button)
        top.addWidget(self.export_button)
        return top

    def _titles_row(self) -> QHBoxLayout:
        """The titles, spaced so each sits over its own pane (not over the gutter or strip)."""
        titles = QHBoxLayout()
        titles.addWidget(self.title_a, 1)
        titles.addSpacing(GUTTER_WIDTH)
        titles.addWidget(self.title_b, 1)
        titles.addSpacing(self.overview.width())
        return titles

    def _panes_row(self) -> QHBoxLayout:
        """A | gutter | B | overview, with no gaps: the gutter's curves meet the panes' edges."""
        panes = QHBoxLayout()
        panes.setSpacing(0)
        panes.addWidget(self.pane_a, 1)
        panes.addWidget(self.gutter)
        panes.addWidget(self.pane_b, 1)
        panes.addWidget(self.overview)
        return panes

    def _link_scrolling(self) -> None:
        """Each pane's scrolling moves the other, and a resize realigns the rows (once the
        layout has settled, hence the zero-delay timer)."""
        for pane, side in ((self.pane_a, "a"), (self.pane_b, "b")):
            bar = pane.verticalScrollBar()
            bar.valueChanged.connect(lambda v, s=side: self._on_scrolled(s, v))
            bar.rangeChanged.connect(lambda _lo, _hi: self.overview.update())
            pane.horizontalScrollBar().valueChanged.connect(
                lambda v, s=side: self._on_scrolled_across(s, v)
            )
            pane.viewport().installEventFilter(self)
        self._realign_timer = QTimer(self, singleShot=True, interval=0)
        self._realign_timer.timeout.connect(self.realign)

    def _build_actions(self) -> None:
        """Alt+Down / Alt+Up between changes, live only while this view has the focus."""
        self.actions_by_id: dict[str, QAction] = {}
        for action_id, slot in (
            ("compare.next_change", lambda: self.step_change(1)),
            ("compare.previous_change", lambda: self.step_change(-1)),
        ):
            entry = BY_ACTION[action_id]
            action = QAction(entry.label, self)
            action.setShortcuts(entry.sequences())
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            self.addAction(action)
            self.actions_by_id[action_id] = action

    # -- the diff --------------------------------------------------------------------------
    def compute(self) -> None:
        """Diff A against B (on a worker for very long pairs) and draw the result."""
        self._generation += 1
        generation = self._generation
        a, b, normalise = self.a, self.b, self.normalise.isChecked()
        self.title_a.setText(f"A: {headline(a)}")
        self.title_b.setText(f"B: {headline(b)}")
        self.setWindowTitle(f"Compare: {a.title or a.id} / {b.title or b.id}")
        if a.word_count + b.word_count <= THREAD_ABOVE_WORDS:
            self.show_diff(diff_articles(a, b, normalise=normalise))
            return
        self.summary.setText("Comparing…")

        def done(result: object) -> None:
            if generation == self._generation and isinstance(result, ArticleDiff):
                self.show_diff(result)

        self._runner.start(
            "compare", lambda _p, _c: diff_articles(a, b, normalise=normalise), on_done=done
        )

    def show_diff(self, diff: ArticleDiff) -> None:
        self.diff = diff
        self.current_row = -1
        self.all_words = False
        s = diff.summary
        self.summary.setText(
            f"A keeps {s.kept:.0%} of its words in B · {s.words_added} words added · "
            f"{s.words_removed} words removed · {len(diff.change_rows)} changed rows"
            + (" · coarse comparison (long text)" if diff.coarse else "")
        )
        self.entity_label.setText(self._entity_text())
        self._fill(self.pane_a, diff.a_text, "a")
        self._fill(self.pane_b, diff.b_text, "b")
        self.words_button.setVisible(bool(self.bounded_rows()))
        self.realign()
        self.diff_shown.emit()

    def bounded_rows(self) -> list[int]:
        """Rows tinted as a whole because their word changes are too many to mark."""
        if self.diff is None or self.all_words:
            return []
        if self._bounded is None or self._bounded[0] is not self.diff:
            rows = self.diff.rows
            self._bounded = (
                self.diff,
                [i for i, row in enumerate(rows) if word_changes(row) > WORD_CHANGES_PER_ROW],
            )
        return self._bounded[1]

    def show_all_word_changes(self) -> None:
        """Mark every word change, long paragraphs too (the reader asked for it)."""
        if self.diff is None or self.all_words:
            return
        self.all_words = True
        self._fill(self.pane_a, self.diff.a_text, "a")
        self._fill(self.pane_b, self.diff.b_text, "b")
        self.words_button.hide()
        self.realign()

    def _entity_text(self) -> str:
        if self.entities is None:
            return "Entities: not extracted yet."
        added, removed = self.entities

        def names(items: EntityList) -> str:
            return ", ".join(name for _type, name in items) or "none"

        return f"Entities only in B: {names(added)} · only in A: {names(removed)}"

    def _fill(self, pane: _Pane, text: str, side: Side) -> None:
        """The body verbatim (position = offset), then the chunks coloured in place."""
        assert self.diff is not None
        pane.setPlainText(text + "\n")  # an empty last block: rows after the text sit above it
        doc = pane.document()
        cursor = QTextCursor(doc)
        cursor.beginEditBlock()
        change = DELETED if side == "a" else INSERTED
        bounded = set(self.bounded_rows())
        for i, row in enumerate(self.diff.rows):
            start, end = row.a_span if side == "a" else row.b_span
            if end <= start:
                continue
            if row.kind == "moved":
                self._paint(cursor, start, end, background=MOVED)
            if i in bounded:
                self._paint(cursor, start, end, background=BOUNDED)
                continue
            for chunk in row.chunks:
                c0, c1 = (chunk.a_start, chunk.a_end) if side == "a" else (chunk.b_start,
                                                                          chunk.b_end)  # fmt: skip
                if c1 <= c0 or chunk.tag == "equal":
                    continue
                if chunk.is_style_only:
                    self._paint(cursor, c0, c1, background=STYLE, dotted=True)
                elif chunk.tag != "move":
                    self._paint(cursor, c0, c1, background=change, strike=side == "a")
        cursor.endEditBlock()

    @staticmethod
    def _paint(
        cursor: QTextCursor,
        start: int,
        end: int,
        *,
        background: QColor,
        strike: bool = False,
        dotted: bool = False,
    ) -> None:
        fmt = QTextCharFormat()
        fmt.setBackground(background)
        if strike:
            fmt.setFontStrikeOut(True)
        if dotted:
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        cursor.mergeCharFormat(fmt)

    # -- what a test (or the gutter) asks ----------------------------------------------------
    def char_kind(self, side: Side, offset: int) -> str:
        """How a character is drawn: "deleted", "inserted", "style", "moved", "bounded" (a
        long paragraph tinted whole) or "plain"."""
        pane = self.pane_a if side == "a" else self.pane_b
        cursor = QTextCursor(pane.document())
        cursor.setPosition(offset + 1)  # the format of the character before the cursor
        fmt = cursor.charFormat()
        colour = (
            fmt.background().color()
            if fmt.hasProperty(QTextCharFormat.Property.BackgroundBrush)
            else None
        )
        return {
            DELETED.name(): "deleted",
            INSERTED.name(): "inserted",
            STYLE.name(): "style",
            MOVED.name(): "moved",
            BOUNDED.name(): "bounded",
        }.get(colour.name() if colour is not None else "", "plain")

    def doc_height(self, side: Side) -> float:
        pane = self.pane_a if side == "a" else self.pane_b
        return pane.document().documentLayout().documentSize().height()

    # -- alignment ---------------------------------------------------------------------------
    def _anchors(self, side: Side) -> list[int]:
        """Where each row starts on one side, as a text position, and last the end sentinel.

        A row with text starts at its first character that is not a line break (the core may
        give a row the blank line before it); an empty row sits at its insertion point, which
        past the end of the text is the empty block `_fill` appends.
        """
        assert self.diff is not None
        text = self.diff.a_text if side == "a" else self.diff.b_text
        end = len(text) + 1
        out = []
        for row in self.diff.rows:
            s, e = row.a_span if side == "a" else row.b_span
            while s < e - 1 and text[s] == "\n":
                s += 1
            out.append(s if s < len(text) else end)
        out.append(end)
        return out

    def realign(self) -> None:
        """Pad each side so every row starts at the same height on both, then note row tops.

        With the margins cleared, each row's natural top is its anchor block's top. Walking the
        rows in order, whichever side is behind gets the difference as a bottom margin on the
        block just above that row's anchor, so everything below moves down by exactly that much
        (wrapping does not change: the panes' scroll bars are always shown). A last, virtual row
        at the end sentinel makes both documents equally tall.
        """
        if self.diff is None:
            return
        both: tuple[Side, ...] = ("a", "b")
        docs = {"a": self.pane_a.document(), "b": self.pane_b.document()}
        anchors = {side: self._anchors(side) for side in both}
        natural: dict[Side, list[float]] = {}
        blocks: dict[Side, list[int]] = {}
        for side in both:
            doc = docs[side]
            self._set_margins(doc, {})
            layout = doc.documentLayout()
            found = [doc.findBlock(pos) for pos in anchors[side]]
            natural[side] = [layout.blockBoundingRect(block).top() for block in found]
            blocks[side] = [block.blockNumber() for block in found]
        margins: dict[Side, dict[int, list[float]]] = {"a": {}, "b": {}}
        padding: dict[Side, float] = {"a": 0.0, "b": 0.0}
        tops: dict[Side, list[float]] = {"a": [], "b": []}
        for i in range(len(anchors["a"])):
            ahead = (natural["b"][i] + padding["b"]) - (natural["a"][i] + padding["a"])
            if abs(ahead) > 0.01:
                behind: Side = "a" if ahead > 0 else "b"
                number = blocks[behind][i]
                if number > 0:  # below the block above the anchor
                    margins[behind].setdefault(number - 1, [0.0, 0.0])[1] += abs(ahead)
                else:
                    margins[behind].setdefault(0, [0.0, 0.0])[0] += abs(ahead)
                padding[behind] += abs(ahead)
            for s in both:
                tops[s].append(natural[s][i] + padding[s])
        for side in both:
            self._set_margins(docs[side], margins[side])
        self.row_tops = {side: tops[side][:-1] for side in both}
        self.gutter.update()
        self.overview.update()

    @staticmethod
    def _set_margins(doc: QTextDocument, margins: dict[int, list[float]]) -> None:
        cursor = QTextCursor(doc)
        cursor.beginEditBlock()
        block = doc.firstBlock()
        while block.isValid():
            top, bottom = margins.get(block.blockNumber(), (0.0, 0.0))
            fmt = block.blockFormat()
            if fmt.topMargin() != top or fmt.bottomMargin() != bottom:
                new = QTextBlockFormat(fmt)
                new.setTopMargin(top)
                new.setBottomMargin(bottom)
                cursor.setPosition(block.position())
                cursor.setBlockFormat(new)
            block = block.next()
        cursor.endEditBlock()

    # -- scrolling ---------------------------------------------------------------------------
    def _on_scrolled(self, side: Side, value: int) -> None:
        """Scroll the other pane to the same place in the same row (guarded: no ping-pong)."""
        if self._syncing or not self.row_tops:
            self.gutter.update()
            self.overview.update()
            return
        other: Side = "b" if side == "a" else "a"
        self._syncing = True
        try:
            target = self._map_y(side, other, float(value))
            pane = self.pane_a if other == "a" else self.pane_b
            pane.verticalScrollBar().setValue(round(target))
        finally:
            self._syncing = False
        self.gutter.update()
        self.overview.update()

    def _on_scrolled_across(self, side: Side, value: int) -> None:
        """Without wrapping, both panes show the same columns (guarded like the vertical)."""
        if self._syncing:
            return
        other = self.pane_b if side == "a" else self.pane_a
        self._syncing = True
        try:
            other.horizontalScrollBar().setValue(value)
        finally:
            self._syncing = False

    def set_wrap(self, on: bool) -> None:
        """Wrap long lines at the pane's width, or keep each paragraph on one line."""
        mode = QTextBrowser.LineWrapMode.WidgetWidth if on else QTextBrowser.LineWrapMode.NoWrap
        for pane in (self.pane_a, self.pane_b):
            pane.setLineWrapMode(mode)
        self.realign()

    def _map_y(self, src: Side, dst: Side, y: float) -> float:
        """A document y on one side to the facing y on the other, through the rows' tops."""
        tops_s, tops_d = self.row_tops[src], self.row_tops[dst]
        i = max(bisect.bisect_right(tops_s, y) - 1, 0)
        end_s = tops_s[i + 1] if i + 1 < len(tops_s) else self.doc_height(src)
        end_d = tops_d[i + 1] if i + 1 < len(tops_d) else self.doc_height(dst)
        share = (y - tops_s[i]) / (end_s - tops_s[i]) if end_s > tops_s[i] else 0.0
        return tops_d[i] + share * (end_d - tops_d[i])

    def step_change(self, step: int) -> int | None:
        """Alt+Down / Alt+Up: the next or previous changed row, shown at the top of both panes."""
        if self.diff is None:
            return None
        if step > 0:
            row = self.diff.next_change(self.current_row)
        else:
            row = self.diff.previous_change(self.current_row)
        if row is not None:
            self.go_to_row(row)
        return row

    def go_to_row(self, row: int) -> None:
        """Scroll both panes so the row starts a little below their top."""
        if self.diff is None or not self.row_tops:
            return
        self.current_row = row
        margin = self.pane_a.fontMetrics().height()
        self.pane_a.verticalScrollBar().setValue(round(self.row_tops["a"][row] - margin))
        self._syncing = True
        try:
            self.pane_b.verticalScrollBar().setValue(round(self.row_tops["b"][row] - margin))
        finally:
            self._syncing = False
        self.gutter.update()
        self.overview.update()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self._realign_timer.start()
        return super().eventFilter(watched, event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._realign_timer.start()

    # -- swap and export ---------------------------------------------------------------------
    def swap(self) -> None:
        self.a, self.b = self.b, self.a
        if self.entities is not None:
            self.entities = (self.entities[1], self.entities[0])
        self.compute()

    def export(self, path: Path) -> Path:
        """Write the comparison as HTML (``.html``/``.htm``) or Markdown (anything else)."""
        assert self.diff is not None
        a_name = f"{self.a.title or self.a.id} ({self.a.id})"
        b_name = f"{self.b.title or self.b.id} ({self.b.id})"
        if path.suffix.lower() in (".html", ".htm"):
            text = to_html(self.diff, a_name, b_name)
        else:
            text = to_markdown(self.diff, a_name, b_name)
        path.write_text(text, "utf-8")
        return path

    def choose_export(self) -> None:
        if self.diff is None:
            return
        name, _filter = QFileDialog.getSaveFileName(
            self,
            "Export the comparison",
            f"compare-{Path(self.a.id).stem}-{Path(self.b.id).stem}.html",
            "HTML page (*.html);;Markdown (*.md)",
        )
        if name:
            try:
                self.export(Path(name))
            except OSError as exc:
                self.summary.setText(f"Could not write {name}: {exc.strerror or exc}")

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        self._runner.shutdown()
        super().closeEvent(event)
