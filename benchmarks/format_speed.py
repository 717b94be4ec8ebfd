"""Import speed per file format: articles/s and MB/s through what an import does, against .txt.

Builds, in a temporary folder, the same news articles in every format the import reads
(`reader/corpus/registry.py`): one article a file, 200 files per format (plain text, Markdown,
HTML, JSON, PDF, DOCX, ODT, RTF, EML); and for the formats that hold many articles, a few files
of about 1,000 records in all (CSV, TSV and XLSX rows, JSON Lines, a gzipped WARC of HTML pages
with their requests, an MBOX of messages, RSS feeds with full content). The HTML pages (`.html`
files, WARC responses, RSS `content:encoded`, half of the e-mails) carry a news site's furniture
(menus, cookie banner, share buttons, a newsletter box, related links, a footer, scripts) so that
trafilatura does the work it does on real pages. Every file is valid: a problem is a finding.

The article bodies are BBC News texts from the shared data folder, read at run time and never
copied into the repository (the temporary folder is removed); without that folder, generated
news-like text stands in and the output says so. Titles, dates, bylines and URLs are generated.

Each format's folder is imported with `import_corpus` (`read_sources` and `build_article` for
every file, with the furniture learning between them: what an import does), `--repeat` times,
and the medians are reported: wall and CPU seconds; articles/s and MB/s per CPU second (the
import runs on one thread, and on a shared machine wall time counts other programs' work too);
CPU time per article against plain `.txt` of the same texts (the baseline, measured in the same
run); and the share of it spent reading the files (the rest is cleaning). Before timing, a file
of one article of each format is imported, so one-off costs (lazy imports of trafilatura, pypdf,
openpyxl, feedparser, warcio; dateparser's locale tables, counted to the first format) are paid
outside the measurements and reported on their own. Last, a cProfile of the slowest format's
import (fewest articles per CPU second) says where its time goes.

Wall times on a shared 2-core machine vary by 10-20 % from run to run (more when other programs
are busy), CPU times less; `--repeat 3` steadies both.

Run: .venv/bin/python benchmarks/format_speed.py [--data DIR] [--quick] [--json] [--no-profile]
     [--repeat N]
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import io
import json
import mailbox
import os
import platform
import pstats
import random
import statistics
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reader.corpus.importer import ImportResult

REPO = Path(__file__).resolve().parents[1]
DATA_ENV = "CORPUS_READER_DATA"
BBC_DIR = "bbc"

SEED = 2005
SINGLE_FILES = 200
"""Files per one-article format."""
RECORDS = 1000
"""Records per many-article format, over a few files."""
QUICK_SINGLE_FILES = 40
QUICK_RECORDS = 200
PROFILE_TOP = 15


def _options(text: str, sep: str = "|") -> tuple[str, ...]:
    return tuple(text.split(sep))


SITE = "The Example Gazette"
HOST = "news.example"
SECTIONS = ("business", "politics", "world", "sport", "technology", "culture")

_FIRST = _options(
    "Alice Ben Chidi Dana Emil Farah Gwen Hiro Ines Jonas Kemi Liam Maya Niall Olga Pavel "
    "Rosa Sami Tara Umar",
    " ",
)
_LAST = _options(
    "Adler Baptiste Chen Duarte Evans Fischer Garcia Haddad Ivanova Jensen Kowalski "
    "Lindqvist Mensah Novak Okafor Petrov Quinn Rossi",
    " ",
)

PROFILE_STAGES: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("read files (importer.read_sources)", (("reader/corpus/importer.py", "read_sources"),)),
    ("  decode (decoding.decode_bytes)", (("reader/corpus/decoding.py", "decode_bytes"),)),
    ("  trafilatura.bare_extraction", (("trafilatura/core.py", "bare_extraction"),)),
    ("    of which htmldate.find_date", (("htmldate/core.py", "find_date"),)),
    ("  feedparser.parse", (("feedparser/api.py", "parse"),)),
    ("  warcio ArchiveIterator", (("warcio/archiveiterator.py", "_iterate_records"),)),
    ("  email BytesParser.parsebytes", (("email/parser.py", "parsebytes"),)),
    ("  pypdf PageObject.extract_text", (("pypdf/_page.py", "extract_text"),)),
    ("  openpyxl load_workbook", (("openpyxl/reader/excel.py", "load_workbook"),)),
    (
        "  openpyxl rows (ReadOnlyWorksheet)",
        (("openpyxl/worksheet/_read_only.py", "_cells_by_row"),),
    ),
    ("  markdown.markdown", (("markdown/core.py", "markdown"),)),
    (
        "learn furniture (importer.learn_boilerplate)",
        (("reader/corpus/importer.py", "learn_boilerplate"),),
    ),
    ("clean (articles.build_article)", (("reader/corpus/articles.py", "build_article"),)),
    ("  cleaning.clean_text", (("reader/corpus/cleaning.py", "clean_text"),)),
    ("  metadata.extract_metadata", (("reader/corpus/metadata.py", "extract_metadata"),)),
    ("    of which dateparser.parse", (("dateparser/__init__.py", "parse"),)),
)
"""Where an import's time can go, as cumulative times of the functions that do each part
(matched by path fragment and name, so a function moving between modules is still found)."""


def log(message: str) -> None:
    """Progress goes to stderr, so `--json` output stays one parseable document."""
    print(message, file=sys.stderr, flush=True)


def _ensure_importable() -> None:
    """Scripts run as files get `benchmarks/` on sys.path, not the repo; add it."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))


