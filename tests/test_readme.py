"""The README's first lines are the two commands, and CI runs the second one verbatim."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    lines = (REPO / "README.md").read_text("utf-8").splitlines()
    start = lines.index("```sh") + 1
    return lines[start : start + 2]


def test_readme_opens_with_two_commands() -> None:
    first, second = readme_commands()
    assert first.endswith("corpus-reader")
    assert "pytest" in second


def test_ci_runs_the_readme_test_command() -> None:
    ci = (REPO / ".ci" / "run").read_text("utf-8").splitlines()
    assert readme_commands()[1] in ci
