"""The refresh pipeline: index → entities → related, in order, incremental, cancellable, and
what the command line makes of it (exit codes, `--json`, `--no-refresh`)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from filelock import FileLock

from reader.base.cancel import Cancelled
from reader.base.lock import LOCK_FILE, AlreadyIndexing
from reader.entities.pipelines import choose
from reader.main import main
from reader.pipeline import (
    ENTITIES,
    INDEX,
    RELATED,
    STAGES,
    StageFailed,
    next_stage,
    refresh,
    stages_for,
)
from reader.services.build import CorpusIndex
from reader.services.lookup import corpus_entities
from reader.services.relate import corpus_clusters, is_current


@pytest.fixture()
def seeds(sample_dir: Path, tmp_path: Path) -> Path:
    """A fresh copy of the sample corpus: nothing was run on it."""
    copy = tmp_path / "seeds"
    shutil.copytree(sample_dir, copy)
    return copy


def test_refresh_runs_the_stages_in_order_then_does_nothing(seeds: Path, tmp_path: Path) -> None:
    corpus_index = CorpusIndex(seeds, tmp_path / "idx")
    done: list[str] = []
    labels: set[str] = set()
    report = refresh(
        corpus_index,
        pipeline="gazetteer",
        on_stage_done=lambda stage, _result: done.append(stage.name),
        progress=lambda stage, _d, _t, _w: labels.add(stage.label),
    )
    assert done == ["index", "entities", "related"]
    assert labels <= {s.label for s in STAGES} and INDEX.label in labels
    assert report.index is not None and report.index.added == 5
    assert report.entities is not None and report.entities.processed == 5
    assert report.related is not None and report.related.documents == 5
    assert set(report.stage_seconds) == {"index", "entities", "related"}
    assert is_current(corpus_index)
    assert any(e.name == "Vladimir Putin" for e in corpus_entities(corpus_index))

    again = refresh(corpus_index, pipeline="gazetteer")
    assert again.index is not None and again.index.added == again.index.updated == 0
    assert again.entities is not None and again.entities.processed == 0
    assert again.related is not None and again.related.up_to_date


def test_the_order_is_index_entities_related() -> None:
    assert [next_stage(s) for s in STAGES] == [ENTITIES, RELATED, None]


def test_stages_for_skips_entities_on_request() -> None:
    assert stages_for() == (INDEX, ENTITIES, RELATED)
    assert stages_for(entities=False) == (INDEX, RELATED)
    assert stages_for(last=ENTITIES) == (INDEX, ENTITIES)
    assert stages_for(last=INDEX) == (INDEX,)


def test_cancel_after_the_index_keeps_it_and_runs_nothing_more(seeds: Path, tmp_path: Path) -> None:
    corpus_index = CorpusIndex(seeds, tmp_path / "idx")
    stop = False

    def stage_done(stage: object, _result: object) -> None:
        nonlocal stop
        stop = stage is INDEX

    with pytest.raises(Cancelled):
        refresh(corpus_index, pipeline="gazetteer", on_stage_done=stage_done,
                cancel=lambda: stop)  # fmt: skip
    assert corpus_index.is_built()
    assert not corpus_index.entities_path.exists() or corpus_entities(corpus_index) == []
    assert not is_current(corpus_index)


def test_a_failed_stage_is_named_and_earlier_stages_keep_their_results(
    seeds: Path, tmp_path: Path
) -> None:
    corpus_index = CorpusIndex(seeds, tmp_path / "idx")
    corpus_index.entities_path.mkdir(parents=True)  # a folder where the entity store goes
    with pytest.raises(StageFailed) as failed:
        refresh(corpus_index, pipeline="gazetteer")
    assert failed.value.stage is ENTITIES
    assert "entities stage failed" in str(failed.value)
    assert corpus_index.is_built()


def test_another_process_refreshing_is_told_and_nothing_runs(seeds: Path, tmp_path: Path) -> None:
    corpus_index = CorpusIndex(seeds, tmp_path / "idx")
    corpus_index.directory.mkdir(parents=True)
    with FileLock(str(corpus_index.directory / LOCK_FILE)), pytest.raises(AlreadyIndexing):
        refresh(corpus_index, pipeline="gazetteer")
    assert not corpus_index.is_built()


# -- the command line ---------------------------------------------------------------------------
def test_search_by_person_on_a_fresh_copy_finds_every_seed(
    seeds: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The README's example, with nothing run before it: the entities stage runs first."""
    if choose().package is None:
        pytest.skip(f"no spaCy pipeline: {choose().description}")
    code = main(["search", 'person:"Vladimir Putin"', "--corpus", str(seeds),
                 "--index-dir", str(tmp_path / "idx"), "--json"])  # fmt: skip
    assert code == 0
    hits = json.loads(capsys.readouterr().out)
    assert sorted(h["id"] for h in hits) == sorted(p.name for p in seeds.iterdir())


def test_index_json_says_what_each_stage_did(
    seeds: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["index", str(seeds), "--index-dir", str(tmp_path / "idx"), "--json"]
    assert main([*args, "--no-entities"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert {"index_dir", "added", "updated", "deleted", "unchanged", "documents", "seconds",
            "rebuilt_because", "problems"} <= set(first)  # fmt: skip
    assert first["added"] == 5
    assert first["entities"] == {"ran": False}
    assert first["related"]["ran"] is True
    assert first["related"]["documents"] == 5 and first["related"]["version_clusters"] == 1
    assert main(args) == 0
    second = json.loads(capsys.readouterr().out)
    assert second["added"] == 0
    assert second["entities"]["ran"] is True and second["entities"]["processed"] == 5
    assert {"seconds", "extractor", "mentions", "index_updated"} <= set(second["entities"])


def test_a_failed_stage_exits_6_and_names_it(
    seeds: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "idx" / "entities.sqlite").mkdir(parents=True)
    assert main(["index", str(seeds), "--index-dir", str(tmp_path / "idx")]) == 6
    assert "the entities stage failed" in capsys.readouterr().err


def test_busy_corpus_exits_5(
    seeds: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "idx").mkdir()
    with FileLock(str(tmp_path / "idx" / LOCK_FILE)):
        code = main(["clusters", "--corpus", str(seeds), "--index-dir", str(tmp_path / "idx")])
    assert code == 5
    assert "--no-refresh" in capsys.readouterr().err


def test_no_refresh_reads_what_is_there(
    seeds: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    where = ["--corpus", str(seeds), "--index-dir", str(tmp_path / "idx")]
    assert main(["clusters", *where, "--no-refresh", "--json"]) == 3
    assert "no usable index" in capsys.readouterr().err
    assert main(["index", str(seeds), "--index-dir", str(tmp_path / "idx"), "--no-entities"]) == 0
    capsys.readouterr()
    (seeds / "005_new.txt").write_text("A new story\n\nNothing to relate here at all.\n", "utf-8")
    assert main(["clusters", *where, "--no-refresh", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 2  # the five seeds' clusters, as stored
    assert main(["search", "relate", *where, "--no-refresh", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []  # the new file was not indexed
    assert main(["search", "relate", *where, "--json"]) == 0
    assert [h["id"] for h in json.loads(capsys.readouterr().out)] == ["005_new.txt"]
    assert len(corpus_clusters(CorpusIndex(seeds, tmp_path / "idx"))) == 2
