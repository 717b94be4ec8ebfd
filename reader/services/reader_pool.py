"""The reader processes of a build, each writing its own segment of every batch.

A reader takes tasks of files (`ReadTask`), reads and cleans them (`reading.read_files`),
files their postings in a segment of its own, and sends back what the document store needs
(`TaskDone`); asked to, it writes that segment (`SegmentDone`), for the builder to adopt in
its commit. Writing a batch's segment in the one process that holds the index's lock was
most of that process's work, done while both cores were busy reading, and the last batch's
alone after: now each reader writes its share, in parallel.

Messages go over one pipe per reader, so a reader's tasks and its request to write are
taken in the order sent. `LocalReaders` does the same in this process, for work too small to
pay for starting processes.
"""

from __future__ import annotations

import dataclasses
import gc
import multiprocessing
import multiprocessing.context
import queue
import signal
import threading
import traceback
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from reader.services.reading import (
    Boilerplate,
    EntityFields,
    FileResult,
    collector_paused,
    learn_folder,
    read_files,
)
from reader.store.segment_writer import ScratchSegment


@dataclass(frozen=True, slots=True)
class ReadTask:
    batch: int
    rels: list[str]
    boilerplate: Boilerplate
    entity_fields: EntityFields


@dataclass(frozen=True, slots=True)
class WriteSegment:
    batch: int


@dataclass(frozen=True, slots=True)
class LearnFolder:
    folder: str


@dataclass(frozen=True, slots=True)
class TaskDone:
    batch: int
    files: list[FileResult]
    """Without their documents: those are filed in the reader's segment."""
    postings: int
    """Postings the reader's segment of the batch holds so far."""


@dataclass(frozen=True, slots=True)
class SegmentDone:
    batch: int
    segment: Any | None
    """Whoosh's segment, its files in `scratch`; None if the reader filed no document."""
    scratch: Path


@dataclass(frozen=True, slots=True)
class FolderLearned:
    lines: dict[str, frozenset[str]]


class ReaderFailed(RuntimeError):
    """A reader process failed or stopped: the build cannot go on. The message says why in
    a line (the window's and the terminal's); `details` holds the reader's traceback."""

    def __init__(self, message: str, details: str = "") -> None:
        super().__init__(message)
        self.details = details


class ReaderWork:
    """What one reader holds and does, wherever it runs."""

    def __init__(self, root: Path, scratch: Path) -> None:
        self.root = root
        self.segment = ScratchSegment(scratch)

    def handle(self, message: object) -> object:
        if isinstance(message, ReadTask):
            files = read_files(self.root, message.rels, message.boilerplate,
                               message.entity_fields)  # fmt: skip
            with collector_paused():
                self.segment.add([d for f in files for d in f.documents])
            slim = [dataclasses.replace(f, documents=[]) for f in files]
            return TaskDone(message.batch, slim, self.segment.postings)
        if isinstance(message, WriteSegment):
            with collector_paused():
                segment = self.segment.finish()
            return SegmentDone(message.batch, segment, self.segment.folder)
        if isinstance(message, LearnFolder):
            return FolderLearned(learn_folder(self.root, message.folder))
        raise TypeError(f"unknown message {message!r}")

    def close(self) -> None:
        self.segment.discard()


