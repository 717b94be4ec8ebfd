"""The command line as a user runs it: `corpus-reader show/import/list`, output and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from reader.main import main

SHOW_KEYS = {
    "id",
    "path",
    "title",
    "subtitle",
    "date",
    "byline",
    "source",
    "dateline",
    "body",
    "captions",
    "word_count",
    "content_hash",
}


def test_show_json_on_bundled_corpus(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "003_10760c25aed7da9a.txt", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= SHOW_KEYS
    assert data["id"] == "003_10760c25aed7da9a.txt"
    assert data["date"] == "2022-02-03"
    assert data["subtitle"] is None  # missing values are null, not ""
    assert isinstance(data["captions"], list) and data["captions"]
    assert data["body"].startswith("MOSCOW (AP) —")
    assert "\n\n" in data["body"]


def test_show_raw_prints_the_original(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "003_10760c25aed7da9a.txt", "--raw"]) == 0
    assert "Recommended Stories" in capsys.readouterr().out


def test_show_human_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "002_ea469877a8e8ba82.txt"]) == 0
    out = capsys.readouterr().out
    assert "Putin in China for show of support" in out
    assert "Vladimir Isachenkov" in out
    assert "Sponsor Content" not in out


def test_unknown_document_exits_3(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "nope.txt"]) == 3
    assert "nope.txt" in capsys.readouterr().err


def test_missing_corpus_folder_exits_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(tmp_path / "absent")]) == 3
    assert "absent" in capsys.readouterr().err


def test_import_json_on_bundled_corpus(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["files_read"] == 5
    assert len(data["articles"]) == 5
    assert data["problems"] == []


def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show"]) == 2


def test_module_entry_point_runs() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "reader", "show", "000_93546f115f4d6ef1.txt", "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["dateline"] == "BEIJING"
