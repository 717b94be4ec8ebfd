"""JobRunner: a cancelled job reports `cancelled` (never done or failed); a failing job reports
its message and traceback, and the runner goes on running the next job."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from reader.base.cancel import CancelFn, Cancelled, ProgressFn
from reader.ui.jobs import JobFailure, JobRunner

WAIT_MS = 5000
STUCK_S = 10.0
"""A job that never sees what the test expects gives up after this, so a failure cannot hang."""


class Outcomes:
    """What a job reported, in order, through the runner's callbacks."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, Any]] = []
        self.threads: list[threading.Thread] = []

    def _note(self, kind: str, value: Any) -> None:
        self.seen.append((kind, value))
        self.threads.append(threading.current_thread())

    def callbacks(self) -> dict[str, Any]:
        return {
            "on_done": lambda result: self._note("done", result),
            "on_failed": lambda failure: self._note("failed", failure),
            "on_cancelled": lambda: self._note("cancelled", None),
        }

    def kinds(self) -> list[str]:
        return [kind for kind, _value in self.seen]


@pytest.fixture
def runner(qtbot) -> Iterator[JobRunner]:
    jobs = JobRunner()
    yield jobs
    jobs.shutdown()


def test_a_job_that_sees_its_cancel_flag_reports_cancelled(qtbot, runner: JobRunner) -> None:
    started = threading.Event()

    def work(_progress: ProgressFn, cancel: CancelFn) -> str:
        started.set()
        deadline = time.monotonic() + STUCK_S
        while time.monotonic() < deadline:
            if cancel():
                raise Cancelled
            time.sleep(0.005)
        return "never cancelled"

    outcomes = Outcomes()
    job = runner.start("loop", work, **outcomes.callbacks())
    assert job is not None
    assert started.wait(WAIT_MS / 1000)
    assert runner.busy and not job.is_cancelled
    with qtbot.waitSignal(job.signals.cancelled, timeout=WAIT_MS):
        job.cancel()
    qtbot.waitUntil(lambda: outcomes.seen != [], timeout=WAIT_MS)
    assert runner.wait(WAIT_MS)
    qtbot.wait(20)  # anything else the job sent would be delivered by now
    assert outcomes.kinds() == ["cancelled"]
    assert job.is_cancelled
    assert not runner.busy


def test_a_job_cancelled_after_its_work_is_reported_cancelled(qtbot, runner: JobRunner) -> None:
    """The work never checks the flag and returns a value, but the flag was set meanwhile:
    the caller asked to stop, so the result is not delivered."""
    started, release = threading.Event(), threading.Event()

    def work(_progress: ProgressFn, _cancel: CancelFn) -> str:
        started.set()
        release.wait(STUCK_S)
        return "finished anyway"

    outcomes = Outcomes()
    job = runner.start("no checks", work, **outcomes.callbacks())
    assert job is not None
    assert started.wait(WAIT_MS / 1000)
    job.cancel()
    with qtbot.waitSignal(job.signals.cancelled, timeout=WAIT_MS):
        release.set()
    qtbot.waitUntil(lambda: outcomes.seen != [], timeout=WAIT_MS)
    assert runner.wait(WAIT_MS)
    qtbot.wait(20)
    assert outcomes.kinds() == ["cancelled"]
    assert not runner.busy


def test_a_failing_job_reports_its_message_and_traceback_then_the_runner_goes_on(
    qtbot, runner: JobRunner
) -> None:
    progress_seen: list[tuple[int, int, str]] = []

    def broken_step(progress: ProgressFn, _cancel: CancelFn) -> None:
        progress(1, 3, "first file")
        raise ValueError("the disk caught fire")

    failed = Outcomes()
    runner.start(
        "broken",
        broken_step,
        on_progress=lambda d, t, w: progress_seen.append((d, t, w)),
        **failed.callbacks(),
    )
    qtbot.waitUntil(lambda: failed.seen != [], timeout=WAIT_MS)
    assert failed.kinds() == ["failed"]
    failure = failed.seen[0][1]
    assert isinstance(failure, JobFailure)
    assert failure.message == "the disk caught fire"
    assert failure.detail.startswith("Traceback (most recent call last):")
    assert "broken_step" in failure.detail  # where it was raised
    assert "ValueError: the disk caught fire" in failure.detail
    assert progress_seen == [(1, 3, "first file")]
    assert failed.threads == [threading.main_thread()]  # delivered on the GUI thread
    qtbot.waitUntil(lambda: not runner.busy, timeout=WAIT_MS)

    after = Outcomes()
    job = runner.start("next", lambda _p, _c: 42, **after.callbacks())
    assert job is not None
    qtbot.waitUntil(lambda: after.seen != [], timeout=WAIT_MS)
    assert after.seen == [("done", 42)]
    assert after.threads == [threading.main_thread()]
    assert not runner.busy


def test_an_exception_without_a_message_is_named_by_its_type(qtbot, runner: JobRunner) -> None:
    def silent(_progress: ProgressFn, _cancel: CancelFn) -> None:
        raise RuntimeError

    outcomes = Outcomes()
    runner.start("silent", silent, **outcomes.callbacks())
    qtbot.waitUntil(lambda: outcomes.seen != [], timeout=WAIT_MS)
    assert outcomes.kinds() == ["failed"]
    failure = outcomes.seen[0][1]
    assert failure.message == "RuntimeError"
    assert "RuntimeError" in failure.detail
