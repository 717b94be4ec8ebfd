"""Index work in a child process, so the window's event loop never waits for the GIL.

Whoosh and SQLite hold the interpreter lock through long C calls (sorting a segment's postings
took 100–200 ms at a time), and a thread in the window's process stalls its event loop for that
long. The job thread starts a process, forwards its progress and its cancel flag, and returns
its result; the process imports no Qt.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.context
import queue as queue_module
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ProgressFn = Callable[[int, int, str], None]
CancelFn = Callable[[], bool]
PRELOAD = [
    "reader.ui.workers",
    "reader.services.build",
    "reader.services.extract",
    "reader.services.relate",
    "reader.ui.worker_warmup",
]
PROGRESS_EVERY_S = 0.05
"""Progress messages per second are capped: 20k files need not make 20k messages."""


def build_index(root: str, index_dir: str, progress: ProgressFn, cancel: CancelFn) -> Any:
    from reader.services.build import CorpusIndex

    return CorpusIndex(Path(root), Path(index_dir)).update(progress=progress, cancel=cancel)


def extract_entities(root: str, index_dir: str, progress: ProgressFn, cancel: CancelFn) -> Any:
    from reader.services.build import CorpusIndex
    from reader.services.extract import extract_entities as extract

    return extract(CorpusIndex(Path(root), Path(index_dir)), progress=progress, cancel=cancel)


def relate_stories(root: str, index_dir: str, progress: ProgressFn, cancel: CancelFn) -> Any:
    from reader.services.build import CorpusIndex
    from reader.services.relate import relate_corpus

    return relate_corpus(CorpusIndex(Path(root), Path(index_dir)), progress=progress, cancel=cancel)


def _child(fn: Callable[..., Any], args: tuple[Any, ...], out: Any, stop: Any) -> None:
    last = [0.0]

    def progress(done: int, total: int, what: str) -> None:
        now = time.monotonic()
        if now - last[0] >= PROGRESS_EVERY_S or done >= total:
            last[0] = now
            out.put(("progress", done, total, what))

    try:
        out.put(("done", fn(*args, progress, stop.is_set)))
    except BaseException as exc:  # sent back and raised in the job thread
        try:
            out.put(("error", exc))
        except Exception:
            out.put(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))


def _context() -> Any:
    """A fresh interpreter (not a fork of a process running Qt threads)."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    # The server imports the index and entity code once; each job is then a cheap fork of it
    # (a fresh interpreter per job spent 1–2 s importing). No effect once the server runs.
    ctx.set_forkserver_preload(PRELOAD)
    return ctx


def run_in_process(fn: Callable[..., Any], *args: Any) -> Callable[[ProgressFn, CancelFn], Any]:
    """A job function that runs `fn(*args, progress, cancel)` in a child process."""

    def job(progress: ProgressFn, cancel: CancelFn) -> Any:
        ctx = _context()
        out = ctx.Queue()
        stop = ctx.Event()
        process = ctx.Process(target=_child, args=(fn, args, out, stop), name="corpus-reader job")
        process.start()
        try:
            while True:
                if cancel():
                    stop.set()
                try:
                    message = out.get(timeout=0.1)
                except queue_module.Empty:
                    if not process.is_alive():
                        raise RuntimeError(
                            f"the worker process stopped (exit code {process.exitcode})"
                        ) from None
                    continue
                if message[0] == "progress":
                    progress(*message[1:])
                elif message[0] == "done":
                    return message[1]
                else:
                    raise message[1]
        finally:
            process.join(timeout=60)
            if process.is_alive():
                process.kill()
                process.join()
            out.close()

    return job
