"""Index builds: incremental, crash-safe, rebuilt when old or damaged, exclusive."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from filelock import FileLock

from reader.base.lock import LOCK_FILE, AlreadyIndexing
from reader.corpus.importer import import_corpus
from reader.main import main
from reader.services.build import READ_CHUNK_BYTES, CorpusIndex, _read_chunks
from reader.store.documents import DocumentStore
from reader.store.schema import index_fields
from reader.store.search import Searcher
from tests.conftest import snapshot

STORY = (
    "{city} (AP) — Officials in {city} said on Tuesday that the {thing} would reopen next week "
    "after repairs that took most of the winter.\n\n"
    "The {thing} had been closed since a storm in January, the mayor said in a statement.\n\n"
    "Residents welcomed the news, though some said the work had taken far too long."
)


def write_story(folder: Path, name: str, city: str, thing: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{thing.title()} to reopen in {city.title()}\n\n"
                    + STORY.format(city=city, thing=thing), encoding="utf-8")  # fmt: skip
    return path


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    write_story(root, "a.txt", "BOSTON", "bridge")
    write_story(root, "b.txt", "DENVER", "library")
    write_story(root, "sub/c.txt", "AUSTIN", "museum")
    return root


def ids(index: CorpusIndex) -> set[str]:
    with DocumentStore(index.store_path) as store:
        return {a.id for a in store.articles()}


def test_first_build_then_nothing_changed(corpus: Path, tmp_path: Path) -> None:
    index = CorpusIndex(corpus, tmp_path / "idx")
    first = index.update(workers=1)
    assert (first.added, first.updated, first.deleted) == (3, 0, 0)
    assert ids(index) == {"a.txt", "b.txt", "sub/c.txt"}
    again = index.update(workers=1)
    assert (again.added, again.updated, again.deleted, again.unchanged) == (0, 0, 0, 3)


def test_add_change_delete_reindex_exactly_those(corpus: Path, tmp_path: Path) -> None:
    index = CorpusIndex(corpus, tmp_path / "idx")
    index.update(workers=1)
    write_story(corpus, "d.txt", "OMAHA", "stadium")
    changed = "Library closes\n\nDENVER — The library will close, the council decided on Monday."
    (corpus / "b.txt").write_text(changed, encoding="utf-8")
    (corpus / "sub" / "c.txt").unlink()
    report = index.update(workers=1)
    assert (report.added, report.updated, report.deleted, report.unchanged) == (1, 1, 1, 1)
    assert ids(index) == {"a.txt", "b.txt", "d.txt"}
    with Searcher(index) as searcher:
        assert [h.id for h in searcher.search("stadium").hits] == ["d.txt"]
        assert searcher.search("museum").hits == []
        assert [h.id for h in searcher.search("council").hits] == ["b.txt"]
        assert searcher.search("reopen bridge library").hits == []


def test_run_stopped_between_whoosh_and_store_commits_leaves_no_duplicate(
    corpus: Path, tmp_path: Path
) -> None:
    """A batch is committed to Whoosh first: stopped before the store's commit, the next run
    reads the file again as new and must replace its document, not add a second one."""
    index = CorpusIndex(corpus, tmp_path / "idx")
    index.update(workers=1)
    write_story(corpus, "d.txt", "OMAHA", "stadium")
    # The state such a run leaves: d.txt in Whoosh, unknown to the store, the run unfinished.
    article = import_corpus(corpus).articles
    (new,) = [a for a in article if a.id == "d.txt"]
    writer = index.open_whoosh().writer()
    writer.add_document(**index_fields(new))
    writer.commit()
    with DocumentStore(index.store_path) as store:
        store.begin()
        store.set_meta("complete", "0")
        store.commit()
    report = index.update(workers=1)
    assert report.added == 1
    with Searcher(index) as searcher:
        assert searcher.search("stadium").total == 1
        assert searcher.search("reopen").total == 4
    # A finished run says so: the next new file is only added.
    write_story(corpus, "e.txt", "TULSA", "arena")
    index.update(workers=1)
    with Searcher(index) as searcher:
        assert searcher.search("arena").total == 1
        assert searcher.search("reopen").total == 5


def test_touched_but_equal_file_is_not_reindexed(corpus: Path, tmp_path: Path) -> None:
    index = CorpusIndex(corpus, tmp_path / "idx")
    index.update(workers=1)
    path = corpus / "a.txt"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    report = index.update(workers=1)
    assert (report.added, report.updated, report.unchanged) == (0, 0, 3)


def test_corpus_files_are_never_written(corpus: Path, tmp_path: Path) -> None:
    before = snapshot(corpus)
    CorpusIndex(corpus, tmp_path / "idx").update(workers=2)
    assert snapshot(corpus) == before
    assert sorted(p.name for p in corpus.rglob("*")) == ["a.txt", "b.txt", "c.txt", "sub"]


def test_default_index_lives_outside_the_corpus(corpus: Path) -> None:
    index = CorpusIndex(corpus)
    index.update(workers=1)
    assert corpus not in index.directory.parents
    assert index.store_path.exists()


def test_environment_variable_chooses_the_folder(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CORPUS_READER_INDEX_DIR", str(tmp_path / "env-idx"))
    assert CorpusIndex(corpus).directory == tmp_path / "env-idx"
    assert CorpusIndex(corpus, tmp_path / "flag").directory == tmp_path / "flag"


def test_old_schema_is_rebuilt_with_a_message(corpus: Path, tmp_path: Path) -> None:
    index = CorpusIndex(corpus, tmp_path / "idx")
    index.update(workers=1)
    with DocumentStore(index.store_path) as store:
        store.set_meta("schema_version", "0")
    report = index.update(workers=1)
    assert report.rebuilt_because is not None
    assert "schema version 0" in report.rebuilt_because
    assert report.added == 3


def test_corrupt_whoosh_index_is_rebuilt(corpus: Path, tmp_path: Path) -> None:
    index = CorpusIndex(corpus, tmp_path / "idx")
    index.update(workers=1)
    for toc in index.whoosh_dir.glob("*.toc"):
        toc.write_bytes(b"\x00garbage" * 10)
    assert index.health() is not None
    report = index.update(workers=1)
    assert report.rebuilt_because and "damaged" in report.rebuilt_because
    with Searcher(index) as searcher:
        assert [h.id for h in searcher.search("bridge").hits] == ["a.txt"]


def test_corrupt_store_is_rebuilt(corpus: Path, tmp_path: Path) -> None:
    index = CorpusIndex(corpus, tmp_path / "idx")
    index.update(workers=1)
    index.store_path.write_bytes(b"this is not a database" * 100)
    for extra in index.directory.glob("store.sqlite-*"):
        extra.unlink()
    report = index.update(workers=1)
    assert report.rebuilt_because and "damaged" in report.rebuilt_because
    assert ids(index) == {"a.txt", "b.txt", "sub/c.txt"}


def test_cli_reports_a_rebuild(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    idx = tmp_path / "idx"
    assert main(["index", str(corpus), "--index-dir", str(idx)]) == 0
    with DocumentStore(idx / "store.sqlite") as store:
        store.set_meta("schema_version", "0")
    capsys.readouterr()
    assert main(["index", str(corpus), "--index-dir", str(idx)]) == 0
    assert "index rebuilt" in capsys.readouterr().err


def test_second_indexer_is_told_clearly(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    index = CorpusIndex(corpus, tmp_path / "idx")
    index.directory.mkdir(parents=True)
    with FileLock(str(index.directory / LOCK_FILE)):
        with pytest.raises(AlreadyIndexing, match="already being indexed"):
            index.update(workers=1)
        code = subprocess.run(
            [sys.executable, "-m", "reader", "index", str(corpus), "--index-dir",
             str(index.directory)], capture_output=True, text=True, check=False,
        )  # fmt: skip
    assert code.returncode == 5
    assert "already being indexed" in code.stderr
    assert "Traceback" not in code.stderr


def test_cancel_keeps_previous_index(corpus: Path, tmp_path: Path) -> None:
    from reader.base.cancel import Cancelled

    index = CorpusIndex(corpus, tmp_path / "idx")
    index.update(workers=1)
    write_story(corpus, "e.txt", "FRESNO", "aquarium")
    with pytest.raises(Cancelled):
        index.update(workers=1, cancel=lambda: True)
    with Searcher(index) as searcher:
        assert [h.id for h in searcher.search("bridge").hits] == ["a.txt"]
        assert searcher.search("aquarium").hits == []
    report = index.update(workers=1)
    assert report.added == 1


def test_kill_9_midway_leaves_a_usable_index(tmp_path: Path) -> None:
    """A build killed with SIGKILL leaves the committed batches usable; the next run finishes."""
    root = tmp_path / "big"
    cities = ["BOSTON", "DENVER", "AUSTIN", "OMAHA", "TULSA", "RENO"]
    for n in range(2600):
        write_story(root, f"f{n // 500}/s{n:05}.txt", cities[n % 6], f"hall{n}")
    idx = tmp_path / "idx"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "reader", "index", str(root), "--index-dir", str(idx)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    store_path = idx / "store.sqlite"
    deadline = time.monotonic() + 120
    committed = 0
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
        if store_path.exists():
            try:
                with DocumentStore(store_path) as store:
                    committed = store.count()
            except Exception:
                committed = 0
            if committed > 0:
                break
    assert proc.poll() is None, "the build finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert 0 < committed < 2600

    index = CorpusIndex(root, idx)
    assert index.health() is None
    with Searcher(index) as searcher:
        assert searcher.search("reopen").total >= committed
    report = index.update()
    assert report.documents == 2600
    with Searcher(index) as searcher:
        assert searcher.search("hall2599").total == 1
        assert searcher.search("reopen").total == 2600
    shutil.rmtree(idx)


def test_ctrl_c_says_interrupted_and_keeps_a_usable_index(tmp_path: Path) -> None:
    """Ctrl-C in a terminal reaches the whole process group, the readers too: the command
    says "interrupted" and exits 130, no traceback from any process; the index opens."""
    root = tmp_path / "big"
    for n in range(2600):
        write_story(root, f"f{n // 500}/s{n:05}.txt", "BOSTON", f"hall{n}")
    idx = tmp_path / "idx"
    proc = subprocess.Popen(
        [sys.executable, "-m", "reader", "index", str(root), "--index-dir", str(idx)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (idx / "scratch").exists():
        time.sleep(0.02)  # the readers are up
    assert proc.poll() is None, "the build finished before it could be interrupted"
    os.killpg(proc.pid, signal.SIGINT)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert "interrupted" in err and "Traceback" not in err
    assert CorpusIndex(root, idx).health() is None


def test_readers_tasks_split_by_files_and_bytes(tmp_path: Path) -> None:
    """A corpus of a few large JSON Lines files gives each file a task of its own, so both
    readers work; small files go 32 to a task."""
    for n in range(40):
        (tmp_path / f"s{n:02}.txt").write_text("x" * 100, encoding="utf-8")
    for n in range(3):
        (tmp_path / f"big{n}.jsonl").write_text("y" * READ_CHUNK_BYTES, encoding="utf-8")
    rels = sorted(p.name for p in tmp_path.iterdir())
    chunks = list(_read_chunks(tmp_path, rels))
    assert [rel for chunk, _ in chunks for rel in chunk] == rels
    assert [len(chunk) for chunk, _ in chunks] == [1, 1, 1, 32, 8]
    assert chunks[0][1] == READ_CHUNK_BYTES
