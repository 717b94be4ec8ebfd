"""Build and update a corpus's index: incrementally, in parallel, and safe to interrupt.

A run compares the folder with what the store recorded (size and mtime, then a content hash)
and has reader processes (`reader_pool`) read, clean and index only new and changed files,
each into a segment of its own per batch. This process writes the store and, holding the
index's lock, deletes replaced documents and adopts the readers' segments. Each batch commits
Whoosh first and the store second: a run killed between the two leaves files the store still
calls stale, so the next run indexes them again (replacing documents by id until a run
ends). A run killed anywhere else leaves the last committed batch, which opens and answers;
the next run completes the work.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import time
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reader.base.cancel import CancelFn, Cancelled, ProgressFn
from reader.base.lock import AlreadyIndexing
from reader.base.processes import context
from reader.corpus.decoding import UnreadableText
from reader.corpus.importer import walk_corpus
from reader.corpus.model import Problem
from reader.corpus.registry import skip_reason
from reader.services.reader_pool import (
    FolderLearned,
    LearnFolder,
    LocalReaders,
    Readers,
    ReadTask,
    SegmentDone,
    TaskDone,
    WriteSegment,
)
from reader.services.reading import (
    Boilerplate,
    EntityFields,
    FileResult,
    file_digest,
    learn_folder,
)
from reader.store.documents import DocumentStore, FileRecord
from reader.store.entity_store import indexed_fields
from reader.store.folder import IndexFolder, IndexWriter
from reader.store.related_tables import ensure_schema, put_fingerprints

__all__ = ["AlreadyIndexing", "BuildReport", "CorpusIndex"]

BATCH_FILES = 2000
"""Files per committed batch at most: an interrupted run loses at most this much work."""
READ_CHUNK = 32
"""Files a reader process takes at a time at most..."""
READ_CHUNK_BYTES = 256 * 1024
"""...and bytes: a JSON Lines file of a thousand stories is a task of its own, so both
readers stay busy on a corpus of a few large files."""
TASKS_PER_READER = 2
"""Tasks sent to a reader ahead of its answers: one to work on, one waiting, so it never
idles while this process takes the last answer; bounds the results held in memory."""
SEGMENT_POSTINGS = 1_000_000
"""Postings the readers hold for a batch before it is committed early (~150 MB): bounds the
readers' memory when a few files hold many articles (JSON Lines)."""
SCRATCH_DIR = "scratch"
"""Where readers write their segments before this process moves them into the index."""
READER_PRELOAD = ("__main__", "reader.services.reader_pool")
"""What the process server imports for the readers: their code (and the program's main
module, which each process would import again); a reader spawned bare imported it again
(0.6 s of CPU each, a tenth of a BBC build)."""
_RECORD_ID = re.compile(r"(.*?)#\d+(?:/.*)?")
"""The id of a record of a many-article file: its file's path and its number (`file#N`), or of
an e-mail's attachment (`file#N/NAME`)."""


@dataclass
class BuildReport:
    """What a build did, in numbers a person reads in the status bar or the terminal."""

    added: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    documents: int = 0
    problems: list[Problem] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)
    """Files not read (not an article format, a data set's notes), with the reason."""
    hidden: int = 0
    """Hidden files and folders passed over (counted, not listed)."""
    rebuilt_because: str | None = None
    seconds: float = 0.0


@dataclass
class _Batch:
    """Files read into the readers' segments and committed together."""

    number: int
    files: int = 0
    tasks: int = 0
    """Tasks sent and not yet answered."""
    readers: set[int] = field(default_factory=set)
    postings: dict[int, int] = field(default_factory=dict)
    """Postings each reader holds for this batch, as last told."""
    closed: bool = False
    """No more tasks: the readers were asked to write their segments."""
    segments: list[SegmentDone] = field(default_factory=list)
    early: list[TaskDone] = field(default_factory=list)
    """Answers that came while the batch before was still being committed."""

    def complete(self) -> bool:
        return self.closed and not self.tasks and len(self.segments) == len(self.readers)


