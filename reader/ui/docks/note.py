"""The quiet line under a dock's list: what will appear there, or where its content came from."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget


def dock_note(text: str, parent: QWidget, padding: str = "4px") -> QLabel:
    """A wrapped label in the palette's placeholder colour, so it reads as a hint, not data."""
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setStyleSheet(f"color: palette(placeholder-text); padding: {padding};")
    return label
