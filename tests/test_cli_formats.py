"""A folder with one file of each format, read through the command line as a user would:
every article found by a word of its body, with the title, date, URL and source the file says."""

from __future__ import annotations

import csv
import gzip
import io
import json
import mailbox
from email.message import EmailMessage
from pathlib import Path

import docx
import pytest
from openpyxl import Workbook
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from reader.main import main
from tests.corpus.test_documents import make_pdf, show, single_page

STORY = "{word} was reported by the harbour authority on Monday. Crews worked through the night."


def _csv(folder: Path) -> None:
    with (folder / "export.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["title", "url", "publish_date", "media_name", "text"])
        writer.writerow(["Ferry delayed", "https://a.example/1", "2024-03-01", "Coast Times",
                         STORY.format(word="Kelpcorn")])  # fmt: skip
        writer.writerow(["Bridge reopened", "https://a.example/2", "2024-03-02", "Coast Times", ""])


def _xlsx(folder: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["headline", "date", "source", "body"])
    sheet.append(["Dock strike ends", "2024-04-05", "Port Daily", STORY.format(word="Quillbarrow")])
    book.save(folder / "sheet.xlsx")


def _warc(folder: Path) -> None:
    page = (
        "<html><head><title>Lighthouse relit</title></head><body><article><h1>Lighthouse relit"
        "</h1><p>" + STORY.format(word="Zephyrine") + " " * 3 + "</p><p>"
        + "The keeper said the lamp had been repaired after the storm damaged its lens. " * 4
        + "</p></article></body></html>"
    ).encode()  # fmt: skip
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                               protocol="HTTP/1.1")  # fmt: skip
    writer.write_record(writer.create_warc_record(
        "https://b.example/lighthouse", "response", payload=io.BytesIO(page), http_headers=headers,
        warc_headers_dict={"WARC-Date": "2024-05-06T07:08:09Z"},
        length=len(page),  # without it warcio spools to a temporary file it never closes
    ))  # fmt: skip
    (folder / "crawl.warc.gz").write_bytes(buffer.getvalue())
    assert gzip.decompress(buffer.getvalue()).startswith(b"WARC/1")


