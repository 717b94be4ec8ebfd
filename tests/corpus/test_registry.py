"""Which reader reads which file, and why a file is not read: nothing skipped silently."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader.corpus.importer import import_corpus
from reader.corpus.registry import format_of, is_many, skip_reason
from reader.main import main


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("a.txt", "text"), ("A.TXT", "text"), ("b.md", "markdown"), ("c.htm", "html"),
     ("d.json", "json"), ("e.ndjson", "jsonl"), ("f.exe", None), ("noext", None)],
)  # fmt: skip
def test_a_file_name_picks_its_format(name: str, fmt: str | None) -> None:
    found = format_of(name)
    assert (found.name if found else None) == fmt


def test_many_article_formats_are_known_by_name() -> None:
    assert is_many("jsonl") and is_many("json")
    assert not is_many("text") and not is_many("nonsense")


@pytest.mark.parametrize(
    ("name", "reason"),
    [("cover.jpg", "not an article format (.jpg)"), ("Makefile", "not an article format"),
     ("README.TXT", "a data set's notes, not an article"), ("story.txt", None)],
)  # fmt: skip
def test_why_a_file_is_not_read(name: str, reason: str | None) -> None:
    assert skip_reason(name) == reason


def _folder(root: Path) -> Path:
    (root / "story.txt").write_text("A title\n\nA story of the day, told in full.\n", "utf-8")
    (root / "cover.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a picture")
    (root / "README.txt").write_text("This data set holds one story.\n", "utf-8")
    (root / ".cache").mkdir()
    (root / ".cache" / "x.txt").write_text("hidden", "utf-8")
    (root / ".DS_Store").write_bytes(b"\0\0")
    return root


def test_the_import_names_every_file_it_does_not_read(tmp_path: Path) -> None:
    result = import_corpus(_folder(tmp_path))
    assert [a.id for a in result.articles] == ["story.txt"]
    assert {(Path(s.path).name, s.reason) for s in result.skipped} == {
        ("cover.jpg", "not an article format (.jpg)"),
        ("README.txt", "a data set's notes, not an article"),
    }
    assert result.files_skipped == 2
    assert result.hidden == 2  # the .cache folder and .DS_Store, counted, not listed
    assert result.problems == []


def test_import_and_index_json_list_the_skipped_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "corpus").mkdir()
    corpus = _folder(tmp_path / "corpus")
    assert main(["import", str(corpus), "--json"]) == 0  # skipped files alone: exit 0
    data = json.loads(capsys.readouterr().out)
    assert data["files_skipped"] == len(data["skipped"]) == 2
    assert {"path", "reason"} == set(data["skipped"][0])
    assert data["hidden"] == 2
    args = ["index", str(corpus), "--index-dir", str(tmp_path / "idx"), "--no-entities", "--json"]
    assert main(args) == 0
    built = json.loads(capsys.readouterr().out)
    assert built["skipped"] == data["skipped"] and built["files_skipped"] == 2


def test_a_folder_without_a_readable_article_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "notes.docx.tmp").write_bytes(b"x")
    (tmp_path / "photo.png").write_bytes(b"\x89PNG")
    assert main(["list", "--corpus", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    assert "photo.png: not an article format (.png)" in err
    assert "No readable article" in err
