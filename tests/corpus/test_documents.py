"""Document files (PDF, DOCX, ODT, RTF): one article each, and every hostile file one clear error.

Every file is made here: PDFs assembled by hand (a content stream, a Helvetica font and an
xref table with its byte offsets), DOCX by python-docx's writer or by hand where Word's own
markup matters (tracked changes, text boxes), ODT and the hostile zips with `zipfile` or by
hand, RTF as text.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import struct
import time
import tracemalloc
import zipfile
import zlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from reader.corpus import documents
from reader.corpus.documents import read_docx, read_odt, read_pdf, read_rtf
from reader.corpus.formats import RecordError
from reader.corpus.model import SourceText

Reader = Callable[[str, str, bytes], Iterator[SourceText | RecordError]]
READERS: dict[str, Reader] = {"pdf": read_pdf, "docx": read_docx, "odt": read_odt, "rtf": read_rtf}


def read(fmt: str, data: bytes) -> SourceText:
    items = list(READERS[fmt](f"story.{fmt}", f"/corpus/story.{fmt}", data))
    assert len(items) == 1
    item = items[0]
    assert isinstance(item, SourceText)
    return item


def refused(fmt: str, data: bytes) -> str:
    """The message a reader gives for a file it cannot use; it must raise nothing else."""
    with pytest.raises(RecordError) as caught:
        list(READERS[fmt](f"bad.{fmt}", f"/corpus/bad.{fmt}", data))
    assert type(caught.value) is RecordError
    return str(caught.value)


# ------------------------------------------------------------------------------------------
# Building PDFs by hand

HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
# Codes 128-130 drawn as the fi, fl and ffi ligature glyphs, as typesetting programs do.
LIGATURE_FONT = (
    b"<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman /Encoding << /Type /Encoding "
    b"/BaseEncoding /WinAnsiEncoding /Differences [128 /fi /fl /ffi] >> >>"
)


def pdf_string(text: str) -> str:
    return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def make_pdf(
    pages: list[str], info: dict[str, str] | None = None, font: bytes = HELVETICA
) -> bytes:
    """A PDF whose pages draw the given content streams with font /F1."""
    objects: list[bytes] = [b"", b"", font]  # 1 catalog, 2 page tree, 3 font
    kids: list[int] = []
    for content in pages:
        stream = content.encode("latin-1")
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % len(objects)
        )
        kids.append(len(objects))
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids),
        len(kids),
    )
    trailer = b""
    if info:
        entries = " ".join(f"/{key} {pdf_string(value)}" for key, value in info.items())
        objects.append(b"<< " + entries.encode("latin-1") + b" >>")
        trailer = b"/Info %d 0 R" % len(objects)
    return raw_pdf(objects, trailer)


def raw_pdf(objects: list[bytes], trailer: bytes = b"") -> bytes:
    """A PDF of the given objects (1 is the catalog), with a correct xref table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    size = len(objects) + 1
    out += b"trailer\n<< /Size %d /Root 1 0 R %s >>\nstartxref\n%d\n%%%%EOF\n" % (
        size,
        trailer,
        xref,
    )
    return bytes(out)


def show(x: float, y: float, size: float, text: str) -> str:
    """One line of text at (x, y), in a text object of its own."""
    return f"BT /F1 {size} Tf 1 0 0 1 {x} {y} Tm {pdf_string(text)} Tj ET"


def single_page(lines: list[str], size: float = 11, top: float = 720) -> str:
    return "\n".join(show(72, top - 14 * n, size, line) for n, line in enumerate(lines))


STORY_LINES = [
    "Volunteers counted more than 12,000 wading birds on the",
    "estuary at the weekend, the highest figure since the survey",
    "began in 1987.",
]


def simple_pdf(info: dict[str, str] | None = None) -> bytes:
    title = show(72, 750, 18, "Record count of wading birds on the estuary")
    return make_pdf([title + "\n" + single_page(STORY_LINES)], info)


