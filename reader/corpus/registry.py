"""Which reader reads which file: the formats the import knows, by file name.

Each format is one function from a file's bytes to its articles (`SourceText`s) and the
records it could not use (`RecordError`s); a reader of text decodes first (charset
detection: `decoding`). A file that no format claims is skipped, with the reason, so the
import can name it instead of counting it silently.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from reader.corpus import documents, exports, feeds, formats, messages, tables, webarchive
from reader.corpus.decoding import UnreadableText, decode_bytes
from reader.corpus.formats import RecordError
from reader.corpus.html_text import rough_text, strip_html
from reader.corpus.model import SourceText

Found = Iterable[SourceText | RecordError]
Reader = Callable[[str, str, bytes], Found]
"""`read(doc_id, path shown to the user, data)`: the file's articles, and a `RecordError` per
record that could not be used; raises `RecordError` when the whole file cannot be."""
TextReader = Callable[[str, str, str], Found]


@dataclass(frozen=True, slots=True)
class Format:
    """One file format: its name (an article's `format`), the file name endings it claims,
    its reader, and whether a file holds many articles (ids `file#N`, grouped by outlet for
    learning furniture, and allowed to be as large as an archive)."""

    name: str
    suffixes: tuple[str, ...]
    read: Reader
    many: bool = False
    names: tuple[str, ...] = ()
    """The `format` its articles carry when not `name` alone (a feed's are "rss" or "atom")."""
    max_bytes: int | None = None
    """Largest file read; None: the import's limit for one article, or for an archive when
    `many`."""


def decoded(reader: TextReader) -> Reader:
    """A reader of text as a reader of bytes: decoded first, any encoding detected."""

    def read(doc_id: str, path: str, data: bytes) -> Iterator[SourceText | RecordError]:
        try:
            text, _encoding = decode_bytes(data)
        except UnreadableText as exc:
            raise RecordError(str(exc)) from None
        yield from reader(doc_id, path, text)

    return read


def read_attachment(attachment_id: str, path: str, data: bytes) -> Found:
    """An e-mail's attached document, read by the format its name says (`id/NAME`); nothing
    for a file no format reads, and never a message or mailbox inside a message."""
    fmt = format_of(attachment_id.rsplit("/", 1)[-1])
    if fmt is None or fmt.name in ("eml", "mbox"):
        return ()
    return fmt.read(attachment_id, path, data)


def _read_eml(doc_id: str, path: str, data: bytes) -> Found:
    return messages.read_eml(doc_id, path, data, read_attachment)


def _read_mbox(doc_id: str, path: str, data: bytes) -> Found:
    return messages.read_mbox(doc_id, path, data, read_attachment)


def _exported(doc_id: str, path: str, fmt: str, text: str) -> list[SourceText] | None:
    """The articles of a news-database export (LexisNexis, Nexis Uni, Factiva), `file#N`;
    None when the text is not one."""
    found = exports.split_export(text) if exports.detect_export(text) else None
    if not found:
        return None
    out = []
    for n, item in enumerate(found):
        hints = {k: v for k, v in item.hints.items() if v not in (None, "", {}) and k != "fields"}
        if item.hints.get("fields"):
            hints["database_fields"] = item.hints["fields"]
        if item.title:
            hints["title"] = item.title
        out.append(SourceText(id=f"{doc_id}#{n}", path=path, format=fmt, text=item.text,
                              raw=item.text, hints=hints, scraped=False))  # fmt: skip
    return out


def with_exports(read: Reader, fmt: str, *, html: bool = False) -> Reader:
    """A document reader that first asks whether the document is a news-database export of
    many articles, and splits it when it is (the export's text: the raw text, or an HTML
    export's visible text block by block)."""

    def reader(doc_id: str, path: str, data: bytes) -> Iterator[SourceText | RecordError]:
        items = list(read(doc_id, path, data))
        sources = [item for item in items if isinstance(item, SourceText)]
        if len(sources) == 1:
            text = sources[0].raw
            if html:  # parsed again only when its markers say it may be an export
                text = strip_html(text) if exports.detect_export(rough_text(text)) else ""
            split = _exported(doc_id, path, fmt, text)
            if split is not None:
                yield from split
                yield from (item for item in items if isinstance(item, RecordError))
                return
        yield from items

    return reader


DOCUMENT_BYTES = 128 * 1024**2
"""A PDF of one article may carry pictures and fonts: far larger than its text."""

FORMATS: list[Format] = [
    Format("text", (".txt", ".text"), with_exports(decoded(formats.read_text), "text")),
    Format("markdown", (".md", ".markdown"), decoded(formats.read_markdown)),
    Format(
        "html",
        (".html", ".htm", ".xhtml"),
        with_exports(decoded(formats.read_html), "html", html=True),
    ),
    Format("json", (".json",), decoded(formats.read_json), many=True),
    Format("jsonl", (".jsonl", ".ndjson"), decoded(formats.read_jsonl), many=True),
    Format("csv", (".csv",), tables.read_csv, many=True),
    Format("tsv", (".tsv", ".tab"), tables.read_tsv, many=True),
    Format("xlsx", (".xlsx",), tables.read_xlsx, many=True),
    Format("warc", (".warc", ".warc.gz", ".arc", ".arc.gz"), webarchive.read_warc, many=True),
    Format("feed", (".rss", ".atom", ".xml"), feeds.read_feed, many=True, names=("rss", "atom")),
    Format("pdf", (".pdf",), with_exports(documents.read_pdf, "pdf"), max_bytes=DOCUMENT_BYTES),
    Format("docx", (".docx",), with_exports(documents.read_docx, "docx")),
    Format("odt", (".odt",), with_exports(documents.read_odt, "odt")),
    Format("rtf", (".rtf",), with_exports(documents.read_rtf, "rtf")),
    Format("eml", (".eml",), _read_eml),
    Format("mbox", (".mbox", ".mbx"), _read_mbox, many=True),
]
"""Every format the import reads, in the order a file name is matched against them."""


NOTE_NAMES = frozenset({"readme", "license", "licence", "copying", "changelog", "notice"})
"""A data set's own notes ("README.TXT" in the BBC corpus) describe the corpus; they are not
articles in it."""


def _suffix_of(name: str) -> str:
    """The longest known ending of a file name (`.warc.gz` before `.gz`), else its suffix."""
    lowered = name.lower()
    known = [s for f in FORMATS for s in f.suffixes if lowered.endswith(s)]
    if known:
        return max(known, key=len)
    return Path(lowered).suffix


def format_of(path: Path | str) -> Format | None:
    """The format that reads this file, by its name; None when no format does."""
    suffix = _suffix_of(Path(path).name)
    return next((f for f in FORMATS if suffix in f.suffixes), None)


def is_many(format_name: str) -> bool:
    """Whether articles of this format come many to a file (records, entries, messages)."""
    return any(f.many for f in FORMATS if format_name in (f.name, *f.names))


def skip_reason(path: Path | str) -> str | None:
    """Why the import does not read this file, in words; None when it reads it."""
    name = Path(path).name
    suffix = _suffix_of(name)
    if format_of(path) is None:
        return f"not an article format ({suffix})" if suffix else "not an article format"
    stem = name[: len(name) - len(suffix)] if suffix else name
    if stem.casefold() in NOTE_NAMES:
        return "a data set's notes, not an article"
    return None
