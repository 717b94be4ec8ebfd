"""Search over the sample corpus: ranking, every query kind, fields, offsets, errors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.corpus.importer import load_article
from reader.main import main
from reader.services.build import CorpusIndex
from reader.store.search import QueryError, Searcher, make_snippet

D000, D001, D002, D003, D004 = (
    "000_93546f115f4d6ef1.txt",
    "001_1ed7747e35e5e28b.txt",
    "002_ea469877a8e8ba82.txt",
    "003_10760c25aed7da9a.txt",
    "004_411ed3200d205ea6.txt",
)


@pytest.fixture(scope="module")
def searcher(sample_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Searcher]:
    index = CorpusIndex(sample_dir, tmp_path_factory.mktemp("idx"))
    index.update(workers=1)
    with Searcher(index) as s:
        yield s


def found(searcher: Searcher, query: str, **kwargs: object) -> list[str]:
    return [h.id for h in searcher.search(query, pagelen=50, **kwargs).hits]  # type: ignore[arg-type]


def test_cyrillic_a_found_by_china_with_original_offsets(
    searcher: Searcher, sample_dir: Path
) -> None:
    hit = next(h for h in searcher.search('"russia china" partnership').hits if h.id == D003)
    body = load_article(sample_dir, D003).body
    words = [body[s:e] for s, e in hit.hits]
    assert "Chinа" in words  # the Cyrillic а, as written
    start, end = next((s, e) for s, e in hit.hits if body[s:e] == "Chinа")
    assert body[end - 1] == "\u0430"
    assert body[start - 7 : start] == "Russia-"


def test_china_finds_every_seed(searcher: Searcher) -> None:
    assert set(found(searcher, "china")) == {D000, D001, D002, D003, D004}


def test_covid_finds_both_spellings(searcher: Searcher) -> None:
    assert set(found(searcher, "covid")) == {D002, D003}


def test_curly_and_straight_quotes_match_in_phrases(searcher: Searcher) -> None:
    straight = set(found(searcher, '"important stabilizing role"'))
    curly = set(found(searcher, "“important stabilizing role”"))
    assert straight == curly == {D002, D003, D004}
    # 002 writes it with straight quotes, 003 with curly: both matched by one phrase.
    assert set(found(searcher, '"Putin\'s talks"')) == {D002, D003, D004}


def test_phrase_is_stricter_than_words(searcher: Searcher) -> None:
    assert set(found(searcher, '"military-technical moves"')) == {D003}
    assert set(found(searcher, '"moves military"')) == set()


def test_boolean_prefix_fuzzy(searcher: Searcher) -> None:
    assert set(found(searcher, "Kashin OR Massrali")) == {D002, D004}
    # 002 and 003 name the Kremlin in photo captions, which are searched too.
    assert set(found(searcher, "Olympics NOT Kremlin")) == {D000, D004}
    assert set(found(searcher, "Massr*")) == {D004}
    assert set(found(searcher, "Masrali~")) == {D004}


def test_field_queries(searcher: Searcher) -> None:
    assert set(found(searcher, "title:show")) == {D002}
    assert set(found(searcher, 'source:"associated press"')) == {D002, D003}
    assert set(found(searcher, "byline:isachenkov")) == {D002, D003}
    assert set(found(searcher, "dateline:beijing")) == {D000, D001}
    assert set(found(searcher, "date:[2022-02-01 to 2022-02-03]")) == {D003}
    assert set(found(searcher, "date:[2022-02 to 2022-02]")) == {D002, D003}
    assert set(found(searcher, "date:2022-02-04")) == {D002}
    assert set(found(searcher, "date:[2022-02-04 to *]")) == {D002}  # open ends
    assert set(found(searcher, "date:[* to 2022-02-03]")) == {D003}


def test_title_is_boosted(searcher: Searcher) -> None:
    """'show' is in 002's title; a body-only mention would rank below it."""
    assert found(searcher, "support")[0] == D002


def test_sort_by_date_puts_newest_first_and_undated_last(searcher: Searcher) -> None:
    order = found(searcher, "putin", sort="date")
    assert order[:2] == [D002, D003]
    assert set(order[2:]) == {D000, D001, D004}


