"""RSS and Atom feeds: one article per entry, parsed by feedparser.

feedparser reads every RSS and Atom dialect, survives malformed XML (its loose parser) and
sanitizes entry HTML. It does expand XML entities a feed declares in its DOCTYPE (one level:
a 600 KB feed with one 200 KB entity referred to 2,000 times becomes a 400 MB entry), so every
feed first goes through defusedxml's expat reader, and through a look at the prolog for the
malformed feeds expat gives up on, and a feed that declares entities is refused.

`html_body_text` is shared with `reader.corpus.messages` (e-mail HTML bodies).
"""

from __future__ import annotations

import io
import re
import time
import warnings
import xml.sax
import xml.sax.handler
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from reader.corpus.decoding import MAX_ARTICLE_BYTES, looks_binary
from reader.corpus.formats import RecordError, html_main_text
from reader.corpus.html_text import paragraphs, strip_html
from reader.corpus.model import SourceText

SHORT_HTML_CHARS = 500
"""HTML whose visible text is shorter than this (a feed's teaser, a one-line e-mail) is taken
as it is: trafilatura, made for whole pages, finds no main text in a sentence or two."""
TRAFILATURA_MAX_CHARS = 1_000_000
"""Longer HTML is stripped to its text instead: trafilatura takes about half a second a
megabyte, and no article's markup is this long unless something is padding it."""
MAX_ENTRY_CHARS = MAX_ARTICLE_BYTES
"""An entry's content larger than this is refused, as an article file that large is."""


def html_body_text(html: str) -> tuple[str, bool]:
    """(text, extracted): an HTML body's text, and whether trafilatura extracted it.

    Extracted text has had page furniture removed, so it is not used to learn a site's
    boilerplate (`SourceText.scraped` is False for it). Short HTML, very long HTML and HTML
    in which trafilatura finds nothing are stripped to their text instead.
    """
    stripped = strip_html(html)
    if len(stripped) < SHORT_HTML_CHARS or len(html) > TRAFILATURA_MAX_CHARS:
        return stripped, False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            text, _hints = html_main_text(html)
    except Exception:  # an extractor's failure on odd markup: the stripped text still reads
        text = ""
    if text.strip():
        return text, True
    return stripped, False


def moment_hints(moment: datetime, *, has_time: bool = True) -> dict[str, str]:
    """`date` (YYYY-MM-DD, the local date where it was written) and `datetime` hints."""
    hints = {"date": moment.date().isoformat()}
    if has_time:
        hints["datetime"] = moment.isoformat(timespec="minutes")
    return hints


def _entry_moment(raw: str | None, parsed: time.struct_time | None) -> dict[str, str]:
    """The entry's own date string keeps its time zone (feedparser's parsed form is UTC,
    which moves an evening story in New York to the next day)."""
    text = (raw or "").strip()
    if text:
        try:
            return moment_hints(parsedate_to_datetime(text))  # RSS: RFC 822
        except (TypeError, ValueError, IndexError, OverflowError):
            pass
        try:
            moment = datetime.fromisoformat(text)  # Atom: RFC 3339
        except ValueError:
            pass
        else:
            return moment_hints(moment, has_time=len(text) > 10)
    if parsed is not None:
        try:
            return moment_hints(datetime(*parsed[:6], tzinfo=UTC))
        except (TypeError, ValueError, OverflowError):
            pass
    return {}


@dataclass
class _Entry:
    """What is used of a feedparser entry, copied out while its warnings are silenced."""

    title: str = ""
    title_is_html: bool = False
    link: str = ""
    published: str | None = None
    published_parsed: time.struct_time | None = None
    updated: str | None = None
    updated_parsed: time.struct_time | None = None
    authors: list[str] = field(default_factory=list)
    entry_id: str = ""
    tags: list[str] = field(default_factory=list)
    source_title: str = ""
    content: str = ""
    content_is_html: bool = False
    summary: str = ""
    summary_is_html: bool = False


