"""A story's fingerprint as a row: what a builder's reader computes and the store keeps.

The MinHash signature and the event terms' hashes and counts, as bytes, keyed by id and
content hash so that an unchanged article is never fingerprinted again.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from reader.related import tokens
from reader.related.events import TermBatch, raw_term_counts
from reader.related.fingerprints import NUM_PERM, SIGNATURE_VERSION, minhash_many, shingles_many

FingerprintRow = tuple[str, str, int, int, bytes, bytes, bytes, bytes, bytes]


def fingerprint_rows(items: Sequence[tuple[str, str, str | None, str]]) -> list[FingerprintRow]:
    """Rows for (id, content hash, title, body): what a builder worker computes per file (or
    per chunk of files). Each body is folded once, for its shingles and its event words; the
    NumPy work of all the items is done at once and cut into rows as bytes."""
    bodies = [tokens.folded(body) for _id, _hash, _title, body in items]
    sets = shingles_many([tokens.shingle_words(body) for body in bodies])
    signatures = minhash_many(sets).astype(np.uint32).tobytes()
    batch = TermBatch.of([
        raw_term_counts(title, body, None, folded)
        for (_id, _hash, title, body), folded in zip(items, bodies, strict=True)
    ])  # fmt: skip
    word_hashes = batch.word_hashes.astype(np.uint32).tobytes()
    word_counts = _counts(batch.word_counts)
    name_hashes = batch.name_hashes.astype(np.uint32).tobytes()
    name_counts = _counts(batch.name_counts)
    width = NUM_PERM * 4
    rows: list[FingerprintRow] = []
    for k, (doc_id, content_hash, _title, _body) in enumerate(items):
        w0, w1 = batch.word_ends[k], batch.word_ends[k + 1]
        n0, n1 = batch.name_ends[k], batch.name_ends[k + 1]
        rows.append((
            doc_id, content_hash, SIGNATURE_VERSION, len(sets[k]),
            signatures[k * width : (k + 1) * width],
            word_hashes[4 * w0 : 4 * w1], word_counts[2 * w0 : 2 * w1],
            name_hashes[4 * n0 : 4 * n1], name_counts[2 * n0 : 2 * n1],
        ))  # fmt: skip
    return rows


def _counts(values: npt.NDArray[np.float32]) -> bytes:
    """Term counts as stored: uint16, saturated."""
    return np.minimum(values, 65535).astype(np.uint16).tobytes()
