"""CSV, TSV and XLSX tables: one article per row, news-API column names, hostile files refused
with a reason (never another exception), in bounded time and memory.

Every file is built here: csv's writer, openpyxl's writer, zipfile for damaged workbooks.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import time
import zipfile
from collections.abc import Iterator, Sequence
from typing import Any

import openpyxl
import pytest

from reader.corpus.formats import RecordError
from reader.corpus.model import SourceText
from reader.corpus.tables import (
    MAX_XLSX_RATIO,
    MAX_XLSX_UNPACKED,
    read_csv,
    read_tsv,
    read_xlsx,
)

BODY = (
    "PORT ELLEN — The harbour authority on Tuesday approved a plan to dredge the old channel, "
    "allowing larger ferries to dock at the village pier for the first time in forty years.\n\n"
    "The work is expected to begin in the autumn, officials said."
)


def read_all(reader: Any, data: bytes, name: str = "t") -> list[SourceText | RecordError]:
    """Everything a reader gives, a raised RecordError (whole file refused) included."""
    out: list[SourceText | RecordError] = []
    try:
        for item in reader(name, f"/corpus/{name}", data):
            out.append(item)
    except RecordError as exc:
        out.append(exc)
    return out


def articles(items: Sequence[SourceText | RecordError]) -> list[SourceText]:
    return [i for i in items if isinstance(i, SourceText)]


def errors(items: Sequence[SourceText | RecordError]) -> list[str]:
    return [str(i) for i in items if isinstance(i, RecordError)]


def csv_bytes(
    rows: Sequence[Sequence[Any]], *, delimiter: str = ",", encoding: str = "utf-8"
) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter).writerows(rows)
    return buf.getvalue().encode(encoding)


# -- CSV / TSV --------------------------------------------------------------------------------


def test_media_cloud_export_gives_title_only_articles() -> None:
    data = csv_bytes(
        [
            ["stories_id", "publish_date", "title", "url", "language", "media_name", "media_url"],
            ["2301", "2023-03-03 10:15:00", "Harbour dredging approved", "https://g.example/a",
             "en", "The Gazette", "https://g.example"],
            ["2302", "2023-03-04 08:00:00.123456", "Ferries to dock at pier", "https://g.example/b",
             "en", "The Gazette", "https://g.example"],
        ]
    )  # fmt: skip
    items = read_all(read_csv, data, "mc.csv")
    assert errors(items) == []
    first, second = articles(items)
    assert first.id == "mc.csv#0" and second.id == "mc.csv#1"
    assert first.format == "csv" and first.scraped is False
    assert first.text == "Harbour dredging approved"
    assert first.hints == {
        "title": "Harbour dredging approved",
        "date": "2023-03-03 10:15:00",
        "url": "https://g.example/a",
        "source": "The Gazette",
        "record_id": "2301",
        "title_only": True,
    }
    assert first.raw.splitlines()[:3] == [
        "stories_id: 2301",
        "publish_date: 2023-03-03 10:15:00",
        "title: Harbour dredging approved",
    ]


def test_column_names_any_case_and_html_bodies() -> None:
    data = csv_bytes(
        [
            ["HEADLINE", "Body", "Author", "Description", "Outlet", "Link", "pubDate"],
            ["Dredging approved", BODY, "Jo Reporter", "A dek", "Gazette", "https://x.example/1",
             "2023-03-03"],
            ["Second story", f"<div><p>{BODY.split(chr(10))[0]}</p><p>Officials said so.</p></div>",
             "", "", "", "", ""],
        ]
    )  # fmt: skip
    first, second = articles(read_all(read_csv, data))
    assert first.text == BODY
    assert first.hints["title"] == "Dredging approved"
    assert first.hints["byline"] == "Jo Reporter"
    assert first.hints["subtitle"] == "A dek"
    assert first.hints["source"] == "Gazette"
    assert first.hints["url"] == "https://x.example/1"
    assert first.hints["date"] == "2023-03-03"
    assert "title_only" not in first.hints
    assert "<p>" not in second.text and "Officials said so." in second.text


def test_short_html_fragment_keeps_its_text() -> None:
    data = csv_bytes(
        [["title", "text"], ["T", "<p>Council approves budget.</p><p>Tax &amp; fees.</p>"]]
    )
    (article,) = articles(read_all(read_csv, data))
    assert article.text == "Council approves budget.\n\nTax & fees."


def test_gdelt_style_tsv_maps_its_names_and_dates() -> None:
    data = csv_bytes(
        [
            ["GKGRECORDID", "DATE", "SourceCommonName", "DocumentIdentifier", "Title"],
            ["20230303-1", "20230303143000", "gazette.example", "https://g.example/1", "Pier"],
            ["20230303-2", "20230304", "herald.example", "https://h.example/2", "Ferry"],
        ],
        delimiter="\t",
    )
    first, second = articles(read_all(read_tsv, data, "g.tsv"))
    assert first.format == "tsv"
    assert first.hints["date"] == "2023-03-03T14:30:00"
    assert second.hints["date"] == "2023-03-04"
    assert first.hints["source"] == "gazette.example"
    assert first.hints["url"] == "https://g.example/1"
    assert first.hints["record_id"] == "20230303-1"
    assert first.hints["title_only"] is True


def test_sourceurl_column_of_gdelt_events() -> None:
    data = csv_bytes([["SOURCEURL", "headline"], ["https://e.example/x", "Event story"]])
    (article,) = articles(read_all(read_csv, data))
    assert article.hints["url"] == "https://e.example/x"


@pytest.mark.parametrize(
    ("delimiter", "encoding", "bom"),
    [(";", "utf-8", b"\xef\xbb\xbf"), ("|", "utf-8", b""), ("\t", "utf-8", b""),
     (",", "cp1252", b"")],
)  # fmt: skip
def test_delimiter_and_encoding_are_sniffed(delimiter: str, encoding: str, bom: bytes) -> None:
    data = bom + csv_bytes(
        [["title", "text", "date"], ["Café owners, “angry”", "Crème brûlée; costs – up.", "2023"]],
        delimiter=delimiter,
        encoding=encoding,
    )
    (article,) = articles(read_all(read_csv, data))
    assert article.hints["title"] == "Café owners, “angry”"
    assert article.text == "Crème brûlée; costs – up."


def test_excel_unicode_text_utf16_tsv() -> None:
    text = "title\ttext\r\nMoscow — Beijing\tTalks resumed, officials said.\r\n"
    data = b"\xff\xfe" + text.encode("utf-16-le")
    (article,) = articles(read_all(read_tsv, data))
    assert article.hints["title"] == "Moscow — Beijing"


def test_tsv_quotes_only_when_the_file_quotes() -> None:
    unquoted = b'title\ttext\n"Quoted" start\tHe said "no\tway.\nSecond\tbody two\n'
    first, second = articles(read_all(read_tsv, unquoted))
    assert first.hints["title"] == '"Quoted" start'
    assert second.text == "body two"
    quoted = b'title\ttext\nOne\t"Line one\n\nline two"\nTwo\tplain\n'
    first, second = articles(read_all(read_tsv, quoted))
    assert first.text == "Line one\n\nline two"
    assert second.hints["title"] == "Two"


def test_title_line_above_the_header() -> None:
    data = csv_bytes([["Export of the Gazette, March 2023"], [], ["title", "text"], ["T", BODY]])
    (article,) = articles(read_all(read_csv, data))
    assert article.id == "t#0" and article.hints["title"] == "T"


def test_blank_rows_are_not_counted_and_empty_rows_reported() -> None:
    data = csv_bytes(
        [
            ["title", "text", "url"],
            ["One", BODY, ""],
            [],
            ["", "", ""],
            ["", "", "https://only-a-url.example"],
            ["Three", "", "https://g.example/3"],
            ["Four", "", ""],
        ]
    )
    items = read_all(read_csv, data)
    assert [getattr(i, "id", str(i)) for i in items] == [
        "t#0",
        "row 1: no title or text (line 7)",  # the first row spans lines 2-4
        "t#2",
        "t#3",
    ]
    three, four = articles(items)[1:]
    assert three.text == "Three" and three.hints["title_only"] is True
    assert four.hints["title_only"] is True  # a title without a URL is still a headline


def test_60_mb_cell_refuses_its_row_only() -> None:
    big = "x" * (60 * 1024 * 1024)
    data = csv_bytes([["title", "text"], ["Before", BODY], ["Huge", big], ["After", BODY]])
    started = time.monotonic()
    items = read_all(read_csv, data)
    assert time.monotonic() - started < 20
    assert [getattr(i, "id", None) for i in items] == ["t#0", None, "t#2"]
    assert errors(items) == [
        "row 1: a cell of 60.0 MB, larger than the 16 MB a cell may hold; row skipped (line 5)"
    ]


def test_oversized_quoted_multiline_cell_is_stepped_over() -> None:
    big = ("y" * 1023 + "\n") * (20 * 1024)  # 20 MB over 20,480 lines, inside quotes
    data = csv_bytes([["title", "text"], ["Huge", big], ["After", 'He said "no", twice.']])
    items = read_all(read_csv, data)
    assert errors(items) == [
        "row 0: a cell of 20.0 MB, larger than the 16 MB a cell may hold; row skipped (line 2)"
    ]
    (after,) = articles(items)
    assert after.id == "t#1" and after.text == 'He said "no", twice.'


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty file"),
        (b"  \r\n\r\n", "empty file"),
        (b"title,text\r\n", "a header row and no data rows"),
        (b"title,text\r\n,\r\n\r\n", "a header row and no data rows"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, "binary file, not text"),
        (b"PK\x03\x04\x14\x00\x00\x00" + bytes(200),
         "a zip archive (an Excel workbook?), not a text table"),
        (b"product,price\nwidget,3\n",
         "the header row names no title or text column (columns: product, price); "
         "expected title/headline or text/body/content"),
    ],
)  # fmt: skip
def test_hostile_or_empty_csv(data: bytes, message: str) -> None:
    assert errors(read_all(read_csv, data)) == [message]


def test_raw_is_column_value_lines() -> None:
    data = csv_bytes([["title", "text", "", "extra"], ["T", "Body.", "", "x", "spill"]])
    (article,) = articles(read_all(read_csv, data))
    assert article.raw == "title: T\ntext: Body.\nextra: x\ncolumn 5: spill"


# -- XLSX -------------------------------------------------------------------------------------


def workbook(sheets: dict[str, Sequence[Sequence[Any]]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_workbook_rows_from_every_sheet_with_a_header() -> None:
    data = workbook(
        {
            "Codebook": [["variable", "meaning"], ["tone", "-1..1"]],
            "Gazette": [
                ["Gazette corpus, coded by hand"],
                [],
                ["Headline", "Text", "Date", "Link", "ID"],
                ["Dredging approved", BODY, dt.datetime(2023, 3, 3), "https://g.example/1", 2301.0],
                [None, None, None, None, None],
                ["Ferries", None, dt.datetime(2023, 3, 4, 9, 30), "https://g.example/2", 2302],
                [None, None, None, "https://g.example/3", 2303],
            ],
            "Herald": [["title", "body", "published"], ["Herald story", BODY, dt.date(2023, 3, 5)]],
        }
    )
    items = read_all(read_xlsx, data, "w.xlsx")
    assert [getattr(i, "id", str(i)) for i in items] == [
        "w.xlsx#0",
        "w.xlsx#1",
        "row 2: no title or text (sheet “Gazette”, row 7)",
        "w.xlsx#3",
    ]
    first, ferries, herald = articles(items)
    assert first.format == "xlsx" and first.scraped is False
    assert first.text == BODY
    assert first.hints["date"] == "2023-03-03"
    assert first.hints["sheet"] == "Gazette"
    assert first.raw.splitlines()[0] == "Headline: Dredging approved"
    assert first.raw.splitlines()[-1] == "ID: 2301"
    assert ferries.hints["date"] == "2023-03-04T09:30:00"
    assert ferries.hints["title_only"] is True
    assert herald.hints["date"] == "2023-03-05" and herald.hints["sheet"] == "Herald"


def test_workbook_without_a_usable_header() -> None:
    data = workbook({"Data": [["product", "price"], ["widget", 3]]})
    assert errors(read_all(read_xlsx, data)) == [
        "no sheet has a header row naming a title or text column (first row of sheet “Data”: "
        "product, price); expected title/headline or text/body/content"
    ]
    assert errors(read_all(read_xlsx, workbook({"Data": [["title", "text"]]}))) == [
        "a header row and no data rows"
    ]
    assert errors(read_all(read_xlsx, workbook({"Empty": []}))) == [
        "the workbook's sheets are empty"
    ]


def rezip(data: bytes, replace: dict[str, bytes], *, add: dict[str, bytes] | None = None) -> bytes:
    """The workbook with some parts replaced (or added)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            dst.writestr(info.filename, replace.get(info.filename, src.read(info.filename)))
        for name, content in (add or {}).items():
            dst.writestr(name, content)
    return out.getvalue()


