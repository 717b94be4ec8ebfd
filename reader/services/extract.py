"""Run extraction over an indexed corpus: only new or changed articles, in a worker process,
with progress and cancel; then give the search index the articles' canonical entities.

The window calls `extract_entities(corpus_index, progress=..., cancel=...)` from a thread;
the model itself never loads in the window's process.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import time
from collections.abc import Callable, Iterator
from functools import cache
from importlib import resources
from typing import Any

from filelock import FileLock, Timeout

from reader.corpus.importer import Cancelled
from reader.entities.combine import RULES_VERSION
from reader.entities.model import NAME_TYPES, ExtractionReport, Mention
from reader.entities.pipelines import choose
from reader.entities.resolve import Resolution, resolve
from reader.entities.worker import extract_batch, init_worker
from reader.services.build import LOCK_FILE, AlreadyIndexing, CorpusIndex, index_fields
from reader.store.entity_store import EntityStore
from reader.store.segment_writer import merge_policy

ProgressFn = Callable[[int, int, str], None]
CancelFn = Callable[[], bool]

BATCH_CHARS = 40_000
"""Text per batch sent to the worker: a progress step and the work lost to a cancel."""
POLL_SECONDS = 0.1
"""How often a waiting run looks at its cancel flag."""
LOCK_SECONDS = 30.0


@cache
def gazetteer_version() -> str:
    data = resources.files("reader.entities").joinpath("gazetteer.json").read_bytes()
    return hashlib.blake2b(data, digest_size=4).hexdigest()


def extractor_id(pipeline: str | None = None) -> str:
    """Names the extractor and its data: a change means every article is extracted again."""
    return (
        f"{choose(pipeline).description} [gazetteer {gazetteer_version()}, rules {RULES_VERSION}]"
    )


def open_entity_store(corpus_index: CorpusIndex) -> EntityStore:
    return EntityStore.beside(corpus_index.directory)


def extract_entities(
    corpus_index: CorpusIndex,
    *,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
    pipeline: str | None = None,
) -> ExtractionReport:
    """Extract entities of new and changed articles of a built index; update the search index.

    Raises:
        Cancelled: `cancel()` turned true; finished batches are kept.
        AlreadyIndexing: the text index stayed busy while entity fields were to be written.
        ValueError: the corpus has no usable index yet (build it first), or an unknown
            pipeline was asked for.
    """
    problem = corpus_index.health()
    if problem is not None:
        raise ValueError(f"{corpus_index.root}: entities need the index first ({problem})")
    started = time.perf_counter()
    name = extractor_id(pipeline)
    report = ExtractionReport(extractor=name, description=choose(pipeline).description)
    with corpus_index.open_store() as docs, open_entity_store(corpus_index) as store:
        hashes = docs.content_hashes()
        done_before = store.extracted()
        removed = [d for d in done_before if d not in hashes]
        todo = sorted(d for d, h in hashes.items() if done_before.get(d) != (h, name))
        report.unchanged = len(hashes) - len(todo)
        report.removed = len(removed)
        if removed:
            store.begin()
            store.forget(removed)
            store.commit()
        if todo:
            bodies = ((d, docs.bodies([d])[d][0]) for d in todo)
            count = 0
            for (load_seconds, peak_mb), results in _run_worker(
                _batches(bodies), pipeline, cancel, progress, len(todo)
            ):
                report.load_seconds = load_seconds
                report.worker_peak_mb = peak_mb
                store.begin()
                for doc_id, mentions in results:
                    store.put(doc_id, hashes[doc_id], name, mentions)
                    report.mentions += len(mentions)
                store.commit()
                count += len(results)
                report.processed = count
                if progress is not None:
                    progress(count, len(todo), results[-1][0])
    report.index_updated = sync_search_index(corpus_index)
    report.seconds = time.perf_counter() - started
    return report


def _batches(bodies: Iterator[tuple[str, str]]) -> Iterator[list[tuple[str, str]]]:
    batch: list[tuple[str, str]] = []
    size = 0
    for item in bodies:
        batch.append(item)
        size += len(item[1])
        if size >= BATCH_CHARS:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _run_worker(
    batches: Iterator[list[tuple[str, str]]],
    pipeline: str | None,
    cancel: CancelFn | None,
    progress: ProgressFn | None,
    total: int,
) -> Iterator[tuple[tuple[float, float], list[tuple[str, list[Mention]]]]]:
    """Feed batches to one worker process; two in flight keep it busy while we write."""
    from reader.services.build import _worker_context

    if progress is not None:
        progress(0, total, "loading the entity extractor")
    pool = _worker_context().Pool(1, initializer=init_worker, initargs=(pipeline,))
    try:
        pending: list[Any] = []
        exhausted = False
        while True:
            while not exhausted and len(pending) < 2:
                batch = next(batches, None)
                if batch is None:
                    exhausted = True
                else:
                    pending.append(pool.apply_async(extract_batch, (batch,)))
            if not pending:
                break
            head = pending[0]
            while True:
                if cancel is not None and cancel():
                    raise Cancelled
                try:
                    result = head.get(timeout=POLL_SECONDS)
                    break
                except multiprocessing.TimeoutError:
                    continue
            pending.pop(0)
            yield result
        pool.close()
        pool.join()
    finally:
        pool.terminate()


def _entity_fields(resolution: Resolution, doc_id: str) -> dict[str, str]:
    names: dict[str, set[str]] = {kind: set() for kind in NAME_TYPES}
    for span in resolution.doc_spans.get(doc_id, []):
        if span.type in names and not span.ambiguous:
            names[span.type].add(span.name)
    fields = {kind.lower(): "\n".join(sorted(values)) for kind, values in names.items()}
    fields["entity"] = "\n".join(sorted(set().union(*names.values())))
    return fields


def sync_search_index(corpus_index: CorpusIndex) -> int:
    """Re-add to the search index the articles whose canonical entities changed (after an
    extraction, a merge across the corpus, or an alias). Whoosh stores no text, so an article
    is re-added whole from the document store. Returns how many were re-added."""
    with open_entity_store(corpus_index) as store:
        resolution = resolve(store.mentions(), store.aliases())
        indexed = store.indexed()
        with corpus_index.open_store() as docs:
            hashes = docs.content_hashes()
            changes: dict[str, dict[str, str]] = {}
            for doc_id, content_hash in hashes.items():
                fields = _entity_fields(resolution, doc_id)
                if indexed.get(doc_id) != (content_hash, fields):
                    changes[doc_id] = fields
            if not changes:
                return 0
            lock = FileLock(str(corpus_index.directory / LOCK_FILE))
            try:
                lock.acquire(timeout=LOCK_SECONDS)
            except Timeout:
                raise AlreadyIndexing(
                    f"{corpus_index.root} is being indexed; entities are searchable after "
                    "the next extraction run"
                ) from None
            try:
                ix = corpus_index.open_whoosh()
                writer = ix.writer()
                written: list[str] = []
                try:
                    for doc_id, fields in changes.items():
                        article = docs.article(doc_id)
                        if article is None:
                            continue
                        writer.update_document(**index_fields(article), **fields)
                        written.append(doc_id)
                except BaseException:
                    writer.cancel()
                    raise
                writer.commit(mergetype=merge_policy)
                store.begin()
                for doc_id in written:
                    store.put_indexed(doc_id, hashes[doc_id], changes[doc_id])
                store.commit()
            finally:
                lock.release()
            return len(written)


__all__ = ["Cancelled", "extract_entities", "sync_search_index"]
