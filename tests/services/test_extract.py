"""Extraction over a real index: incremental runs, aliases kept across re-indexing, the
gazetteer fallback, cancelling, and the command line's JSON."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from reader.base.cancel import Cancelled
from reader.cli import cli
from reader.entities.combine import gazetteer_only
from reader.entities.gazetteer import load_gazetteer
from reader.services.build import CorpusIndex
from reader.services.extract import extract_entities
from reader.services.lookup import (
    article_entities,
    corpus_entities,
    entity_changes,
    entity_query,
    hide_entity,
    merge_entities,
)
from reader.store.search import Searcher
from tests.conftest import kill_when, write_news


@pytest.fixture
def gazetteer_corpus(sample_dir: Path, tmp_path: Path) -> CorpusIndex:
    """A private copy of the seeds, indexed, extracted with the gazetteer alone (fast)."""
    root = tmp_path / "corpus"
    shutil.copytree(sample_dir, root)
    corpus_index = CorpusIndex(root, tmp_path / "index")
    corpus_index.update()
    extract_entities(corpus_index, pipeline="gazetteer")
    return corpus_index


def test_gazetteer_fallback_corrects_minsk_and_vilnius() -> None:
    text = "Talks in Minsk failed. Vilnius said Moscow and the U.S. disagree."
    found = {(m.text, m.type) for m in gazetteer_only(text, load_gazetteer())}
    assert {("Minsk", "PLACE"), ("Vilnius", "PLACE"), ("Moscow", "PLACE")} <= found
    assert ("U.S.", "PLACE") in found


def test_new_rules_mean_every_article_is_extracted_again(
    gazetteer_corpus: CorpusIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    import reader.services.extract as extraction

    monkeypatch.setattr(extraction, "RULES_VERSION", extraction.RULES_VERSION + 1)
    report = extract_entities(gazetteer_corpus, pipeline="gazetteer")
    assert (report.processed, report.unchanged) == (5, 0)


def test_second_run_processes_only_changed_articles(gazetteer_corpus: CorpusIndex) -> None:
    again = extract_entities(gazetteer_corpus, pipeline="gazetteer")
    assert (again.processed, again.unchanged) == (0, 5)
    path = gazetteer_corpus.root / "000_93546f115f4d6ef1.txt"
    path.write_text(path.read_text("utf-8") + "\n\nOfficials in Minsk declined to comment.\n")
    gazetteer_corpus.update()
    report = extract_entities(gazetteer_corpus, pipeline="gazetteer")
    assert (report.processed, report.unchanged) == (1, 4)
    assert report.extractor.startswith("gazetteer only")
    names = {e.name for e in corpus_entities(gazetteer_corpus)}
    assert "Minsk" in names


def test_aliases_survive_reindexing(gazetteer_corpus: CorpusIndex) -> None:
    merge_entities(gazetteer_corpus, "ORG:Rosneft", "ORG:Kremlin")
    hide_entity(gazetteer_corpus, "PLACE:Taiwan")
    # A schema change rebuilds the text index from scratch; the entity table stays.
    shutil.rmtree(gazetteer_corpus.whoosh_dir)
    gazetteer_corpus.update()
    extract_entities(gazetteer_corpus, pipeline="gazetteer")
    names = {(e.type, e.name) for e in corpus_entities(gazetteer_corpus)}
    assert ("ORG", "Rosneft") not in names
    assert ("PLACE", "Taiwan") not in names
    with Searcher(gazetteer_corpus) as searcher:
        assert searcher.search('org:"Kremlin"').total >= 1
        assert searcher.search('place:"Taiwan"').total == 0
        assert searcher.search('place:"Xinjiang"').total == 3


def test_spans_are_offsets_into_the_body(gazetteer_corpus: CorpusIndex) -> None:
    with gazetteer_corpus.open_store() as store:
        article = store.article("002_ea469877a8e8ba82.txt")
    assert article is not None
    spans = article_entities(gazetteer_corpus, article.id)
    assert spans
    for span in spans:
        assert article.body[span.start : span.end] == span.text


def test_entity_changes_between_two_articles(gazetteer_corpus: CorpusIndex) -> None:
    changes = entity_changes(
        gazetteer_corpus, "004_411ed3200d205ea6.txt", "002_ea469877a8e8ba82.txt"
    )
    assert ("PLACE", "Sea of Japan") in changes.added


def test_cancel_stops_and_keeps_nothing_half_done(sample_dir: Path, tmp_path: Path) -> None:
    corpus_index = CorpusIndex(sample_dir, tmp_path / "index")
    corpus_index.update()
    with pytest.raises(Cancelled):
        extract_entities(corpus_index, pipeline="gazetteer", cancel=lambda: True)
    report = extract_entities(corpus_index, pipeline="gazetteer")
    assert report.processed + report.unchanged == 5


def test_cli_entities_json_keys(extracted_sample: tuple[CorpusIndex, Any]) -> None:
    corpus_index = extracted_sample[0]
    runner = CliRunner()
    args = ["--corpus", str(corpus_index.root), "--index-dir", str(corpus_index.directory)]
    result = runner.invoke(cli, ["entities", *args, "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload and all(
        set(item) == {"name", "type", "variants", "count", "docs"} for item in payload
    )
    doc = "002_ea469877a8e8ba82.txt"
    result = runner.invoke(cli, ["entities", doc, *args, "--json"])
    payload = json.loads(result.output)
    assert all(set(item) == {"name", "type", "variants", "count", "docs", "spans"}
               for item in payload)  # fmt: skip
    with corpus_index.open_store() as store:
        article = store.article(doc)
    assert article is not None
    kashin = next(item for item in payload if item["name"] == "Vasily Kashin")
    assert [article.body[s:e] for s, e in kashin["spans"]] == ["Vasily Kashin", "Kashin"]
    result = runner.invoke(cli, ["mentions", "Kashin", *args])
    assert result.exit_code == 0 and "Vasily Kashin" in result.output
    result = runner.invoke(cli, ["mentions", "Nobody Atall", *args])
    assert result.exit_code == 3


def test_extraction_needs_a_built_index(sample_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="index first"):
        extract_entities(CorpusIndex(sample_dir, tmp_path / "none"), pipeline="gazetteer")
    assert not (tmp_path / "none" / "store.sqlite").exists()


_EXTRACT_AND_SAY = """
import sys