def _message(subject: str, word: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Press Office <press@ministry.example>"
    message["To"] = "desk@paper.example"
    message["Subject"] = subject
    message["Date"] = "Tue, 07 May 2024 10:00:00 +0000"
    message.set_content(STORY.format(word=word))
    return message


def _mail(folder: Path) -> None:
    message = _message("Statement on the harbour", "Brindlewick")
    release = "Harbour statement\n\n" + STORY.format(word="Oxtarrow") + "\n\nEnds.\n"
    message.add_attachment(release.encode(), maintype="text",
                           subtype="plain", filename="release.txt")  # fmt: skip
    (folder / "statement.eml").write_bytes(bytes(message))
    box = mailbox.mbox(folder / "inbox.mbox")
    box.add(_message("First newsletter", "Pellucidar"))
    box.add(_message("Second newsletter", "Grommetry"))
    box.close()


def _feed(folder: Path) -> None:
    (folder / "news.rss").write_text(f"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>Harbour News</title><link>https://c.example/</link>
<item><title>Tide gauge installed</title><link>https://c.example/tide</link>
<pubDate>Wed, 08 May 2024 09:00:00 GMT</pubDate>
<description>{STORY.format(word="Marrowdeep")}</description></item>
</channel></rss>""", "utf-8")  # fmt: skip


def _documents(folder: Path) -> None:
    lines = ["Tollbridge fares rise", "", *STORY.format(word="Vellichor").split(". ")]
    page = show(72, 750, 18, lines[0]) + "\n" + single_page([*lines[2:], "Ends here."])
    (folder / "fares.pdf").write_bytes(make_pdf([page], {"Title": "Tollbridge fares rise"}))
    document = docx.Document()
    document.add_paragraph("Quay wall repaired")
    document.add_paragraph(STORY.format(word="Sonderwick"))
    document.add_paragraph("The council said the work cost less than planned.")
    document.save(str(folder / "quay.docx"))
    rtf = (r"{\rtf1\ansi{\fonttbl{\f0 Times;}}\f0 Pier lights replaced\par\par "
           + STORY.format(word="Tamblewick") + r"\par\par More to follow.\par}")  # fmt: skip
    (folder / "pier.rtf").write_text(rtf, "ascii")


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "formats"
    folder.mkdir()
    for make in (_csv, _xlsx, _warc, _mail, _feed, _documents):
        make(folder)
    return folder


def _search(folder: Path, index: Path, query: str, capsys: pytest.CaptureFixture[str]) -> list:
    assert main(["search", query, "--corpus", str(folder), "--index-dir", str(index),
                 "--json", "--no-refresh"]) == 0  # fmt: skip
    return json.loads(capsys.readouterr().out)


def test_every_format_is_indexed_and_found_by_a_word_of_its_body(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    index = tmp_path / "idx"
    assert main(["index", str(folder), "--index-dir", str(index), "--no-entities", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["problems"] == [] and report["skipped"] == []
    expected = {
        "Kelpcorn": ("export.csv#0", "Ferry delayed", "2024-03-01", "Coast Times"),
        "Quillbarrow": ("sheet.xlsx#0", "Dock strike ends", "2024-04-05", "Port Daily"),
        "Zephyrine": ("crawl.warc.gz#0", "Lighthouse relit", None, None),
        "Brindlewick": ("statement.eml", "Statement on the harbour", "2024-05-07", None),
        "Oxtarrow": ("statement.eml#0/release.txt", "Harbour statement", None, None),
        "Pellucidar": ("inbox.mbox#0", "First newsletter", "2024-05-07", None),
        "Grommetry": ("inbox.mbox#1", "Second newsletter", "2024-05-07", None),
        "Marrowdeep": ("news.rss#0", "Tide gauge installed", "2024-05-08", "Harbour News"),
        "Vellichor": ("fares.pdf", "Tollbridge fares rise", None, None),
        "Sonderwick": ("quay.docx", "Quay wall repaired", None, None),
        "Tamblewick": ("pier.rtf", "Pier lights replaced", None, None),
    }
    for word, (doc_id, title, date, source) in expected.items():
        hits = _search(folder, index, word, capsys)
        assert [h["id"] for h in hits] == [doc_id], word
        if title:
            assert hits[0]["title"] == title, word
        if date:
            assert hits[0]["date"] == date, word
        if source:
            assert hits[0]["source"] == source, word
    assert report["documents"] == len(expected) + 1  # and the CSV's title-only row

    assert main(["show", "crawl.warc.gz#0", "--corpus", str(folder), "--json"]) == 0
    page = json.loads(capsys.readouterr().out)
    assert page["url"] == "https://b.example/lighthouse"
    assert page["captured"].startswith("2024-05-06T07:08:09")
    assert page["date"] != "2024-05-06"  # a capture's time is not the article's date
    assert main(["show", "statement.eml", "--corpus", str(folder), "--json"]) == 0
    mail = json.loads(capsys.readouterr().out)
    assert "press@ministry.example" in mail["sender"]
    assert mail["datetime"].startswith("2024-05-07T10:00")  # the Date header's moment
    assert main(["show", "export.csv#1", "--corpus", str(folder), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["title_only"] is True


def test_news_database_exports_are_split_into_their_articles(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A LexisNexis TXT and a Factiva export saved as DOCX: one article per document, with
    the database's date, byline, source, section and length."""
    from tests.corpus.test_exports import FACTIVA_ARTICLES, LEXIS_TXT

    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "lexis.txt").write_text(LEXIS_TXT, "utf-8")
    document = docx.Document()
    for line in FACTIVA_ARTICLES.split("\n"):
        document.add_paragraph(line)
    document.save(str(folder / "factiva.docx"))
    index = tmp_path / "idx"
    assert main(["index", str(folder), "--index-dir", str(index), "--no-entities", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["documents"] == 6 and report["problems"] == []

    hits = _search(folder, index, "dredge", capsys)
    assert "lexis.txt#0" in [h["id"] for h in hits]
    assert main(["show", "lexis.txt#0", "--corpus", str(folder), "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["title"] == "Harbour board backs plan to dredge the old channel"
    assert (first["date"], first["source"]) == ("2015-03-02", "The Coastal Herald")
    assert first["byline"] == "Morag Lindsay, Transport Correspondent"
    assert first["database"] == "LexisNexis"
    assert (first["section"], first["length"]) == ("NEWS; Pg. 4", 412)
    assert first["database_fields"]["LOAD-DATE"] == "March 3, 2015"
    assert "LOAD-DATE" not in first["body"]

    hits = _search(folder, index, "cycle lanes", capsys)
    assert [h["id"] for h in hits][:1] == ["factiva.docx#0"]
    assert main(["show", "factiva.docx#0", "--corpus", str(folder), "--json"]) == 0
    factiva = json.loads(capsys.readouterr().out)
    assert factiva["title"] == "Council approves new cycle lanes for city centre"
    assert (factiva["date"], factiva["database"]) == ("2021-03-14", "Factiva")
    assert factiva["database_fields"]["AN"] == "RIVCHR0020210314eh3e0000b"


def test_undecodable_header_bytes_do_not_stop_the_index(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An e-mail whose From holds a raw byte in its address: the email package keeps it as a
    lone surrogate, which SQLite cannot store; the message is indexed with it replaced."""
    folder = tmp_path / "mail"
    folder.mkdir()
    (folder / "raw.eml").write_bytes(
        b"From: desk@gazette.e\xfcample\r\nSubject: Greetings from Munich\r\n"
        b"Date: Tue, 07 May 2024 10:00:00 +0000\r\n\r\n"
        + STORY.format(word="Wolpertinger").encode() + b"\r\n"
    )  # fmt: skip
    args = ["index", str(folder), "--index-dir", str(tmp_path / "idx"), "--no-entities", "--json"]
    assert main(args) == 0
    assert json.loads(capsys.readouterr().out)["documents"] == 1
    hits = _search(folder, tmp_path / "idx", "Wolpertinger", capsys)
    assert [h["id"] for h in hits] == ["raw.eml"]
    assert hits[0]["source"] == "gazette.e\ufffdample"