def test_paging(searcher: Searcher) -> None:
    first = searcher.search("putin", pagelen=2, page=1)
    second = searcher.search("putin", pagelen=2, page=2)
    assert first.total == second.total == 5
    assert len(first.hits) == len(second.hits) == 2
    assert not {h.id for h in first.hits} & {h.id for h in second.hits}


def test_hits_point_into_the_show_json_body(searcher: Searcher, sample_dir: Path) -> None:
    results = searcher.search("Kremlin").hits
    assert len(results) == 3  # 001 and 002 in the story, 003 in a caption
    for hit in results:
        body = load_article(sample_dir, hit.id).body
        assert len(hit.hits) == body.count("Kremlin")  # 003 names it only in a caption
        assert all(body[s:e] == "Kremlin" for s, e in hit.hits)


def test_a_phrase_marks_its_words_only_where_the_phrase_stands(
    searcher: Searcher, sample_dir: Path
) -> None:
    [hit] = searcher.search('"military-technical moves"').hits
    body = load_article(sample_dir, hit.id).body
    assert body.count("military") > 1  # "military" alone elsewhere in 003: not a hit
    assert [body[s:e] for s, e in hit.hits] == ["military", "technical", "moves"]
    assert hit.hits[0][0] == body.index("military-technical moves")
    assert searcher.hits_in('"military-technical moves"', hit.id) == hit.hits
    # a word asked for on its own is marked everywhere, the phrase's words only in the phrase
    [both] = [h for h in searcher.search('military OR "technical moves"').hits if h.id == hit.id]
    assert [body[s:e] for s, e in both.hits].count("military") == body.count("military")
    assert [body[s:e] for s, e in both.hits].count("technical") == 1


def test_snippet_marks_the_hits(searcher: Searcher) -> None:
    hit = searcher.search("Massrali").hits[0]
    assert all(hit.snippet[s:e] == "Massrali" for s, e in hit.snippet_hits)
    assert hit.snippet_hits


def test_snippet_spans_survive_paragraph_marks() -> None:
    body = "First paragraph here.\n\nSecond one names Kashin twice: Kashin."
    spans = [(i, i + 6) for i in range(len(body)) if body.startswith("Kashin", i)]
    text, inside = make_snippet(body, spans, width=200)
    assert [text[s:e] for s, e in inside] == ["Kashin", "Kashin"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('"unclosed phrase', "quotation mark"),
        ("(putin OR xi", "parenthesis"),
        ("date:[2022-02-01 to tomorrow]", "not a date"),
        ("colour:red", "unknown field 'colour:'"),
        ("   ", "empty"),
    ],
)
def test_malformed_queries_say_what_is_wrong(searcher: Searcher, query: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        searcher.search(query)


def test_cli_search_json_keys(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "china", "--json", "--limit", "3"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data) == 3
    for item in data:
        assert set(item) == {"id", "title", "date", "source", "score", "snippet", "hits"}
        assert all(len(span) == 2 for span in item["hits"])


def test_cli_search_sorted_by_date(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "putin", "--sort", "date", "--json"]) == 0
    assert [d["id"] for d in json.loads(capsys.readouterr().out)][:2] == [D002, D003]


def test_cli_search_terminal_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "Kashin"]) == 0
    out = capsys.readouterr().out
    assert "Putin in China for show of support" in out
    assert "Kashin" in out


def test_cli_malformed_query_is_a_message(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", '"oops']) == 2
    err = capsys.readouterr().err
    assert "quotation mark" in err
    assert "Traceback" not in err


def test_fuzzy_hits_mark_the_words_found(searcher: Searcher) -> None:
    """`Masrali~` (a letter short) finds and marks the spelling the text uses."""
    (hit,) = searcher.search("Masrali~").hits
    body = searcher.store.article(hit.id).body  # type: ignore[union-attr]
    assert hit.hits and all(body[s:e] == "Massrali" for s, e in hit.hits)


def test_excluded_words_are_not_marked(searcher: Searcher) -> None:
    """`putin NOT massrali` finds articles without the excluded word, and marks only Putin."""
    hits = searcher.search("putin NOT massrali").hits
    assert hits
    for hit in hits:
        body = searcher.store.article(hit.id).body  # type: ignore[union-attr]
        assert {body[s:e].casefold() for s, e in hit.hits} == {"putin"}
