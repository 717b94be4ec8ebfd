"""E-mail: one article per message, from a single message (.eml) or an mbox mailbox.

The standard library's `email` package with `policy.default` decodes MIME, RFC 2047 headers
and RFC 2231 file names. Its modern header parser takes minutes over some crafted headers
(50,000 encoded words in a Subject: 50 s), so headers are cut at `MAX_HEADER_CHARS` before it
sees them, and a message whose MIME structure would make the parser crawl (very deep nesting,
thousands of parts) is refused before parsing.

An mbox is split here on its "From " lines, by the rule `mailbox.mbox` follows, rather than
read with `mailbox`, which needs a file: the bytes are already in memory, and a temporary copy
(often on a RAM-backed /tmp) would hold the whole mailbox a second time. Each message is parsed
from its own slice, one at a time. Like `mailbox`, ">From " lines are left as they are.
"""

from __future__ import annotations

import dataclasses
import re
import warnings
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from email.headerregistry import BaseHeader, HeaderRegistry
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.policy import default as default_policy
from email.utils import collapse_rfc2231_value, parseaddr, parsedate_to_datetime
from itertools import islice
from pathlib import PurePosixPath
from typing import Any

from reader.corpus.decoding import UnreadableText, decode_bytes, looks_binary
from reader.corpus.feeds import html_body_text, moment_hints
from reader.corpus.formats import RecordError
from reader.corpus.html_text import paragraphs
from reader.corpus.model import SourceText

AttachmentReader = Callable[[str, str, bytes], Iterable[SourceText | RecordError]]
"""Called as `reader(attachment_id, path, payload)`; it dispatches by the id's suffix."""

DOCUMENT_SUFFIXES = frozenset({".pdf", ".docx", ".odt", ".rtf", ".txt", ".html", ".htm", ".md"})
"""Attachments with these suffixes are documents, read as articles of their own."""
MAX_HEADER_CHARS = 4096
"""A header is cut to this length before it is parsed: no Subject, From or Content-Type a
person sends is longer, and the header parser slows down with the square of the length."""
MAX_MULTIPARTS = 100
"""More multipart declarations than this and the message is refused: the parser checks each
line against every enclosing boundary, so time grows with nesting depth times length."""
MAX_PARTS = 2000
"""More MIME parts than this and the message is refused (0.2 ms of parsing each)."""

_KNOWN_HEADERS = (
    "from", "date", "subject", "message-id", "to", "sender", "mime-version", "content-type",
    "received", "return-path",
)  # fmt: skip
_BOUNDARY = re.compile(rb'boundary\*?0?\*?\s*=\s*(?:"([^"\r\n]*)"|([^\s;]+))', re.IGNORECASE)
_FROM_LINE = re.compile(rb"^From ", re.MULTILINE)
_HEADER_LINE = re.compile(rb"\A(?:From |[\x21-\x39\x3b-\x7e]+:)")
_ENVELOPE_DATE = re.compile(r"(\w{3}\s+\w{3}\s+\d{1,2}\s+\d{1,2}:\d\d:\d\d\s+\d{4})\s*$")
_BASE64_RUN = re.compile(r"(?:^[A-Za-z0-9+/]{40,}={0,2}[ \t]*\r?\n){8,}", re.MULTILINE)
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f#/\\]+")


class _BoundedHeaders(HeaderRegistry):
    """policy.default's header registry, with every header cut to `MAX_HEADER_CHARS`."""

    def __call__(self, name: str, value: Any) -> BaseHeader:
        if isinstance(value, str) and len(value) > MAX_HEADER_CHARS:
            value = value[:MAX_HEADER_CHARS]
        return super().__call__(name, value)


POLICY = default_policy.clone(header_factory=_BoundedHeaders())