# Two columns with a headline across both and a full-width note below them. The content
# stream draws the columns a row at a time, left line then right line, and the right
# column's baselines sit 5 points off the left's: stream order is no reading order.
HEADLINE = "Harbour authority approves dredging of the old channel"
LEFT = [
    [
        "PORT ELLEN - The harbour authority on",
        "Tuesday approved a plan to dredge the",
        "old channel for larger ferries.",
    ],
    [
        "Work is expected to begin in the autumn",
        "and to last about three months, and the",
        "money for it would",
    ],
]
RIGHT = [
    [
        "come from the ferry company and a fund",
        "for island harbours, officials said.",
    ],
    [
        "Fishermen were more cautious. Several",
        "said the channel had silted up twice",
        "before after the last dred-",
        "ging in 1998.",
    ],
]
NOTE = [
    "This article was corrected on 6 March: an earlier version misstated the length of the works.",
]


def two_column_page() -> str:
    def column(paragraphs: list[list[str]], x: float, top: float) -> list[tuple[float, str]]:
        lines, y = [], top
        for paragraph in paragraphs:
            for line in paragraph:
                lines.append((y, show(x, y, 10, line)))
                y -= 12
            y -= 12  # a blank line between paragraphs
        return lines

    left, right = column(LEFT, 72, 700), column(RIGHT, 320, 695)
    ops = [show(72, 740, 18, HEADLINE)]
    for n in range(max(len(left), len(right))):
        ops += [side[n][1] for side in (left, right) if n < len(side)]
    ops += [show(72, 540 - 12 * n, 10, line) for n, line in enumerate(NOTE)]
    return "\n".join(ops)


# ------------------------------------------------------------------------------------------
# PDF


def test_pdf_text_metadata_and_title() -> None:
    info = {
        "Title": "Record count of wading birds on the estuary",
        "Author": "Ann Lee",
        "CreationDate": "D:20240305093000+01'00'",
        "Producer": "hand",
    }
    source = read("pdf", simple_pdf(info))
    assert source.id == "story.pdf" and source.path == "/corpus/story.pdf"
    assert source.format == "pdf" and source.scraped
    assert source.hints == {
        "title": "Record count of wading birds on the estuary",
        "byline": "Ann Lee",
        "created": "2024-03-05",
        "pages": 1,
    }
    # The metadata title is the first line: it leaves the text, and stays in the raw text.
    assert source.text == " ".join(STORY_LINES)
    assert source.raw.startswith("Record count of wading birds on the estuary\n")
    assert "began in 1987." in source.raw


def test_pdf_without_metadata_keeps_its_headline_in_the_text() -> None:
    source = read("pdf", simple_pdf({"Title": "Microsoft Word - birds_final.docx"}))
    assert source.hints == {"pages": 1}  # a file name is no title
    assert source.text.split("\n\n") == [
        "Record count of wading birds on the estuary",
        " ".join(STORY_LINES),
    ]


def test_pdf_two_columns_are_read_one_after_the_other() -> None:
    source = read("pdf", make_pdf([two_column_page()]))
    left = [" ".join(p) for p in LEFT]
    right = [" ".join(p) for p in RIGHT]
    assert source.text.split("\n\n") == [
        HEADLINE,
        left[0],
        # The left column ends mid-sentence and the right one goes on with it.
        left[1] + " " + right[0],
        "Fishermen were more cautious. Several said the channel had silted up twice "
        "before after the last dredging in 1998.",
        NOTE[0],
    ]
    # The raw text keeps the lines as they stand, in reading order.
    raw = source.raw.splitlines()
    assert raw.index(LEFT[1][-1]) < raw.index(RIGHT[0][0]) < raw.index(NOTE[0])
    assert "before after the last dred-" in raw


def test_pdf_plain_order_would_interleave_the_columns() -> None:
    """The test above means something: pypdf alone reads the rows across both columns."""
    from pypdf import PdfReader

    plain = PdfReader(io.BytesIO(make_pdf([two_column_page()]))).pages[0].extract_text()
    assert plain.index("come from the ferry") < plain.index("and to last about")


def test_pdf_ligatures_tabs_and_runs_of_spaces_are_normalised() -> None:
    content = "\n".join(
        [
            show(72, 700, 12, "The \x80nancial \x81ow of the o\x82ce"),
            show(72, 686, 12, "tab\tseparated   words"),
        ]
    )
    source = read("pdf", make_pdf([content], font=LIGATURE_FONT))
    assert source.text == "The financial flow of the office tab separated words"
    assert "ﬁ" not in source.raw and "\t" not in source.raw


