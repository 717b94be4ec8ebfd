"""The cluster view: a version cluster's base text, who kept each paragraph, what each adds.

It draws :class:`reader.diff.collation.Collation` and computes nothing itself. Each base
paragraph gets a "kept by" bar, one small cell per version coloured whole / edited / not kept:
a glance down the bars shows which paragraphs the outlets cut. Beside it the versions, ordered
by date, with their share kept, words added and the paragraphs they add; a click (or Enter) on
one asks the window for the compare view of the base against it.

Collating the seed cluster (003 against 002 and 004: 873, 728 and 271 words) takes ~6.5 ms, so
it runs on the GUI thread; a cluster of a few ~1,000-word versions stays in milliseconds.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSplitter,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reader.corpus.model import Article
from reader.diff.collation import Collation, CollationRow, Kept, collate
from reader.related.timeline import story_timeline
from reader.ui.cluster.timeline import TimelinePlot
from reader.ui.jobs import JobRunner

STATUS_COLOUR = {"whole": "#3f9b4f", "edited": "#e0a526", "none": "#d8d8d8"}
STATUS_TEXT = {"whole": "kept whole", "edited": "kept, edited", "none": "not kept"}
CELL_SIZE = 14
THREAD_ABOVE_WORDS = 20_000
"""Clusters with more words than this are collated on a worker (the window stays live)."""
ADDED_PREVIEW = 160
"""Characters of an added paragraph shown in the list; the whole text is its tooltip."""


def version_order(articles: Sequence[Article]) -> list[Article]:
    """Versions by date (undated last), then by id, so the order is stable."""
    return sorted(articles, key=lambda a: (a.date is None, a.date or "", a.id))


def outlet(article: Article) -> str:
    """How the view names a version: its source, else its file name."""
    return article.source or article.id


def cell_tooltip(article: Article, kept: Kept) -> str:
    text = f"{outlet(article)} ({article.id}): {STATUS_TEXT[kept.status]}"
    if kept.moved:
        text += ", moved"
    if kept.paragraphs:
        text += f" — its paragraph {', '.join(str(p + 1) for p in kept.paragraphs)}"
    return text


def _swatch(status: str, parent: QWidget) -> QFrame:
    cell = QFrame(parent)
    cell.setFixedSize(CELL_SIZE, CELL_SIZE)
    cell.setStyleSheet(
        f"background: {STATUS_COLOUR[status]}; border: 1px solid #888; border-radius: 2px;"
    )
    cell.setProperty("status", status)
    return cell


class ClusterView(QWidget):
    """A version cluster: the base with kept-by bars, the versions beside it."""

    compare_requested = Signal(str, str)  # (base id, version id)
    open_requested = Signal(str)  # a story picked on the timeline
    collated = Signal()

    def __init__(
        self, base: Article, versions: Sequence[Article], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("clusterView")
        self.base = base
        self.versions = list(versions)
        self.collation: Collation | None = None
        self.cells: list[list[QFrame]] = []
        """cells[base paragraph][version]: the kept-by bar's cells."""
        self.setWindowTitle(f"Version cluster — {base.title or base.id}")
        self._layout = QVBoxLayout(self)
        self.waiting = QLabel(f"Collating {len(self.versions) + 1} versions…", self)
        self.waiting.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._layout.addWidget(self.waiting, 1)
        self._runner = JobRunner(self)
        self.resize(1300, 800)
        stories = [base, *self.versions]
        if sum(a.word_count for a in stories) <= THREAD_ABOVE_WORDS:
            self.show_collation(collate(stories, normalise=True))
            return

        def progress(done: int, total: int, _what: str) -> None:
            self.waiting.setText(f"Collating versions… {done} of {total}")

        self._runner.start(
            "collate",
            lambda report, cancel: collate(stories, progress=report, cancel=cancel),
            on_done=self.show_collation,
            on_progress=progress,
        )

    def show_collation(self, collation: object) -> None:
        """Draw the collation (on the GUI thread, however it was computed)."""
        if not isinstance(collation, Collation):
            return
        self.collation = collation
        self.waiting.hide()
        self._build()
        self.collated.emit()

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        self._runner.shutdown()
        super().closeEvent(event)

    # -- construction ----------------------------------------------------------------------
    def _build(self) -> None:
        """Lay the drawn collation out: header, timeline, legend, then base | versions.

        The timeline is made last though shown second: Qt's default Tab order is the order
        widgets are made in, and this keeps the base and the versions first.
        """
        header = self._header()
        legend = self._legend()
        base = self._base_paragraphs()
        side = self._versions_side()
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(base)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([780, 620])
        self.timeline = self._timeline_plot()
        layout = self._layout
        layout.addWidget(header)
        layout.addWidget(self.timeline)
        layout.addLayout(legend)
        layout.addWidget(splitter, 1)

    def _header(self) -> QLabel:
        """Which story is the base, so the reader knows what the bars are measured against."""
        n = len(self.versions)
        header = QLabel(
            f"<b>Base:</b> {_escape(self.base.title or self.base.id)} — "
            f"{_escape(outlet(self.base))}, {self.base.date or 'undated'} · "
            f"{n} other version{'s' if n != 1 else ''}",
            self,
        )
        header.setWordWrap(True)
        return header

    def _legend(self) -> QHBoxLayout:
        """What the cell colours mean: the bars are unreadable without it."""
        legend = QHBoxLayout()
        legend.addWidget(QLabel("Kept by — cell n is version n on the right:", self))
        for status in ("whole", "edited", "none"):
            legend.addWidget(_swatch(status, self))
            legend.addWidget(QLabel(STATUS_TEXT[status], self))
        legend.addStretch(1)
        return legend

    def _base_paragraphs(self) -> QScrollArea:
        """The base text, one line per paragraph with its kept-by bar, in a scroll area."""
        assert self.collation is not None
        paragraphs = QWidget(self)
        grid = QVBoxLayout(paragraphs)
        grid.setSpacing(8)
        for row in self.collation.rows:
            grid.addLayout(self._paragraph_line(row, paragraphs))
        grid.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(paragraphs)
        scroll.setObjectName("clusterBase")
        return scroll

    def _paragraph_line(self, row: CollationRow, parent: QWidget) -> QHBoxLayout:
        """One base paragraph: its number, its kept-by bar, its text (grey when no one kept it)."""
        assert self.collation is not None
        n = len(self.versions)
        line = QHBoxLayout()
        number = QLabel(f"¶{row.paragraph + 1}", parent)
        number.setStyleSheet("color: #777;")
        number.setFixedWidth(30)
        line.addWidget(number, 0, Qt.AlignmentFlag.AlignTop)
        line.addWidget(self._kept_by_bar(row, parent), 0, Qt.AlignmentFlag.AlignTop)
        start, end = row.span
        text = QLabel(self.collation.texts[0][start:end], parent)
        text.setWordWrap(True)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if row.kept_by == 0 and n:
            text.setStyleSheet("color: #777;")
        line.addWidget(text, 1)
        return line

    def _kept_by_bar(self, row: CollationRow, parent: QWidget) -> QWidget:
        """One cell per version, coloured by what it kept of this paragraph (noted in `cells`)."""
        bar = QWidget(parent)
        bar_layout = QHBoxLayout(bar)
        bar_layout.setContentsMargins(0, 3, 0, 0)
        bar_layout.setSpacing(2)
        cells = []
        for article, kept in zip(self.versions, row.kept, strict=True):
            cell = _swatch(kept.status, bar)
            cell.setToolTip(cell_tooltip(article, kept))
            bar_layout.addWidget(cell)
            cells.append(cell)
        self.cells.append(cells)
        bar.setFixedWidth(max(1, len(self.versions)) * (CELL_SIZE + 2) + 4)
        return bar

    def _versions_side(self) -> QWidget:
        """The versions by date above the current one's additions, with a hint on what a
        click does."""
        self._build_version_tree()
        hint = QLabel("Click a version (or press Enter) to compare it with the base.", self)
        hint.setWordWrap(True)
        side = QWidget(self)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(QLabel("<b>Versions by date</b>", side))
        side_split = QSplitter(Qt.Orientation.Vertical, side)
        side_split.addWidget(self.tree)
        side_split.addWidget(self.additions_pane)
        side_split.setSizes([320, 480])
        side_layout.addWidget(side_split, 1)
        side_layout.addWidget(hint)
        return side

    def _build_version_tree(self) -> None:
        """The version list and the additions pane it drives; the first version is current,
        so its additions show at once."""
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("clusterVersions")
        self.tree.setHeaderLabels(["Version", "Source", "Date", "Kept", "Added"])
        self.tree.setRootIsDecorated(True)
        self.tree.setWordWrap(True)
        self.tree.setUniformRowHeights(False)
        for v, article in enumerate(self.versions):
            item = self._version_item(v, article)
            self.tree.addTopLevelItem(item)
            item.setExpanded(True)  # expanding and spanning only take once it is in the tree
            for c in range(item.childCount()):
                child = item.child(c)
                if child is not None:
                    child.setFirstColumnSpanned(True)
        self.tree.setColumnWidth(0, 230)
        for column in range(1, 5):
            self.tree.resizeColumnToContents(column)
        self.tree.itemClicked.connect(self._on_clicked)
        self.additions_pane = QTextBrowser(self)
        self.additions_pane.setObjectName("clusterAdditions")
        self.tree.currentItemChanged.connect(lambda item, _old: self.show_additions(item))
        self.tree.installEventFilter(self)
        first = self.tree.topLevelItem(0)
        if first is not None:
            self.tree.setCurrentItem(first)

    def _timeline_plot(self) -> TimelinePlot:
        """When each outlet ran the story; a click opens that story in the window."""
        ids = [a.id for a in (self.base, *self.versions)]
        timeline = story_timeline([self.base, *self.versions], ids, (self.base.id,))
        plot = TimelinePlot(timeline, self)
        plot.entry_activated.connect(self.open_requested)
        plot.setToolTip("When each outlet ran it: click a story to open it")
        return plot

    def _version_item(self, v: int, article: Article) -> QTreeWidgetItem:
        assert self.collation is not None
        summary = self.collation.diffs[v].summary
        additions = self.collation.additions[v]
        item = QTreeWidgetItem(
            [
                f"{v + 1}. {article.title or article.id}",
                article.source or "—",
                article.date or "undated",
                f"{summary.kept:.0%}",
                f"{summary.words_added} words",
            ]
        )
        item.setData(0, Qt.ItemDataRole.UserRole, article.id)
        item.setToolTip(0, f"{article.title or article.id}\n{article.id}")
        text = self.collation.texts[v + 1]
        for addition in additions:
            start, end = addition.span
            added = text[start:end]
            where = "at the start" if addition.after is None else f"after ¶{addition.after + 1}"
            preview = added if len(added) <= ADDED_PREVIEW else added[:ADDED_PREVIEW] + "…"
            child = QTreeWidgetItem([f"+ {where}: {preview}"])
            child.setToolTip(0, added)
            item.addChild(child)
        if not additions:
            item.addChild(QTreeWidgetItem(["adds no paragraphs"]))
        return item

    def show_additions(self, item: QTreeWidgetItem | None) -> None:
        """The current version's added paragraphs in full, below the list."""
        if self.collation is None:
            return
        v = self._top_index(item)
        if v is None or v < 0:
            self.additions_pane.clear()
            return
        article, text = self.versions[v], self.collation.texts[v + 1]
        parts = [f"<h3>What {v + 1}. {_escape(outlet(article))} adds</h3>"]
        for addition in self.collation.additions[v]:
            where = "At the start" if addition.after is None else f"After ¶{addition.after + 1}"
            start, end = addition.span
            body = "".join(
                f"<p>{_escape(p)}</p>" for p in text[start:end].split("\n\n") if p.strip()
            )
            parts.append(f"<p><i>{where} of the base:</i></p>{body}")
        if not self.collation.additions[v]:
            parts.append("<p>Nothing: every paragraph it has comes from the base.</p>")
        self.additions_pane.setHtml("".join(parts))

    # -- what the user does ----------------------------------------------------------------
    def version_ids(self) -> list[str]:
        return [a.id for a in self.versions]

    def open_version(self, v: int) -> None:
        """Ask for the compare view of the base against version `v`."""
        self.compare_requested.emit(self.base.id, self.versions[v].id)

    def _top_index(self, item: QTreeWidgetItem | None) -> int | None:
        while item is not None and item.parent() is not None:
            item = item.parent()
        return None if item is None else self.tree.indexOfTopLevelItem(item)

    def _on_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        if item.parent() is None:  # a click on an added paragraph only selects it
            self.open_version(self.tree.indexOfTopLevelItem(item))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.tree and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                v = self._top_index(self.tree.currentItem())
                if v is not None and v >= 0:
                    self.open_version(v)
                    return True
        return super().eventFilter(watched, event)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