def _structure_problem(data: bytes) -> str | None:
    """Why parsing this message could take minutes, found by a linear scan, or None."""
    boundaries: set[bytes] = set()
    declared = 0
    for match in _BOUNDARY.finditer(data):
        declared += 1
        if declared > MAX_MULTIPARTS:
            return f"more than {MAX_MULTIPARTS} nested or enclosed MIME multiparts; not read"
        boundary = (match.group(1) if match.group(1) is not None else match.group(2)).rstrip()
        if boundary:
            boundaries.add(boundary)
    if boundaries:
        pattern = rb"^--(?:" + rb"|".join(re.escape(b) for b in boundaries) + rb")"
        delimiters = re.finditer(pattern, data, re.MULTILINE)
        limit = MAX_PARTS + declared
        if sum(1 for _ in islice(delimiters, limit + 1)) > limit:
            return f"more than {MAX_PARTS} MIME parts; not read"
    return None


def _header(msg: Message, name: str) -> str:
    """A header's decoded value, or its raw text where the parser cannot make sense of it."""
    try:
        value = msg.get(name)
        return " ".join(str(value).split()) if value is not None else ""
    except Exception:  # the header parser's own bugs (IndexError, RecursionError) on odd input
        for key, raw in msg.raw_items():
            if key.lower() == name:
                return " ".join(str(raw).split())[:MAX_HEADER_CHARS]
        return ""


def _sender_source(msg: Message, sender: str) -> str | None:
    """The From display name ("The Harbour Gazette"), or the address's domain without one."""
    name, address = "", ""
    try:
        header = msg.get("from")
        addresses = getattr(header, "addresses", ())
        if addresses:
            name, address = addresses[0].display_name, addresses[0].addr_spec
    except Exception:
        pass
    if not (name or address):
        try:
            name, address = parseaddr(sender)
        except Exception:  # RecursionError on thousands of nested comments
            return None
    name = " ".join(name.split()).strip("\"' ")
    if name and "@" not in name:
        return name
    domain = address.rpartition("@")[2].strip().strip(">").lower()
    return domain or None


def _date_hints(msg: Message) -> dict[str, str]:
    """From the Date header, or the mbox "From " line's date where the header is missing."""
    raw = _header(msg, "date")
    if raw:
        try:
            return moment_hints(parsedate_to_datetime(raw))
        except (TypeError, ValueError, IndexError, OverflowError):
            pass
    match = _ENVELOPE_DATE.search(msg.get_unixfrom() or "")
    if match:
        try:
            moment = datetime.strptime(" ".join(match.group(1).split()), "%a %b %d %H:%M:%S %Y")
        except ValueError:
            return {}
        return moment_hints(moment)
    return {}


def decode_text(payload: bytes, charset: str | None) -> str:
    """A text part's bytes as text: its declared charset when that reads them; otherwise (no
    charset, one that does not exist, one the bytes are not in) the encoding detected as for
    plain text files, and UTF-8 with replacement characters as the last resort."""
    if charset:
        try:
            return payload.decode(charset)
        except (LookupError, UnicodeDecodeError, ValueError):
            pass
    try:
        return decode_bytes(payload)[0]
    except UnreadableText:
        return payload.decode("utf-8", errors="replace")


def _part_bytes(part: Message) -> bytes:
    payload = part.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""


def _part_text(part: Message) -> str:
    return decode_text(_part_bytes(part), part.get_content_charset())


def _unflow(text: str, delsp: bool) -> str:
    """RFC 3676 format=flowed: a line ending in a space runs on into the next one."""
    out: list[str] = []
    joined = ""
    for line in text.replace("\r\n", "\n").split("\n"):
        if line.startswith(" "):
            line = line[1:]  # space-stuffing
        if line != "-- " and line.endswith(" "):
            joined += line[:-1] if delsp else line
            continue
        out.append(joined + line)
        joined = ""
    if joined:
        out.append(joined)
    return "\n".join(out)