def find_data(cli_dir: str | None) -> Path:
    """`--data`, else $CORPUS_READER_DATA, else `<repo>/../shared/data`."""
    if cli_dir:
        return Path(cli_dir).expanduser()
    env = os.environ.get(DATA_ENV)
    if env:
        return Path(env).expanduser()
    return REPO.parent / "shared" / "data"


# -- articles --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Story:
    """One article, as every format writes it."""

    n: int
    title: str
    paragraphs: tuple[str, ...]
    byline: str
    date: str
    """ISO day."""
    section: str

    @property
    def url(self) -> str:
        slug = "-".join("".join(c for c in w.lower() if c.isalnum()) for w in self.title.split())
        return f"https://{HOST}/{self.section}/{slug[:60].strip('-')}-{self.n}"

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def moment(self) -> Any:
        import datetime as dt

        day = dt.date.fromisoformat(self.date)
        return dt.datetime(
            day.year, day.month, day.day, 9 + self.n % 9, 7 * self.n % 60, tzinfo=dt.UTC
        )


def bbc_texts(folder: Path) -> list[tuple[str, list[str]]]:
    """(title, paragraphs) of every BBC text: its first line is the title, then paragraphs."""
    texts = []
    for path in sorted(folder.glob("*/*.txt")):
        lines = path.read_text("utf-8", errors="replace").split("\n")
        title = lines[0].strip()
        paragraphs = [p.strip() for p in "\n".join(lines[1:]).split("\n\n") if p.strip()]
        if title and paragraphs:
            texts.append((title, paragraphs))
    return texts


_SUBJECTS = _options(
    "The council|The finance minister|Union leaders|The regional hospital|Shareholders|"
    "The transport authority|Police|The national team|Researchers at the university|"
    "The central bank|Local residents|The mayor"
)
_VERBS = _options(
    "approved|rejected|announced|delayed|criticised|welcomed|reviewed|expanded|cut|"
    "defended|questioned|unveiled"
)
_OBJECTS = _options(
    "a plan to rebuild the harbour|the budget for next year|new rules on rents|"
    "a bid to host the games|the merger of two rail operators|plans for a new bridge|"
    "a pay offer for nurses|the closure of three branches|a report on air quality|"
    "a scheme to train engineers|the sale of the stadium|changes to school meals"
)
_TAILS = _options(
    "on Tuesday|after a long debate|despite strong opposition|earlier this week|"
    "in a statement|at a meeting in the town hall|for the second time this year"
)


def generated_texts(count: int, rng: random.Random) -> list[tuple[str, list[str]]]:
    """News-like texts from a small grammar, when no BBC texts are at hand."""

    def sentence() -> str:
        return (
            f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)} "
            f"{rng.choice(_TAILS)}, according to {rng.choice(_FIRST)} {rng.choice(_LAST)}."
        )

    texts = []
    for _ in range(count):
        title = f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)}"
        paragraphs = [
            " ".join(sentence() for _ in range(rng.randint(2, 4)))
            for _ in range(rng.randint(5, 12))
        ]
        texts.append((title, paragraphs))
    return texts


def make_stories(texts: list[tuple[str, list[str]]], count: int, rng: random.Random) -> list[Story]:
    order = list(range(len(texts)))
    rng.shuffle(order)
    stories = []
    for n in range(count):
        title, paragraphs = texts[order[n % len(order)]]
        day = f"2005-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        byline = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
        stories.append(Story(n, title, tuple(paragraphs), byline, day, rng.choice(SECTIONS)))
    return stories


# -- writers: one article a file ---------------------------------------------------------------
def as_text(s: Story) -> bytes:
    return f"{s.title}\n\n{s.body}\n".encode()