def test_pdf_paragraphs_and_pages() -> None:
    page_one = single_page(["First paragraph of the story, which", "goes on here."])
    page_two = single_page(["A second page starts a new paragraph."])
    source = read("pdf", make_pdf([page_one, page_two]))
    assert source.text.split("\n\n") == [
        "First paragraph of the story, which goes on here.",
        "A second page starts a new paragraph.",
    ]
    assert source.hints["pages"] == 2


def test_pdf_pages_read_are_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(documents, "MAX_PDF_PAGES", 2)
    pages = [single_page([f"Page {n} of the report."]) for n in (1, 2, 3)]
    source = read("pdf", make_pdf(pages))
    assert "Page 2" in source.text and "Page 3" not in source.text
    assert source.hints["pages"] == 3


def test_pdf_encrypted_with_a_password_is_refused() -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(simple_pdf())))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    assert refused("pdf", buffer.getvalue()) == "encrypted PDF (needs a password)"


def test_pdf_encrypted_with_the_empty_password_is_read() -> None:
    """Publishers' PDFs often carry only an owner password (no printing, no copying)."""
    pytest.importorskip("cryptography")  # AES needs it: pypdf[crypto]
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(simple_pdf())))
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    source = read("pdf", buffer.getvalue())
    assert "wading birds" in source.text


def test_pdf_without_a_text_layer() -> None:
    scanned = make_pdf(["q 500 0 0 700 50 50 cm 0.5 g 0 0 1 1 re f Q"])
    assert refused("pdf", scanned) == "no text layer — scanned?"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty file"),
        (b"   \n", "empty file"),
        (simple_pdf()[:60], "damaged or truncated PDF"),
        (b"%PDF-1.7\n" + bytes(range(256)) * 20, "damaged or truncated PDF"),
        (random.Random(1).randbytes(5000), "not a PDF file (no %PDF header)"),
        (b"PK\x03\x04 a zip named .pdf", "not a PDF file (no %PDF header)"),
    ],
    ids=["empty", "blank", "truncated", "garbage-after-header", "random-bytes", "zip"],
)
def test_pdf_broken_files(data: bytes, message: str) -> None:
    assert refused("pdf", data).startswith(message)


def test_pdf_too_slow_is_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(documents, "PDF_TIME_LIMIT", -1.0)
    assert refused("pdf", simple_pdf()).startswith("PDF text took over")


def page_drawing(stream: bytes) -> bytes:
    """A one-page PDF whose page draws the given stream object (object 5)."""
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
            HELVETICA,
            stream,
        ]
    )


def stream_object(data: bytes, *, flate: bool = False, length: int | None = None) -> bytes:
    filters = b" /Filter /FlateDecode" if flate else b""
    declared = len(data) if length is None else length
    return b"<< /Length %d%s >>\nstream\n%s\nendstream" % (declared, filters, data)


def flate_bomb() -> bytes:
    """A content stream that inflates to a gigabyte of spaces after one line of text."""
    compressor = zlib.compressobj(9)
    block = b" " * 1024**2
    data = compressor.compress(b"BT /F1 12 Tf 72 700 Td (Bomb) Tj ET ")
    first = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    return data + first + again * 1023 + compressor.flush()


HOSTILE_PDFS: dict[str, Callable[[], bytes]] = {
    "page-tree-cycle": lambda: raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
            b"<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>",
            stream_object(b"BT /F1 12 Tf 72 700 Td (Loop) Tj ET"),
        ]
    ),
    "nested-arrays": lambda: page_drawing(
        stream_object(b"BT /F1 12 Tf 72 700 Td " + b"[" * 100_000 + b"]" * 100_000 + b" TJ ET")
    ),
    "stream-length-lie": lambda: page_drawing(
        stream_object(b"BT /F1 12 Tf 72 700 Td (Text) Tj ET", length=10**12)
    ),
    "flate-bomb": lambda: page_drawing(stream_object(flate_bomb(), flate=True)),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_PDFS))
def test_hostile_pdfs_fail_fast(name: str) -> None:
    data = HOSTILE_PDFS[name]()
    started = time.perf_counter()
    message = refused("pdf", data)
    assert time.perf_counter() - started < 10
    assert message.startswith("damaged")
    if name == "nested-arrays":
        assert message == "damaged PDF (page 1 is nested too deeply)"


