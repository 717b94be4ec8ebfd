"""A story's timeline: when each outlet ran its version, and the same-event stories around it.

The reader wants to see who ran a story first and who followed. Each article gives one point:
its publication time when the import found one (`Article.datetime`), else its day
(`Article.date`, placed at midnight and flagged as day-only), else it is undated and listed
after the others. Versions of the story and same-event stories are told apart, and the
likely original is marked, so the window can draw them differently.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Literal

from reader.corpus.model import Article

Role = Literal["original", "version", "event"]


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One article on the timeline.

    Attributes:
        when: Publication time (naive, as the article states it); midnight of its day when
            only the day is known; None when undated.
        has_time: True when ``when`` carries a time of day from the article.
        role: "original" (the version cluster's likely original), "version" or "event".
    """

    doc_id: str
    title: str
    source: str
    when: dt.datetime | None
    has_time: bool
    role: Role

    @property
    def day(self) -> dt.date | None:
        return self.when.date() if self.when else None


@dataclass(frozen=True, slots=True)
class Timeline:
    """Entries ordered by time (undated last); `first` is the earliest dated one's time."""

    entries: tuple[TimelineEntry, ...]

    @property
    def dated(self) -> tuple[TimelineEntry, ...]:
        return tuple(e for e in self.entries if e.when is not None)

    @property
    def first(self) -> dt.datetime | None:
        dated = self.dated
        return dated[0].when if dated else None

    @property
    def last(self) -> dt.datetime | None:
        dated = self.dated
        return dated[-1].when if dated else None

    def lag(self, entry: TimelineEntry) -> str:
        """How long after the first story this one ran, in words a reader scans."""
        first = self.first
        if entry.when is None or first is None:
            return "undated"
        if entry.when == first:
            return "first"
        if not (entry.has_time and self.entries[0].has_time):
            days = (entry.when.date() - first.date()).days
            return "same day" if days == 0 else f"{days} day{'s' if days != 1 else ''} later"
        minutes = round((entry.when - first).total_seconds() / 60)
        if minutes < 60:
            return f"{minutes} min later"
        if minutes < 24 * 60:
            return f"{minutes // 60} h {minutes % 60:02d} min later"
        days = round(minutes / (24 * 60))
        return f"{days} day{'s' if days != 1 else ''} later"


def parse_when(article: Article) -> tuple[dt.datetime | None, bool]:
    """(time, has a time of day) from the article's metadata; (None, False) when undated."""
    if article.datetime:
        try:
            when = dt.datetime.fromisoformat(article.datetime)
        except ValueError:
            when = None
        if when is not None:
            return when.replace(tzinfo=None), True
    if article.date:
        try:
            return dt.datetime.fromisoformat(article.date[:10]), False
        except ValueError:
            return None, False
    return None, False


def story_timeline(
    articles: Sequence[Article], versions: Collection[str] = (), originals: Collection[str] = ()
) -> Timeline:
    """The timeline of a version cluster and/or same-event group.

    Args:
        articles: Every article to place (the cluster's and the group's, each once).
        versions: Ids of version-cluster members; the others are same-event stories.
        originals: The likely original of each version cluster among them.
    """
    entries = []
    seen: set[str] = set()
    for article in articles:
        if article.id in seen:
            continue
        seen.add(article.id)
        when, has_time = parse_when(article)
        role: Role = (
            "original"
            if article.id in originals
            else "version"
            if article.id in versions
            else "event"
        )
        entries.append(
            TimelineEntry(
                article.id, article.title or article.id, article.source or "", when, has_time, role
            )
        )
    entries.sort(key=lambda e: (e.when is None, e.when or dt.datetime.min, e.role != "original",
                                e.doc_id))  # fmt: skip
    return Timeline(tuple(entries))
