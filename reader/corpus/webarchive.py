"""Web archives — WARC, and the older ARC, gzipped or not — one article per archived HTML page.

A crawl (Heritrix, `wget --warc-file`, Browsertrix, Common Crawl, the Internet Archive's ARC
files) stores every exchange with the web: requests, redirects, images, error pages, metadata.
What a reader wants is the pages, so:

- An article is a `response` record whose HTTP status is 200 and whose type is `text/html` or
  `application/xhtml+xml` (or that has no type and starts like HTML), with text trafilatura
  finds (`formats.html_main_text`). Everything else is skipped and counted by kind:
  `redirect` (3xx), `error` (4xx, 5xx), `not_html`, `too_large` (a page over
  `MAX_PAGE_BYTES`, also reported), `other` (requests, metadata, revisits, warcinfo, other
  statuses, non-HTTP records); HTML pages in which trafilatura finds no text as `no_text`.
- Ids are `{doc_id}#{n}` where `n` is the record's position in the file, counting every record
  from 0 (the warcinfo record is usually #0): ids never move when a page's extraction changes
  or a kind of record is judged differently.
- `hints["url"]` is the WARC-Target-URI (the page's own canonical link, when it differs, is
  `canonical_url`); `hints["captured"]` the WARC-Date, when the page was fetched. The capture
  time is never the article's date: `hints["date"]` is only what trafilatura reads on the page.
- `read_warc` yields a `RecordError` at the end when the archive gave no article at all (and
  was read to its end), saying what it held instead; `warc_summary` counts the kinds without
  extracting text. Whole-file problems are yielded too, never raised.

Hostile input stops with a reason: a file that is neither WARC nor ARC (ARC 1.0; the rare
version 2 is not read); a truncated archive (the articles before the cut are still yielded,
and a record is yielded only once read whole); corrupt gzip; a gzip member expanding past
`MAX_GZIP_RATIO`. Memory stays bounded: gzip is decompressed as read in bounded steps, header
lines are read `MAX_LINE_BYTES` at a time, a page's HTML at most `MAX_PAGE_BYTES`.
"""

from __future__ import annotations

import codecs
import logging
import re
import warnings
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import BufferedReader
from warcio.limitreader import LimitReader
from warcio.utils import BUFF_SIZE

from reader.corpus.decoding import MAX_ARTICLE_BYTES, UnreadableText, decode_bytes, looks_binary
from reader.corpus.formats import RecordError, html_main_text
from reader.corpus.model import SourceText

logging.getLogger("warcio").addHandler(logging.NullHandler())
"""warcio logs what it repairs (spaces in a URL) to a logger nobody set up: the terminal."""

MAX_PAGE_BYTES = MAX_ARTICLE_BYTES
"""An archived HTML page larger than this (after content decoding) is no article page."""
MAX_RECORD_BYTES = 2 * MAX_PAGE_BYTES
"""A page record larger than this is not read (its HTTP framing or compression included)."""
MAX_LINE_BYTES = 1024**2
"""WARC and HTTP header lines are read at most this much at a time."""
MAX_GZIP_RATIO = 100
"""Crawled HTML compresses 4 to 10 times: a gzip member expanding more than this is a bomb..."""
GZIP_RATIO_FLOOR = 64 * 1024**2
"""...once it has expanded past this (small members may compress further, harmlessly)."""
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
SKIPPED_KINDS = ("redirect", "error", "not_html", "too_large", "other")
"""The kinds of record that are not articles, as `warc_summary` counts them."""

_CHUNK = 64 * 1024
_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,300}?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE
)
_LOOKS_HTML = re.compile(rb"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]", re.IGNORECASE)
_WEB_DEFAULT = {"iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "ascii": "cp1252",
                "us-ascii": "cp1252"}  # fmt: skip
"""WHATWG: a page labelled Latin-1 or ASCII is read as windows-1252, as browsers do."""

_T = TypeVar("_T")