def as_markdown(s: Story) -> bytes:
    front = f"---\ntitle: {s.title}\ndate: {s.date}\nauthor: {s.byline}\nurl: {s.url}\n---\n"
    paragraphs = list(s.paragraphs)
    if len(paragraphs) > 3:  # a quote, as news in Markdown has them
        paragraphs[2] = "> " + paragraphs[2]
    return (front + f"\n# {s.title}\n\n" + "\n\n".join(paragraphs) + "\n").encode()


def _share() -> str:
    return (
        '<div class="share"><span>Share this article</span><a href="#">Facebook</a>'
        '<a href="#">Twitter</a><a href="#">WhatsApp</a><a href="#">Email</a></div>'
    )


def news_page(s: Story, related: Sequence[Story] = ()) -> str:
    """A news site's article page: the story among the site's furniture."""
    menu = "".join(f'<li><a href="/{x}">{x.title()}</a></li>' for x in SECTIONS)
    paragraphs = [f"<p>{escape(p)}</p>" for p in s.paragraphs]
    newsletter = (
        '<div class="newsletter"><h3>Sign up for our morning briefing</h3><p>The day\'s '
        'top stories in your inbox.</p><form><input type="email" placeholder="Your '
        'email"><button>Sign up</button></form></div>'
    )
    paragraphs.insert(min(3, len(paragraphs)), newsletter)
    links = "".join(f'<li><a href="{r.url}">{escape(r.title)}</a></li>' for r in related[:5])
    most_read = "".join(f"<li><a href='{r.url}'>{escape(r.title)}</a></li>" for r in related[5:10])
    meta = (
        f'<meta charset="utf-8"><title>{escape(s.title)} | {SITE}</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta property="og:title" content="{escape(s.title)}">'
        f'<meta property="og:site_name" content="{SITE}">'
        f'<meta name="author" content="{s.byline}">'
        f'<meta property="article:published_time" content="{s.date}T09:30:00Z">'
        f'<link rel="canonical" href="{s.url}"><link rel="stylesheet" href="/static/site.css">'
        "<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}"
        "gtag('js',new Date());</script><style>.share a{margin:0 4px}.newsletter{border:1px solid}"
        "</style>"
    )
    body = (
        '<div class="cookie-banner"><p>We use cookies to improve your experience. By continuing '
        'to browse you agree to our use of cookies.</p><button>Accept</button><a href="/privacy">'
        "Privacy policy</a></div>"
        f'<header><a class="logo" href="/">{SITE}</a><nav><ul>{menu}</ul></nav>'
        '<form class="search"><input name="q"><button>Search</button></form></header>'
        f'<main><article><div class="breadcrumbs"><a href="/">Home</a> › '
        f'<a href="/{s.section}">{s.section.title()}</a></div><h1>{escape(s.title)}</h1>'
        f'<p class="byline">By <a href="/authors/{s.byline.lower().replace(" ", "-")}">'
        f'{s.byline}</a></p><time datetime="{s.date}">{s.date}</time>{_share()}'
        '<figure><img src="/img/lead.jpg" alt=""><figcaption>The scene on Tuesday. Photograph: '
        f"Agency</figcaption></figure>{''.join(paragraphs)}{_share()}"
        f'<aside class="related"><h2>Related stories</h2><ul>{links}</ul></aside></article>'
        f'<aside class="sidebar"><h2>Most read</h2><ol>{most_read}</ol><div class="ad">'
        "Advertisement</div></aside></main>"
        '<footer><ul><li><a href="/about">About us</a></li><li><a href="/contact">Contact</a>'
        '</li><li><a href="/terms">Terms</a></li><li><a href="/privacy">Privacy</a></li></ul>'
        f"<p>© 2005 {SITE}. All rights reserved.</p></footer>"
        '<script src="/static/analytics.js"></script>'
    )
    return f'<!doctype html><html lang="en"><head>{meta}</head><body>{body}</body></html>'


def record_of(s: Story) -> dict[str, str]:
    """The article as a news API or a scraper's JSON gives it."""
    return {"title": s.title, "date": s.date, "author": s.byline, "url": s.url,
            "source": SITE, "text": s.body}  # fmt: skip


def as_json(s: Story) -> bytes:
    return json.dumps(record_of(s), ensure_ascii=False, indent=2).encode()


