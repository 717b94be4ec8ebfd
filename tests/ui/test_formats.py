"""Corpora as people hold them: the list and the reading pane say what each article came in
(a PDF's pages, a web capture's URL and time, an e-mail's sender), and File › Open original
hands the article's file to the system's viewer, never a web page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices

from reader.corpus.model import Article
from reader.ui.main_window import MainWindow
from reader.ui.models.document_table import FORMAT, TITLE, DocumentTableModel
from reader.ui.reading_pane import ReadingPane, capture_time, format_facts
from tests.test_cli_formats import _csv, _documents, _mail, _warc
from tests.ui.conftest import LISTING_TIMEOUT_MS

PAGE = """<html><head><title>Harbour page</title><script src="https://tracker.example/t.js">
</script></head><body><h1>Harbour page</h1><p>The harbour master opened the new quay on
Tuesday, and the first ferry berthed there before noon.</p><p>Crews had worked on the quay wall
for two years, the council said.</p></body></html>"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A PDF (and a DOCX, an RTF), CSV rows, an e-mail with an attachment, a web capture and
    an HTML page, as the format tests build them."""
    folder = tmp_path / "held"
    folder.mkdir()
    for make in (_csv, _warc, _mail, _documents):
        make(folder)
    (folder / "page.html").write_text(PAGE, "utf-8")
    return folder


@pytest.fixture
def win(qtbot, folder: Path) -> Iterator[MainWindow]:
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.listing_shown, timeout=LISTING_TIMEOUT_MS):
        window.open_corpus(folder)
    yield window
    window.close()


def formats_listed(win: MainWindow) -> dict[str, str]:
    model = win.model
    return {model.doc_id(r): model.data(model.index(r, FORMAT)) for r in range(model.rowCount())}


def header(win: MainWindow, doc_id: str) -> list[str]:
    """Open an article as a click in the list does and read the reading pane's header."""
    win.open_article(doc_id)
    assert win.reading_pane.article is not None and win.reading_pane.article.id == doc_id
    return win.reading_pane.header_lines()


def test_the_list_has_a_sortable_format_column(win: MainWindow, qtmodeltester) -> None:
    model = win.model
    assert model.headerData(FORMAT, Qt.Orientation.Horizontal) == "Format"
    assert not win.table.isColumnHidden(FORMAT)
    listed = formats_listed(win)
    assert {doc: listed[doc] for doc in (
        "fares.pdf", "quay.docx", "pier.rtf", "export.csv#0", "export.csv#1", "statement.eml",
        "inbox.mbox#0", "crawl.warc.gz#0", "page.html", "statement.eml#0/release.txt",
    )} == {
        "fares.pdf": "PDF", "quay.docx": "DOCX", "pier.rtf": "RTF", "export.csv#0": "CSV",
        "export.csv#1": "CSV", "statement.eml": "E-mail", "inbox.mbox#0": "E-mail",
        "crawl.warc.gz#0": "Web capture", "page.html": "HTML",
        "statement.eml#0/release.txt": "Text",
    }  # fmt: skip
    qtmodeltester.check(model)
    win.table.sortByColumn(FORMAT, Qt.SortOrder.AscendingOrder)
    shown = [model.data(model.index(r, FORMAT)) for r in range(model.rowCount())]
    assert shown == sorted(shown, key=str.casefold) and shown[0] == "CSV"
    win.table.sortByColumn(FORMAT, Qt.SortOrder.DescendingOrder)
    shown = [model.data(model.index(r, FORMAT)) for r in range(model.rowCount())]
    assert shown == sorted(shown, key=str.casefold, reverse=True) and shown[0] == "Web capture"
    qtmodeltester.check(model)


def test_the_header_says_what_each_article_came_in(win: MainWindow) -> None:
    lines = header(win, "fares.pdf")
    assert lines[0] == "Tollbridge fares rise"
    assert lines[1].endswith("PDF, 1 page")

    lines = header(win, "crawl.warc.gz#0")
    assert lines[0] == "Lighthouse relit"
    assert "Web capture" in lines[1]
    assert lines[2] == "Captured from https://b.example/lighthouse on 6 May 2024 07:08 UTC"
    # shown as text: the document holds no link to follow
    assert "href" not in win.reading_pane.browser.document().toHtml()

    lines = header(win, "statement.eml")
    assert lines[0] == "Statement on the harbour"
    assert "E-mail from Press Office <press@ministry.example>" in lines[1]

    lines = header(win, "export.csv#0")
    assert lines[0] == "Ferry delayed"
    assert lines[1].startswith("Coast Times") and lines[1].endswith("CSV")
    assert "title only" not in lines[1]

    lines = header(win, "export.csv#1")
    assert lines[0] == "Bridge reopened"
    assert lines[1].endswith("CSV, title only")

    lines = header(win, "statement.eml#0/release.txt")
    assert lines == ["Harbour statement", "Text, attached to statement.eml"]

    lines = header(win, "quay.docx")
    assert lines[1].endswith("DOCX") and len(lines) == 2  # no capture line but for a capture


def test_a_folder_of_one_format_keeps_the_column_out_of_the_way(window: MainWindow) -> None:
    """The sample corpus is all text: the column would say "Text" in every row; the pane says
    it once."""
    assert window.model.formats() == {"Text"}
    assert window.table.isColumnHidden(FORMAT)
    lines = header(window, window.model.doc_id(0))
    assert lines[-1].endswith("  ·  Text")


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[QUrl]:
    """What was handed to the desktop: the outside boundary, recorded instead of opened."""
    urls: list[QUrl] = []

    def open_url(url: QUrl) -> bool:
        urls.append(QUrl(url))
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(open_url))
    return urls


