"""Text fingerprints: word 5-shingles of the clean body, hashed to 64 bits, and MinHash.

Only `Article.body` is fingerprinted (never title, captions or page furniture), after
`fold` (case, quotes, dashes, look-alike letters), so a style-only edit leaves the shingles
alone. Each word is hashed once (blake2b, stable across processes, unlike `hash()`); a
shingle's hash mixes its five word hashes in numpy, and the MinHash of many documents is one
vectorised pass: `NUM_PERM` multiply-shift permutations of every shingle hash, then a
minimum per document (`np.minimum.reduceat`).
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from reader.corpus.normalize import fold
from reader.related import tokens

SHINGLE_WORDS = 5
NUM_PERM = 128
"""MinHash length: 64 bands of 2 rows (see `lsh.py`); 512 bytes a document as uint32."""
SIGNATURE_VERSION = 2
"""Bump when shingling or hashing changes: stored signatures of another version are redone."""

U64 = npt.NDArray[np.uint64]
U32 = npt.NDArray[np.uint32]

_WORD = re.compile(r"\w+")
_SHINGLE_MULT = np.uint64(0x9E3779B97F4A7C15)
_WORD_CACHE_MAX = 1 << 20

# Fixed, seeded permutations: signatures stored today must match those computed next year.
_rng = np.random.default_rng(20260523)
_PERM_A = _rng.integers(1, 2**63, size=NUM_PERM, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
_PERM_B = _rng.integers(0, 2**63, size=NUM_PERM, dtype=np.uint64)
del _rng
_CHUNK_SHINGLES = 4096
"""Shingles permuted at once: bounds the (shingles x NUM_PERM) temporary to 4 MB."""


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What relating needs of one article, computed once when it is indexed."""

    doc_id: str
    content_hash: str
    shingles: int
    """Distinct 5-shingles of the body: with MinHash agreement it gives containment."""
    signature: U32


def words(body: str) -> list[str]:
    """The folded words of a body, as shingled."""
    return _WORD.findall(fold(body))


class _WordHashes(dict[bytes, bytes]):
    """Each word's 64-bit hash (8 bytes, little-endian), kept: a corpus repeats its words far
    more than it coins them; a text's hashes are then joined into one array in C."""

    def __missing__(self, word: bytes) -> bytes:
        if len(self) >= _WORD_CACHE_MAX:
            self.clear()
        value = self[word] = hashlib.blake2b(word, digest_size=8).digest()
        return value


_word_cache = _WordHashes()


def _word_hashes(words: list[bytes]) -> U64:
    joined = b"".join(map(_word_cache.__getitem__, words))
    return np.frombuffer(joined, dtype="<u8").astype(np.uint64)


def _mix(h: U64) -> U64:
    """splitmix64's finaliser: spreads the bits of a combined hash."""
    h = h ^ (h >> np.uint64(30))
    h = h * np.uint64(0xBF58476D1CE4E5B9)
    h = h ^ (h >> np.uint64(27))
    h = h * np.uint64(0x94D049BB133111EB)
    return h ^ (h >> np.uint64(31))


def shingle_hashes(body: str | tokens.Folded) -> U64:
    """Distinct 64-bit hashes of the body's word 5-shingles (a shorter body: one shingle)."""
    folded = body if isinstance(body, tokens.Folded) else tokens.folded(body)
    return shingles_of(tokens.shingle_words(folded))


def shingles_many(word_lists: Sequence[list[bytes]]) -> list[U64]:
    """`shingles_of` of many bodies at once: their words hashed and mixed as one array (a
    shingle across two bodies is computed and dropped), each body's then sorted apart."""
    wh = _word_hashes(list(itertools.chain.from_iterable(word_lists)))
    n = len(wh) - SHINGLE_WORDS + 1
    if n > 0:
        h = wh[:n].copy()
        for k in range(1, SHINGLE_WORDS):
            h *= _SHINGLE_MULT
            h += wh[k : k + n]
        mixed = _mix(h)
    out = []
    start = 0
    for words in word_lists:
        count = len(words)
        if count >= SHINGLE_WORDS:
            out.append(_sorted_unique(mixed[start : start + count - SHINGLE_WORDS + 1]))
        else:
            out.append(shingles_of(words))
        start += count
    return out


