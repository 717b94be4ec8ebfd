"""The window's remembered choices: typed defaults in one place, one file per user.

Recent corpora and the search history live in a JSON file in the user's config folder; Qt's
`QSettings` holds only window geometry and splitter state, in an INI file beside it. Both
follow `$XDG_CONFIG_HOME`, so tests (which point it at a temporary folder) never touch the
real user's settings.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from platformdirs import user_config_dir
from PySide6.QtCore import QSettings

MAX_RECENT = 10
MAX_HISTORY = 30


def config_dir() -> Path:
    return Path(user_config_dir("corpus-reader", appauthor=False))


@dataclass
class UiSettings:
    recent_corpora: list[str] = field(default_factory=list)
    search_history: list[str] = field(default_factory=list)

    @classmethod
    def load(cls) -> UiSettings:
        path = config_dir() / "ui.json"
        try:
            data = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            return cls()
        if not isinstance(data, dict):
            return cls()
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        try:
            return cls(**{k: [str(x) for x in v] for k, v in known.items() if isinstance(v, list)})
        except TypeError:
            return cls()

    def save(self) -> None:
        path = config_dir() / "ui.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=2), "utf-8")

    def add_recent(self, folder: str) -> None:
        self.recent_corpora = [folder, *(f for f in self.recent_corpora if f != folder)][
            :MAX_RECENT
        ]

    def add_search(self, query: str) -> None:
        self.search_history = [query, *(q for q in self.search_history if q != query)][:MAX_HISTORY]


def window_state() -> QSettings:
    """Geometry and splitter state (binary blobs Qt reads back itself)."""
    return QSettings(str(config_dir() / "window.ini"), QSettings.Format.IniFormat)
