"""Versions of one story: LSH candidates verified by containment.

Outlets cut wire copy, so two versions are judged by **containment** — the share of the
shorter story's shingles found in the longer — not by Jaccard, which a cut drives down. It is
estimated from the signatures: MinHash agreement estimates Jaccard J, and with the exact
shingle counts |A| and |B| the shared shingles are J (|A| + |B|) / (1 + J).

Boilerplate follows passim's rule here too: a MinHash value (that is, a shingle) held by more
than `MAX_DF` documents in its column is ignored when agreement is counted, so stock phrases
shared by a whole wire service do not make its stories versions of each other.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from reader.related.lsh import MAX_BUCKET, candidate_pairs

MIN_CONTAINMENT = 0.3
"""A version keeps at least this share of the shorter story's text (about three paragraphs in
ten): less is a quotation or a shared background paragraph, not a version."""
MIN_AGREEMENT = 4
"""Signature positions that must agree: below that the estimate is noise (one shared shingle
between a short and a long story can agree once by chance)."""
MAX_DF = MAX_BUCKET
_PAIR_CHUNK = 200_000


@dataclass(frozen=True, slots=True)
class VersionLinks:
    """Verified version pairs (i < j) with their estimated overlap."""

    rows: npt.NDArray[np.int64]
    cols: npt.NDArray[np.int64]
    containment: npt.NDArray[np.float32]
    """Shared text as a share of the shorter story."""
    kept_row: npt.NDArray[np.float32]
    """Share of story `rows[k]`'s shingles found in `cols[k]`."""
    kept_col: npt.NDArray[np.float32]
    candidates: int
    """Candidate pairs LSH proposed (the work done, against n (n - 1) / 2 for all pairs)."""


def frequent_values(
    signatures: npt.NDArray[np.uint32], max_df: int = MAX_DF
) -> npt.NDArray[np.bool_]:
    """Mask of signature entries whose value is held by more than `max_df` documents."""
    mask = np.zeros(signatures.shape, dtype=bool)
    for col in range(signatures.shape[1]):
        _values, inverse, counts = np.unique(
            signatures[:, col], return_inverse=True, return_counts=True
        )
        mask[:, col] = counts[inverse] > max_df
    return mask


def frequent_of_rows(
    signatures: npt.NDArray[np.uint32], rows: npt.NDArray[np.int64], max_df: int = MAX_DF
) -> npt.NDArray[np.bool_]:
    """`frequent_values`, computed for the given rows only (the rest stay False)."""
    mask = np.zeros(signatures.shape, dtype=bool)
    if not len(rows):
        return mask
    for col in range(signatures.shape[1]):
        ordered = np.sort(signatures[:, col])
        values = signatures[rows, col]
        counts = np.searchsorted(ordered, values, "right") - np.searchsorted(ordered, values)
        mask[rows, col] = counts > max_df
    return mask


def version_links(
    signatures: npt.NDArray[np.uint32],
    shingles: npt.NDArray[np.int64],
    *,
    min_containment: float = MIN_CONTAINMENT,
) -> VersionLinks:
    """Candidate pairs from LSH, kept when their estimated containment reaches the bar."""
    usable = shingles > 0
    pairs = candidate_pairs(signatures, usable)
    frequent = frequent_values(signatures) if len(pairs) else np.zeros((0, 0), dtype=bool)
    return verify_pairs(signatures, shingles, pairs, frequent, min_containment=min_containment)


def verify_pairs(
    signatures: npt.NDArray[np.uint32],
    shingles: npt.NDArray[np.int64],
    pairs: npt.NDArray[np.int64],
    frequent: npt.NDArray[np.bool_],
    *,
    min_containment: float = MIN_CONTAINMENT,
) -> VersionLinks:
    """The candidate pairs whose estimated containment reaches the bar (`frequent` masks the
    signature entries passim's rule ignores, see `frequent_values`)."""
    kept: list[tuple[np.ndarray, ...]] = []
    for start in range(0, len(pairs), _PAIR_CHUNK):
        a = pairs[start : start + _PAIR_CHUNK, 0]
        b = pairs[start : start + _PAIR_CHUNK, 1]
        counted = ~(frequent[a] | frequent[b])
        agree = ((signatures[a] == signatures[b]) & counted).sum(axis=1)
        slots = np.maximum(counted.sum(axis=1), 1)
        jaccard = agree / slots
        size_a = shingles[a].astype(np.float64)
        size_b = shingles[b].astype(np.float64)
        shared = jaccard * (size_a + size_b) / (1.0 + jaccard)
        kept_a = np.minimum(shared / size_a, 1.0)
        kept_b = np.minimum(shared / size_b, 1.0)
        contained = np.maximum(kept_a, kept_b)
        ok = (contained >= min_containment) & (agree >= MIN_AGREEMENT)
        kept.append((a[ok], b[ok], contained[ok], kept_a[ok], kept_b[ok]))
    if not kept:
        empty_i = np.empty(0, dtype=np.int64)
        empty_f = np.empty(0, dtype=np.float32)
        return VersionLinks(empty_i, empty_i, empty_f, empty_f, empty_f, 0)
    return VersionLinks(
        np.concatenate([k[0] for k in kept]),
        np.concatenate([k[1] for k in kept]),
        np.concatenate([k[2] for k in kept]).astype(np.float32),
        np.concatenate([k[3] for k in kept]).astype(np.float32),
        np.concatenate([k[4] for k in kept]).astype(np.float32),
        len(pairs),
    )
