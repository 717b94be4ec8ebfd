"""Worker processes: one process server, and one way to run work in other processes.

Every child process of the program comes from `context()`: a fork server that imported the
program's code once (each child is a cheap fork of it, not a fresh interpreter importing it
again) and whose children inherit no open file of the parent — a forked child of a process
that held the index's lock would hold it after that process was killed. The modules the
server imports are asked for by the callers (`context(preload=...)`), before it starts.

Work goes to other processes through an `Executor` (`submit(fn, *args)` → a `Pending`
result): `LocalExecutor` runs a pool of local processes; a Dask cluster's client has the same
shape and plugs in where an executor is taken. `child_job` runs one long job in a child
process with its progress and cancel flag carried across (what the window uses, so its
event loop never waits for a lock held by Whoosh's or SQLite's C code).
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.context
import multiprocessing.pool
import queue as queue_module
import time
from collections.abc import Callable, Iterable
from typing import Any, Generic, Protocol, TypeVar

from reader.base.cancel import CancelFn, ProgressFn, check

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)

_PRELOAD: list[str] = ["reader.base.processes"]
PROGRESS_EVERY_S = 0.05
"""Progress messages per second from a child job are capped: 20k files need not make 20k
messages."""
POLL_SECONDS = 0.1
"""How often a wait on other processes looks at its cancel flag."""


def context(preload: Iterable[str] = ()) -> multiprocessing.context.BaseContext:
    """The program's process context: the fork server where there is one, else spawn.

    `preload`: modules the server should import once (taken only before it starts)."""
    for module in preload:
        if module not in _PRELOAD:
            _PRELOAD.append(module)
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(list(_PRELOAD))
    return ctx


class Pending(Protocol[T_co]):
    """A result on its way from another process."""

    def result(self, timeout: float | None = None) -> T_co:
        """The value (or the exception raised for it); `TimeoutError` if not there yet."""
        ...


class Executor(Protocol):
    """Where work runs: local processes (`LocalExecutor`) or a cluster's client."""

    def submit(self, fn: Callable[..., T], /, *args: Any) -> Pending[T]: ...

    def close(self) -> None:
        """Wait for the submitted work, then release the workers."""
        ...

    def terminate(self) -> None:
        """Stop the workers now, dropping unfinished work."""
        ...


class _PoolResult(Generic[T]):
    def __init__(self, result: multiprocessing.pool.AsyncResult[T]) -> None:
        self._result = result

    def result(self, timeout: float | None = None) -> T:
        try:
            return self._result.get(timeout=timeout)
        except multiprocessing.TimeoutError:
            raise TimeoutError from None


class LocalExecutor:
    """A pool of local worker processes from the program's fork server."""

    def __init__(
        self,
        workers: int = 1,
        *,
        initializer: Callable[..., object] | None = None,
        initargs: tuple[Any, ...] = (),
        preload: Iterable[str] = (),
    ) -> None:
        self._pool = context(preload).Pool(workers, initializer=initializer, initargs=initargs)

    def submit(self, fn: Callable[..., T], /, *args: Any) -> Pending[T]:
        return _PoolResult(self._pool.apply_async(fn, args))

    def close(self) -> None:
        self._pool.close()
        self._pool.join()

    def terminate(self) -> None:
        self._pool.terminate()


def wait_for(pending: Pending[T], cancel: CancelFn | None) -> T:
    """The result, looking at `cancel` meanwhile.

    Raises:
        Cancelled: `cancel()` turned true first.
    """
    while True:
        check(cancel)
        try:
            return pending.result(timeout=POLL_SECONDS)
        except TimeoutError:
            continue


def _child(fn: Callable[..., Any], args: tuple[Any, ...], out: Any, stop: Any) -> None:
    last = [0.0]

    def progress(done: int, total: int, what: str) -> None:
        now = time.monotonic()
        if now - last[0] >= PROGRESS_EVERY_S or done >= total:
            last[0] = now
            out.put(("progress", done, total, what))

    try:
        out.put(("done", fn(*args, progress, stop.is_set)))
    except BaseException as exc:  # sent back and raised in the parent
        try:
            out.put(("error", exc))
        except Exception:
            out.put(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))


def child_job(
    fn: Callable[..., T], *args: Any, preload: Iterable[str] = ()
) -> Callable[[ProgressFn, CancelFn], T]:
    """A job that runs `fn(*args, progress, cancel)` in a child process: its progress comes
    back, its cancel flag goes across, its result or exception is the job's."""

    def job(progress: ProgressFn, cancel: CancelFn) -> T:
        ctx = context(preload)
        out = ctx.Queue()
        stop = ctx.Event()
        process = ctx.Process(  # type: ignore[attr-defined]
            target=_child, args=(fn, args, out, stop), name="corpus-reader job"
        )
        process.start()
        try:
            while True:
                if cancel():
                    stop.set()
                try:
                    message = out.get(timeout=POLL_SECONDS)
                except queue_module.Empty:
                    if not process.is_alive():
                        raise RuntimeError(
                            f"the worker process stopped (exit code {process.exitcode})"
                        ) from None
                    continue
                if message[0] == "progress":
                    progress(*message[1:])
                elif message[0] == "done":
                    result: T = message[1]
                    return result
                else:
                    raise message[1]
        finally:
            process.join(timeout=60)
            if process.is_alive():
                process.kill()
                process.join()
            out.close()

    return job
