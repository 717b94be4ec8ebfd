"""From a format's `SourceText` to a clean `Article`: cleaning plus metadata."""

from __future__ import annotations

import hashlib

from reader.corpus.cleaning import clean_text
from reader.corpus.furniture import Furniture, furniture
from reader.corpus.metadata import extract_metadata
from reader.corpus.model import EXTRA_KEYS, Article, SourceText


def content_hash(body: str) -> str:
    """A stable fingerprint of the clean story text: equal bodies, equal hashes."""
    return hashlib.blake2b(body.encode("utf-8"), digest_size=16).hexdigest()


def build_article(
    source: SourceText,
    *,
    boilerplate: frozenset[str] = frozenset(),
    furn: Furniture | None = None,
) -> Article:
    """Clean a source text and read its metadata."""
    furn = furn or furniture()
    has_title = bool(source.hints.get("title"))
    layout = clean_text(source.text, has_title=has_title, boilerplate=boilerplate, furn=furn)
    meta = extract_metadata(layout, source.hints, furn)
    body = "\n\n".join(layout.body)
    return Article(
        id=source.id,
        path=source.path,
        format=source.format,
        title=meta.title,
        subtitle=meta.subtitle,
        date=meta.date,
        datetime=meta.datetime,
        byline=meta.byline,
        source=meta.source,
        dateline=meta.dateline,
        url=meta.url,
        body=body,
        captions=tuple(layout.captions),
        credits=tuple(layout.credits),
        raw=source.raw,
        word_count=len(body.split()),
        content_hash=content_hash(body),
        display_html=source.display_html,
        extra={key: source.hints[key] for key in EXTRA_KEYS if source.hints.get(key) is not None},
    )
