"""Main-text extraction quality of the HTML import, on the Dragnet 2012 news pages.

Scores two texts per page against the gold main text: what trafilatura gives us
(`SourceText.text`, i.e. `html_main_text` on the decoded file) and the article body after the
furniture cleaner (`build_article(...).body`), which is what users read. The data is read from
the shared folder at run time and never copied into the repository (research-only licence).

Scoring follows published main-text extraction work (Dragnet, trafilatura's evaluation):
per-page precision/recall/F1 over word 4-gram shingles, macro-averaged over pages. Tokens are
`re.findall(r"\\w+", text.lower())`; shingles are compared as *sets* (a repeated 4-gram counts
once). An empty extraction scores P=R=F1=0.

Run: .venv/bin/python benchmarks/html_extraction.py [--data DIR] [--limit N] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reader.corpus.model import SourceText

REPO = Path(__file__).resolve().parents[1]
DATASET = "html-cleaning-dev"
DATA_ENV = "CORPUS_READER_DATA"
TARGET_F1 = 0.90
WORST = 15
SHINGLE = 4

Shingles = set[tuple[str, ...]]

_TOKEN = re.compile(r"\w+")
_COMMENTS_SEPARATOR = re.compile(r"^[!@#$%^&*()]{6,}\s*COMMENTS\s*$", re.MULTILINE)
"""Gold files append reader comments after `!@#$%^&*()  COMMENTS` (spacing and order vary)."""

PATHS = ("trafilatura", "body")
LABELS = {"trafilatura": "trafilatura text", "body": "article body after cleaning"}


def _ensure_importable() -> None:
    """Scripts run as files get `benchmarks/` on sys.path, not the repo; add it if needed."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))


def find_dataset(cli_dir: str | None) -> Path:
    """`--data` (the dataset folder or one holding it), else $CORPUS_READER_DATA, else default."""
    if cli_dir:
        base = Path(cli_dir).expanduser()
        return base / DATASET if (base / DATASET).is_dir() else base
    env = os.environ.get(DATA_ENV)
    if env:
        return Path(env).expanduser() / DATASET
    return REPO.parent / "shared" / "data" / DATASET


def page_key(path: Path) -> tuple[int, str]:
    """Natural order (R2 before R10) so `--limit` picks the same pages on every machine."""
    digits = re.sub(r"\D", "", path.stem)
    return (int(digits) if digits else 0, path.stem)


