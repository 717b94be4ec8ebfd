"""The application: one place that makes the QApplication, the window and opens a corpus."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from reader.bundled import resource_path, sample_corpus_dir
from reader.ui.main_window import APP_NAME, MainWindow
from reader.ui.settings import UiSettings

APP_ID = "io.github.corpus_reader.CorpusReader"


def application(argv: list[str] | None = None) -> QApplication:
    """The process's QApplication (made once; tests get pytest-qt's)."""
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    app = QApplication([sys.argv[0], *(argv or [])])
    app.setApplicationName("corpus-reader")
    app.setApplicationDisplayName(APP_NAME)
    app.setOrganizationName("corpus-reader")
    app.setDesktopFileName("corpus-reader")
    app.setWindowIcon(QIcon(str(resource_path("corpus-reader.svg"))))
    return app


def first_corpus(path: Path | None, settings: UiSettings) -> Path:
    """The folder given, else the last one opened, else the bundled sample corpus."""
    if path is not None:
        return path
    for folder in settings.recent_corpora:
        if Path(folder).is_dir():
            return Path(folder)
    return sample_corpus_dir()


def open_window(path: Path | None = None) -> MainWindow:
    """Make and show the window, then open the corpus once the window is on screen."""
    application()
    settings = UiSettings.load()
    window = MainWindow(settings)
    window.show()
    root = first_corpus(path, settings)
    QTimer.singleShot(0, lambda: window.open_corpus(root))
    return window


def run(path: Path | None = None) -> int:
    """Run the window until it is closed; the process's exit code."""
    app = application()
    window = open_window(path)
    # Ctrl+C in the terminal closes the window properly (jobs cancelled, state saved): Python
    # only sees the signal when it runs, so a timer lets it run now and then.
    signal.signal(signal.SIGINT, lambda *_: window.close())
    signal.signal(signal.SIGTERM, lambda *_: window.close())
    wake = QTimer(interval=250)
    wake.timeout.connect(lambda: None)
    wake.start()
    code = app.exec()
    wake.stop()
    window.deleteLater()
    return int(code)
