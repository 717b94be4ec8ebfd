"""Build and update a corpus's index: incrementally, in parallel, and safe to interrupt.

A run compares the folder with what the store recorded (size and mtime, then a content hash),
reads and cleans only new and changed files in worker processes, and writes Whoosh and the
store from this process alone, in batches. Each batch commits Whoosh first and the store
second: a run killed between the two leaves files the store still calls stale, so the next
run indexes them again (`update_document` makes that idempotent). A run killed anywhere else
leaves the last committed batch, which opens and answers; the next run completes the work.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import gc
import hashlib
import itertools
import json
import multiprocessing
import multiprocessing.context
import os
import shutil
import sqlite3
import time
import warnings
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.fields import Schema

from reader.corpus.articles import build_article
from reader.corpus.decoding import UnreadableText
from reader.corpus.formats import JSON_SUFFIXES, JSONL_SUFFIXES
from reader.corpus.importer import (
    BOILERPLATE_SAMPLE,
    Cancelled,
    _describe_os_error,
    _sample_key,
    boilerplate_group,
    is_supported,
    learn_boilerplate,
    read_file_bytes,
    sources_from_bytes,
    walk_corpus,
)
from reader.corpus.model import Article, Problem, SourceText
from reader.entities.store import indexed_fields
from reader.index.location import index_dir_for
from reader.index.schema import ANALYSED_FIELDS, SCHEMA_VERSION, analyse, build_schema
from reader.index.segment_writer import GroupedPostings, GroupingSegmentWriter, group_postings
from reader.index.store import DocumentStore, FileRecord, pack_raw
from reader.related.storage import FingerprintRow, ensure_schema, fingerprint_rows, put_fingerprints

ProgressFn = Callable[[int, int, str], None]
CancelFn = Callable[[], bool]

BATCH_FILES = 2000
"""Files per committed batch at most: an interrupted run loses at most this much work."""
READ_CHUNK = 32
"""Files a reader process takes at a time at most..."""
READ_CHUNK_BYTES = 256 * 1024
"""...and bytes: a JSON Lines file of a thousand stories is a task of its own, so both
readers stay busy on a corpus of a few large files."""
IN_FLIGHT_BYTES = 64 * 1024**2
"""Bytes of files handed to readers and not yet written: bounds the results held in memory."""
SEGMENT_POSTINGS = 1_000_000
"""Postings held in memory before a batch is committed early (~150 MB): bounds the writer's
memory when a few files hold many articles (JSON Lines)."""
WHOOSH_DIR = "whoosh"
STORE_FILE = "store.sqlite"
LOCK_FILE = "indexing.lock"


class PostingsCodec(W3Codec):
    """Whoosh's codec without per-block length statistics: writing them looked up each
    posting's field length (a tenth of a build); only Whoosh's block skipping reads them
    (our array search does not skip, Whoosh's fallback skips less), and BM25F takes each
    document's length from its own column, so matches and scores stay the same.

    Block data is pickled with protocol 4 (Whoosh reads any); blocks shorter than
    `min_compress` bytes are stored as they are, longer ones compressed at zlib level 1 with a
    4 KB window (see `segment_writer`): on BBC compressing every block took 40 % of the
    writer's time to save a third of the postings file. The class is named in the index's
    table of segments: keep its name and module."""

    length_stats = False
    data_protocol = 4
    min_compress = 2048
    compress_window_bits = 12

    def __init__(self) -> None:
        super().__init__(compression=1)


class AlreadyIndexing(RuntimeError):
    """Another process is indexing this corpus now."""


@dataclass
class BuildReport:
    """What a build did, in numbers a person reads in the status bar or the terminal."""

    added: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    documents: int = 0
    problems: list[Problem] = field(default_factory=list)
    rebuilt_because: str | None = None
    seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class _FileResult:
    rel: str
    size: int
    mtime_ns: int
    digest: str
    articles: list[Article]
    problems: list[Problem]
    documents: list[dict[str, Any]] = field(default_factory=list)
    """The Whoosh document of each article, its texts already analysed."""
    fingerprints: list[FingerprintRow] = field(default_factory=list)
    """Each article's related-stories fingerprint (reader.related), computed here in parallel."""
    raws: list[bytes] = field(default_factory=list)
    """Each article's raw text packed for the store (`pack_raw`); the articles sent to the
    writing process leave theirs out."""


# -- worker side (runs in child processes: module-level and picklable) ---------------------
_WORKER_BOILERPLATE: dict[str, frozenset[str]] = {}


def _init_worker(boilerplate: dict[str, frozenset[str]]) -> None:
    global _WORKER_BOILERPLATE
    _WORKER_BOILERPLATE = boilerplate


def _process_file(root: str, rel: str, *, fingerprints: bool = True) -> _FileResult:
    """Read, decode, parse and clean one file; never raises for a bad file. `fingerprints`
    False: leave them to the caller (`_process_many` computes a chunk's at once)."""
    root_path = Path(root)
    path = root_path / rel
    try:
        info = path.stat()
        data = read_file_bytes(path)
    except (OSError, UnreadableText) as exc:
        reason = _describe_os_error(exc) if isinstance(exc, OSError) else str(exc)
        return _FileResult(rel, 0, 0, "", [], [Problem(str(path), reason)])
    digest = hashlib.blake2b(data, digest_size=16).hexdigest()
    sources, problems = sources_from_bytes(root_path, path, data)
    articles: list[Article] = []
    for source in sources:
        try:
            article = build_article(
                source, boilerplate=_WORKER_BOILERPLATE.get(boilerplate_group(source), frozenset())
            )
        except Exception as exc:  # one odd article must not stop the corpus
            problems.append(Problem(str(path), f"{source.id}: cleaning failed ({exc})"))
            continue
        if article.body:
            articles.append(article)
        else:
            problems.append(Problem(str(path), f"{source.id}: no story text found"))
    documents = [index_fields(a, analysed=True) for a in articles]
    prints = fingerprint_rows(_fingerprinted(articles)) if fingerprints else []
    raws = [pack_raw(a.raw) for a in articles]
    articles = [dataclasses.replace(a, raw="") for a in articles]
    return _FileResult(rel, info.st_size, info.st_mtime_ns, digest, articles, problems, documents,
                       prints, raws)  # fmt: skip


@dataclass(frozen=True, slots=True)
class _ChunkResult:
    """A reader's task: its files' results, their documents `Filed`, and the documents'
    postings grouped by term (`group_postings`), numbered in the files' order."""

    files: list[_FileResult]
    postings: GroupedPostings


def _process_many(
    args: tuple[str, list[str], dict[str, frozenset[str]]],
) -> _ChunkResult:
    root, rels, boilerplate = args
    _WORKER_BOILERPLATE.update(boilerplate)
    with collector_paused():
        results = [_process_file(root, rel, fingerprints=False) for rel in rels]
        # The chunk's fingerprints at once: NumPy's work per call, not per file.
        rows = iter(
            fingerprint_rows([item for r in results for item in _fingerprinted(r.articles)])
        )
        postings, filed = group_postings([d for r in results for d in r.documents])
        grouped: list[_FileResult] = []
        start = 0
        for result in results:
            end = start + len(result.documents)
            prints = list(itertools.islice(rows, len(result.articles)))
            grouped.append(
                dataclasses.replace(result, documents=filed[start:end], fingerprints=prints)
            )
            start = end
        return _ChunkResult(grouped, postings)


def _fingerprinted(articles: list[Article]) -> list[tuple[str, str, str | None, str]]:
    return [(a.id, a.content_hash, a.title, a.body) for a in articles]


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off for a batch: filing hundreds of thousands of postings
    made it run thousands of times (a tenth of the writing time) to find nothing; what a
    batch leaves in cycles is collected after it."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


_RECORD_SUFFIXES = JSON_SUFFIXES | JSONL_SUFFIXES


def _learn_folder(root: str, folder: str) -> dict[str, frozenset[str]]:
    """A folder's repeated lines, learned from the sample of its files an import reads."""
    root_path = Path(root)
    base = root_path / folder
    try:
        # Records of JSON files are grouped by their outlet, never by folder: not read here.
        siblings = [p for p in base.iterdir() if p.is_file() and is_supported(p)
                    and p.suffix.lower() not in _RECORD_SUFFIXES]  # fmt: skip
    except OSError:
        return {}
    ids = sorted((_sample_key(p.relative_to(root_path).as_posix()), p) for p in siblings)
    sources: list[SourceText] = []
    for _key, path in ids[: BOILERPLATE_SAMPLE * 2]:
        try:
            data = read_file_bytes(path)
        except (OSError, UnreadableText):
            continue
        found, _ = sources_from_bytes(root_path, path, data)
        sources.extend(s for s in found if boilerplate_group(s) == f"dir:{folder}")
    sources.sort(key=lambda s: _sample_key(s.id))
    return learn_boilerplate(sources[:BOILERPLATE_SAMPLE])


def _worker_context() -> multiprocessing.context.BaseContext:
    """Workers must not inherit this process's open files: a forked worker would hold the
    index's write lock after this process was killed, and block the next run."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    # The server imports the readers' code once and forks each reader from it: a reader
    # spawned bare imported it again (0.6 s of CPU each, a tenth of a BBC build).
    context.set_forkserver_preload([__name__])
    return context


def _file_digest(path: Path) -> str:
    return hashlib.blake2b(read_file_bytes(path), digest_size=16).hexdigest()


# -- the index -----------------------------------------------------------------------------
class CorpusIndex:
    """A corpus folder and its index folder (Whoosh + document store)."""

    def __init__(self, corpus_root: Path | str, index_dir: Path | str | None = None) -> None:
        self.root = Path(corpus_root).resolve()
        self.directory = index_dir_for(self.root, index_dir)
        self._entity_fields: dict[str, tuple[str, dict[str, str]]] = {}
        self._clean_start = False
        """Whether the last run finished (else it may have left documents the store lost)."""

    @property
    def whoosh_dir(self) -> Path:
        return self.directory / WHOOSH_DIR

    @property
    def store_path(self) -> Path:
        return self.directory / STORE_FILE

    def is_built(self) -> bool:
        """Whether an index of this schema exists and has finished at least one build."""
        return self.health() is None

    def health(self) -> str | None:
        """None when the index is usable; otherwise why it must be rebuilt, in words."""
        if not self.store_path.exists() or not self.whoosh_dir.is_dir():
            return "no index yet"
        try:
            with DocumentStore(self.store_path) as store:
                version = store.get_meta("schema_version")
                root = store.get_meta("corpus_root")
        except sqlite3.DatabaseError as exc:
            return f"the document store is damaged ({exc})"
        if version != str(SCHEMA_VERSION):
            return f"the index has schema version {version}, this program needs {SCHEMA_VERSION}"
        if root != str(self.root):
            return f"the index folder holds another corpus ({root})"
        with warnings.catch_warnings():
            # Whoosh leaves a damaged TOC file open; let it close here, quietly.
            warnings.simplefilter("ignore", ResourceWarning)
            try:
                ix = whoosh_index.open_dir(str(self.whoosh_dir))
                with ix.searcher() as searcher:
                    searcher.doc_count()
            except Exception as exc:
                gc.collect()
                return f"the search index is damaged ({type(exc).__name__}: {exc})"
        # An interrupted run (complete != "1") still leaves a usable index; the next completes it.
        return None

    def open_store(self) -> DocumentStore:
        return DocumentStore(self.store_path)

    def open_whoosh(self) -> Any:
        return whoosh_index.open_dir(str(self.whoosh_dir))

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
        self.directory.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self.directory / LOCK_FILE))
        try:
            lock.acquire(timeout=0)
        except Timeout:
            raise AlreadyIndexing(
                f"{self.root} is already being indexed by another process; try again when it "
                "has finished"
            ) from None
        try:
            report = BuildReport()
            problem = self.health()
            if problem is not None:
                if problem != "no index yet":
                    report.rebuilt_because = problem
                self._create_empty()
            self._update(report, progress, cancel, workers, fresh=problem is not None)
        finally:
            lock.release()
        report.seconds = time.perf_counter() - started
        return report

    def _create_empty(self) -> None:
        shutil.rmtree(self.whoosh_dir, ignore_errors=True)
        for name in (STORE_FILE, STORE_FILE + "-wal", STORE_FILE + "-shm"):
            (self.directory / name).unlink(missing_ok=True)
        self.whoosh_dir.mkdir(parents=True)
        whoosh_index.create_in(str(self.whoosh_dir), build_schema())
        with DocumentStore(self.store_path) as store:
            store.begin()
            store.set_meta("schema_version", str(SCHEMA_VERSION))
            store.set_meta("corpus_root", str(self.root))
            store.set_meta("complete", "0")
            store.commit()

    def _scan(
        self, known: dict[str, FileRecord]
    ) -> tuple[list[str], list[str], list[FileRecord], int, list[Problem]]:
        """(files to read, files removed, files touched but equal, unchanged count, walk
        problems)."""
        changed: list[str] = []
        restat: list[FileRecord] = []
        unchanged = 0
        seen: set[str] = set()
        walk_problems: list[Problem] = []
        for item in walk_corpus(self.root):
            if isinstance(item, Problem):
                walk_problems.append(item)
                continue
            if not is_supported(item):
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
                same = _file_digest(item) == record.digest
            except (OSError, UnreadableText):
                same = False
            if same:
                unchanged += 1
                restat.append(FileRecord(rel, info.st_size, info.st_mtime_ns, record.digest,
                                         record.doc_ids))  # fmt: skip
            else:
                changed.append(rel)
        removed = sorted(set(known) - seen)
        return changed, removed, restat, unchanged, walk_problems

    def _learn_boilerplate(
        self, rels: Iterable[str], pool: ProcessPoolExecutor | None, workers: int
    ) -> dict[str, frozenset[str]]:
        """Learn each touched folder's repeated lines from the same sample an import uses.

        This process learns folders from the first on while the readers start (their server
        imports the code: half a second in which they can do nothing); once they are up, they
        take folders from the last on, one each at a time, until the two meet."""
        folders = deque(sorted({os.path.dirname(rel) for rel in rels}))
        learn = functools.partial(_learn_folder, str(self.root))
        learned: dict[str, frozenset[str]] = {}
        if pool is None:
            for folder in folders:
                learned.update(learn(folder))
            return learned
        started = [pool.submit(os.getpid) for _ in range(workers)]
        running: set[Future[dict[str, frozenset[str]]]] = set()
        while folders:
            learned.update(learn(folders.popleft()))
            for future in [f for f in running if f.done()]:
                running.discard(future)
                learned.update(future.result())
            while folders and len(running) < workers and all(f.done() for f in started):
                running.add(pool.submit(learn, folders.pop()))
        for future in running:
            learned.update(future.result())
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
        with contextlib.ExitStack() as stack:
            stack.callback(store.close)
            ensure_schema(store.connection)
            known = store.files()
            changed, removed, restat, unchanged, walk_problems = self._scan(known)
            report.unchanged = unchanged
            if restat:  # touched but equal: remember the new stat, read nothing
                store.begin()
                for record in restat:
                    store.put_file(record)
                store.commit()
            # Whoosh commits a batch before the store does: a run stopped between the two
            # leaves documents the store does not know of. Until a run ends, the index says
            # so, and the next run replaces documents by id instead of only adding them.
            self._clean_start = fresh or store.get_meta("complete") == "1"
            if changed or removed:
                store.begin()
                store.set_meta("complete", "0")
                store.commit()
            stored_boilerplate = json.loads(store.get_meta("boilerplate") or "{}")
            readers = _reader_count(workers)
            pool = stack.enter_context(_reader_pool(len(changed), readers))
            boilerplate = self._learn_boilerplate(changed, pool, readers) if changed else {}
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

            done = 0
            total = len(changed)
            file_problems: dict[str, list[Problem]] = defaultdict(list)
            results = self._read_all(changed, all_boilerplate, pool, cancel)
            pending = iter(results)
            while done < total:
                before = done
                with collector_paused():
                    done = self._write_batch(ix, store, pending, done, total, file_problems,
                                             known, report, progress, cancel)  # fmt: skip
                if done == before:  # not reached: every file gives one result
                    break

            store.begin()
            store.set_meta("boilerplate", json.dumps(merged_boilerplate))
            previous = [p for p in store.problems() if not _is_walk_problem(p, self.root)]
            kept = [p for p in previous if _rel_of(p, self.root) not in file_problems
                    and _rel_of(p, self.root) not in removed]  # fmt: skip
            problems = walk_problems + kept + [p for ps in file_problems.values() for p in ps]
            store.set_problems(problems)
            store.set_meta("complete", "1")
            store.commit()
            report.problems = problems
            report.documents = store.count()

    def _write_batch(
        self,
        ix: Any,
        store: DocumentStore,
        results: Iterator[_ChunkResult],
        done: int,
        total: int,
        file_problems: dict[str, list[Problem]],
        known: dict[str, FileRecord],
        report: BuildReport,
        progress: ProgressFn | None,
        cancel: CancelFn | None,
    ) -> int:
        """File readers' results into one new segment and the store, and commit both (Whoosh
        first); returns how many files are done. A batch ends after the reader's task that
        reaches `BATCH_FILES` files or `SEGMENT_POSTINGS` postings."""
        writer = GroupingSegmentWriter(ix, codec=PostingsCodec())
        store.begin()
        files = 0
        try:
            for chunk in results:
                self._write_chunk(writer, store, chunk, known, report)
                for result in chunk.files:
                    file_problems[result.rel] = result.problems
                    done += 1
                    if progress is not None:
                        progress(done, total, result.rel)
                files += len(chunk.files)
                if cancel is not None and cancel():
                    raise Cancelled
                if files >= BATCH_FILES or writer.pooled_postings >= SEGMENT_POSTINGS:
                    break
        except BaseException:
            writer.cancel()
            store.rollback()
            raise
        writer.commit(merge=True)
        store.commit()
        return done

    def _read_all(
        self,
        rels: list[str],
        boilerplate: dict[str, frozenset[str]],
        pool: ProcessPoolExecutor | None,
        cancel: CancelFn | None,
    ) -> Iterator[_ChunkResult]:
        """Results for the files in order, a reader's task at a time, read and cleaned in the
        pool's processes if any.

        Up to a batch of files is kept in flight, so the readers go on with the next batch
        while this process commits the last (a third of its time), instead of waiting."""
        if pool is None:
            _init_worker(boilerplate)
            for chunk, _size in _read_chunks(self.root, rels):
                if cancel is not None and cancel():
                    raise Cancelled
                yield _process_many((str(self.root), chunk, {}))
            return
        chunks = deque(_read_chunks(self.root, rels))
        pending: deque[tuple[Future[_ChunkResult], int, int]] = deque()
        files = size = 0
        while chunks or pending:
            while chunks and (not pending or (files < BATCH_FILES and size < IN_FLIGHT_BYTES)):
                chunk, chunk_size = chunks.popleft()
                task = (str(self.root), chunk, _boilerplate_for(chunk, boilerplate))
                pending.append((pool.submit(_process_many, task), len(chunk), chunk_size))
                files, size = files + len(chunk), size + chunk_size
            future, chunk_files, chunk_size = pending.popleft()
            files, size = files - chunk_files, size - chunk_size
            yield future.result()

    def _write_chunk(
        self,
        writer: GroupingSegmentWriter,
        store: DocumentStore,
        chunk: _ChunkResult,
        known: dict[str, FileRecord],
        report: BuildReport,
    ) -> None:
        documents: list[dict[str, Any]] = []
        for result in chunk.files:
            previous = known.get(result.rel)
            new_ids = [a.id for a in result.articles]
            if previous is not None:
                for gone in set(previous.doc_ids) - set(new_ids):
                    writer.delete_by_term("id", gone)
                    report.deleted += 1
            if not result.digest:  # unreadable now: forget what it held
                if previous is not None:
                    store.delete_file(result.rel)
                continue
            if previous is not None or not self._clean_start:  # replace, by id
                for doc_id in new_ids:
                    writer.delete_by_term("id", doc_id)
            for article, document in zip(result.articles, result.documents, strict=True):
                entities = self._entity_fields.get(article.id)
                extra = entities[1] if entities and entities[0] == article.content_hash else {}
                documents.append({**document, **extra})
            store.put_articles(result.rel, result.articles, result.raws)
            put_fingerprints(store.connection, result.fingerprints)
            store.put_file(FileRecord(result.rel, result.size, result.mtime_ns, result.digest,
                                      tuple(new_ids)))  # fmt: skip
            if previous is None:
                report.added += len(new_ids)
            elif previous.digest != result.digest:
                report.updated += len(new_ids)
        writer.add_grouped(documents, chunk.postings)

    def _delete(
        self, ix: Any, store: DocumentStore, removed: list[str], known: dict[str, FileRecord]
    ) -> None:
        if not removed:
            return
        writer = ix.writer(codec=PostingsCodec())
        try:
            for rel in removed:
                for doc_id in known[rel].doc_ids:
                    writer.delete_by_term("id", doc_id)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        store.begin()
        for rel in removed:
            store.delete_file(rel)
        store.commit()


def index_fields(article: Article, *, analysed: bool = False) -> dict[str, Any]:
    """The Whoosh document of an article: searchable text only, nothing stored but the id;
    `analysed`: its texts turned into postings here (in a reader process)."""
    fields: dict[str, Any] = {
        "id": article.id,
        "title": article.title or "",
        "subtitle": article.subtitle or "",
        "body": article.body,
        "captions": "\n".join(article.captions),
        "byline": article.byline or "",
        "source": article.source or "",
        "dateline": article.dateline or "",
        "date": article.date or "",
        "words": article.word_count,
    }
    if analysed:
        schema = _worker_schema()
        for name in ANALYSED_FIELDS:
            fields[name] = analyse(schema, name, fields[name])
    return fields


@functools.cache
def _worker_schema() -> Schema:
    return build_schema()


def _boilerplate_for(
    rels: list[str], boilerplate: dict[str, frozenset[str]]
) -> dict[str, frozenset[str]]:
    """What a reader needs to clean these files: their folders' lines, and every outlet's
    (records name their outlet only once read)."""
    folders = {f"dir:{os.path.dirname(rel)}" for rel in rels}
    return {g: v for g, v in boilerplate.items() if g in folders or not g.startswith("dir:")}


def _reader_count(workers: int | None) -> int:
    return workers if workers is not None else min(os.cpu_count() or 1, 4)


@contextlib.contextmanager
def _reader_pool(files: int, n: int) -> Iterator[ProcessPoolExecutor | None]:
    """One pool of readers for the whole run (starting one costs a few tenths of a second),
    none when the work is too small to pay for it; on error or cancel, stopped at once."""
    if n <= 1 or files < 64:
        yield None
        return
    pool = ProcessPoolExecutor(max_workers=n, mp_context=_worker_context())
    try:
        yield pool
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


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
