"""Reader processes: each writes its own segment of a batch, which the builder adopts."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from reader.base.cancel import Cancelled
from reader.base.processes import context
from reader.corpus.importer import import_corpus
from reader.services import build as builder
from reader.services.build import READER_PRELOAD, SCRATCH_DIR, CorpusIndex
from reader.services.reader_pool import LearnFolder, ReaderFailed, Readers, ReadTask
from reader.store import segment_writer
from reader.store.search import Searcher
from tests.services.test_build import write_story

CITIES = ["BOSTON", "DENVER", "AUSTIN", "OMAHA"]
STORY_TEXT = (
    "OMAHA (AP) — The hall numbered {k} would reopen next week after repairs, officials "
    "said.\n\nIt had been closed since a storm in January, the mayor said."
)


def make_corpus(root: Path, n: int) -> Path:
    for k in range(n):
        write_story(root, f"f{k % 3}/s{k:04}.txt", CITIES[k % 4], f"hall{k}")
    return root


def segment_sizes(index: CorpusIndex) -> list[int]:
    ix = whoosh_index.open_dir(str(index.whoosh_dir))
    try:
        return sorted(s.doc_count_all() for s in ix._segments())
    finally:
        ix.close()


def test_two_readers_write_a_segment_each_and_every_story_is_found(tmp_path: Path) -> None:
    root = make_corpus(tmp_path / "corpus", 300)
    index = CorpusIndex(root, tmp_path / "idx")
    (index.directory / SCRATCH_DIR / "r0").mkdir(parents=True)  # left by a stopped run
    report = index.update(workers=2)
    assert report.documents == 300
    sizes = segment_sizes(index)
    assert len(sizes) == 2 and sum(sizes) == 300
    assert not (index.directory / SCRATCH_DIR).exists()
    with Searcher(index) as searcher:
        assert searcher.search("reopen").total == 300
        assert searcher.search("hall0").total == 1
        assert searcher.search("hall299").total == 1


@pytest.mark.parametrize("workers", [1, 2])
def test_batches_commit_in_turn_while_the_next_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    """Small batches, and tasks sent far ahead: answers for a batch come while the one
    before is not yet committed (always so with one reader, in this process); each batch's
    files reach the store with its segments, none twice, none lost."""
    monkeypatch.setattr(builder, "BATCH_FILES", 40)
    monkeypatch.setattr(builder, "TASKS_PER_READER", 4)
    root = make_corpus(tmp_path / "corpus", 250)
    index = CorpusIndex(root, tmp_path / "idx")
    seen: list[int] = []
    report = index.update(workers=workers, progress=lambda done, total, rel: seen.append(done))
    assert report.documents == 250 and report.added == 250
    assert seen == list(range(1, 251))
    assert sum(segment_sizes(index)) == 250
    with Searcher(index) as searcher:
        assert searcher.search("reopen").total == 250
    # Changed files replace their documents: still one each.
    for k in (3, 120, 249):
        write_story(root, f"f{k % 3}/s{k:04}.txt", "RENO", f"hall{k}")
    again = index.update(workers=workers)
    assert (again.updated, again.documents) == (3, 250)
    with Searcher(index) as searcher:
        assert searcher.search("reopen").total == 250
        assert searcher.search("reno").total == 3


def test_a_reader_that_dies_is_reported_by_number(tmp_path: Path) -> None:
    root = make_corpus(tmp_path / "corpus", 4)
    readers = Readers(context(READER_PRELOAD), root, tmp_path / "scratch", 2)
    try:
        readers.wait_ready()
        os.kill(readers._processes[0].pid, signal.SIGKILL)
        readers._processes[0].join(10)
        with pytest.raises(ReaderFailed, match="reader process 1 stopped unexpectedly"):
            readers.send(0, ReadTask(0, ["f0/s0000.txt"], {}, {}))
            list(readers.receive(timeout=10))
    finally:
        readers.close(wait_for_them=False)


def test_learning_furniture_never_waits_on_idle_readers(tmp_path: Path) -> None:
    """Readers up and idle while this process learns the only folder: learning ends (it
    once waited for an answer no reader owed)."""
    root = make_corpus(tmp_path / "corpus", 6)
    index = CorpusIndex(root, tmp_path / "idx")
    readers = Readers(context(READER_PRELOAD), root, tmp_path / "scratch", 2)
    learned: dict[str, frozenset[str]] = {}
    try:
        readers.wait_ready()
        thread = threading.Thread(
            target=lambda: learned.update(index._learn_boilerplate(["f0/s0000.txt"], readers)),
            daemon=True,
        )
        thread.start()
        thread.join(30)
        assert not thread.is_alive()
        folders = ["f1/s0001.txt", "f2/s0002.txt", "f0/s0003.txt"]
        learned.update(index._learn_boilerplate(folders, readers))  # readers take some
    finally:
        readers.close(wait_for_them=False)


def test_readers_clean_a_large_folder_as_the_import_does(tmp_path: Path) -> None:
    """More files than the furniture sample: the lines learned, and so the stories kept,
    are the import's."""
    root = tmp_path / "corpus"
    for k in range(450):
        path = root / "site" / f"s{k:04}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        extra = "Most read: the week in pictures\n\n" if k % 2 else ""
        path.write_text(f"Hall {k} to reopen\n\nHome | World | Sport | Opinion\n\n{extra}"
                        + STORY_TEXT.format(k=k) + "\n\nSubscribe now to keep reading\n",
                        encoding="utf-8")  # fmt: skip
    index = CorpusIndex(root, tmp_path / "idx")
    index.update(workers=2)
    expected = {a.id: a.body for a in import_corpus(root).articles}
    with index.open_store() as store:
        found = {a.id: a.body for a in store.articles()}
    assert found == expected
    assert not any("Subscribe now" in body for body in found.values())


