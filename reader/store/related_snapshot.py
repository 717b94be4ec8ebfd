"""The relating snapshot on disk: the arrays of `related.snapshot`, beside the index.

A snapshot lives in its own folder named by a random key; the key is stored with the results
(`related_meta`) in the transaction that stores them, and every file is written to a temporary
name and renamed, the manifest last. A folder whose key is not the stored one, a missing or
truncated file, or a manifest that does not match is ignored: the caller relates the corpus
again. Never a traceback for a stale cache.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import BinaryIO

import numpy as np
import numpy.typing as npt

from reader.related.events import EventTerms
from reader.related.snapshot import Snapshot, from_arrays, snapshot_arrays

FORMAT = 1
"""Bump when the files change: older snapshots are ignored (and removed by the next full run)."""


PREFIX = "related-snapshot-"


_MANIFEST = "manifest.json"


def write(
    directory: Path,
    ids: Sequence[str],
    signatures: npt.NDArray[np.uint32],
    shingles: npt.NDArray[np.int64],
    terms: Sequence[EventTerms],
) -> str | None:
    """Write a snapshot of a full run's stories; its key, or None when it could not be written
    (the next added article is then related with the corpus)."""
    if any("\n" in doc_id for doc_id in ids):
        return None  # ids are stored one per line
    key = secrets.token_hex(8)
    folder = directory / f"{PREFIX}{key}"
    try:
        folder.mkdir(parents=True)
        arrays = snapshot_arrays(signatures, shingles, terms)
        for name, array in arrays.items():
            _atomic(folder / f"{name}.npy", partial(np.save, arr=array))
        _atomic(folder / "ids.txt", lambda f: f.write("\n".join(ids).encode("utf-8")))
        manifest = {
            "format": FORMAT,
            "key": key,
            "documents": len(ids),
            "arrays": {k: [list(a.shape), a.dtype.str] for k, a in arrays.items()},
        }
        _atomic(folder / _MANIFEST, lambda f: f.write(json.dumps(manifest).encode("utf-8")))
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
        return None
    return key


def _atomic(path: Path, write_to: Callable[[BinaryIO], object]) -> None:
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "wb") as handle:
        write_to(handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def load(directory: Path, key: str | None) -> Snapshot | None:
    """The snapshot stored under `key`, memory-mapped; None if it is missing, stale or damaged."""
    if not key or not key.isalnum():
        return None
    folder = directory / f"{PREFIX}{key}"
    try:
        manifest = json.loads((folder / _MANIFEST).read_text("utf-8"))
        if manifest.get("format") != FORMAT or manifest.get("key") != key:
            return None
        arrays = {}
        for name, (shape, dtype) in manifest["arrays"].items():
            array = np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False)
            if list(array.shape) != shape or array.dtype.str != dtype:
                return None
            arrays[name] = array
        text = (folder / "ids.txt").read_bytes().decode("utf-8")
        ids = text.split("\n") if text else []
        if len(ids) != manifest["documents"] or len(arrays["signatures"]) != len(ids):
            return None
        return from_arrays(key, ids, arrays)
    except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError):
        return None


def remove_others(directory: Path, key: str | None) -> None:
    """Delete snapshot folders other than the current one (older runs, interrupted writes)."""
    with contextlib.suppress(OSError):
        for folder in directory.glob(f"{PREFIX}*"):
            if folder.name != f"{PREFIX}{key}":
                shutil.rmtree(folder, ignore_errors=True)
