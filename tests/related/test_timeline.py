"""The story timeline: who ran the seeds' story first, and who followed."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from reader.corpus.importer import load_article
from reader.related.timeline import parse_when, story_timeline

IDS = {
    "000": "000_93546f115f4d6ef1.txt",
    "001": "001_1ed7747e35e5e28b.txt",
    "002": "002_ea469877a8e8ba82.txt",
    "003": "003_10760c25aed7da9a.txt",
    "004": "004_411ed3200d205ea6.txt",
}


def test_the_seed_story_starts_with_003_and_002_follows_a_day_later(sample_dir: Path) -> None:
    articles = [load_article(sample_dir, doc_id) for doc_id in IDS.values()]
    versions = {IDS["002"], IDS["003"], IDS["004"]}
    timeline = story_timeline(articles, versions, originals={IDS["003"]})
    order = [e.doc_id for e in timeline.entries]
    assert order[:2] == [IDS["003"], IDS["002"]]
    assert set(order[2:]) == {IDS["000"], IDS["001"], IDS["004"]}  # undated, after the dated
    first, second = timeline.entries[:2]
    assert (first.role, second.role) == ("original", "version")
    assert first.day is not None and first.day.isoformat() == "2022-02-03"
    assert not first.has_time and second.has_time  # 002 carries 04:20
    assert timeline.lag(first) == "first" and timeline.lag(second) == "1 day later"
    roles = {e.doc_id: e.role for e in timeline.entries}
    assert roles[IDS["004"]] == "version" and roles[IDS["000"]] == roles[IDS["001"]] == "event"
    assert all(timeline.lag(e) == "undated" for e in timeline.entries[2:])


def test_times_of_day_order_stories_of_one_day_and_give_minutes(sample_dir: Path) -> None:
    base = load_article(sample_dir, IDS["003"])
    early = dataclasses.replace(base, id="a", datetime="2022-02-03T09:05:00+00:00")
    late = dataclasses.replace(base, id="b", datetime="2022-02-03T11:30")
    later = dataclasses.replace(base, id="c", datetime="2022-02-05T08:00")
    timeline = story_timeline([later, late, early])
    assert [e.doc_id for e in timeline.entries] == ["a", "b", "c"]
    lags = [timeline.lag(e) for e in timeline.entries]
    assert lags == ["first", "2 h 25 min later", "2 days later"]
    assert timeline.first is not None and timeline.first.tzinfo is None


def test_a_bad_date_reads_as_undated_not_an_error(sample_dir: Path) -> None:
    base = load_article(sample_dir, IDS["003"])
    assert parse_when(dataclasses.replace(base, date="not a date", datetime=None)) == (None, False)
    assert parse_when(dataclasses.replace(base, datetime="garbage"))[1] is False
