"""Fingerprints: shingles of the folded body, vectorised MinHash, LSH without all pairs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from reader.corpus.importer import import_corpus
from reader.corpus.model import Article
from reader.related import fingerprints as fp
from reader.related.lsh import MAX_BUCKET, candidate_pairs
from reader.related.versions import version_links


@pytest.fixture(scope="module")
def seeds(sample_dir: Path) -> dict[str, Article]:
    return {a.id[:3]: a for a in import_corpus(sample_dir).articles}


def test_style_is_not_a_change() -> None:
    plain = 'Russia-China ties "deepen" -- officials said, citing covid-19 data.'
    styled = "Russia-Chinа ties “deepen” — Officials said, citing COVID-19 data."  # Cyrillic а
    assert np.array_equal(fp.shingle_hashes(plain), fp.shingle_hashes(styled))


def test_shingles_are_word_five_grams() -> None:
    assert len(fp.shingle_hashes("one two three four five six seven")) == 3
    assert len(fp.shingle_hashes("too short")) == 1
    assert len(fp.shingle_hashes("")) == 0


def test_batch_equals_one_by_one(seeds: dict[str, Article]) -> None:
    sets = [fp.shingle_hashes(a.body) for a in seeds.values()]
    together = fp.minhash_many(sets)
    for row, shingles in zip(together, sets, strict=True):
        assert np.array_equal(row, fp.minhash_many([shingles])[0])


def test_minhash_estimates_the_seed_jaccard(seeds: dict[str, Article]) -> None:
    a, b = fp.shingle_hashes(seeds["002"].body), fp.shingle_hashes(seeds["003"].body)
    exact = fp.jaccard(a, b)
    assert 0.35 < exact < 0.5  # the 0.43 on body only
    sig = fp.minhash_many([a, b])
    assert abs(float(np.mean(sig[0] == sig[1])) - exact) < 0.12


def test_page_furniture_is_not_fingerprinted(seeds: dict[str, Article]) -> None:
    article = seeds["003"]
    [print_] = fp.fingerprint_many([(article.id, article.content_hash, article.body)])
    assert print_.shingles == len(fp.shingle_hashes(article.body))
    assert "Recommended Stories" in article.raw and "Recommended Stories" not in article.body


def _story(rng: np.random.Generator, vocabulary: list[str], words: int) -> str:
    return " ".join(rng.choice(vocabulary, size=words))


def test_lsh_finds_versions_without_comparing_all_pairs() -> None:
    rng = np.random.default_rng(5)
    vocabulary = [f"w{i}" for i in range(20000)]
    bodies = [_story(rng, vocabulary, 300) for _ in range(400)]
    # Ten stories get a cut version (the first 40% of the words) and an edited one.
    for k in range(10):
        words = bodies[k].split()
        bodies.append(" ".join(words[:120]))
        words[50:60] = ["changed"] * 10
        bodies.append(" ".join([*words, "added", "paragraph", "at", "the", "end"]))
    sets = [fp.shingle_hashes(b) for b in bodies]
    sigs = fp.minhash_many(sets)
    pairs = candidate_pairs(sigs)
    all_pairs = len(bodies) * (len(bodies) - 1) // 2
    assert len(pairs) < all_pairs / 1000
    links = version_links(sigs, np.array([len(s) for s in sets]))
    found = {(int(a), int(b)) for a, b in zip(links.rows, links.cols, strict=True)}
    for k in range(10):
        assert {(k, 400 + 2 * k), (k, 401 + 2 * k)} <= found
    assert all(a >= 400 or b - 400 < 20 for a, b in found)


def test_boilerplate_buckets_make_no_pairs() -> None:
    """passim's rule: text in more than MAX_BUCKET documents is formulaic, not a version."""
    sets = [fp.shingle_hashes("the same stock sentence of the wire service") for _ in range(150)]
    assert len(candidate_pairs(fp.minhash_many(sets))) == 0
    assert len(candidate_pairs(fp.minhash_many(sets[:MAX_BUCKET]))) == MAX_BUCKET * 99 // 2
