"""Cancellation and progress: how long work reports and is stopped, in every layer.

Long work is a plain function taking `progress(done, total, what)` and `cancel()`; it checks
`cancel()` between steps and raises `Cancelled`, keeping what it finished before.
"""

from __future__ import annotations

from collections.abc import Callable

ProgressFn = Callable[[int, int, str], None]
"""`progress(done, total, what)`: `what` names the file or the stage."""
CancelFn = Callable[[], bool]
"""True once the user asked to stop."""


class Cancelled(Exception):
    """The user cancelled; what finished before stays, nothing partial is kept."""


def check(cancel: CancelFn | None) -> None:
    """Raise `Cancelled` when asked to stop."""
    if cancel is not None and cancel():
        raise Cancelled