def test_pdf_one_damaged_page_among_several_is_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    real = documents._page_paragraphs
    calls = iter(range(10))

    def flaky(page: Any) -> tuple[list[str], str]:
        if next(calls) == 1:
            raise KeyError("/Contents")
        return real(page)

    monkeypatch.setattr(documents, "_page_paragraphs", flaky)
    pages = [single_page([f"Page {n} holds a sentence."]) for n in (1, 2, 3)]
    source = read("pdf", make_pdf(pages))
    assert source.text.split("\n\n") == ["Page 1 holds a sentence.", "Page 3 holds a sentence."]


# ------------------------------------------------------------------------------------------
# DOCX


def python_docx(paragraphs: list[str], **core: Any) -> bytes:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    for key, value in core.items():
        setattr(document.core_properties, key, value)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


BODY = [
    "Rail operator cuts Sunday services on the coast line",
    "BRIGHTHAVEN — The regional rail operator will run one train an hour on the coast line.",
    "Passenger groups called the cut a false economy.",
]


def test_docx_text_and_core_properties() -> None:
    data = python_docx(
        BODY,
        title="Rail operator cuts Sunday services on the coast line",
        author="Alan Pryce",
        created=dt.datetime(2024, 3, 5, 9, 30),
    )
    source = read("docx", data)
    assert source.format == "docx"
    assert source.hints == {
        "title": "Rail operator cuts Sunday services on the coast line",
        "byline": "Alan Pryce",
        "created": "2024-03-05",
    }
    assert source.text.split("\n\n") == BODY[1:]
    assert source.raw.split("\n\n") == BODY


def test_docx_python_docx_template_defaults_are_no_metadata() -> None:
    source = read("docx", python_docx(BODY))
    assert source.hints == {}  # not "python-docx" as author, nor its template's 2013 date
    assert source.text.split("\n\n") == BODY


W_NS = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>'
)
PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxml'
    'formats.org/officeDocument/2006/relationships/officeDocument" Target="word/main.xml"/>'
    "</Relationships>"
)


def hand_docx(body: str, *, document: str | None = None, core: str | None = None) -> bytes:
    """A DOCX as Word writes one, its main part named by the package relationships."""
    xml = document or (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f"<w:document {W_NS}><w:body>{body}</w:body></w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", PACKAGE_RELS)
        archive.writestr("word/main.xml", xml)
        if core is not None:
            archive.writestr("docProps/core.xml", core)
    return buffer.getvalue()


def run(text: str, props: str = "") -> str:
    return f'<w:r>{props}<w:t xml:space="preserve">{text}</w:t></w:r>'


def test_docx_reads_text_as_word_shows_it() -> None:
    body = "".join(
        [
            # Tracked changes: the insertion is read, the deletion is not.
            f"<w:p>{run('The mayor ')}<w:ins>{run('firmly ')}</w:ins>"
            f"<w:del><w:r><w:delText>never </w:delText></w:r></w:del>{run('denied it.')}</w:p>",
            # A hyperlink, a field (its code is not text, its result is), a tab and a break.
            f'<w:p><w:hyperlink r:id="rId9">{run("Read more")}</w:hyperlink>{run(" on page ")}'
            '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText>'
            f'</w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>{run("4")}'
            f'<w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:tab/></w:r>{run("(online)")}'
            f"<w:r><w:br/></w:r>{run('second line')}</w:p>",
            # Inline content controls and smart tags (python-docx's text drops both).
            f"<w:p><w:sdt><w:sdtContent>{run('Inline control')}</w:sdtContent></w:sdt>"
            f"<w:smartTag>{run(' and a smart tag.')}</w:smartTag></w:p>",
            # Hidden text is not shown by Word.
            f"<w:p>{run('Shown.')}{run(' Hidden note.', '<w:rPr><w:vanish/></w:rPr>')}</w:p>",
            # A text box: Word writes it twice, as DrawingML and as a VML fallback.
            '<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><w:txbxContent>'
            f"<w:p>{run('Box text.')}</w:p></w:txbxContent></w:drawing></mc:Choice><mc:Fallback>"
            f"<w:pict><w:txbxContent><w:p>{run('Box text.')}</w:p></w:txbxContent></w:pict>"
            f"</mc:Fallback></mc:AlternateContent></w:r>{run('Anchor paragraph.')}</w:p>",
            # Table cells, a content control and an empty paragraph.
            f"<w:tbl><w:tr><w:tc><w:p>{run('Cell one')}</w:p></w:tc><w:tc><w:p>{run('Cell two')}"
            f"</w:p></w:tc></w:tr></w:tbl><w:sdt><w:sdtContent><w:p>{run('In a control.')}</w:p>"
            "</w:sdtContent></w:sdt><w:p/><w:sectPr/>",
        ]
    )
    source = read("docx", hand_docx(body))
    assert source.text.split("\n\n") == [
        "The mayor firmly denied it.",
        "Read more on page 4 (online)\nsecond line",
        "Inline control and a smart tag.",
        "Shown.",
        "Box text.",
        "Anchor paragraph.",
        "Cell one",
        "Cell two",
        "In a control.",
    ]
    assert source.hints == {}


