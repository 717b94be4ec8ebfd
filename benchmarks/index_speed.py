"""Index build speed, index size and search latency on real news corpora, against plain Whoosh.

Two corpora, read from the shared data folder at run time and never copied into the repository:
BBC News (2,225 plain-text files, plus the data set's README.TXT, which the importer reads as an
article too), and BBC + Reuters-21578 (the SGML converted by `benchmarks/reuters.py` into
temporary JSON Lines files, beside a symlink to the BBC folder).

For each corpus: a full build with the default worker count and with `workers=1`, the index's
size on disk, a no-change re-run, and search latency over a fixed, seeded mix of queries with
snippets. The same corpus is also indexed the way a first Whoosh program would (stock schema and
analyzer, one `ix.writer()`, stored texts, `hit.highlights` for snippets) as the baseline our
pipeline should beat. Last, a cProfile of a `workers=1` BBC build says where the time goes.

Every build runs in a fresh interpreter, as `corpus-reader index` does, so one-off costs (lazy
imports, dateparser's locale tables) count each time whatever ran before; and every index is
written to a fresh temporary folder passed as `index_dir`, so nothing lands in the user's data
folder. Timings on a shared 2-core machine vary by 10-20 % from run to run: each corpus is
built `--repeat` times (3), ours and the baseline's in turn, and the medians are compared.

Run: .venv/bin/python benchmarks/index_speed.py [--data DIR] [--quick] [--json] [--no-profile]
     [--repeat N]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import platform
import pstats
import random
import re
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from reader.services.build import BuildReport

T = TypeVar("T")

REPO = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
DATA_ENV = "CORPUS_READER_DATA"
BBC_DIR = "bbc"
REUTERS_DIR = "reuters21578"

SEED = 1987
QUERIES = 200
QUICK_QUERIES = 60
QUICK_BBC_PER_TOPIC = 60
QUICK_REUTERS_FILES = 2
PAGELEN = 20
PROFILE_TOP = 15
TARGET_RERUN_S = 1.0
TARGET_RATIO = 2.0

QUERY_MIX: tuple[tuple[str, int], ...] = (
    ("word", 40),
    ("rare", 30),
    ("and", 30),
    ("phrase", 30),
    ("prefix", 20),
    ("fuzzy", 20),
    ("field", 20),
    ("by-date", 10),
)
"""Kinds of query and how many of each in 200: what people type into a reader's search box."""
FIELD_QUERIES = ("title:oil", "source:reuters", "date:[1987-03-01 to 1987-03-31]")

_WORD = re.compile(r"\b[a-z]{3,}\b")
_PHRASE = re.compile(r"\b[A-Za-z]{2,} [A-Za-z]{2,} [A-Za-z]{2,}\b")
"""Three words in a row with nothing but a space between: a phrase someone remembers."""

PROFILE_STAGES: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("walk + stat (builder._scan)", (("reader/services/build.py", "_scan"),)),
    ("learn boilerplate (builder._learn_boilerplate)", (("reader/", "_learn_boilerplate"),)),
    ("read bytes (importer.read_file_bytes)", (("reader/corpus/", "read_file_bytes"),)),
    ("decode (decoding.decode_bytes)", (("reader/corpus/", "decode_bytes"),)),
    ("formats (sources_from_bytes, incl. decode)", (("reader/corpus/", "sources_from_bytes"),)),
    ("clean (cleaning.clean_text)", (("reader/corpus/", "clean_text"),)),
    ("metadata (metadata.extract_metadata)", (("reader/corpus/", "extract_metadata"),)),
    ("  of which dateparser.parse", (("dateparser/__init__.py", "parse"),)),
    ("analyse (reading.index_fields)", (("reader/services/reading.py", "index_fields"),)),
    ("fingerprints (rows.fingerprint_rows)", (("reader/related/", "fingerprint_rows"),)),
    ("file postings (ScratchSegment.add)", (("reader/store/segment_writer.py", "add"),)),
    ("write segments (ScratchSegment.finish)", (("reader/store/segment_writer.py", "finish"),)),
    ("store: write (_IndexRun._write)", (("reader/services/build.py", "_write"),)),
    (
        "commit: adopt segments, store (_IndexRun._commit)",
        (("reader/services/build.py", "_commit"),),
    ),
    ("health check (CorpusIndex.health)", (("reader/services/build.py", "health"),)),
)
"""Where a build's time can go, as cumulative times of the functions that do each part
(matched by path fragment and name, so a function moving between modules is still found)."""