def _param(part: Message, name: str) -> str:
    """A Content-Type parameter, lower case ("" when missing)."""
    value = part.get_param(name)
    if isinstance(value, tuple):
        value = collapse_rfc2231_value(value)
    return str(value or "").strip().lower()


def _plain_body(part: Message) -> str:
    text = _part_text(part).replace("\r\n", "\n")
    if _param(part, "format") == "flowed":
        text = _unflow(text, _param(part, "delsp") == "yes")
    lines = text.split("\n")
    if "-- " in lines:  # the signature separator (RFC 3676 §4.3): a signature is no story
        cut = len(lines) - 1 - lines[::-1].index("-- ")
        lines = lines[:cut]
    return paragraphs("\n".join(lines), collapse_spaces=False)


def readable_source(data: bytes) -> str:
    """The message's source as text, with runs of base64 (attachments, images) shown as one
    line: they are unreadable, and would make every mail's copy in the index megabytes."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    text = text.replace("\r\n", "\n")

    def placeholder(match: re.Match[str]) -> str:
        lines = match.group(0).count("\n")
        return f"[{lines} lines of base64 data, {len(match.group(0)) // 1024} KB, not shown]\n"

    return _BASE64_RUN.sub(placeholder, text)


def _safe_name(filename: str, used: set[str]) -> str:
    """The attachment's base name, without path parts or the '#' and '/' that ids use."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = " ".join(_UNSAFE_NAME.sub("_", name).split())
    suffix = PurePosixPath(name).suffix  # kept whole: the registry reads by it
    stem = name[: len(name) - len(suffix)].strip(". ")[:150] or "attachment"
    candidate, n = stem + suffix, 1
    while candidate.casefold() in used:
        n += 1
        candidate = f"{stem}-{n}{suffix}"
    used.add(candidate.casefold())
    return candidate


@dataclasses.dataclass
class _Parsed:
    source: SourceText | None
    attachments: list[tuple[str, bytes]]


def _parse_message(
    message_id: str, path: str, data: bytes, fmt: str, read_attachments: bool
) -> _Parsed:
    """The message's article and its document attachments (raises RecordError)."""
    problem = _structure_problem(data)
    if problem:
        raise RecordError(problem)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            msg = BytesParser(policy=POLICY).parsebytes(data)
            return _read_message(message_id, path, data, msg, fmt, read_attachments)
    except RecordError:
        raise
    except RecursionError:
        raise RecordError("MIME parts nested too deeply to read") from None
    except Exception as exc:  # the email package's bugs on odd input
        raise RecordError(f"could not be read ({type(exc).__name__}: {exc})") from None


def _read_message(
    message_id: str,
    path: str,
    data: bytes,
    msg: EmailMessage,
    fmt: str,
    read_attachments: bool,
) -> _Parsed:
    if not any(name in msg for name in _KNOWN_HEADERS):
        raise RecordError("not an e-mail message: no From, Date, Subject or Message-ID header")
    body = msg.get_body(preferencelist=("plain",))
    text, extracted = (_plain_body(body), False) if body is not None else ("", False)
    if not text:
        html_part = msg.get_body(preferencelist=("html",))
        if html_part is not None:
            body = html_part
            text, extracted = html_body_text(_part_text(html_part))
    attachments: list[tuple[str, bytes]] = []
    if read_attachments:
        used: set[str] = set()
        for part in msg.walk():
            if part is body or part.is_multipart():
                continue
            filename = part.get_filename()
            if not filename or PurePosixPath(filename).suffix.lower() not in DOCUMENT_SUFFIXES:
                continue
            attachments.append((_safe_name(filename, used), _part_bytes(part)))
    subject = _header(msg, "subject")
    if not text:
        if attachments:
            return _Parsed(None, attachments)
        about = f' "{subject}"' if subject else ""
        raise RecordError(f"no text in this message{about} (its content: {msg.get_content_type()})")
    sender = _header(msg, "from")
    hints: dict[str, Any] = {
        "title": subject or None,
        "source": _sender_source(msg, sender),
        "sender": sender or None,
        "message_id": _header(msg, "message-id").strip("<>") or None,
        **_date_hints(msg),
    }
    source = SourceText(
        id=message_id,
        path=path,
        format=fmt,
        text=text,
        raw=readable_source(data),
        hints={key: value for key, value in hints.items() if value is not None},
        scraped=not extracted,
    )
    return _Parsed(source, attachments)


