"""Dates as pages write them, in the languages `DATE_LANGUAGES` names."""

from __future__ import annotations

import pytest

from reader.corpus.dates import parse_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Feb. 4, 2022", ("2022-02-04", None)),
        ("Fri February 4, 2022 12:20 AM ET", ("2022-02-04", "2022-02-04T00:20")),
        ("3 февраля 2022 года", ("2022-02-03", None)),
        ("4. Februar 2022", ("2022-02-04", None)),
        ("2022年2月4日", None),  # the year runs into 年: not taken for a date (a known gap)
        ("23, 1981 for wheat. Level V wheat/barley after 5/14/82", None),
        ("Periods end January 31, 1987 and 1986", None),
    ],
)
def test_dates_in_news_languages(text: str, expected: tuple[str, str | None] | None) -> None:
    assert parse_date(text) == expected
