"""Relating the sample corpus against the hand-labelled truth, incrementally, and the CLI."""

from __future__ import annotations

import json
import shutil
import sqlite3
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from reader.main import main
from reader.related import events
from reader.related.clusters import DocFacts, order_versions
from reader.related.fingerprints import SIGNATURE_VERSION
from reader.services.build import CorpusIndex
from reader.services.relate import (
    clusters_of,
    corpus_clusters,
    is_current,
    relate_corpus,
    related_stories,
)
from tests.conftest import kill_when, write_news


@pytest.fixture
def related_sample(sample_dir: Path, tmp_path: Path) -> CorpusIndex:
    corpus_index = CorpusIndex(sample_dir, tmp_path / "index")
    corpus_index.update()
    relate_corpus(corpus_index)
    return corpus_index


def test_versions_and_event_follow_the_gold(related_sample: CorpusIndex, gold: dict[str, Any]):
    [wire] = gold["related"]["same_wire_story"]
    [event] = gold["related"]["same_event"]
    found = corpus_clusters(related_sample)
    versions = [c for c in found if c.kind == "versions"]
    events_ = [c for c in found if c.kind == "event"]
    assert [set(c.members) for c in versions] == [set(wire)]
    assert versions[0].original == "003_10760c25aed7da9a.txt"  # 3 Feb, the earlier
    assert versions[0].members == (
        "003_10760c25aed7da9a.txt", "002_ea469877a8e8ba82.txt", "004_411ed3200d205ea6.txt"
    )  # fmt: skip
    assert [set(c.members) for c in events_] == [set(event)]
    for own_words in set(event) - set(wire):  # 000 and 001: same event, not versions
        version_cluster, event_group = clusters_of(related_sample, own_words)
        assert version_cluster is None
        assert event_group is not None and set(event_group.members) == set(event)


def test_related_stories_have_scores_and_reasons(related_sample: CorpusIndex) -> None:
    related = related_stories(related_sample, "002_ea469877a8e8ba82.txt")
    assert [s.doc_id[:3] for s in related.versions] == ["003", "004"]
    assert all(0.3 <= s.score <= 1 and s.kept is not None for s in related.versions)
    assert {s.doc_id[:3] for s in related.same_event} == {"000", "001"}
    for story in related.same_event:
        assert story.score > 0
        assert "putin" in story.reason and "beijing" in story.reason
    nyt = related_stories(related_sample, "000_93546f115f4d6ef1.txt")
    assert nyt.versions == ()
    assert nyt.same_event[0].doc_id.startswith("001")
    with pytest.raises(KeyError):
        related_stories(related_sample, "nope.txt")


