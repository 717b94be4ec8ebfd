"""The corpus lock: one process at a time; a refresh's stages take it again freely."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from reader.base.lock import AlreadyIndexing, corpus_lock, is_locked

HOLD = """
import sys, time
from pathlib import Path
from reader.base.lock import corpus_lock
with corpus_lock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(30)
"""


def test_another_process_holding_it_is_told_with_the_message(tmp_path: Path) -> None:
    with subprocess.Popen(
        [sys.executable, "-c", HOLD, str(tmp_path)], stdout=subprocess.PIPE, text=True
    ) as holder:
        try:
            assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
            assert is_locked(tmp_path)
            with (
                pytest.raises(AlreadyIndexing, match="busy here"),
                corpus_lock(tmp_path, busy="busy here"),
            ):
                pass
        finally:
            holder.kill()
    with corpus_lock(tmp_path):  # released by the OS when its holder died
        assert not is_locked(tmp_path)


def test_the_holding_thread_takes_it_again_and_keeps_it(tmp_path: Path) -> None:
    with corpus_lock(tmp_path):
        with corpus_lock(tmp_path):  # a stage inside a refresh
            pass
        # still held after the inner release: another thread is refused
        refused: list[bool] = []

        def other() -> None:
            try:
                with corpus_lock(tmp_path):
                    refused.append(False)
            except AlreadyIndexing:
                refused.append(True)

        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
        assert refused == [True]
    with corpus_lock(tmp_path):  # and free once the outer one is left
        pass


def test_the_folder_is_made(tmp_path: Path) -> None:
    with corpus_lock(tmp_path / "new" / "index"):
        assert (tmp_path / "new" / "index").is_dir()
