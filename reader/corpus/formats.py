"""Read each supported file format into `SourceText`s: one per article the file holds.

Plain text is taken as it is (the cleaner deals with its furniture); Markdown is rendered by
`markdown` for display and its text taken from the rendered tree; HTML goes through trafilatura,
the reference main-text extractor; JSON and JSON Lines map the field names common in news
datasets (news-please, NewsAPI, Common Crawl news exports, scrapers' own). Which file names
each reader takes is `registry`'s table.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from reader.corpus.html_text import strip_html
from reader.corpus.model import SourceText

FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline", "name"),
    "text": ("text", "body", "maintext", "content", "article", "full_text", "articleBody"),
    "date": (
        "date",
        "date_publish",
        "published",
        "publishedAt",
        "published_at",
        "pubDate",
        "datePublished",
        "date_published",
        "publish_date",
        "created_at",
    ),
    "url": ("url", "link", "canonical_url", "source_url"),
    "source": ("source", "source_domain", "outlet", "publisher", "sitename", "site", "domain"),
    "byline": ("author", "authors", "byline", "creator", "creators"),
    "subtitle": ("subtitle", "description", "dek", "summary"),
}


class RecordError(ValueError):
    """One record of a multi-article file could not be used; the others still can."""


def _first_field(record: dict[str, Any], key: str) -> Any:
    for name in FIELD_NAMES[key]:
        value = record.get(name)
        if value not in (None, "", [], {}):
            return value
    return None


def _as_text(value: Any) -> str | None:
    """Field values come as strings, lists of strings, or objects with a `name`."""
    if value is None:
        return None
    if isinstance(value, dict):
        return _as_text(value.get("name") or value.get("title") or value.get("id"))
    if isinstance(value, list):
        parts = [p for p in (_as_text(v) for v in value) if p]
        return ", ".join(parts) or None
    text = str(value).strip()
    return text or None


_LOOKS_HTML = re.compile(r"<(p|div|br|article|span|h[1-6])\b[^>]*>", re.IGNORECASE)


MAX_HTML_TAGS = 50_000
"""Past this many tags trafilatura's cost (~40 µs an element) outgrows any article page (a
long news page has a few thousand): such markup is read as its visible text instead."""


def html_main_text(html: str | bytes) -> tuple[str, dict[str, Any]]:
    """Main text (paragraphs a blank line apart) and metadata of an HTML page, by trafilatura."""
    import trafilatura  # imported here: its import costs time that plain-text corpora need not pay

    tags = html.count("<") if isinstance(html, str) else html.count(b"<")
    if tags > MAX_HTML_TAGS:
        text = html if isinstance(html, str) else html.decode("utf-8", "replace")
        return strip_html(text), {}

    # favor_precision drops the related-links lists and disclaimers around short posts
    # (F1 .902 -> .911 on the Dragnet pages); where it finds nothing, the default still may.
    doc = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=False,
        favor_precision=True,
    )  # fmt: skip
    if doc is None or not (getattr(doc, "text", None) or "").strip():
        doc = trafilatura.bare_extraction(
            html, with_metadata=True, include_comments=False, include_tables=False
        )
    if doc is None:
        return "", {}
    data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    text = (data.get("text") or "").strip()
    hints = {
        "title": data.get("title"),
        "date": data.get("date"),
        "byline": data.get("author"),
        "source": data.get("sitename") or data.get("hostname"),
        "url": data.get("url"),
        "subtitle": None,
    }
    return "\n\n".join(p.strip() for p in text.split("\n") if p.strip()), hints


def read_text(doc_id: str, path: str, text: str) -> list[SourceText]:
    return [SourceText(id=doc_id, path=path, format="text", text=text, raw=text)]


def read_html(doc_id: str, path: str, text: str) -> list[SourceText]:
    body, hints = html_main_text(text)
    if not body:
        raise RecordError("no article text found in this HTML page")
    return [
        SourceText(
            id=doc_id, path=path, format="html", text=body, raw=text, hints=hints, scraped=False
        )
    ]


_FRONT_MATTER = re.compile(r"\A---\s*\n(?P<meta>.*?)\n---\s*\n", re.DOTALL)


def read_markdown(doc_id: str, path: str, text: str) -> list[SourceText]:
    """Markdown: front matter as hints, the first `#` heading as title, rendered for display."""
    import lxml.html
    import markdown

    hints: dict[str, Any] = {}
    source = text
    match = _FRONT_MATTER.match(text)
    if match:
        for line in match.group("meta").splitlines():
            key, sep, value = line.partition(":")
            if sep and value.strip():
                hints[key.strip().lower()] = value.strip().strip("\"'")
        source = text[match.end() :]
        hints = {k: _first_field(hints, k) for k in FIELD_NAMES if k != "text"}
    rendered = markdown.markdown(source, extensions=["extra", "sane_lists"], output_format="html")
    tree = lxml.html.fragment_fromstring(rendered, create_parent="div")
    blocks: list[str] = []
    for element in tree.iter("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "blockquote", "pre"):
        if element.tag in ("p", "pre") and element.getparent() is not None:
            parent = element.getparent()
            if parent is not None and parent.tag in ("li", "blockquote"):
                continue
        if element.tag == "h1" and not hints.get("title"):
            hints["title"] = element.text_content().strip()
            continue
        content = " ".join(element.text_content().split())
        if content:
            blocks.append(("• " + content) if element.tag == "li" else content)
    return [
        SourceText(
            id=doc_id,
            path=path,
            format="markdown",
            text="\n\n".join(blocks),
            raw=text,
            hints={k: v for k, v in hints.items() if v},
            display_html=rendered,
        )
    ]


def record_to_source(doc_id: str, path: str, record: Any, fmt: str) -> SourceText:
    """One JSON object → one article, mapping the dataset's field names to ours."""
    if not isinstance(record, dict):
        raise RecordError(f"expected a JSON object, found {type(record).__name__}")
    body = _first_field(record, "text")
    if isinstance(body, list):
        body = "\n\n".join(str(p) for p in body)
    if not isinstance(body, str) or not body.strip():
        names = "/".join(FIELD_NAMES["text"][:4])
        raise RecordError(f"no article text (none of the fields {names}, …)")
    hints: dict[str, Any] = {key: _as_text(_first_field(record, key)) for key in FIELD_NAMES}
    hints.pop("text")
    raw_date = _first_field(record, "date")
    hints["date"] = raw_date if isinstance(raw_date, int | float) else _as_text(raw_date)
    if _LOOKS_HTML.search(body):
        body, html_hints = html_main_text(body)
        for key, value in html_hints.items():
            hints[key] = hints.get(key) or value
    raw = json.dumps(record, ensure_ascii=False, indent=2)
    return SourceText(id=doc_id, path=path, format=fmt, text=body, raw=raw, hints=hints)