def _attachment_sources(
    message_id: str, base: str, path: str, name: str, payload: bytes, reader: AttachmentReader
) -> Iterator[SourceText | RecordError]:
    """The registry's reader on one attachment (id `base/NAME`), its problems named after the
    attachment."""
    if not payload:
        yield RecordError(f"attachment {name}: empty")
        return
    try:
        for item in reader(f"{base}/{name}", path, payload):
            if isinstance(item, RecordError):
                yield RecordError(f"attachment {name}: {item}")
            else:
                hints = {**item.hints, "attachment_of": message_id}
                yield dataclasses.replace(item, hints=hints)
    except RecordError as exc:
        yield RecordError(f"attachment {name}: {exc}")
    except Exception as exc:  # a document reader's failure must not lose the message
        yield RecordError(f"attachment {name}: could not be read ({type(exc).__name__}: {exc})")


def _message_sources(
    message_id: str,
    path: str,
    data: bytes,
    fmt: str,
    attachment_reader: AttachmentReader | None,
    base: str,
) -> Iterator[SourceText | RecordError]:
    """A message's article, then its attachments' (ids `base/NAME`)."""
    parsed = _parse_message(message_id, path, data, fmt, attachment_reader is not None)
    if parsed.source is not None:
        yield parsed.source
    if attachment_reader is not None:
        for name, payload in parsed.attachments:
            yield from _attachment_sources(message_id, base, path, name, payload,
                                           attachment_reader)  # fmt: skip


def _refuse_binary(data: bytes, what: str) -> None:
    if not data.strip():
        raise RecordError("empty file")
    if looks_binary(data) and not _HEADER_LINE.match(data):
        raise RecordError(f"binary file, not {what}")


def read_eml(
    doc_id: str, path: str, data: bytes, attachment_reader: AttachmentReader | None = None
) -> Iterator[SourceText | RecordError]:
    """One e-mail message: its article (id `doc_id`), then its document attachments
    (`doc_id#0/NAME`: the file's message 0, as a mailbox's message k is `box#k`). Raises
    RecordError when the file is not a readable message."""
    _refuse_binary(data, "an e-mail message")
    yield from _message_sources(doc_id, path, data, "eml", attachment_reader, f"{doc_id}#0")


def read_mbox(
    doc_id: str, path: str, data: bytes, attachment_reader: AttachmentReader | None = None
) -> Iterator[SourceText | RecordError]:
    """An mbox mailbox: message k (from 0, in file order) is `doc_id#k`, its attachments
    `doc_id#k/NAME`. A message that cannot be read is yielded as a RecordError ("message k:
    ...") and the rest are read."""
    _refuse_binary(data, "a mailbox")
    starts = _FROM_LINE.finditer(data)
    first = next(starts, None)
    if first is None:
        raise RecordError('not an mbox mailbox: no line starts with "From "')
    if data[: first.start()].strip():
        yield RecordError('text before the first "From " line is not in any message; skipped')
    k, start = 0, first.start()
    while start < len(data):
        following = next(starts, None)
        end = following.start() if following else len(data)
        chunk = data[start:end]
        try:
            message = f"{doc_id}#{k}"
            for item in _message_sources(message, path, chunk, "mbox", attachment_reader, message):
                yield RecordError(f"message {k}: {item}") if isinstance(item, RecordError) else item
        except RecordError as exc:
            yield RecordError(f"message {k}: {exc}")
        k, start = k + 1, end
