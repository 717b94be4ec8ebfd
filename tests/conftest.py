"""Shared fixtures: the bundled sample corpus and the project's shared evaluation data."""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reader.bundled import sample_corpus_dir
from reader.entities.model import ExtractionReport
from reader.entities.pipelines import choose
from reader.services.build import CorpusIndex
from reader.services.extract import extract_entities

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CORPUS_READER_SHARED", REPO.parent / "shared"))


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    return sample_corpus_dir()


def load_gold() -> dict[str, Any] | None:
    """The hand-labelled reading of the sample corpus, when the shared folder is present."""
    path = SHARED / "gold" / "seeds.json"
    if not path.is_file():
        return None
    return json.loads(path.read_text("utf-8"))


@pytest.fixture(scope="session")
def gold() -> dict[str, Any]:
    data = load_gold()
    if data is None:
        pytest.skip(f"gold file not found under {SHARED}")
    return data


@pytest.fixture(autouse=True)
def _private_index_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test writes an index into the real user's data folder."""
    home = tmp_path_factory.mktemp("xdg")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.delenv("CORPUS_READER_INDEX_DIR", raising=False)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file's bytes under `folder` (not following symlinks), to prove nothing changed."""
    out: dict[str, bytes] = {}
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            path = Path(dirpath) / name
            if not path.is_symlink():
                out[str(path.relative_to(folder))] = path.read_bytes()
    return out


@pytest.fixture(scope="session")
def extracted_sample(
    sample_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[CorpusIndex, ExtractionReport]:
    """The sample corpus indexed and extracted with the spaCy pipeline (CI installs it)."""
    if choose().package is None:
        pytest.skip(f"no spaCy pipeline: {choose().description}")
    corpus_index = CorpusIndex(sample_dir, tmp_path_factory.mktemp("entity-index"))
    corpus_index.update()
    report = extract_entities(corpus_index)
    return corpus_index, report


# -- crash tests: generated news and a child process killed with SIGKILL -----------------------
_CITIES = ("Boston", "Denver", "Austin", "Omaha", "Tulsa", "Reno", "Leeds", "Lyon", "Minsk",
           "Vilnius")  # fmt: skip
_FIRST = ("Anna", "Maria", "Tom", "David", "Sara", "Peter", "Laura", "Omar", "Ines", "Jonas")
_LAST = ("Keller", "Lopez", "Baker", "Chen", "Novak", "Silva", "Berg", "Haddad", "Moreau",
         "Kowalski")  # fmt: skip
_ORGS = ("Reuters", "the BBC", "Airbus", "the African Union", "Al Jazeera")
_VOCABULARY = (
    "council bridge storm repairs budget school river flood court judge election vote tax rail "
    "station harbour museum library hospital nurses strike union wages farmers drought wildfire "
    "airport runway fuel prices market shares bank loan housing rent tenants builders permit "
    "park festival concert stadium team coach season injury contract painting theft gallery "
    "prison escape sheriff ferry tunnel water pipes power grid outage"
)
_WORDS = _VOCABULARY.split()


def write_news(root: Path, events: range) -> int:
    """Generated wire stories, the same for the same `events`: per event a story, a shorter
    version of it, and for every third event a second story in other words. Every story names
    a city, a person and an organisation the gazetteer knows. Returns how many were written."""
    written = 0
    for e in events:
        rng = random.Random(e)
        city, org = _CITIES[e % len(_CITIES)], _ORGS[e % len(_ORGS)]
        person = f"{_FIRST[e % len(_FIRST)]} {_LAST[e // len(_FIRST) % len(_LAST)]}"
        what = rng.sample(_WORDS, 2)
        lead = (f"{city.upper()} (AP) — {person} told {org} on Monday that the {what[0]} and "
                f"{what[1]} case {e} would be heard in {city} next week.")  # fmt: skip
        rest = [" ".join(rng.choices(_WORDS, k=14)).capitalize() + f" {e}." for _ in range(7)]
        rest.insert(3, f"{person.split()[-1]} said {org} had been told first.")
        folder = root / f"e{e // 100:03}"
        folder.mkdir(parents=True, exist_ok=True)
        title = f"{what[0].title()} case {e} in {city}"
        (folder / f"e{e:05}a.txt").write_text(f"{title}\n\n{lead} {' '.join(rest)}", "utf-8")
        (folder / f"e{e:05}b.txt").write_text(f"{title}\n\n{lead} {' '.join(rest[:5])}", "utf-8")
        written += 2
        if e % 3 == 0:
            other = [" ".join(rng.choices(_WORDS, k=12)).capitalize() + "." for _ in range(6)]
            body = (f"{person} of {org} spoke in {city} about case {e}, the {what[0]} and "
                    f"{what[1]} hearing. {' '.join(other)}")  # fmt: skip
            (folder / f"e{e:05}c.txt").write_text(f"{city} hearing\n\n{body}", "utf-8")
            written += 1
    return written


def kill_when(
    script: str, args: list[str], ready: Callable[[str], bool], log: Path, timeout: float = 120
) -> list[str]:
    """Run `python -c script *args` in a session of its own, reading the lines it prints; at
    the first line `ready(line)` accepts, SIGKILL the child and its worker processes. Returns
    the lines read. Fails if the child ended first; leaves no process of its group running."""
    with open(log, "w", encoding="utf-8") as err:
        proc = subprocess.Popen(
            [sys.executable, "-c", script, *args],
            stdout=subprocess.PIPE, stderr=err, text=True, start_new_session=True,
        )  # fmt: skip
    group = proc.pid  # the child leads its own process group
    watchdog = threading.Timer(timeout, _kill_group, (group,))
    watchdog.start()
    lines: list[str] = []
    killed = False
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            if ready(line):
                _kill_all_but_tracker(group)
                killed = True
                break
        proc.wait()
        _wait_group_gone(group)
    finally:
        watchdog.cancel()
        _kill_group(group)
        proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()
    assert killed, f"the child ended (or timed out) before its kill:\n{log.read_text('utf-8')}"
    assert proc.returncode == -signal.SIGKILL
    return lines


def _kill_group(group: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, signal.SIGKILL)


def _kill_all_but_tracker(group: int) -> None:
    """SIGKILL the group's leader, then every other process of the group but multiprocessing's
    resource tracker: the leader first, so that no process starts after it (a pool restarts
    its workers); the tracker, its pipe closed, then removes the semaphores the killed pool
    left in /dev/shm and exits (killed too, it would leave them there)."""
    if not Path("/proc").is_dir():
        _kill_group(group)  # not Linux: the pool's semaphores may be left behind
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(group, signal.SIGKILL)
    for pid in _live_members(group):
        with contextlib.suppress(OSError):
            if b"resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_bytes():
                os.kill(pid, signal.SIGKILL)


def _wait_group_gone(group: int, timeout: float = 10) -> None:
    """Wait until no live process of the group is left (zombies, reaped by init, don't count)."""
    deadline = time.monotonic() + timeout
    while _live_members(group):
        assert time.monotonic() < deadline, f"processes of group {group} still running"
        time.sleep(0.05)


def _live_members(group: int) -> list[int]:
    proc = Path("/proc")
    if not proc.is_dir():  # not Linux: a group with only zombies left counts as alive here
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return []
        return [group]
    live = []
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()  # state, ppid, pgrp, ...
        if int(fields[2]) == group and fields[0] != "Z":
            live.append(int(entry.name))
    return live
