"""One open corpus: its index, the jobs that build and search it, and a folder watcher.

The window talks to this object only; it runs every piece of core work as a job (index builds
on one thread, searches on another) and reports back through signals. Nothing here draws.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

from reader.corpus.model import Article, Problem
from reader.pipeline import ENTITIES, INDEX, RELATED, Stage, next_stage
from reader.services.build import BuildReport, CorpusIndex
from reader.store.documents import DocumentStore
from reader.ui.jobs import CancelFn, Job, JobFailure, JobRunner, ProgressFn
from reader.ui.models.document_table import Row
from reader.ui.search_service import ArticleHits, Matches, SearchService
from reader.ui.workers import stage_job

WATCH_DEBOUNCE_MS = 400
"""Files arrive in bursts (a copy, an unzip): one update after the burst, not one per file."""
MAX_WATCHED_FILES = 4000
"""Files watched one by one for in-place edits; above this only folders are (adds, removes)."""


class CorpusSession(QObject):
    """The corpus the window shows. Signals arrive in the GUI thread."""

    index_started = Signal()
    index_progress = Signal(str, int, int, str)  # job label, done, total, what
    index_finished = Signal(object)  # BuildReport
    index_failed = Signal(str)
    index_cancelled = Signal()
    listing_ready = Signal(list)  # list of document_table.Row
    problems_changed = Signal(list)  # list[Problem]
    skipped_changed = Signal(list)  # list[Problem]: files no format reads, with the reason
    matches_ready = Signal(object)  # Matches
    search_failed = Signal(int, str)  # generation, message
    hits_ready = Signal(object)  # ArticleHits
    entities_ready = Signal(object)  # reader.entities.resolve.Resolution
    entities_failed = Signal(str)
    extractor_known = Signal(str)  # what found the entities, in words
    clusters_ready = Signal(list)  # list[reader.related.clusters.Cluster]
    related_ready = Signal(object)  # reader.services.relate.Related

    def __init__(self, root: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.root = Path(root).resolve()
        self.index = CorpusIndex(self.root)
        self.search_service = SearchService(self.index)
        self._index_jobs = JobRunner(self)
        self._search_jobs = JobRunner(self)
        self._reader: DocumentStore | None = None
        self._index_job: Job | None = None
        self._rerun = False
        self._closed = False
        self._watcher = QFileSystemWatcher(self)
        self._watcher.directoryChanged.connect(self._on_folder_changed)
        self._watcher.fileChanged.connect(self._on_folder_changed)
        self._debounce = QTimer(self, singleShot=True, interval=WATCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.update_index)

    # -- index -----------------------------------------------------------------------------
    @property
    def indexing(self) -> bool:
        return self._index_job is not None

    def start(self) -> None:
        """Show what an earlier build left at once, then bring the index up to date."""
        if self.index.is_built():
            self._load_listing()
        self.update_index()

    def update_index(self) -> None:
        """Run the incremental update (again, once, if one is running now)."""
        if self._closed:
            return
        if self._index_job is not None:
            self._rerun = True
            if self._index_job.name in (ENTITIES.name, RELATED.name):
                self._index_job.cancel()  # the folder changed: index first, entities after
            return
        self._rerun = False
        self._run_stage(INDEX)
        self.index_started.emit()

    def _run_stage(self, stage: Stage) -> None:
        """Start a stage of the refresh (`reader.pipeline`, in its order) in a child process;
        each stage's handlers start the next."""
        handlers = {
            INDEX.name: (self._on_index_done, self._on_index_failed, self._on_index_cancelled),
            ENTITIES.name: (
                self._on_entities_done,
                self._on_entities_failed,
                self._on_entities_cancelled,
            ),
            RELATED.name: (self._on_related_done, self._on_related_failed, self._on_related_failed),
        }
        on_done, on_failed, on_cancelled = handlers[stage.name]
        self._index_job = self._index_jobs.start(
            stage.name,
            stage_job(stage.name, self.index.root, self.index.directory),
            on_done=on_done,
            on_failed=on_failed,
            on_progress=lambda d, t, w: self.index_progress.emit(stage.label, d, t, w),
            on_cancelled=on_cancelled,
        )

    def cancel_index(self) -> None:
        if self._index_job is not None:
            self._rerun = False
            self._index_job.cancel()

    def _on_index_done(self, report: BuildReport) -> None:
        self._index_job = None
        self.search_service.index_changed()
        self.index_finished.emit(report)
        self.problems_changed.emit(list(report.problems))
        self.skipped_changed.emit(list(report.skipped))
        self._load_listing()
        self._watch()
        self._next_stage(after=INDEX)

    def _next_stage(self, *, after: Stage) -> None:
        """The stage that follows `after` in the refresh's order (`pipeline.next_stage`), or
        the refresh again from the index when the folder changed meanwhile."""
        if self._rerun:
            self.update_index()
            return
        stage = next_stage(after)
        if stage is not None:
            self._run_stage(stage)

    # -- entities --------------------------------------------------------------------------

    def _on_entities_done(self, report: object) -> None:
        self._index_job = None
        description = getattr(report, "description", None)
        if isinstance(description, str) and description and not self._closed:
            self.extractor_known.emit(description)
        self.search_service.index_changed()  # entity fields were written to the index
        self.load_entities()
        self._next_stage(after=ENTITIES)

    def _on_entities_failed(self, failure: JobFailure) -> None:
        self._index_job = None
        self.entities_failed.emit(f"finding entities failed: {failure.message}")
        self._next_stage(after=ENTITIES)  # relating does without entity names

    # -- related stories -------------------------------------------------------------------

    def _on_related_done(self, _report: object) -> None:
        self._index_job = None
        self.load_clusters()
        if self._rerun:
            self.update_index()

    def _on_related_failed(self, failure: JobFailure | None = None) -> None:
        self._index_job = None
        if failure is not None:
            self.entities_failed.emit(f"relating stories failed: {failure.message}")
        if self._rerun:
            self.update_index()
        else:
            self.load_clusters()

    def load_clusters(self) -> None:
        index = self.index

        def read(_progress: ProgressFn, _cancel: CancelFn) -> object:
            from reader.services.relate import corpus_clusters

            try:
                return corpus_clusters(index)
            except FileNotFoundError:
                return []

        self._search_jobs.start(
            "clusters",
            read,
            on_done=lambda found: None if self._closed else self.clusters_ready.emit(found),
        )

    def find_related(self, doc_id: str) -> None:
        """The open article's versions and same-event stories (read from stored results)."""
        index = self.index

        def read(_progress: ProgressFn, _cancel: CancelFn) -> object:
            from reader.services.relate import related_stories

            return related_stories(index, doc_id)

        self._search_jobs.start(
            "related",
            read,
            on_done=lambda found: None if self._closed else self.related_ready.emit(found),
        )

    def _on_entities_cancelled(self) -> None:
        self._index_job = None
        if self._rerun:  # stopped to let a folder change in first
            self.update_index()
            return
        self.index_cancelled.emit()
        self.load_entities()

    def load_entities(self) -> None:
        """Resolve the corpus's entities (and the user's aliases) off the GUI thread."""
        index = self.index

        def resolve(_progress: ProgressFn, _cancel: CancelFn) -> object:
            from reader.services.lookup import resolution

            return resolution(index)

        self._search_jobs.start(
            "resolve entities",
            resolve,
            on_done=lambda res: None if self._closed else self.entities_ready.emit(res),
            on_failed=lambda f: self.entities_failed.emit(f"reading entities failed: {f.message}"),
        )

    def edit_entities(self, change: Callable[[CorpusIndex], object]) -> None:
        """Run an alias change (merge, rename, hide) on the index thread, then reload."""
        index = self.index

        def run(_progress: ProgressFn, _cancel: CancelFn) -> object:
            return change(index)

        self._index_jobs.start(
            "aliases",
            run,
            on_done=self._on_aliases_changed,
            on_failed=lambda f: self.entities_failed.emit(f"changing entities failed: {f.message}"),
        )

    def _on_aliases_changed(self, _updated: object) -> None:
        self.search_service.index_changed()  # the entity fields of some articles changed
        self.load_entities()

    def _on_index_failed(self, failure: JobFailure) -> None:
        self._index_job = None
        busy = "already being indexed" in failure.message
        self.index_failed.emit(failure.message if busy else f"indexing failed: {failure.message}")
        if self._rerun:
            self.update_index()

    def _on_index_cancelled(self) -> None:
        self._index_job = None
        self.search_service.index_changed()
        self.index_cancelled.emit()
        if self.index.is_built():
            self._load_listing()

    def _load_listing(self) -> None:
        store_path = self.index.store_path

        def listing(_progress: ProgressFn, _cancel: CancelFn) -> list[Row]:
            with DocumentStore(store_path) as store:
                return store.listing()

        self._search_jobs.start("listing", listing, on_done=self._on_listing)

    def _on_listing(self, rows: list[Row]) -> None:
        if not self._closed:
            self.listing_ready.emit(rows)

    def _watch(self) -> None:
        root = self.root

        def paths(_progress: ProgressFn, _cancel: CancelFn) -> set[str]:
            return watch_paths(root)

        self._search_jobs.start("watch", paths, on_done=self._on_watch_paths)

    def _on_watch_paths(self, wanted: set[str]) -> None:
        if self._closed:
            return
        current = set(self._watcher.directories()) | set(self._watcher.files())
        if current - wanted:
            self._watcher.removePaths(sorted(current - wanted))
        if wanted - current:
            self._watcher.addPaths(sorted(wanted - current))

    def problems(self) -> list[Problem]:
        if not self.index.is_built():
            return []
        return self._store().problems()

    # -- reading ---------------------------------------------------------------------------
    def _store(self) -> DocumentStore:
        if self._reader is None:
            self._reader = DocumentStore(self.index.store_path)
        return self._reader

    def article(self, doc_id: str) -> Article | None:
        """One article from the store: a keyed SQLite read, quick enough for the GUI thread."""
        if not self.index.store_path.exists():
            return None
        return self._store().article(doc_id)

    # -- search ----------------------------------------------------------------------------
    def search(self, generation: int, query: str) -> None:
        service = self.search_service

        def run(_progress: ProgressFn, _cancel: CancelFn) -> Matches:
            return service.matches(generation, query)

        self._search_jobs.start(
            "search",
            run,
            on_done=self.matches_ready.emit,
            on_failed=lambda f: self.search_failed.emit(generation, f.message),
        )

    def find_hits(self, generation: int, query: str, doc_id: str) -> None:
        service = self.search_service

        def run(_progress: ProgressFn, _cancel: CancelFn) -> ArticleHits:
            return service.hits_in(generation, query, doc_id)

        self._search_jobs.start("hits", run, on_done=self.hits_ready.emit)

    # -- watching the folder ---------------------------------------------------------------
    def _on_folder_changed(self, _path: str) -> None:
        self._debounce.start()

    # -- shutdown --------------------------------------------------------------------------
    def close(self) -> None:
        """Cancel the build, wait for the workers, close the files (the window is closing)."""
        self._closed = True
        self._debounce.stop()
        self.cancel_index()
        self._index_jobs.shutdown()
        self._search_jobs.shutdown()
        self.search_service.close()
        if self._reader is not None:
            self._reader.close()
            self._reader = None


def watch_paths(root: Path) -> set[str]:
    """Every folder (for adds and removes) and, in small corpora, every file (for edits)."""
    folders: list[str] = [str(root)]
    files: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        folders.extend(os.path.join(dirpath, d) for d in dirnames)
        if len(files) <= MAX_WATCHED_FILES:
            files.extend(os.path.join(dirpath, f) for f in filenames)
    if len(files) > MAX_WATCHED_FILES:
        files = []
    return set(folders) | set(files)
