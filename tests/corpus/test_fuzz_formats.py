"""A generated fuzz set over every format the import reads: never an exception, never silence.

The test builds, in `tmp_path`, well over a thousand files from a few valid files of each format
in `registry.FORMATS` (made by the builders of the format's own tests) and their mutants, all
drawn from `random.Random(SEED)`, so every run builds the same bytes: cut at a random point, bytes
overwritten, chunks inserted, deleted or repeated, numbers changed (lengths, offsets), tokens of
file syntax sprinkled in, deep nesting, empty and blank files, content repeated up to 2 MB,
another format's content under the name; the parts of a zip (XLSX, DOCX, ODT) damaged, dropped
or named twice, and the compressed bytes of one entry changed; the gzip members of a `.warc.gz`
cut, dropped, swapped, damaged or recompressed after a change; e-mails whose attached documents
are damaged. Beside them, the smallest file showing each failure the fuzzer found so far, with
this seed or others (`found_files`), so that none drops out of sight when the draws change.

One `import_corpus` of the folder then reads them all, on a worker thread so a hang fails the
test instead of stopping it, and the test asserts: no exception escaped (when one does, the
files are read again one at a time to name every file that raises); every file gave an article
or a problem naming it (a file no format reads is listed as skipped); every reason is one
non-empty line without a traceback, and not a last-resort catch ("could not be parsed": a reader
raised something other than `RecordError`); no file took more than `MAX_FILE_SECONDS` of CPU, its
read and the cleaning of its articles together; nothing was printed, nor logged by a library
where a program without logging set up would print it; and the folder is byte-identical after.
The counts per format, the time and the slowest files are printed.

The suite runs with warnings as errors: a library warning a reader lets out becomes a
last-resort problem (or an escaping exception), and so a failure here.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import mailbox
import random
import re
import resource
import sys
import tempfile
import threading
import time
import warnings
import zipfile
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from reader.corpus import importer
from reader.corpus.articles import build_article
from reader.corpus.importer import ImportResult, import_corpus, is_supported, read_sources
from reader.corpus.model import Article, Problem, SourceText
from reader.corpus.registry import FORMATS, format_of, skip_reason
from tests.corpus.test_bad_input import (
    CP1252_TEXT,
    FEED_RECORDS,
    GOOD_JSON,
    GOOD_MD,
    GOOD_ONE,
    GOOD_TWO,
    MIXED_GOOD,
    UTF16_TEXT,
)
from tests.corpus.test_documents import BODY as DOCX_BODY
from tests.corpus.test_documents import (
    WORD_RTF,
    hand_docx,
    make_odt,
    make_pdf,
    python_docx,
    run,
    simple_pdf,
    two_column_page,
)
from tests.corpus.test_feeds import ATOM, RSS
from tests.corpus.test_messages import LONG_HTML, message
from tests.corpus.test_tables import BODY as TABLE_BODY
from tests.corpus.test_tables import csv_bytes, workbook
from tests.corpus.test_webarchive import arc_file, crawl, page, stories, warc

SEED = 20240521
MUTANTS_PER_FORMAT = 66
"""Mutants of each format's valid files: with those files, ~1,100 files in all."""
MAX_FILE_SECONDS = 5.0
"""A file's read plus the cleaning of its articles, in CPU seconds of the importing thread."""
MAX_IMPORT_SECONDS = 300.0
"""The whole import, past which it is taken to hang (it takes ~20 s on a 2-core machine)."""
MAX_HUGE_BYTES = 2 * 1024**2
"""The largest file made: repeated content, deep nesting."""
MAX_RSS_GROWTH = 1024**3
"""Peak memory the import may add (the articles of the folder are kept: a few hundred MB)."""

Mutator = Callable[[random.Random, bytes, "Context"], bytes]


# ------------------------------------------------------------------------------------------
# Valid files of every format


def _mbox(messages: list[EmailMessage]) -> bytes:
    with tempfile.TemporaryDirectory(prefix="fuzz-mbox-") as tmp:
        box = mailbox.mbox(Path(tmp) / "box.mbox")
        for msg in messages:
            box.add(msg)
        box.flush()
        box.close()
        return (Path(tmp) / "box.mbox").read_bytes()


def _docx() -> bytes:
    return python_docx(DOCX_BODY, title="Rail operator cuts Sunday services", author="Alan Pryce")


def _hand_docx() -> bytes:
    body = "".join(f"<w:p>{run(line)}</w:p>" for line in DOCX_BODY)
    return hand_docx(body + f"<w:tbl><w:tr><w:tc><w:p>{run('Cell')}</w:p></w:tc></w:tr></w:tbl>")


def _odt() -> bytes:
    paragraphs = "".join(f"<text:p>{line}</text:p>" for line in DOCX_BODY[1:])
    return make_odt(
        f"<text:h>{DOCX_BODY[0]}</text:h>{paragraphs}<text:p>Body <text:s/>text.</text:p>"
    )


def _with_documents(documents: dict[str, bytes]) -> EmailMessage:
    """A news release by e-mail with documents attached."""
    msg = message(html=LONG_HTML)
    kinds = {"pdf": ("application", "pdf"), "docx": ("application", "octet-stream"),
             "odt": ("application", "vnd.oasis.opendocument.text"), "rtf": ("text", "rtf"),
             "txt": ("text", "plain")}  # fmt: skip
    for name, data in documents.items():
        maintype, subtype = kinds[name.rsplit(".", 1)[1]]
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg


def documents() -> dict[str, bytes]:
    """Documents to attach to e-mails, by file name."""
    return {
        "statement.pdf": simple_pdf({"Title": "Wading birds"}),
        "release.docx": stable(_docx()),
        "notes.odt": stable(_odt()),
        "memo.rtf": WORD_RTF,
        "release.txt": GOOD_ONE.encode(),
    }