# -- the index -----------------------------------------------------------------------------
class CorpusIndex(IndexFolder):
    """A corpus's index folder, and the build that brings it up to date with the corpus."""

    def __init__(self, corpus_root: Path | str, index_dir: Path | str | None = None) -> None:
        super().__init__(corpus_root, index_dir)
        self._entity_fields: dict[str, tuple[str, dict[str, str]]] = {}
        self._entity_files: dict[str, dict[str, tuple[str, dict[str, str]]]] | None = None
        self.clean_start = False
        """Whether the last run finished (else it may have left documents the store lost)."""

    # -- build -----------------------------------------------------------------------------
    def update(
        self,
        *,
        progress: ProgressFn | None = None,
        cancel: CancelFn | None = None,
        workers: int | None = None,
    ) -> BuildReport:
        """Bring the index up to date with the folder.

        Raises:
            AlreadyIndexing: another process holds this corpus's indexing lock.
            Cancelled: `cancel()` turned true; committed batches stay, the rest is dropped.
        """
        started = time.perf_counter()
        with self.lock():
            report = BuildReport()
            problem = self.health()
            if problem is not None:
                if problem != "no index yet":
                    report.rebuilt_because = problem
                self.create_empty()
            self._update(report, progress, cancel, workers, fresh=problem is not None)
        report.seconds = time.perf_counter() - started
        return report

    def _scan(
        self, known: dict[str, FileRecord], report: BuildReport
    ) -> tuple[list[str], list[str], list[FileRecord], int, list[Problem]]:
        """(files to read, files removed, files touched but equal, unchanged count, walk
        problems); the files not read go to the report's `skipped` and `hidden`."""
        changed: list[str] = []
        restat: list[FileRecord] = []
        unchanged = 0
        seen: set[str] = set()
        walk_problems: list[Problem] = []
        hidden: list[str] = []
        for item in walk_corpus(self.root, hidden):
            if isinstance(item, Problem):
                walk_problems.append(item)
                continue
            reason = skip_reason(item)
            if reason is not None:
                report.skipped.append(Problem(str(item), reason))
                continue
            rel = item.relative_to(self.root).as_posix()
            seen.add(rel)
            record = known.get(rel)
            if record is None:
                changed.append(rel)
                continue
            try:
                info = item.stat()
            except OSError:
                changed.append(rel)
                continue
            if info.st_size == record.size and info.st_mtime_ns == record.mtime_ns:
                unchanged += 1
                continue
            try:
                same = file_digest(item) == record.digest
            except (OSError, UnreadableText):
                same = False
            if same:
                unchanged += 1
                restat.append(FileRecord(rel, info.st_size, info.st_mtime_ns, record.digest,
                                         record.doc_ids))  # fmt: skip
            else:
                changed.append(rel)
        removed = sorted(set(known) - seen)
        report.hidden = len(hidden)
        return changed, removed, restat, unchanged, walk_problems

    def _learn_boilerplate(
        self, rels: Iterable[str], readers: Readers | LocalReaders
    ) -> dict[str, frozenset[str]]:
        """Learn each touched folder's repeated lines from the same sample an import uses.

        This process learns folders from the first on while the readers start (their server
        imports the code: a few tenths of a second in which they can do nothing); once they
        are up, they take folders from the last on, one each at a time, until the two meet."""
        folders = deque(sorted({os.path.dirname(rel) for rel in rels}))
        learned: dict[str, frozenset[str]] = {}
        if isinstance(readers, LocalReaders):
            for folder in folders:
                learned.update(learn_folder(self.root, folder))
            return learned
        busy: set[int] = set()
        while folders or busy:
            if folders:
                learned.update(learn_folder(self.root, folders.popleft()))
            if not readers.ready():
                continue
            answers = readers.receive(timeout=0 if folders else None) if busy else iter(())
            for reader, answer in answers:
                assert isinstance(answer, FolderLearned)
                busy.discard(reader)
                learned.update(answer.lines)
            for reader in range(readers.count):
                if folders and reader not in busy:
                    readers.send(reader, LearnFolder(folders.pop()))
                    busy.add(reader)
        return learned

    def _update(
        self,
        report: BuildReport,
        progress: ProgressFn | None,
        cancel: CancelFn | None,
        workers: int | None,
        *,
        fresh: bool,
    ) -> None:
        """`fresh`: the index was created empty by this run."""
        store = DocumentStore(self.store_path)
        ix = self.open_whoosh()
        # Entity fields the index already held, re-added with an unchanged article it rewrites.
        self._entity_fields = indexed_fields(self.directory)
        self._entity_files = None
        with contextlib.ExitStack() as stack:
            stack.callback(store.close)
            ensure_schema(store.connection)
            known = store.files()
            changed, removed, restat, unchanged, walk_problems = self._scan(known, report)
            report.unchanged = unchanged
            if restat:  # touched but equal: remember the new stat, read nothing
                store.begin()
                for record in restat:
                    store.put_file(record)
                store.commit()
            # Whoosh commits a batch before the store does: a run stopped between the two
            # leaves documents the store does not know of. Until a run ends, the index says
            # so, and the next run replaces documents by id instead of only adding them.
            self.clean_start = fresh or store.get_meta("complete") == "1"
            if changed or removed:
                store.begin()
                store.set_meta("complete", "0")
                store.commit()
            stored_boilerplate = json.loads(store.get_meta("boilerplate") or "{}")
            boilerplate: dict[str, frozenset[str]] = {}
            file_problems: dict[str, list[Problem]] = defaultdict(list)
            if changed:
                readers = stack.enter_context(self._readers(len(changed), workers))
                boilerplate = self._learn_boilerplate(changed, readers)
                # A folder whose template changed is cleaned again as a whole.
                for group, lines in boilerplate.items():
                    if sorted(lines) != sorted(stored_boilerplate.get(group, [])):
                        folder = group.removeprefix("dir:")
                        changed.extend(r for r in known if os.path.dirname(r) == folder)
                changed = sorted(set(changed))
            merged_boilerplate = {**stored_boilerplate,
                                  **{g: sorted(v) for g, v in boilerplate.items()}}  # fmt: skip
            all_boilerplate = {g: frozenset(v) for g, v in merged_boilerplate.items()}

            self._delete(ix, store, removed, known)
            report.deleted = sum(len(known[r].doc_ids) for r in removed)
            if changed:
                run = _IndexRun(self, ix, store, known, report, progress, cancel, file_problems)
                run.index(changed, all_boilerplate, readers)

            store.begin()
            store.set_meta("boilerplate", json.dumps(merged_boilerplate))
            previous = [p for p in store.problems() if not _is_walk_problem(p, self.root)]
            kept = [p for p in previous if _rel_of(p, self.root) not in file_problems
                    and _rel_of(p, self.root) not in removed]  # fmt: skip
            problems = walk_problems + kept + [p for ps in file_problems.values() for p in ps]
            store.set_problems(problems)
            store.set_skipped(report.skipped)
            store.set_meta("complete", "1")
            store.commit()
            report.problems = problems
            report.documents = store.count()

    @contextlib.contextmanager
    def _readers(self, files: int, workers: int | None) -> Iterator[Readers | LocalReaders]:
        """Reader processes for the run (starting them costs a few tenths of a second), or
        one reader in this process when the work is too small to pay for it; on error or
        cancel, stopped at once. Their scratch folder goes with them."""
        scratch = self.directory / SCRATCH_DIR
        shutil.rmtree(scratch, ignore_errors=True)
        n = _reader_count(workers)
        readers: Readers | LocalReaders
        if n <= 1 or files < 64:
            readers = LocalReaders(self.root, scratch)
        else:
            readers = Readers(context(READER_PRELOAD), self.root, scratch, n)
        try:
            yield readers
        except BaseException:
            readers.close(wait_for_them=False)
            shutil.rmtree(scratch, ignore_errors=True)
            raise
        readers.close()
        shutil.rmtree(scratch, ignore_errors=True)

    def entity_fields_for(self, rels: list[str]) -> EntityFields:
        """The entity fields last indexed for the articles of these files (an article's id
        is its file's path, `#n` added for a record), for the reader that writes them again."""
        if not self._entity_fields:
            return {}
        if self._entity_files is None:
            self._entity_files = defaultdict(dict)
            for doc_id, fields in self._entity_fields.items():
                record = _RECORD_ID.fullmatch(doc_id)
                self._entity_files[record[1] if record else doc_id][doc_id] = fields
        return {k: v for rel in rels for k, v in self._entity_files.get(rel, {}).items()}

    def _delete(
        self, ix: Any, store: DocumentStore, removed: list[str], known: dict[str, FileRecord]
    ) -> None:
        if not removed:
            return
        writer = IndexWriter(self, ix)
        try:
            for rel in removed:
                for doc_id in known[rel].doc_ids:
                    writer.delete(doc_id)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        store.begin()
        for rel in removed:
            store.delete_file(rel)
        store.commit()


