"""What a full relating run leaves beside the index so that adding articles costs milliseconds.

Relating one new article needs, of the corpus, only what its candidates are made of: the LSH
buckets its bands fall in, how many stories hold each of its MinHash values, and the stories
that share one of its key terms, with their terms and document frequencies. A full run keeps
these as plain numpy arrays (`store.related_snapshot` writes them and opens them
memory-mapped), so a look-up reads a few pages, never the corpus:

* `signatures`, `shingles`, `days` — per story, in the run's order (ids sorted);
* `band_order` — per LSH band, the usable stories' rows ordered by their band key: a bucket
  is a binary search over the signatures (`bucket`);
* `values_sorted` — per signature position, its values sorted: how many stories hold a value;
* per view (`words`, `names`, `specifics`): `vocab` (sorted term hashes), `df`, the stories'
  raw counts as CSR (`indptr`, `hashes`, `tf`) and postings of the terms in at most `MAX_DF`
  stories (`post_ptr`, `post_docs`) — the only terms that relate stories.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields

import numpy as np
import numpy.typing as npt

from reader.related import events
from reader.related.events import EventTerms
from reader.related.lsh import BANDS, ROWS, band_keys

VIEWS = ("words", "names", "specifics")

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


def view_terms(
    terms: EventTerms,
) -> dict[str, tuple[npt.NDArray[np.uint32], npt.NDArray[np.float32]]]:
    """An article's (hashes, counts) per view."""
    nh, nc, sh, sc = terms.split_names()
    return {
        "words": (terms.word_hashes, terms.word_counts),
        "names": (nh, nc),
        "specifics": (sh, sc),
    }


def _view_arrays(
    n: int,
    rows: npt.NDArray[np.int64],
    hashes: npt.NDArray[np.uint32],
    tf: npt.NDArray[np.float32],
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
    columns = {
        "words": ([t.word_hashes for t in terms], [t.word_counts for t in terms]),
        "names": ([t.name_hashes for t in terms], [t.name_counts for t in terms]),
    }
    for view, (hashes_of, counts_of) in columns.items():
        lengths = np.fromiter((len(h) for h in hashes_of), dtype=np.int64, count=n)
        rows = np.repeat(np.arange(n, dtype=np.int64), lengths)
        hashes = np.concatenate(hashes_of) if n else np.empty(0, np.uint32)
        counts = np.concatenate(counts_of) if n else np.empty(0, np.float32)
        out[view] = (rows, hashes.astype(np.uint32), counts)
    rows, hashes, counts = out["names"]
    specific = (hashes & events.SPECIFIC_BIT) != 0
    out["names"] = (rows[~specific], hashes[~specific], counts[~specific])
    out["specifics"] = (rows[specific], hashes[specific], counts[specific])
    return out


def snapshot_arrays(
    signatures: npt.NDArray[np.uint32],
    shingles: npt.NDArray[np.int64],
    terms: Sequence[EventTerms],
) -> dict[str, np.ndarray]:
    """Every array of a snapshot of a full run's stories, by file name (see above)."""
    arrays: dict[str, np.ndarray] = {
        "signatures": np.ascontiguousarray(signatures, dtype=np.uint32),
        "shingles": np.asarray(shingles, dtype=np.int64),
        "days": events.day_numbers([t.date for t in terms]),
    }
    usable = np.flatnonzero(np.asarray(shingles) > 0)
    order = np.empty((BANDS, len(usable)), dtype=np.int32)
    for band in range(BANDS):
        order[band] = usable[np.argsort(band_keys(arrays["signatures"][usable], band))]
    arrays["band_order"] = order
    arrays["values_sorted"] = np.sort(arrays["signatures"].T, axis=1)
    for view, (rows, hashes, counts) in _entries(terms).items():
        for name, array in _view_arrays(len(terms), rows, hashes, counts).items():
            arrays[f"{view}_{name}"] = array
    return arrays


def from_arrays(key: str, ids: list[str], arrays: Mapping[str, np.ndarray]) -> Snapshot:
    """A snapshot of the arrays `snapshot_arrays` made (read back memory-mapped).

    Raises:
        KeyError: an array is missing.
    """
    views = {v: View(*(arrays[f"{v}_{f.name}"] for f in fields(View))) for v in VIEWS}
    return Snapshot(key, ids, arrays["signatures"], arrays["shingles"], arrays["days"],
                    arrays["band_order"], arrays["values_sorted"], views)  # fmt: skip
