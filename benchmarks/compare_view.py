"""Compare view speed: time to open it, and the event loop's longest stall while it opens and
while both panes are scrolled through.

    .venv/bin/python benchmarks/compare_view.py [--quick]

Pairs: the seed pairs of the sample corpus (003/002, 002/004, 003/004) and, when
``../shared/data/bbc`` is there, 1,500- and 8,000-word pairs built from BBC articles with the
seeded outlet edits of ``benchmarks/diff_speed.py`` (cuts, inserts, a rewritten lede, a moved
paragraph, merged/split paragraphs, style changes). Runs offscreen in this process.

"open" is from constructing the view to the diff drawn and both panes aligned (what the reader
waits for). "stall while opening" is the longest gap of a 5 ms timer while the view opens:
anything the view does on the GUI thread shows up there. "scroll" pages pane A from top to
bottom one step per event-loop turn (pane B follows through the row map, the gutter and
overview repaint) and reports the longest step and its median.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from PySide6.QtCore import QElapsedTimer, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from reader.bundled import sample_corpus_dir  # noqa: E402
from reader.corpus.importer import load_article  # noqa: E402
from reader.corpus.model import Article  # noqa: E402
from reader.ui.compare.view import CompareView  # noqa: E402

SEEDS = [
    ("003_10760c25aed7da9a.txt", "002_ea469877a8e8ba82.txt"),
    ("002_ea469877a8e8ba82.txt", "004_411ed3200d205ea6.txt"),
    ("003_10760c25aed7da9a.txt", "004_411ed3200d205ea6.txt"),
]


class StallMeter:
    """A 5 ms timer; the longest gap between its ticks is the longest the loop was blocked."""

    def __init__(self) -> None:
        self.clock = QElapsedTimer()
        self.timer = QTimer(interval=5)
        self.timer.timeout.connect(self._tick)
        self.gaps: list[float] = []
        self._last = 0

    def _tick(self) -> None:
        now = self.clock.nsecsElapsed()
        self.gaps.append((now - self._last) / 1e6)
        self._last = now

    def start(self) -> None:
        self.gaps.clear()
        self.clock.start()
        self._last = 0
        self.timer.start()

    def stop(self) -> float:
        self.timer.stop()
        self._tick()
        return max(self.gaps, default=0.0)


def wait(app: QApplication, condition, timeout_s: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.perf_counter() + timeout_s
    while not condition():
        app.processEvents()
        if time.perf_counter() > deadline:
            raise TimeoutError("the compare view did not finish")
        time.sleep(0.001)


def measure(app: QApplication, name: str, a: Article, b: Article) -> dict[str, float]:
    meter = StallMeter()
    meter.start()
    app.processEvents()
    start = time.perf_counter()
    view = CompareView(a, b)
    view.resize(1300, 800)
    view.show()
    wait(app, lambda: view.diff is not None and bool(view.row_tops))
    opened = (time.perf_counter() - start) * 1000
    end = time.perf_counter() + 0.05
    while time.perf_counter() < end:  # let queued work (realign after show) run
        app.processEvents()
    open_stall = meter.stop()

    bar = view.pane_a.verticalScrollBar()
    steps: list[float] = []
    bar.setValue(0)
    app.processEvents()
    step = max(bar.singleStep() * 3, 1)
    while bar.value() < bar.maximum():
        t = time.perf_counter()
        bar.setValue(bar.value() + step)
        view.repaint()
        app.processEvents()
        steps.append((time.perf_counter() - t) * 1000)
    view.close()
    view.deleteLater()
    app.processEvents()
    words = f"{a.word_count:,} / {b.word_count:,}"
    print(
        f"{name:<26} {words:>15} words  open {opened:7.1f} ms  stall while opening "
        f"{open_stall:7.1f} ms  scroll: {len(steps):4} steps, longest {max(steps, default=0):6.1f}"
        f" ms, median {statistics.median(steps) if steps else 0:5.1f} ms"
    )
    return {"open_ms": opened, "open_stall_ms": open_stall, "scroll_max_ms": max(steps, default=0)}


def bbc_pair(folder: Path, words: int, seed: int) -> tuple[Article, Article]:
    import diff_speed

    articles = diff_speed.bbc_paragraphs()
    rng = random.Random(seed * 1000 + words)
    base = diff_speed.build_base(articles, words, rng)
    other = diff_speed.edit(base, articles, rng)
    names = []
    for label, paras in (("base", base), ("edited", other)):
        name = f"bbc-{words}-{seed}-{label}.txt"
        (folder / name).write_text(f"BBC pair {words} {label}\n\n" + "\n\n".join(paras), "utf-8")
        names.append(name)
    return load_article(folder, names[0]), load_article(folder, names[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="seeds and one 8,000-word pair")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    root = sample_corpus_dir()
    warm = load_article(root, SEEDS[0][0])
    measure(app, "warm-up (not counted)", warm, load_article(root, SEEDS[0][1]))
    for a_id, b_id in SEEDS:
        measure(app, f"seeds {a_id[:3]} vs {b_id[:3]}", load_article(root, a_id),
                load_article(root, b_id))  # fmt: skip
    bbc = REPO.parent / "shared" / "data" / "bbc"
    if not bbc.is_dir():
        print(f"skipped the BBC pairs: {bbc} not found")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        sizes = [8_000] if args.quick else [1_500, 8_000]
        for words in sizes:
            for seed in range(1 if args.quick else 2):
                a, b = bbc_pair(Path(tmp), words, seed)
                measure(app, f"bbc {words:,} words, seed {seed}", a, b)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
