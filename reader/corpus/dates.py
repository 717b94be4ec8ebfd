"""Full calendar dates in the many ways pages write them, parsed by `dateparser`."""

from __future__ import annotations

import re
import warnings
from functools import lru_cache

_YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b")
# A day of the month: one or two digits that are not part of a longer number ("2,225").
# Month names alone ("February 2022") never make a full date, so without one dateparser, the
# slowest step of a whole import, is not asked at all.
_DAY = re.compile(r"(?<![\d,])\d{1,2}(?!\d|,\d{3})")
DATE_LANGUAGES = [
    "en",
    "fr",
    "de",
    "es",
    "it",
    "pt",
    "nl",
    "sv",
    "da",
    "nb",
    "fi",
    "pl",
    "cs",
    "ro",
    "hu",
    "el",
    "ru",
    "uk",
    "tr",
    "ar",
    "fa",
    "he",
    "hi",
    "zh",
    "ja",
    "ko",
    "id",
    "vi",
]
"""Languages whose dates are read: the news languages of most corpora. Left to itself,
dateparser tries each of its 200 locales on a line that is not a date (a header line that
only looks like one: "23, 1981 for wheat..."), compiling their patterns first: 2 s the first
time in each reader process, 20-30 ms each time after. With these 28: 0.6 s, then 4 ms."""


def parse_date(text: str) -> tuple[str, str | None] | None:
    """(ISO date, ISO datetime or None) for a string that states a full calendar date."""
    text = text.strip().strip("|·,").strip()
    if not text or len(text) > 80 or not _YEAR.search(text) or not _DAY.search(text):
        return None
    return _parse(text)


@lru_cache(maxsize=4096)
def _parse(text: str) -> tuple[str, str | None] | None:
    """Cached: a folder's pages repeat the same few date lines many times."""
    import dateparser  # imported here: it costs a tenth of a second, and many runs never need it

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = dateparser.parse(
            text,
            languages=DATE_LANGUAGES,
            settings={"REQUIRE_PARTS": ["day", "month", "year"], "RETURN_AS_TIMEZONE_AWARE": False},
        )
    if parsed is None:
        return None
    has_time = bool(re.search(r"\d:\d\d|\b\d{1,2}\s*[ap]\.?m\b", text, re.IGNORECASE))
    return parsed.date().isoformat(), parsed.isoformat(timespec="minutes") if has_time else None
