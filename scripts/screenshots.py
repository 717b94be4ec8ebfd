"""Screenshots of the window on the sample corpus (run under a display; see screenshots.sh).

Saves PNGs into docs/screenshots/: the list after a search, and an article open with its hits
highlighted (and entities coloured when the entity core provides them). Settings and the index
go to a temporary folder, so the pictures never depend on the user's state.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "docs" / "screenshots"


SEED_002 = "002_ea469877a8e8ba82.txt"
SEED_003 = "003_10760c25aed7da9a.txt"
SEED_004 = "004_411ed3200d205ea6.txt"


def main() -> int:
    home = Path(tempfile.mkdtemp(prefix="corpus-reader-shots-"))
    os.environ["XDG_DATA_HOME"] = str(home / "data")
    os.environ["XDG_CONFIG_HOME"] = str(home / "config")
    os.environ.pop("CORPUS_READER_INDEX_DIR", None)
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from reader.bundled import sample_corpus_dir
    from reader.ui.app import application
    from reader.ui.main_window import MainWindow

    app = application()
    window = MainWindow()
    window.resize(1500, 860)
    window.show()

    def wait_for(condition, timeout_ms: int = 60_000) -> None:  # type: ignore[no-untyped-def]
        loop = QEventLoop()
        timer = QTimer(interval=20)
        timer.timeout.connect(lambda: condition() and loop.quit())
        timer.start()
        QTimer.singleShot(timeout_ms, loop.quit)
        loop.exec()
        timer.stop()
        if not condition():
            raise SystemExit("screenshots: timed out waiting for the window")

    def settle() -> None:
        for _ in range(5):
            app.processEvents()
        QTimer.singleShot(150, lambda: None)
        wait_for(lambda: True, 200)

    def save(name: str) -> None:
        settle()
        path = OUT / name
        window.grab().save(str(path))
        print(path.relative_to(REPO))

    OUT.mkdir(parents=True, exist_ok=True)
    window.open_corpus(sample_corpus_dir())
    wait_for(lambda: window.model.rowCount() == 5 and window._resolution is not None)
    wait_for(lambda: bool(window.model._versions))
    window.focus_search()
    window.search_bar.edit.setText('Kashin OR "military-technical"')
    wait_for(lambda: window.model.is_filtered and window.reading_pane.hit_count > 0)
    save("search.png")
    window.search_bar.edit.setText("Putin")
    wait_for(lambda: window._query == "Putin" and window.reading_pane.hit_count > 0)
    window.move_selection(1)
    target = window.model.doc_id(window.table.currentIndex().row())
    wait_for(lambda: window._open_id == target and window.reading_pane.hit_count > 0)
    window.reading_pane.step_hit(1)
    window.reading_pane.step_hit(1)
    save("article.png")
    window.clear_search()
    # 003 against 002: Alt+Down to the paragraphs 002 cut near the end
    shoot_compare(window, wait_for, settle, SEED_003, SEED_002, "compare.png", 7)
    # 002 against 004: the merged paragraph, the EU spokeswoman's paragraphs, the trim
    shoot_compare(window, wait_for, settle, SEED_002, SEED_004, "compare-002-004.png", 1)
    shoot_cluster(window, wait_for, settle)
    shoot_timeline(window, wait_for, settle)
    window.actions_by_id["help.shortcuts"].trigger()
    settle()
    window._shortcuts_dialog.grab().save(str(OUT / "shortcuts.png"))
    print((OUT / "shortcuts.png").relative_to(REPO))
    window.close()
    QApplication.processEvents()
    return 0


def shoot_compare(  # type: ignore[no-untyped-def]
    window, wait_for, settle, a_id: str, b_id: str, name: str, change: int
) -> None:
    """The compare view of A against B, opened as a user does (Related dock › Compare), then
    Alt+Down until the ``change``-th changed row is at the top."""
    window.open_article(a_id)
    model = window.related_dock.model
    wait_for(lambda: any(model.row(r)[0] == b_id for r in range(model.rowCount())))
    row = next(r for r in range(model.rowCount()) if model.row(r)[0] == b_id)
    window.related_dock.view.setCurrentIndex(model.index(row, 1))
    window.actions_by_id["related.compare"].trigger()
    view = window.compare_view
    view.resize(1500, 900)
    settle()
    view.realign()
    for _ in range(change):
        view.step_change(1)
    settle()
    path = OUT / name
    view.grab().save(str(path))
    print(path.relative_to(REPO))
    view.close()


def shoot_cluster(window, wait_for, settle) -> None:  # type: ignore[no-untyped-def]
    """The cluster view of the seeds' version cluster, opened from Stories › Version cluster."""
    window.open_article("002_ea469877a8e8ba82.txt")
    action = window.actions_by_id["related.cluster"]
    wait_for(action.isEnabled)
    action.trigger()
    view = window.cluster_view
    view.resize(1500, 900)
    settle()
    path = OUT / "cluster.png"
    view.grab().save(str(path))
    print(path.relative_to(REPO))
    view.close()


def shoot_timeline(window, wait_for, settle) -> None:  # type: ignore[no-untyped-def]
    """Stories › Story timeline from a New York Times piece: the wire versions and both NYT
    stories of the event."""
    window.open_article("000_93546f115f4d6ef1.txt")
    action = window.actions_by_id["related.timeline"]
    wait_for(action.isEnabled)
    action.trigger()
    view = window.timeline_view
    settle()
    path = OUT / "timeline.png"
    view.grab().save(str(path))
    print(path.relative_to(REPO))
    view.close()


if __name__ == "__main__":
    sys.exit(main())