def test_docx_damaged_metadata_is_no_metadata_but_an_attack_in_it_is_refused() -> None:
    body = f"<w:p>{run('The text survives.')}</w:p>"
    source = read("docx", hand_docx(body, core="<cp:coreProperties><dc:title>Cut off"))
    assert source.text == "The text survives." and source.hints == {}
    attack = BILLION_LAUGHS + "<cp:coreProperties>&lol9;</cp:coreProperties>"
    assert refused("docx", hand_docx(body, core=attack)) == (
        "DOCX refused: docProps/core.xml declares XML entities (entity expansion, “billion laughs”)"
    )


def test_docx_strict_open_xml() -> None:
    strict = (
        '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://purl.oclc.org/ooxml/'
        'wordprocessingml/main"><w:body><w:p><w:r><w:t>Strict text.</w:t></w:r></w:p>'
        "</w:body></w:document>"
    )
    assert read("docx", hand_docx("", document=strict)).text == "Strict text."


def test_docx_broken_files() -> None:
    assert refused("docx", b"") == "empty file"
    assert refused("docx", random.Random(2).randbytes(4000)) == (
        "not a DOCX file (not a zip archive)"
    )
    assert refused("docx", b"{\\rtf1 an RTF named .docx}") == (
        "not a DOCX file (not a zip archive)"
    )
    assert refused("docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)).startswith(
        "not a DOCX file: an OLE container (a password-protected document"
    )
    good = python_docx(BODY)
    assert refused("docx", good[: len(good) // 2]).startswith("damaged DOCX file")
    other = io.BytesIO()
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("readme.txt", "not a Word document")
    assert refused("docx", other.getvalue()) == (
        "not a DOCX file (the zip holds no Word document part)"
    )
    bad_xml = hand_docx("", document="<w:document><w:body><w:p></w:document>")
    assert refused("docx", bad_xml).startswith(
        "damaged DOCX file (word/main.xml is not well-formed XML"
    )


# ------------------------------------------------------------------------------------------
# ODT

ODT_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"'
)
ODT_META = (
    f'<?xml version="1.0" encoding="UTF-8"?><office:document-meta {ODT_NS}><office:meta>'
    "<dc:title>Library extends opening hours</dc:title><meta:initial-creator>Ruth Okafor"
    "</meta:initial-creator><dc:creator>Night Editor</dc:creator>"
    "<meta:creation-date>2024-05-02T17:45:00</meta:creation-date></office:meta>"
    "</office:document-meta>"
)


def make_odt(
    body: str,
    *,
    meta: str | None = ODT_META,
    mimetype: str = "application/vnd.oasis.opendocument.text",
    content: str | None = None,
    manifest: str = "",
) -> bytes:
    xml = content or (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODT_NS}>'
        f"<office:body><office:text>{body}</office:text></office:body></office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", xml)
        if meta:
            archive.writestr("meta.xml", meta)
        archive.writestr(
            "META-INF/manifest.xml",
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:'
            f'1.0"><manifest:file-entry manifest:full-path="content.xml">{manifest}'
            "</manifest:file-entry></manifest:manifest>",
        )
    return buffer.getvalue()