def _quietly(call: Callable[..., _T], *args: Any, **kwargs: Any) -> _T:
    """Call a library without its warnings reaching the user (or the test suite)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return call(*args, **kwargs)


class _Damaged(Exception):
    """The archive cannot be read further; the message says why, for a person."""


# -- streams ---------------------------------------------------------------------------------


class _GzipMembers:
    """A gzip file of one or many members (a WARC.gz holds one per record) read as one stream,
    decompressed as it is read in bounded steps.

    `truncated` turns true when the input ends inside a member; bytes after the last member
    that are not gzip set `trailing`. A member expanding like a zip bomb raises `_Damaged`.
    """

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._pos = 0
        self._unzip = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self._fed = self._out = 0
        self.offset = 0
        self.truncated = False
        self.trailing = False

    def tell(self) -> int:
        return self.offset

    def close(self) -> None:
        pass

    def read(self, size: int = -1) -> bytes:
        want = size if size and size > 0 else _CHUNK
        while True:
            unzip = self._unzip
            if unzip.eof:
                self._pos -= len(unzip.unused_data)  # bytes read past the member's end
                if self._pos >= len(self._data):
                    return b""
                rest = self._data[self._pos : self._pos + 2]
                if rest != b"\x1f\x8b":
                    if rest == b"\x1f" and self._pos + 1 == len(self._data):
                        self.truncated = True  # cut one byte into the next member
                    else:
                        self.trailing = bool(self._data[self._pos :].strip(b"\x00 \t\r\n"))
                    self._pos = len(self._data)
                    return b""
                self._unzip = unzip = zlib.decompressobj(16 + zlib.MAX_WBITS)
                self._fed = self._out = 0
            chunk = unzip.unconsumed_tail
            if not chunk:
                chunk = self._data[self._pos : self._pos + _CHUNK]
                self._pos += len(chunk)
                self._fed += len(chunk)
                if not chunk:
                    self.truncated = True  # a member began and did not end
                    return b""
            try:
                out = unzip.decompress(chunk, want)
            except zlib.error as exc:
                raise _Damaged(f"damaged archive: corrupt gzip data ({exc})") from None
            self._out += len(out)
            if self._out > GZIP_RATIO_FLOOR and self._out > MAX_GZIP_RATIO * self._fed:
                raise _Damaged(
                    f"refused: a gzip member expands more than {MAX_GZIP_RATIO} times "
                    f"past {GZIP_RATIO_FLOOR // 1024**2} MB, the mark of a zip bomb"
                )
            if out:
                self.offset += len(out)
                return out


class _LineCappedReader(BufferedReader):  # type: ignore[misc]
    """warcio's buffered reader, with no decompression (done before) and header lines read
    at most `MAX_LINE_BYTES` at a time: a "line" of gigabytes stays out of memory."""

    def readline(self, length: int | None = None) -> bytes:
        limit = MAX_LINE_BYTES if length is None else min(length, MAX_LINE_BYTES)
        line: bytes = super().readline(limit)
        return line


class _Records(ArchiveIterator):  # type: ignore[misc]
    """warcio's record iterator on our (decompressed) stream, parsing every record as the
    format the file starts with, and printing nothing to stderr."""

    def __init__(self, stream: Any, kind: str) -> None:
        super().__init__(stream, arc2warc=True)
        self.reader = _LineCappedReader(self.fh, block_size=BUFF_SIZE)
        self.known_format = kind

    def _consume_blanklines(self) -> tuple[bytes | None, int]:
        """warcio's, without its stderr warning for a record not followed by a blank line."""
        empty_size = 0
        first_line = True
        while True:
            line: bytes = self.reader.readline()
            if not line:
                return None, empty_size
            if not line.rstrip() or first_line:
                empty_size += len(line)
                if line.rstrip():
                    self.err_count += 1
                first_line = False
                continue
            return line, empty_size


def _open(data: bytes) -> tuple[Any, str]:
    """(a stream of the uncompressed archive, "warc" or "arc"), or why this is no archive."""
    if not data.strip():
        raise RecordError("empty file")
    zipped = data[:2] == b"\x1f\x8b"
    if zipped:
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data[:_CHUNK], 4096)
        except zlib.error:
            raise RecordError("not a WARC or ARC archive (a damaged gzip file)") from None
        if not head:
            raise RecordError("truncated archive: its first record is cut short")
    else:
        head = data[:4096]
    start = head.lstrip(b"\r\n\t ")
    if start.startswith(b"WARC/"):
        kind = "warc"
    elif start.startswith(b"filedesc://"):
        kind = "arc"
    elif looks_binary(head):
        inside = " inside gzip" if zipped else ""
        raise RecordError(f"not a WARC or ARC archive (binary data{inside})")
    else:
        shown = start[:40].decode("latin-1").split("\n")[0].strip()
        inside = " (inside gzip)" if zipped else ""
        raise RecordError(
            f"not a WARC or ARC archive: it begins “{shown}”{inside}, where a WARC begins "
            "“WARC/1.0” and an ARC “filedesc://”"
        )
    return (_GzipMembers(data) if zipped else _PlainStream(data)), kind


