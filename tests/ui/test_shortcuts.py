"""The one shortcut table: every key parses, none is bound twice, the README shows it all."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QKeySequence

from reader.ui.shortcuts import BY_ACTION, SHORTCUTS, readme_with_shortcuts, shortcuts_markdown

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_key_parses(qapp) -> None:
    for entry in SHORTCUTS:
        for key in entry.keys:
            seq = QKeySequence(key)
            assert not seq.isEmpty() and seq.toString() != "", (entry.action, key)
            assert QKeySequence(seq.toString()) == seq, (entry.action, key)


def test_no_key_is_bound_twice(qapp) -> None:
    """Across the whole table, standard platform bindings included (Meld's accelerator test)."""
    seen: dict[str, str] = {}
    for entry in SHORTCUTS:
        for seq in entry.sequences():
            text = seq.toString(QKeySequence.SequenceFormat.PortableText)
            assert text not in seen, f"{text} is bound to {seen.get(text)} and {entry.action}"
            seen[text] = entry.action


def test_action_ids_are_unique() -> None:
    assert len(BY_ACTION) == len(SHORTCUTS)


def test_the_readme_table_is_generated_from_the_table() -> None:
    text = README.read_text("utf-8")
    assert readme_with_shortcuts(text) == text, (
        "README shortcut table is stale: run `python -m reader.ui.shortcuts --readme`"
    )
    assert shortcuts_markdown() in text


def test_the_window_binds_every_window_action(qtbot, window) -> None:
    for entry in SHORTCUTS:
        if entry.where != "window":
            continue
        action = window.actions_by_id[entry.action]
        assert action.text() == entry.label
        if entry.keys:
            assert action.shortcuts(), entry.action


def test_help_renders_the_table(qtbot, window) -> None:
    window.actions_by_id["help.shortcuts"].trigger()
    dialog = window._shortcuts_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=2000)
    from PySide6.QtWidgets import QTextBrowser

    text = dialog.findChild(QTextBrowser).toPlainText()
    assert "Next hit in the article" in text and "Ctrl+K" in text
    dialog.close()