def log(message: str) -> None:
    """Progress goes to stderr, so `--json` output stays one parseable document."""
    print(message, file=sys.stderr, flush=True)


def _ensure_importable() -> None:
    """Scripts run as files get `benchmarks/` on sys.path, not the repo; add both."""
    for path in (str(REPO), str(HERE)):
        if path not in sys.path:
            sys.path.insert(0, path)


def find_data(cli_dir: str | None) -> Path:
    """`--data`, else $CORPUS_READER_DATA, else `<repo>/../shared/data`."""
    if cli_dir:
        return Path(cli_dir).expanduser()
    env = os.environ.get(DATA_ENV)
    if env:
        return Path(env).expanduser()
    return REPO.parent / "shared" / "data"


# -- corpora ---------------------------------------------------------------------------------
@dataclass
class Corpus:
    """A folder to index, and where the baseline finds the same texts."""

    name: str
    root: Path
    text_dirs: list[Path]
    jsonl_dirs: list[Path]
    offered: int
    """Articles the folder holds for the importer: text files plus JSON Lines records."""
    notes: list[str] = field(default_factory=list)


def text_files(folder: Path) -> list[Path]:
    """`.txt` files (any case) under a folder, following symlinks, hidden names skipped."""
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=True):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        found.extend(
            Path(dirpath) / name
            for name in sorted(filenames)
            if name.lower().endswith(".txt") and not name.startswith(".")
        )
    return found


def quick_bbc(source: Path, dest: Path, per_topic: int) -> Path:
    """A small BBC corpus of symlinks: the first files of each topic, and the README."""
    for topic in sorted(p for p in source.iterdir() if p.is_dir()):
        (dest / topic.name).mkdir(parents=True)
        for path in sorted(topic.glob("*.txt"))[:per_topic]:
            (dest / topic.name / path.name).symlink_to(path)
    for path in source.iterdir():
        if path.is_file():
            (dest / path.name).symlink_to(path)
    return dest


def prepare_corpora(data: Path, quick: bool, stack: ExitStack) -> tuple[list[Corpus], list[str]]:
    """The corpora whose data is present, built in temporary folders; and what was skipped."""
    import reuters

    skipped: list[str] = []
    corpora: list[Corpus] = []
    bbc_source = data / BBC_DIR
    reuters_source = data / REUTERS_DIR
    if not bbc_source.is_dir():
        skipped.append(f"BBC: no folder {bbc_source}")
        return corpora, skipped
    tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="index-speed-")))
    bbc = (
        quick_bbc(bbc_source, tmp / "quick" / BBC_DIR, QUICK_BBC_PER_TOPIC) if quick else bbc_source
    )
    bbc_files = text_files(bbc)
    subset = f"quick run: first {QUICK_BBC_PER_TOPIC} files of each topic" if quick else None
    bbc_notes = [subset] if subset else []
    corpora.append(Corpus("BBC", bbc, [bbc], [], len(bbc_files), bbc_notes))

    if not sgm_present(reuters_source):
        skipped.append(f"BBC + Reuters: no reut2-*.sgm files in {reuters_source}")
        return corpora, skipped
    root = tmp / "bbc-reuters"
    root.mkdir()
    (root / BBC_DIR).symlink_to(bbc, target_is_directory=True)
    log("converting Reuters-21578 SGML to JSON Lines …")
    conversion = reuters.convert(
        reuters_source, root / "reuters", limit=QUICK_REUTERS_FILES if quick else None
    )
    notes = [
        f"Reuters: {len(conversion.files)} .sgm files, {conversion.stories} stories, "
        f"{conversion.written} with a body written as JSON Lines, {conversion.skipped_no_body} "
        f"without a body skipped, {conversion.undated} without a parseable date "
        f"(conversion {conversion.seconds:.1f} s, not counted in build times)",
        *bbc_notes,
    ]
    corpora.append(
        Corpus(
            "BBC + Reuters",
            root,
            [root / BBC_DIR],
            [root / "reuters"],
            len(bbc_files) + conversion.written,
            notes,
        )
    )
    return corpora, skipped