def test_xlsx_that_is_no_workbook() -> None:
    good = workbook({"S": [["title", "text"], ["T", BODY]]})
    zipped_text = io.BytesIO()
    with zipfile.ZipFile(zipped_text, "w") as archive:
        archive.writestr("notes.txt", "hello")
    not_zip = "not an XLSX workbook (an XLSX file is a zip archive; this is not)"
    cases = {
        b"title,text\nT,body\n": not_zip,
        b"\x00\x01\x02binary" * 50: not_zip,
        b"": "empty file",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500): (
            "an Excel 97–2003 (.xls) or password-protected workbook: save it as .xlsx without "
            "a password to read it"
        ),
        zipped_text.getvalue(): "a zip archive, but not an XLSX workbook (no xl/ folder)",
    }
    for data, message in cases.items():
        assert errors(read_all(read_xlsx, data)) == [message]
    (cut,) = errors(read_all(read_xlsx, good[: len(good) // 2]))
    assert cut.startswith("not an XLSX workbook: a damaged zip archive (")


def test_xlsx_with_a_broken_part_says_so() -> None:
    good = workbook({"S": [["title", "text"], ["T", BODY]]})
    broken = rezip(good, {"xl/workbook.xml": b"<workbook><sheets><sheet"})
    (message,) = errors(read_all(read_xlsx, broken))
    assert message.startswith("not a readable XLSX workbook (")


def _bomb_sheet(good: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(good)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    return sheet.replace(b"<sheetData>", b"<sheetData>" + b" " * (50 * 1024 * 1024), 1)


def test_xlsx_zip_bomb_refused_by_ratio() -> None:
    good = workbook({"S": [["title", "text"], ["T", BODY]]})
    bomb = rezip(good, {"xl/worksheets/sheet1.xml": _bomb_sheet(good)})
    assert len(bomb) < 1024 * 1024
    (message,) = errors(read_all(read_xlsx, bomb))
    assert message.startswith("refused: xl/worksheets/sheet1.xml is compressed ")
    assert message.endswith(f" to 1 (limit {MAX_XLSX_RATIO} to 1), the mark of a zip bomb")


def test_xlsx_declaring_gigabytes_refused_before_unpacking() -> None:
    good = workbook({"S": [["title", "text"], ["T", BODY]]})
    # The central directory says the sheet unpacks to 4 GB (a lie zipfile would catch only
    # after unpacking that much): the declared size alone refuses it.
    data = bytearray(good)
    name = data.index(b"xl/worksheets/sheet1.xml", data.index(b"PK\x01\x02"))
    entry = data.rfind(b"PK\x01\x02", 0, name)  # its central directory entry
    data[entry + 24 : entry + 28] = (4_000_000_000).to_bytes(4, "little")  # uncompressed size
    (message,) = errors(read_all(read_xlsx, bytes(data)))
    assert message == (
        "refused: the workbook would unpack to 3,815 MB "
        f"(limit {MAX_XLSX_UNPACKED // 1024**2} MB): a zip bomb, or too big to read"
    )


LAUGHS = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
"""


def _sheet_with(good: bytes, prolog: bytes) -> bytes:
    """The workbook with its sheet given an XML prolog and a cell reading `&lol4;`."""
    with zipfile.ZipFile(io.BytesIO(good)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    sheet = prolog + sheet.replace(b"<t>T</t>", b"<t>&lol4;</t>", 1)
    return rezip(good, {"xl/worksheets/sheet1.xml": sheet})


ENTITIES_REFUSED = (
    "refused: the workbook's XML declares a DTD or entities (the way a small file expands "
    "to gigabytes); spreadsheets never need them"
)


def test_xml_entity_expansion_is_refused() -> None:
    good = workbook({"S": [["title", "text"], ["T", BODY]]})
    assert errors(read_all(read_xlsx, _sheet_with(good, LAUGHS))) == [ENTITIES_REFUSED]


def test_defusedxml_guards_openpyxl_beyond_our_own_check() -> None:
    """A DTD hidden after 70 KB of comment passes our look at each part's start: openpyxl
    then parses with defusedxml (a dependency of ours), which refuses it."""
    assert openpyxl.DEFUSEDXML is True
    good = workbook({"S": [["title", "text"], ["T", BODY]]})
    declaration, dtd = LAUGHS.split(b"?>", 1)
    prolog = declaration + b"?>\n<!--" + b"x" * 70_000 + b"-->" + dtd
    assert errors(read_all(read_xlsx, _sheet_with(good, prolog))) == [ENTITIES_REFUSED]


def test_row_numbers_past_excel_stop_quickly() -> None:
    good = workbook({"S": [["title", "text"], ["T", BODY]]})
    with zipfile.ZipFile(io.BytesIO(good)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    far = b'<row r="99999999999"><c r="A99999999999" t="inlineStr"><is><t>Far</t></is></c></row>'
    data = rezip(
        good, {"xl/worksheets/sheet1.xml": sheet.replace(b"</sheetData>", far + b"</sheetData>")}
    )
    started = time.monotonic()
    items = read_all(read_xlsx, data)
    assert time.monotonic() - started < 20
    assert [getattr(i, "id", str(i)) for i in items] == [
        "t#0",
        "sheet “S” has rows past Excel's last row (1,048,576); the rest of it is skipped",
    ]


def test_every_reader_only_ever_raises_record_error() -> None:
    """Arbitrary bytes under each table name: a reason, never another exception."""
    samples: Iterator[bytes] = iter(
        [bytes(range(256)) * 40, b"\x1f\x8b\x08\x00" + bytes(100), b"PK\x05\x06" + bytes(18),
         b"PK\x03\x04" + bytes(26) + b"PK\x01\x02" + bytes(42), "title\n\u2028x\n".encode()]
    )  # fmt: skip
    for data in samples:
        for reader in (read_csv, read_tsv, read_xlsx):
            for item in read_all(reader, data):
                assert isinstance(item, SourceText | RecordError)