def test_odt_text_and_metadata() -> None:
    body = (
        '<text:h text:outline-level="1">Library extends opening hours</text:h>'
        "<text:p>The <text:span>central</text:span> library will open\n   until ten"
        '<text:note text:note-class="footnote"><text:note-citation>1</text:note-citation>'
        "<text:note-body><text:p>A footnote.</text:p></text:note-body></text:note>"
        ' at night,<text:s/>said<text:s text:c="3"/>the<text:tab/>council'
        "<office:annotation><dc:creator>Ed</dc:creator><text:p>Check this.</text:p>"
        "</office:annotation>.</text:p>"
        "<text:p>First line<text:line-break/>second line</text:p>"
        "<text:tracked-changes><text:changed-region><text:deletion><text:p>Deleted words."
        "</text:p></text:deletion></text:changed-region></text:tracked-changes>"
        "<text:p><draw:frame><svg:desc>A photo</svg:desc><draw:text-box><text:p>Caption in a box."
        "</text:p></draw:text-box></draw:frame>After the frame.</text:p>"
        "<text:list><text:list-item><text:p>A list item.</text:p></text:list-item></text:list>"
        "<table:table><table:table-row><table:table-cell><text:p>Cell</text:p></table:table-cell>"
        "</table:table-row></table:table><text:p/>"
    )
    source = read("odt", make_odt(body))
    assert source.format == "odt"
    assert source.hints == {
        "title": "Library extends opening hours",
        "byline": "Ruth Okafor",  # the initial creator, not the last to edit
        "created": "2024-05-02",
    }
    assert source.text.split("\n\n") == [
        "The central library will open until ten at night, said the council.",
        "First line\nsecond line",
        "Caption in a box.",
        "After the frame.",
        "A list item.",
        "Cell",
    ]
    assert source.raw.startswith("Library extends opening hours\n\nThe central library")


def test_odt_without_metadata() -> None:
    source = read("odt", make_odt("<text:h>Headline</text:h><text:p>Body.</text:p>", meta=None))
    assert source.hints == {}
    assert source.text == "Headline\n\nBody."


def test_odt_broken_files() -> None:
    assert refused("odt", random.Random(3).randbytes(3000)) == "not an ODT file (not a zip archive)"
    spreadsheet = make_odt("", mimetype="application/vnd.oasis.opendocument.spreadsheet")
    assert refused("odt", spreadsheet) == (
        "not an ODT text document (its type is 'application/vnd.oasis.opendocument.spreadsheet')"
    )
    encrypted = make_odt(
        "<text:p>x</text:p>",
        manifest='<manifest:encryption-data manifest:checksum-type="SHA1/1K"/>',
    )
    assert refused("odt", encrypted) == "encrypted ODT (needs a password)"
    calc_body = (
        f'<?xml version="1.0"?><office:document-content {ODT_NS}><office:body>'
        "<office:spreadsheet/></office:body></office:document-content>"
    )
    assert refused("odt", make_odt("", content=calc_body)) == (
        "not a text document (an OpenDocument spreadsheet)"
    )
    assert refused("odt", make_odt("<text:p> </text:p>")) == "no text in this ODT document"


# ------------------------------------------------------------------------------------------
# Hostile XML and zip bombs (DOCX and ODT alike)

BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">'
    + "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10))
    + "]>"
)
XXE = '<?xml version="1.0"?><!DOCTYPE doc [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def hostile_part(fmt: str, prolog: str, reference: str) -> bytes:
    if fmt == "docx":
        document = (
            f"{prolog}<w:document {W_NS}><w:body><w:p><w:r><w:t>{reference}</w:t></w:r></w:p>"
            "</w:body></w:document>"
        )
        return hand_docx("", document=document)
    content = (
        f"{prolog}<office:document-content {ODT_NS}><office:body><office:text>"
        f"<text:p>{reference}</text:p></office:text></office:body></office:document-content>"
    )
    return make_odt("", content=content)


@pytest.mark.parametrize("fmt", ["docx", "odt"])
def test_entity_expansion_is_refused(fmt: str) -> None:
    message = refused(fmt, hostile_part(fmt, BILLION_LAUGHS, "&lol9;"))
    part = "word/main.xml" if fmt == "docx" else "content.xml"
    assert message == (
        f"{fmt.upper()} refused: {part} declares XML entities (entity expansion, “billion laughs”)"
    )


@pytest.mark.parametrize("fmt", ["docx", "odt"])
def test_external_entities_are_refused(fmt: str) -> None:
    message = refused(fmt, hostile_part(fmt, XXE, "&xxe;"))
    part = "word/main.xml" if fmt == "docx" else "content.xml"
    assert message == f"{fmt.upper()} refused: {part} declares an external entity (XXE)"


