"""The corpus lock: one process at a time changes a corpus's index folder.

Building, extracting entities, relating and the refresh that chains them all take this one
lock file in the index folder, so a second process is told at once (or after `timeout`)
instead of writing beside the first.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path

from filelock import FileLock, Timeout

LOCK_FILE = "indexing.lock"


class AlreadyIndexing(RuntimeError):
    """Another process is changing this corpus's index now."""


_held: dict[tuple[Path, int], int] = {}
"""Index folders whose lock a thread of this process holds, and how deep: a refresh holds the
lock over its stages, and each stage taking it again within the refresh gets it at once."""
_held_guard = threading.Lock()


@contextlib.contextmanager
def corpus_lock(
    directory: Path, *, timeout: float = 0, busy: str = "is already being indexed"
) -> Iterator[None]:
    """Hold the lock of the index folder `directory` (created if missing).

    Raises:
        AlreadyIndexing: another process holds it; the message is `busy`, completed with
            advice to try again.
    """
    directory.mkdir(parents=True, exist_ok=True)
    key = (directory.resolve(), threading.get_ident())
    with _held_guard:
        if key in _held:
            _held[key] += 1
            nested = True
        else:
            nested = False
    if nested:
        try:
            yield
        finally:
            with _held_guard:
                _held[key] -= 1
        return
    lock = FileLock(str(directory / LOCK_FILE))
    try:
        lock.acquire(timeout=timeout)
    except Timeout:
        raise AlreadyIndexing(busy) from None
    with _held_guard:
        _held[key] = 1
    try:
        yield
    finally:
        with _held_guard:
            del _held[key]
        lock.release()


def is_locked(directory: Path) -> bool:
    """Whether another process holds the lock now (a quick look, for messages)."""
    if (directory.resolve(), threading.get_ident()) in _held:
        return False
    lock = FileLock(str(directory / LOCK_FILE))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return True
    lock.release()
    return False
