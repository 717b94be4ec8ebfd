"""Which files of a folder count as articles."""

from __future__ import annotations

from pathlib import Path

from reader.corpus.importer import import_corpus


def test_a_data_sets_readme_and_licence_are_not_articles(tmp_path: Path) -> None:
    story = "Lawmakers passed the budget on Tuesday after a long debate over spending. " * 5
    (tmp_path / "story.txt").write_text(f"Budget passes\n\n{story}\n", "utf-8")
    (tmp_path / "README.TXT").write_text(f"About this data set\n\n{story}\n", "utf-8")
    (tmp_path / "LICENSE.md").write_text(f"Licence\n\n{story}\n", "utf-8")
    (tmp_path / "readme-notes.txt").write_text(f"Readme notes\n\n{story}\n", "utf-8")
    result = import_corpus(tmp_path)
    assert sorted(a.id for a in result.articles) == ["readme-notes.txt", "story.txt"]