def _rtf() -> bytes:
    return (
        b"{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Times;}}{\\info{\\title Ferry timetable}}"
        b"\\pard\\b Ferry timetable changes\\b0\\par "
        + GOOD_TWO.encode("cp1252", "replace").replace(b"\n", b"\\par\n")
        + b"}"
    )


_UUID = re.compile(rb"urn:uuid:[0-9a-f-]{36}")
_NOW = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z?")
_BOUNDARY = re.compile(rb"={15}\d+==")
_MBOX_FROM = re.compile(rb"^From MAILER-DAEMON .*$", re.MULTILINE)
FIXED_TIME = (2024, 3, 5, 9, 30, 0)


def _numbered(pattern: re.Pattern[bytes], data: bytes, template: bytes) -> bytes:
    """Each distinct match replaced by `template % n`, n counting distinct matches."""
    seen: dict[bytes, bytes] = {}
    return pattern.sub(lambda m: seen.setdefault(m.group(), template % len(seen)), data)


def stable(data: bytes) -> bytes:
    """A valid file as every run builds it: the writers' clocks, random ids and random MIME
    boundaries replaced by fixed ones, so the seeded mutants are the same bytes every run."""
    if data.startswith(b"PK"):
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
            for info in src.infolist():
                content = src.read(info)
                if info.filename.startswith("docProps/"):
                    content = _NOW.sub(b"2024-03-05T09:30:00Z", content)
                fixed = zipfile.ZipInfo(info.filename, FIXED_TIME)
                fixed.compress_type = info.compress_type
                dst.writestr(fixed, content)
        return out.getvalue()
    if data.startswith(b"\x1f\x8b"):
        return b"".join(_gzip(stable(zlib.decompress(m, wbits=31))) for m in gzip_members(data))
    data = _numbered(_UUID, data, b"urn:uuid:00000000-0000-4000-8000-%012d")
    data = re.sub(rb"(?m)^WARC-Date: .*\r$", b"WARC-Date: 2024-01-02T03:04:05Z\r", data)
    data = _numbered(_BOUNDARY, data, b"===============%019d==")
    return _MBOX_FROM.sub(b"From MAILER-DAEMON Tue Mar  5 09:30:00 2024", data)


def valid_files() -> dict[str, list[tuple[str, bytes]]]:
    """Per registry format name, a few valid files and the name ending each is written with,
    the same bytes every run (`stable`)."""
    made = _valid_files()
    return {fmt: [(suffix, stable(data)) for suffix, data in files] for fmt, files in made.items()}


def _valid_files() -> dict[str, list[tuple[str, bytes]]]:
    jsonl = "\n".join(json.dumps(r) for r in FEED_RECORDS + MIXED_GOOD) + "\n"
    table = [
        ["title", "date", "url", "source", "text"],
        *[[r["title"], r["date"], f"https://g.example/{n}", "Gazette", r["text"]]
          for n, r in enumerate(FEED_RECORDS)],
        ["Dredging approved", "2023-03-04", "https://g.example/9", "Gazette", TABLE_BODY],
    ]  # fmt: skip
    docs = documents()
    mails = [
        message(),
        message(body=GOOD_TWO, subject="Rail"),
        _with_documents({"statement.pdf": docs["statement.pdf"]}),
    ]
    notes = workbook(
        {"Notes": [["about"], ["x"]], "Herald": [["Headline", "Body"], ["P", TABLE_BODY]]}
    )
    return {
        "text": [
            (".txt", GOOD_ONE.encode()),
            (".txt", CP1252_TEXT.encode("cp1252", "replace")),
            (".text", UTF16_TEXT.encode("utf-16")),
        ],
        "markdown": [
            (".md", GOOD_MD.encode()),
            (".markdown", ("---\ntitle: Ferry\ndate: 2024-01-02\n---\n" + GOOD_TWO).encode()),
        ],
        "html": [
            (".html", page("Dredging approved").encode()),
            (".htm", LONG_HTML.encode()),
        ],
        "json": [
            (".json", json.dumps(GOOD_JSON).encode()),
            (".json", json.dumps({"articles": FEED_RECORDS + MIXED_GOOD}, indent=1).encode()),
        ],
        "jsonl": [(".jsonl", jsonl.encode()), (".ndjson", jsonl.encode("utf-16"))],
        "csv": [(".csv", csv_bytes(table)), (".csv", csv_bytes(table, delimiter=";"))],
        "tsv": [
            (".tsv", csv_bytes(table, delimiter="\t")),
            (".tab", csv_bytes(table, delimiter="\t")),
        ],
        "xlsx": [
            (".xlsx", workbook({"Gazette": table})),
            (".xlsx", notes),
        ],
        "warc": [
            (".warc.gz", warc(crawl(), gzipped=True)),
            (".warc", warc(stories(3), gzipped=False)),
            (".arc.gz", arc_file(gzipped=True)),
        ],
        "feed": [(".rss", RSS.encode()), (".atom", ATOM.encode()), (".xml", RSS.encode())],
        "pdf": [
            (".pdf", simple_pdf({"Title": "Record count of wading birds", "Author": "J. Roe"})),
            (".pdf", make_pdf([two_column_page(), "BT /F1 11 Tf 72 700 Td (Page two.) Tj ET"])),
        ],
        "docx": [(".docx", _docx()), (".docx", _hand_docx())],
        "odt": [(".odt", _odt())],
        "rtf": [(".rtf", WORD_RTF), (".rtf", _rtf())],
        "eml": [
            (".eml", bytes(message())),
            (".eml", bytes(_with_documents(docs))),
        ],
        "mbox": [(".mbox", _mbox(mails))],
    }


# ------------------------------------------------------------------------------------------
# Mutations


@dataclass
class Context:
    """What a mutator may draw on besides the file it damages."""

    fmt: str
    others: list[bytes]
    """Valid files of the other formats."""
    documents: list[tuple[str, bytes]]
    """Valid documents to attach to e-mails (name, bytes)."""


