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
            settings={"REQUIRE_PARTS": ["day", "month", "year"], "RETURN_AS_TIMEZONE_AWARE": False},
        )
    if parsed is None:
        return None
    has_time = bool(re.search(r"\d:\d\d|\b\d{1,2}\s*[ap]\.?m\b", text, re.IGNORECASE))
    return parsed.date().isoformat(), parsed.isoformat(timespec="minutes") if has_time else None