def read_json(doc_id: str, path: str, text: str) -> Iterator[SourceText | RecordError]:
    """A JSON file: one object, a list of objects, or an object holding such a list."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RecordError(
            f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    except RecursionError:
        raise RecordError("invalid JSON: nested too deeply to be an article") from None
    if isinstance(data, dict):
        for key in ("articles", "items", "data", "results", "documents"):
            if isinstance(data.get(key), list):
                data = data[key]
                break
    if isinstance(data, dict):
        yield record_to_source(doc_id, path, data, "json")
        return
    if not isinstance(data, list):
        raise RecordError("JSON holds neither an article object nor a list of them")
    for n, record in enumerate(data):
        try:
            yield record_to_source(f"{doc_id}#{n}", path, record, "json")
        except RecordError as exc:
            yield RecordError(f"item {n}: {exc}")


def read_jsonl(doc_id: str, path: str, text: str) -> Iterator[SourceText | RecordError]:
    """JSON Lines: one article per line; a broken line is reported and the rest still read."""
    n = -1
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        n += 1
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield RecordError(f"line {lineno}: invalid JSON (column {exc.colno}: {exc.msg})")
            continue
        except RecursionError:
            yield RecordError(f"line {lineno}: invalid JSON (nested too deeply)")
            continue
        try:
            yield record_to_source(f"{doc_id}#{n}", path, record, "jsonl")
        except RecordError as exc:
            yield RecordError(f"line {lineno}: {exc}")