def _span(rng: random.Random, size: int, most: int = 4096) -> tuple[int, int]:
    start = rng.randrange(size + 1)
    return start, min(size, start + rng.randint(1, most))


def truncate(rng: random.Random, data: bytes, ctx: Context) -> bytes:
    return data[: rng.randrange(len(data))] if data else data


def cut_head(rng: random.Random, data: bytes, ctx: Context) -> bytes:
    return data[rng.randrange(1, len(data)) :] if len(data) > 1 else data


def flip_bytes(rng: random.Random, data: bytes, ctx: Context) -> bytes:
    out = bytearray(data)
    for _ in range(rng.choice((1, 2, 4, 16, 64))):
        if out:
            out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def flip_bits(rng: random.Random, data: bytes, ctx: Context) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        if out:
            out[rng.randrange(len(out))] ^= 1 << rng.randrange(8)
    return bytes(out)


def insert_random(rng: random.Random, data: bytes, ctx: Context) -> bytes:
    at = rng.randrange(len(data) + 1)
    return data[:at] + rng.randbytes(rng.choice((1, 7, 64, 512, 4096))) + data[at:]


def delete_chunk(rng: random.Random, data: bytes, ctx: Context) -> bytes:
    start, end = _span(rng, len(data))
    return data[:start] + data[end:]


def duplicate_chunk(rng: random.Random, data: bytes, ctx: Context) -> bytes:
    start, end = _span(rng, len(data))
    at = rng.randrange(len(data) + 1)
    return data[:at] + data[start:end] * rng.choice((1, 2, 10)) + data[at:]


def swap_chunks(rng: random.Random, data: bytes, ctx: Context) -> bytes:
    cuts = sorted(rng.randrange(len(data) + 1) for _ in range(3))
    a, b, c = cuts
    return data[:a] + data[b:c] + data[a:b] + data[c:]


SYNTAX = [
    b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"\r", b"\n\n", b"\r\n.\r\n", b'"', b"'", b"\\", b"<",
    b">", b"&", b"&#0;", b"&#xD800;", b"&amp", b"<![CDATA[", b"]]>", b"<!--", b"<!DOCTYPE x>",
    b"<?xml version='1.0' encoding='bogus'?>", b"<!ENTITY a 'b'>", b"</p>", b"<p>", b"<script>",
    b"{", b"}", b"[", b"]", b",", b":", b'{"text": ', b"\\u0000", b"\\ud800", b"\t", b";",
    b"{\\rtf1", b"\\bin999999 ", b"\\u-1 ", b"\\'zz", b"{\\*\\", b"\\par", b"obj", b"endobj",
    b"stream\n", b"endstream", b"xref\n0 9999999\n", b"trailer << /Root 1 0 R >>", b"%%EOF",
    b"/Length 99999999", b"/Filter /FlateDecode", b"\nFrom nobody Mon Jan  1 00:00:00 2024\n",
    b"\nContent-Type: multipart/mixed; boundary=x\n", b"\n--x\n", b"=?utf-8?b?", b"=\n", b"=ZZ",
    b"Content-Transfer-Encoding: base64\n", b"WARC/1.0\r\n", b"Content-Length: 999999999\r\n",
    b"\r\n\r\n", b"PK\x03\x04", b"PK\x01\x02", b"PK\x05\x06", b"\x1f\x8b\x08\x00", b"%PDF-1.7",
]  # fmt: skip
"""Tokens of the formats' syntax, and of the ways text and archives break."""


def sprinkle_syntax(rng: random.Random, data: bytes, ctx: Context) -> bytes:
    out = data
    for _ in range(rng.randint(1, 12)):
        at = rng.randrange(len(out) + 1)
        out = out[:at] + rng.choice(SYNTAX) + out[at:]
    return out


_NUMBER = re.compile(rb"\d+")


def change_number(rng: random.Random, data: bytes, ctx: Context) -> bytes:
    """A length, an offset, a count, a date made another number: 0, -1, huge, off by one."""
    numbers = list(_NUMBER.finditer(data))
    if not numbers:
        return flip_bytes(rng, data, ctx)
    out = data
    for match in sorted(rng.sample(numbers, min(len(numbers), rng.randint(1, 3))),
                        key=lambda m: -m.start()):  # fmt: skip
        value = int(match.group())
        new = rng.choice([0, 1, value + 1, max(0, value - 1), value * 1000, 2**31, 2**64, 10**30])
        sign = b"-" if rng.random() < 0.1 else b""
        out = out[: match.start()] + sign + str(new).encode() + out[match.end() :]
    return out


def line_endings(rng: random.Random, data: bytes, ctx: Context) -> bytes:
    lf = data.replace(b"\r\n", b"\n")
    return lf.replace(b"\n", rng.choice((b"\r", b"\r\n", b"\r\r\n", "\u2028".encode())))


def reencode(rng: random.Random, data: bytes, ctx: Context) -> bytes:
    """The text in another encoding than it says (or none): UTF-16 either way, Latin-1, EBCDIC."""
    text = data.decode("utf-8", "replace")
    encoding = rng.choice(("utf-16", "utf-16-le", "utf-16-be", "utf-32", "latin-1", "cp500"))
    return text.encode(encoding, "replace")


def wrong_format(rng: random.Random, data: bytes, ctx: Context) -> bytes:
    return rng.choice(ctx.others)


def random_bytes(rng: random.Random, data: bytes, ctx: Context) -> bytes:
    return rng.randbytes(rng.choice((1, 16, 1000, 65536)))


def empty(rng: random.Random, data: bytes, ctx: Context) -> bytes:
    return b""


def blank(rng: random.Random, data: bytes, ctx: Context) -> bytes:
    return rng.choice((b" ", b"\n", b"\r\n\r\n", b" \t\n" * 1000, b"\x00" * 64, b"\xef\xbb\xbf"))


