"""Long work off the GUI thread: a plain core function run on a `QThreadPool`.

The job function takes a progress callback and a cancel flag and returns a value; it never
touches a widget (Anki's `QueryOp` rule). Results come back to the GUI thread through the
signals of a `JobSignals` object, which lives in the GUI thread, so connected slots run there.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from reader.base.cancel import CancelFn, Cancelled, ProgressFn

JobFn = Callable[[ProgressFn, CancelFn], Any]


@dataclass(frozen=True, slots=True)
class JobFailure:
    """What went wrong in a job, for the status bar and the problems panel."""

    message: str
    detail: str


class JobSignals(QObject):
    """Created in the GUI thread; emitted from the worker; delivered queued to the GUI thread."""

    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object)
    cancelled = Signal()


class Job(QRunnable):
    """One run of `fn(progress, cancel)`; `cancel()` asks it to stop at its next check."""

    def __init__(self, name: str, fn: JobFn) -> None:
        super().__init__()
        self.name = name
        self.signals = JobSignals()
        self._fn = fn
        self._cancel = threading.Event()
        self.setAutoDelete(False)  # the Python side owns it; Qt must not delete it under us

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def run(self) -> None:
        def progress(done: int, total: int, what: str) -> None:
            self.signals.progress.emit(done, total, what)

        try:
            result = self._fn(progress, self._cancel.is_set)
        except Cancelled:
            self.signals.cancelled.emit()
        except Exception as exc:
            self.signals.failed.emit(JobFailure(str(exc) or type(exc).__name__,
                                                traceback.format_exc()))  # fmt: skip
        else:
            if self._cancel.is_set():
                self.signals.cancelled.emit()
            else:
                self.signals.finished.emit(result)


class JobRunner(QObject):
    """Runs jobs on its own pool and keeps them alive until they report back.

    A pool of one thread serialises what must not run at once (one writer of the index, one
    user of a Whoosh searcher); a caller picks the pool by the kind of work.
    """

    def __init__(self, parent: QObject | None = None, threads: int = 1) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(threads)
        self._running: set[Job] = set()
        self._closed = False

    def start(
        self,
        name: str,
        fn: JobFn,
        *,
        on_done: Callable[[Any], None] | None = None,
        on_failed: Callable[[JobFailure], None] | None = None,
        on_progress: ProgressFn | None = None,
        on_cancelled: Callable[[], None] | None = None,
    ) -> Job | None:
        """Queue a job; None once the runner is shut down (a window closing starts nothing)."""
        if self._closed:
            return None
        job = Job(name, fn)
        self._running.add(job)

        def forget(*_args: object) -> None:
            self._running.discard(job)

        for signal in (job.signals.finished, job.signals.failed, job.signals.cancelled):
            signal.connect(forget)
        if on_done is not None:
            job.signals.finished.connect(on_done)
        if on_failed is not None:
            job.signals.failed.connect(on_failed)
        if on_progress is not None:
            job.signals.progress.connect(on_progress)
        if on_cancelled is not None:
            job.signals.cancelled.connect(on_cancelled)
        self.pool.start(job)
        return job

    @property
    def busy(self) -> bool:
        return bool(self._running)

    def cancel_all(self) -> None:
        for job in list(self._running):
            job.cancel()

    def shutdown(self) -> None:
        """Cancel what runs, start nothing more, and wait for the workers to finish."""
        self._closed = True
        self.cancel_all()
        self.pool.clear()
        self.pool.waitForDone()

    def wait(self, msecs: int = -1) -> bool:
        """Block until the pool is idle (shutdown and tests only)."""
        return bool(self.pool.waitForDone(msecs))
