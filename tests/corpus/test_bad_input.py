"""A corpus folder full of bad input: every bad file is one clear problem, the rest still loads.

The folder is built in `tmp_path` by the `bad_folder` fixture. It holds real-looking good
articles in every format, files that are not articles at all (binary, empty, too large, broken
JSON), links that lead nowhere or round in a circle, and text in legacy encodings that must be
read correctly rather than reported. The import must never write to the folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from reader.corpus.importer import import_corpus, load_article, read_sources, walk_corpus
from reader.corpus.model import Problem
from reader.main import main

GOOD_ONE = """\
Harbour authority approves dredging of the old channel

PORT ELLEN — The harbour authority on Tuesday approved a plan to dredge the old channel, \
allowing larger ferries to dock at the village pier for the first time in forty years.

The work is expected to begin in the autumn and to last about three months, officials said, \
with fishing boats moved to the east quay while the dredgers are in the channel.

“This is the day the island has waited for,” said Morag Ferguson, who chairs the authority.
"""

GOOD_TWO = """\
Rail operator cuts Sunday services on the coast line

BRIGHTHAVEN — The regional rail operator will run one train an hour on the coast line on \
Sundays from next month, down from two, because it cannot find enough drivers, it said on Friday.

Passenger groups called the cut a false economy. “People will simply drive,” said Alan Pryce \
of the Coast Line Users’ Association.

The operator said it hoped to restore the full timetable by the summer.
"""

GOOD_THREE = """\
Volunteers count a record number of wading birds on the estuary

SALTMARSH — Volunteers counted more than 12,000 wading birds on the estuary at the weekend, \
the highest figure since the monthly survey began in 1987.

Ornithologists credit the new tidal lagoon, which floods at high water and gives the birds \
somewhere to rest away from dogs and walkers.
"""

GOOD_MD = """\
# Library extends opening hours for exam season

The central library will stay open until midnight from May 2 to June 14, the city council \
said on Monday, after students petitioned for longer hours for two years.

Security staff will be added for the late shifts, and the café will close at 8 p.m.
"""

GOOD_JSON = {
    "title": "Bakery on Mill Lane wins national bread award",
    "date": "2023-03-03",
    "source": "The Example Gazette",
    "text": (
        "MILLTOWN — A family bakery on Mill Lane has won the national award for the best "
        "sourdough loaf, beating more than 400 entries from across the country.\n\n"
        "The owners said they would not raise their prices."
    ),
}

FEED_RECORDS = [
    {
        "title": "Council opens consultation on new cycle lanes",
        "date": "2023-03-01",
        "text": "The council has opened a six-week consultation on cycle lanes along the ring "
        "road, which would remove about 200 parking spaces.",
    },
    {
        "title": "Swimming pool to reopen after roof repairs",
        "date": "2023-03-02",
        "text": "The municipal swimming pool will reopen on Saturday after eight months of "
        "repairs to its roof, which was damaged in a storm last summer.",
    },
    {
        "title": "Farmers' market moves to the town square",
        "date": "2023-03-03",
        "text": "The weekly farmers' market will move from the car park to the town square in "
        "April, the organisers said, giving stallholders room for another twenty pitches.",
    },
]

MIXED_GOOD = [
    {
        "title": "Ferry timetable changes for the spring",
        "text": "The spring ferry timetable starts on April 1, with an extra evening sailing on "
        "Fridays and Saturdays to the island.",
    },
    {
        "title": "Lifeboat crew rescues two kayakers off the headland",
        "text": "The lifeboat crew rescued two kayakers who were swept out past the headland on "
        "Sunday afternoon; both were treated for cold and released.",
    },
]

CP1252_PHRASE = "café – “quoted”"
CP1252_TEXT = f"""\
New {CP1252_PHRASE} menu divides the regulars at the station buffet

NORTHGATE — The station buffet’s new menu, which its owners describe as a “café – “quoted” \
kind of place”, has divided the regulars who have eaten there for decades.

Some welcomed the crêpes and the flat whites; others said they missed the fried breakfast, \
which now costs £9.50 — almost twice what it did.

“We’ll see how it goes,” said the manager, Renée Dubois. “Nothing is set in stone.”
"""

UTF16_TEXT = """\
Ministers promise decision on the northern bypass “within weeks”

YORKSHIRE — Ministers will decide within weeks whether to fund the northern bypass, the \
transport secretary told MPs on Wednesday, ending a delay of more than three years.

