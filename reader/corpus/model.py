"""Plain types shared by the import pipeline, the index, the command line and the window."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class SourceText:
    """One article's text as a file format gave it, before cleaning.

    `hints` holds metadata the format itself carried (a JSON `title`, an HTML `<meta>` date):
    those win over what the cleaner guesses from the text.
    """

    id: str
    path: str
    format: str
    text: str
    raw: str
    hints: dict[str, Any] = field(default_factory=dict)
    display_html: str | None = None
    scraped: bool = True


EXTRA_KEYS = (
    "captured", "pages", "sender", "database", "section", "length", "database_fields",
    "title_only",
)  # fmt: skip
"""Metadata some formats carry, kept with the article and printed by `show --json` (null when
the format has none): `captured`, a web capture's time (never the article's date); `pages`, a
document's page count; `sender`, an e-mail's From; `database`, the news database an export came
from, with its `section`, `length` and its own fields (`database_fields`: LOAD-DATE, Factiva's
codes …); `title_only`, a feed entry or table row without text."""


@dataclass(frozen=True, slots=True)
class Article:
    """A clean article: the story text apart from page furniture, with its metadata."""

    id: str
    path: str
    format: str
    title: str | None
    subtitle: str | None
    date: str | None
    datetime: str | None
    byline: str | None
    source: str | None
    dateline: str | None
    url: str | None
    body: str
    captions: tuple[str, ...]
    credits: tuple[str, ...]
    raw: str
    word_count: int
    content_hash: str
    display_html: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, hash=False)
    """What a format says beyond the common fields (`EXTRA_KEYS`: a web capture's time, a PDF's
    pages, an e-mail's sender, the news database an export came from …)."""

    @property
    def paragraphs(self) -> list[str]:
        return self.body.split("\n\n") if self.body else []

    def to_json(self, *, raw: bool = False) -> dict[str, Any]:
        """The `show --json` interface: keys other tools rely on; missing values are null."""
        out: dict[str, Any] = {
            "id": self.id,
            "path": self.path,
            "title": self.title,
            "subtitle": self.subtitle,
            "date": self.date,
            "byline": self.byline,
            "source": self.source,
            "dateline": self.dateline,
            "body": self.body,
            "captions": list(self.captions),
            "word_count": self.word_count,
            "content_hash": self.content_hash,
            "datetime": self.datetime,
            "url": self.url,
            "credits": list(self.credits),
            "format": self.format,
        }
        out.update({key: self.extra.get(key) for key in EXTRA_KEYS})
        if raw:
            out["raw"] = self.raw
        return out


@dataclass(frozen=True, slots=True)
class Problem:
    """A file (or one record of it) that could not be read, and why, in words for a person."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"