import reader.services.extract as extract
from reader.services.build import CorpusIndex

extract.BATCH_CHARS = 2000  # two or three stories a batch: a commit every few stories


def progress(done, total, what):
    print(done, total, flush=True)


extract.extract_entities(CorpusIndex(sys.argv[1], sys.argv[2]), pipeline="gazetteer",
                         progress=progress)
print("finished", flush=True)
"""


def _extracted_after(line: str, batches: bool) -> bool:
    """A progress line of the child, said after each batch's commit: one batch committed, most
    to come (`batches`), or the last one committed, the search index's entity fields next."""
    done, total = (int(n) for n in line.split()[:2]) if line[0].isdigit() else (0, -1)
    return 0 < done < total if batches else done == total


@pytest.mark.parametrize("moment", ["batches", "search index"])
def test_kill_9_during_extraction_keeps_results_and_the_next_run_completes(
    tmp_path: Path, moment: str
) -> None:
    """Extraction killed with SIGKILL (its worker too) after its first batch, or after its last
    batch and before the search index has the new entity fields: the previous results and the
    committed batches stay readable, and the next run extracts only the rest, gives the search
    index every article, and ends as an uninterrupted run on a fresh index does."""
    root = tmp_path / "corpus"
    first = write_news(root, range(30))
    corpus_index = CorpusIndex(root, tmp_path / "index")
    corpus_index.update()
    extract_entities(corpus_index, pipeline="gazetteer")
    total = first + write_news(root, range(30, 250))
    corpus_index.update()
    with corpus_index.open_entity_store() as store:
        indexed_before = store.indexed()
        mentions_before = store.mentions()
    with Searcher(corpus_index) as searcher:
        boston_before = searcher.search('place:"Boston"').total
    assert len(indexed_before) == first and boston_before > 0

    kill_when(_EXTRACT_AND_SAY, [str(root), str(corpus_index.directory)],
              lambda line: _extracted_after(line, moment == "batches"),
              tmp_path / "child.err")  # fmt: skip

    # What the killed run committed is there and readable; it did not finish.
    with corpus_index.open_entity_store() as store:
        kept = len(store.extracted())
        mentions = store.mentions()
        assert store.indexed() == indexed_before
    assert {d: mentions[d] for d in mentions_before} == mentions_before
    if moment == "batches":
        assert first < kept < total
    else:
        assert kept == total
    assert ("PLACE", "Boston") in {(e.type, e.name) for e in corpus_entities(corpus_index)}
    assert corpus_index.health() is None
    with Searcher(corpus_index) as searcher:
        assert searcher.search("case").total == total
        assert searcher.search('place:"Boston"').total >= boston_before

    # The next run extracts only what is missing, and gives the search index every article.
    report = extract_entities(corpus_index, pipeline="gazetteer")
    assert (report.processed, report.unchanged) == (total - kept, kept)
    assert report.index_updated >= total - first

    fresh = CorpusIndex(root, tmp_path / "fresh")
    fresh.update()
    extract_entities(fresh, pipeline="gazetteer")
    with corpus_index.open_entity_store() as store, fresh.open_entity_store() as uninterrupted:
        assert len(store.extracted()) == total
        assert store.extracted() == uninterrupted.extracted()
        assert store.mentions() == uninterrupted.mentions()
        assert store.indexed() == uninterrupted.indexed()
    entities = corpus_entities(corpus_index)
    assert entities == corpus_entities(fresh)
    with Searcher(corpus_index) as searcher, Searcher(fresh) as uninterrupted:
        for entity in entities[:12]:
            query = entity_query(entity)
            hits = searcher.search(query, pagelen=total, snippets=False).hits
            again = uninterrupted.search(query, pagelen=total, snippets=False).hits
            assert sorted(h.id for h in hits) == sorted(h.id for h in again)
            assert {h.id for h in hits} == set(entity.docs)
