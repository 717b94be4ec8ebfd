"""LSH banding over MinHash signatures: candidate pairs without comparing all pairs.

`BANDS` bands of `ROWS` rows: two stories become candidates when one band of their signatures
is equal, which happens with probability 1 - (1 - J^ROWS)^BANDS. With 64 x 2 that is 0.93 at
Jaccard 0.2 (edited wire copies: the seeds 002-003 have 0.43 on the body, 002-004 0.22), 0.47
at 0.1 and under 0.001 for stories that share no text. passim's rule against boilerplate — a
shingle counts when it is in 2 to 100 documents — becomes a bucket rule: a band value shared by
more than `MAX_BUCKET` documents is formulaic text and makes no pairs.

Each band is one `argsort` of a 64-bit key; runs of equal keys give their pairs with
`np.triu_indices`, grouped by run length, so no Python loop runs per document.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from reader.related.fingerprints import NUM_PERM

ROWS = 2
"""Rows per band; `band_keys` packs exactly two uint32 rows into a 64-bit key."""
BANDS = NUM_PERM // ROWS
MAX_BUCKET = 100

Pairs = npt.NDArray[np.int64]
"""(k x 2) document indices, i < j, each pair once."""


def band_keys(signatures: npt.NDArray[np.uint32], band: int) -> npt.NDArray[np.uint64]:
    """One band (two uint32 rows) of every signature as one exact 64-bit key."""
    cols = signatures[:, band * ROWS : (band + 1) * ROWS].astype(np.uint64)
    return (cols[:, 0] << np.uint64(32)) | cols[:, 1]


def candidate_pairs(
    signatures: npt.NDArray[np.uint32],
    usable: npt.NDArray[np.bool_] | None = None,
    *,
    max_bucket: int = MAX_BUCKET,
) -> Pairs:
    """Pairs of rows that share at least one band, ignoring buckets over `max_bucket`.

    `usable` masks out documents without shingles (their all-ones signature would otherwise
    put every empty story in one bucket).
    """
    n = len(signatures)
    index = np.arange(n, dtype=np.int64) if usable is None else np.flatnonzero(usable)
    if len(index) < 2:
        return np.empty((0, 2), dtype=np.int64)
    sigs = signatures[index]
    found: list[npt.NDArray[np.int64]] = []
    for band in range(BANDS):
        keys = band_keys(sigs, band)
        order = np.argsort(keys, kind="stable")
        sorted_keys = keys[order]
        starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
        lengths = np.diff(np.r_[starts, len(sorted_keys)])
        for length in np.flatnonzero(np.bincount(lengths, minlength=2)[2 : max_bucket + 1]) + 2:
            run_starts = starts[lengths == length]
            members = order[run_starts[:, None] + np.arange(length)[None, :]]
            i, j = np.triu_indices(int(length), 1)
            a = index[members[:, i]].ravel()
            b = index[members[:, j]].ravel()
            low, high = np.minimum(a, b), np.maximum(a, b)
            found.append(low * n + high)
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    codes = np.sort(np.concatenate(found))
    codes = codes[np.r_[True, codes[1:] != codes[:-1]]]
    return np.stack([codes // n, codes % n], axis=1)


def candidates_of(
    signatures: npt.NDArray[np.uint32],
    rows: npt.NDArray[np.int64],
    usable: npt.NDArray[np.bool_],
    *,
    max_bucket: int = MAX_BUCKET,
) -> Pairs:
    """Pairs (row, other) for a few rows — new articles — under the same bucket rule, each
    band compared against the corpus as one vector comparison (no sort of the corpus)."""
    found: list[npt.NDArray[np.int64]] = []
    keys = np.stack([band_keys(signatures, band) for band in range(BANDS)], axis=1)
    for row in rows.tolist():
        if not usable[row]:
            continue
        match = (keys == keys[row]) & usable[:, None]
        match[:, match.sum(axis=0) > max_bucket] = False
        others = np.flatnonzero(match.any(axis=1))
        others = others[others != row]
        found.append(np.stack([np.full(len(others), row, dtype=np.int64), others], axis=1))
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    return np.concatenate(found)