def _str(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _is_html(detail: Any) -> bool:
    kind = _str(detail.get("type")) if isinstance(detail, dict) else ""
    return "html" in kind or not kind


_RSS_AUTHOR = re.compile(r"^\S+@\S+\s*\(([^()]+)\)$")


def _author_names(entry: Any) -> list[str]:
    """Names only. RSS writes `jane@example.com (Jane Doe)`, which feedparser splits wrongly
    when the domain's last label is longer than four letters; with several Atom authors it
    gives each the first one's e-mail address."""
    rss_author = _RSS_AUTHOR.match(_str(entry.get("author")))
    if rss_author:
        return [" ".join(rss_author.group(1).split())]
    names = [_str(a.get("name")) for a in entry.get("authors") or [] if isinstance(a, dict)]
    names = [n for n in names if n]
    if not names:
        detail = entry.get("author_detail")
        name = _str(detail.get("name")) if isinstance(detail, dict) else ""
        author = _str(entry.get("author"))
        names = [name] if name else [author] if author and "@" not in author else []
    return list(dict.fromkeys(names))


def _copy_entry(entry: Any) -> _Entry:
    contents = [
        c for c in entry.get("content") or [] if isinstance(c, dict) and _str(c.get("value"))
    ]
    best = max(contents, key=lambda c: len(c["value"]), default=None)
    source = entry.get("source")
    published_parsed = entry.get("published_parsed")
    updated_parsed = entry.get("updated_parsed")
    return _Entry(
        title=_str(entry.get("title")),
        title_is_html=_is_html(entry.get("title_detail")),
        link=_str(entry.get("link")),
        published=_str(entry.get("published")) or None,
        published_parsed=published_parsed
        if isinstance(published_parsed, time.struct_time)
        else None,
        updated=_str(entry.get("updated")) or None,
        updated_parsed=updated_parsed if isinstance(updated_parsed, time.struct_time) else None,
        authors=_author_names(entry),
        entry_id=_str(entry.get("id")),
        tags=[_str(t.get("term")) for t in entry.get("tags") or [] if isinstance(t, dict)],
        source_title=_str(source.get("title")) if isinstance(source, dict) else "",
        content=best["value"] if best else "",
        content_is_html=_is_html(best) if best else False,
        summary=_str(entry.get("summary")),
        summary_is_html=_is_html(entry.get("summary_detail")),
    )


@dataclass
class _Feed:
    fmt: str
    title: str
    entries: list[_Entry]


_XML_ERRORS = {
    "syntax error": "not XML",
    "no element found": "the XML ends before its first element does (cut short?)",
}


def _describe_bozo(exc: Any) -> str:
    """Expat's message, without its line and column: feedparser adds and removes lines (an
    XML declaration, the DOCTYPE) before expat sees the text, so they would mislead."""
    if isinstance(exc, xml.sax.SAXParseException):
        message = str(exc.getMessage())
        return _XML_ERRORS.get(message, f"invalid XML ({message})")
    return str(exc) or type(exc).__name__


def _parse(data: bytes) -> _Feed:
    """Run feedparser and copy out what is used, all within one `catch_warnings` block (not
    held open across the reader's `yield`s, where it would silence the caller's warnings)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import feedparser

        # A BytesIO, never the bytes: feedparser opens a str or bytes argument as a URL or a
        # file name when it can, and a feed file's contents are not to choose what is read.
        try:
            result = feedparser.parse(io.BytesIO(data), sanitize_html=True)
        except (ValueError, LookupError, ArithmeticError, UnicodeError) as exc:
            # feedparser's loose parser on hostile markup: a character reference past
            # Unicode, a surrogate, an encoding that does not exist
            raise RecordError(f"not a feed: {type(exc).__name__}: {exc}") from None
        raw_entries = list(result.get("entries") or [])
        if not raw_entries:
            if result.get("bozo"):
                reason = _describe_bozo(result.get("bozo_exception"))
                raise RecordError(f"not a feed: {reason}")
            if not result.get("version"):
                raise RecordError("not a feed: no RSS channel or Atom feed element")
            raise RecordError("the feed has no entries")
        version = _str(result.get("version"))
        feed = result.get("feed") or {}
        title = _str(feed.get("title")) if isinstance(feed, dict) else ""
        entries = [_copy_entry(entry) for entry in raw_entries]
    return _Feed(fmt="atom" if version.startswith("atom") else "rss", title=title, entries=entries)


def _utf8_view(data: bytes) -> bytes:
    """The feed as feedparser sees it, in UTF-8 (its entity handling works on that)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import feedparser.encodings

            converted = feedparser.encodings.convert_to_utf8({}, data, {})
        return converted if isinstance(converted, bytes) else data
    except Exception:
        return data


_FIRST_ELEMENT = re.compile(rb"<\w")
_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)


def entity_refusal(data: bytes) -> str | None:
    """Why this feed must not be parsed (it declares XML entities), or None.

    defusedxml's expat reader stops at the first entity declaration or external reference.
    Expat gives up on a malformed feed before that point when the damage comes first;
    feedparser then reads it loosely, keeping the entity declarations of its prolog, so the
    prolog (what comes before the first element) is searched for declarations as well.
    """
    import defusedxml
    import defusedxml.sax

    try:
        defusedxml.sax.parseString(
            data,
            xml.sax.handler.ContentHandler(),
            forbid_dtd=False,  # RSS 0.91's DOCTYPE names a DTD, harmlessly: it is never read
            forbid_entities=True,
            forbid_external=True,
        )
    except defusedxml.EntitiesForbidden as exc:
        return f'declares the XML entity "{exc.name}"'
    except defusedxml.ExternalReferenceForbidden as exc:
        # No context: the DOCTYPE's external DTD (RSS 0.91 names Netscape's), which neither
        # expat nor feedparser ever fetches, and which comes after the internal declarations.
        if exc.context is not None:
            return f"refers to an external XML entity ({exc.sysid})"
    except (xml.sax.SAXException, ValueError, OSError, LookupError):
        pass  # malformed: feedparser may still read it, and the look below is what counts
    view = _utf8_view(data)
    first = _FIRST_ELEMENT.search(view)
    prolog = view[: first.start()] if first else view
    if _ENTITY_DECLARATION.search(prolog):
        return "declares XML entities"
    return None


