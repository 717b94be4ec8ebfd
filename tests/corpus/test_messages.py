"""E-mail messages (.eml) and mailboxes (.mbox) as articles, and hostile mail.

Every message is built here with the `email` package's own writers (`EmailMessage`,
`mailbox.mbox`), or by hand where the point is that it is broken.
"""

from __future__ import annotations

import mailbox
import time
from collections.abc import Iterable, Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest

from reader.corpus import messages
from reader.corpus.articles import build_article
from reader.corpus.formats import RecordError
from reader.corpus.messages import read_eml, read_mbox
from reader.corpus.model import SourceText

PATH = "/corpus/mail/dredging.eml"

STORY = """\
PORT ELLEN — The harbour authority on Tuesday approved a plan to dredge the old channel,
allowing larger ferries to dock at the village pier for the first time in forty years.

The work is expected to begin in the autumn and to last about three months, officials
said, with fishing boats moved to the east quay while the dredgers are in the channel.
"""

LONG_HTML = (
    "<html><head><title>Gazette</title><style>p {color: red}</style></head><body>"
    "<nav><a href='/'>Home</a> | <a href='/news'>News</a> | <a href='/sport'>Sport</a></nav>"
    "<article><h1>Harbour authority approves dredging</h1>"
    + "".join(
        f"<p>Paragraph {n}: the harbour authority on Tuesday approved a plan to dredge the old "
        "channel, allowing larger ferries to dock at the village pier for the first time in "
        "forty years, officials said.</p>"
        for n in range(6)
    )
    + "</article><footer><a href='/unsubscribe'>Unsubscribe</a> · Privacy</footer>"
    "<script>track()</script></body></html>"
)


def message(
    body: str | None = STORY,
    *,
    subject: str = "Harbour authority approves dredging",
    sender: str = "The Harbour Gazette <news@gazette.example>",
    date: str | None = "Tue, 05 Mar 2024 21:30:00 -0500",
    html: str | None = None,
) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = sender
    msg["To"] = "reader@example.org"
    if date:
        msg["Date"] = date
    msg["Message-ID"] = "<1234@gazette.example>"
    if body is not None:
        msg.set_content(body)
        if html is not None:
            msg.add_alternative(html, subtype="html")
    elif html is not None:
        msg.set_content(html, subtype="html")
    return msg


def read_all(items: Iterable[SourceText | RecordError]) -> tuple[list[SourceText], list[str]]:
    sources: list[SourceText] = []
    problems: list[str] = []
    for item in items:
        if isinstance(item, RecordError):
            problems.append(str(item))
        else:
            sources.append(item)
    return sources, problems


def eml(data: bytes, reader: messages.AttachmentReader | None = None) -> SourceText:
    sources, problems = read_all(read_eml("mail/dredging.eml", PATH, data, reader))
    assert problems == []
    assert len(sources) == 1
    return sources[0]


def refusal(items: Iterator[SourceText | RecordError]) -> str:
    with pytest.raises(RecordError) as caught:
        list(items)
    return str(caught.value)