def test_cancel_stops_the_readers_and_keeps_the_last_commit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(builder, "BATCH_FILES", 100)
    root = make_corpus(tmp_path / "corpus", 300)
    index = CorpusIndex(root, tmp_path / "idx")
    seen: list[int] = []
    with pytest.raises(Cancelled):
        index.update(workers=2, progress=lambda done, total, rel: seen.append(done),
                     cancel=lambda: len(seen) > 150)  # fmt: skip
    assert not (index.directory / SCRATCH_DIR).exists()
    assert index.health() is None
    with Searcher(index) as searcher:
        kept = searcher.search("reopen").total
    assert 100 <= kept < 300  # the first batch committed, the one cancelled not
    assert index.update(workers=2).documents == 300
    with Searcher(index) as searcher:
        assert searcher.search("reopen").total == 300


def test_a_reader_error_comes_back_as_one_line_with_its_traceback(tmp_path: Path) -> None:
    readers = Readers(context(READER_PRELOAD), tmp_path, tmp_path / "scratch", 1)
    try:
        readers.send(0, LearnFolder(None))  # type: ignore[arg-type]  # no folder: it raises
        with pytest.raises(ReaderFailed, match=r"^reader process 1 failed: TypeError") as info:
            list(readers.receive(timeout=30))
        assert "\n" not in str(info.value)
        assert "Traceback" in info.value.details
    finally:
        readers.close(wait_for_them=False)


def test_incremental_runs_merge_tiny_segments_instead_of_piling_them(tmp_path: Path) -> None:
    root = make_corpus(tmp_path / "corpus", 10)
    index = CorpusIndex(root, tmp_path / "idx")
    index.update(workers=1)
    for run in range(4):
        for k in range(3):
            write_story(root, f"new/r{run}k{k}.txt", "RENO", f"annex{run}x{k}")
        index.update(workers=1)
    sizes = segment_sizes(index)
    assert len(sizes) <= 2 and sum(sizes) == 22
    with Searcher(index) as searcher:
        assert searcher.search("reopen").total == 22
        assert searcher.search("annex3x2").total == 1


def test_segments_beyond_the_cap_merge_the_smallest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whoosh's own policy merged most of a large index at once; ours keeps a build's
    segments until there are too many, then merges the smallest."""
    monkeypatch.setattr(segment_writer, "TINY_SEGMENT_DOCS", 3)
    monkeypatch.setattr(segment_writer, "MAX_SEGMENTS", 4)
    monkeypatch.setattr(builder, "BATCH_FILES", 5)
    monkeypatch.setattr(builder, "READ_CHUNK", 5)
    root = make_corpus(tmp_path / "corpus", 40)
    index = CorpusIndex(root, tmp_path / "idx")
    index.update(workers=1)
    sizes = segment_sizes(index)
    assert len(sizes) <= 5 and sum(sizes) == 40  # the cap, and this commit's own segment
    assert sizes[-1] > 5  # the smallest were merged into one
    with Searcher(index) as searcher:
        assert searcher.search("reopen").total == 40