class _PlainStream:
    """An uncompressed archive, for warcio (which wants `read` and `tell`)."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._pos = 0
        self.truncated = self.trailing = False

    def tell(self) -> int:
        return self._pos

    def close(self) -> None:
        pass

    def read(self, size: int = -1) -> bytes:
        end = len(self._data) if size is None or size < 0 else self._pos + size
        chunk = self._data[self._pos : end]
        self._pos += len(chunk)
        return chunk

    def rest(self, offset: int) -> bytes:
        return self._data[offset:]


# -- records ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Page:
    """An HTML page with status 200, as archived."""

    n: int
    url: str
    captured: str | None
    record_id: str | None
    body: bytes
    charset: str | None


def _header(headers: Any, name: str) -> str | None:
    value = headers.get_header(name) if headers is not None else None
    return str(value).strip() if value else None


def _classify(record: Any, n: int, kind: str, *, read_body: bool) -> tuple[str, _Page | None]:
    """The record's kind (a `SKIPPED_KINDS` name or "pages") and, for a page, its HTML."""
    if record.rec_type != "response" or record.http_headers is None:
        return "other", None
    try:
        status = int(str(record.http_headers.get_statuscode()).strip())
    except ValueError:
        return "other", None
    if 300 <= status < 400:
        return "redirect", None
    if 400 <= status < 600:
        return "error", None
    if status != 200:
        return "other", None
    content_type = _header(record.http_headers, "Content-Type") or ""
    mime = content_type.split(";")[0].strip().lower()
    if mime and mime not in HTML_TYPES:
        return "not_html", None
    if record.length is not None and record.length > MAX_RECORD_BYTES:
        return "too_large", None
    if not read_body and mime:
        return "pages", None
    body: bytes = record.content_stream().read(MAX_PAGE_BYTES + 1)
    if len(body) > MAX_PAGE_BYTES:
        return "too_large", None
    if not mime and not _LOOKS_HTML.search(body[:4096]):
        return "not_html", None
    charset = _CHARSET.search(content_type)
    page = _Page(
        n=n,
        url=_header(record.rec_headers, "WARC-Target-URI") or "",
        captured=_header(record.rec_headers, "WARC-Date"),
        # warcio makes up a random id for an ARC record: only a WARC's own is kept.
        record_id=_header(record.rec_headers, "WARC-Record-ID") if kind == "warc" else None,
        body=body,
        charset=charset.group(1) if charset else None,
    )
    return "pages", page


def _cut_short(record: Any) -> bool:
    """The file ended before the record's declared length."""
    stream = record.raw_stream
    return isinstance(stream, LimitReader) and stream.limit > 0


def _cut_in_header(rest: bytes, kind: str) -> bool:
    """What follows the last whole record is the start of one whose header was cut off."""
    rest = rest.lstrip(b"\r\n")
    if not rest:
        return False
    if kind == "arc":
        return b"\n" not in rest
    return (rest.startswith(b"WARC/") or b"WARC/".startswith(rest)) and not (
        b"\n\r\n" in rest or b"\n\n" in rest
    )


def _truncated(last: int) -> RecordError:
    if last < 0:
        return RecordError("truncated archive: its first record is cut short")
    return RecordError(f"truncated archive after record {last}: the rest of the file is missing")


def _scan(data: bytes, counts: Counter[str], *, read_body: bool) -> Iterator[_Page | RecordError]:
    """Every record, counted by kind into `counts`; pages yielded once known whole; then the
    reason reading stopped early, if it did."""
    try:
        stream, kind = _open(data)
    except RecordError as exc:
        counts["damaged"] = 1
        yield exc
        return
    records = _Records(stream, kind)
    last = -1  # the last whole record
    while True:
        try:
            record = _quietly(next, records, None)
            if record is None:
                break
            found, page = _quietly(_classify, record, last + 1, kind, read_body=read_body)
        except Exception as exc:  # warcio's parse errors are of many types
            counts["damaged"] = 1
            yield _stopped(exc, last, stream, records, kind)
            return
        # Reading to the record's end may read ahead into the next one (a corrupt gzip member
        # after it): this record still counts if it was read whole.
        failure: Exception | None = None
        try:
            _quietly(records.read_to_end)
        except Exception as exc:
            failure = exc
        # No length: a WARC header cut before its Content-Length (warcio then reads on to
        # the end of the file, so nothing follows).
        whole = not _cut_short(record) and record.length is not None
        if whole:
            last += 1
            counts["records"] += 1
            counts[found] += 1
            if found == "too_large":
                url = _header(record.rec_headers, "WARC-Target-URI")
                yield RecordError(
                    f"record {last} ({url}): an HTML page of more than "
                    f"{MAX_PAGE_BYTES // 1024**2} MB; skipped"
                )
            if page is not None:
                yield page
        if failure is not None or not whole:
            counts["damaged"] = 1
            yield _stopped(failure, last, stream, records, kind)
            return
    if stream.truncated or (
        isinstance(stream, _PlainStream) and _cut_in_header(stream.rest(records.offset), kind)
    ):
        counts["damaged"] = 1
        yield _truncated(last)
    elif stream.trailing:
        counts["damaged"] = 1
        yield RecordError(f"damaged archive after record {last}: what follows is not gzip data")


