"""The compare view's colours, shared by the panes, the gutter and the overview strip."""

from __future__ import annotations

from PySide6.QtGui import QColor

DELETED = QColor("#fbd3d3")
INSERTED = QColor("#cdeecd")
STYLE = QColor("#fff1c9")
MOVED = QColor("#e3e6fb")
BOUNDED = QColor("#f3e3f3")
"""A long changed paragraph whose word changes are not drawn until asked for."""
