"""Work in other processes: a child job's progress, cancel and failure; the local executor."""

from __future__ import annotations

import os
import time

import pytest

from reader.base.cancel import CancelFn, Cancelled, ProgressFn, check
from reader.base.processes import LocalExecutor, child_job, wait_for


def count_to(n: int, progress: ProgressFn, cancel: CancelFn) -> int:
    for i in range(1, n + 1):
        check(cancel)
        progress(i, n, f"step {i}")
    return os.getpid()


def wait_until_cancelled(progress: ProgressFn, cancel: CancelFn) -> None:
    progress(0, 1, "waiting")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        check(cancel)
        time.sleep(0.01)
    raise AssertionError("never cancelled")


def fail(progress: ProgressFn, cancel: CancelFn) -> None:
    raise OSError("disk full at /somewhere")


def die(progress: ProgressFn, cancel: CancelFn) -> None:
    os._exit(3)


def square(x: int) -> int:
    return x * x


def sleep_then(x: int) -> int:
    time.sleep(30)
    return x


def test_a_child_job_reports_progress_and_returns_its_value() -> None:
    seen: list[tuple[int, int, str]] = []
    pid = child_job(count_to, 3)(lambda d, t, w: seen.append((d, t, w)), lambda: False)
    assert pid != os.getpid()
    assert seen[-1] == (3, 3, "step 3")  # the last step always comes through


def test_a_child_job_is_cancelled_from_here() -> None:
    started: list[bool] = []
    job = child_job(wait_until_cancelled)
    with pytest.raises(Cancelled):
        job(lambda *_: started.append(True), lambda: bool(started))


def test_a_child_jobs_exception_is_raised_here() -> None:
    with pytest.raises(OSError, match="disk full"):
        child_job(fail)(lambda *_: None, lambda: False)


def test_a_child_that_dies_is_reported() -> None:
    with pytest.raises(RuntimeError, match="exit code 3"):
        child_job(die)(lambda *_: None, lambda: False)


def test_the_local_executor_runs_work_and_can_be_cancelled_while_waiting() -> None:
    executor = LocalExecutor(1)
    try:
        assert wait_for(executor.submit(square, 7), None) == 49
        pending = executor.submit(sleep_then, 1)
        with pytest.raises(TimeoutError):
            pending.result(timeout=0.05)
        with pytest.raises(Cancelled):
            wait_for(pending, lambda: True)
    finally:
        executor.terminate()
