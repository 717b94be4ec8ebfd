"""Find an article's title, subtitle, date, byline, source and dateline.

Metadata a file format carries (`hints`) wins; otherwise it is read from the header lines the
cleaner set apart and from the story's first paragraph. Dates are parsed by `dateparser`, which
knows month names, "a.m.", weekdays and many languages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from reader.corpus.cleaning import DATELINE_RE, Layout
from reader.corpus.dates import parse_date
from reader.corpus.furniture import Furniture

_DATE_KEY = re.compile(
    r"^(?:date|dated|published|posted|updated|last updated|first published)\s*[:\-]?\s+",
    re.IGNORECASE,
)
_BY = re.compile(r"^(?P<before>.*?)\s*\bby\s+(?P<who>.+)$", re.IGNORECASE | re.DOTALL)
_CAPS_NAME = re.compile(r"^[A-Z][A-Z.'’\-]*(?:\s+[A-Z][A-Z.'’\-]*){1,5}$")
_NAME_LINE = re.compile(
    r"^(?P<who>[A-Z][\w.'’\-]+(?:\s+(?:[A-Z][\w.'’\-]*|van|von|de|da|bin|al))*\s+[A-Z][\w'’\-]+)"
    r"(?:\s+in\s+[A-Z][\w.'’\-]+(?:\s+[A-Z][\w.'’\-]+)*)?$"
)
_NAME_TOKEN = re.compile(r"[A-Za-z][\w.'’\-]*")


@dataclass(frozen=True, slots=True)
class Metadata:
    title: str | None = None
    subtitle: str | None = None
    date: str | None = None
    datetime: str | None = None
    byline: str | None = None
    source: str | None = None
    dateline: str | None = None
    url: str | None = None


def name_case(name: str) -> str:
    """`VLADIMIR ISACHENKOV` -> `Vladimir Isachenkov`; names already in mixed case are kept."""
    if not name.isupper():
        return name

    def word(w: str) -> str:
        parts = re.split(r"([\-'’])", w.lower())
        out = "".join(p[:1].upper() + p[1:] if p not in "-'’" else p for p in parts)
        if out.startswith("Mc") and len(out) > 2:
            out = "Mc" + out[2].upper() + out[3:]
        return out

    return " ".join(word(w) for w in name.split())


def date_from_hint(value: Any) -> tuple[str, str | None] | None:
    """A date from a metadata field: ISO strings, epoch numbers, or free text."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date().isoformat(), value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat(), None
    if isinstance(value, int | float) and not isinstance(value, bool):
        stamp = value / 1000 if value > 10**11 else value
        moment = datetime.fromtimestamp(stamp)
        return moment.date().isoformat(), moment.isoformat(timespec="minutes")
    text = str(value).strip()
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return parse_date(text)
    if len(text) <= 10:
        return moment.date().isoformat(), None
    return moment.date().isoformat(), moment.isoformat(timespec="minutes")


def _split_title_date(line: str) -> tuple[str, tuple[str, str | None] | None]:
    """Strip a leading `date 2022-02-03` stamp from a title line."""
    match = _DATE_KEY.match(line)
    if not match:
        return line, None
    rest = line[match.end() :].split()
    for n in (4, 3, 2, 1):
        if len(rest) > n or (len(rest) == n and n == 1):
            found = parse_date(" ".join(rest[:n]))
            if found:
                return " ".join(rest[n:]), found
    return line, None


def _split_people_and_source(who: str, furn: Furniture) -> tuple[str | None, str | None]:
    """`VLADIMIR ISACHENKOV THE ASSOCIATED PRESS` -> ('Vladimir Isachenkov', 'The Associated
    Press'); `Jane Doe, Reuters` -> ('Jane Doe', 'Reuters')."""
    who = who.strip().strip(",;").strip()
    if "," in who:
        head, _, tail = who.rpartition(",")
        agency = furn.agency(tail)
        if agency:
            return name_case(head.strip()) or None, agency
    tokens = who.split()
    for cut in range(1, len(tokens)):
        agency = furn.agency(" ".join(tokens[cut:]))
        if agency:
            return name_case(" ".join(tokens[:cut])), agency
    agency = furn.agency(who)
    if agency:
        return None, agency
    return name_case(who) or None, None


def _looks_like_names(text: str) -> bool:
    tokens = text.replace(" and ", " ").replace(",", " ").split()
    return 1 <= len(tokens) <= 8 and all(
        _NAME_TOKEN.fullmatch(t) and t[:1].isupper() for t in tokens
    )


def extract_metadata(layout: Layout, hints: dict[str, Any], furn: Furniture) -> Metadata:
    """Combine format hints with what the page's header and first paragraph say."""
    title = hints.get("title") or None
    # A format that knows the moment (a feed entry's, an e-mail's Date) gives it as `datetime`.
    found_date = date_from_hint(hints.get("datetime") or hints.get("date"))
    byline: str | None = hints.get("byline") or None
    source: str | None = hints.get("source") or None
    subtitle: str | None = hints.get("subtitle") or None

    if layout.title_line is not None:
        line_title, stamp = _split_title_date(layout.title_line)
        title = title or line_title or None
        found_date = found_date or stamp

    for line in layout.header:
        segments = [s.strip() for s in re.split(r"\s+[|·]\s+", line) if s.strip()]
        rest: list[str] = []
        for seg in segments:
            keyed = _DATE_KEY.match(seg)
            candidate = seg[keyed.end() :] if keyed else seg
            when = parse_date(candidate) if len(candidate.split()) <= 10 else None
            if when:
                found_date = found_date or when
                continue
            rest.append(seg)
        for seg in rest:
            by = _BY.match(seg)
            agency = furn.agency(seg)
            if agency:
                source = source or agency
            elif by and _looks_like_names(by.group("who").split(",")[0]):
                who, agency = _split_people_and_source(by.group("who"), furn)
                byline = byline or who
                source = source or agency
                before = by.group("before").strip()
                if before:
                    subtitle = subtitle or before
            elif _CAPS_NAME.match(seg) and len(seg.split()) <= 6:
                who, agency = _split_people_and_source(seg, furn)
                byline = byline or who
                source = source or agency
            elif (
                byline is None
                and (named := _NAME_LINE.match(seg))
                and len(named.group("who").split()) <= 4
            ):
                byline = named.group("who")  # "Sofia Mendes in Lisbon", "Lena Fischer"
            elif subtitle is None and seg != title:
                subtitle = seg

    dateline = None
    if layout.body:
        match = DATELINE_RE.match(layout.body[0])
        if match:
            dateline = match.group("place").strip().rstrip(",")
            if match.group("agency"):
                source = source or furn.agency(match.group("agency"))

    url = hints.get("url") or None
    date_iso, datetime_iso = found_date if found_date else (None, None)
    return Metadata(
        title=_clean(title),
        subtitle=_clean(subtitle),
        date=date_iso,
        datetime=datetime_iso,
        byline=_clean(byline),
        source=_clean(source),
        dateline=dateline,
        url=_clean(url),
    )


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None
