"""WARC and ARC archives: HTML pages with status 200 become articles, the rest is counted, and
hostile archives (truncated, not an archive, gzip bombs, endless lines) stop with a reason.

Archives are written here with warcio's WARCWriter (gzipped and not); ARC files by hand, as
the Internet Archive's ARC 1.0 lays them out.
"""

from __future__ import annotations

import gzip
import io
import time
import tracemalloc
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from reader.corpus.formats import RecordError
from reader.corpus.model import SourceText
from reader.corpus.webarchive import read_warc, warc_summary

CAPTURED = "2024-01-02T03:04:05Z"

STORY = (
    "<p>PORT ELLEN — The harbour authority on Tuesday approved a plan to dredge the old "
    "channel, allowing larger ferries to dock at the village pier for the first time in forty "
    "years.</p><p>The work is expected to begin in the autumn and to last about three months, "
    "officials said, with fishing boats moved to the east quay while the dredgers work.</p>"
    "<p>“This is the day the island has waited for,” said Morag Ferguson, who chairs the "
    "authority.</p>"
)


def page(title: str, *, published: str | None = "2021-05-04", story: str = STORY) -> str:
    date = f'<meta property="article:published_time" content="{published}">' if published else ""
    return (
        f'<!doctype html><html><head><meta charset="utf-8"><title>{title}</title>'
        f'<meta property="og:title" content="{title}"><meta name="author" content="Jo Reporter">'
        f"{date}</head><body><nav>Home | World | Sport</nav><article><h1>{title}</h1>{story}"
        "</article><footer>© The Gazette</footer></body></html>"
    )


@dataclass
class Rec:
    """One record to write: a response (with HTTP status) or another WARC type."""

    kind: str
    url: str
    status: str = "200 OK"
    headers: Sequence[tuple[str, str]] = (("Content-Type", "text/html; charset=utf-8"),)
    body: bytes = b""
    warc_headers: dict[str, str] = field(default_factory=dict)


def warc(records: Sequence[Rec], *, gzipped: bool) -> bytes:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gzipped)
    info = writer.create_warcinfo_record("test.warc", {"software": "tests"})
    writer.write_record(info)
    for rec in records:
        headers = {"WARC-Date": CAPTURED, **rec.warc_headers}
        http = None
        if rec.kind == "response":
            http = StatusAndHeaders(rec.status, list(rec.headers), protocol="HTTP/1.1")
        elif rec.kind == "request":
            http = StatusAndHeaders("GET / HTTP/1.1", [("Host", "x")], is_http_request=True)
        record = writer.create_warc_record(
            rec.url,
            rec.kind,
            payload=io.BytesIO(rec.body),
            length=len(rec.body),  # no length: warcio spools to a temp file it never closes
            http_headers=http,
            warc_headers_dict=headers,
        )
        writer.write_record(record)
    return out.getvalue()


def typed(url: str, content_type: str, body: bytes) -> Rec:
    return Rec("response", url, headers=[("Content-Type", content_type)], body=body)


def stories(count: int) -> list[Rec]:
    return [Rec("response", f"{G}/{n}", body=page(f"Story {n}").encode()) for n in range(count)]


G = "https://gazette.example"


def crawl() -> list[Rec]:
    """A small crawl of a news site: pages, their requests, and what else crawlers store."""
    return [
        Rec("request", f"{G}/news/dredging"),
        Rec("response", f"{G}/news/dredging", body=page("Dredging approved").encode()),
        Rec("response", f"{G}/old", "301 Moved Permanently", [("Location", "/news")]),
        typed(f"{G}/logo.png", "image/png", b"\x89PNG\r\n\x1a\n" + bytes(64)),
        Rec("response", f"{G}/gone", "404 Not Found", body=b"<html>Not found</html>"),
        Rec("response", f"{G}/boom", "503 Service Unavailable", body=b"<html>busy</html>"),
        typed(f"{G}/feed.json", "application/json", b'{"a": 1}'),
        Rec("metadata", f"{G}/news/dredging", body=b"outlinks: none\r\n"),
        Rec("revisit", f"{G}/news/dredging", body=b""),
        # No Content-Type: sniffed as HTML from its start.
        Rec(
            "response",
            f"{G}/news/ferries",
            headers=[],
            body=page("Ferries", published=None).encode(),
        ),
        Rec("response", f"{G}/part", "206 Partial Content", body=b"<html>"),
    ]


