"""Where a corpus's index lives: outside the corpus folder, which is never written."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from platformdirs import user_data_dir

INDEX_DIR_ENV = "CORPUS_READER_INDEX_DIR"
"""Environment variable naming the index folder to use (as `--index-dir` does)."""


def default_index_dir(corpus_root: Path) -> Path:
    """The per-user data folder, one sub-folder per corpus keyed by its resolved path."""
    resolved = str(Path(corpus_root).resolve())
    digest = hashlib.blake2b(resolved.encode("utf-8"), digest_size=6).hexdigest()
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", Path(resolved).name).strip("-")[:40] or "corpus"
    return Path(user_data_dir("corpus-reader", appauthor=False)) / "indexes" / f"{slug}-{digest}"


def index_dir_for(corpus_root: Path, override: str | Path | None = None) -> Path:
    """`override` (from `--index-dir`), else the environment variable, else the default."""
    if override:
        return Path(override).expanduser()
    env = os.environ.get(INDEX_DIR_ENV)
    if env:
        return Path(env).expanduser()
    return default_index_dir(corpus_root)
