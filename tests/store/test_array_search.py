"""The array search finds exactly what Whoosh finds, with Whoosh's score for each document.

Compared with Whoosh's own exhaustive search (every match scored, no top-N shortcuts) on the
sample corpus and on a generated corpus large enough for posting lists of several blocks,
where common words are looked up block by block and a deleted document must not come back.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.services.build import CorpusIndex
from reader.store.array_search import BLOCK_POSTINGS, Unsupported
from reader.store.search import Searcher

SAMPLE_QUERIES = [
    "china",
    "putin xi",
    "Kashin OR Massrali",
    "Olympics NOT Kremlin",
    "putin ANDNOT massrali",
    '"russia china" partnership',
    '"important stabilizing role"',
    "Massr*",
    "Masrali~",
    "goverment~",
    "title:show",
    'source:"associated press"',
    "byline:isachenkov",
    "dateline:beijing",
    "date:[2022-02-01 to 2022-02-03]",
    "date:[2022-02-04 to *]",
    "china date:[* to 2022-02-03]",
    "(putin OR xi) AND beijing",
    "putin^2 china",
    "title:(putin china)",
    "nosuchword",
    '"no such phrase"',
]

FILLER = [
    "the",
    "said",
    "of",
    "in",
    "a",
    "to",
    "and",
    "for",
    "on",
    "that",
    "with",
    "by",
    "at",
    "from",
]
RARE = ["zanzibar", "quokka", "marmalade"]
DOCS = 6 * BLOCK_POSTINGS


def whoosh_scores(searcher: Searcher, text: str) -> dict[int, float]:
    query = searcher._query(text)
    return {hit.docnum: hit.score for hit in searcher._searcher.search(query, limit=None)}


def array_scores(searcher: Searcher, text: str) -> dict[int, float]:
    found = searcher._arrays.matches(searcher._query(text))
    return dict(zip(found.docs.tolist(), found.scores.tolist(), strict=True))


def assert_same(searcher: Searcher, text: str) -> None:
    expected, got = whoosh_scores(searcher, text), array_scores(searcher, text)
    assert set(got) == set(expected), text
    if "*" in text:  # prefixes: BM25 of the words found, where Whoosh's score is erratic
        return
    for doc, score in expected.items():
        assert got[doc] == pytest.approx(score, rel=1e-9), (text, doc)


@pytest.fixture(scope="module")
def sample_searcher(
    sample_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Searcher]:
    index = CorpusIndex(sample_dir, tmp_path_factory.mktemp("idx"))
    index.update(workers=1)
    with Searcher(index) as searcher:
        yield searcher


@pytest.mark.parametrize("text", SAMPLE_QUERIES)
def test_sample_corpus_matches_and_scores_equal_whoosh(
    sample_searcher: Searcher, text: str
) -> None:
    assert_same(sample_searcher, text)


def test_ranking_is_whoosh_exhaustive_order(sample_searcher: Searcher) -> None:
    """Best score first, ties by document number: Whoosh's order when it scores everything."""
    for text in ("china", "putin", 'source:"associated press"'):
        expected = [h["id"] for h in sample_searcher._searcher.search(
            sample_searcher._query(text), limit=None)]  # fmt: skip
        assert list(sample_searcher.matching_ids(text)) == expected


def test_a_lone_negation_is_left_to_whoosh(sample_searcher: Searcher) -> None:
    with pytest.raises(Unsupported):
        sample_searcher._arrays.matches(sample_searcher._query("NOT china"))
    assert len(sample_searcher.matching_ids("NOT china")) == 0


def write_generated(root: Path) -> None:
    """One JSON Lines file of short stories: filler words everywhere, three rare words in a
    few stories, one of them in a known phrase."""
    rng = random.Random(7)
    root.mkdir(parents=True)
    with open(root / "wire.jsonl", "w", encoding="utf-8") as handle:
        for n in range(DOCS):
            words = [rng.choice(FILLER) for _ in range(rng.randrange(20, 60))]
            if n % 197 == 5:
                words[3:3] = ["the", "quokka", "said"]
            if n % 151 == 9:
                words.append(rng.choice(RARE))
            record = {"id": f"s{n}", "title": f"Story {n} {rng.choice(FILLER)}",
                      "text": " ".join(words), "date": f"1987-03-{1 + n % 28:02d}",
                      "source": "Wire"}  # fmt: skip
            handle.write(json.dumps(record) + "\n")


GENERATED_QUERIES = [
    "said",
    "quokka said",
    "zanzibar said the",
    "the quokka",
    '"the quokka said"',
    '"quokka said the"',
    '"said of"',
    "zanzibar OR marmalade",
    "quokka NOT zanzibar",
    "said ANDNOT quokka",
    "title:story quokka",
    "source:wire date:[1987-03-05 to 1987-03-06] quokka",
    "date:[1987-03-01 to 1987-03-03]",
    "qu*",
    "quoka~ said",
]


def test_generated_corpus_with_block_lookups_and_a_deletion(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    write_generated(root)
    index = CorpusIndex(root, tmp_path / "idx")
    index.update(workers=1)
    with Searcher(index) as searcher:
        said = searcher._searcher.reader().doc_frequency("body", b"said")
        assert said > 2 * BLOCK_POSTINGS  # a list of several blocks, looked up by block
        for text in GENERATED_QUERIES:
            assert_same(searcher, text)
        before = searcher.matching_ids('"the quokka said"')
    # Rewrite the file without its sixth story (a quokka one): the stories after it change
    # ids, so their old documents are deleted in the index, not yet purged.
    lines = (root / "wire.jsonl").read_text("utf-8").splitlines()
    (root / "wire.jsonl").write_text("\n".join(lines[:5] + lines[6:]) + "\n", "utf-8")
    index.update(workers=1)
    with Searcher(index) as searcher:
        assert searcher._searcher.reader().has_deletions()
        after = searcher.matching_ids('"the quokka said"')
        assert len(after) == len(before) - 1
        assert searcher.hits_in('"the quokka said"', "wire.jsonl#201")  # was #202
        assert not searcher.hits_in('"the quokka said"', "wire.jsonl#202")
        for text in GENERATED_QUERIES:
            assert_same(searcher, text)