def read_gold(path: Path) -> str:
    """The gold main text, without the reader comments some files append."""
    text = path.read_bytes().decode("utf-8", errors="replace")
    match = _COMMENTS_SEPARATOR.search(text)
    return text[: match.start()] if match else text


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def shingles(text: str) -> Shingles:
    """Word 4-grams; a text shorter than four words is one shingle of what it has."""
    words = tokens(text)
    if 0 < len(words) < SHINGLE:
        return {tuple(words)}
    return {tuple(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


@dataclass(slots=True)
class Score:
    precision: float
    recall: float
    f1: float
    hint: str = ""


def score(extracted: str, gold: str) -> Score:
    """Set-of-shingles precision/recall/F1, with a hint of what went wrong when it is low."""
    ext, ref = shingles(extracted), shingles(gold)
    if not ext:
        return Score(0.0, 0.0, 0.0, "empty extraction")
    if not ref:
        return Score(0.0, 0.0, 0.0, "empty gold")
    common = len(ext & ref)
    p, r = common / len(ext), common / len(ref)
    f1 = 2 * p * r / (p + r) if common else 0.0
    return Score(p, r, f1, _hint(extracted, gold, ext, ref, p, r))


def _hint(extracted: str, gold: str, ext: Shingles, ref: Shingles, p: float, r: float) -> str:
    """Name the weaker side, with an example line, so a reader knows where to look first."""
    parts: list[tuple[float, str]] = []
    if r < 0.9:
        missed = len(ref - ext)
        example = _largest_line_outside(gold, ext)
        text = f"low recall: missed {missed} of {len(ref)} gold shingles"
        parts.append((r, text + (f", e.g. '{example}'" if example else "")))
    if p < 0.9:
        example = _largest_line_outside(extracted, ref)
        text = f"low precision: {len(ext - ref)} of {len(ext)} shingles extra"
        parts.append((p, text + (f", e.g. '{example}'" if example else "")))
    return "; ".join(t for _, t in sorted(parts))


def _largest_line_outside(text: str, other: Shingles) -> str:
    """The line adding most shingles absent from the other text: the likeliest culprit."""
    best, best_count = "", 0
    for line in text.splitlines():
        count = len(shingles(line) - other)
        if count > best_count:
            best, best_count = line, count
    return " ".join(best.split())[:80]


@dataclass(slots=True)
class Extraction:
    """What the import gave for one page, produced in a worker process."""

    name: str
    source: SourceText | None
    problem: str
    seconds: float


_WARM_UP_PAGE = (
    "<html><head><title>Warm-up</title></head><body><article><p>"
    + "This paragraph only loads the extractor and the cleaner before the clock starts. " * 4
    + "</p></article></body></html>"
)


def warm_up() -> None:
    """Load trafilatura, dateparser and the furniture list once, so no page pays for imports."""
    _ensure_importable()
    from reader.corpus.articles import build_article
    from reader.corpus.formats import read_html

    for source in read_html("warm-up.html", "warm-up.html", _WARM_UP_PAGE):
        build_article(source)


def extract(path_str: str) -> Extraction:
    """Read one page exactly as `import_corpus` does (decode, then trafilatura), timed."""
    _ensure_importable()
    from reader.corpus.importer import read_sources

    path = Path(path_str)
    start = time.perf_counter()
    sources, problems = read_sources(path.parent, path)
    seconds = time.perf_counter() - start
    problem = "; ".join(p.reason for p in problems)
    return Extraction(path.stem, sources[0] if sources else None, problem, seconds)


@dataclass(slots=True)
class PageResult:
    name: str
    scores: dict[str, Score] = field(default_factory=dict)
    extract_ms: float = 0.0
    clean_ms: float = 0.0


def run(pages: Sequence[Path], gold_dir: Path, jobs: int) -> tuple[list[PageResult], float, int]:
    """Extract in parallel, then clean in order, mirroring `import_corpus` (boilerplate included).

    Returns the per-page results, the wall time, and how many repeated lines were learned as
    boilerplate (import_corpus learns them per folder; one folder of many sites learns few).
    """
    _ensure_importable()
    from reader.corpus.articles import build_article
    from reader.corpus.furniture import furniture
    from reader.corpus.importer import boilerplate_group, learn_boilerplate

    warm_up()
    wall = time.perf_counter()
    names = [str(p) for p in pages]
    if jobs > 1:
        with ProcessPoolExecutor(max_workers=jobs, initializer=warm_up) as pool:
            extractions = list(pool.map(extract, names, chunksize=4))
    else:
        extractions = [extract(n) for n in names]
    sources = [e.source for e in extractions if e.source is not None]
    # import_corpus learns from up to BOILERPLATE_SAMPLE (400) files per folder; the data set's
    # 400 pages share one folder, so its sample is all of them and this is the same learning.
    boilerplate = learn_boilerplate(sources)
    furn = furniture()
    results: list[PageResult] = []
    for item in extractions:
        gold = read_gold(gold_dir / f"{item.name}.txt")
        result = PageResult(item.name, extract_ms=item.seconds * 1000)
        if item.source is None:
            empty = score("", gold)
            empty.hint = f"empty extraction ({item.problem or 'no source'})"
            result.scores = {"trafilatura": empty, "body": empty}
        else:
            start = time.perf_counter()
            group = boilerplate.get(boilerplate_group(item.source), frozenset())
            article = build_article(item.source, boilerplate=group, furn=furn)
            result.clean_ms = (time.perf_counter() - start) * 1000
            result.scores = {
                "trafilatura": score(item.source.text, gold),
                "body": score(article.body, gold),
            }
            if not article.body.strip() and item.source.text.strip():
                result.scores["body"].hint = "empty extraction (the cleaner kept no paragraph)"
        results.append(result)
    learned = sum(len(lines) for lines in boilerplate.values())
    return results, time.perf_counter() - wall, learned


def summarise(
    results: list[PageResult], wall: float, learned: int, data: Path, jobs: int
) -> dict[str, Any]:
    """The numbers printed and emitted as JSON: both paths, timings, the worst pages."""
    n = len(results)
    out: dict[str, Any] = {
        "data": str(data),
        "pages": n,
        "shingles": f"word {SHINGLE}-grams, sets, macro-averaged over pages",
        "target_f1": TARGET_F1,
        "jobs": jobs,
        "boilerplate_lines_learned": learned,
        "ms_per_page": {
            "extract": statistics.fmean(r.extract_ms for r in results),
            "extract_median": statistics.median(r.extract_ms for r in results),
            "clean": statistics.fmean(r.clean_ms for r in results),
            "clean_median": statistics.median(r.clean_ms for r in results),
            "wall": wall * 1000 / n,
        },
    }
    for key in PATHS:
        f1s = [r.scores[key].f1 for r in results]
        ranked = sorted(results, key=lambda r: (r.scores[key].f1, r.name))
        out[key] = {
            "label": LABELS[key],
            "precision": statistics.fmean(r.scores[key].precision for r in results),
            "recall": statistics.fmean(r.scores[key].recall for r in results),
            "f1": statistics.fmean(f1s),
            "median_f1": statistics.median(f1s),
            "empty": sum(1 for r in results if r.scores[key].hint.startswith("empty")),
            "below_0.5": sum(1 for f in f1s if f < 0.5),
            "worst": [
                {
                    "page": r.name,
                    "f1": r.scores[key].f1,
                    "precision": r.scores[key].precision,
                    "recall": r.scores[key].recall,
                    "hint": r.scores[key].hint,
                }
                for r in ranked[:WORST]
            ],
        }
    body_f1 = {r.name: r.scores["body"].f1 for r in results}
    traf_f1 = {r.name: r.scores["trafilatura"].f1 for r in results}
    out["cleaner_effect"] = {
        "raised": sum(1 for k in body_f1 if body_f1[k] > traf_f1[k] + 0.005),
        "lowered": sum(1 for k in body_f1 if body_f1[k] < traf_f1[k] - 0.005),
        "largest_drops": [
            {"page": k, "trafilatura_f1": traf_f1[k], "body_f1": body_f1[k]}
            for k in sorted(body_f1, key=lambda k: body_f1[k] - traf_f1[k])[:5]
            if body_f1[k] < traf_f1[k] - 0.005
        ],
    }
    return out


def print_report(summary: dict[str, Any]) -> None:
    ms = summary["ms_per_page"]
    print(f"HTML main-text extraction — Dragnet pages at {summary['data']}")
    print(f"pages: {summary['pages']}   scoring: {summary['shingles']}")
    print(
        f"time per page (mean/median): extract {ms['extract']:.1f}/{ms['extract_median']:.1f} ms "
        f"(decode + trafilatura), clean {ms['clean']:.1f}/{ms['clean_median']:.1f} ms; "
        f"wall {ms['wall']:.1f} ms with {summary['jobs']} processes"
    )
    print(f"boilerplate lines learned from the folder: {summary['boilerplate_lines_learned']}")
    print()
    print(f"{'':30} {'P':>6} {'R':>6} {'F1':>6} {'median':>7} {'empty':>6} {'F1<.5':>6}")
    for key in PATHS:
        s = summary[key]
        mark = "ok" if s["f1"] >= summary["target_f1"] else f"< target {summary['target_f1']}"
        print(
            f"{s['label']:30} {s['precision']:6.3f} {s['recall']:6.3f} {s['f1']:6.3f} "
            f"{s['median_f1']:7.3f} {s['empty']:6d} {s['below_0.5']:6d}  {mark}"
        )
    effect = summary["cleaner_effect"]
    print(
        f"cleaner vs trafilatura text: F1 raised on {effect['raised']} pages, "
        f"lowered on {effect['lowered']}"
    )
    for drop in effect["largest_drops"]:
        print(f"  {drop['page']}: {drop['trafilatura_f1']:.3f} -> {drop['body_f1']:.3f}")
    for key in PATHS:
        print()
        print(f"worst {WORST} pages — {summary[key]['label']}:")
        print(f"  {'page':8} {'F1':>5} {'P':>5} {'R':>5}  why")
        for w in summary[key]["worst"]:
            print(
                f"  {w['page']:8} {w['f1']:5.2f} {w['precision']:5.2f} {w['recall']:5.2f}  "
                f"{w['hint']}"
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
        "--data", help=f"the {DATASET} folder, or a folder holding it (default: ${DATA_ENV})"
    )
    parser.add_argument("--limit", type=int, help="score only the first N pages (natural order)")
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    parser.add_argument(
        "--jobs", type=int, default=min(2, os.cpu_count() or 1), help="worker processes"
    )
    args = parser.parse_args(argv)

    data = find_dataset(args.data)
    input_dir, gold_dir = data / "input", data / "gold"
    if not input_dir.is_dir() or not gold_dir.is_dir():
        return skip(
            f"the Dragnet data set is not at {data} (want input/ and gold/); "
            f"pass --data DIR or set {DATA_ENV} to the folder holding {DATASET}/",
            as_json=args.json,
        )
    pages = sorted(
        (p for p in input_dir.glob("*.html") if (gold_dir / f"{p.stem}.txt").is_file()),
        key=page_key,
    )
    if args.limit is not None:
        pages = pages[: max(args.limit, 0)]
    if not pages:
        return skip(
            f"no page to score in {input_dir} (none with a gold file, or --limit 0)",
            as_json=args.json,
        )

    jobs = max(args.jobs, 1)
    results, wall, learned = run(pages, gold_dir, jobs)
    summary = summarise(results, wall, learned, data, jobs)
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print_report(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
