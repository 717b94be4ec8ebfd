"""The main window: document list, search bar, reading pane, docks and status bar.

It draws what the `CorpusSession` reports and sends it requests; it computes nothing itself.
Searches carry a generation number: an answer to any but the newest query is dropped.
"""

from __future__ import annotations

from pathlib import Path

import markdown
from PySide6.QtCore import QByteArray, QItemSelectionModel, QModelIndex, Qt, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QIcon,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMainWindow,
    QProgressBar,
    QSplitter,
    QTableView,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from reader.bundled import sample_corpus_dir
from reader.corpus.model import Article, Problem
from reader.entities.model import Entity, entity_key
from reader.entities.resolve import Resolution
from reader.related.clusters import Cluster
from reader.related.timeline import story_timeline
from reader.services.build import BuildReport
from reader.services.lookup import entity_query, hide_entity, merge_entities, rename_entity
from reader.services.relate import Related
from reader.ui.cluster.timeline import StoryTimelineView
from reader.ui.cluster.view import ClusterView, version_order
from reader.ui.compare.view import CompareView
from reader.ui.corpus_session import CorpusSession
from reader.ui.docks.entities import EntitiesDock
from reader.ui.docks.problems import ProblemsDock
from reader.ui.docks.related import RelatedDock
from reader.ui.jobs import JobRunner
from reader.ui.models.document_table import (
    DATE,
    FORMAT,
    SOURCE,
    TITLE,
    VERSIONS,
    WORDS,
    DocumentTableModel,
    Row,
)
from reader.ui.reading_pane import ReadingPane
from reader.ui.search_bar import SearchBar
from reader.ui.search_service import ArticleHits, Matches
from reader.ui.settings import UiSettings, window_state
from reader.ui.shortcuts import BY_ACTION, shortcuts_markdown

APP_NAME = "Corpus Reader"

OPEN_ORIGINAL_TIP = "Open the article's file in the system's viewer"
KEPT_INSIDE = {
    "warc": "A captured web page opens only here: outside the reader it could reach the network",
    "html": "An HTML file opens only here: in a browser it could reach the network",
}
"""Formats never handed to another program, and why (the action's tooltip says it)."""


def warm_up_comparing() -> None:
    """Import what the first compare view needs (rapidfuzz loads numpy: 0.2–0.3 s) on a worker
    thread once the list is shown, so opening that view does not stall the window (28 ms
    longest stall in a thread against 210 ms on the GUI thread)."""
    import numpy  # noqa: F401
    import rapidfuzz.process  # noqa: F401