def zeros_deflated(megabytes: int) -> bytes:
    """Raw deflate data for `megabytes` MiB of zero bytes, made without inflating them:
    after a full flush the compressor starts afresh, so each MiB compresses the same."""
    block = bytes(1024**2)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    return first + again * (megabytes - 1) + compressor.flush()


def raw_zip(entries: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip written field by field: (name, deflated data, declared size, CRC-32), so a test
    can declare the sizes a hostile file declares."""
    out, central = bytearray(), bytearray()
    for name, data, size, crc in entries:
        encoded = name.encode()
        header = struct.pack(
            "<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(data), size, len(encoded), 0
        )
        fields = (crc, len(data), size, len(encoded), 0, 0, 0, 0, 0, len(out))
        central += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, *fields)
        central += encoded
        out += header + encoded + data
    start, count = len(out), len(entries)
    out += central
    out += struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(central), start, 0)
    return bytes(out)


def bomb(fmt: str, declared: int, megabytes: int) -> bytes:
    part = "word/document.xml" if fmt == "docx" else "content.xml"
    kind = b"application/vnd.oasis.opendocument.text"
    mimetype = ("mimetype", zlib.compress(kind)[2:-4], len(kind), zlib.crc32(kind))
    entries = ([mimetype] if fmt == "odt" else []) + [
        (part, zeros_deflated(megabytes), declared, 0)
    ]
    return raw_zip(entries)


def bounded(action: Callable[[], str]) -> tuple[str, float, int]:
    """An action's result, its time and its peak of traced memory."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        result = action()
    finally:
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return result, elapsed, peak


@pytest.mark.parametrize("fmt", ["docx", "odt"])
def test_zip_bomb_declaring_its_size_is_refused_before_inflating(fmt: str) -> None:
    data = bomb(fmt, declared=1024**3 - 4096, megabytes=1024)  # 1 GiB of XML in 1 MB
    message, elapsed, peak = bounded(lambda: refused(fmt, data))
    part = "word/document.xml" if fmt == "docx" else "content.xml"
    assert message == (
        f"{fmt.upper()} refused: {part} would inflate to 1,024 MB (limit 64 MB; a zip bomb?)"
    )
    assert elapsed < 5 and peak < 32 * 1024**2


def test_zip_whose_entries_together_declare_gigabytes_is_refused() -> None:
    """Many entries sharing one compressed body (an overlapping-file bomb) add up."""
    body = zeros_deflated(1)
    entries = [(f"word/part{n}.xml", body, 600 * 1024**2, 0) for n in range(4)]
    assert refused("docx", raw_zip(entries)) == (
        "DOCX refused: its zip entries would inflate to 2,400 MB (a zip bomb?)"
    )


@pytest.mark.parametrize("fmt", ["docx", "odt"])
def test_zip_bomb_by_compression_ratio_is_refused(fmt: str) -> None:
    data = bomb(fmt, declared=40 * 1024**2, megabytes=40)  # 40 MiB under the cap, 1000:1
    message, elapsed, peak = bounded(lambda: refused(fmt, data))
    assert message.startswith(f"{fmt.upper()} refused: ") and message.endswith("to 1 (a zip bomb?)")
    assert elapsed < 5 and peak < 32 * 1024**2


@pytest.mark.parametrize("fmt", ["docx", "odt"])
def test_zip_bomb_lying_about_its_size_stops_at_the_declared_size(fmt: str) -> None:
    data = bomb(fmt, declared=4096, megabytes=1024)  # says 4 KB, inflates to 1 GiB
    message, elapsed, peak = bounded(lambda: refused(fmt, data))
    assert message.startswith(f"damaged {fmt.upper()} file")
    assert elapsed < 5 and peak < 32 * 1024**2


def test_zip_with_unbounded_compression_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_BZIP2) as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert refused("docx", buffer.getvalue()) == (
        "not a DOCX file (word/document.xml uses an unsupported zip compression)"
    )


# ------------------------------------------------------------------------------------------
# RTF