def serve(connection: Connection, root: str, scratch: str) -> None:
    """A reader process's loop: one message in, one answer out, until the pipe closes (the
    builder finished, or stopped: a reader never outlives it).

    A thread takes the builder's messages as they come: a reader blocked sending a large
    answer must not leave the builder blocked sending it the next task. The cycle collector
    runs once a segment is written, not while the pool grows: it would go over the whole
    pool again and again to find nothing (`reading.collector_paused`). Ctrl-C in a terminal
    reaches the readers too: the builder stops them, they do not answer it themselves."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.disable()
    gc.freeze()
    work = ReaderWork(Path(root), Path(scratch))
    inbox: queue.SimpleQueue[object] = queue.SimpleQueue()
    threading.Thread(target=_take_messages, args=(connection, inbox), daemon=True).start()
    try:
        while True:
            message = inbox.get()
            if message is None:
                return
            try:
                answer = work.handle(message)
            except Exception as exc:
                answer = ReaderFailed(f"{type(exc).__name__}: {exc}", traceback.format_exc())
            if isinstance(answer, SegmentDone):
                gc.collect()
            try:
                connection.send(answer)
            except OSError:  # the builder is gone
                return
    finally:
        work.close()


def _take_messages(connection: Connection, inbox: queue.SimpleQueue[object]) -> None:
    while True:
        try:
            message = connection.recv()
        except (EOFError, OSError):
            message = None
        inbox.put(message)
        if message is None:
            return


class Readers:
    """Reader processes, started in the background (the first start also starts the
    forkserver, which imports the readers' code: a few tenths of a second this process
    spends learning furniture instead of waiting)."""

    def __init__(
        self, context: multiprocessing.context.BaseContext, root: Path, scratch: Path, n: int
    ) -> None:
        self.count = n
        self._connections: list[Connection] = []
        self._processes: list[Any] = []
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._starter = threading.Thread(
            target=self._start, args=(context, root, scratch, n), daemon=True
        )
        self._starter.start()

    def _start(
        self, context: multiprocessing.context.BaseContext, root: Path, scratch: Path, n: int
    ) -> None:
        # Ctrl-C is the builder's to handle. A reader ignores it once running (`serve`);
        # started from this thread with it blocked (a signal mask survives fork and exec),
        # the readers, and the server that forks them, cannot be interrupted starting up.
        if hasattr(signal, "pthread_sigmask"):
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            for k in range(n):
                ours, theirs = context.Pipe()
                process = context.Process(  # type: ignore[attr-defined]
                    target=serve, args=(theirs, str(root), str(scratch / f"r{k}")), daemon=True
                )
                process.start()
                theirs.close()
                self._connections.append(ours)
                self._processes.append(process)
        except BaseException as exc:
            self._error = exc
        finally:
            self._ready.set()

    def ready(self) -> bool:
        return self._ready.is_set()

    def wait_ready(self) -> None:
        self._starter.join()
        if self._error is not None:
            raise ReaderFailed(f"could not start the reader processes: {self._error}")

    def send(self, reader: int, message: object) -> None:
        self.wait_ready()
        try:
            self._connections[reader].send(message)
        except (OSError, ValueError) as exc:
            raise self._stopped(reader) from exc

    def receive(self, timeout: float | None = None) -> Iterator[tuple[int, object]]:
        """Answers ready now (after waiting up to `timeout` for one), with their reader."""
        self.wait_ready()
        for connection in wait(self._connections, timeout):
            reader = self._connections.index(connection)  # type: ignore[arg-type]
            try:
                answer = connection.recv()  # type: ignore[union-attr,call-arg]
            except (EOFError, OSError) as exc:
                raise self._stopped(reader) from exc
            if isinstance(answer, ReaderFailed):
                raise ReaderFailed(f"reader process {reader + 1} failed: {answer}", answer.details)
            yield reader, answer

    def _stopped(self, reader: int) -> ReaderFailed:
        process = self._processes[reader]
        process.join(1)
        return ReaderFailed(f"reader process {reader + 1} stopped unexpectedly "
                            f"(exit code {process.exitcode})")  # fmt: skip

    def close(self, *, wait_for_them: bool = True) -> None:
        self._starter.join()
        for connection in self._connections:
            try:
                if wait_for_them:
                    connection.send(None)
            except (OSError, ValueError):
                pass
            connection.close()
        for process in self._processes:
            if not wait_for_them:
                process.terminate()
            process.join(5)
            if process.is_alive():
                process.kill()
                process.join()


class LocalReaders:
    """One reader in this process, answering as it is asked: the same conversation as
    `Readers` for a build too small for processes."""

    count = 1

    def __init__(self, root: Path, scratch: Path) -> None:
        self._work = ReaderWork(root, scratch / "r0")
        self._answers: deque[object] = deque()

    def ready(self) -> bool:
        return True

    def wait_ready(self) -> None:
        return None

    def send(self, reader: int, message: object) -> None:
        self._answers.append(self._work.handle(message))

    def receive(self, timeout: float | None = None) -> Iterator[tuple[int, object]]:
        while self._answers:
            yield 0, self._answers.popleft()

    def close(self, *, wait_for_them: bool = True) -> None:
        self._work.close()
