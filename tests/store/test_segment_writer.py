"""Our segment writer writes what Whoosh's writes.

With a codec that keeps Whoosh's compression (every block, default window) the segment's files
are byte for byte Whoosh's own; with the builder's codec (short blocks left uncompressed, a
smaller window) every term reads back through Whoosh with the same postings and statistics.
Documents come from the sample corpus and a generated corpus with posting lists of several
blocks, as the readers make them (texts analysed in advance), plus fields given as text.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.reading import IndexReader

from reader.corpus.importer import import_corpus
from reader.store.schema import Analysed, build_schema, index_fields
from reader.store.segment_writer import FlatPool, GroupingSegmentWriter, PostingsCodec

WORDS = [f"w{i}" for i in range(400)] + ["the", "said", "Beijing", "Chinа", "“quoted”"]


class ExactCodec(W3Codec):
    """Whoosh's codec as the builder's writes it, compression untouched."""

    length_stats = False


def _documents(sample_dir: Path) -> list[dict[str, Any]]:
    articles = import_corpus(sample_dir).articles
    docs = [index_fields(a, analysed=True) for a in articles]
    rng = random.Random(4)
    for n in range(320):  # "the" and "said" in every one: lists of three blocks
        body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 60)))
        base = dict(docs[n % len(articles)])
        base.update(id=f"gen/{n}", body=f"the said {body}", words=n)
        docs.append(base)
    docs[-1]["person"] = "Vladimir Putin\nXi Jinping"  # a field Whoosh analyses itself
    return docs


def _build(path: Path, docs: list[dict[str, Any]], codec: W3Codec, ours: bool) -> Any:
    path.mkdir()
    ix = whoosh_index.create_in(str(path), build_schema())
    writer = GroupingSegmentWriter(ix, codec=codec) if ours else ix.writer(codec=codec)
    for doc in docs if ours else map(_for_whoosh, docs):
        writer.update_document(**doc)
    writer.commit()
    return ix


def _for_whoosh(doc: dict[str, Any]) -> dict[str, Any]:
    """Whoosh's writer takes analysed texts (our text field accepts them) but the id, date and
    word count as values."""
    return {
        name: value.original
        if isinstance(value, Analysed) and value.original is not None
        else value
        for name, value in doc.items()
    }


def _segment_files(ix: Any) -> dict[str, bytes]:
    (segment,) = ix._segments()
    storage = segment.open_compound_file(ix.storage)
    prefix = segment.segment_id()
    return {name.removeprefix(prefix): storage.open_file(name).read() for name in storage.list()}


def _everything(reader: IndexReader) -> dict[tuple[str, bytes], Any]:
    """Every term's statistics and postings, as Whoosh reads them."""
    out = {}
    for fieldname, term in reader.all_terms():
        info = reader.term_info(fieldname, term)
        matcher = reader.postings(fieldname, term)
        postings = []
        while matcher.is_active():
            postings.append((matcher.id(), matcher.weight(), matcher.value()))
            matcher.next()
        stats = (info.weight(), info.doc_frequency(), info.max_weight(), info.min_id(),
                 info.max_id())  # fmt: skip
        out[(fieldname, term)] = (stats, postings)
    return out


def test_segment_is_byte_for_byte_whooshs(sample_dir: Path, tmp_path: Path) -> None:
    docs = _documents(sample_dir)
    theirs = _segment_files(_build(tmp_path / "whoosh", docs, ExactCodec(), ours=False))
    ours = _segment_files(_build(tmp_path / "ours", docs, ExactCodec(), ours=True))
    assert set(ours) == set(theirs)
    assert {".pst", ".trm"} <= set(ours)
    for name, data in theirs.items():
        assert ours[name] == data, name


def test_builders_codec_reads_back_the_same_postings(sample_dir: Path, tmp_path: Path) -> None:
    docs = _documents(sample_dir)
    theirs = _build(tmp_path / "whoosh", docs, ExactCodec(), ours=False)
    ours = _build(tmp_path / "ours", docs, PostingsCodec(), ours=True)
    with theirs.reader() as expected, ours.reader() as found:
        want, got = _everything(expected), _everything(found)
    assert got == want
    assert max(len(postings) for _, postings in got.values()) > 2 * 128
    # Short blocks were left uncompressed: the postings files differ, their postings do not.
    assert _segment_files(ours)[".pst"] != _segment_files(theirs)[".pst"]


def test_merging_segments_keeps_every_posting(sample_dir: Path, tmp_path: Path) -> None:
    """Whoosh merges segments through the pool (term by term, one segment after another)."""
    docs = _documents(sample_dir)
    expected_ix = _build(tmp_path / "whoosh", docs, ExactCodec(), ours=False)
    (tmp_path / "ours").mkdir()
    ix = whoosh_index.create_in(str(tmp_path / "ours"), build_schema())
    for start in range(0, len(docs), 100):
        writer = GroupingSegmentWriter(ix, codec=PostingsCodec())
        for doc in docs[start : start + 100]:
            writer.update_document(**doc)
        writer.commit(merge=False)
    assert len(ix._segments()) == 4
    writer = GroupingSegmentWriter(ix, codec=PostingsCodec())
    writer.commit(optimize=True)
    assert len(ix._segments()) == 1
    with expected_ix.reader() as expected, ix.reader() as found:
        assert _everything(found) == _everything(expected)


def test_pool_counts_postings_and_notices_order() -> None:
    pool = FlatPool()
    postings = ((b"a", 2, 2.0, b"x"), (b"b", 1, 1.0, b"y"))
    assert pool.add_analysed("body", 0, Analysed.of(postings)) == 3
    pool.add(("body", b"a", 1, 1.0, b"z"))
    assert pool.postings == 3 and not pool.unordered
    pool.add(("body", b"b", 0, 1.0, b"w"))
    assert pool.unordered
    assert [item[:3] for item in pool.iter_postings()] == [
        ("body", b"a", 0), ("body", b"a", 1), ("body", b"b", 0), ("body", b"b", 0),
    ]  # fmt: skip


def test_flat_pool_keeps_document_order_even_when_added_out_of_it() -> None:
    pool = FlatPool()
    assert pool.add_analysed("body", 1, Analysed.of(((b"a", 1, 1.0, b"x"),))) == 1
    pool.add(("body", b"a", 0, 2.0, b"w"))
    assert pool.postings == 2 and pool.unordered
    assert list(pool.term_lists("body")) == [(b"a", [0, 1], [2.0, 1.0], [b"w", b"x"])]


def test_cancelled_writer_leaves_no_segment(tmp_path: Path, sample_dir: Path) -> None:
    (tmp_path / "ix").mkdir()
    ix = whoosh_index.create_in(str(tmp_path / "ix"), build_schema())
    writer = GroupingSegmentWriter(ix, codec=PostingsCodec())
    for doc in _documents(sample_dir)[:5]:
        writer.update_document(**doc)
    writer.cancel()
    assert whoosh_index.open_dir(str(tmp_path / "ix")).doc_count() == 0
