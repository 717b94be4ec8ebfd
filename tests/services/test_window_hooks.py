"""The index calls the window makes: a listing without texts, all match ids, one article's hits."""

from __future__ import annotations

from pathlib import Path

from reader.services.build import CorpusIndex
from reader.store.documents import DocumentStore
from reader.store.search import Searcher


def test_listing_matching_ids_and_hits_in(sample_dir: Path) -> None:
    index = CorpusIndex(sample_dir)
    index.update(workers=1)
    with DocumentStore(index.store_path) as store:
        rows = store.listing()
    assert len(rows) == 5
    by_id = {row[0]: row for row in rows}
    assert by_id["002_ea469877a8e8ba82.txt"][2] == "The Associated Press"
    assert all(isinstance(row[4], int) and row[4] > 0 for row in rows)
    with Searcher(index) as searcher:
        ids = searcher.matching_ids("Kashin")
        paged = [hit.id for hit in searcher.search("Kashin", pagelen=50).hits]
        assert list(ids) == paged
        doc = ids[0]
        spans = searcher.hits_in("Kashin", doc)
        body = searcher.store.article(doc).body
        assert spans and all(body[s:e].lower() == "kashin" for s, e in spans)
        missing = next(r[0] for r in rows if r[0] not in ids)
        assert searcher.hits_in("Kashin", missing) == ()
