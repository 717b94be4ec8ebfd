"""Where the files that ship with the package are, found through `importlib.resources`."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def resource_path(*parts: str) -> Path:
    """A file or folder shipped in `reader.resources` (the repository's `resources/`)."""
    return Path(str(resources.files("reader.resources").joinpath(*parts)))


def sample_corpus_dir() -> Path:
    """The bundled sample corpus: one AP story in three outlets' versions and two NYT pieces."""
    return resource_path("sample_corpus")