def test_open_original_hands_the_file_to_the_system(
    win: MainWindow, folder: Path, opened: list[QUrl]
) -> None:
    action = win.actions_by_id["file.original"]
    assert not action.isEnabled()  # nothing open yet
    assert action.shortcut().toString() == "Ctrl+Shift+O"
    assert action in win.menuBar().actions()[0].menu().actions()

    win.open_article("fares.pdf")
    assert action.isEnabled()
    action.trigger()
    assert [u.toLocalFile() for u in opened] == [str(folder.resolve() / "fares.pdf")]
    assert opened[0] == QUrl.fromLocalFile(str(folder.resolve() / "fares.pdf"))

    opened.clear()
    # a table row opens its table; an attachment, the message holding it
    for doc_id in ("export.csv#1", "statement.eml#0/release.txt"):
        win.open_article(doc_id)
        assert action.isEnabled()
        action.trigger()
    assert "message holding this attachment" in action.toolTip()
    assert [Path(u.toLocalFile()).name for u in opened] == ["export.csv", "statement.eml"]


def test_open_original_is_off_for_web_pages_and_says_why(
    win: MainWindow, opened: list[QUrl]
) -> None:
    action = win.actions_by_id["file.original"]
    for doc_id in ("crawl.warc.gz#0", "page.html"):
        win.open_article(doc_id)
        assert not action.isEnabled(), doc_id
        assert "network" in action.toolTip(), doc_id
        action.trigger()
        assert not win.open_original()  # and not by another way in either
    assert opened == []
    win.open_article("quay.docx")
    assert action.isEnabled() and "network" not in action.toolTip()


def test_open_original_when_the_file_is_gone(
    win: MainWindow, folder: Path, opened: list[QUrl]
) -> None:
    win.open_article("pier.rtf")
    (folder / "pier.rtf").unlink()
    assert not win.open_original()
    assert opened == [] and "no longer there" in win.status_label.text()


# -- the pieces, without a corpus ----------------------------------------------------------------
def article(fmt: str, **extra: object) -> Article:
    return Article(
        id="x", path="x", format=fmt, title="A story", subtitle=None, date="2024-01-02",
        datetime=None, byline=None, source="Daily", dateline=None,
        url=str(extra.pop("url", "")) or None, body="Some text.", captions=(), credits=(),
        raw="Some text.", word_count=2, content_hash="h", extra=dict(extra),
    )  # fmt: skip


def test_format_facts_for_every_extra_key() -> None:
    assert format_facts(article("pdf", pages=12)) == "PDF, 12 pages"
    assert (
        format_facts(article("eml", sender="Ann <a@b.example>")) == "E-mail from Ann <a@b.example>"
    )
    assert (format_facts(article("csv", database="Nexis Uni", section="Business", title_only=True))
            == "CSV, from Nexis Uni, section Business, title only")  # fmt: skip
    assert format_facts(article("rss", title_only=True)) == "Feed, title only"
    assert format_facts(article("xlsx")) == "XLSX"
    assert format_facts(article("")) == ""


def test_capture_time_reads_as_utc() -> None:
    assert capture_time("2024-05-06T07:08:09Z") == "6 May 2024 07:08 UTC"
    assert capture_time("2024-05-06T09:08:09.5+02:00") == "6 May 2024 07:08 UTC"
    assert capture_time("2024-05-06T07:08:09") == "6 May 2024 07:08 UTC"
    assert capture_time("2024-05-06") == "6 May 2024"
    assert capture_time("yesterday") == "yesterday"


def test_the_pane_shows_a_news_database_export_and_a_capture_without_url(qtbot) -> None:
    pane = ReadingPane()
    qtbot.addWidget(pane)
    pane.show_article(article("csv", database="Factiva", section="World"))
    assert pane.header_lines() == [
        "A story",
        "Daily  ·  2024-01-02  ·  CSV, from Factiva, section World",
    ]
    pane.show_article(article("warc", captured="2024-05-06T07:08:09Z"))
    assert pane.header_lines()[-1] == "Captured on 6 May 2024 07:08 UTC"
    pane.set_raw(True)
    assert pane.header_lines() == []


def test_the_format_column_of_rows_with_and_without_a_format(qtmodeltester) -> None:
    model = DocumentTableModel()
    model.set_rows(
        [
            ("a.pdf", "Alpha", "AP", "2024-01-01", 10, "pdf"),
            ("b.warc.gz#0", "Beta", "AP", "2024-01-02", 20, "warc"),
            ("c.eml", "Gamma", "AP", "2024-01-03", 30, "eml"),
            ("d.txt", "Delta", "AP", "2024-01-04", 40),  # a row without its format
        ]
    )
    qtmodeltester.check(model)
    model.sort(FORMAT)
    assert [model.doc_id(r) for r in range(4)] == ["d.txt", "c.eml", "a.pdf", "b.warc.gz#0"]
    assert [model.data(model.index(r, FORMAT)) for r in range(4)] == [
        "", "E-mail", "PDF", "Web capture"
    ]  # fmt: skip
    model.sort(TITLE)
    qtmodeltester.check(model)