def _stopped(
    exc: Exception | None, last: int, stream: Any, records: _Records, kind: str
) -> RecordError:
    """Why reading stopped after record `last` (`exc` None: the file ended inside a record)."""
    if isinstance(exc, _Damaged):
        after = "" if last < 0 else f" (after record {last}; the records before were read)"
        return RecordError(f"{exc}{after}")
    if (
        exc is None
        or stream.truncated
        or (isinstance(stream, _PlainStream) and _cut_in_header(stream.rest(records.offset), kind))
    ):
        return _truncated(last)
    reason = " ".join(str(exc).split())[:160] or type(exc).__name__
    return RecordError(f"damaged archive after record {last}: {reason}")


# -- pages to articles -----------------------------------------------------------------------


def _page_text(page: _Page) -> str:
    """The page's HTML as text: BOM, then the HTTP charset, then `<meta charset>`, then a
    guess — the order browsers follow."""
    body = page.body
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):  # fmt: skip
        if body.startswith(bom):
            return body.decode(encoding, errors="replace")
    meta = _META_CHARSET.search(body[:4096])
    for label in (page.charset, meta.group(1).decode("ascii") if meta else None):
        if not label:
            continue
        name = _WEB_DEFAULT.get(label.lower(), label)
        try:
            codecs.lookup(name)
        except LookupError:
            continue
        return body.decode(name, errors="replace")
    try:
        return decode_bytes(body)[0]
    except UnreadableText:
        return body.decode("utf-8", errors="replace")


def _article(doc_id: str, path: str, page: _Page) -> SourceText | None:
    html = _page_text(page)
    text, found = _quietly(html_main_text, html)
    if not text.strip():
        return None
    hints: dict[str, Any] = {k: v for k, v in found.items() if v}
    canonical = hints.pop("url", None)
    if page.url:
        hints["url"] = page.url
    if canonical and canonical != page.url:
        hints["canonical_url"] = canonical
    if page.captured:
        hints["captured"] = page.captured
    if page.record_id:
        hints["record_id"] = page.record_id
    if not hints.get("source") and page.url:
        host = urlsplit(page.url).hostname or ""
        if host:
            hints["source"] = host.removeprefix("www.")
    return SourceText(
        id=f"{doc_id}#{page.n}",
        path=path,
        format="warc",
        text=text,
        raw=html,
        hints=hints,
        scraped=False,
    )


def read_warc(doc_id: str, path: str, data: bytes) -> Iterator[SourceText | RecordError]:
    """A WARC or ARC file, gzipped or not: its HTML pages with status 200 as articles."""
    counts: Counter[str] = Counter()
    articles = 0
    for item in _scan(data, counts, read_body=True):
        if isinstance(item, RecordError):
            yield item
            continue
        article = _article(doc_id, path, item)
        if article is None:
            counts["no_text"] += 1
            continue
        articles += 1
        yield article
    if articles == 0 and counts["records"] and not counts["damaged"]:
        held = _describe(counts)
        if counts["pages"]:
            yield RecordError(
                f"no article text in any of the {counts['pages']} HTML pages with status 200 "
                f"in this archive ({held})"
            )
        else:
            yield RecordError(f"no HTML pages with status 200 in this archive ({held})")


def warc_summary(data: bytes) -> dict[str, int]:
    """What an archive holds, without extracting text: "records", "pages" (HTML with status
    200: the candidate articles), each of `SKIPPED_KINDS`, and "damaged" (1 when reading
    stopped early: not an archive, truncated, corrupt)."""
    counts: Counter[str] = Counter()
    for _item in _scan(data, counts, read_body=False):
        pass
    return {key: counts[key] for key in ("records", "pages", *SKIPPED_KINDS, "damaged")}


def _describe(counts: Counter[str]) -> str:
    """ "7 records: 2 redirects, 1 error page, 4 other" """
    labels = {
        "redirect": ("redirect", "redirects"),
        "error": ("error page", "error pages"),
        "not_html": ("not HTML", "not HTML"),
        "too_large": ("too large", "too large"),
        "other": ("other", "other"),
    }
    records = counts["records"]
    details = [
        f"{counts[key]} {one if counts[key] == 1 else many}"
        for key, (one, many) in labels.items()
        if counts[key]
    ]
    return f"{records} record{'s' if records != 1 else ''}" + (
        ": " + ", ".join(details) if details else ""
    )
