"""Stage timings: each long step says how long it took, to the log and to its report."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterator

log = logging.getLogger("reader.stages")


@contextlib.contextmanager
def timed(stages: dict[str, float] | None, name: str) -> Iterator[None]:
    """Time the block: add its seconds to `stages[name]` and log them at debug level."""
    started = time.perf_counter()
    try:
        yield
    finally:
        seconds = time.perf_counter() - started
        if stages is not None:
            stages[name] = stages.get(name, 0.0) + seconds
        log.debug("%s: %.3f s", name, seconds)
