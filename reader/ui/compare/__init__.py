"""The compare view: two versions of a story side by side, drawn from the core's diff."""

from reader.ui.compare.view import CompareView

__all__ = ["CompareView"]