class _IndexRun:
    """One run's reading and writing: tasks out to the readers, answers into the store,
    batches committed (Whoosh first, adopting the readers' segments, then the store).

    While a batch is being committed the readers already read the next: its answers wait
    (`_Batch.early`) so the store's transaction of a batch holds that batch's files only."""

    def __init__(
        self,
        index: CorpusIndex,
        ix: Any,
        store: DocumentStore,
        known: dict[str, FileRecord],
        report: BuildReport,
        progress: ProgressFn | None,
        cancel: CancelFn | None,
        file_problems: dict[str, list[Problem]],
    ) -> None:
        self.index_ = index
        self.ix = ix
        self.store = store
        self.known = known
        self.report = report
        self.progress = progress
        self.cancel = cancel
        self.file_problems = file_problems
        self.done = 0
        self.total = 0
        self.writer: IndexWriter | None = None

    def index(
        self, rels: list[str], boilerplate: Boilerplate, readers: Readers | LocalReaders
    ) -> None:
        self.total = len(rels)
        self.readers = readers
        self.boilerplate = boilerplate
        self.tasks = deque(_read_chunks(self.index_.root, rels))
        self.busy = [0] * readers.count
        self.batches: deque[_Batch] = deque()
        self.numbered = 0
        try:
            while self.tasks or self.batches:
                self._hand_out()
                if self.batches and self.batches[0].complete():
                    self._commit(self.batches.popleft())
                    if self.batches:
                        for answer in self.batches[0].early:
                            self._write(answer)
                        self.batches[0].early.clear()
                    continue
                self._take_answers()
        except BaseException:
            if self.writer is not None:
                self.writer.cancel()
            if self.store.connection.in_transaction:
                self.store.rollback()
            raise

    def _hand_out(self) -> None:
        """Tasks to the readers while one has room: into the batch being read, or a new
        one, as long as at most two are open (one committing, the next read)."""
        while self.tasks:
            if not self.batches or self.batches[-1].closed:
                if len(self.batches) >= 2:
                    return
                self.batches.append(_Batch(self.numbered))
                self.numbered += 1
            batch = self.batches[-1]
            reader = min(range(self.readers.count), key=self.busy.__getitem__)
            if self.busy[reader] >= TASKS_PER_READER:
                return
            chunk, _size = self.tasks.popleft()
            entities = self.index_.entity_fields_for(chunk)
            task = ReadTask(batch.number, chunk, _boilerplate_for(chunk, self.boilerplate),
                            entities)  # fmt: skip
            self.readers.send(reader, task)
            self.busy[reader] += 1
            batch.tasks += 1
            batch.files += len(chunk)
            batch.readers.add(reader)
            if not self.tasks or batch.files >= BATCH_FILES:
                self._close(batch)

    def _close(self, batch: _Batch) -> None:
        """No more tasks for the batch: each of its readers is asked to write its segment
        once done with the tasks sent before."""
        batch.closed = True
        for reader in sorted(batch.readers):
            self.readers.send(reader, WriteSegment(batch.number))

    def _take_answers(self) -> None:
        for reader, answer in self.readers.receive():
            number = answer.batch  # type: ignore[attr-defined]
            batch = next(b for b in self.batches if b.number == number)
            if isinstance(answer, SegmentDone):
                batch.segments.append(answer)
                continue
            assert isinstance(answer, TaskDone)
            self.busy[reader] -= 1
            batch.tasks -= 1
            batch.postings[reader] = answer.postings
            if batch is self.batches[0]:
                self._write(answer)
            else:
                batch.early.append(answer)
        last = self.batches[-1]
        if not last.closed and sum(last.postings.values()) >= SEGMENT_POSTINGS:
            self._close(last)

    def _open(self) -> IndexWriter:
        if self.writer is None:
            self.writer = IndexWriter(self.index_, self.ix)
            self.store.begin()
        return self.writer

    def _commit(self, batch: _Batch) -> None:
        writer = self._open()
        writer.adopt([(done.segment, done.scratch) for done in batch.segments
                      if done.segment is not None])  # fmt: skip
        writer.commit()
        self.writer = None
        self.store.commit()

    def _write(self, answer: TaskDone) -> None:
        """A task's files into the store, and their replaced documents deleted."""
        writer = self._open()
        store, known, report = self.store, self.known, self.report
        clean_start = self.index_.clean_start
        for result in answer.files:
            self._write_file(writer, store, result, known.get(result.rel), report, clean_start)
            self.file_problems[result.rel] = result.problems
            self.done += 1
            if self.progress is not None:
                self.progress(self.done, self.total, result.rel)
        if self.cancel is not None and self.cancel():
            raise Cancelled

    @staticmethod
    def _write_file(
        writer: IndexWriter,
        store: DocumentStore,
        result: FileResult,
        previous: FileRecord | None,
        report: BuildReport,
        clean_start: bool,
    ) -> None:
        new_ids = [a.id for a in result.articles]
        if previous is not None:
            for gone in set(previous.doc_ids) - set(new_ids):
                writer.delete(gone)
                report.deleted += 1
        if not result.digest:  # unreadable now: forget what it held
            if previous is not None:
                store.delete_file(result.rel)
            return
        if previous is not None or not clean_start:  # replace, by id
            for doc_id in new_ids:
                writer.delete(doc_id)
        store.put_articles(result.rel, result.articles, result.raws)
        put_fingerprints(store.connection, result.fingerprints)
        store.put_file(FileRecord(result.rel, result.size, result.mtime_ns, result.digest,
                                  tuple(new_ids)))  # fmt: skip
        if previous is None:
            report.added += len(new_ids)
        elif previous.digest != result.digest:
            report.updated += len(new_ids)