WORD_RTF = rb"""{\rtf1\adeflang1025\ansi\ansicpg1252\uc1\adeff31507\deff0{\fonttbl
{\f0\froman\fcharset0\fprq2{\*\panose 02020603050405020304}Times New Roman;}
{\f205\froman\fcharset204\fprq2 Times New Roman Cyr;}}
{\colortbl;\red0\green0\blue0;}{\stylesheet{\ql \snext0 Normal;}}
{\info{\title Council closes library}{\author Jane Roe}{\operator Jane Roe}
{\creatim\yr2024\mo3\dy5\hr9\min12}{\revtim\yr2024\mo3\dy6}{\*\company Acme}}
{\header \pard\plain THE DAILY RUNNING HEADER\par}
\pard\plain {\b\fs32 Council closes library}{\par }
{The council voted on Tuesday to close the library. Caf\'e9 owners were \ldblquote dismayed
\rdblquote , said Ana N\u250\'fa\u241\'f1ez \u8212\'97 and smiled \u-10179\'3f\u-8704\'3f.\par }
{\field{\*\fldinst { HYPERLINK "https://example.org/story" }}{\fldrslt {\ul Read more}}}\par
{\*\shppict{\pict\pngblip 89504e470d0a1a0a}}{\pict\bin6 {{}}\\}\par
\trowd\cellx4000\cellx8000\pard\intbl {Cell one\cell Cell two\cell }\row
\pard\plain {\f205 \'cf\'f0\'e8\'e2\'e5\'f2}\par
{\footnote \pard\plain Footnote text.\par}
\pard {Shown{\v  hidden} text\tab with a tab.}\par
}
ignored after the document"""


def test_rtf_text_and_info() -> None:
    source = read("rtf", WORD_RTF)
    assert source.format == "rtf"
    assert source.hints == {
        "title": "Council closes library",
        "byline": "Jane Roe",
        "created": "2024-03-05",
    }
    assert source.text.split("\n\n") == [
        "The council voted on Tuesday to close the library. Café owners were “dismayed”, "
        "said Ana Núñez — and smiled 😀.",
        "Read more",
        "Cell one Cell two",
        "Привет",  # a Cyrillic font's code page, not the document's
        "Shown text with a tab.",
    ]
    assert source.raw.startswith("Council closes library\n\n")


def test_rtf_mac_and_utf8_code_pages() -> None:
    mac = read("rtf", b"{\\rtf1\\mac Caf\\'8e cr\\'8fme\\par}")
    assert mac.text == "Café crème"
    assert mac.hints == {}


def test_rtf_broken_files() -> None:
    assert refused("rtf", b"") == "empty file"
    assert refused("rtf", b"Just some text named .rtf") == (
        "not an RTF file (it does not begin with {\\rtf)"
    )
    assert refused("rtf", random.Random(4).randbytes(2000)) == (
        "not an RTF file (it does not begin with {\\rtf)"
    )
    assert refused("rtf", b"{\\rtf1" + b"{" * 100_000) == (
        "damaged RTF file (groups nested over 2,000 deep)"
    )
    assert refused("rtf", b"{\\rtf1{\\fonttbl{\\f0 Arial;}}\\par\\par}") == (
        "no text in this RTF document"
    )


def test_rtf_many_fields_on_one_line_read_in_linear_time() -> None:
    """The reason striprtf is not used: this takes it minutes (its hyperlink regex)."""
    line = rb"{\field{\*\fldinst{ PAGE }}{\fldrslt{7}}} words " * 30_000
    started = time.perf_counter()
    source = read("rtf", b"{\\rtf1\\ansi " + line + b"}")
    assert time.perf_counter() - started < 10
    assert source.text.startswith("7 words 7 words")


# ------------------------------------------------------------------------------------------
# Whatever the bytes, a reader yields one SourceText or raises RecordError


def valid_files() -> dict[str, bytes]:
    return {
        "pdf": make_pdf([two_column_page()], {"Title": "x"}),
        "docx": python_docx(BODY, title="t"),
        "odt": make_odt("<text:h>Headline</text:h><text:p>Body <text:s/>text.</text:p>"),
        "rtf": WORD_RTF,
    }


@pytest.mark.parametrize("fmt", sorted(READERS))
def test_damaged_files_fail_only_with_record_errors(fmt: str) -> None:
    data = valid_files()[fmt]
    rng = random.Random(fmt)
    variants = [data[: rng.randrange(len(data))] for _ in range(25)]
    for _ in range(25):
        damaged = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        variants.append(bytes(damaged))
    for variant in variants:
        try:
            items = list(READERS[fmt]("x", "x", variant))
        except RecordError as exc:
            assert type(exc) is RecordError and str(exc)
        else:
            assert len(items) == 1 and isinstance(items[0], SourceText)
            assert items[0].text.strip()
