"""The worker process side of extraction: loads the extractor once, then answers batches.

Loading spaCy in a thread of the window's process held the GIL long enough to stall a 10 ms
event loop by 100-200 ms; in a separate process the window's loop stays free.
"""

from __future__ import annotations

import resource
import sys
import time

from reader.entities.model import Mention
from reader.entities.pipelines import Extractor, load_extractor

_EXTRACTOR: Extractor | None = None
_LOAD_SECONDS = 0.0


def init_worker(pipeline: str | None) -> None:
    global _EXTRACTOR, _LOAD_SECONDS
    started = time.perf_counter()
    _EXTRACTOR = load_extractor(pipeline)
    _LOAD_SECONDS = time.perf_counter() - started


def peak_memory_mb() -> float:
    """This process's peak resident memory (Linux counts KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def extract_batch(
    items: list[tuple[str, str]],
) -> tuple[tuple[float, float], list[tuple[str, list[Mention]]]]:
    """((model load seconds, peak MB), [(doc id, mentions)]) for [(doc id, body)]."""
    assert _EXTRACTOR is not None, "init_worker was not called"
    found = _EXTRACTOR.extract([text for _id, text in items])
    stats = (_LOAD_SECONDS, peak_memory_mb())
    return stats, [(doc_id, m) for (doc_id, _t), m in zip(items, found, strict=True)]