Campaigners in Kirkby Ørsted said they had heard such promises before.
"""

GOOD_IDS = {
    "good_one.txt",
    "good_two.txt",
    "sub/good_three.txt",
    "notes.md",
    "single.json",
    "feed.jsonl#0",
    "feed.jsonl#1",
    "feed.jsonl#2",
    "mixed.jsonl#0",
    # Record ids count the file's records by position, so the broken line 2 keeps its number
    # and the good line after it is #2 whether or not line 2 is ever mended.
    "mixed.jsonl#2",
    "legacy_cp1252.txt",
    "wide_utf16.txt",
}


@dataclass(frozen=True)
class BadFile:
    name: str  # the file's name, as it must appear in the problem's path
    reason: str  # a regular expression the problem's reason must match (case-insensitive)


BAD_FILES = [
    BadFile("image.txt", r"\bbinary\b"),
    BadFile("empty.txt", r"\bempty\b"),
    BadFile("blank.txt", r"\bempty\b|\bblank\b|whitespace"),
    BadFile("huge.txt", r"too large"),
    BadFile("broken.json", r"invalid JSON"),
    BadFile("mixed.jsonl", r"\bline 2\b.*invalid JSON|invalid JSON.*\bline 2\b"),
    BadFile("loop", r"\bloop\b"),
    BadFile("dangling.txt", r"link.*(nothing|missing|dangling|broken|does not exist)"),
]

PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00"
    b"\x1f\xf3\xffa\x00\x00\x00\x00IEND\xaeB`\x82" + bytes(range(256)) * 4
)


def build_bad_folder(folder: Path) -> Path:
    folder.mkdir()
    (folder / "sub").mkdir()
    (folder / "good_one.txt").write_text(GOOD_ONE, encoding="utf-8")
    (folder / "good_two.txt").write_text(GOOD_TWO, encoding="utf-8")
    (folder / "sub" / "good_three.txt").write_text(GOOD_THREE, encoding="utf-8")
    (folder / "notes.md").write_text(GOOD_MD, encoding="utf-8")
    (folder / "single.json").write_text(json.dumps(GOOD_JSON, indent=2), encoding="utf-8")
    (folder / "feed.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in FEED_RECORDS), encoding="utf-8"
    )
    (folder / "legacy_cp1252.txt").write_bytes(CP1252_TEXT.encode("cp1252"))
    (folder / "wide_utf16.txt").write_bytes(UTF16_TEXT.encode("utf-16"))  # with a BOM
    (folder / "cover.jpg").write_bytes(PNG_BYTES)  # not a supported format: ignored, no problem

    # The bad ones.
    (folder / "image.txt").write_bytes(PNG_BYTES)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.txt").write_bytes(b"  \n\t\r\n   \n\n")
    with (folder / "huge.txt").open("wb") as handle:  # 50 MB, mostly a hole in the file
        handle.write(b"Headline of a file far too large to be one article\n\n")
        handle.seek(50 * 1024 * 1024)
        handle.write(b"x")
    (folder / "broken.json").write_text(
        '{"title": "Half a record", "text": "The file was cut off in the mid', encoding="utf-8"
    )
    (folder / "mixed.jsonl").write_text(
        json.dumps(MIXED_GOOD[0])
        + "\n"
        + '{"title": "Broken record", "text": "no closing quote}\n'
        + json.dumps(MIXED_GOOD[1])
        + "\n",
        encoding="utf-8",
    )
    os.symlink(folder, folder / "loop")
    os.symlink(folder / "no_such_file.txt", folder / "dangling.txt")
    return folder


@pytest.fixture
def bad_folder(tmp_path: Path) -> Path:
    return build_bad_folder(tmp_path / "corpus")


def snapshot(folder: Path) -> dict[str, str]:
    """{relative path: sha256 or link target} of everything in the folder, links not followed."""
    state: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            rel = path.relative_to(folder).as_posix()
            if path.is_symlink():
                state[rel] = "link -> " + os.readlink(path)
            elif path.is_dir():
                state[rel] = "folder"
            else:
                state[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return state


def problems_for(problems: list[Problem], name: str) -> list[Problem]:
    return [p for p in problems if Path(p.path).name == name]


def test_every_bad_file_is_one_problem_and_every_good_article_loads(bad_folder: Path) -> None:
    result = import_corpus(bad_folder)

    for bad in BAD_FILES:
        found = problems_for(result.problems, bad.name)
        assert len(found) == 1, f"{bad.name}: expected one problem, got {found}"
        assert re.search(bad.reason, found[0].reason, re.IGNORECASE), (
            f"{bad.name}: reason {found[0].reason!r} does not say /{bad.reason}/"
        )
    assert len(result.problems) == len(BAD_FILES), [str(p) for p in result.problems]

    ids = {a.id for a in result.articles}
    assert ids >= GOOD_IDS, f"missing: {sorted(GOOD_IDS - ids)}"
    assert ids == GOOD_IDS, f"unexpected articles: {sorted(ids - GOOD_IDS)}"
    assert result.files_skipped == 1  # cover.jpg


def test_good_articles_are_read_with_their_text(bad_folder: Path) -> None:
    articles = {a.id: a for a in import_corpus(bad_folder).articles}

    assert (
        articles["good_one.txt"].title == "Harbour authority approves dredging of the old channel"
    )
    assert articles["good_one.txt"].body.startswith("PORT ELLEN — The harbour authority")
    assert articles["sub/good_three.txt"].dateline == "SALTMARSH"
    assert articles["notes.md"].title == "Library extends opening hours for exam season"
    assert articles["single.json"].title == GOOD_JSON["title"]
    assert articles["single.json"].date == "2023-03-03"
    for n, record in enumerate(FEED_RECORDS):
        assert articles[f"feed.jsonl#{n}"].title == record["title"]
        assert articles[f"feed.jsonl#{n}"].body == record["text"]
    assert articles["mixed.jsonl#0"].title == MIXED_GOOD[0]["title"]
    assert articles["mixed.jsonl#2"].title == MIXED_GOOD[1]["title"]


def test_cp1252_file_is_decoded_correctly(bad_folder: Path) -> None:
    article = {a.id: a for a in import_corpus(bad_folder).articles}["legacy_cp1252.txt"]

    assert article.title == f"New {CP1252_PHRASE} menu divides the regulars at the station buffet"
    assert CP1252_PHRASE in article.body
    assert "Renée Dubois" in article.body
    assert "£9.50 — almost twice" in article.body
    assert "\ufffd" not in article.body


def test_utf16_file_with_bom_is_decoded_correctly(bad_folder: Path) -> None:
    article = {a.id: a for a in import_corpus(bad_folder).articles}["wide_utf16.txt"]

    assert article.title == "Ministers promise decision on the northern bypass “within weeks”"
    assert article.body.startswith("YORKSHIRE — Ministers will decide within weeks")
    assert "Kirkby Ørsted" in article.body
    assert "\ufeff" not in article.body and "\x00" not in article.body


def test_import_never_changes_the_folder(bad_folder: Path) -> None:
    before = snapshot(bad_folder)
    import_corpus(bad_folder)
    with pytest.raises(ValueError):
        load_article(bad_folder, "image.txt")
    load_article(bad_folder, "mixed.jsonl#2")
    assert snapshot(bad_folder) == before


def test_load_article_reads_good_records_and_explains_bad_files(bad_folder: Path) -> None:
    record = load_article(bad_folder, "mixed.jsonl#2")
    assert record.title == MIXED_GOOD[1]["title"]
    with pytest.raises(ValueError, match=r"(?i)binary"):
        load_article(bad_folder, "image.txt")
    with pytest.raises(ValueError, match=r"(?i)too large"):
        load_article(bad_folder, "huge.txt")


def test_file_that_vanished_after_the_walk_is_a_problem(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "stays.txt").write_text(GOOD_ONE, encoding="utf-8")
    (root / "goes.txt").write_text(GOOD_TWO, encoding="utf-8")
    walked = [p for p in walk_corpus(root) if isinstance(p, Path)]
    assert [p.name for p in walked] == ["goes.txt", "stays.txt"]

    (root / "goes.txt").unlink()
    sources, problems = read_sources(root, walked[0])

    assert sources == []
    assert len(problems) == 1
    assert Path(problems[0].path).name == "goes.txt"
    assert re.search(r"vanished", problems[0].reason, re.IGNORECASE), problems[0].reason


@pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0,
    reason="running as root: chmod 000 does not stop root from reading a file",
)
def test_unreadable_file_is_a_permission_problem(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "readable.txt").write_text(GOOD_ONE, encoding="utf-8")
    locked = root / "locked.txt"
    locked.write_text(GOOD_TWO, encoding="utf-8")
    locked.chmod(0)
    try:
        result = import_corpus(root)
    finally:
        locked.chmod(0o644)

    assert [a.id for a in result.articles] == ["readable.txt"]
    assert len(result.problems) == 1
    assert Path(result.problems[0].path).name == "locked.txt"
    assert re.search(r"permission", result.problems[0].reason, re.IGNORECASE)


def test_cli_import_reports_one_line_per_bad_file(
    bad_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(bad_folder)

    code = main(["import", str(bad_folder)])
    out, err = capsys.readouterr()

    assert code == 1  # done, but some files could not be read
    lines = [ln for ln in err.splitlines() if ln.strip() and not ln.startswith("skipped ")]
    assert len(lines) == len(BAD_FILES), err
    skipped = [ln for ln in err.splitlines() if ln.startswith("skipped ")]
    assert len(skipped) == 1 and "cover.jpg: not an article format (.jpg)" in skipped[0]
    for bad in BAD_FILES:
        mentioning = [ln for ln in lines if re.search(rf"[/\\]{re.escape(bad.name)}\b", ln)]
        assert len(mentioning) == 1, f"{bad.name}: {mentioning}"
    assert f"{len(GOOD_IDS)} articles" in out
    assert snapshot(bad_folder) == before


def test_cli_import_json(bad_folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["import", str(bad_folder), "--json"])
    out, _err = capsys.readouterr()

    assert code == 1
    payload = json.loads(out)
    assert {"files_read", "articles", "problems"} <= payload.keys()
    assert {a["id"] for a in payload["articles"]} == GOOD_IDS
    assert len(payload["problems"]) == len(BAD_FILES)
    for problem in payload["problems"]:
        assert set(problem) >= {"path", "reason"}
        assert problem["path"] and problem["reason"]
    named = sorted(Path(p["path"]).name for p in payload["problems"])
    assert named == sorted(b.name for b in BAD_FILES)
    # Every supported regular file is read (the loop and the dangling link are not files).
    supported = [
        p
        for p in bad_folder.rglob("*")
        if not p.is_symlink() and p.is_file() and p.suffix in {".txt", ".md", ".json", ".jsonl"}
    ]
    assert payload["files_read"] == len(supported)