def ids(items: Sequence[SourceText | RecordError]) -> list[str]:
    return [item.id if isinstance(item, SourceText) else str(item) for item in items]


def read(data: bytes, name: str = "crawl.warc.gz") -> list[SourceText | RecordError]:
    return list(read_warc(name, f"/corpus/{name}", data))


@pytest.mark.parametrize("gzipped", [True, False])
def test_html_pages_with_status_200_become_articles(gzipped: bool) -> None:
    data = warc(crawl(), gzipped=gzipped)
    items = read(data)
    # Ids count every record, the warcinfo record being #0: stable whatever becomes an article.
    assert ids(items) == ["crawl.warc.gz#2", "crawl.warc.gz#10"]
    dredging, ferries = items
    assert isinstance(dredging, SourceText) and isinstance(ferries, SourceText)
    assert dredging.format == "warc" and dredging.scraped is False
    assert dredging.path == "/corpus/crawl.warc.gz"
    assert "\n\nPORT ELLEN — The harbour authority" in dredging.text
    assert "Home | World" not in dredging.text and "The Gazette" not in dredging.text
    assert dredging.raw.startswith("<!doctype html>")
    assert dredging.hints["url"] == "https://gazette.example/news/dredging"
    assert dredging.hints["captured"] == CAPTURED
    assert dredging.hints["date"] == "2021-05-04"  # the page's own date, not the capture's
    assert dredging.hints["title"] == "Dredging approved"
    assert dredging.hints["byline"] == "Jo Reporter"
    assert dredging.hints["record_id"].startswith("<urn:uuid:")
    assert ferries.hints["url"] == "https://gazette.example/news/ferries"
    assert warc_summary(data) == {
        "records": 12,
        "pages": 2,
        "redirect": 1,
        "error": 2,
        "not_html": 2,
        "too_large": 0,
        "other": 5,  # warcinfo, request, metadata, revisit, 206
        "damaged": 0,
    }


def test_capture_date_is_never_the_article_date() -> None:
    data = warc(
        [Rec("response", "https://g.example/a", body=page("Undated", published=None).encode())],
        gzipped=True,
    )
    (article,) = read(data)
    assert isinstance(article, SourceText)
    assert article.hints["captured"] == CAPTURED
    assert not article.hints.get("date")


def test_canonical_url_is_kept_apart_and_ids_are_stable() -> None:
    html = page("Moved story").replace(
        "<title>", '<link rel="canonical" href="https://gazette.example/canonical"><title>'
    )
    data = warc(
        [Rec("response", "https://gazette.example/fetched?utm=1", body=html.encode())],
        gzipped=False,
    )
    (article,) = read(data)
    assert isinstance(article, SourceText)
    assert article.hints["url"] == "https://gazette.example/fetched?utm=1"
    assert article.hints["canonical_url"] == "https://gazette.example/canonical"
    assert ids(read(data)) == ids(read(data)) == ["crawl.warc.gz#1"]


def test_compressed_and_chunked_payloads() -> None:
    html = page("Chunked and gzipped").encode()
    packed = gzip.compress(html)
    chunked = (
        b"".join(
            b"%x\r\n%s\r\n" % (len(packed[i : i + 500]), packed[i : i + 500])
            for i in range(0, len(packed), 500)
        )
        + b"0\r\n\r\n"
    )
    headers = [
        ("Content-Type", "text/html"),
        ("Content-Encoding", "gzip"),
        ("Transfer-Encoding", "chunked"),
    ]
    (article,) = read(
        warc([Rec("response", "https://g.example/c", headers=headers, body=chunked)], gzipped=True)
    )
    assert isinstance(article, SourceText)
    assert "PORT ELLEN — The harbour authority" in article.text


def test_charsets_from_http_then_meta() -> None:
    story = (
        "<p>" + "Café owners say the crème brûlée tax – “unfair” – must go, said Zoë. " * 4 + "</p>"
    )
    cp1252 = page("Café", story=story).replace('<meta charset="utf-8">', "").encode("cp1252")
    russian = (
        "<p>" + "Жители города обсуждают новый мост через реку, сообщили власти. " * 4 + "</p>"
    )
    cp1251 = page("Мост", story=russian).replace("utf-8", "windows-1251").encode("cp1251")
    data = warc(
        [
            typed(f"{G}/fr", "text/html; charset=ISO-8859-1", cp1252),
            typed(f"{G}/ru", "text/html", cp1251),
        ],
        gzipped=True,
    )  # fmt: skip
    french, russian_article = read(data)
    assert isinstance(french, SourceText) and isinstance(russian_article, SourceText)
    assert "crème brûlée tax – “unfair”" in french.text  # Latin-1 labels read as windows-1252
    assert "новый мост через реку" in russian_article.text


