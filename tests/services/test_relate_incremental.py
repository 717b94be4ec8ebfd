"""Adding articles: related against the snapshot a full run left, with a full run's results."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from reader.services.build import CorpusIndex
from reader.services.relate import (
    corpus_clusters,
    is_current,
    relate_corpus,
    related_stories,
)
from reader.store import related_snapshot as snapshot

SEEDS = ("000", "001", "002", "003", "004")


def _as_sets(found: list[Any]) -> list[tuple[str, str, list[str]]]:
    return sorted((c.kind, c.original or "", sorted(c.members)) for c in found)


def _corpus_without(sample_dir: Path, root: Path, held_back: tuple[str, ...]) -> list[Path]:
    """The sample corpus copied to `root`, minus the seeds named; their files kept aside."""
    shutil.copytree(sample_dir, root)
    aside = root.parent / "aside"
    aside.mkdir()
    kept = []
    for path in sorted(root.glob("*.txt")):
        if path.name[:3] in held_back:
            kept.append(path.rename(aside / path.name))
    assert len(kept) == len(held_back)
    return kept


def _fresh(root: Path, index: Path) -> CorpusIndex:
    corpus_index = CorpusIndex(root, index)
    corpus_index.update()
    assert relate_corpus(corpus_index).incremental == 0
    return corpus_index


@pytest.mark.parametrize("held_back", [("001",), ("004",), ("003",), ("000", "002")])
def test_adding_seeds_gives_the_full_runs_results(
    sample_dir: Path, tmp_path: Path, held_back: tuple[str, ...]
) -> None:
    root = tmp_path / "corpus"
    aside = _corpus_without(sample_dir, root, held_back)
    corpus_index = _fresh(root, tmp_path / "index")
    for path in aside:
        shutil.copy(path, root / path.name)
    corpus_index.update()
    report = relate_corpus(corpus_index)
    assert report.incremental == len(held_back)  # related against the snapshot alone
    assert report.documents == len(SEEDS)

    fresh = _fresh(root, tmp_path / "fresh")
    assert _as_sets(corpus_clusters(corpus_index)) == _as_sets(corpus_clusters(fresh))
    for path in aside:
        added = related_stories(corpus_index, path.name).to_json()
        full = related_stories(fresh, path.name).to_json()
        assert [v["id"] for v in added["versions"]] == [v["id"] for v in full["versions"]]
        assert {s["id"]: s["score"] for s in added["same_event"]} == pytest.approx(
            {s["id"]: s["score"] for s in full["same_event"]}, abs=1e-4
        )


def _snapshot_folder(corpus_index: CorpusIndex) -> Path:
    [folder] = corpus_index.directory.glob(f"{snapshot.PREFIX}*")
    return folder


@pytest.mark.parametrize(
    "damage",
    [
        lambda folder: (folder / "manifest.json").unlink(),
        lambda folder: (folder / "manifest.json").write_text("{not json", encoding="utf-8"),
        lambda folder: (folder / "words_df.npy").write_bytes(b"\x93NUMPY truncated"),
        lambda folder: (folder / "band_order.npy").write_bytes(
            (folder / "band_order.npy").read_bytes()[:200]
        ),
        lambda folder: (folder / "ids.txt").write_text("only-one-id", encoding="utf-8"),
        lambda folder: shutil.rmtree(folder),
        lambda folder: folder.rename(folder.with_name(snapshot.PREFIX + "0123456789abcdef")),
    ],
    ids=["no manifest", "bad manifest", "bad array", "truncated", "wrong ids", "gone", "stale"],
)
def test_a_damaged_snapshot_means_a_full_run(sample_dir: Path, tmp_path: Path, damage: Any) -> None:
    root = tmp_path / "corpus"
    [aside] = _corpus_without(sample_dir, root, ("004",))
    corpus_index = _fresh(root, tmp_path / "index")
    damage(_snapshot_folder(corpus_index))
    shutil.copy(aside, root / aside.name)
    corpus_index.update()
    report = relate_corpus(corpus_index)
    assert report.incremental == 0 and report.documents == len(SEEDS)
    fresh = _fresh(root, tmp_path / "fresh")
    assert _as_sets(corpus_clusters(corpus_index)) == _as_sets(corpus_clusters(fresh))
    # The full run wrote a new snapshot and removed the damaged one.
    assert snapshot.load(corpus_index.directory, _snapshot_folder(corpus_index).name[
        len(snapshot.PREFIX):]) is not None  # fmt: skip


def test_articles_added_one_after_another(sample_dir: Path, tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    aside = _corpus_without(sample_dir, root, ("002", "004"))
    corpus_index = _fresh(root, tmp_path / "index")
    key = _snapshot_folder(corpus_index).name
    for path in aside:  # the second is related against the snapshot plus the first
        shutil.copy(path, root / path.name)
        corpus_index.update()
        assert relate_corpus(corpus_index).incremental == 1
    assert _snapshot_folder(corpus_index).name == key  # not rewritten by an incremental run
    fresh = _fresh(root, tmp_path / "fresh")
    assert _as_sets(corpus_clusters(corpus_index)) == _as_sets(corpus_clusters(fresh))


def test_the_change_log_tells_what_changed(sample_dir: Path, tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    shutil.copytree(sample_dir, root)
    corpus_index = _fresh(root, tmp_path / "index")
    assert is_current(corpus_index)
    seed = next(root.glob("002_*.txt"))
    os.utime(seed, (seed.stat().st_atime, seed.stat().st_mtime + 60))  # touched, not changed
    corpus_index.update()
    assert is_current(corpus_index) and relate_corpus(corpus_index).up_to_date
    seed.write_text(seed.read_text("utf-8").replace("Beijing", "Peking"), encoding="utf-8")
    corpus_index.update()
    assert not is_current(corpus_index)
    report = relate_corpus(corpus_index)  # changed: the corpus is related again
    assert report.incremental == 0 and not report.up_to_date and is_current(corpus_index)


def test_an_article_added_with_its_entities_is_related_incrementally(
    sample_dir: Path, tmp_path: Path
) -> None:
    """The window's order: index, entities, relating. The new article's entity names are new by
    nature; only other names for articles already related mean starting over."""
    from reader.services.extract import extract_entities

    root = tmp_path / "corpus"
    [aside] = _corpus_without(sample_dir, root, ("001",))
    corpus_index = CorpusIndex(root, tmp_path / "index")
    corpus_index.update()
    extract_entities(corpus_index, pipeline="gazetteer")
    assert relate_corpus(corpus_index).incremental == 0
    shutil.copy(aside, root / aside.name)
    corpus_index.update()
    extract_entities(corpus_index, pipeline="gazetteer")
    assert not is_current(corpus_index)
    report = relate_corpus(corpus_index)
    assert report.incremental == 1 and is_current(corpus_index)

    fresh = CorpusIndex(root, tmp_path / "fresh")
    fresh.update()
    extract_entities(fresh, pipeline="gazetteer")
    relate_corpus(fresh)
    assert _as_sets(corpus_clusters(corpus_index)) == _as_sets(corpus_clusters(fresh))
    added = related_stories(corpus_index, aside.name).to_json()
    full = related_stories(fresh, aside.name).to_json()
    assert {s["id"]: s["score"] for s in added["same_event"]} == pytest.approx(
        {s["id"]: s["score"] for s in full["same_event"]}, abs=1e-4
    )
