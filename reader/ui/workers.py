"""The window's refresh stages in a child process, so its event loop never waits for the GIL.

Whoosh and SQLite hold the interpreter lock through long C calls (sorting a segment's postings
took 100–200 ms at a time), and a thread in the window's process stalls its event loop for that
long. Each stage of the refresh (`reader.pipeline`) runs as a job whose thread waits for a child
process (`reader.base.processes.child_job`); the child imports no Qt.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from reader.base.cancel import CancelFn, ProgressFn
from reader.base.processes import child_job

PRELOAD = (
    "reader.ui.workers",
    "reader.pipeline",
    "reader.corpus.warmup",
)
"""What the process server imports once: the core's code, and dateparser's patterns compiled
(`corpus.warmup`), so each stage's child starts warm."""


def run_stage(stage: str, root: str, index_dir: str, progress: ProgressFn, cancel: CancelFn) -> Any:
    """One stage of the refresh of the corpus at `root` (in the child process)."""
    from reader.pipeline import run_stage as run
    from reader.services.build import CorpusIndex

    corpus_index = CorpusIndex(Path(root), Path(index_dir))
    return run(stage, corpus_index, progress=progress, cancel=cancel)


def stage_job(stage: str, root: Path, index_dir: Path) -> Callable[[ProgressFn, CancelFn], Any]:
    """A job running `stage` of the refresh in a child process."""
    return child_job(run_stage, stage, str(root), str(index_dir), preload=PRELOAD)
