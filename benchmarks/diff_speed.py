"""Diff speed: milliseconds per article pair, and peak memory.

    .venv/bin/python benchmarks/diff_speed.py [--quick]

Pairs measured:

* the seed pairs of the sample corpus (003/002, 002/004, 003/004);
* 1,500- and 8,000-word pairs built from BBC News articles in ``../shared/data/bbc``:
  the base is BBC articles (chosen with a seeded RNG) joined into one body; the other
  version gets the edits outlets make to wire copy, all seeded: ~12% of paragraphs cut
  (the last two always, as a trim), ~10% new paragraphs from other BBC articles, one
  paragraph moved, a rewritten lede (40% of its words replaced, a clause swapped), one
  quotation reworded, numbers changed in two paragraphs, two paragraphs merged and one
  split, and style changes (straight -> curly quotes, "-" -> "—", case of some words, a
  Cyrillic "а" in one word);
* a 50,000-word pair and a 60,000-word single paragraph, to show that long inputs stay
  bounded (the latter takes the coarse fallback).

Each figure is the median (and minimum) over repeated runs in one process after a warm-up
run; "cold" is one run with the token-fold cache emptied first (a pair never seen
before; in the window, versions of one story share that cache). Peak memory is measured
with tracemalloc over one run.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from reader.bundled import sample_corpus_dir  # noqa: E402
from reader.corpus.importer import load_article  # noqa: E402
from reader.corpus.normalize import fold_word  # noqa: E402
from reader.diff.compare import diff_texts  # noqa: E402

BBC = REPO.parent / "shared" / "data" / "bbc"
SEEDS = [
    ("003_10760c25aed7da9a.txt", "002_ea469877a8e8ba82.txt"),
    ("002_ea469877a8e8ba82.txt", "004_411ed3200d205ea6.txt"),
    ("003_10760c25aed7da9a.txt", "004_411ed3200d205ea6.txt"),
]


def bbc_paragraphs() -> list[list[str]]:
    """Every BBC article as a list of paragraphs (the title line dropped)."""
    articles = []
    for path in sorted(BBC.glob("*/*.txt")):
        text = path.read_text("utf-8", errors="replace")
        paras = [p.strip() for p in text.split("\n\n")[1:] if p.strip()]
        if paras:
            articles.append(paras)
    return articles


def build_base(articles: list[list[str]], words: int, rng: random.Random) -> list[str]:
    out: list[str] = []
    count = 0
    while count < words:
        for para in rng.choice(articles):
            out.append(para)
            count += len(para.split())
            if count >= words:
                break
    return out


def _style(para: str, rng: random.Random) -> str:
    words = para.split(" ")
    for k in rng.sample(range(len(words)), k=min(2, len(words))):
        words[k] = words[k].upper() if rng.random() < 0.5 else words[k].lower()
    para = " ".join(words).replace(' "', " “").replace('" ', "” ").replace(" - ", " — ")
    return para.replace("'", "’")


def edit(base: list[str], articles: list[list[str]], rng: random.Random) -> list[str]:
    """A version of ``base`` with the seeded edits described in the module docstring."""
    paras = list(base)
    n = len(paras)
    # Lede rewritten: 40% of its words replaced, and its two halves swapped.
    lede = paras[0].split(" ")
    for k in rng.sample(range(len(lede)), k=len(lede) * 2 // 5):
        lede[k] = rng.choice(["officials", "said", "new", "plans", "on", "Monday", "the"])
    half = len(lede) // 2
    paras[0] = " ".join(lede[half:] + lede[:half])
    # Numbers and a quotation changed, style changes here and there.
    for k in rng.sample(range(1, n), k=min(2, n - 1)):
        paras[k] = "".join(str((int(c) + 1) % 10) if c.isdigit() else c for c in paras[k])
        paras[k] += " The figure was 1,250 in 2004."
    quoted = [k for k in range(1, n) if paras[k].count('"') >= 2]
    if quoted:
        k = rng.choice(quoted)
        start = paras[k].index('"') + 1
        paras[k] = paras[k][:start] + "We never said that, " + paras[k][start:]
    for k in rng.sample(range(1, n), k=max(1, n // 5)):
        paras[k] = _style(paras[k], rng)
    k = rng.randrange(1, n)
    paras[k] = paras[k].replace("a", "а", 1)  # Cyrillic а
    # Merge two paragraphs, split one.
    k = rng.randrange(1, n - 3)
    paras[k : k + 2] = [paras[k] + " " + paras[k + 1]]
    k = rng.randrange(1, len(paras) - 3)
    cut = paras[k].find(". ")
    if cut > 0:
        paras[k : k + 1] = [paras[k][: cut + 1], paras[k][cut + 2 :]]
    # Cuts: the last two paragraphs (a trim) and ~10% more.
    paras = paras[:-2]
    for k in sorted(rng.sample(range(1, len(paras)), k=len(paras) // 10), reverse=True):
        del paras[k]
    # New paragraphs from other articles, and one paragraph moved.
    for _ in range(max(1, len(paras) // 10)):
        paras.insert(rng.randrange(1, len(paras)), rng.choice(rng.choice(articles)))
    k = rng.randrange(1, len(paras))
    paras.insert(rng.randrange(1, len(paras)), paras.pop(k))
    return paras


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    fn()  # warm-up (imports, regex and fold caches)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), min(times)


def peak_kib(fn: Callable[[], object]) -> float:
    tracemalloc.start()
    fn()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1024


def cold_ms(a: str, b: str) -> float:
    """One diff with the token-fold cache emptied (a pair never seen before)."""
    fold_word.cache_clear()
    start = time.perf_counter()
    diff_texts(a, b)
    return (time.perf_counter() - start) * 1000


def report(name: str, a: str, b: str, runs: int) -> None:
    cold = cold_ms(a, b)
    d = diff_texts(a, b)
    median, best = timed(lambda: diff_texts(a, b), runs)
    peak = peak_kib(lambda: diff_texts(a, b))
    words = (len(a.split()), len(b.split()))
    print(
        f"{name:<28} {words[0]:>6} / {words[1]:<6} words {median:7.2f} ms median "
        f"{best:7.2f} min {cold:7.2f} cold  peak {peak:8.0f} KiB  chunks {len(d.chunks):>5}  "
        f"kept {d.summary.kept:.0%}  +{d.summary.words_added} -{d.summary.words_removed}"
        + ("  (coarse)" if d.coarse else "")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs, no very long inputs")
    args = parser.parse_args()
    runs = 5 if args.quick else 30
    print(f"diff_texts timings ({runs} runs each, after a warm-up run)")
    diff_texts("Warm “up”, once.\n\nImports and regexes.", "Warm up.\n\nImports.")
    root = sample_corpus_dir()
    for a_id, b_id in SEEDS:
        a, b = load_article(root, a_id).body, load_article(root, b_id).body
        report(f"seeds {a_id[:3]} vs {b_id[:3]}", a, b, runs)
    if not BBC.is_dir():
        print(f"skipped BBC pairs: {BBC} not found")
        return
    articles = bbc_paragraphs()
    sizes = [1_500, 8_000] if args.quick else [1_500, 8_000, 50_000]
    for words in sizes:
        for seed in range(1 if args.quick else 3):
            rng = random.Random(seed * 1000 + words)
            base = build_base(articles, words, rng)
            other = edit(base, articles, rng)
            report(f"bbc {words:,} words, seed {seed}", "\n\n".join(base), "\n\n".join(other),
                   runs if words < 50_000 else 3)  # fmt: skip
    if not args.quick:
        rng = random.Random(7)
        words = " ".join(" ".join(p) for p in rng.sample(articles, 150)).split()[:60_000]
        a = " ".join(words)
        b = " ".join([*words[:100], "inserted", *words[100:50_000], *words[50_100:]])
        report("one 60,000-word paragraph", a, b, 3)


if __name__ == "__main__":
    main()