def arc_file(*, gzipped: bool) -> bytes:
    """An ARC 1.0 file: a filedesc header record, then one record per fetched URL."""
    version = b"1 0 InternetArchive\nURL IP-address Archive-date Content-type Archive-length\n"
    records = [
        b"filedesc://crawl.arc 0.0.0.0 20040102030405 text/plain %d\n%s\n" % (len(version), version)
    ]
    for n, (status, title) in enumerate(
        [("200 OK", "Old story"), ("404 Not Found", "Gone"), ("200 OK", "Another")]
    ):
        content = b"HTTP/1.0 %s\r\nContent-Type: text/html\r\n\r\n%s" % (
            status.encode(),
            page(title).encode(),
        )
        url = f"http://gazette.example/{n}"
        records.append(
            b"%s 192.0.2.1 2004010203040%d text/html %d\n%s\n"
            % (url.encode(), n, len(content), content)
        )
    if gzipped:
        return b"".join(gzip.compress(r) for r in records)
    return b"".join(records)


@pytest.mark.parametrize("gzipped", [True, False])
def test_arc_files(gzipped: bool) -> None:
    items = read(arc_file(gzipped=gzipped), "old.arc")
    assert ids(items) == ["old.arc#1", "old.arc#3"]
    first = items[0]
    assert isinstance(first, SourceText)
    assert first.hints["url"] == "http://gazette.example/0"
    assert first.hints["captured"] == "2004-01-02T03:04:00Z"
    assert "record_id" not in first.hints  # warcio makes one up for ARC records
    assert warc_summary(arc_file(gzipped=gzipped))["error"] == 1


@pytest.mark.parametrize("gzipped", [True, False])
def test_truncated_archive_keeps_what_came_before(gzipped: bool) -> None:
    records = [
        Rec("response", f"https://g.example/{n}", body=page(f"Story {n}").encode())
        for n in range(4)
    ]
    data = warc(records, gzipped=gzipped)
    cut = data[: len(data) * 3 // 4]
    items = read(cut)
    # Records 1, 2 (and 3 when the cut falls after it) whole; the cut one is not yielded.
    *pages, last = items
    assert all(isinstance(p, SourceText) for p in pages) and len(pages) >= 2
    assert ids(pages) == [f"crawl.warc.gz#{n}" for n in range(1, len(pages) + 1)]
    assert (
        str(last) == f"truncated archive after record {len(pages)}: the rest of the file is missing"
    )
    assert warc_summary(cut)["damaged"] == 1


@pytest.mark.parametrize("gzipped", [True, False])
def test_every_cut_gives_whole_pages_then_at_most_one_reason(gzipped: bool) -> None:
    data = warc(stories(2), gzipped=gzipped)
    for size in range(0, len(data), 97):
        items = read(data[:size])
        texts = [i for i in items if isinstance(i, SourceText)]
        assert all("PORT ELLEN" in t.text for t in texts)
        reasons = [str(i) for i in items if isinstance(i, RecordError)]
        assert len(reasons) <= 1
        assert all(
            r.startswith(("truncated archive", "empty file", "no HTML pages")) for r in reasons
        ), reasons


def test_truncated_in_the_first_record() -> None:
    data = warc([Rec("response", "https://g.example/1", body=page("S").encode())], gzipped=True)
    assert ids(read(data[:40])) == ["truncated archive: its first record is cut short"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty file"),
        (b"Hello, this is a text file.\nIt is no archive.\n",
         "not a WARC or ARC archive: it begins “Hello, this is a text file.”, where a WARC "
         "begins “WARC/1.0” and an ARC “filedesc://”"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(300),
         "not a WARC or ARC archive (binary data)"),
        (b"PK\x03\x04" + bytes(300), "not a WARC or ARC archive (binary data)"),
        (gzip.compress(b"<html>a gzipped page</html>"),
         "not a WARC or ARC archive: it begins “<html>a gzipped page</html>” (inside gzip), where "
         "a WARC begins “WARC/1.0” and an ARC “filedesc://”"),
        (gzip.compress(bytes(range(256)) * 4),
         "not a WARC or ARC archive (binary data inside gzip)"),
        (b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + b"\xff" * 50,
         "not a WARC or ARC archive (a damaged gzip file)"),
    ],
)  # fmt: skip
def test_not_an_archive(data: bytes, message: str) -> None:
    assert ids(read(data)) == [message]
    assert warc_summary(data)["damaged"] == 1


