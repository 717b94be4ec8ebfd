"""What an index build's reader process spends per article, part by part, on real news.

A build's reader processes (`reader.services.reader_pool`, 32 files a task) read, decode, clean,
analyse and fingerprint every new or changed file, file the postings in a segment of their own
and write it at the end of each batch; the builder's process then writes the store. This script
runs that work in this one process and prints CPU milliseconds per article for each part:

* read + decode: `read_file_bytes` + `sources_from_bytes`;
* cleaning: `build_article`;
* analysis: `index_fields(article, analysed=True)` (`positions_postings` per text field);
* fingerprints: `fingerprint_rows` of the file's articles (shingles, MinHash, event terms);
* fingerprints/32: the same for 32 articles a call (the builder's chunk: `_process_many`
  fingerprints a chunk's articles at once);
* pickle: `pickle.dumps` + `loads` of a task's answer (`TaskDone`), as it crosses to the
  builder's process;
* worker total: `ReaderWork.handle` of tasks of `READ_CHUNK` files, timed as a whole (what the
  parts add up to, plus grouping the postings and filing them in the reader's segment);
* segment write: writing that segment (`ReaderWork.handle(WriteSegment)`), once for all the
  files, as a reader does at the end of a batch.

Two corpora, read from the shared data folder at run time and never copied into the
repository: BBC News (2,225 plain-text files, one article each) and Reuters-21578 (the SGML
converted by `benchmarks/reuters.py` into temporary JSON Lines files, about a thousand articles
a file). Times are CPU time of this process (`time.process_time`), the least noisy measure on a
shared machine; each part is the best of `--repeat` passes. The reader's interface is that of
`reader_pool` (since session 5; earlier commits had `builder._process_many`).

Run: .venv/bin/python benchmarks/worker_speed.py [--quick] [--repeat N] [--data DIR] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
DATA_ENV = "CORPUS_READER_DATA"
QUICK_BBC_PER_TOPIC = 60
QUICK_REUTERS_FILES = 1
PARTS = ("read + decode", "cleaning", "analysis", "fingerprints", "fingerprints/32", "pickle",
         "worker total", "segment write")  # fmt: skip
CHUNK = 32
TARGETS_MS = {"analysis": 0.3, "fingerprints": 0.5}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _ensure_importable() -> None:
    for path in (str(REPO), str(HERE)):
        if path not in sys.path:
            sys.path.insert(0, path)


def find_data(cli_dir: str | None) -> Path:
    """`--data`, else $CORPUS_READER_DATA, else `<repo>/../shared/data`."""
    if cli_dir:
        return Path(cli_dir).expanduser()
    env = os.environ.get(DATA_ENV)
    return Path(env).expanduser() if env else REPO.parent / "shared" / "data"


@dataclass
class Result:
    corpus: str
    files: int
    articles: int
    ms: dict[str, float] = field(default_factory=dict)
    """CPU milliseconds per article, by part."""


def _files(root: Path, limit_per_folder: int | None) -> list[str]:
    from reader.corpus.importer import is_supported, walk_corpus

    rels: list[str] = []
    per_folder: dict[str, int] = {}
    for item in walk_corpus(root):
        if not isinstance(item, Path) or not is_supported(item):
            continue
        rel = item.relative_to(root).as_posix()
        folder = os.path.dirname(rel)
        per_folder[folder] = per_folder.get(folder, 0) + 1
        if limit_per_folder is None or per_folder[folder] <= limit_per_folder:
            rels.append(rel)
    return rels


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.process_time()
    value = fn()
    return time.process_time() - start, value


def measure(name: str, root: Path, rels: list[str], repeat: int) -> Result:
    """Per-part CPU time of the reader-process work on `rels`, best of `repeat` passes."""
    from reader.corpus.articles import build_article
    from reader.corpus.importer import boilerplate_group, read_file_bytes, sources_from_bytes
    from reader.related.rows import fingerprint_rows
    from reader.services import build as builder
    from reader.services.reader_pool import ReaderWork, ReadTask, WriteSegment
    from reader.services.reading import index_fields, learn_folder

    boilerplate: dict[str, frozenset[str]] = {}
    for folder in sorted({os.path.dirname(rel) for rel in rels}):
        boilerplate.update(learn_folder(root, folder))
    scratch = tempfile.TemporaryDirectory(prefix="worker-speed-")
    work = ReaderWork(root, Path(scratch.name))

    def process_many(chunk: list[str]) -> Any:
        return work.handle(ReadTask(0, chunk, boilerplate, {}))

    process_many(rels[:3])  # lazy imports, caches of the first files
    work.handle(WriteSegment(0))
    best: dict[str, float] = {}
    articles = 0
    for _ in range(repeat):
        spent = dict.fromkeys(PARTS, 0.0)
        articles = 0
        chunked: list[Any] = []
        for rel in rels:
            path = root / rel
            t, (sources, _problems) = _timed(
                lambda path=path: sources_from_bytes(root, path, read_file_bytes(path))
            )
            spent["read + decode"] += t
            t, built = _timed(
                lambda sources=sources: [
                    build_article(s, boilerplate=boilerplate.get(boilerplate_group(s), frozenset()))
                    for s in sources
                ]
            )
            spent["cleaning"] += t
            kept = [a for a in built if a.body]
            articles += len(kept)
            t, _ = _timed(lambda kept=kept: [index_fields(a, analysed=True) for a in kept])
            spent["analysis"] += t
            t, _ = _timed(lambda kept=kept: fingerprint_rows(_items(kept)))
            spent["fingerprints"] += t
            chunked.extend(kept)
        for start in range(0, len(chunked), CHUNK):
            some = chunked[start : start + CHUNK]
            t, _ = _timed(lambda some=some: fingerprint_rows(_items(some)))
            spent["fingerprints/32"] += t
        for start in range(0, len(rels), builder.READ_CHUNK):
            chunk = rels[start : start + builder.READ_CHUNK]
            t, results = _timed(lambda chunk=chunk: process_many(chunk))
            spent["worker total"] += t
            t, _ = _timed(lambda results=results: pickle.loads(pickle.dumps(results, -1)))
            spent["pickle"] += t
        t, _ = _timed(lambda: work.handle(WriteSegment(0)))
        spent["segment write"] += t
        for part, seconds in spent.items():
            ms = 1000 * seconds / max(articles, 1)
            best[part] = min(best.get(part, ms), ms)
    work.close()
    scratch.cleanup()
    return Result(name, len(rels), articles, best)


def _items(articles: list[Any]) -> list[tuple[str, str, str | None, str]]:
    return [(a.id, a.content_hash, a.title, a.body) for a in articles]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="shared data folder (default: ../shared/data)")
    parser.add_argument("--quick", action="store_true", help="a sample of each corpus")
    parser.add_argument("--repeat", type=int, default=None, help="passes, best kept (3; quick 2)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    repeat = args.repeat or (2 if args.quick else 3)
    _ensure_importable()
    data = find_data(args.data)
    results: list[Result] = []
    bbc = data / "bbc"
    if not bbc.is_dir():
        print(f"skipped: no BBC folder at {bbc} (set --data or ${DATA_ENV})")
        return 0
    log(f"BBC: {bbc}")
    rels = _files(bbc, QUICK_BBC_PER_TOPIC if args.quick else None)
    results.append(measure("BBC", bbc.resolve(), rels, repeat))
    reuters_source = data / "reuters21578"
    if sorted(reuters_source.glob("reut2-*.sgm")):
        import reuters

        with tempfile.TemporaryDirectory(prefix="worker-speed-reuters-") as tmp:
            log("converting Reuters-21578 SGML to JSON Lines …")
            limit = QUICK_REUTERS_FILES if args.quick else None
            conversion = reuters.convert(reuters_source, Path(tmp), limit=limit)
            root = Path(tmp).resolve()
            rels = [p.relative_to(root).as_posix() for p in conversion.files]
            results.append(measure("Reuters", root, rels, repeat))
    else:
        log(f"Reuters skipped: no reut2-*.sgm files in {reuters_source}")
    if args.json:
        print(json.dumps([r.__dict__ for r in results], indent=2))
        return 0
    print(f"CPU ms per article, best of {repeat} pass(es){' (quick sample)' if args.quick else ''}")
    header = f"{'part':<16}" + "".join(f"{r.corpus:>12}" for r in results) + "   target"
    print(header)
    for part in PARTS:
        row = f"{part:<16}" + "".join(f"{r.ms[part]:>12.3f}" for r in results)
        target = TARGETS_MS.get(part)
        print(row + (f"   ≤ {target}" if target else ""))
    print(f"{'articles':<16}" + "".join(f"{r.articles:>12}" for r in results))
    print(f"{'files':<16}" + "".join(f"{r.files:>12}" for r in results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
