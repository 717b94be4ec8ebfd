"""What a full relating run leaves beside the index so that adding articles costs milliseconds.

Relating one new article needs, of the corpus, only what its candidates are made of: the LSH
buckets its bands fall in, how many stories hold each of its MinHash values, and the stories
that share one of its key terms, with their terms and document frequencies. A full run writes
these as plain numpy arrays, opened memory-mapped, so a look-up reads a few pages, never the
corpus:

* `signatures`, `shingles`, `days` — per story, in the run's order (ids sorted);
* `band_order` — per LSH band, the usable stories' rows ordered by their band key: a bucket
  is a binary search over the signatures (`bucket`);
* `values_sorted` — per signature position, its values sorted: how many stories hold a value;
* per view (`words`, `names`, `specifics`): `vocab` (sorted term hashes), `df`, the stories'
  raw counts as CSR (`indptr`, `hashes`, `tf`) and postings of the terms in at most `MAX_DF`
  stories (`post_ptr`, `post_docs`) — the only terms that relate stories.

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
from dataclasses import dataclass, fields
from functools import partial
from pathlib import Path
from typing import BinaryIO

import numpy as np
import numpy.typing as npt

from reader.related import events
from reader.related.events import EventTerms
from reader.related.lsh import BANDS, ROWS, band_keys

FORMAT = 1
"""Bump when the files change: older snapshots are ignored (and removed by the next full run)."""
PREFIX = "related-snapshot-"
VIEWS = ("words", "names", "specifics")
_MANIFEST = "manifest.json"

I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class View:
    """One term view of the snapshot's stories (see the module docstring)."""

    vocab: npt.NDArray[np.uint32]
    df: I64
    indptr: I64
    hashes: npt.NDArray[np.uint32]
    tf: npt.NDArray[np.uint16]
    post_ptr: I64
    post_docs: I32


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A full run's stories, memory-mapped."""

    key: str
    ids: list[str]
    signatures: npt.NDArray[np.uint32]
    shingles: I64
    days: I64
    band_order: I32
    values_sorted: npt.NDArray[np.uint32]
    views: dict[str, View]

    def __len__(self) -> int:
        return len(self.ids)

    def bucket(self, band: int, key: np.uint64) -> npt.NDArray[np.int32]:
        """Rows of the usable stories whose key in `band` is `key` (two binary searches)."""
        order = self.band_order[band]
        columns = self.signatures[:, band * ROWS : (band + 1) * ROWS]

        def first(strictly_greater: bool) -> int:
            lo, hi = 0, len(order)
            while lo < hi:
                mid = (lo + hi) // 2
                a, b = columns[order[mid]]
                value = (np.uint64(a) << np.uint64(32)) | np.uint64(b)
                if value < key or (strictly_greater and value == key):
                    lo = mid + 1
                else:
                    hi = mid
            return lo

        return np.asarray(order[first(False) : first(True)])


def view_terms(terms: EventTerms) -> dict[str, tuple[npt.NDArray[np.uint32], npt.NDArray]]:
    """An article's (hashes, counts) per view."""
    nh, nc, sh, sc = terms.split_names()
    return {
        "words": (terms.word_hashes, terms.word_counts),
        "names": (nh, nc),
        "specifics": (sh, sc),
    }


def _view_arrays(
    n: int, rows: npt.NDArray[np.int64], hashes: npt.NDArray[np.uint32], tf: npt.NDArray
) -> dict[str, np.ndarray]:
    """One view's files from its entries (row, hash, count), rows ascending."""
    order = np.argsort(hashes)  # one sort gives the vocabulary, df and postings
    ordered = hashes[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]]) if len(ordered) else order
    df = np.diff(np.r_[starts, len(ordered)]).astype(np.int64)
    rare = np.repeat(df <= events.MAX_DF, df)
    post_ptr = np.zeros(len(starts) + 1, dtype=np.int64)
    np.cumsum(np.where(df <= events.MAX_DF, df, 0), out=post_ptr[1:])
    return {
        "vocab": ordered[starts].astype(np.uint32),
        "df": df,
        "indptr": np.r_[0, np.cumsum(np.bincount(rows, minlength=n))].astype(np.int64),
        "hashes": hashes.astype(np.uint32),
        "tf": np.minimum(tf, 65535).astype(np.uint16),
        "post_ptr": post_ptr,
        "post_docs": rows[order[rare]].astype(np.int32),
    }


def _entries(terms: Sequence[EventTerms]) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Every story's (row, hash, count) entries per view, rows ascending."""
    n = len(terms)
    out = {}
    for view, hashes_of, counts_of in (
        ("words", lambda t: t.word_hashes, lambda t: t.word_counts),
        ("names", lambda t: t.name_hashes, lambda t: t.name_counts),
    ):
        lengths = np.fromiter((len(hashes_of(t)) for t in terms), dtype=np.int64, count=n)
        rows = np.repeat(np.arange(n, dtype=np.int64), lengths)
        hashes = np.concatenate([hashes_of(t) for t in terms]) if n else np.empty(0, np.uint32)
        counts = np.concatenate([counts_of(t) for t in terms]) if n else np.empty(0, np.float32)
        out[view] = (rows, hashes.astype(np.uint32), counts)
    rows, hashes, counts = out["names"]
    specific = (hashes & events.SPECIFIC_BIT) != 0
    out["names"] = (rows[~specific], hashes[~specific], counts[~specific])
    out["specifics"] = (rows[specific], hashes[specific], counts[specific])
    return out


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
        arrays: dict[str, np.ndarray] = {
            "signatures": np.ascontiguousarray(signatures, dtype=np.uint32),
            "shingles": np.asarray(shingles, dtype=np.int64),
            "days": events._day_numbers([t.date for t in terms]),
        }
        usable = np.flatnonzero(np.asarray(shingles) > 0)
        order = np.empty((BANDS, len(usable)), dtype=np.int32)
        for band in range(BANDS):
            order[band] = usable[np.argsort(band_keys(arrays["signatures"][usable], band))]
        arrays["band_order"] = order
        arrays["values_sorted"] = np.sort(arrays["signatures"].T, axis=1)
        for view, (rows, hashes, counts) in _entries(terms).items():
            for name, array in _view_arrays(len(ids), rows, hashes, counts).items():
                arrays[f"{view}_{name}"] = array
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
        views = {v: View(*(arrays[f"{v}_{f.name}"] for f in fields(View))) for v in VIEWS}
        return Snapshot(key, ids, arrays["signatures"], arrays["shingles"], arrays["days"],
                        arrays["band_order"], arrays["values_sorted"], views)  # fmt: skip
    except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError):
        return None


def remove_others(directory: Path, key: str | None) -> None:
    """Delete snapshot folders other than the current one (older runs, interrupted writes)."""
    with contextlib.suppress(OSError):
        for folder in directory.glob(f"{PREFIX}*"):
            if folder.name != f"{PREFIX}{key}":
                shutil.rmtree(folder, ignore_errors=True)