def shingles_of(words: list[bytes]) -> U64:
    """`shingle_hashes` of a body's folded words (`tokens.shingle_words`)."""
    if not words:
        return np.empty(0, dtype=np.uint64)
    wh = _word_hashes(words)
    n = len(wh) - SHINGLE_WORDS + 1
    if n <= 0:
        h = wh[:1].copy()
        for k in range(1, len(wh)):
            h = h * _SHINGLE_MULT + wh[k : k + 1]
        return _mix(h)
    h = wh[:n].copy()
    for k in range(1, SHINGLE_WORDS):
        h *= _SHINGLE_MULT
        h += wh[k : k + n]
    return _sorted_unique(_mix(h))


def _sorted_unique(values: U64) -> U64:
    """`np.unique` of a small array, five times faster (NumPy 2 hashes where it sorted)."""
    values = np.sort(values)
    keep = np.empty(len(values), dtype=bool)
    keep[:1] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


def minhash_many(shingle_sets: Sequence[U64]) -> U32:
    """MinHash signatures (len(shingle_sets) x NUM_PERM, uint32) in one vectorised pass.

    An empty set gets the all-ones signature, which LSH never buckets (see `lsh.py`).
    """
    count = len(shingle_sets)
    if count == 1 and 0 < len(shingle_sets[0]) <= _CHUNK_SHINGLES:  # a file of one article
        permuted = _PERM_A[:, None] * shingle_sets[0][None, :]
        permuted += _PERM_B[:, None]
        low: npt.NDArray[np.uint32] = (permuted.min(axis=1) >> np.uint64(32)).astype(np.uint32)
        return low[None, :]
    out = np.full((count, NUM_PERM), np.iinfo(np.uint32).max, dtype=np.uint32)
    nonempty = [i for i, s in enumerate(shingle_sets) if len(s)]
    if not nonempty:
        return out
    start = 0
    while start < len(nonempty):
        # Group documents until the chunk holds about _CHUNK_SHINGLES shingles.
        stop, total = start, 0
        while stop < len(nonempty) and (total == 0 or total + len(shingle_sets[nonempty[stop]])
                                        <= _CHUNK_SHINGLES):  # fmt: skip
            total += len(shingle_sets[nonempty[stop]])
            stop += 1
        rows = nonempty[start:stop]
        flat = np.concatenate([shingle_sets[i] for i in rows])
        offsets = np.cumsum([0] + [len(shingle_sets[i]) for i in rows[:-1]])
        # (NUM_PERM x shingles): each document's shingles are contiguous in a row, which
        # makes the reduction several times faster than along columns.
        permuted = _PERM_A[:, None] * flat[None, :]
        permuted += _PERM_B[:, None]
        # The high 32 bits are the hash; the minimum commutes with the shift, so shift last.
        lowest = np.minimum.reduceat(permuted, offsets, axis=1)
        out[rows] = (lowest.T >> np.uint64(32)).astype(np.uint32)
        start = stop
    return out


def fingerprint_many(
    items: Sequence[tuple[str, str, str]],
) -> list[Fingerprint]:
    """Fingerprints of (doc id, content hash, body) triples: the index builder's hook."""
    sets = [shingle_hashes(body) for _id, _hash, body in items]
    sigs = minhash_many(sets)
    return [
        Fingerprint(doc_id, content_hash, len(s), sigs[i])
        for i, ((doc_id, content_hash, _body), s) in enumerate(zip(items, sets, strict=True))
    ]


def containment(shingles_a: U64, shingles_b: U64) -> float:
    """Exact share of the smaller set found in the other (for checks and tests)."""
    if not len(shingles_a) or not len(shingles_b):
        return 0.0
    shared = len(np.intersect1d(shingles_a, shingles_b, assume_unique=True))
    return shared / min(len(shingles_a), len(shingles_b))


def jaccard(shingles_a: U64, shingles_b: U64) -> float:
    shared = len(np.intersect1d(shingles_a, shingles_b, assume_unique=True))
    union = len(shingles_a) + len(shingles_b) - shared
    return shared / union if union else 0.0