_TEXT_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_WIDE_STARTS = (b"<\x00", b"\x00<", b"\x00\x00\x00<", b"<\x00\x00\x00")


def _check_bytes(data: bytes) -> None:
    if not data.strip():
        raise RecordError("empty file")
    if data.startswith(_TEXT_BOMS) or data.lstrip(b" \t\r\n").startswith(_WIDE_STARTS):
        return  # UTF-16 and UTF-32 feeds are full of NUL bytes
    if looks_binary(data):
        raise RecordError("binary file, not a feed")


def _entry_text(entry: _Entry) -> tuple[str, str, bool]:
    """(text, the markup it came from, extracted by trafilatura)."""
    value, is_html = (
        (entry.content, entry.content_is_html)
        if entry.content.strip()
        else (entry.summary, entry.summary_is_html)
    )
    if len(value) > MAX_ENTRY_CHARS:
        raise RecordError(
            f"too large for an article ({len(value) / 1024**2:.1f} MB of content; limit "
            f"{MAX_ENTRY_CHARS / 1024**2:.0f} MB); skipped"
        )
    if not value.strip():
        return "", "", False
    if is_html:
        text, extracted = html_body_text(value)
        return text, value, extracted
    return paragraphs(value, collapse_spaces=False), value, False


def _normal(text: str) -> str:
    return " ".join(text.split()).casefold()


def _subtitle(entry: _Entry, body: str) -> str | None:
    """The summary, when the text is the full content and the summary is a standfirst rather
    than the opening of the text cut short."""
    if not entry.content.strip() or not entry.summary:
        return None
    summary = strip_html(entry.summary) if entry.summary_is_html else entry.summary
    summary = " ".join(summary.split())
    if not summary or len(summary) > 300:
        return None
    opening = _normal(summary).rstrip(".… ").removesuffix("[…]").removesuffix("[...]").strip()
    return None if _normal(body).startswith(opening) else summary


def _raw(entry: _Entry, markup: str) -> str:
    """The entry as `key: value` lines, then its content as the feed gave it."""
    lines = [
        f"{key}: {value}"
        for key, value in (
            ("title", entry.title),
            ("link", entry.link),
            ("published", entry.published),
            ("updated", entry.updated if entry.updated != entry.published else None),
            ("author", ", ".join(entry.authors)),
            ("source", entry.source_title),
            ("id", entry.entry_id),
            ("tags", ", ".join(t for t in entry.tags if t)),
            ("summary", " ".join(entry.summary.split()) if entry.content.strip() else ""),
        )
        if value
    ]
    return "\n".join(lines) + ("\n\n" + markup if markup else "")


def _entry_source(entry_id: str, path: str, entry: _Entry, feed: _Feed) -> SourceText:
    title = entry.title
    if title and entry.title_is_html and "<" in title:
        title = " ".join(strip_html(title).split())
    text, markup, extracted = _entry_text(entry)
    hints: dict[str, Any] = {
        "title": title or None,
        "url": entry.link or None,
        "byline": ", ".join(entry.authors) or None,
        # An aggregator's entry names the outlet it comes from (RSS <source>); the feed's
        # own title is the aggregator's.
        "source": entry.source_title or feed.title or None,
    }
    hints.update(
        _entry_moment(entry.published, entry.published_parsed)
        or _entry_moment(entry.updated, entry.updated_parsed)
    )
    if not text:
        if not (title and entry.link):
            raise RecordError("no text, and no title and link to stand for it")
        text = title
        hints["title_only"] = True
    else:
        hints["subtitle"] = _subtitle(entry, text)
    return SourceText(
        id=entry_id,
        path=path,
        format=feed.fmt,
        text=text,
        raw=_raw(entry, markup),
        hints={key: value for key, value in hints.items() if value is not None},
        scraped=not extracted,
    )


def read_feed(doc_id: str, path: str, data: bytes) -> Iterator[SourceText | RecordError]:
    """An RSS or Atom feed: one article per entry, ids `doc_id#n` from 0 in feed order.

    Raises RecordError for a file that is not a feed at all, or one that declares XML
    entities; an entry that cannot be used is yielded as a RecordError and the rest are read.
    """
    _check_bytes(data)
    refusal = entity_refusal(data)
    if refusal:
        raise RecordError(
            f"refused: the feed {refusal}, which can expand to gigabytes (the 'billion "
            "laughs' attack) or pull in other files; news feeds do not need them"
        )
    feed = _parse(data)
    for n, entry in enumerate(feed.entries):
        try:
            yield _entry_source(f"{doc_id}#{n}", path, entry, feed)
        except RecordError as exc:
            yield RecordError(f"entry {n}: {exc}")
        except Exception as exc:  # one odd entry must not lose the others
            yield RecordError(f"entry {n}: could not be read ({type(exc).__name__}: {exc})")