def test_archive_without_pages_says_what_it_held() -> None:
    data = warc(
        [
            Rec("response", "https://g.example/old", "302 Found", [("Location", "/new")]),
            typed(f"{G}/a.jpg", "image/jpeg", b"\xff\xd8"),
        ],
        gzipped=True,
    )  # fmt: skip
    assert ids(read(data)) == [
        "no HTML pages with status 200 in this archive (3 records: 1 redirect, 1 not HTML, 1 other)"
    ]


def test_pages_without_text_are_reported_when_nothing_else_is_found() -> None:
    empty = b"<html><head><title>App</title></head><body><script>start()</script></body></html>"
    data = warc([Rec("response", "https://g.example/", body=empty)], gzipped=False)
    assert ids(read(data)) == [
        "no article text in any of the 1 HTML pages with status 200 in this archive "
        "(2 records: 1 other)"
    ]


def test_too_large_page_is_skipped_with_a_reason() -> None:
    huge = page("Huge", story="<p>" + "word " * (17 * 1024 * 1024 // 5) + "</p>").encode()
    data = warc(
        [Rec("response", "https://g.example/huge", body=huge),
         Rec("response", "https://g.example/ok", body=page("Fine").encode())],
        gzipped=True,
    )  # fmt: skip
    assert ids(read(data)) == [
        "record 1 (https://g.example/huge): an HTML page of more than 16 MB; skipped",
        "crawl.warc.gz#2",
    ]


def test_wrong_content_length_prints_nothing(capfd: pytest.CaptureFixture[str]) -> None:
    data = warc(stories(3), gzipped=False)
    first = data.index(b"Content-Length: ", data.index(b"WARC-Type: response"))
    end = data.index(b"\r\n", first)
    length = int(data[first + 16 : end])
    broken = data[: first + 16] + str(length - 10).encode() + data[end:]
    items = read(broken)
    assert all(isinstance(i, SourceText | RecordError) for i in items)
    assert capfd.readouterr() == ("", "")


def test_gzip_bomb_is_refused() -> None:
    size = 200 * 1024 * 1024
    head = b"WARC/1.0\r\nWARC-Type: resource\r\nWARC-Target-URI: https://g.example/z\r\n"
    head += b"Content-Length: %d\r\n\r\n" % size
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunks = [packer.compress(head)]
    zeros = bytes(1024 * 1024)
    chunks += [packer.compress(zeros) for _ in range(size // len(zeros))]
    chunks.append(packer.flush())
    bomb = b"".join(chunks)
    assert len(bomb) < 1024 * 1024
    started = time.monotonic()
    assert ids(read(bomb)) == [
        "refused: a gzip member expands more than 100 times past 64 MB, the mark of a zip bomb"
    ]
    assert time.monotonic() - started < 20


def test_endless_header_line_stays_in_bounded_memory() -> None:
    data = b"WARC/1.0\r\nWARC-Type: response\r\nX-Junk: " + b"a" * (40 * 1024 * 1024)
    tracemalloc.start()
    try:
        items = read(data)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(items) == 1 and isinstance(items[0], RecordError)
    assert peak < 12 * 1024 * 1024, peak


def test_corrupt_gzip_member_stops_after_the_whole_records() -> None:
    data = bytearray(warc(stories(4), gzipped=True))
    members = [i for i in range(len(data)) if data[i : i + 3] == b"\x1f\x8b\x08"]
    third = members[3]  # records: warcinfo, story 0, story 1, story 2 (cut), story 3
    data[third + 200 : third + 260] = bytes(range(60))
    items = read(bytes(data))
    *pages, reason = items
    assert ids(pages) == ["crawl.warc.gz#1", "crawl.warc.gz#2"]
    assert str(reason).startswith("damaged archive: corrupt gzip data (")
    assert str(reason).endswith("(after record 2; the records before were read)")