def _boilerplate_for(rels: list[str], boilerplate: Boilerplate) -> dict[str, frozenset[str]]:
    """What a reader needs to clean these files: their folders' lines, and every outlet's
    (records name their outlet only once read)."""
    folders = {f"dir:{os.path.dirname(rel)}" for rel in rels}
    return {g: v for g, v in boilerplate.items() if g in folders or not g.startswith("dir:")}


def _reader_count(workers: int | None) -> int:
    return workers if workers is not None else min(os.cpu_count() or 1, 4)


def _read_chunks(root: Path, rels: list[str]) -> Iterator[tuple[list[str], int]]:
    """The files in order, in readers' tasks of `READ_CHUNK` files or `READ_CHUNK_BYTES`,
    with each task's size in bytes."""
    chunk: list[str] = []
    size = 0
    for rel in rels:
        try:
            file_size = (root / rel).stat().st_size
        except OSError:
            file_size = 0  # the reader says why
        if chunk and (len(chunk) >= READ_CHUNK or size + file_size > READ_CHUNK_BYTES):
            yield chunk, size
            chunk, size = [], 0
        chunk.append(rel)
        size += file_size
    if chunk:
        yield chunk, size


def _rel_of(problem: Problem, root: Path) -> str:
    try:
        return Path(problem.path).relative_to(root).as_posix()
    except ValueError:
        return problem.path


def _is_walk_problem(problem: Problem, root: Path) -> bool:
    """Walk problems (loops, unlistable folders) are found afresh by every run."""
    return "symbolic link" in problem.reason or problem.reason.startswith("cannot list folder")