def huge_repeat(rng: random.Random, data: bytes, ctx: Context) -> bytes:
    """A slice of one line of the file repeated at one place until the file is up to 2 MB: a
    huge line, cell, record or element, not hundreds of thousands of records."""
    start, end = _span(rng, len(data), 200)
    chunk = data[start:end].replace(b"\n", b"").replace(b"\r", b"") or b"x"
    at = rng.randrange(len(data) + 1)
    room = rng.randint(MAX_HUGE_BYTES // 2, MAX_HUGE_BYTES) - len(data)
    return data[:at] + chunk * max(1, room // len(chunk)) + data[at:]


def repeat_whole(rng: random.Random, data: bytes, ctx: Context) -> bytes:
    """The whole file several times over (many records, or one file after another)."""
    return data * max(2, min(40, (256 * 1024) // max(1, len(data))))


OPENERS: dict[str, list[bytes]] = {
    "json": [b"[", b'{"a":', b'{"articles":'],
    "jsonl": [b"[", b'{"a":'],
    "markdown": [b"> ", b"* ", b"1. ", b"[", b"<div>"],
    "rtf": [b"{", b"{\\*\\shppict", b"{\\field{\\*\\fldinst"],
    "pdf": [b"[", b"<<", b"(", b"q "],
    "html": [b"<div>", b"<p><b>", b"<a>", b"<table><tr><td>"],
    "feed": [b"<div>", b"<p><b>", b"<item>", b"&lt;div&gt;"],
}
DEFAULT_OPENERS = [b"<div>", b"<p><b>", b"[", b"{"]
NESTING = 20_000
"""Openers written in a row: far past a recursive parser's depth (JSON's ~1,000, RTF's 2,000)."""
TAG_FLOOD = b"<p><b>"
TAG_FLOOD_BYTES = 1024**2


def nesting(opener: bytes) -> Mutator:
    def deep_nesting(rng: random.Random, data: bytes, ctx: Context) -> bytes:
        """Openers without their closers, tens of thousands deep, at the start of a line
        (where a value, an element or a group begins more often than mid-line)."""
        at = rng.choice([0, *(m.end() for m in re.finditer(rb"\n", data))])
        return data[:at] + opener * NESTING + data[at:]

    return deep_nesting


def tag_flood(rng: random.Random, data: bytes, ctx: Context) -> bytes:
    """A page of 1 MB that is nearly all empty elements (175,000 of them)."""
    at = data.find(b"<body>") + len(b"<body>") if b"<body>" in data else len(data) // 2
    return data[:at] + TAG_FLOOD * (TAG_FLOOD_BYTES // len(TAG_FLOOD)) + data[at:]


# -- zip files: XLSX, DOCX, ODT ---------------------------------------------------------------

DAMAGE: list[Mutator] = [truncate, flip_bytes, delete_chunk, sprinkle_syntax, change_number]
"""What is done to one part of a container (a zip entry, a gzip member, an attachment)."""


def _entries(data: bytes) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(info, archive.read(info)) for info in archive.infolist()]


def _zip(entries: list[tuple[zipfile.ZipInfo, bytes]]) -> bytes:
    out = io.BytesIO()
    with warnings.catch_warnings():  # writing a name twice on purpose: zipfile warns
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(out, "w") as archive:
            for info, content in entries:
                fixed = zipfile.ZipInfo(info.filename, FIXED_TIME)
                fixed.compress_type = info.compress_type
                archive.writestr(fixed, content)
    return out.getvalue()


def zip_damage_entry(rng: random.Random, data: bytes, ctx: Context) -> bytes:
    entries = _entries(data)
    n = rng.randrange(len(entries))
    info, content = entries[n]
    entries[n] = (info, rng.choice(DAMAGE)(rng, content, ctx))
    return _zip(entries)


def zip_drop_entry(rng: random.Random, data: bytes, ctx: Context) -> bytes:
    entries = _entries(data)
    del entries[rng.randrange(len(entries))]
    return _zip(entries)


def zip_replace_entry(rng: random.Random, data: bytes, ctx: Context) -> bytes:
    """One part holding another format's file, random bytes, or nothing."""
    entries = _entries(data)
    n = rng.randrange(len(entries))
    entries[n] = (entries[n][0], rng.choice([b"", rng.randbytes(300), rng.choice(ctx.others)]))
    return _zip(entries)


def zip_duplicate_entry(rng: random.Random, data: bytes, ctx: Context) -> bytes:
    """A part named twice, the second copy damaged: which one a reader takes is its choice."""
    entries = _entries(data)
    info, content = rng.choice(entries)
    entries.append((info, rng.choice(DAMAGE)(rng, content, ctx)))
    return _zip(entries)


def zip_damage_compressed(rng: random.Random, data: bytes, ctx: Context) -> bytes:
    """Bytes changed inside one entry's compressed data: bad deflate stream, or a bad CRC."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = [i for i in archive.infolist() if i.compress_size > 0]
    info = rng.choice(infos)
    header = info.header_offset
    name_len, extra_len = (
        int.from_bytes(data[header + 26 : header + 28], "little"),
        int.from_bytes(data[header + 28 : header + 30], "little"),
    )
    start = header + 30 + name_len + extra_len
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        out[start + rng.randrange(info.compress_size)] = rng.randrange(256)
    return bytes(out)


def zip_cut_directory(rng: random.Random, data: bytes, ctx: Context) -> bytes:
    """The central directory (at the end) cut or damaged, the entries intact."""
    first = data.find(b"PK\x01\x02")
    at = rng.randrange(first, len(data)) if first >= 0 else rng.randrange(len(data))
    if rng.random() < 0.5:
        return data[:at]
    return data[:at] + rng.randbytes(4) + data[at + 4 :]


ZIP_MUTATORS: list[Mutator] = [
    zip_damage_entry, zip_damage_entry, zip_damage_entry, zip_drop_entry, zip_replace_entry,
    zip_duplicate_entry, zip_damage_compressed, zip_damage_compressed, zip_cut_directory,
]  # fmt: skip


# -- gzip members: .warc.gz, .arc.gz ----------------------------------------------------------


def gzip_members(data: bytes) -> list[bytes]:
    """The file's gzip members, as bytes, in order (one member per WARC record); a file not
    gzipped, compressed as one member."""
    if not data.startswith(b"\x1f\x8b"):
        return [_gzip(data)]
    members: list[bytes] = []
    rest = data
    while rest:
        inflater = zlib.decompressobj(wbits=31)
        inflater.decompress(rest)
        if not inflater.eof:
            members.append(rest)
            break
        used = len(rest) - len(inflater.unused_data)
        members.append(rest[:used])
        rest = inflater.unused_data
    return members


def _gzip(raw: bytes) -> bytes:
    packer = zlib.compressobj(wbits=31)
    return packer.compress(raw) + packer.flush()


def gz_cut_member(rng: random.Random, data: bytes, ctx: Context) -> bytes:
    """One member cut short, and the members after it still there."""
    members = gzip_members(data)
    n = rng.randrange(len(members))
    members[n] = members[n][: rng.randrange(len(members[n]))]
    return b"".join(members)


def gz_drop_member(rng: random.Random, data: bytes, ctx: Context) -> bytes:
    members = gzip_members(data)
    del members[rng.randrange(len(members))]
    return b"".join(members)


def gz_swap_members(rng: random.Random, data: bytes, ctx: Context) -> bytes:
    members = gzip_members(data)
    rng.shuffle(members)
    return b"".join(members)


def gz_damage_member(rng: random.Random, data: bytes, ctx: Context) -> bytes:
    """One member's bytes damaged: its gzip header, its deflate stream or its CRC."""
    members = gzip_members(data)
    n = rng.randrange(len(members))
    members[n] = flip_bytes(rng, members[n][:10], ctx)[:10] + flip_bytes(rng, members[n][10:], ctx)
    return b"".join(members)


def gz_recompress_damaged(rng: random.Random, data: bytes, ctx: Context) -> bytes:
    """One record changed (a header, a length, its page) and compressed again: valid gzip."""
    members = gzip_members(data)
    n = rng.randrange(len(members))
    raw = zlib.decompress(members[n], wbits=31) if members[n] else b""
    members[n] = _gzip(rng.choice(DAMAGE)(rng, raw, ctx))
    return b"".join(members)


def gz_mixed_members(rng: random.Random, data: bytes, ctx: Context) -> bytes:
    """One member stored uncompressed among compressed ones, or an empty member added."""
    members = gzip_members(data)
    n = rng.randrange(len(members))
    if rng.random() < 0.5:
        members[n] = zlib.decompress(members[n], wbits=31)
    else:
        members.insert(n, _gzip(b""))
    return b"".join(members)


GZIP_MUTATORS: list[Mutator] = [
    gz_cut_member, gz_cut_member, gz_drop_member, gz_swap_members, gz_damage_member,
    gz_damage_member, gz_recompress_damaged, gz_recompress_damaged, gz_mixed_members,
]  # fmt: skip


# -- e-mail: damaged attachments, damaged mailboxes -------------------------------------------


def mail_damaged_attachment(rng: random.Random, data: bytes, ctx: Context) -> bytes:
    """A message whose attached document is damaged (its zip parts, or its bytes)."""
    name, document = rng.choice(ctx.documents)
    if name.endswith((".docx", ".odt")) and rng.random() < 0.6:
        damaged = rng.choice(ZIP_MUTATORS)(rng, document, ctx)
    else:
        damaged = rng.choice(DAMAGE)(rng, document, ctx)
    msg = _with_documents({name: damaged})
    if ctx.fmt == "mbox":
        return stable(_mbox([message(), msg, message(body=GOOD_TWO, subject="Rail")]))
    return stable(bytes(msg))


def mail_damage_part(rng: random.Random, data: bytes, ctx: Context) -> bytes:
    """A part of a MIME message (between boundaries) damaged, the rest left alone."""
    boundaries = [m.start() for m in re.finditer(rb"\n--", data)]
    if len(boundaries) < 2:
        return flip_bytes(rng, data, ctx)
    n = rng.randrange(len(boundaries) - 1)
    start, end = boundaries[n], boundaries[n + 1]
    return data[:start] + rng.choice(DAMAGE)(rng, data[start:end], ctx) + data[end:]


MAIL_MUTATORS: list[Mutator] = [mail_damaged_attachment, mail_damaged_attachment, mail_damage_part]


GENERIC: list[Mutator] = [
    truncate, truncate, cut_head, flip_bytes, flip_bytes, flip_bits, insert_random, delete_chunk,
    duplicate_chunk, swap_chunks, sprinkle_syntax, sprinkle_syntax, change_number, line_endings,
    reencode, wrong_format, random_bytes,
]  # fmt: skip
"""Mutators every format gets, in turn."""
ONCE: list[Mutator] = [empty, blank, huge_repeat, repeat_whole]
"""Mutators each format gets once: the costly files and the degenerate ones (and one file of
deep nesting per opener of its syntax)."""
SPECIFIC: dict[str, list[Mutator]] = {
    "xlsx": ZIP_MUTATORS, "docx": ZIP_MUTATORS, "odt": ZIP_MUTATORS, "warc": GZIP_MUTATORS,
    "eml": MAIL_MUTATORS, "mbox": MAIL_MUTATORS,
}  # fmt: skip
ONCE_MORE: dict[str, list[Mutator]] = {"html": [tag_flood]}
"""A page of nearly nothing but tags, where trafilatura's time goes: HTML only (1 MB of them
takes ~8 s to read on a 2-core machine, see `tag_flood`)."""


# -- found by this fuzzer ---------------------------------------------------------------------


def _xlsx_surgery(good: bytes) -> dict[str, bytes]:
    """A workbook damaged where `zipfile` raises other errors than `BadZipFile`."""
    with zipfile.ZipFile(io.BytesIO(good)) as archive:
        first = next(i for i in archive.infolist() if i.compress_size > 0)
    start = first.header_offset + 30 + len(first.filename.encode()) + len(first.extra)
    bad_deflate = bytearray(good)
    bad_deflate[start] ^= 0x55  # zlib.error: invalid stored block lengths
    version = bytearray(good)
    version[good.index(b"PK\x01\x02") + 6] = 94  # NotImplementedError: zip file version 9.4
    return {
        "xlsx-bad-deflate.xlsx": bytes(bad_deflate),
        "xlsx-byte-deleted.xlsx": good[:200] + good[201:],  # ValueError: negative seek value
        "xlsx-zip-version.xlsx": bytes(version),
    }


def found_files(valid: dict[str, list[tuple[str, bytes]]]) -> dict[str, tuple[str, bytes]]:
    """The smallest files showing each failure this fuzzer found (with other seeds too), kept
    in the set so that each stays in sight whatever the seed draws: name → (format, bytes)."""
    arc_record = b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n<p>Story text.</p>"
    version = b"1 0 InternetArchive\nURL IP-address Archive-date Content-type Archive-length\n"
    arc = b"filedesc://crawl.arc 0.0.0.0 20040102030405 text/plain %d\n%s\n" % (
        len(version),
        version,
    ) + b"http://gazette.example/a b 192.0.2.1 20040102030405 text/html %d\n%s\n" % (
        len(arc_record),
        arc_record,
    )
    story = b"Story\x0btext of the day, told in full by the harbour authority."
    feed = b'<rss version="2.0"><channel><title>T</title><item><title>A</title><description>%s'
    feed += b"</description></item></channel></rss>"
    found = {
        # import_corpus raises: build_article's content_hash cannot encode a lone surrogate.
        "jsonl-lone-surrogate.jsonl": ("jsonl", b'{"title": "Ferry", "text": "A \\ud800 b."}\n'),
        "json-lone-surrogate.json": ("json", b'{"title": "Ferry", "text": "A \\ud800 b."}'),
        # Readers raising other than RecordError.
        "json-deep-nesting.json": ("json", b"[" * 5000),
        "jsonl-deep-nesting.jsonl": ("jsonl", b'{"a":' * 5000 + b"\n"),
        "feed-huge-charref.rss": ("feed", feed % b"Body &#99999999999; text"),
        "feed-surrogate-charref.rss": ("feed", feed % b"Body &#xD800; text"),
        "feed-unknown-encoding.xml": (
            "feed",
            b'<?xml version="1.0" encoding="utf-1"?>' + feed % b"B",
        ),
        # registry.with_exports → html_text.strip_html: lxml refuses to set text holding U+000B.
        "html-control-character.html": ("html", b"<html><body><p>%s</p></body></html>" % story),
        # Silence: neither an article nor a problem.
        "json-empty-list.json": ("json", b"[]"),
        "json-empty-articles.json": ("json", b'{"articles": []}'),
        "jsonl-bom-only.jsonl": ("jsonl", b"\xef\xbb\xbf\n"),
        # Reasons of more than one line (the file's own bytes quoted).
        "csv-newline-in-header.csv": ("csv", b'colour,"first\nsecond"\nx,y\n'),
        "warc-carriage-returns.warc": ("warc", b"Dear editor,\rthe archive\ris attached.\n"),
        # warcio logs "Replacing spaces in invalid WARC-Target-URI" where no handler takes it.
        "arc-space-in-url.arc": ("warc", arc),
    }
    xlsx = next(data for suffix, data in valid["xlsx"])
    found.update({name: ("xlsx", data) for name, data in _xlsx_surgery(xlsx).items()})
    return {f"found-{name}": item for name, item in found.items()}


# ------------------------------------------------------------------------------------------
# The fuzz set


@dataclass
class FuzzFile:
    path: Path
    fmt: str
    mutation: str
    size: int
    digest: str


@dataclass
class FuzzSet:
    files: list[FuzzFile] = field(default_factory=list)
    skipped_names: set[str] = field(default_factory=set)


def _write(folder: Path, name: str, data: bytes, fmt: str, mutation: str) -> FuzzFile:
    path = folder / name
    assert not path.exists(), name
    path.write_bytes(data)
    return FuzzFile(path, fmt, mutation, len(data), hashlib.sha256(data).hexdigest())


def build_fuzz_set(folder: Path, seed: int = SEED) -> FuzzSet:
    """Write the valid files and their mutants into `folder`, one file each, never held all at
    once (each is hashed and dropped)."""
    rng = random.Random(seed)
    valid = valid_files()
    missing = {f.name for f in FORMATS} - set(valid)
    assert not missing, f"no valid files to fuzz for the registry's formats {sorted(missing)}"
    attachable = list(documents().items())
    fuzz = FuzzSet()
    for fmt, seeds in valid.items():
        others = [data for other, files in valid.items() if other != fmt for _, data in files]
        ctx = Context(fmt, others, attachable)
        for n, (suffix, data) in enumerate(seeds):
            fuzz.files.append(_write(folder, f"{fmt}-valid-{n}{suffix}", data, fmt, "valid"))
        plan = ONCE + [nesting(o) for o in OPENERS.get(fmt, DEFAULT_OPENERS)]
        plan += ONCE_MORE.get(fmt, [])
        turn = GENERIC + SPECIFIC.get(fmt, [])
        plan += [turn[n % len(turn)] for n in range(MUTANTS_PER_FORMAT - len(plan))]
        for n, mutator in enumerate(plan):
            suffix, data = rng.choice(seeds)
            mutant = mutator(rng, data, ctx)
            if len(mutant) > MAX_HUGE_BYTES:
                mutant = mutant[:MAX_HUGE_BYTES]
            name = f"{fmt}-{n:03d}-{mutator.__name__}{suffix}"
            fuzz.files.append(_write(folder, name, mutant, fmt, mutator.__name__))
    for name, (fmt, data) in found_files(valid).items():
        fuzz.files.append(_write(folder, name, data, fmt, "found"))
    # Files no format reads, and a data set's notes: each listed as skipped.
    unread = {
        "README.txt": GOOD_ONE.encode(),
        "crawl.warc.gz.part": b"\x1f\x8b",
        "story.doc": b"\xd0\xcf\x11\xe0",
        "photo.jpg": b"\xff\xd8\xff",
    }
    for name, data in unread.items():
        fuzz.files.append(_write(folder, name, data, "skipped", "unsupported"))
        fuzz.skipped_names.add(name)
    return fuzz


def snapshot(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


# ------------------------------------------------------------------------------------------
# The import, timed per file, on a worker thread


@dataclass
class Timed:
    result: ImportResult | None = None
    error: BaseException | None = None
    seconds: float = 0.0
    read_seconds: dict[str, float] = field(default_factory=dict)
    """CPU seconds of the importing thread per file: a busy machine does not fail the test
    (a hang is caught by `MAX_IMPORT_SECONDS` of wall time)."""
    build_seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    current: str = ""
    """The file being read (files are read in name order), or the cleaning after the reads."""
    logged: list[tuple[str, str, str]] = field(default_factory=list)
    """(file, logger, message) of library log records an application shows on its terminal."""
    crashed: set[str] = field(default_factory=set)
    """Files that raised when read one at a time (`file_by_file`), failures already."""


def shown_on_terminal(name: str) -> bool:
    """Whether a record of this logger reaches `logging.lastResort` (stderr) in a program that
    set up no logging: no handler on its way to the root (pypdf's NullHandler, say)."""
    logger: logging.Logger | None = logging.getLogger(name)
    while logger is not None and logger is not logging.root:
        if logger.handlers or not logger.propagate:
            return False
        logger = logger.parent
    return True


class TerminalRecords(logging.Handler):
    """Collects the warnings libraries log that would be printed to a user's terminal."""

    def __init__(self, timed: Timed) -> None:
        super().__init__(logging.WARNING)
        self.timed = timed

    def emit(self, record: logging.LogRecord) -> None:
        if shown_on_terminal(record.name):
            message = record.getMessage()[:200]
            self.timed.logged.append((self.timed.current, record.name, message))


def timed_import(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Timed:
    """`import_corpus(folder)` with each file's read timed (between progress calls), each
    article's cleaning timed (`build_article`, counted to its file), and the warnings libraries
    log collected."""
    timed = Timed()
    order = [str(p) for p in sorted(folder.iterdir(), key=lambda p: p.name) if is_supported(p)]
    timed.current = order[0]
    clock = [time.thread_time()]

    def progress(done: int, total: int, path: str) -> None:
        now = time.thread_time()
        timed.read_seconds[path] = now - clock[0]
        timed.current = order[done] if done < len(order) else "(cleaning the articles)"
        clock[0] = now

    def build(source: SourceText, **kwargs: Any) -> Article:
        timed.current = source.path
        started = time.thread_time()
        try:
            return build_article(source, **kwargs)
        finally:
            timed.build_seconds[source.path] += time.thread_time() - started

    def work() -> None:
        started = time.perf_counter()
        clock[0] = time.thread_time()
        try:
            timed.result = import_corpus(folder, progress=progress)
        except BaseException as exc:  # reported by the test, with the file it was reading
            timed.error = exc
        timed.seconds = time.perf_counter() - started

    monkeypatch.setattr(importer, "build_article", build)
    handler = TerminalRecords(timed)
    logging.root.addHandler(handler)
    try:
        worker = threading.Thread(target=work, name="fuzz-import", daemon=True)
        worker.start()
        worker.join(MAX_IMPORT_SECONDS)
    finally:
        logging.root.removeHandler(handler)
    if worker.is_alive():
        pytest.fail(
            f"import_corpus still running after {MAX_IMPORT_SECONDS:.0f} s: a reader hangs on "
            f"{Path(timed.current).name}"
        )
    return timed


def file_by_file(folder: Path) -> tuple[Timed, list[str]]:
    """What the import does, a file at a time, each file's exceptions caught: when the import
    raised, this names every file that makes it raise (and checks the others as usual)."""
    timed = Timed(result=ImportResult())
    result = timed.result
    assert result is not None
    crashes: list[str] = []
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if (reason := skip_reason(path)) is not None:
            result.skipped.append(Problem(str(path), reason))
            continue
        started = time.thread_time()
        try:
            sources, problems = read_sources(folder, path)
        except Exception as exc:
            crashes.append(f"{path.name}: read_sources raised {type(exc).__name__}: {exc}")
            timed.crashed.add(str(path))
            continue
        timed.read_seconds[str(path)] = time.thread_time() - started
        result.problems.extend(problems)
        for source in sources:
            started = time.thread_time()
            try:
                article = build_article(source)
            except Exception as exc:
                crashes.append(
                    f"{path.name}: build_article({source.id}) raised {type(exc).__name__}: {exc}"
                )
                timed.crashed.add(str(path))
                continue
            finally:
                timed.build_seconds[str(path)] += time.thread_time() - started
            if article.body:
                result.articles.append(article)
            else:
                result.problems.append(Problem(source.path, f"{source.id}: no story text found"))
    return timed, crashes


_LAST_RESORT = re.compile(r"could not be parsed \(|(?:^|: )attachment [^:]*: could not be read \(")
"""The import's catch-all for a reader raising something other than `RecordError`, and an
e-mail's catch-all for an attachment's reader doing so."""
_CAUGHT_INSIDE = re.compile(r"could not be read \(")
"""A reader's own catch-all (the e-mail package's errors, one feed entry's): allowed, counted."""


def check(fuzz: FuzzSet, timed: Timed) -> tuple[list[str], list[str]]:
    """The failures found, and notes worth printing."""
    result = timed.result
    assert result is not None
    failures: list[str] = []
    notes: list[str] = []
    by_path = {str(f.path): f for f in fuzz.files}
    articles: Counter[str] = Counter(a.path for a in result.articles)
    problems: dict[str, list[str]] = defaultdict(list)
    for problem in result.problems:
        problems[problem.path].append(problem.reason)
        if problem.path not in by_path:
            failures.append(f"a problem names no file of the set: {problem}")
    skipped = {Path(s.path).name for s in result.skipped}
    if skipped != fuzz.skipped_names:
        failures.append(f"skipped {sorted(skipped)}, expected {sorted(fuzz.skipped_names)}")
    for article in result.articles:
        if article.path not in by_path:
            failures.append(f"an article names no file of the set: {article.id} ({article.path})")
    for f in fuzz.files:
        key = str(f.path)
        name = f.path.name
        if f.fmt == "skipped":
            continue
        if not articles[key] and not problems[key] and key not in timed.crashed:
            failures.append(f"silence: {name} ({f.size:,} bytes) gave no article and no problem")
        if f.mutation == "valid" and not articles[key]:
            failures.append(f"valid file {name} gave no article: {problems[key]}")
        for reason in problems[key]:
            if not reason.strip() or len(reason.splitlines()) != 1 or "Traceback" in reason:
                failures.append(f"{name}: reason is not one non-empty line: {reason!r:.300}")
            if _LAST_RESORT.search(reason):
                failures.append(f"{name}: a reader raised: {reason:.300}")
            elif _CAUGHT_INSIDE.search(reason):
                notes.append(f"{name}: caught inside its reader: {reason:.200}")
        seconds = timed.read_seconds.get(key, 0.0) + timed.build_seconds.get(key, 0.0)
        if seconds > MAX_FILE_SECONDS:
            failures.append(
                f"{name} ({f.size:,} bytes) took {seconds:.1f} CPU s (read "
                f"{timed.read_seconds.get(key, 0.0):.1f} s, cleaning its "
                f"{articles[key]} articles {timed.build_seconds.get(key, 0.0):.1f} s)"
            )
    return failures, notes


def summary(fuzz: FuzzSet, timed: Timed, built_seconds: float, rss_growth: int) -> str:
    result = timed.result
    assert result is not None
    per_format = Counter(f.fmt for f in fuzz.files)
    articles = Counter(a.path for a in result.articles)
    with_articles = Counter(f.fmt for f in fuzz.files if articles[str(f.path)])
    total_bytes = sum(f.size for f in fuzz.files)
    slowest = sorted(
        fuzz.files,
        key=lambda f: (
            -(timed.read_seconds.get(str(f.path), 0.0) + timed.build_seconds.get(str(f.path), 0.0))
        ),
    )[:5]
    lines = [
        f"fuzz set: {len(fuzz.files):,} files, {total_bytes / 1024**2:.1f} MB, built in "
        f"{built_seconds:.1f} s; import {timed.seconds:.1f} s: {len(result.articles):,} articles, "
        f"{len(result.problems):,} problems, {len(result.skipped)} skipped; peak memory "
        f"+{rss_growth / 1024**2:.0f} MB",
        "files per format (of which gave an article): "
        + ", ".join(f"{fmt} {n} ({with_articles[fmt]})" for fmt, n in per_format.items()),
        "slowest (CPU s, read + cleaning): "
        + ", ".join(
            f"{f.path.name} {timed.read_seconds.get(str(f.path), 0.0):.2f}"
            f"+{timed.build_seconds.get(str(f.path), 0.0):.2f} s"
            for f in slowest
        ),
    ]
    return "\n".join(lines)


def _peak_rss() -> int:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def test_fuzzed_files_of_every_format_give_articles_or_named_problems(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "fuzz"
    folder.mkdir()
    started = time.perf_counter()
    fuzz = build_fuzz_set(folder)
    built_seconds = time.perf_counter() - started
    assert len(fuzz.files) >= 1000
    assert {f.fmt for f in fuzz.files} >= {fmt.name for fmt in FORMATS}
    assert all(format_of(f.path) is not None for f in fuzz.files if f.fmt != "skipped")
    before = snapshot(folder)
    assert before == {f.path.name: f.digest for f in fuzz.files}

    rss_before = _peak_rss()
    timed = timed_import(folder, monkeypatch)
    rss_growth = _peak_rss() - rss_before
    printed = capfd.readouterr()
    failures: list[str] = []
    if timed.error is not None:
        failures.append(
            f"import_corpus raised {type(timed.error).__name__}: {timed.error} (at "
            f"{Path(timed.current).name}); the files read one at a time:"
        )
        first = timed
        timed, crashes = file_by_file(folder)
        timed.seconds, timed.logged = first.seconds, first.logged
        failures += crashes
    report = summary(fuzz, timed, built_seconds, rss_growth)
    found, notes = check(fuzz, timed)
    failures += found
    for stream, text in (("stdout", printed.out), ("stderr", printed.err)):
        if text:
            failures.append(f"the import printed to {stream}: {text[:300]!r}")
    for current, logger, record in timed.logged:
        failures.append(
            f"{Path(current).name}: logger {logger} would print on the terminal: {record}"
        )
    if snapshot(folder) != before:
        failures.append("the folder changed: the import wrote to it")
    if rss_growth > MAX_RSS_GROWTH:
        failures.append(f"peak memory grew by {rss_growth / 1024**2:.0f} MB")
    with capfd.disabled():
        print("\n" + report)
        for note in notes[:10]:
            print("note:", note)
    shown = "\n".join(failures[:40])
    more = f"\n… and {len(failures) - 40} more" if len(failures) > 40 else ""
    assert not failures, f"{len(failures)} failures\n{shown}{more}\n\n{report}"
