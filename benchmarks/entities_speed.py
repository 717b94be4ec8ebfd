"""Entity extraction speed: model load time, tokens/s, the worker's peak memory, and the
longest stall of a 10 ms event loop in the calling process while the worker loads and runs.

    .venv/bin/python benchmarks/entities_speed.py [--quick] [--pipeline small|medium|gazetteer]

Texts: the CoNLL-2003 eng.testa documents (../shared/data/conll2003), fed through the same
worker-process path the window uses (`reader.services.extract._run_worker`). The event loop
is plain asyncio in the main thread; extraction runs in a thread of the same process, as the
window runs it on its thread pool. A stall is how late a 10 ms timer fires.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="first 40 documents only")
    parser.add_argument("--pipeline", default="small")
    args = parser.parse_args(argv)
    from entities_conll import DATA, read_conll

    from reader.services.extract import _batches, _run_worker

    path = DATA / "eng.testa"
    if not path.is_file():
        print(f"skipped: {path} not found (the shared data folder is absent)")
        return 0
    docs = read_conll(path)[: 40 if args.quick else None]
    items = [(str(i), d.text) for i, d in enumerate(docs)]
    tokens = sum(d.tokens for d in docs)
    timings: dict[str, float] = {}

    def work() -> None:
        started = time.perf_counter()
        first = None
        for (load_seconds, peak_mb), _results in _run_worker(
            _batches(iter(items)), args.pipeline, None, None, len(items)
        ):
            timings["peak_mb"] = peak_mb
            if first is None:
                first = time.perf_counter()
                timings["load"] = load_seconds
        timings["total"] = time.perf_counter() - started
        timings["first_batch"] = (first or started) - started

    async def watch(done: threading.Event) -> float:
        worst = 0.0
        while not done.is_set():
            before = time.perf_counter()
            await asyncio.sleep(0.010)
            worst = max(worst, time.perf_counter() - before - 0.010)
        return worst

    done = threading.Event()

    def run() -> None:
        try:
            work()
        finally:
            done.set()

    thread = threading.Thread(target=run)
    thread.start()
    worst = asyncio.run(watch(done))
    thread.join()
    peak_mb = timings.get("peak_mb", 0.0)
    run_seconds = timings["total"] - timings.get("load", 0.0)
    print(f"pipeline {args.pipeline}: {len(docs)} documents, {tokens} tokens")
    print(f"model load in the worker: {timings.get('load', 0.0):.2f} s")
    print(f"start to end (incl. process start and load): {timings['total']:.2f} s")
    print(f"throughput (end to end minus load): {tokens / max(run_seconds, 1e-9):,.0f} tokens/s")
    print(f"worker peak memory (max RSS): {peak_mb:.0f} MB")
    print(f"longest 10 ms event-loop stall in the calling process: {worst * 1000:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
