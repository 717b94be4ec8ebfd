"""Run extraction over an indexed corpus: only new or changed articles, in a worker process,
with progress and cancel; then give the search index the articles' canonical entities.

The window calls `extract_entities(corpus_index, progress=..., cancel=...)` from a thread;
the model itself never loads in the window's process.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from functools import cache
from importlib import resources

from reader.base.cancel import CancelFn, Cancelled, ProgressFn
from reader.base.processes import Executor, LocalExecutor, Pending, wait_for
from reader.entities.combine import RULES_VERSION
from reader.entities.model import NAME_TYPES, ExtractionReport, Mention
from reader.entities.pipelines import choose
from reader.entities.resolve import Resolution, resolve
from reader.entities.worker import extract_batch, init_worker
from reader.store.documents import DocumentStore
from reader.store.entity_store import EntityStore
from reader.store.folder import IndexFolder, IndexWriter
from reader.store.schema import index_fields

BATCH_CHARS = 40_000
"""Text per batch sent to the worker: a progress step and the work lost to a cancel."""
LOCK_SECONDS = 30.0
"""How long the entity fields wait for a build of the same corpus to finish."""
WORKER_PRELOAD = ("reader.entities.worker",)


@cache
def gazetteer_version() -> str:
    data = resources.files("reader.entities").joinpath("gazetteer.json").read_bytes()
    return hashlib.blake2b(data, digest_size=4).hexdigest()


def extractor_id(pipeline: str | None = None) -> str:
    """Names the extractor and its data: a change means every article is extracted again."""
    return (
        f"{choose(pipeline).description} [gazetteer {gazetteer_version()}, rules {RULES_VERSION}]"
    )


def open_entity_store(corpus_index: IndexFolder) -> EntityStore:
    return corpus_index.open_entity_store()


def extract_entities(
    corpus_index: IndexFolder,
    *,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
    pipeline: str | None = None,
) -> ExtractionReport:
    """Extract entities of new and changed articles of a built index; update the search index.

    Raises:
        Cancelled: `cancel()` turned true; finished batches are kept.
        AlreadyIndexing: another process is changing this corpus's index.
        ValueError: the corpus has no usable index yet (build it first), or an unknown
            pipeline was asked for.
    """
    problem = corpus_index.health()
    if problem is not None:
        raise ValueError(f"{corpus_index.root}: entities need the index first ({problem})")
    with corpus_index.lock():
        return _extract(corpus_index, progress, cancel, pipeline)


def _extract(
    corpus_index: IndexFolder,
    progress: ProgressFn | None,
    cancel: CancelFn | None,
    pipeline: str | None,
) -> ExtractionReport:
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
    if progress is not None:
        progress(0, total, "loading the entity extractor")
    executor: Executor = LocalExecutor(
        1, initializer=init_worker, initargs=(pipeline,), preload=WORKER_PRELOAD
    )
    try:
        pending: list[Pending[tuple[tuple[float, float], list[tuple[str, list[Mention]]]]]] = []
        exhausted = False
        while True:
            while not exhausted and len(pending) < 2:
                batch = next(batches, None)
                if batch is None:
                    exhausted = True
                else:
                    pending.append(executor.submit(extract_batch, batch))
            if not pending:
                break
            yield wait_for(pending.pop(0), cancel)
        executor.close()
    finally:
        executor.terminate()


def _entity_fields(resolution: Resolution, doc_id: str) -> dict[str, str]:
    names: dict[str, set[str]] = {kind: set() for kind in NAME_TYPES}
    for span in resolution.doc_spans.get(doc_id, []):
        if span.type in names and not span.ambiguous:
            names[span.type].add(span.name)
    fields = {kind.lower(): "\n".join(sorted(values)) for kind, values in names.items()}
    fields["entity"] = "\n".join(sorted(set().union(*names.values())))
    return fields


def sync_search_index(corpus_index: IndexFolder) -> int:
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
            busy = (
                f"{corpus_index.root} is being indexed; entities are searchable after the "
                "next extraction run"
            )
            with corpus_index.lock(timeout=LOCK_SECONDS, busy=busy):
                written = _write_entity_fields(corpus_index, docs, changes)
                store.begin()
                for doc_id in written:
                    store.put_indexed(doc_id, hashes[doc_id], changes[doc_id])
                store.commit()
            return len(written)


def _write_entity_fields(
    corpus_index: IndexFolder, docs: DocumentStore, changes: dict[str, dict[str, str]]
) -> list[str]:
    """Re-add the changed articles whole with their new entity fields; their ids."""
    writer = IndexWriter(corpus_index)
    written: list[str] = []
    try:
        for doc_id, fields in changes.items():
            article = docs.article(doc_id)
            if article is None:
                continue
            writer.rewrite({**index_fields(article), **fields})
            written.append(doc_id)
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    return written


__all__ = ["Cancelled", "extract_entities", "sync_search_index"]