def sgm_present(folder: Path) -> bool:
    return folder.is_dir() and any(folder.glob("reut2-*.sgm"))


def baseline_documents(corpus: Corpus) -> Iterator[dict[str, str]]:
    """The corpus as a first Whoosh program would read it: `open().read()`, first line the
    title; the converted Reuters records as they are, date cut to its ISO day."""
    import reuters

    for folder in corpus.text_dirs:
        for path in text_files(folder):
            with open(path, encoding="utf-8", errors="replace") as handle:
                text = handle.read()
            title, _, body = text.partition("\n")
            rel = path.relative_to(folder.parent).as_posix()
            yield {"id": rel, "title": title.strip(), "body": body, "date": ""}
    for folder in corpus.jsonl_dirs:
        for record in reuters.read_records(folder):
            yield {
                "id": f"reuters/{record['id']}",
                "title": record.get("title") or "",
                "body": record["text"],
                "date": (record.get("date") or "")[:10],
            }


# -- queries ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Query:
    kind: str
    text: str
    sort: str = "relevance"


def make_queries(texts: Sequence[str], n: int, seed: int = SEED) -> list[Query]:
    """A seeded mix of query kinds drawn from the corpus's own words and sentences."""
    from whoosh.analysis import STOP_WORDS

    rng = random.Random(seed)
    counts = Counter(w for text in texts for w in _WORD.findall(text.lower()))
    vocab = [w for w, _ in counts.most_common() if w not in STOP_WORDS]
    frequent = vocab[20:1000]  # past the commonest few, which are nearly stop words
    long_frequent = [w for w in frequent if len(w) >= 7]
    frequent_set = set(frequent)
    rare = sorted(w for w, c in counts.items() if 2 <= c <= 3 and len(w) >= 5)
    rare = [w for w in rare if w not in STOP_WORDS] or frequent

    def two_words() -> str:
        """Two frequent words from one article, so an AND query has something to find."""
        for _ in range(50):
            words = sorted(set(_WORD.findall(rng.choice(texts).lower())) & frequent_set)
            if len(words) >= 2:
                a, b = rng.sample(words, 2)
                return f"{a} {b}"
        return f"{rng.choice(frequent)} {rng.choice(frequent)}"

    def phrase() -> str:
        for _ in range(50):
            found = [
                p.lower()
                for p in _PHRASE.findall(rng.choice(texts))
                if any(w not in STOP_WORDS for w in p.lower().split())
            ]
            if found:
                return f'"{rng.choice(found)}"'
        return f'"{rng.choice(frequent)}"'

    def prefix(i: int) -> str:
        return "econom*" if i == 0 else rng.choice(long_frequent)[:5] + "*"

    def fuzzy(i: int) -> str:
        if i == 0:
            return "goverment~"
        word = rng.choice(long_frequent)
        cut = rng.randrange(1, len(word) - 1)
        return word[:cut] + word[cut + 1 :] + "~"

    def field_query(i: int) -> str:
        if i % 4 < len(FIELD_QUERIES):
            return FIELD_QUERIES[i % 4]
        return f"title:{rng.choice(frequent)}"

    makers: dict[str, Callable[[int], Query]] = {
        "word": lambda i: Query("word", rng.choice(frequent)),
        "rare": lambda i: Query("rare", rng.choice(rare)),
        "and": lambda i: Query("and", two_words()),
        "phrase": lambda i: Query("phrase", phrase()),
        "prefix": lambda i: Query("prefix", prefix(i)),
        "fuzzy": lambda i: Query("fuzzy", fuzzy(i)),
        "field": lambda i: Query("field", field_query(i)),
        "by-date": lambda i: Query("by-date", rng.choice(frequent), sort="date"),
    }
    total = sum(c for _, c in QUERY_MIX)
    queries = [
        makers[kind](i)
        for kind, count in QUERY_MIX
        for i in range(max(1, round(count * n / total)))
    ]
    rng.shuffle(queries)
    return queries


