"""A build's reader side: read, decode, clean, analyse and fingerprint files.

What a reader process (`reader_pool`) does with a task of files, and what it learns of a
folder's furniture; plain functions of their arguments, so the builder runs them in this
process too when the work is too small for processes.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import hashlib
import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reader.corpus.articles import build_article
from reader.corpus.decoding import UnreadableText
from reader.corpus.importer import (
    boilerplate_group,
    describe_os_error,
    folder_sample,
    learn_boilerplate,
    read_file_bytes,
    sources_from_bytes,
)
from reader.corpus.model import Article, Problem
from reader.related.rows import FingerprintRow, fingerprint_rows
from reader.store.documents import pack_raw
from reader.store.schema import index_fields

Boilerplate = Mapping[str, frozenset[str]]
"""Repeated lines by group (`importer.boilerplate_group`): what cleaning drops."""
EntityFields = Mapping[str, tuple[str, dict[str, str]]]
"""An article's entity fields as last indexed, by id, with the content hash they were found
in: an unchanged article that is written again keeps them."""


@dataclass(frozen=True, slots=True)
class FileResult:
    """One file read: its stat and digest, its articles (their raw text left out: `raws`
    holds it packed for the store) and what went wrong."""

    rel: str
    size: int
    mtime_ns: int
    digest: str
    articles: list[Article]
    problems: list[Problem]
    documents: list[dict[str, Any]] = field(default_factory=list)
    """The Whoosh document of each article, its texts already analysed; emptied once the
    reader has filed them in its segment."""
    fingerprints: list[FingerprintRow] = field(default_factory=list)
    """Each article's related-stories fingerprint (reader.related)."""
    raws: list[bytes] = field(default_factory=list)


def process_file(root: Path, rel: str, boilerplate: Boilerplate) -> FileResult:
    """Read, decode, parse, clean and analyse one file; never raises for a bad file.
    Fingerprints are left to `read_files`, which computes a task's at once."""
    path = root / rel
    try:
        info = path.stat()
        data = read_file_bytes(path)
    except (OSError, UnreadableText) as exc:
        reason = describe_os_error(exc) if isinstance(exc, OSError) else str(exc)
        return FileResult(rel, 0, 0, "", [], [Problem(str(path), reason)])
    digest = hashlib.blake2b(data, digest_size=16).hexdigest()
    sources, problems = sources_from_bytes(root, path, data)
    articles: list[Article] = []
    for source in sources:
        try:
            article = build_article(
                source, boilerplate=boilerplate.get(boilerplate_group(source), frozenset())
            )
        except Exception as exc:  # one odd article must not stop the corpus
            problems.append(Problem(str(path), f"{source.id}: cleaning failed ({exc})"))
            continue
        if article.body:
            articles.append(article)
        else:
            problems.append(Problem(str(path), f"{source.id}: no story text found"))
    documents = [index_fields(a, analysed=True) for a in articles]
    raws = [pack_raw(a.raw) for a in articles]
    articles = [dataclasses.replace(a, raw="") for a in articles]
    return FileResult(rel, info.st_size, info.st_mtime_ns, digest, articles, problems,
                      documents, [], raws)  # fmt: skip


def read_files(
    root: Path,
    rels: list[str],
    boilerplate: Boilerplate,
    entity_fields: EntityFields | None = None,
) -> list[FileResult]:
    """A reader's task: its files read, their documents (with the entity fields an
    unchanged article had) and fingerprints; the fingerprints of the task at once (NumPy's
    work per call, not per file)."""
    with collector_paused():
        results = [process_file(root, rel, boilerplate) for rel in rels]
        rows = iter(fingerprint_rows([item for r in results for item in _fingerprinted(r)]))
        out: list[FileResult] = []
        for result in results:
            prints = list(itertools.islice(rows, len(result.articles)))
            documents = result.documents
            if entity_fields:
                documents = [_with_entities(d, a, entity_fields)
                             for d, a in zip(documents, result.articles, strict=True)]  # fmt: skip
            out.append(dataclasses.replace(result, documents=documents, fingerprints=prints))
        return out


def _with_entities(
    document: dict[str, Any], article: Article, entity_fields: EntityFields
) -> dict[str, Any]:
    found = entity_fields.get(article.id)
    if found is None or found[0] != article.content_hash:
        return document
    return {**document, **found[1]}


def _fingerprinted(result: FileResult) -> list[tuple[str, str, str | None, str]]:
    return [(a.id, a.content_hash, a.title, a.body) for a in result.articles]


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


def learn_folder(root: Path, folder: str) -> dict[str, frozenset[str]]:
    """A folder's repeated lines, learned from the sample of its files an import reads."""
    try:
        sample = folder_sample(root, folder)
    except OSError:
        return {}
    return learn_boilerplate(sample)


def file_digest(path: Path) -> str:
    return hashlib.blake2b(read_file_bytes(path), digest_size=16).hexdigest()