class FakeRegistry:
    """Stands for the import registry's reader: records calls, reads .txt, fails on .pdf."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, bytes]] = []

    def __call__(self, attachment_id: str, path: str, payload: bytes) -> Iterator[SourceText]:
        self.calls.append((attachment_id, path, payload))
        if attachment_id.endswith(".pdf"):
            raise RecordError("not a PDF file")
        if attachment_id.endswith(".odt"):
            raise KeyError("content.xml")
        text = payload.decode("utf-8")
        yield SourceText(id=attachment_id, path=path, format="text", text=text, raw=text)


# --- messages as articles ------------------------------------------------------------------


def test_plain_message_becomes_one_article() -> None:
    source = eml(bytes(message()))
    assert source.id == "mail/dredging.eml"
    assert source.path == PATH
    assert source.format == "eml"
    assert source.scraped is True
    assert source.hints == {
        "title": "Harbour authority approves dredging",
        "date": "2024-03-05",  # the sender's local date, not the next day in UTC
        "datetime": "2024-03-05T21:30-05:00",
        "source": "The Harbour Gazette",
        "sender": "The Harbour Gazette <news@gazette.example>",
        "message_id": "1234@gazette.example",
    }
    paragraphs = source.text.split("\n\n")
    assert len(paragraphs) == 2
    assert paragraphs[0].startswith("PORT ELLEN — The harbour authority")
    assert source.raw.startswith("Subject: Harbour authority approves dredging\n")
    assert "Message-ID: <1234@gazette.example>" in source.raw


def test_message_cleans_into_an_article() -> None:
    article = build_article(eml(bytes(message())))
    assert article.title == "Harbour authority approves dredging"
    assert article.date == "2024-03-05"
    assert article.source == "The Harbour Gazette"
    assert article.body.startswith("PORT ELLEN — The harbour authority on Tuesday approved")
    assert "forty years." in article.body


def test_source_is_the_senders_domain_without_a_display_name() -> None:
    source = eml(bytes(message(sender="press@council.example.gov")))
    assert source.hints["source"] == "council.example.gov"
    assert source.hints["sender"] == "press@council.example.gov"


def test_encoded_headers_and_a_legacy_charset() -> None:
    data = (
        "Subject: =?utf-8?q?Caf=C3=A9_opens_on_the_quay?=\n"
        "From: =?iso-8859-1?q?Ren=E9e_Dupr=E9?= <renee@example.fr>\n"
        "Date: Mon, 4 Mar 2024 08:00:00 +0100\n"
        "MIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=iso-8859-1\n"
        "Content-Transfer-Encoding: quoted-printable\n\n"
        "Le caf=E9 du quai ouvre ses portes =E0 midi, a dit la mairie lundi mati=\n"
        "n.\n"
    ).encode("ascii")
    source = eml(data)
    assert source.hints["title"] == "Café opens on the quay"
    assert source.hints["source"] == "Renée Dupré"
    assert source.text == "Le café du quai ouvre ses portes à midi, a dit la mairie lundi matin."


def test_plain_part_is_preferred_to_html() -> None:
    source = eml(bytes(message(html=LONG_HTML)))
    assert source.text.startswith("PORT ELLEN")
    assert source.scraped is True


def test_html_only_message_goes_through_trafilatura() -> None:
    source = eml(bytes(message(body=None, html=LONG_HTML)))
    assert source.scraped is False
    assert "Paragraph 0: the harbour authority" in source.text
    assert "Paragraph 5:" in source.text
    assert "Unsubscribe" not in source.text
    assert "track()" not in source.text
    assert "\n\n" in source.text


def test_short_html_is_stripped_not_extracted() -> None:
    html = "<p>The pool reopens on <b>Monday</b>.</p><p>Tickets cost £4.</p>"
    source = eml(bytes(message(body=None, html=html)))
    assert source.text == "The pool reopens on Monday.\n\nTickets cost £4."
    assert source.scraped is True


def test_empty_plain_part_falls_back_to_html() -> None:
    source = eml(bytes(message(body="\n", html="<p>Only the HTML part says anything.</p>")))
    assert source.text == "Only the HTML part says anything."


def test_format_flowed_is_unwrapped_and_signature_dropped() -> None:
    data = (
        b"From: Jane Doe <jane@example.org>\n"
        b"Subject: Flowed\n"
        b"Content-Type: text/plain; charset=utf-8; format=flowed; delsp=no\n\n"
        b"The ferry timetable changes on Sunday, when the \n"
        b"winter service begins.\n"
        b"\n"
        b" From the harbour office.\n"
        b"-- \n"
        b"Jane Doe, harbour office\n"
    )
    source = eml(data)
    assert source.text == (
        "The ferry timetable changes on Sunday, when the winter service begins.\n\n"
        "From the harbour office."
    )
    assert "Jane Doe, harbour office" in source.raw


def test_raw_hides_base64_blobs() -> None:
    msg = message()
    msg.add_attachment(bytes(range(256)) * 64, maintype="image", subtype="png", filename="a.png")
    source = eml(bytes(msg))
    assert "lines of base64 data" in source.raw
    assert len(source.raw) < 3000


# --- attachments -----------------------------------------------------------------------------


def with_attachments() -> EmailMessage:
    msg = message()
    msg.add_attachment(b"Press release text.", maintype="text", subtype="plain", filename="a.txt")
    msg.add_attachment(b"Second one.", maintype="text", subtype="plain", filename="../A.txt")
    msg.add_attachment(b"%PDF-1.7", maintype="application", subtype="pdf", filename="r#1.pdf")
    msg.add_attachment(b"PK\x03\x04", maintype="application", subtype="zip", filename="x.odt")
    msg.add_attachment(b"\x89PNG\r\n", maintype="image", subtype="png", filename="photo.png")
    msg.add_attachment(b"", maintype="text", subtype="plain", filename="empty.txt")
    return msg


def test_document_attachments_become_articles() -> None:
    registry = FakeRegistry()
    sources, problems = read_all(read_eml("mail/m.eml", PATH, bytes(with_attachments()), registry))
    assert [call[0] for call in registry.calls] == [
        "mail/m.eml#0/a.txt",
        "mail/m.eml#0/A-2.txt",  # the path part dropped; the name already taken
        "mail/m.eml#0/r_1.pdf",  # '#' separates records in ids
        "mail/m.eml#0/x.odt",
    ]
    assert all(call[1] == PATH for call in registry.calls)
    assert registry.calls[0][2] == b"Press release text."
    assert [s.id for s in sources] == ["mail/m.eml", "mail/m.eml#0/a.txt", "mail/m.eml#0/A-2.txt"]
    assert sources[1].hints["attachment_of"] == "mail/m.eml"
    assert problems == [
        "attachment r_1.pdf: not a PDF file",
        "attachment x.odt: could not be read (KeyError: 'content.xml')",
        "attachment empty.txt: empty",
    ]


@pytest.mark.parametrize(
    ("filename", "safe"),
    [
        ("report.pdf", "report.pdf"),
        ("C:\\Users\\jo\\Budget 2024.docx", "Budget 2024.docx"),
        ("../../etc/cron.d/x.txt", "x.txt"),
        ("..pdf", "attachment.pdf"),
        ("a#b/c#d.md", "c_d.md"),
        ("tab\tand\nnewline.rtf", "tab_and_newline.rtf"),
        ("x" * 400 + ".odt", "x" * 150 + ".odt"),
    ],
)
def test_attachment_names_are_made_safe_for_ids(filename: str, safe: str) -> None:
    assert messages._safe_name(filename, set()) == safe


def test_attachments_are_skipped_without_a_reader() -> None:
    sources, problems = read_all(read_eml("mail/m.eml", PATH, bytes(with_attachments())))
    assert [s.id for s in sources] == ["mail/m.eml"]
    assert problems == []


def test_message_with_only_an_attachment_gives_the_attachment() -> None:
    msg = message(body="")
    msg.add_attachment(b"The statement.", maintype="text", subtype="plain", filename="s.txt")
    sources, problems = read_all(read_eml("m.eml", PATH, bytes(msg), FakeRegistry()))
    assert [s.id for s in sources] == ["m.eml#0/s.txt"]
    assert problems == []


# --- mailboxes -------------------------------------------------------------------------------


def write_mbox(tmp_path: Path, msgs: list[EmailMessage]) -> bytes:
    box = mailbox.mbox(tmp_path / "box.mbox")
    for msg in msgs:
        box.add(msg)
    box.flush()
    box.close()
    return (tmp_path / "box.mbox").read_bytes()


def test_mbox_reads_every_message_as_mailbox_does(tmp_path: Path) -> None:
    msgs = [
        message(STORY, subject="One"),
        message("From the archive: a line that mbox must escape.\n", subject="Two"),
        message(STORY.replace("harbour", "rail"), subject="Three", date=None),
    ]
    data = write_mbox(tmp_path, msgs)
    sources, problems = read_all(read_mbox("box.mbox", "/c/box.mbox", data))
    assert problems == []
    assert [s.id for s in sources] == ["box.mbox#0", "box.mbox#1", "box.mbox#2"]
    assert {s.format for s in sources} == {"mbox"}
    box = mailbox.mbox(tmp_path / "box.mbox")
    expected = [m["subject"] for m in box]
    box.close()
    assert [s.hints["title"] for s in sources] == expected == ["One", "Two", "Three"]
    assert sources[1].text == ">From the archive: a line that mbox must escape."  # as mailbox
    assert "date" in sources[2].hints  # the "From " line's date stands in for the header


def test_mbox_bad_message_is_reported_and_the_rest_read() -> None:
    good = bytes(message())
    data = (
        b"From a@example.org Tue Mar  5 10:00:00 2024\n" + good + b"\n"
        b"From b@example.org Tue Mar  5 11:00:00 2024\n"
        b"\x00\x01 this is not a message at all\n\n"
        b"From c@example.org Tue Mar  5 12:00:00 2024\n" + good + b"\n"
    )
    sources, problems = read_all(read_mbox("box.mbox", "/c/box.mbox", data))
    assert [s.id for s in sources] == ["box.mbox#0", "box.mbox#2"]
    assert problems == [
        "message 1: not an e-mail message: no From, Date, Subject or Message-ID header"
    ]


def test_mbox_attachment_ids(tmp_path: Path) -> None:
    first = message(subject="First")
    second = message(subject="Second")
    second.add_attachment(b"Statement.", maintype="text", subtype="plain", filename="s.txt")
    registry = FakeRegistry()
    sources, problems = read_all(
        read_mbox("box.mbox", "/c/box.mbox", write_mbox(tmp_path, [first, second]), registry)
    )
    assert [s.id for s in sources] == ["box.mbox#0", "box.mbox#1", "box.mbox#1/s.txt"]
    assert problems == []


def test_mbox_attachment_problem_names_the_message(tmp_path: Path) -> None:
    msg = message()
    msg.add_attachment(b"%PDF", maintype="application", subtype="pdf", filename="r.pdf")
    data = write_mbox(tmp_path, [message(), msg])
    _sources, problems = read_all(read_mbox("b.mbox", "/c/b.mbox", data, FakeRegistry()))
    assert problems == ["message 1: attachment r.pdf: not a PDF file"]


def test_mbox_text_before_the_first_message_is_reported() -> None:
    data = b"stray notes\n\nFrom a@example.org Tue Mar  5 10:00:00 2024\n" + bytes(message())
    sources, problems = read_all(read_mbox("b.mbox", "/c/b.mbox", data))
    assert [s.id for s in sources] == ["b.mbox#0"]
    assert problems == ['text before the first "From " line is not in any message; skipped']


# --- hostile mail ----------------------------------------------------------------------------

HEADERS = b"From: a@example.org\nSubject: Test\nDate: Tue, 05 Mar 2024 10:00:00 +0000\n"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "empty file"),
        (b" \n\r\n\t", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 20, "binary file, not an"),
        (bytes(range(256)) * 40, "binary file, not an"),
        (b"Just some notes, no headers.\nSecond line.\n", "not an e-mail message: no From,"),
        (b"From: Jane Doe <jane@exa", "no text in this message (its content: text/plain)"),
        (HEADERS + b"Date: Tue, 05 Ma", 'no text in this message "Test"'),
        (
            HEADERS + b"Content-Type: application/pkcs7-mime; smime-type=enveloped-data\n\n",
            'no text in this message "Test" (its content: application/pkcs7-mime)',
        ),
    ],
    ids=["empty", "blank", "png", "random-bytes", "notes", "cut-header", "cut-date", "smime"],
)
def test_eml_refusals(data: bytes, expected: str) -> None:
    assert refusal(read_eml("m.eml", PATH, data)).startswith(expected)


def test_bad_base64_part_is_read_as_far_as_it_goes() -> None:
    data = (
        HEADERS + b"Content-Type: text/plain; charset=utf-8\n"
        b"Content-Transfer-Encoding: base64\n\n"
        b"VGhlIGZlcnJ5IHJ1bnMgYWdhaW4u*&^%$#\n"  # "The ferry runs again." and junk
    )
    assert eml(data).text.startswith("The ferry runs again.")


def test_bad_quoted_printable_part_is_read() -> None:
    data = (
        HEADERS + b"Content-Type: text/plain; charset=utf-8\n"
        b"Content-Transfer-Encoding: quoted-printable\n\n"
        b"The ferry =ZZruns =E2=80=94 again =\n"
    )
    assert eml(data).text == "The ferry =ZZruns — again"


@pytest.mark.parametrize(
    ("charset", "body", "expected"),
    [
        (b"x-no-such-charset", "Le café ouvre à midi.".encode(), "Le café ouvre à midi."),
        (b"x-no-such-charset", "Le café ouvre à midi.".encode("cp1252"), "Le café ouvre à midi."),
        (b"us-ascii", "Le café ouvre à midi.".encode(), "Le café ouvre à midi."),
        (b"utf-8", "Le café ouvre à midi.".encode("cp1252"), "Le café ouvre à midi."),
        (b"base64", b"Plain words.", "Plain words."),  # a codec, but not a text encoding
    ],
    ids=["unknown-utf8", "unknown-cp1252", "ascii-but-utf8", "utf8-but-cp1252", "not-text-codec"],
)
def test_charset_that_does_not_read_the_bytes(charset: bytes, body: bytes, expected: str) -> None:
    data = HEADERS + b"Content-Type: text/plain; charset=" + charset + b"\n\n" + body + b"\n"
    assert eml(data).text == expected


def test_bytes_no_encoding_reads_become_replacement_characters() -> None:
    assert messages.decode_text(b"caf\xe9 \x00\x00", "x-no-such-charset") == "caf\ufffd \x00\x00"


def test_header_the_parser_chokes_on_still_reads() -> None:
    data = b"From: " + b"(" * 5000 + b"a@example.org\nSubject: Test\n\nThe ferry runs.\n"
    source = eml(data)
    assert source.text == "The ferry runs."
    assert source.hints["title"] == "Test"


@pytest.mark.parametrize(
    "header",
    [
        b"Subject: " + b"=?utf-8?q?a?= " * 50_000,
        b"From: " + b'"a" ' * 50_000 + b"<a@example.org>",
        b"Content-Type: text/plain; " + b"a=b; " * 50_000,
    ],
    ids=["encoded-words", "quoted-names", "parameters"],
)
def test_huge_headers_do_not_hang(header: bytes) -> None:
    data = header + b"\nFrom: a@example.org\nSubject: s\n\nThe ferry runs.\n"
    started = time.monotonic()
    sources, _problems = read_all(read_eml("m.eml", PATH, data))
    assert time.monotonic() - started < 5  # minutes without the header cut
    assert [s.text for s in sources] == ["The ferry runs."]


def nested(depth: int, body_lines: int) -> bytes:
    head = b"".join(
        b'Content-Type: multipart/mixed; boundary="b%d"\n\n--b%d\n' % (n, n) for n in range(depth)
    )
    return HEADERS + head + b"Content-Type: text/plain\n\n" + b"The ferry runs.\n" * body_lines


def test_deep_mime_nesting_is_refused_quickly() -> None:
    started = time.monotonic()
    problem = refusal(read_eml("m.eml", PATH, nested(5000, 200_000)))
    assert problem == "more than 100 nested or enclosed MIME multiparts; not read"
    assert time.monotonic() - started < 5


def test_moderate_nesting_is_read() -> None:
    assert eml(nested(20, 3)).text.startswith("The ferry runs.")


def test_thousands_of_parts_are_refused_quickly() -> None:
    parts = b"".join(b"--b\nContent-Type: text/plain\n\nx\n" for _ in range(50_000))
    data = HEADERS + b'Content-Type: multipart/mixed; boundary="b"\n\n' + parts + b"--b--\n"
    started = time.monotonic()
    assert refusal(read_eml("m.eml", PATH, data)) == "more than 2000 MIME parts; not read"
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "empty file"),
        (bytes(range(256)) * 40, "binary file, not a mailbox"),
        (b"Subject: hello\n\nNot a mailbox.\n", 'not an mbox mailbox: no line starts with "From "'),
    ],
    ids=["empty", "binary", "no-from-line"],
)
def test_mbox_refusals(data: bytes, expected: str) -> None:
    assert refusal(read_mbox("b.mbox", PATH, data)) == expected


def test_mbox_of_hostile_messages_reports_each(tmp_path: Path) -> None:
    envelope = b"From x@example.org Tue Mar  5 10:00:00 2024\n"
    data = b"".join(
        envelope + part + b"\n"
        for part in (
            bytes(message(subject="Fine")),
            nested(500, 10),
            HEADERS,
            bytes(message(subject="Also fine")),
        )
    )
    sources, problems = read_all(read_mbox("b.mbox", PATH, data))
    assert [s.hints["title"] for s in sources] == ["Fine", "Also fine"]
    assert problems == [
        "message 1: more than 100 nested or enclosed MIME multiparts; not read",
        'message 2: no text in this message "Test" (its content: text/plain)',
    ]