class MainWindow(QMainWindow):
    """One window over one open corpus at a time."""

    corpus_opened = Signal(str)
    article_shown = Signal(str)
    listing_shown = Signal(int)
    entities_shown = Signal(int)
    clusters_shown = Signal(int)

    def __init__(self, settings: UiSettings | None = None) -> None:
        super().__init__()
        self.settings = settings or UiSettings.load()
        self.session: CorpusSession | None = None
        self._generation = 0
        self._query = ""
        self._open_id: str | None = None
        self._summary = ""
        self._resolution: Resolution | None = None
        self.compare_view: CompareView | None = None
        self.cluster_view: ClusterView | None = None
        self._version_cluster: Cluster | None = None
        self._event_group: Cluster | None = None
        self._version_clusters: dict[str, Cluster] = {}
        """Each article's version cluster, from the last relating run."""
        self.timeline_view: StoryTimelineView | None = None
        self._warm_jobs = JobRunner(self)
        self._warmed = False
        self.setWindowTitle(APP_NAME)
        self.setAcceptDrops(True)
        self.actions_by_id: dict[str, QAction] = {}
        self._build_widgets()
        self._build_actions()
        self._build_menus()
        self._restore_state()

    # -- construction ----------------------------------------------------------------------
    def _build_widgets(self) -> None:
        """Search bar and list beside the reading pane, the docks, the status bar.

        Made in this order because Qt's default Tab order is the order widgets are made in.
        """
        self.search_bar = SearchBar(self)
        self._build_document_list()
        self._build_central()
        self._build_docks()
        self._build_status_bar()
        self._connect_search_bar()

    def _build_document_list(self) -> None:
        """The article list: newest first, one whole row selected, fixed-height rows (a long
        corpus scrolls without measuring every row)."""
        self.model = DocumentTableModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("documentList")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(DATE, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        header.setHighlightSections(False)
        fmt_width = self.fontMetrics().horizontalAdvance("Web capture") + 16
        for column, width in (
            (SOURCE, 140), (DATE, 86), (WORDS, 58), (VERSIONS, 60), (FORMAT, fmt_width)
        ):  # fmt: skip
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            self.table.setColumnWidth(column, width)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row)
        self.table.activated.connect(lambda _i: self.focus_article())

    def _build_central(self) -> None:
        """Search bar over the list on the left, the reading pane on the right; neither can be
        collapsed away by dragging the splitter."""
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.setSpacing(0)
        left_layout.addWidget(self.search_bar)
        left_layout.addWidget(self.table, 1)
        self.reading_pane = ReadingPane(self)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.reading_pane)
        self.splitter.setStretchFactor(0, 5)
        self.splitter.setStretchFactor(1, 6)
        self.splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.splitter)

    def _build_docks(self) -> None:
        """Entities and related stories on the right, problems below (shown when there are
        some); the docks only ask, the window acts."""
        self.entities_dock = EntitiesDock(self)
        self.related_dock = RelatedDock(self)
        self.problems_dock = ProblemsDock(self)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.entities_dock)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.related_dock)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.problems_dock)
        self.problems_dock.hide()
        self.entities_dock.entity_activated.connect(self._on_entity)
        self.entities_dock.scope_changed.connect(lambda _on: self._fill_entities())
        self.entities_dock.rename_requested.connect(self._on_rename_entity)
        self.entities_dock.hide_requested.connect(self._on_hide_entity)
        self.entities_dock.merge_requested.connect(self._on_merge_entity)
        self.related_dock.open_requested.connect(self.open_article)
        self.related_dock.view.selectionModel().currentRowChanged.connect(
            lambda *_a: self._on_related_selected()
        )
        self.related_dock.model.modelReset.connect(self._on_related_selected)

    def _build_status_bar(self) -> None:
        """The corpus summary, the hit counter, and a progress bar with Cancel shown while a
        job runs."""
        self.status_label = QLabel(self)
        self.hit_label = QLabel(self)
        self.progress = QProgressBar(self)
        self.progress.setFixedWidth(250)
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.cancel_button = QToolButton(self)
        self.cancel_button.setText("Cancel")
        self.cancel_button.hide()
        self.cancel_button.clicked.connect(self.cancel_job)
        bar = self.statusBar()
        bar.addWidget(self.status_label, 1)
        bar.addPermanentWidget(self.hit_label)
        bar.addPermanentWidget(self.progress)
        bar.addPermanentWidget(self.cancel_button)
        self.reading_pane.hit_moved.connect(
            lambda i, n: self.hit_label.setText(f"hit {i + 1} of {n}")
        )

    def _connect_search_bar(self) -> None:
        """The search bar only says what the reader typed or pressed; the window acts on it."""
        self.search_bar.query_changed.connect(self._on_query)
        self.search_bar.step.connect(self.move_selection)
        self.search_bar.activated.connect(self._on_search_enter)
        self.search_bar.escaped.connect(self.clear_search)
        self.search_bar.set_history(self.settings.search_history)

    def _action(self, action_id: str, slot: object, *, checkable: bool = False) -> QAction:
        entry = BY_ACTION[action_id]
        action = QAction(entry.label, self)
        action.setObjectName(action_id)
        if entry.icon:
            action.setIcon(QIcon.fromTheme(entry.icon))
        action.setShortcuts(entry.sequences())
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.setCheckable(checkable)
        (action.toggled if checkable else action.triggered).connect(slot)
        self.addAction(action)
        self.actions_by_id[action_id] = action
        return action

    def _build_actions(self) -> None:
        a = self._action
        a("file.open", self.choose_folder)
        a("file.sample", lambda: self.open_corpus(sample_corpus_dir()))
        a("file.original", self.open_original)
        self._update_open_original()  # disabled until an article is open
        a("file.quit", self.close)
        a("search.focus", self.focus_search)
        a("search.next_hit", lambda: self.reading_pane.step_hit(1))
        a("search.previous_hit", lambda: self.reading_pane.step_hit(-1))
        a("search.history", self.search_bar.show_history)
        a("view.list", lambda: self.table.setFocus())
        a("view.article", self.focus_article)
        a("view.raw", self.reading_pane.set_raw, checkable=True)
        a("view.entities", lambda: self._raise_dock(self.entities_dock))
        a("view.related", lambda: self._raise_dock(self.related_dock))
        a("view.problems", lambda: self._raise_dock(self.problems_dock))
        compare = a("related.compare", self._on_compare)
        compare.setEnabled(False)  # until a related story is selected
        cluster = a("related.cluster", self.show_cluster)
        cluster.setEnabled(False)  # until the open article is known to have versions
        timeline = a("related.timeline", self.show_timeline)
        timeline.setEnabled(False)  # until the open article is known to have related stories
        a("index.update", self._on_update_index)
        a("index.cancel", self.cancel_job)
        a("help.shortcuts", self.show_shortcuts)
        # Keys the search bar handles itself are in the table for the docs, not bound here.

    def _build_menus(self) -> None:
        acts = self.actions_by_id
        menu = self.menuBar().addMenu("&File")
        menu.addAction(acts["file.open"])
        self.recent_menu = menu.addMenu("Open &recent")
        menu.addAction(acts["file.sample"])
        menu.addSeparator()
        menu.addAction(acts["file.original"])
        menu.setToolTipsVisible(True)  # why "Open original" is off for a web page
        menu.addSeparator()
        menu.addAction(acts["file.quit"])
        self._fill_recent_menu()
        menu = self.menuBar().addMenu("&Search")
        for name in ("search.focus", "search.history", "search.next_hit", "search.previous_hit"):
            menu.addAction(acts[name])
        menu = self.menuBar().addMenu("&View")
        for name in ("view.list", "view.article", "view.raw"):
            menu.addAction(acts[name])
        menu.addSeparator()
        for dock in (self.entities_dock, self.related_dock, self.problems_dock):
            menu.addAction(dock.toggleViewAction())
        menu = self.menuBar().addMenu("S&tories")
        menu.addAction(acts["related.compare"])
        menu.addAction(acts["related.cluster"])
        menu.addAction(acts["related.timeline"])
        menu = self.menuBar().addMenu("&Index")
        menu.addAction(acts["index.update"])
        menu.addAction(acts["index.cancel"])
        menu = self.menuBar().addMenu("&Help")
        menu.addAction(acts["help.shortcuts"])

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        for folder in self.settings.recent_corpora:
            action = self.recent_menu.addAction(folder)
            action.triggered.connect(lambda _=False, f=folder: self.open_corpus(Path(f)))
        self.recent_menu.setEnabled(bool(self.settings.recent_corpora))

    # -- window state ----------------------------------------------------------------------
    def _restore_state(self) -> None:
        state = window_state()
        geometry = state.value("geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:  # first run: the article gets the most room, the docks a narrow column
            self.resize(1360, 820)
            self.splitter.setSizes([560, 560])
            self.resizeDocks([self.entities_dock], [260], Qt.Orientation.Horizontal)
        for key, restore in (
            ("windowState", self.restoreState),
            ("splitter", self.splitter.restoreState),
        ):
            value = state.value(key)
            if isinstance(value, QByteArray) and not value.isEmpty():
                restore(value)

    def save_state(self) -> None:
        state = window_state()
        state.setValue("geometry", self.saveGeometry())
        state.setValue("windowState", self.saveState())
        state.setValue("splitter", self.splitter.saveState())
        state.sync()
        self.settings.save()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        self._warm_jobs.shutdown()
        if self.session is not None:
            self.session.close()
        super().closeEvent(event)

    # -- corpora ---------------------------------------------------------------------------
    def open_corpus(self, root: Path) -> None:
        """Show the corpus at once (what an earlier build left), then update its index."""
        root = Path(root).expanduser().resolve()
        if not root.is_dir():
            self.status_label.setText(f"{root}: not a folder")
            return
        if self.session is not None:
            self.session.close()
            self.session.deleteLater()
        self._open_id = None
        self.model.set_rows([])
        self.reading_pane.show_placeholder("Open an article from the list.")
        self._update_open_original()
        self.session = session = CorpusSession(root, self)
        session.index_started.connect(self._on_index_started)
        session.index_progress.connect(self._on_index_progress)
        session.index_finished.connect(self._on_index_finished)
        session.index_failed.connect(self._on_job_ended)
        session.index_cancelled.connect(lambda: self._on_job_ended("indexing cancelled"))
        session.listing_ready.connect(self._on_listing)
        session.problems_changed.connect(self._on_problems)
        session.skipped_changed.connect(self.problems_dock.set_skipped)
        session.matches_ready.connect(self._on_matches)
        session.search_failed.connect(self._on_search_failed)
        session.hits_ready.connect(self._on_hits)
        session.entities_ready.connect(self._on_entities)
        session.extractor_known.connect(self.entities_dock.set_extractor)
        session.clusters_ready.connect(self._on_clusters)
        session.related_ready.connect(self._on_related)
        self.related_dock.set_related([])
        session.entities_failed.connect(self._on_job_ended)
        self._resolution = None
        self.reading_pane.set_entities([])
        self.entities_dock.set_entities([], "Entities appear when the corpus has been read.")
        self.setWindowTitle(f"{root.name} — {APP_NAME}")
        if root != sample_corpus_dir().resolve():
            self.settings.add_recent(str(root))
            self._fill_recent_menu()
        session.start()
        self.corpus_opened.emit(str(root))

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Open a folder of articles")
        if folder:
            self.open_corpus(Path(folder))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if _dropped_folder(event) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        folder = _dropped_folder(event)
        if folder is not None:
            event.acceptProposedAction()
            self.open_corpus(folder)

    # -- jobs ------------------------------------------------------------------------------
    def _on_index_started(self) -> None:
        self.progress.setRange(0, 0)
        self.progress.setFormat("Indexing…")
        self.progress.show()
        self.cancel_button.show()
        self.status_label.setText("Checking the folder for new and changed files…")

    def _on_index_progress(self, label: str, done: int, total: int, what: str) -> None:
        self.progress.show()
        self.cancel_button.show()
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress.setFormat(f"{label} %v/%m")
        self.status_label.setText(f"{label}: {what}")

    def _on_index_finished(self, report: BuildReport) -> None:
        self._hide_progress()
        changes = report.added + report.updated + report.deleted
        text = f"{report.documents:,} articles"
        if changes:
            text += (f" · {report.added} added, {report.updated} updated, "
                     f"{report.deleted} removed in {report.seconds:.1f} s")  # fmt: skip
        if report.problems:
            text += f" · {len(report.problems)} file(s) could not be read"
        if report.rebuilt_because:
            text += f" · index rebuilt ({report.rebuilt_because})"
        self._summary = text
        self.status_label.setText(text)
        if self._query:
            self._run_search()  # the index changed under the results
        if self._open_id is not None and self.model.row_of(self._open_id) is None:
            self._open_id = None

    def _on_job_ended(self, message: str) -> None:
        self._hide_progress()
        self.status_label.setText(message)

    def _hide_progress(self) -> None:
        self.progress.hide()
        self.cancel_button.hide()

    def cancel_job(self) -> None:
        if self.session is not None and self.session.indexing:
            self.status_label.setText("Cancelling…")
            self.session.cancel_index()

    def _on_update_index(self) -> None:
        if self.session is not None:
            self.session.update_index()

    def _on_listing(self, rows: list[Row]) -> None:
        current = self._open_id
        self.model.set_rows(rows)
        # a folder of one kind of file says so in the reading pane, not in every row
        self.table.setColumnHidden(FORMAT, len(self.model.formats()) < 2)
        self.search_bar.set_sources(self.model.sources())
        if current is not None:
            self._select_id(current)
        self.listing_shown.emit(self.model.total)
        if not self._warmed:
            self._warmed = True
            self._warm_jobs.start("warm up", lambda _p, _c: warm_up_comparing())

    def _on_problems(self, problems: list[Problem]) -> None:
        self.problems_dock.set_problems(problems)
        if problems and self.problems_dock.isHidden():
            self.problems_dock.show()

    # -- search ----------------------------------------------------------------------------
    def _on_query(self, query: str) -> None:
        self._query = query
        self._generation += 1
        if not query:
            self.search_bar.show_error(None)
            self.model.set_filter(None)
            self.table.sortByColumn(DATE, Qt.SortOrder.DescendingOrder)  # newest first again
            self.status_label.setText(f"{self.model.total:,} articles")
            if self._open_id is not None:
                self.reading_pane.set_hits(())
                self._select_id(self._open_id)
            return
        self._run_search()

    def _run_search(self) -> None:
        if self.session is None:
            return
        self.session.search_service.latest_generation = self._generation
        self.session.search(self._generation, self._query)

    def _on_matches(self, matches: Matches) -> None:
        if matches.generation != self._generation:
            return  # an older query's answer: dropped
        self.search_bar.show_error(None)
        self.model.set_filter(matches.ids)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        shown = self.model.rowCount()
        self.status_label.setText(f"{shown:,} of {self.model.total:,} articles match")
        if shown:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(0, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        if shown and matches.query:
            self.settings.add_search(matches.query)
            self.search_bar.set_history(self.settings.search_history)

    def _on_search_failed(self, generation: int, message: str) -> None:
        if generation == self._generation:
            self.search_bar.show_error(message)

    def move_selection(self, step: int) -> None:
        """↓/↑ from the search bar: move through the results, keeping the focus there."""
        rows = self.model.rowCount()
        if not rows:
            return
        current = self.table.currentIndex()
        row = 0 if not current.isValid() and step > 0 else current.row() + step
        row = min(max(row, 0), rows - 1)
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)

    def _on_search_enter(self) -> None:
        if self.model.rowCount() and not self.table.currentIndex().isValid():
            self.move_selection(1)
        if self.table.currentIndex().isValid():
            self.focus_article()

    def clear_search(self) -> None:
        """Esc: drop the query and the filters, and go back to the (whole) list."""
        self.search_bar.clear()
        self.search_bar.show_error(None)
        self.table.setFocus()

    def focus_search(self) -> None:
        self.search_bar.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_bar.edit.selectAll()

    def _on_entity(self, name: str, entity_type: str) -> None:
        """Clicking an entity filters the list to the articles that name it."""
        self.search_bar.set_text(entity_query(Entity(name, entity_type, (), 0, ())))

    # -- entities --------------------------------------------------------------------------
    def _on_entities(self, resolution: Resolution) -> None:
        self._resolution = resolution
        if not (self.session and self.session.indexing):
            self._hide_progress()
        self._fill_entities()
        self._colour_entities()
        if not self._query:
            self.status_label.setText(f"{self._summary} · {len(resolution.entities):,} entities")
        self.entities_shown.emit(len(resolution.entities))

    def _fill_entities(self) -> None:
        res = self._resolution
        if res is None:
            return
        if self.entities_dock.article_only.isChecked():
            counts: dict[tuple[str, str], int] = {}
            for span in res.doc_spans.get(self._open_id or "", []):
                counts[(span.name, span.type)] = counts.get((span.name, span.type), 0) + 1
            rows = [(n, t, c) for (n, t), c in counts.items()]
            note = "" if self._open_id else "Open an article to see its entities."
        else:
            rows = [(e.name, e.type, e.count) for e in res.entities.values()]
            note = "" if rows else "No entities found in this corpus."
        rows.sort(key=lambda r: (-r[2], r[0]))
        self.entities_dock.set_entities(rows, note)

    def _colour_entities(self) -> None:
        if self._resolution is None or self._open_id is None:
            return
        if self.reading_pane.article is not None and self.reading_pane.article.id == self._open_id:
            self.reading_pane.set_entities(self._resolution.doc_spans.get(self._open_id, []))

    def _on_rename_entity(self, name: str, entity_type: str) -> None:
        new, ok = QInputDialog.getText(self, "Rename entity", f"New name for {name}:", text=name)
        if ok and new.strip() and new.strip() != name and self.session is not None:
            key = entity_key(entity_type, name)
            self.session.edit_entities(lambda ix: rename_entity(ix, key, new.strip()))

    def _on_hide_entity(self, name: str, entity_type: str) -> None:
        if self.session is not None:
            key = entity_key(entity_type, name)
            self.session.edit_entities(lambda ix: hide_entity(ix, key))

    def _on_merge_entity(self, name: str, entity_type: str, into: str) -> None:
        if self.session is not None:
            key, target = entity_key(entity_type, name), entity_key(entity_type, into)
            self.session.edit_entities(lambda ix: merge_entities(ix, key, target))

    # -- reading ---------------------------------------------------------------------------
    def _on_current_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.open_article(self.model.doc_id(current.row()))

    def open_article(self, doc_id: str) -> None:
        if self.session is None:
            return
        article = self.session.article(doc_id)
        if article is None:
            self.reading_pane.show_placeholder(f"{doc_id} is no longer in the corpus.")
            self._update_open_original()
            return
        self._open_id = doc_id
        self._set_version_cluster(None)
        self.reading_pane.show_article(article)
        self._update_open_original()
        self._colour_entities()
        self.session.find_related(doc_id)
        if self.entities_dock.article_only.isChecked():
            self._fill_entities()
        self.hit_label.setText("")
        if self._query:
            self.session.find_hits(self._generation, self._query, doc_id)
        self.article_shown.emit(doc_id)

    def _on_hits(self, found: ArticleHits) -> None:
        if found.generation != self._generation or found.doc_id != self._open_id:
            return
        self.reading_pane.set_hits(found.hits)
        if not found.hits:
            self.hit_label.setText("no hits in the text")

    def focus_article(self) -> None:
        self.reading_pane.browser.setFocus(Qt.FocusReason.ShortcutFocusReason)

    # -- the original file -----------------------------------------------------------------
    def _update_open_original(self) -> None:
        """File › Open original: on for the open article, off (saying why) for a web page."""
        action = self.actions_by_id["file.original"]
        article = self.reading_pane.article
        kept = KEPT_INSIDE.get(article.format) if article is not None else None
        action.setEnabled(article is not None and kept is None)
        if article is None:
            tip = "Open an article first"
        elif "/" in article.id.partition("#")[2]:  # an attachment lives in its message's file
            tip = kept or "Open the message holding this attachment in the system's viewer"
        else:
            tip = kept or OPEN_ORIGINAL_TIP
        action.setToolTip(tip)
        action.setStatusTip(tip)

    def original_file(self, article: Article) -> Path | None:
        """The file the article was read from: its recorded path (absolute, or relative to the
        corpus root), else the file its id names (`file#N` and `file.eml#0/NAME` are `file`);
        None when neither is there any more."""
        if self.session is None:
            return None
        root = self.session.root
        recorded = Path(article.path)
        for path in (recorded if recorded.is_absolute() else root / recorded,
                     root / article.id.split("#", 1)[0]):  # fmt: skip
            if path.is_file():
                return path
        return None

    def open_original(self) -> bool:
        """Hand the open article's file to the system's viewer (never a web page or HTML
        file: the reader's own view shows those without reaching the network)."""
        article = self.reading_pane.article
        if article is None or article.format in KEPT_INSIDE:
            return False
        path = self.original_file(article)
        if path is None:
            self.status_label.setText(f"The file of {article.id} is no longer there.")
            return False
        if not self._open_external(QUrl.fromLocalFile(str(path))):
            self.status_label.setText(f"No program could open {path.name}.")
            return False
        return True

    def _open_external(self, url: QUrl) -> bool:
        """The one place the window hands something to another program."""
        return QDesktopServices.openUrl(url)

    def _select_id(self, doc_id: str) -> None:
        row = self.model.row_of(doc_id)
        if row is None:
            return
        index = self.model.index(row, 0)
        selection = self.table.selectionModel()
        selection.blockSignals(True)
        selection.setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        selection.blockSignals(False)
        self.table.viewport().update()
        self.table.scrollTo(index)

    # -- related stories -------------------------------------------------------------------
    def _on_clusters(self, clusters: list[Cluster]) -> None:
        """The Versions column: how many versions of its story the corpus holds."""
        self._version_clusters = {
            doc: cluster
            for cluster in clusters
            if cluster.kind == "versions"
            for doc in cluster.members
        }
        self.model.set_versions({doc: len(c.members) for doc, c in self._version_clusters.items()})
        if not (self.session and self.session.indexing):
            self._hide_progress()
        if self._open_id is not None and self.session is not None:
            self.session.find_related(self._open_id)
        self.clusters_shown.emit(len(clusters))

    def _on_related(self, related: Related) -> None:
        if related.doc_id != self._open_id:
            return
        self._set_version_cluster(related.version_cluster, related.event_group)
        rows: list[tuple[str, str, str, str]] = []
        for story, kind in [(s, "version") for s in related.versions] + [
            (s, "same event") for s in related.same_event
        ]:
            listing = self.model.row_for(story.doc_id)
            title, source = (
                (listing[1] or story.doc_id, listing[2]) if listing else (story.doc_id, "")
            )
            if kind == "version":
                how = f"version · {story.kept:.0%} kept" if story.kept is not None else "version"
            else:
                how = f"same event · {story.reason}" if story.reason else "same event"
            rows.append((story.doc_id, title, source, how))
        self.related_dock.set_related(rows)

    # -- docks and help --------------------------------------------------------------------
    def _raise_dock(self, dock: QWidget) -> None:
        dock.show()
        dock.raise_()
        dock.setFocus()

    def _on_related_selected(self) -> None:
        enabled = self._open_id is not None and self.related_dock.selected_id() is not None
        self.actions_by_id["related.compare"].setEnabled(enabled)

    def _on_compare(self) -> None:
        """Open the compare view: the open article (A) against the selected related story (B)."""
        other = self.related_dock.selected_id()
        if self.session is None or self._open_id is None or other is None:
            return
        self.compare(self._open_id, other)

    def compare(self, doc_a: str, doc_b: str) -> CompareView | None:
        """Show the compare view of two documents of the open corpus; None when one is gone."""
        if self.session is None:
            return None
        a, b = self.session.article(doc_a), self.session.article(doc_b)
        if a is None or b is None:
            self.status_label.setText(f"{doc_b if a else doc_a} is no longer in the corpus.")
            return None
        entities = None
        if self._resolution is not None:  # the same sets as entities.lookup.entity_changes
            spans = self._resolution.doc_spans
            names_a = {(s.type, s.name) for s in spans.get(doc_a, [])}
            names_b = {(s.type, s.name) for s in spans.get(doc_b, [])}
            entities = (tuple(sorted(names_b - names_a)), tuple(sorted(names_a - names_b)))
        if self.compare_view is not None:
            self.compare_view.close()
            self.compare_view.deleteLater()
        self.compare_view = CompareView(a, b, entities, self)
        self.compare_view.show()
        self.compare_view.raise_()
        return self.compare_view

    def _set_version_cluster(self, cluster: Cluster | None, group: Cluster | None = None) -> None:
        self._version_cluster = cluster if cluster and len(cluster.members) > 1 else None
        self._event_group = group if group and len(group.members) > 1 else None
        self.actions_by_id["related.cluster"].setEnabled(self._version_cluster is not None)
        self.actions_by_id["related.timeline"].setEnabled(
            self._version_cluster is not None or self._event_group is not None
        )

    def show_timeline(self) -> StoryTimelineView | None:
        """Show when each outlet ran the open article's story (Stories › Story timeline): its
        versions and its same-event stories."""
        cluster, group = self._version_cluster, self._event_group
        if self.session is None or (cluster is None and group is None):
            return None
        ids = list(dict.fromkeys([*(cluster.members if cluster else ()),
                                  *(group.members if group else ())]))  # fmt: skip
        articles = [a for a in (self.session.article(i) for i in ids) if a is not None]
        if len(articles) < 2:
            self.status_label.setText("The related stories are no longer in the corpus.")
            return None
        # an event group may hold one or more version clusters: mark each one's versions
        clusters = {self._version_clusters.get(i) for i in ids} | {cluster}
        versions = {m for c in clusters if c is not None for m in c.members}
        originals = {c.original for c in clusters if c is not None and c.original}
        timeline = story_timeline(articles, versions, originals)
        title = next((a.title for a in articles if a.id == self._open_id and a.title), "")
        if self.timeline_view is not None:
            self.timeline_view.close()
            self.timeline_view.deleteLater()
        self.timeline_view = StoryTimelineView(timeline, title or "this story", self)
        self.timeline_view.open_requested.connect(self.open_article)
        self.timeline_view.show()
        self.timeline_view.raise_()
        return self.timeline_view

    def show_cluster(self) -> ClusterView | None:
        """Show the cluster view of the open article's version cluster (Stories › Version
        cluster): its original as the base, the other versions by date."""
        cluster = self._version_cluster
        if self.session is None or cluster is None:
            return None
        base_id = cluster.original or cluster.members[0]
        base = self.session.article(base_id)
        others = [self.session.article(m) for m in cluster.members if m != base_id]
        versions = [v for v in others if v is not None]
        if base is None or not versions:
            self.status_label.setText("The versions of this story are no longer in the corpus.")
            return None
        if self.cluster_view is not None:
            self.cluster_view.close()
            self.cluster_view.deleteLater()
        self.cluster_view = ClusterView(base, version_order(versions), self)
        self.cluster_view.compare_requested.connect(self.compare)
        self.cluster_view.open_requested.connect(self.open_article)
        self.cluster_view.show()
        self.cluster_view.raise_()
        return self.cluster_view

    def show_shortcuts(self) -> None:
        dialog = QDialog(self)
        dialog.setWindowTitle("Keyboard shortcuts")
        view = QTextBrowser(dialog)
        view.setOpenLinks(False)
        html = markdown.markdown(shortcuts_markdown(), extensions=["tables"])
        view.setHtml(html.replace("<table>", '<table cellpadding="4" width="100%">', 1))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(view)
        layout.addWidget(buttons)
        dialog.resize(520, 560)
        dialog.open()
        self._shortcuts_dialog = dialog


def _dropped_folder(event: QDragEnterEvent | QDropEvent) -> Path | None:
    mime = event.mimeData()
    if not mime.hasUrls():
        return None
    for url in mime.urls():
        if url.isLocalFile() and Path(url.toLocalFile()).is_dir():
            return Path(url.toLocalFile())
    return None