def _pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252", "replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _wrap(text: str, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return [*lines, line] if line else lines


def as_pdf(s: Story) -> bytes:
    """A PDF as a word processor exports one: Helvetica, wrapped lines, pages of 52 lines."""
    rows: list[tuple[float, str]] = [(16, line) for line in _wrap(s.title, 60)]
    rows.append((10, f"By {s.byline}, {s.date}"))
    for paragraph in s.paragraphs:
        rows.append((10, ""))
        rows.extend((10, line) for line in _wrap(paragraph, 95))
    pages = [rows[i : i + 52] for i in range(0, len(rows), 52)]
    objects: list[bytes] = [
        b"",
        b"",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    kids = []
    for page_rows in pages:
        ops = [b"BT"]
        y = 760.0
        for size, line in page_rows:
            y -= size * 1.3
            if line:
                ops.append(b"/F1 %g Tf 1 0 0 1 56 %.1f Tm %s Tj" % (size, y, _pdf_string(line)))
        ops.append(b"ET")
        stream = b"\n".join(ops)
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font "
            b"<< /F1 3 0 R >> >> /Contents %d 0 R >>" % len(objects)
        )
        kids.append(len(objects))
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids),
        len(kids),
    )
    info = b"<< /Title %s /Author %s /CreationDate (D:%s093000Z) /Producer (Writer) >>" % (
        _pdf_string(s.title),
        _pdf_string(s.byline),
        s.date.replace("-", "").encode(),
    )
    objects.append(info)
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, obj)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        len(objects),
        xref,
    )
    return bytes(out)