@dataclass
class SearchTiming:
    """Latency of one timed pass (after a warm-up pass) over the same queries."""

    queries: int
    p50_ms: float
    p95_ms: float
    mean_ms: float
    max_ms: float
    zero_hits: int
    by_kind: dict[str, dict[str, float]]
    errors: list[str]


def _percentile(values: Sequence[float], pct: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def time_queries(queries: Sequence[Query], run: Callable[[Query], int]) -> SearchTiming:
    """Warm up once (caches, lazily built sort keys), then time each query once."""
    errors: dict[str, str] = {}
    for query in queries:
        try:
            run(query)
        except Exception as exc:  # a query one engine cannot run is reported, not fatal
            errors[query.text] = f"{query.text!r}: {type(exc).__name__}: {exc}"
    times: list[float] = []
    by_kind: dict[str, list[float]] = defaultdict(list)
    zero = 0
    for query in queries:
        if query.text in errors:
            continue
        started = time.perf_counter()
        hits = run(query)
        ms = (time.perf_counter() - started) * 1000
        times.append(ms)
        by_kind[query.kind].append(ms)
        zero += hits == 0
    if not times:
        times = [0.0]
    return SearchTiming(
        queries=len(queries) - len(errors),
        p50_ms=_percentile(times, 50),
        p95_ms=_percentile(times, 95),
        mean_ms=statistics.fmean(times),
        max_ms=max(times),
        zero_hits=zero,
        by_kind={
            kind: {"n": len(ms), "p50_ms": _percentile(ms, 50), "p95_ms": _percentile(ms, 95)}
            for kind, ms in by_kind.items()
        },
        errors=sorted(errors.values()),
    )


def search_ours(root: Path, index_dir: Path, queries: Sequence[Query]) -> SearchTiming:
    from reader.services.build import CorpusIndex
    from reader.store.search import Searcher

    with Searcher(CorpusIndex(root, index_dir)) as searcher:

        def run(query: Query) -> int:
            sort = "date" if query.sort == "date" else "relevance"
            return searcher.search(query.text, sort=sort, pagelen=PAGELEN, snippets=True).total

        return time_queries(queries, run)


def search_baseline(whoosh_dir: Path, queries: Sequence[Query]) -> SearchTiming:
    """Stock Whoosh search: title and body, BM25F, `hit.highlights("body")` as the snippet."""
    from whoosh import index
    from whoosh.qparser import FuzzyTermPlugin, MultifieldParser

    ix = index.open_dir(str(whoosh_dir))
    parser = MultifieldParser(["title", "body"], ix.schema)
    parser.add_plugin(FuzzyTermPlugin())
    with ix.searcher() as searcher:

        def run(query: Query) -> int:
            parsed = parser.parse(query.text)
            kwargs: dict[str, Any] = {}
            if query.sort == "date":
                kwargs.update(sortedby="date", reverse=True)
            results = searcher.search_page(parsed, 1, pagelen=PAGELEN, **kwargs)
            for hit in results:
                hit.highlights("body")
            return int(results.total)

        return time_queries(queries, run)


# -- builds ----------------------------------------------------------------------------------
def folder_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1024**2


def store_mb(index_dir: Path) -> float:
    """The SQLite store with its WAL and shared-memory files, if a run left them."""
    from reader.store.folder import STORE_FILE

    names = (STORE_FILE, STORE_FILE + "-wal", STORE_FILE + "-shm")
    return sum((index_dir / n).stat().st_size for n in names if (index_dir / n).exists()) / 1024**2


def in_fresh_process(func: Callable[..., T], *args: Any) -> T:
    """Run one build in a new interpreter, as `corpus-reader index` would: one-off costs (lazy
    imports, dateparser's locale tables) count every time, whatever ran before in this one."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(func, *args).result()


def build_ours(root: Path, index_dir: Path, workers: int | None) -> tuple[BuildReport, float]:
    from reader.services.build import CorpusIndex

    started = time.perf_counter()
    report = CorpusIndex(root, index_dir).update(workers=workers)
    return report, time.perf_counter() - started


def default_workers() -> int:
    """The builder's default (`min(cpu_count, 4)`), printed so a reader knows what ran."""
    return min(os.cpu_count() or 1, 4)


def problem_summary(report: BuildReport) -> list[str]:
    """Problems grouped by reason (ids stripped), most common first, with one example."""
    groups: dict[str, list[str]] = defaultdict(list)
    for problem in report.problems:
        head, sep, tail = problem.reason.partition(": ")
        reason = tail if sep and ("#" in head or "/" in head) else problem.reason
        groups[reason].append(head if sep else problem.path)
    ordered = sorted(groups.items(), key=lambda kv: -len(kv[1]))
    return [f"{len(ids)} × {reason} (e.g. {ids[0]})" for reason, ids in ordered]


def indexed_readmes(root: Path, index_dir: Path) -> list[str]:
    """README files (the data set's own description) and whether the index took them for
    articles: the importer reads every `.txt`, so a corpus's documentation becomes a hit."""
    from reader.services.build import CorpusIndex

    found: list[str] = []
    with CorpusIndex(root, index_dir).open_store() as store:
        for path in text_files(root):
            if not path.name.lower().startswith("readme"):
                continue
            rel = path.relative_to(root).as_posix()
            article = store.article(rel)
            if article is None:
                found.append(f"{rel} is in the folder but was not indexed")
                continue
            title = article.title or ""
            shown = title if len(title) <= 60 else title[:60] + "…"
            found.append(
                f"{rel} (the data set's description) is indexed as an article: "
                f"title {shown!r}, {article.word_count} words"
            )
    return found


def build_baseline(corpus: Corpus, index_dir: Path) -> tuple[int, float]:
    """Whoosh defaults: stock schema and analyzer, one writer, default limitmb, one process."""
    from whoosh import index
    from whoosh.fields import ID, TEXT, Schema

    schema = Schema(
        id=ID(stored=True), title=TEXT(stored=True), body=TEXT(stored=True), date=ID(stored=True)
    )
    started = time.perf_counter()
    ix = index.create_in(str(index_dir), schema)
    writer = ix.writer()
    count = 0
    for doc in baseline_documents(corpus):
        writer.add_document(**doc)
        count += 1
    writer.commit()
    return count, time.perf_counter() - started


def run_corpus(corpus: Corpus, n_queries: int, repeat: int = 1) -> dict[str, Any]:
    """Every measurement of one corpus, as a dict (the `--json` shape)."""
    log(f"[{corpus.name}] reading texts for the query mix …")
    texts = [f"{d['title']}\n{d['body']}" for d in baseline_documents(corpus)]
    queries = make_queries(texts, n_queries)
    del texts
    out: dict[str, Any] = {
        "name": corpus.name,
        "root": str(corpus.root),
        "offered": corpus.offered,
        "notes": list(corpus.notes),
    }

    with tempfile.TemporaryDirectory(prefix="index-ours-") as tmp:
        index_dir = Path(tmp)
        log(f"[{corpus.name}] our build, default workers ({default_workers()}) …")
        report, seconds = in_fresh_process(build_ours, corpus.root, index_dir, None)
        out["documents"] = report.documents
        out["problems"] = problem_summary(report)
        out["notes"] += indexed_readmes(corpus.root, index_dir)
        out["ours"] = {
            "workers": default_workers(),
            "seconds": seconds,
            "docs_per_s": report.documents / seconds,
            "whoosh_mb": folder_mb(index_dir / "whoosh"),
            "store_mb": store_mb(index_dir),
        }
        log(f"[{corpus.name}] no-change re-run …")
        rerun, rerun_s = in_fresh_process(build_ours, corpus.root, index_dir, None)
        out["rerun"] = {
            "seconds": rerun_s,
            "unchanged_files": rerun.unchanged,
            "added": rerun.added,
            "updated": rerun.updated,
        }
        log(f"[{corpus.name}] {len(queries)} queries on our index …")
        out["ours"]["search"] = asdict(search_ours(corpus.root, index_dir, queries))

    with tempfile.TemporaryDirectory(prefix="index-ours-w1-") as tmp:
        log(f"[{corpus.name}] our build, workers=1 …")
        report1, seconds1 = in_fresh_process(build_ours, corpus.root, Path(tmp), 1)
        out["ours_workers1"] = {
            "seconds": seconds1,
            "docs_per_s": report1.documents / seconds1,
            "documents": report1.documents,
        }

    with tempfile.TemporaryDirectory(prefix="index-whoosh-") as tmp:
        log(f"[{corpus.name}] plain Whoosh baseline …")
        count, base_s = in_fresh_process(build_baseline, corpus, Path(tmp))
        out["baseline"] = {
            "documents": count,
            "seconds": base_s,
            "docs_per_s": count / base_s,
            "whoosh_mb": folder_mb(Path(tmp)),
        }
        log(f"[{corpus.name}] {len(queries)} queries on the baseline …")
        out["baseline"]["search"] = asdict(search_baseline(Path(tmp), queries))

    # More builds, ours and the baseline's in turn (each under the load the other saw): on a
    # shared machine one build's time varies by a fifth; the medians are reported.
    ours_runs, base_runs = [out["ours"]["seconds"]], [out["baseline"]["seconds"]]
    for n in range(2, repeat + 1):
        log(f"[{corpus.name}] build {n} of {repeat}, ours and plain Whoosh …")
        with tempfile.TemporaryDirectory(prefix="index-again-") as tmp:
            (Path(tmp) / "whoosh").mkdir()
            ours_runs.append(in_fresh_process(build_ours, corpus.root, Path(tmp) / "ours", None)[1])
            base_runs.append(in_fresh_process(build_baseline, corpus, Path(tmp) / "whoosh")[1])
    out["ours"].update(runs=ours_runs, seconds=statistics.median(ours_runs))
    out["ours"]["docs_per_s"] = out["documents"] / out["ours"]["seconds"]
    out["baseline"].update(runs=base_runs, seconds=statistics.median(base_runs))
    out["baseline"]["docs_per_s"] = out["baseline"]["documents"] / out["baseline"]["seconds"]
    base_rate = out["baseline"]["docs_per_s"]
    out["ratio"] = out["ours"]["docs_per_s"] / base_rate
    out["ratio_workers1"] = out["ours_workers1"]["docs_per_s"] / base_rate
    out["queries"] = [asdict(q) for q in queries]
    return out


# -- profile ---------------------------------------------------------------------------------
def _label(key: tuple[str, int, str]) -> str:
    """`package/module.py:line(function)`, short enough to read in a terminal."""
    filename, line, func = key
    if filename == "~":
        return func
    marker = "site-packages/"
    if marker in filename:
        filename = filename.split(marker, 1)[1]
    elif filename.startswith(str(REPO)):
        filename = filename[len(str(REPO)) + 1 :]
    else:
        filename = Path(filename).name
    return f"{filename}:{line}({func})"


def profile_build(root: Path) -> dict[str, Any]:
    """cProfile of a `workers=1` build: everything runs in this process, so all is seen."""
    from reader.services.build import CorpusIndex

    profiler = cProfile.Profile()
    with tempfile.TemporaryDirectory(prefix="index-profile-") as tmp:
        started = time.perf_counter()
        profiler.enable()
        report = CorpusIndex(root, Path(tmp)).update(workers=1)
        profiler.disable()
        wall = time.perf_counter() - started
    stats = pstats.Stats(profiler)
    rows = [
        (key, nc, tt, ct)
        for key, (_cc, nc, tt, ct, _callers) in stats.stats.items()  # type: ignore[attr-defined]
    ]

    def table(index: int) -> list[dict[str, Any]]:
        top = sorted(rows, key=lambda r: -r[index])[:PROFILE_TOP]
        return [
            {"function": _label(k), "calls": nc, "tottime": tt, "cumtime": ct}
            for k, nc, tt, ct in top
        ]

    stages = []
    for label, targets in PROFILE_STAGES:
        cum = sum(
            ct
            for (filename, _line, func), _nc, _tt, ct in rows
            if any(f in filename.replace(os.sep, "/") and func == name for f, name in targets)
        )
        stages.append({"stage": label, "cumtime": cum})
    return {
        "documents": report.documents,
        "seconds_profiled": wall,
        "by_cumtime": table(3),
        "by_tottime": table(2),
        "stages": stages,
    }


# -- output ----------------------------------------------------------------------------------
def _verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def _row(label: str, value: str) -> None:
    print(f"  {label:<27} {value}")


def print_report(summary: dict[str, Any]) -> None:
    env = summary["environment"]
    print(
        f"Index speed — {env['python']}, {env['cpus']} CPUs, Whoosh {env['whoosh']}, "
        f"data {summary['data']}{' (quick run)' if summary['quick'] else ''}"
    )
    for skipped in summary["skipped"]:
        print(f"skipped: {skipped}")
    for c in summary["corpora"]:
        ours, one, base = c["ours"], c["ours_workers1"], c["baseline"]
        print(
            f"\n== {c['name']}: {c['documents']:,} articles indexed "
            f"({c['offered']:,} offered by the folder)"
        )
        for note in c["notes"]:
            print(f"   note: {note}")
        for problem in c["problems"][:5]:
            print(f"   problem: {problem}")
        if len(c["problems"]) > 5:
            print(f"   … and {len(c['problems']) - 5} other kinds of problem")
        runs = len(ours["runs"])
        if runs > 1:
            print(f"   builds: median of {runs}, ours and plain Whoosh in turn (ours "
                  + ", ".join(f"{t:.1f}" for t in ours["runs"]) + " s; plain Whoosh "
                  + ", ".join(f"{t:.1f}" for t in base["runs"]) + " s)")  # fmt: skip
        workers = f"build, ours ({ours['workers']} workers)"
        _row(workers, f"{ours['seconds']:8.1f} s  {ours['docs_per_s']:7.0f} docs/s")
        _row("build, ours (workers=1)", f"{one['seconds']:8.1f} s  {one['docs_per_s']:7.0f} docs/s")
        _row(
            "build, plain Whoosh",
            f"{base['seconds']:8.1f} s  {base['docs_per_s']:7.0f} docs/s  "
            f"({base['documents']:,} docs)",
        )
        _row(
            "ours / baseline rate",
            f"{c['ratio']:8.2f} ×  (workers=1: {c['ratio_workers1']:.2f} ×; target >= "
            f"{TARGET_RATIO:.0f} ×: {_verdict(c['ratio'] >= TARGET_RATIO)})",
        )
        _row(
            "index size, ours",
            f"Whoosh {ours['whoosh_mb']:.1f} MB + SQLite store {ours['store_mb']:.1f} MB "
            f"(plain Whoosh, texts stored: {base['whoosh_mb']:.1f} MB)",
        )
        rerun = c["rerun"]
        _row(
            "no-change re-run",
            f"{rerun['seconds']:8.2f} s  ({rerun['unchanged_files']:,} files unchanged, "
            f"{rerun['added']} added; target < {TARGET_RERUN_S:.0f} s: "
            f"{_verdict(rerun['seconds'] < TARGET_RERUN_S)})",
        )
        for label, s in (("ours", ours["search"]), ("plain Whoosh", base["search"])):
            _row(
                f"search, {label}",
                f"p50 {s['p50_ms']:6.1f} ms  p95 {s['p95_ms']:6.1f} ms  mean {s['mean_ms']:6.1f}  "
                f"max {s['max_ms']:7.1f}  ({s['queries']} queries, {s['zero_hits']} without hits)",
            )
            kinds = "  ".join(
                f"{k} {v['p50_ms']:.1f}/{v['p95_ms']:.1f}" for k, v in sorted(s["by_kind"].items())
            )
            print(f"      p50/p95 ms by kind: {kinds}")
            for error in s["errors"]:
                print(f"      query error: {error}")
    profile = summary.get("profile")
    if profile:
        total = profile["seconds_profiled"]
        print(
            f"\n== Profile: workers=1 build of BBC ({profile['documents']:,} articles), "
            f"{total:.1f} s under cProfile (which slows Python-heavy code 2-4×)"
        )
        print("  where the time goes (cumulative; nested stages overlap):")
        for stage in profile["stages"]:
            share = 100 * stage["cumtime"] / total if total else 0.0
            print(f"    {stage['stage']:<52} {stage['cumtime']:7.2f} s  {share:5.1f}%")
        for key, title in (("by_cumtime", "cumulative"), ("by_tottime", "own (tottime)")):
            print(f"  top {PROFILE_TOP} functions by {title} time:")
            print(f"    {'cumtime':>8} {'tottime':>8} {'calls':>9}  function")
            for row in profile[key]:
                print(
                    f"    {row['cumtime']:8.2f} {row['tottime']:8.2f} {row['calls']:9d}  "
                    f"{row['function']}"
                )


def skip(reason: str, *, as_json: bool) -> int:
    """Machines without the data still pass: say why nothing was measured, and exit 0."""
    print(f"skipped: {reason}", file=sys.stderr)
    if as_json:
        print(json.dumps({"skipped": reason}))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--data", help=f"the folder holding {BBC_DIR}/ and {REUTERS_DIR}/ (default: ${DATA_ENV})"
    )
    parser.add_argument("--quick", action="store_true", help="a small run: subsets, 60 queries")
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    parser.add_argument("--no-profile", action="store_true", help="skip the cProfile build")
    parser.add_argument(
        "--repeat", type=int, default=3, help="builds of each corpus, ours and the baseline's; "
        "the medians are reported (default 3; 1 with --quick)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    _ensure_importable()

    data = find_data(args.data)
    if not (data / BBC_DIR).is_dir():
        return skip(
            f"the BBC data set is not at {data / BBC_DIR}; pass --data DIR or set {DATA_ENV} "
            f"to the folder holding {BBC_DIR}/ and {REUTERS_DIR}/",
            as_json=args.json,
        )
    from importlib.metadata import PackageNotFoundError, version

    try:
        whoosh_version = version("Whoosh-Reloaded")
    except PackageNotFoundError:
        whoosh_version = "?"
    summary: dict[str, Any] = {
        "data": str(data),
        "quick": args.quick,
        "seed": SEED,
        "environment": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "whoosh": whoosh_version,
            "platform": platform.platform(),
        },
        "corpora": [],
    }
    with ExitStack() as stack:
        corpora, skipped = prepare_corpora(data, args.quick, stack)
        summary["skipped"] = skipped
        for message in skipped:
            log(f"skipped: {message}")
        n_queries = QUICK_QUERIES if args.quick else QUERIES
        for corpus in corpora:
            repeat = 1 if args.quick and "--repeat" not in (argv or sys.argv) else args.repeat
            summary["corpora"].append(run_corpus(corpus, n_queries, max(1, repeat)))
        if not args.no_profile and corpora:
            log("[BBC] profiled build, workers=1 …")
            summary["profile"] = in_fresh_process(profile_build, corpora[0].root)
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print_report(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
