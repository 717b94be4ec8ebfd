"""Speed of relating: fingerprints per second, and relating 10k and 100k articles.

The corpus is grown in memory from real news — BBC (2,225 stories, undated) and Reuters-21578
(about 19,000 stories with a body, dated 1987) read from `../shared/data` — by seeded edits of
the kind outlets make to wire copy. Each new article copies a random base story and applies
one to three of:

* **cut**: keep the first 40-90% of the paragraphs, at least two (outlets trim from the end);
* **insert**: a one-sentence paragraph of another story (a local angle, a reaction; at most
  30 words, into stories of 150 words or more) put in after the lede;
* **lede**: the first sentence rewritten (the headline turned into a sentence);
* **drop**: one middle paragraph removed;
* **style**: curly quotes, em dashes for `--`, a word in capitals, a Cyrillic look-alike `а`;

and gets the base's date plus 0-3 days (undated stays undated) and another outlet's name. Base
stories are picked uniformly, so a story has about four versions at 100k.

Fingerprints (shingles + MinHash, and the event terms) are what the index builder's worker
processes compute; here they are computed with a pool of two processes, then the timed part is
`reader.related.relations.relate_arrays` — versions (LSH + containment) and same-event groups —
exactly what `relate_corpus` runs between loading the stored fingerprints and storing results.
Then the same fingerprints go into a document store and `relate_corpus` runs on it: the real
path, with SQLite loading and storing and the snapshot for later additions written
(`relate_corpus_*`), and once more after adding one article (related on its own against that
snapshot: `add_one_article_*`, printed as "add 1 article to Nk"). Each size runs
in a fresh interpreter so its peak memory (max RSS, taken before the store path) is its own.

    .venv/bin/python benchmarks/related_speed.py [--quick] [--sizes 10000 100000]
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from reuters import iter_stories, sgm_files  # noqa: E402

from reader.related import fingerprints  # noqa: E402
from reader.related.clusters import DocFacts  # noqa: E402
from reader.related.events import EventTerms, event_terms  # noqa: E402
from reader.related.relations import Loaded, relate_arrays  # noqa: E402
from reader.related.rows import FingerprintRow, fingerprint_rows  # noqa: E402
from reader.services.build import CorpusIndex  # noqa: E402
from reader.services.relate import relate_corpus  # noqa: E402
from reader.store import related_tables as storage  # noqa: E402
from reader.store.documents import DocumentStore  # noqa: E402

DATA = REPO.parent / "shared" / "data"
OUTLETS = ("Daily Courier", "Evening Post", "Metro Herald", "Valley Times", "Coast Gazette",
           "Northern Echo", "City Ledger", "Morning Star")  # fmt: skip


@dataclass(frozen=True, slots=True)
class Doc:
    doc_id: str
    title: str
    body: str
    date: str | None
    source: str
    family: int


def base_stories() -> list[Doc]:
    docs: list[Doc] = []
    family_of: dict[str, int] = {}  # identical bodies (both sets have some) are one story
    for path in sorted((DATA / "bbc").glob("*/*.txt")):
        title, _, rest = path.read_text("utf-8", errors="replace").strip().partition("\n")
        paragraphs = [" ".join(p.split()) for p in rest.split("\n\n") if p.strip()]
        body = "\n\n".join(paragraphs)
        family = family_of.setdefault(body, len(docs))
        docs.append(Doc(f"bbc/{path.parent.name}/{path.name}", title.strip(), body, None, "BBC",
                        family))  # fmt: skip
    for sgm in sgm_files(DATA / "reuters21578"):
        for story in iter_stories(sgm):
            paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s{2,}", story.text)]
            body = "\n\n".join(p for p in paragraphs if p)
            if len(body.split()) < 20:
                continue
            family = family_of.setdefault(body, len(docs))
            docs.append(Doc(f"reuters/{story.id}", story.title or "", body,
                            (story.date or "")[:10] or None, "Reuters", family))  # fmt: skip
    return docs


def _style(text: str, rng: np.random.Generator) -> str:
    text = re.sub(r'"([^"]*)"', "“\\1”", text).replace("--", "—").replace("'", "’")
    words = text.split(" ")
    if len(words) > 10:
        k = int(rng.integers(len(words)))
        words[k] = words[k].upper()
        k = int(rng.integers(len(words)))
        words[k] = words[k].replace("a", "а", 1)  # Cyrillic look-alike
    return " ".join(words)


def edit(base: Doc, other: Doc, rng: np.random.Generator, number: int) -> Doc:
    paragraphs = base.body.split("\n\n")
    extra = other.body.split("\n\n")
    for op in rng.choice(["cut", "insert", "lede", "drop", "style"], size=int(rng.integers(1, 4)),
                         replace=False):  # fmt: skip
        if op == "cut" and len(paragraphs) > 2:
            keep = max(2, int(np.ceil(len(paragraphs) * rng.uniform(0.4, 0.9))))
            paragraphs = paragraphs[:keep]
        elif op == "insert" and len(base.body.split()) >= 150:
            # A sentence of another story (at most 30 words): a local angle, a reaction.
            sentence = extra[int(rng.integers(len(extra)))].split(". ")[0]
            at = int(rng.integers(1, len(paragraphs) + 1))
            paragraphs.insert(at, " ".join(sentence.split()[:30]).rstrip(".") + ".")
        elif op == "lede":
            rest = paragraphs[0].split(". ")[1:]
            paragraphs[0] = ". ".join([f"{base.title}, officials said on Tuesday", *rest])
        elif op == "drop" and len(paragraphs) > 3:
            del paragraphs[int(rng.integers(1, len(paragraphs) - 1))]
        elif op == "style":
            paragraphs = [_style(p, rng) for p in paragraphs]
    date = base.date
    if date is not None:
        day = np.datetime64(date) + np.timedelta64(int(rng.integers(0, 4)), "D")
        date = str(day)
    source = OUTLETS[int(rng.integers(len(OUTLETS)))]
    return Doc(f"grown/{number}", base.title, "\n\n".join(paragraphs), date, source, base.family)


def grow(base: list[Doc], n: int, seed: int = 7) -> Iterator[Doc]:
    """A quarter of `n` base stories (seeded pick; all of them at 100k), then seeded edited
    versions of them up to `n` articles."""
    rng = np.random.default_rng(seed)
    picked = sorted(rng.choice(len(base), size=min(len(base), n // 4), replace=False))
    base = [base[i] for i in picked]
    yield from base
    for number in range(n - len(base)):
        story = base[int(rng.integers(len(base)))]
        other = base[int(rng.integers(len(base)))]
        yield edit(story, other, rng, number)


def _fingerprint(
    batch: list[Doc],
) -> list[tuple[DocFacts, bytes, int, EventTerms, FingerprintRow]]:
    rows = fingerprint_rows([(d.doc_id, "h", d.title, d.body) for d in batch])
    out = []
    for doc, row in zip(batch, rows, strict=True):
        terms = event_terms(doc.doc_id, doc.title, doc.body, doc.date)
        facts = DocFacts(doc.doc_id, doc.date, doc.source, None, doc.body[:120], row[3])
        out.append((facts, row[4], row[3], terms, row))
    return out


def store_path_seconds(
    results: list[tuple[DocFacts, bytes, int, EventTerms, FingerprintRow]],
) -> dict[str, float]:
    """The real path: fingerprints and articles in a document store, then `relate_corpus`
    (load, relate, store), timed per stage."""
    with tempfile.TemporaryDirectory() as tmp:
        corpus_index = CorpusIndex(Path(tmp) / "corpus", Path(tmp) / "index")
        corpus_index.directory.mkdir(parents=True)
        with DocumentStore(corpus_index.store_path) as store:
            db = store.connection
            storage.ensure_schema(db)
            store.begin()
            db.executemany(
                "INSERT INTO docs(id, file, path, format, date, source, body, captions, credits, "
                "word_count, content_hash, raw) VALUES (?, ?, ?, 'txt', ?, ?, ?, '[]', '[]', 0, "
                "'h', x'')",
                ((f.doc_id, f.doc_id, f.doc_id, f.date, f.source, f.lede)
                 for f, *_rest in results),
            )  # fmt: skip
            storage.put_fingerprints(db, (r[4] for r in results))
            store.commit()
        report = relate_corpus(corpus_index)
        out = {"relate_corpus_s": report.seconds,
               **{f"relate_corpus_{k}_s": v for k, v in report.stages.items()}}  # fmt: skip
        # One more article (a version of a story already there): related on its own.
        facts, _sig, _n, _terms, row = results[len(results) // 2]
        with DocumentStore(corpus_index.store_path) as store:
            store.begin()
            store.connection.execute(
                "INSERT INTO docs(id, file, path, format, date, source, body, captions, credits, "
                "word_count, content_hash, raw) VALUES ('added', 'added', 'added', 'txt', ?, ?, "
                "?, '[]', '[]', 0, 'h', x'')",
                (facts.date, facts.source, facts.lede),
            )
            storage.put_fingerprints(store.connection, [("added", *row[1:])])
            store.commit()
        again = relate_corpus(corpus_index)
        out["add_one_article_relate_s"] = again.seconds
        out["add_one_article_incremental"] = again.incremental
        out |= {f"add_one_article_{k}_s": v for k, v in again.stages.items()}
        out["snapshot_mb"] = (
            sum(f.stat().st_size for f in corpus_index.directory.glob("related-snapshot-*/*"))
            / 2**20
        )
        return out


def run_size(n: int) -> dict[str, float]:
    """One size, in this interpreter: grow, fingerprint (2 processes), relate (timed)."""
    started = time.perf_counter()
    docs = list(grow(base_stories(), n))
    families = np.array([d.family for d in docs])
    grown = time.perf_counter() - started
    started = time.perf_counter()
    batches = [docs[i : i + 500] for i in range(0, len(docs), 500)]
    with ProcessPoolExecutor(max_workers=2) as pool:
        results = [r for chunk in pool.map(_fingerprint, batches) for r in chunk]
    fingerprinting = time.perf_counter() - started
    del docs, batches
    signatures = np.stack([np.frombuffer(r[1], dtype=np.uint32) for r in results])
    loaded = Loaded(
        [r[0] for r in results], signatures, np.array([r[2] for r in results]),
        [r[3] for r in results],
    )  # fmt: skip
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    stages: dict[str, float] = {}
    started = time.perf_counter()
    relations = relate_arrays(loaded, stages=stages)
    relating = time.perf_counter() - started
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    stored = store_path_seconds(results)
    del results
    # Versions against the grown families (Reuters's own duplicates count as errors here).
    index = {f.doc_id: i for i, f in enumerate(loaded.facts)}
    tp = fp = 0
    for cluster in relations.versions:
        fam = families[[index[m] for m in cluster.members]]
        _values, counts = np.unique(fam, return_counts=True)
        same = int((counts * (counts - 1) // 2).sum())
        total = len(fam) * (len(fam) - 1) // 2
        tp += same
        fp += total - same
    _values, counts = np.unique(families, return_counts=True)
    true_pairs = int((counts * (counts - 1) // 2).sum())
    return {
        "articles": n,
        "grow_s": grown,
        "fingerprint_2proc_s": fingerprinting,
        "relate_s": relating,
        **{f"stage_{k}_s": v for k, v in stages.items()},
        "candidate_pairs": relations.links.candidates,
        "all_pairs": n * (n - 1) // 2,
        "version_links": len(relations.links.rows),
        "version_clusters": len(relations.versions),
        "event_groups": len(relations.events),
        "version_pair_precision": tp / (tp + fp) if tp + fp else 1.0,
        "version_pair_recall": tp / true_pairs if true_pairs else 1.0,
        "peak_rss_mb_before_relating": rss_before,
        "peak_rss_mb": rss_after,
        **stored,
    }


def signature_speed(count: int = 5000) -> dict[str, float]:
    """Docs per second on one core: shingles + MinHash, and the event terms."""
    docs = list(grow(base_stories(), count))
    bodies = [d.body for d in docs]
    started = time.perf_counter()
    sets = [fingerprints.shingle_hashes(b) for b in bodies]
    shingled = time.perf_counter() - started
    started = time.perf_counter()
    fingerprints.minhash_many(sets)
    minhashed = time.perf_counter() - started
    started = time.perf_counter()
    for d in docs:
        event_terms(d.doc_id, d.title, d.body, d.date)
    termed = time.perf_counter() - started
    return {
        "docs": count,
        "signatures_docs_per_s": count / (shingled + minhashed),
        "minhash_only_docs_per_s": count / minhashed,
        "event_terms_docs_per_s": count / termed,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10k articles only")
    parser.add_argument("--sizes", type=int, nargs="*", default=None)
    parser.add_argument("--child", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not (DATA / "bbc").is_dir() or not (DATA / "reuters21578").is_dir():
        print(f"skipped: BBC or Reuters data not found under {DATA}")
        return 0
    if args.child is not None:
        print(json.dumps(run_size(args.child)))
        return 0
    print("signatures, one core:", json.dumps(signature_speed(), indent=1))
    sizes = args.sizes or ([10_000] if args.quick else [10_000, 100_000])
    for n in sizes:
        out = subprocess.run([sys.executable, __file__, "--child", str(n)], check=True,
                             capture_output=True, text=True).stdout  # fmt: skip
        result = json.loads(out.strip().splitlines()[-1])
        print(f"{n} articles:", json.dumps({k: round(v, 3) if isinstance(v, float) else v
                                            for k, v in result.items()}, indent=1))  # fmt: skip
        print(
            f"add 1 article to {n // 1000}k: {result['add_one_article_relate_s'] * 1000:.0f} ms"
            f" (relating it: {result.get('add_one_article_incremental_s', 0) * 1000:.0f} ms)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