def _zip(parts: dict[str, str], stored: Sequence[str] = ()) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            info = zipfile.ZipInfo(name, (2005, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return out.getvalue()


_X = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
_DOCX_TYPES = (
    f'{_X}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships'
    '+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/'
    'document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.'
    'document.main+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.'
    'openxmlformats-package.core-properties+xml"/></Types>'
)
_DOCX_RELS = (
    f'{_X}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="'
    'http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" '
    'Target="docProps/core.xml"/></Relationships>'
)


def as_docx(s: Story) -> bytes:
    """A DOCX as Word writes one: a Title paragraph, a byline, body paragraphs in runs."""

    def paragraph(text: str, style: str = "") -> str:
        props = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
        return f'<w:p>{props}<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'

    body = paragraph(s.title, "Title") + paragraph(f"By {s.byline}", "Subtitle")
    body += "".join(paragraph(p) for p in s.paragraphs)
    document = (
        f'{_X}<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f'<w:body>{body}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body>'
        "</w:document>"
    )
    core = (
        f'{_X}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
        'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms='
        '"http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(s.title)}</dc:title><dc:creator>{s.byline}</dc:creator>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{s.date}T09:30:00Z</dcterms:created>'
        "</cp:coreProperties>"
    )
    return _zip(
        {
            "[Content_Types].xml": _DOCX_TYPES,
            "_rels/.rels": _DOCX_RELS,
            "word/document.xml": document,
            "docProps/core.xml": core,
        }
    )


_ODT_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"'
)


def as_odt(s: Story) -> bytes:
    body = f'<text:h text:outline-level="1">{escape(s.title)}</text:h>'
    body += "".join(f"<text:p>{escape(p)}</text:p>" for p in s.paragraphs)
    content = (
        f'{_X}<office:document-content {_ODT_NS} office:version="1.3"><office:body>'
        f"<office:text>{body}</office:text></office:body></office:document-content>"
    )
    meta = (
        f'{_X}<office:document-meta {_ODT_NS} office:version="1.3"><office:meta>'
        f"<dc:title>{escape(s.title)}</dc:title><meta:initial-creator>{s.byline}"
        f"</meta:initial-creator><meta:creation-date>{s.date}T09:30:00</meta:creation-date>"
        "</office:meta></office:document-meta>"
    )
    manifest = (
        f'{_X}<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:'
        '1.0" manifest:version="1.3"><manifest:file-entry manifest:full-path="/" manifest:media-'
        'type="application/vnd.oasis.opendocument.text"/><manifest:file-entry manifest:full-path='
        '"content.xml" manifest:media-type="text/xml"/><manifest:file-entry manifest:full-path='
        '"meta.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    return _zip(
        {
            "mimetype": "application/vnd.oasis.opendocument.text",
            "content.xml": content,
            "meta.xml": meta,
            "META-INF/manifest.xml": manifest,
        },
        stored=["mimetype"],
    )


def _rtf_escape(text: str) -> str:
    out = []
    for char in text:
        code = ord(char)
        if char in "\\{}":
            out.append("\\" + char)
        elif code < 128:
            out.append(char)
        elif code < 0x10000:
            out.append(f"\\u{code if code < 32768 else code - 65536}?")
        else:  # a surrogate pair, as Word writes characters past the BMP
            high, low = 0xD800 + ((code - 0x10000) >> 10), 0xDC00 + ((code - 0x10000) & 0x3FF)
            out.append(f"\\u{high - 65536}?\\u{low - 65536}?")
    return "".join(out)


def as_rtf(s: Story) -> bytes:
    year, month, day = (int(x) for x in s.date.split("-"))
    head = (
        "{\\rtf1\\ansi\\ansicpg1252\\deff0\\uc1{\\fonttbl{\\f0\\froman\\fcharset0 Times New Roman;}"
        "{\\f1\\fswiss\\fcharset0 Arial;}}{\\colortbl;\\red0\\green0\\blue0;}"
        f"{{\\info{{\\title {_rtf_escape(s.title)}}}{{\\author {s.byline}}}"
        f"{{\\creatim\\yr{year}\\mo{month}\\dy{day}\\hr9\\min30}}}}"
        "\\paperw11906\\paperh16838\\margl1440\\margr1440\n"
    )
    title = f"\\pard\\plain\\f1\\fs32\\b {_rtf_escape(s.title)}\\b0\\par\n"
    body = "".join(f"\\pard\\plain\\f0\\fs24 {_rtf_escape(p)}\\par\n" for p in s.paragraphs)
    return (head + title + body + "}").encode("ascii")


def message_of(s: Story, html_only: bool) -> EmailMessage:
    """A newsletter e-mail: plain text and HTML alternatives, or HTML alone."""
    msg = EmailMessage()
    msg["From"] = f"{SITE} <newsletter@{HOST}>"
    msg["To"] = "reader@example.org"
    msg["Subject"] = s.title
    msg["Date"] = format_datetime(s.moment)
    msg["Message-ID"] = f"<{s.n}.{s.date}@{HOST}>"
    html = news_page(s)
    if html_only:
        msg.set_content(html, subtype="html")
    else:
        msg.set_content(f"{s.title}\n\nBy {s.byline}\n\n{s.body}\n\n-- \nUnsubscribe: {s.url}\n")
        msg.add_alternative(html, subtype="html")
    return msg


def as_eml(s: Story) -> bytes:
    return bytes(message_of(s, html_only=s.n % 2 == 1))


# -- writers: many articles a file -----------------------------------------------------------
COLUMNS = ("title", "date", "author", "url", "source", "text")


def _row(s: Story) -> list[str]:
    return [s.title, s.date, s.byline, s.url, SITE, s.body]


def write_table(path: Path, stories: Sequence[Story], delimiter: str) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(COLUMNS)
        writer.writerows(_row(s) for s in stories)


def write_xlsx(path: Path, stories: Sequence[Story]) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Articles")
    sheet.append(list(COLUMNS))
    for s in stories:
        sheet.append(_row(s))
    book.save(path)


def write_jsonl(path: Path, stories: Sequence[Story]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for s in stories:
            handle.write(json.dumps(record_of(s), ensure_ascii=False) + "\n")


def write_warc(path: Path, stories: Sequence[Story], related: Sequence[Story]) -> None:
    """A crawl of the site: for each page its request, then the response with the page."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "format_speed"}))
        for s in stories:
            captured = {"WARC-Date": f"{s.date}T12:00:00Z"}
            request = StatusAndHeaders(
                f"GET /{s.section}/{s.n} HTTP/1.1", [("Host", HOST)], is_http_request=True
            )
            writer.write_record(
                writer.create_warc_record(
                    s.url,
                    "request",
                    payload=io.BytesIO(b""),
                    length=0,
                    http_headers=request,
                    warc_headers_dict=captured,
                )
            )
            page = news_page(s, related[s.n % 50 : s.n % 50 + 10]).encode()
            headers = StatusAndHeaders(
                "200 OK",
                [("Content-Type", "text/html; charset=utf-8"), ("Server", "nginx")],
                protocol="HTTP/1.1",
            )
            writer.write_record(
                writer.create_warc_record(
                    s.url,
                    "response",
                    payload=io.BytesIO(page),
                    length=len(page),
                    http_headers=headers,
                    warc_headers_dict=captured,
                )
            )


def write_mbox(path: Path, stories: Sequence[Story]) -> None:
    box = mailbox.mbox(path)
    try:
        for s in stories:
            box.add(message_of(s, html_only=s.n % 2 == 1))
        box.flush()
    finally:
        box.close()


def write_rss(path: Path, stories: Sequence[Story]) -> None:
    items = []
    for s in stories:
        content = (
            "".join(f"<p>{escape(p)}</p>" for p in s.paragraphs)
            + _share()
            + (
                f'<p>The post <a href="{s.url}">{escape(s.title)}</a> appeared first on '
                f'<a href="https://{HOST}/">{SITE}</a>.</p>'
            )
        )
        items.append(
            f"<item><title>{escape(s.title)}</title><link>{s.url}</link>"
            f'<guid isPermaLink="false">{HOST}-{s.n}</guid>'
            f"<pubDate>{format_datetime(s.moment)}</pubDate><dc:creator>{s.byline}</dc:creator>"
            f"<category>{s.section}</category><description>{escape(s.paragraphs[0])}</description>"
            f"<content:encoded><![CDATA[{content}]]></content:encoded></item>"
        )
    feed = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:content="http://purl.org'
        '/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        f"<title>{SITE}</title><link>https://{HOST}/</link><description>News</description>"
        f"{''.join(items)}</channel></rss>"
    )
    path.write_text(feed, encoding="utf-8")


# -- the corpus ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Layout:
    name: str
    """The registry format's name."""
    suffix: str
    single: Callable[[Story], bytes] | None = None
    """One article a file; else `many` writes the records into `files` files."""
    many: Callable[[Path, Sequence[Story]], None] | None = None
    files: int = 2


def layouts(related: Sequence[Story]) -> list[Layout]:
    return [
        Layout("text", ".txt", single=as_text),
        Layout("markdown", ".md", single=as_markdown),
        Layout("html", ".html", single=lambda s: news_page(s, related[s.n % 50 :][:10]).encode()),
        Layout("json", ".json", single=as_json),
        Layout("pdf", ".pdf", single=as_pdf),
        Layout("docx", ".docx", single=as_docx),
        Layout("odt", ".odt", single=as_odt),
        Layout("rtf", ".rtf", single=as_rtf),
        Layout("eml", ".eml", single=as_eml),
        Layout("jsonl", ".jsonl", many=write_jsonl),
        Layout("csv", ".csv", many=lambda p, s: write_table(p, s, ",")),
        Layout("tsv", ".tsv", many=lambda p, s: write_table(p, s, "\t")),
        Layout("xlsx", ".xlsx", many=write_xlsx),
        Layout("warc", ".warc.gz", many=lambda p, s: write_warc(p, s, related)),
        Layout("mbox", ".mbox", many=write_mbox),
        Layout("feed", ".rss", many=write_rss, files=10),
    ]


@dataclass
class Folder:
    layout: Layout
    root: Path
    files: int
    articles: int
    """Articles written."""
    megabytes: float
    probe: Path
    """A folder of one file holding one article of the format, beside `root`."""


def write_folder(layout: Layout, root: Path, stories: Sequence[Story]) -> Folder:
    root.mkdir(parents=True)
    probe = root.with_name(f"{root.name}-one")
    probe.mkdir()
    if layout.single is not None:
        for s in stories:
            (root / f"{layout.name}-{s.n:04d}{layout.suffix}").write_bytes(layout.single(s))
        (probe / f"one{layout.suffix}").write_bytes(layout.single(stories[-1]))
        files = len(stories)
    else:
        assert layout.many is not None
        size = -(-len(stories) // layout.files)
        for n in range(layout.files):
            part = stories[n * size : (n + 1) * size]
            layout.many(root / f"{layout.name}-{n:02d}{layout.suffix}", part)
        layout.many(probe / f"one{layout.suffix}", stories[-1:])
        files = layout.files
    megabytes = sum(p.stat().st_size for p in root.iterdir()) / 1024**2
    return Folder(layout, root, files, len(stories), megabytes, probe)


def check_registry(folders: Sequence[Folder]) -> list[str]:
    """Formats of the registry this benchmark does not write (say so rather than hide it)."""
    from reader.corpus.registry import FORMATS

    written = {f.layout.name for f in folders}
    return sorted(f.name for f in FORMATS if f.name not in written)


# -- measuring -------------------------------------------------------------------------------
@dataclass
class Run:
    seconds: float
    """Wall time."""
    cpu: float
    """CPU time of this process: what the import itself used, whatever else the machine ran."""
    read_cpu: float
    """CPU time until the last file was read (the rest is the furniture learning and cleaning)."""
    articles: int
    problems: list[str]


def timed_import(root: Path) -> Run:
    from reader.corpus.importer import import_corpus

    marks: list[float] = []
    started, cpu_started = time.perf_counter(), time.process_time()
    result: ImportResult = import_corpus(
        root, progress=lambda *_: marks.append(time.process_time())
    )
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    read = (marks[-1] - cpu_started) if marks else 0.0
    problems = [f"{Path(p.path).name}: {p.reason}" for p in result.problems]
    return Run(seconds, cpu, read, len(result.articles), problems)


@dataclass
class Measure:
    name: str
    files: int
    written: int
    articles: int
    megabytes: float
    first_file_s: float
    """Importing a one-article file of the format first in this process: its one-off costs."""
    runs: list[float]
    """CPU seconds of each import."""
    seconds: float
    """Median wall time."""
    cpu_seconds: float
    """Median CPU time: the rates are per CPU second."""
    read_share: float
    articles_per_s: float
    mb_per_s: float
    vs_text: float = 0.0
    """CPU time per article against plain text's."""
    problems: list[str] = field(default_factory=list)


def measure(folder: Folder, first_file_s: float, repeat: int) -> Measure:
    runs = [timed_import(folder.root) for _ in range(repeat)]
    cpu = statistics.median(r.cpu for r in runs)
    read_share = statistics.median(r.read_cpu / r.cpu for r in runs if r.cpu)
    articles = runs[0].articles
    return Measure(
        name=folder.layout.name,
        files=folder.files,
        written=folder.articles,
        articles=articles,
        megabytes=folder.megabytes,
        first_file_s=first_file_s,
        runs=[r.cpu for r in runs],
        seconds=statistics.median(r.seconds for r in runs),
        cpu_seconds=cpu,
        read_share=read_share,
        articles_per_s=articles / cpu if cpu else 0.0,
        mb_per_s=folder.megabytes / cpu if cpu else 0.0,
        problems=runs[0].problems,
    )


def first_file_costs(folders: Sequence[Folder]) -> dict[str, float]:
    """Import a file of one article of each format, in turn, timed: what the first article of
    a format costs in a fresh process (lazy imports; dateparser's tables go to the first)."""
    return {folder.layout.name: timed_import(folder.probe).seconds for folder in folders}


# -- profile ---------------------------------------------------------------------------------
def _label(key: tuple[str, int, str]) -> str:
    """`package/module.py:line(function)`, short enough to read in a terminal."""
    filename, line, func = key
    if filename == "~":
        return func
    marker = "site-packages/"
    if marker in filename:
        filename = filename.split(marker, 1)[1]
    elif filename.startswith(str(REPO)):
        filename = filename[len(str(REPO)) + 1 :]
    else:
        filename = Path(filename).name
    return f"{filename}:{line}({func})"


def profile_import(root: Path) -> dict[str, Any]:
    """cProfile of one import of the folder."""
    from reader.corpus.importer import import_corpus

    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    result = import_corpus(root)
    profiler.disable()
    wall = time.perf_counter() - started
    stats = pstats.Stats(profiler)
    rows = [
        (key, nc, tt, ct)
        for key, (_cc, nc, tt, ct, _callers) in stats.stats.items()  # type: ignore[attr-defined]
    ]

    def table(index: int) -> list[dict[str, Any]]:
        top = sorted(rows, key=lambda r: -r[index])[:PROFILE_TOP]
        return [
            {"function": _label(k), "calls": nc, "tottime": tt, "cumtime": ct}
            for k, nc, tt, ct in top
        ]

    stages = []
    for label, targets in PROFILE_STAGES:
        cum = max(
            (
                ct
                for (filename, _line, func), _nc, _tt, ct in rows
                if any(f in filename.replace(os.sep, "/") and func == n for f, n in targets)
            ),
            default=0.0,
        )  # max: a recursive function's cumulative time is counted once, at its outermost call
        stages.append({"stage": label, "cumtime": cum})
    return {
        "articles": len(result.articles),
        "seconds_profiled": wall,
        "by_cumtime": table(3),
        "by_tottime": table(2),
        "stages": stages,
    }


# -- output ----------------------------------------------------------------------------------
def print_report(summary: dict[str, Any]) -> None:
    env = summary["environment"]
    print(
        f"Format speed — {env['python']}, {env['cpus']} CPUs; texts: {summary['texts']}"
        f"{' (quick run)' if summary['quick'] else ''}; medians of {summary['repeat']} "
        f"import{'s' if summary['repeat'] > 1 else ''} per format"
    )
    for note in summary["notes"]:
        print(f"note: {note}")
    header = (
        f"  {'format':<9} {'files':>5} {'articles':>8} {'MB':>6} {'wall s':>7} {'CPU s':>6} "
        f"{'art/s':>7} {'MB/s':>6} {'× txt':>6} {'read':>5} {'1st file':>8}  problems"
    )
    print("\n" + header)
    print("  " + "-" * (len(header) - 2))
    for m in summary["formats"]:
        print(
            f"  {m['name']:<9} {m['files']:5d} {m['articles']:8d} {m['megabytes']:6.1f} "
            f"{m['seconds']:7.2f} {m['cpu_seconds']:6.2f} {m['articles_per_s']:7.0f} "
            f"{m['mb_per_s']:6.2f} "
            f"{m['vs_text']:6.1f} {100 * m['read_share']:4.0f}% {m['first_file_s']:7.2f}s  "
            f"{len(m['problems'])}"
        )
    print(
        "  (art/s, MB/s: per CPU second of the import, which runs on one thread, so that other "
        "programs on the machine do not count; × txt: CPU time per article against plain text of "
        "the same stories; read: share of it spent reading files, the rest cleaning; 1st file: a "
        "file of one article, the first of its format in this process, one-off costs included)"
    )
    for m in summary["formats"]:
        if m["articles"] != m["written"]:
            print(f"  {m['name']}: {m['written']} articles written, {m['articles']} imported")
        for problem in m["problems"][:3]:
            print(f"  {m['name']} problem: {problem}")
    profile = summary.get("profile")
    if profile:
        total = profile["seconds_profiled"]
        print(
            f"\n== Profile: import of the slowest format, {profile['format']} "
            f"({profile['articles']:,} articles), {total:.1f} s under cProfile (which slows "
            "Python-heavy code 2-4×)"
        )
        print("  where the time goes (cumulative; nested stages overlap):")
        for stage in profile["stages"]:
            if stage["cumtime"] > 0:
                share = 100 * stage["cumtime"] / total if total else 0.0
                print(f"    {stage['stage']:<48} {stage['cumtime']:7.2f} s  {share:5.1f}%")
        for key, title in (("by_cumtime", "cumulative"), ("by_tottime", "own (tottime)")):
            print(f"  top {PROFILE_TOP} functions by {title} time:")
            print(f"    {'cumtime':>8} {'tottime':>8} {'calls':>9}  function")
            for row in profile[key]:
                print(
                    f"    {row['cumtime']:8.2f} {row['tottime']:8.2f} {row['calls']:9d}  "
                    f"{row['function']}"
                )


def load_texts(
    data: Path, need: int, rng: random.Random
) -> tuple[list[tuple[str, list[str]]], str]:
    bbc = data / BBC_DIR
    if bbc.is_dir():
        texts = bbc_texts(bbc)
        if texts:
            return texts, f"BBC News bodies from {bbc} ({len(texts):,} texts, read at run time)"
    log(
        f"no BBC texts at {bbc}: generated news-like text stands in (pass --data DIR or set "
        f"{DATA_ENV} to use real article bodies)"
    )
    return generated_texts(need, rng), f"generated (no BBC texts at {bbc})"


def run(args: argparse.Namespace) -> dict[str, Any]:
    rng = random.Random(SEED)
    single = QUICK_SINGLE_FILES if args.quick else SINGLE_FILES
    records = QUICK_RECORDS if args.quick else RECORDS
    texts, texts_note = load_texts(find_data(args.data), max(single, records), rng)
    stories = make_stories(texts, max(single, records), rng)
    related = stories[:60]
    repeat = max(1, args.repeat)
    summary: dict[str, Any] = {
        "quick": args.quick,
        "seed": SEED,
        "repeat": repeat,
        "texts": texts_note,
        "environment": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
        "notes": [],
        "formats": [],
    }
    with tempfile.TemporaryDirectory(prefix="format-speed-") as tmp:
        folders = []
        for layout in layouts(related):
            count = single if layout.single is not None else records
            log(f"[{layout.name}] writing {count} articles …")
            folders.append(write_folder(layout, Path(tmp) / layout.name, stories[:count]))
        missing = check_registry(folders)
        if missing:
            summary["notes"].append(f"registry formats not measured: {', '.join(missing)}")
        log("importing one file of each format (one-off costs) …")
        first = first_file_costs(folders)
        for folder in folders:
            log(f"[{folder.layout.name}] importing {folder.files} files × {repeat} …")
            summary["formats"].append(measure(folder, first[folder.layout.name], repeat))
        text = next(m for m in summary["formats"] if m.name == "text")
        per_text_article = text.cpu_seconds / max(1, text.articles)
        for m in summary["formats"]:
            m.vs_text = (m.cpu_seconds / max(1, m.articles)) / per_text_article
        slowest = min(summary["formats"], key=lambda m: m.articles_per_s)
        if not args.no_profile:
            log(f"[{slowest.name}] profiled import …")
            folder = next(f for f in folders if f.layout.name == slowest.name)
            summary["profile"] = {"format": slowest.name, **profile_import(folder.root)}
    summary["formats"] = [asdict(m) for m in summary["formats"]]
    return summary


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", help=f"the folder holding {BBC_DIR}/ (default: ${DATA_ENV})")
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"a small run: {QUICK_SINGLE_FILES} files per one-article format, {QUICK_RECORDS} "
        "records per many-article format",
    )
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    parser.add_argument("--no-profile", action="store_true", help="skip the cProfile import")
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="imports of each format folder; the median is reported (default 1)",
    )
    args = parser.parse_args(argv)
    _ensure_importable()
    summary = run(args)
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print_report(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
