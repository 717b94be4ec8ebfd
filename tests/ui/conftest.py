"""Window tests run offscreen on a copy of the sample corpus with a real index."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.bundled import sample_corpus_dir

LISTING_TIMEOUT_MS = 30_000
"""Generous: the first build in a test process imports the cleaning stack; CI is slow."""


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    shutil.copytree(sample_corpus_dir(), folder)
    return folder


@pytest.fixture
def window(qtbot, corpus: Path) -> Iterator[object]:
    """The main window with the corpus open and its first build finished."""
    from reader.ui.main_window import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    with qtbot.waitSignal(win.listing_shown, timeout=LISTING_TIMEOUT_MS):
        win.open_corpus(corpus)
    yield win
    win.close()