def test_adding_one_article_fingerprints_only_it(sample_dir: Path, tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    shutil.copytree(sample_dir, root)
    corpus_index = CorpusIndex(root, tmp_path / "index")
    corpus_index.update()
    assert relate_corpus(corpus_index).fingerprinted == 0  # the builder's workers did it
    before = _fingerprints(corpus_index)
    assert len(before) == 5 and is_current(corpus_index)

    text = (root / "004_411ed3200d205ea6.txt").read_text("utf-8")
    (root / "005_cut.txt").write_text(text.replace("EU", "European Union"), encoding="utf-8")
    report = corpus_index.update()
    assert report.added == 1
    after = _fingerprints(corpus_index)
    assert set(after) - set(before) == {"005_cut.txt"}
    assert all(after[doc] == before[doc] for doc in before)  # untouched, not recomputed
    assert not is_current(corpus_index)
    relating = relate_corpus(corpus_index)
    assert relating.fingerprinted == 0 and not relating.up_to_date
    assert relating.incremental == 1  # related on its own against the stored results
    [versions] = [c for c in corpus_clusters(corpus_index) if c.kind == "versions"]
    assert "005_cut.txt" in versions.members and versions.original.startswith("003")
    assert relate_corpus(corpus_index).up_to_date
    cut = related_stories(corpus_index, "005_cut.txt")
    assert {s.doc_id[:3] for s in cut.versions} == {"002", "003", "004"}
    assert {s.doc_id[:3] for s in cut.same_event} == {"000", "001"}

    # The same clusters as relating the whole corpus afresh.
    fresh = CorpusIndex(root, tmp_path / "fresh")
    fresh.update()
    assert relate_corpus(fresh).incremental == 0

    def as_sets(found: list[Any]) -> list[tuple[str, str, list[str]]]:
        return sorted((c.kind, c.original or "", sorted(c.members)) for c in found)

    assert as_sets(corpus_clusters(fresh)) == as_sets(corpus_clusters(corpus_index))

    (root / "005_cut.txt").unlink()
    corpus_index.update()
    relate_corpus(corpus_index)
    assert set(_fingerprints(corpus_index)) == set(before)


def _fingerprints(corpus_index: CorpusIndex) -> dict[str, bytes]:
    with sqlite3.connect(corpus_index.store_path) as db:
        rows = db.execute("SELECT id, signature FROM related_fingerprints").fetchall()
    return dict(rows)


def test_original_is_earliest_then_wire_then_longest() -> None:
    def facts(doc: str, date: str | None, lede: str = "x", length: int = 100) -> DocFacts:
        return DocFacts(doc, date, None, None, lede, length)

    assert order_versions([facts("b", "2022-02-04"), facts("a", None, length=999),
                           facts("c", "2022-02-03")])[0].doc_id == "c"  # fmt: skip
    undated = [facts("cut", None, length=50), facts("wire", None, "MOSCOW (AP) — x", 40),
               facts("long", None, length=90)]  # fmt: skip
    assert [f.doc_id for f in order_versions(undated)] == ["wire", "long", "cut"]


def test_average_linkage_keeps_two_incidents_apart() -> None:
    # Two tight triangles joined by one weak edge: average linkage keeps them apart.
    rows = np.array([0, 0, 1, 3, 3, 4, 2])
    cols = np.array([1, 2, 2, 4, 5, 5, 3])
    sims = np.array([0.8, 0.7, 0.9, 0.8, 0.7, 0.9, 0.5], dtype=np.float32)
    assert events.average_linkage(6, rows, cols, sims, 0.2) == [[0, 1, 2], [3, 4, 5]]
    assert events.average_linkage(6, rows, cols, sims, 0.05) == [[0, 1, 2, 3, 4, 5]]


def test_date_window_separates_events() -> None:
    body = "Lindsay Lohan checked into the Betty Ford Center in Rancho Mirage on Friday."
    items = [events.event_terms(f"d{i}", "Lohan in rehab", body, date)
             for i, date in enumerate(["2013-05-03", "2013-05-04", "2010-09-24"])]  # fmt: skip
    groups, _graph = events.event_groups(items)
    assert groups == [[0, 1], [2]]


def test_cli_json_keys(related_sample: CorpusIndex, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["clusters", "--json"]) == 0
    clusters = json.loads(capsys.readouterr().out)
    assert clusters and all(set(c) == {"kind", "original", "members"} for c in clusters)
    assert {c["kind"] for c in clusters} == {"versions", "event"}
    assert all(c["original"] is None for c in clusters if c["kind"] == "event")

    assert main(["related", "003_10760c25aed7da9a.txt", "--json"]) == 0
    related = json.loads(capsys.readouterr().out)
    assert set(related) == {"versions", "same_event"}
    assert all(set(v) == {"id", "score", "kept"} for v in related["versions"])
    assert all(set(v) == {"id", "score", "reason"} for v in related["same_event"])
    assert len(related["versions"]) == 2 and len(related["same_event"]) == 2

    assert main(["related", "nope.txt"]) == 3
    assert "nope.txt" in capsys.readouterr().err


def test_empty_and_single_article_corpora(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    root.mkdir()
    corpus_index = CorpusIndex(root, tmp_path / "index")
    with pytest.raises(FileNotFoundError, match="no index yet"):
        relate_corpus(corpus_index)
    corpus_index.update()
    assert relate_corpus(corpus_index).documents == 0
    assert corpus_clusters(corpus_index) == []
    (root / "one.txt").write_text("A title\n\nOne short story about a bridge.", encoding="utf-8")
    corpus_index.update()
    report = relate_corpus(corpus_index)
    assert report.documents == 1 and corpus_clusters(corpus_index) == []
    assert related_stories(corpus_index, "one.txt").to_json() == {"versions": [], "same_event": []}


def test_relating_can_be_cancelled(sample_dir: Path, tmp_path: Path) -> None:
    from reader.base.cancel import Cancelled

    corpus_index = CorpusIndex(sample_dir, tmp_path / "index")
    corpus_index.update()
    with pytest.raises(Cancelled):
        relate_corpus(corpus_index, cancel=lambda: True)
    assert not is_current(corpus_index)
    assert relate_corpus(corpus_index).version_clusters == 1


def test_stored_entities_join_the_names(sample_dir: Path, tmp_path: Path) -> None:
    from reader.services.extract import extract_entities
    from reader.services.relate import stored_entities

    corpus_index = CorpusIndex(sample_dir, tmp_path / "index")
    corpus_index.update()
    relate_corpus(corpus_index)
    assert stored_entities(corpus_index) == {}
    extract_entities(corpus_index, pipeline="gazetteer")
    entities = stored_entities(corpus_index)
    assert "Beijing" in entities["003_10760c25aed7da9a.txt"]
    assert not is_current(corpus_index)  # relations were computed without them
    relate_corpus(corpus_index)
    assert is_current(corpus_index)
    kinds = {c.kind: set(c.members) for c in corpus_clusters(corpus_index)}
    assert len(kinds["versions"]) == 3 and len(kinds["event"]) == 5


def test_an_unrelated_added_article_changes_no_cluster(sample_dir: Path, tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    shutil.copytree(sample_dir, root)
    corpus_index = CorpusIndex(root, tmp_path / "index")
    corpus_index.update()
    relate_corpus(corpus_index)
    before = corpus_clusters(corpus_index)
    (root / "bridge.txt").write_text(
        "Bridge reopens in Leeds\n\nLEEDS — The Crown Point bridge reopened on Monday after "
        "eight months of repairs, the city council said, ahead of the spring cycling race.",
        encoding="utf-8",
    )
    corpus_index.update()
    assert relate_corpus(corpus_index).incremental == 1
    assert corpus_clusters(corpus_index) == before
    assert clusters_of(corpus_index, "bridge.txt") == (None, None)


_RELATE_AND_SAY = """
import sys

import reader.services.relate as relate
from reader.services.build import CorpusIndex

relate._FINGERPRINT_BATCH = 20  # a commit every 20 fingerprints


def progress(done, total, what):
    print(what, done, total, flush=True)


relate.relate_corpus(CorpusIndex(sys.argv[1], sys.argv[2]), progress=progress)
print("finished", flush=True)
"""


_SNAPSHOT_KEY = "SELECT value FROM related_meta WHERE key = 'snapshot'"


def _snapshots(corpus_index: CorpusIndex) -> list[str]:
    return sorted(p.name for p in corpus_index.directory.glob("related-snapshot-*"))


def _stored(corpus_index: CorpusIndex, sql: str) -> Any:
    with closing(sqlite3.connect(corpus_index.store_path)) as db:
        return db.execute(sql).fetchone()[0]


@pytest.mark.parametrize("moment", ["fingerprints", "snapshot"])
def test_kill_9_during_relating_keeps_results_and_the_next_run_completes(
    tmp_path: Path, moment: str
) -> None:
    """Relating killed with SIGKILL after a batch of fingerprints (of articles whose
    fingerprints are of an older method), or while it writes the snapshot of its results: the
    previous results answer as before, and the next run completes with the clusters of an
    uninterrupted run on a fresh index (and removes the killed run's half snapshot)."""
    root = tmp_path / "corpus"
    write_news(root, range(250))
    corpus_index = CorpusIndex(root, tmp_path / "index")
    corpus_index.update()
    relate_corpus(corpus_index)
    # Too many new stories to relate them one by one against the snapshot, and a changed one:
    # the next run relates the whole corpus.
    write_news(root, range(250, 500))
    changed = root / "e000" / "e00003c.txt"
    changed.write_text(changed.read_text("utf-8").replace("spoke in", "was heard in"), "utf-8")
    corpus_index.update()
    total = _stored(corpus_index, "SELECT COUNT(*) FROM docs")
    if moment == "fingerprints":  # as a new SIGNATURE_VERSION finds them
        with closing(sqlite3.connect(corpus_index.store_path)) as db, db:
            db.execute("UPDATE related_fingerprints SET version = version - 1")
    clusters = corpus_clusters(corpus_index)
    sample = ["e000/e00003a.txt", "e000/e00003c.txt", "e001/e00100b.txt", "e002/e00200a.txt"]
    answers = {doc: related_stories(corpus_index, doc).to_json() for doc in sample}
    key = _stored(corpus_index, _SNAPSHOT_KEY)
    snapshots = _snapshots(corpus_index)
    assert snapshots == [f"related-snapshot-{key}"]
    assert len(clusters) > 100 and all(answers.values())

    def ready(line: str) -> bool:
        parts = line.split()
        if moment == "fingerprints":
            return parts[0] == "fingerprints" and int(parts[1]) > 0
        if parts[0] != "storing":
            return False
        # Related, links being made: the new snapshot's folder is next, then the results.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if _snapshots(corpus_index) != snapshots:
                return True
        return False

    kill_when(_RELATE_AND_SAY, [str(root), str(corpus_index.directory)], ready,
              tmp_path / "child.err")  # fmt: skip

    # The previous results answer as before; the stored snapshot is still the one they name.
    assert not is_current(corpus_index)
    assert corpus_clusters(corpus_index) == clusters
    assert {doc: related_stories(corpus_index, doc).to_json() for doc in sample} == answers
    assert _stored(corpus_index, _SNAPSHOT_KEY) == key
    current = f"SELECT COUNT(*) FROM related_fingerprints WHERE version = {SIGNATURE_VERSION}"
    kept = _stored(corpus_index, current)
    if moment == "fingerprints":
        assert 0 < kept < total  # the committed batches are kept
        assert _snapshots(corpus_index) == snapshots
    else:
        assert kept == total
        assert len(_snapshots(corpus_index)) == 2 and snapshots[0] in _snapshots(corpus_index)

    report = relate_corpus(corpus_index)
    assert not report.up_to_date and report.incremental == 0
    assert report.fingerprinted == total - kept
    assert report.documents == total and is_current(corpus_index)
    assert _snapshots(corpus_index) == [f"related-snapshot-{_stored(corpus_index, _SNAPSHOT_KEY)}"]

    fresh = CorpusIndex(root, tmp_path / "fresh")
    fresh.update()
    relate_corpus(fresh)
    assert corpus_clusters(corpus_index) == corpus_clusters(fresh)
    for doc in sample:
        assert related_stories(corpus_index, doc) == related_stories(fresh, doc)
