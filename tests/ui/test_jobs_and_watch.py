"""Opening a corpus shows the window at once; the index follows the folder while it is open."""

from __future__ import annotations

import shutil
from pathlib import Path

from reader.ui.main_window import MainWindow
from tests.ui.conftest import LISTING_TIMEOUT_MS

NEW_STORY = """Harbour cranes idle as dockers walk out

By Jane Doe

ROTTERDAM (Reuters) - Dockers at Europe's largest port walked out on Monday over pay, leaving
cranes idle and ships waiting at anchor off the coast, union officials said.

The strike, the first in two decades, is expected to last 48 hours, the union said in a
statement, adding that talks with employers had broken down over the weekend.
"""


def test_the_window_appears_before_indexing_finishes(qtbot, corpus: Path) -> None:
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    win.open_corpus(corpus)
    assert win.isVisible()
    assert win.session is not None and win.session.indexing  # the build runs off this thread
    assert win.progress.isVisible() and win.cancel_button.isVisible()
    with qtbot.waitSignal(win.listing_shown, timeout=LISTING_TIMEOUT_MS):
        pass
    assert win.model.rowCount() == 5
    qtbot.waitUntil(lambda: not win.progress.isVisible(), timeout=5000)
    win.close()


def test_a_file_dropped_into_the_folder_shows_up(qtbot, window, corpus: Path) -> None:
    qtbot.waitUntil(lambda: len(window.session._watcher.directories()) > 0, timeout=5000)
    (corpus / "new_story.txt").write_text(NEW_STORY, "utf-8")
    qtbot.waitUntil(lambda: window.model.rowCount() == 6, timeout=LISTING_TIMEOUT_MS)
    row = window.model.row_of("new_story.txt")
    assert row is not None
    assert "Harbour cranes" in window.model.data(window.model.index(row, 0))


def test_a_removed_file_leaves_the_list(qtbot, window, corpus: Path) -> None:
    qtbot.waitUntil(lambda: len(window.session._watcher.directories()) > 0, timeout=5000)
    victim = sorted(corpus.glob("*.txt"))[0]
    victim.unlink()
    qtbot.waitUntil(lambda: window.model.rowCount() == 4, timeout=LISTING_TIMEOUT_MS)
    assert window.model.row_of(victim.name) is None


def test_reopening_shows_the_old_listing_before_the_update(qtbot, window, corpus: Path) -> None:
    """A second open lists what the index holds at once (from the store), then updates."""
    window.close()
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    with qtbot.waitSignal(win.listing_shown, timeout=LISTING_TIMEOUT_MS):
        win.open_corpus(corpus)
    assert win.model.rowCount() == 5
    assert str(corpus.resolve()) in win.settings.recent_corpora
    win.close()


def test_import_problems_are_listed_in_a_panel(qtbot, tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    shutil.copytree(Path(__file__).parents[2] / "resources" / "sample_corpus", folder)
    (folder / "broken.json").write_text("{not json", "utf-8")
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    with qtbot.waitSignal(win.listing_shown, timeout=LISTING_TIMEOUT_MS):
        win.open_corpus(folder)
    qtbot.waitUntil(lambda: win.problems_dock.model.rowCount() == 1, timeout=5000)
    assert win.problems_dock.isVisible()
    assert "broken.json" in win.problems_dock.model.row(0)[0]
    win.close()


def test_skipped_files_are_named_in_the_panel(qtbot, tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    shutil.copytree(Path(__file__).parents[2] / "resources" / "sample_corpus", folder)
    (folder / "photo.png").write_bytes(b"\x89PNG not read")
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    with qtbot.waitSignal(win.listing_shown, timeout=LISTING_TIMEOUT_MS):
        win.open_corpus(folder)
    qtbot.waitUntil(lambda: win.problems_dock.model.rowCount() == 1, timeout=5000)
    path, reason = win.problems_dock.model.row(0)
    assert path.endswith("photo.png") and reason == "skipped: not an article format (.png)"
    assert win.problems_dock.windowTitle() == "Problems, 1 skipped"
    assert win.problems_dock.isHidden()  # a skipped file alone does not pop the panel up
    win.close()


def test_first_launch_opens_the_bundled_sample_corpus(qtbot) -> None:
    from reader.bundled import sample_corpus_dir
    from reader.ui.app import open_window

    win = open_window(None)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.listing_shown, timeout=LISTING_TIMEOUT_MS):
        pass
    assert win.isVisible()
    assert win.session.root == sample_corpus_dir().resolve()
    assert win.model.total == 5
    win.close()


def test_dropping_a_folder_on_the_window_opens_it(qtbot, window, tmp_path: Path) -> None:
    from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
    from PySide6.QtGui import QDropEvent

    other = tmp_path / "other"
    other.mkdir()
    (other / "story.txt").write_text(NEW_STORY, "utf-8")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(other))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)  # fmt: skip
    with qtbot.waitSignal(window.listing_shown, timeout=LISTING_TIMEOUT_MS):
        window.dropEvent(event)
    assert window.session.root == other.resolve()
    assert window.model.total == 1
    assert str(other.resolve()) in window.settings.recent_corpora
