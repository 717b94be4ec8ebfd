"""Filing a batch's postings into a Whoosh segment without Whoosh's per-posting Python.

Whoosh's `SegmentWriter` puts every posting in an external sorting pool as a tuple, sorts them
all at commit, and feeds them one at a time through its W3 posting writer: most of a build's
writing time. Here the pool (`FlatPool`) files each posting in its term's lists as documents
are added in order, only the terms are sorted, and each term's posting list is written in
Whoosh's W3 format directly: with
Whoosh's codec the bytes Whoosh writes (`tests/index/test_segment_writer.py` compares the two
writers' segments file by file), so Whoosh (and `array_search`) read the segment unchanged.

Three deliberate differences, all set by the codec (`PostingsCodec`):
* a block's data is pickled with protocol `data_protocol` (Whoosh writes 2, reads any):
  protocol 2 pickles each position list as `_codecs.encode(text, "latin1")`, which took half
  the writing time and, at search time, most of a phrase's decoding; protocol 4 writes bytes
  as they are, 6x faster both ways and a third smaller;
* a block whose pickle is shorter than `min_compress` bytes is stored uncompressed, as
  Whoosh's own writer means to (its check is overwritten by the line after it): most terms of
  a news corpus occur in one or two stories, and zlib makes their short blocks longer;
* blocks are compressed with a smaller window (`compress_window_bits`), which costs a tenth
  as much to set up. Readers take the compression flag from each block, and zlib streams of
  any window decompress alike.
"""

from __future__ import annotations

import functools
import hashlib
import operator
import zlib
from array import array
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from pickle import dumps
from struct import Struct
from typing import Any

from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3Codec, W3FieldWriter
from whoosh.fields import Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.filetables import OrderedHashWriter, md5_hash
from whoosh.util.numeric import length_to_byte
from whoosh.writing import SegmentWriter

from reader.store.schema import Analysed, build_schema

Posting = tuple[bytes, int, float, bytes]
"""A posting as a field's `index` gives it: (term, frequency, weight, value)."""
Item = tuple[str, bytes, int, float, bytes]
"""A posting as Whoosh's writer hands it to its pool: (field, term, docnum, weight, value)."""

_BLOCK_LENGTH = Struct("!i")
_KEY_FIELD = Struct("!H")
_TERM_INFO = Struct("!BfIBBfII")
_EXTENT = Struct("!qi")
_KEY_VALUE_LENGTHS = Struct("!ii")
_NO_LENGTH = length_to_byte(None)
_ZERO_LENGTH = length_to_byte(0)


TermList = tuple[bytes, Sequence[int], Sequence[float], Sequence[bytes]]
"""A term and its posting list: document numbers, weights, values."""


class PostingsCodec(W3Codec):  # type: ignore[misc]  # Whoosh ships no types
    """Whoosh's codec without per-block length statistics: writing them looked up each
    posting's field length (a tenth of a build); only Whoosh's block skipping reads them
    (our array search does not skip, Whoosh's fallback skips less), and BM25F takes each
    document's length from its own column, so matches and scores stay the same.

    Block data is pickled with protocol 4 (Whoosh reads any); blocks shorter than
    `min_compress` bytes are stored as they are, longer ones compressed at zlib level 1 with a
    4 KB window: on BBC compressing every block took 40 % of the writer's time to save a third
    of the postings file. The class is named in the index's table of segments: moving it
    means a new `schema.SCHEMA_VERSION` (older indexes are then rebuilt)."""

    length_stats = False
    data_protocol = 4
    min_compress = 2048
    compress_window_bits = 12

    def __init__(self) -> None:
        super().__init__(compression=1)


class FlatPool:
    """Each term's postings in three lists (document numbers, weights, values), appended as
    documents are numbered, so they are in order and written as they are (a merge adds one
    segment's postings term by term, then the next's: those are sorted at writing). Held in
    memory until the segment is written: the caller bounds a segment's size (`postings`)."""

    def __init__(self) -> None:
        self.fields: dict[str, dict[bytes, tuple[list[int], list[float], list[bytes]]]] = {}
        self.postings = 0
        self.unordered = False
        self._last_docnum = -1

    def _terms(
        self, fieldname: str, docnum: int
    ) -> dict[bytes, tuple[list[int], list[float], list[bytes]]]:
        if docnum < self._last_docnum:
            self.unordered = True
        self._last_docnum = docnum
        terms = self.fields.get(fieldname)
        if terms is None:
            terms = self.fields[fieldname] = {}
        return terms

    def add(self, item: Item) -> None:
        """A posting from Whoosh's own code (merging segments)."""
        fieldname, term, docnum, weight, value = item
        self.add_analysed(fieldname, docnum, Analysed((term,), (1,), (weight,), (value,)))

    def add_analysed(self, fieldname: str, docnum: int, analysed: Analysed) -> int:
        terms = self._terms(fieldname, docnum)
        for term, weight, value in zip(
            analysed.terms, analysed.weights, analysed.values, strict=True
        ):
            lists = terms.get(term)
            if lists is None:
                terms[term] = ([docnum], [weight], [value])
            else:
                lists[0].append(docnum)
                lists[1].append(weight)
                lists[2].append(value)
        self.postings += len(analysed.terms)
        return sum(analysed.freqs)

    def term_lists(self, fieldname: str) -> Iterator[TermList]:
        terms = self.fields[fieldname]
        for term in sorted(terms):
            ids, weights, values = terms[term]
            if self.unordered:
                order = sorted(range(len(ids)), key=ids.__getitem__)
                ids = [ids[i] for i in order]
                weights = [weights[i] for i in order]
                values = [values[i] for i in order]
            yield term, ids, weights, values

    def iter_postings(self) -> Iterator[Item]:
        """All postings in Whoosh's pool order, for Whoosh's own code paths."""
        for fieldname in sorted(self.fields):
            for term, ids, weights, values in self.term_lists(fieldname):
                for docnum, weight, value in zip(ids, weights, values, strict=True):
                    yield fieldname, term, docnum, weight, value

    def cleanup(self) -> None:
        self.fields = {}
        self.postings = 0
        self.unordered = False
        self._last_docnum = -1


class GroupingSegmentWriter(SegmentWriter):  # type: ignore[misc]  # Whoosh ships no types
    """Whoosh's segment writer with a `FlatPool` and a direct W3 writer of its terms.

    Everything else (documents, stored fields, columns, deletions, merging, committing,
    locking) is Whoosh's own. A codec other than W3 without length statistics, which this
    writer needs, falls back to Whoosh's path."""

    def __init__(self, ix: Any, **kwargs: Any) -> None:
        super().__init__(ix, **kwargs)
        self.pool: Any = FlatPool()
        self._adopted: list[Any] = []
        self._simple_schema = not any(
            field.vector or field.separate_spelling() for _name, field in self.schema.items()
        )

    def add_document(self, **fields: Any) -> None:
        """Whoosh's `add_document` for a schema without term vectors or spelling fields and a
        document without boosts; `Analysed` postings go to the pool a field at a time."""
        if not self._simple_schema or any(name.startswith("_") for name in fields):
            super().add_document(**fields)
            return
        self._check_state()
        schema = self.schema
        perdocwriter = self.perdocwriter
        pool = self.pool
        docnum = self.docnum
        names = sorted(fields)
        self._check_fields(schema, names)
        perdocwriter.start_doc(docnum)
        try:
            for name in names:
                value = fields[name]
                if value is None:
                    continue
                field = schema[name]
                length = 0
                analysed: Analysed | None
                if isinstance(value, Analysed):
                    analysed, value = value, value.original
                else:
                    analysed = Analysed.of(field.index(value)) if field.indexed else None
                if analysed is not None:
                    length = pool.add_analysed(name, docnum, analysed)
                if not field.scorable:
                    length = 0
                perdocwriter.add_field(name, field, value if field.stored else None, length)
                column = field.column_type
                if column is not None and value is not None:
                    perdocwriter.add_column_value(name, column, field.to_column_value(value))
        except Exception:
            perdocwriter.cancel_doc()
            raise
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    def update_document(self, **fields: Any) -> None:
        """Whoosh's `update_document`, the unique values taken from `Analysed` fields."""
        unique = [
            (name, value.original if isinstance(value, Analysed) else value)
            for name, value in fields.items()
            if name in self.schema and self.schema[name].unique
        ]
        if unique:
            with self.searcher() as searcher:
                for docnum in searcher._find_unique(unique):  # noqa: SLF001 - our W3 writer drives Whoosh's own internals
                    self.delete_document(docnum)
        self.add_document(**fields)

    @property
    def pooled_postings(self) -> int:
        return int(self.pool.postings)

    def adopt(self, segments: Sequence[Any]) -> None:
        """Segments written apart (`ScratchSegment.finish`) and moved into this index's
        folder (`move_segment`): listed in the table of segments at commit, beside this
        writer's own."""
        self._adopted.extend(segments)

    def _commit_toc(self, segments: list[Any]) -> None:
        super()._commit_toc([*segments, *self._adopted])

    def _flush_segment(self) -> None:
        codec = self.codec
        if (
            not isinstance(codec, W3Codec)
            or codec.length_stats
            or type(self.fieldwriter) is not W3FieldWriter
        ):
            super()._flush_segment()
            return
        self.perdocwriter.close()
        pool = self.pool
        write_terms(self.fieldwriter, self.schema, pool, codec)
        self.fieldwriter.close()


def write_terms(fieldwriter: W3FieldWriter, schema: Schema, pool: FlatPool, codec: W3Codec) -> None:
    """Write every term's posting list and term info as `W3FieldWriter.add_postings` would
    for the same postings with no field lengths (`length_stats = False`); each term's
    postings in document order."""
    postfile = fieldwriter._postfile  # noqa: SLF001 - our W3 writer drives Whoosh's own internals
    tindex = fieldwriter._tindex  # noqa: SLF001 - our W3 writer drives Whoosh's own internals
    fieldmap = fieldwriter._fieldmap  # noqa: SLF001 - our W3 writer drives Whoosh's own internals
    blocklimit = codec._blocklimit  # noqa: SLF001 - our W3 writer drives Whoosh's own internals
    compression = codec._compression  # noqa: SLF001 - our W3 writer drives Whoosh's own internals
    min_compress = getattr(codec, "min_compress", 0)
    protocol = getattr(codec, "data_protocol", 2)
    compress = _compressor(compression, getattr(codec, "compress_window_bits", zlib.MAX_WBITS))
    offset = postfile.tell()
    magic = WHOOSH3_HEADER_MAGIC
    entries: list[tuple[bytes, bytes]] = []
    for fieldname in sorted(name for name, terms in pool.fields.items() if terms):
        fieldid = fieldmap.setdefault(fieldname, len(fieldmap))
        key_prefix = _KEY_FIELD.pack(fieldid)
        fixed_size = schema[fieldname].format.fixed_value_size()
        out: list[bytes] = []
        for term, all_ids, all_weights, all_values in pool.term_lists(fieldname):
            start = offset
            count = len(all_ids)
            if count == 1:  # most terms: one story's word
                docnum, weight, value = all_ids[0], all_weights[0], all_values[0]
                stored = _float32(weight)
                block_max = weight if weight > 0 else 0
                data = dumps(((docnum,), None if stored == 1.0 else stored,
                              _mini_values((value,), fixed_size)), protocol)  # fmt: skip
                comp = compression if len(data) >= min_compress else 0
                if comp:
                    data = compress(data)
                info = dumps((1, docnum, block_max, comp, _NO_LENGTH, _ZERO_LENGTH), 2)
                length = len(info) + len(data)
                out += (magic, _BLOCK_LENGTH.pack(-length), info, data)
                offset += len(magic) + 4 + length
                terminfo = _TERM_INFO.pack(
                    0, stored, 1, 0, _ZERO_LENGTH, block_max, docnum, docnum
                ) + _EXTENT.pack(start, offset - start)  # fmt: skip
                entries.append((key_prefix + term, terminfo))
                continue
            total_weight = 0.0
            max_weight: float = 0
            out.append(magic)
            offset += len(magic)
            for first in range(0, count, blocklimit):
                ids = all_ids[first : first + blocklimit]
                raw_weights = all_weights[first : first + blocklimit]
                values = all_values[first : first + blocklimit]
                weights = array("f", raw_weights)
                block_max = _max_weight(raw_weights)
                total_weight += sum(weights)
                max_weight = max(max_weight, block_max)
                data = dumps(
                    (_deltas(ids), _mini_weights(weights), _mini_values(values, fixed_size)),
                    protocol,
                )
                comp = compression if len(data) >= min_compress else 0
                if comp:
                    data = compress(data)
                info = dumps((len(ids), ids[-1], block_max, comp, _NO_LENGTH, _ZERO_LENGTH), 2)
                length = len(info) + len(data)
                last = first + blocklimit >= count
                out += (_BLOCK_LENGTH.pack(-length if last else length), info, data)
                offset += 4 + length
            terminfo = _TERM_INFO.pack(
                0, total_weight, count, 0, _ZERO_LENGTH, max_weight, all_ids[0], all_ids[-1],
            ) + _EXTENT.pack(start, offset - start)  # fmt: skip
            entries.append((key_prefix + term, terminfo))
        postfile.write(b"".join(out))
    _add_sorted(tindex, entries)


def _add_sorted(tindex: OrderedHashWriter, entries: list[tuple[bytes, bytes]]) -> None:
    """`OrderedHashWriter.add` for many (key, value) pairs in key order, in one write."""
    if tindex.hashfn is not md5_hash:
        for key, value in entries:
            tindex.add(key, value)
        return
    if not entries:
        return
    if entries[0][0] <= tindex.lastkey:
        raise ValueError(f"Keys must increase: {tindex.lastkey!r}..{entries[0][0]!r}")
    pos = tindex.dbfile.tell()
    out: list[bytes] = []
    positions: list[int] = []
    buckets = tindex.buckets
    for key, value in entries:
        positions.append(pos)
        out += (_KEY_VALUE_LENGTHS.pack(len(key), len(value)), key, value)
        pos += _KEY_VALUE_LENGTHS.size + len(key) + len(value)
        digest = hashlib.md5(key, usedforsecurity=False).digest()
        h = int.from_bytes(digest[-4:], "big")
        buckets[h & 255].append((h, positions[-1]))
    tindex.dbfile.write(b"".join(out))
    tindex.index.extend(positions)
    tindex.lastkey = entries[-1][0]


def _float32(value: float) -> float:
    """A weight as Whoosh's block keeps it (an `array("f")` item)."""
    return array("f", (value,))[0]


def _compressor(level: int, window_bits: int) -> Callable[[bytes], bytes]:
    """zlib at `level`; a window under zlib's 32 KB (`window_bits` < 15) also takes a
    smaller state, whose set-up is most of the cost of compressing a 100-byte block (60 µs
    against 5). Any zlib stream decompresses with Whoosh's `zlib.decompress(data)`."""
    if window_bits >= zlib.MAX_WBITS:
        return functools.partial(zlib.compress, level=level)
    mem_level = max(1, window_bits - 8)

    def compress(data: bytes) -> bytes:
        stream = zlib.compressobj(level, zlib.DEFLATED, window_bits, mem_level)
        return stream.compress(data) + stream.flush()

    return compress


def _max_weight(weights: Sequence[float]) -> float:
    """The block's largest weight as Whoosh tracks it: 0 unless some weight is above 0."""
    top = max(weights)
    return top if top > 0 else 0


def _deltas(ids: Sequence[int]) -> tuple[int, ...]:
    if len(ids) == 1:
        return (ids[0],)
    return (ids[0], *map(operator.sub, ids[1:], ids))


def _mini_weights(weights: array[float]) -> Any:
    first = weights[0]
    if weights.count(first) == len(weights):
        return None if first == 1.0 else first
    return tuple(weights)


def _mini_values(values: Sequence[bytes], fixed_size: int | None) -> Any:
    """Whoosh keeps only non-empty values (`filter(None, ...)`)."""
    if fixed_size is None or fixed_size < 0:
        return tuple(filter(None, values))
    if fixed_size == 0:
        return None
    return b"".join(values)


class ScratchSegment:
    """A segment a reader process writes apart from the index, in a scratch index of its own
    (Whoosh deletes, at every commit, the files of the index folder no segment names: a
    segment written there while the builder commits the last would vanish). The builder,
    holding the index's lock, moves the finished segment in and adopts it; one left behind
    by a stopped run is never named by the index."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        if not whoosh_index.exists_in(str(folder)):
            whoosh_index.create_in(str(folder), build_schema())
        self.folder = folder
        self._ix = whoosh_index.open_dir(str(folder))
        self._writer: GroupingSegmentWriter | None = None

    @property
    def postings(self) -> int:
        return 0 if self._writer is None else self._writer.pooled_postings

    def add(self, documents: Sequence[dict[str, Any]]) -> None:
        """Documents with `Analysed` fields (`reading.index_fields`)."""
        if self._writer is None:
            self._writer = GroupingSegmentWriter(self._ix, _lk=False, codec=PostingsCodec())
        for document in documents:
            self._writer.add_document(**document)

    def finish(self) -> Any | None:
        """The segment written (its files in `folder`), or None if nothing was added."""
        writer, self._writer = self._writer, None
        if writer is None:
            return None
        if not writer.docnum:
            writer.cancel()
            return None
        segment = writer._finalize_segment()  # noqa: SLF001 - our W3 writer drives Whoosh's own internals
        writer._finish()  # noqa: SLF001 - our W3 writer drives Whoosh's own internals
        return segment

    def discard(self) -> None:
        writer, self._writer = self._writer, None
        if writer is not None:
            writer.cancel()


def move_segment(segment: Any, scratch: Path, index_folder: Path) -> None:
    """A scratch segment's files into the index folder (a rename: same file system)."""
    for name in segment.list_files(FileStorage(str(scratch))):
        (scratch / name).replace(index_folder / name)


TINY_SEGMENT_DOCS = 1000
"""Segments under this many documents (an incremental run's) are merged at the next commit:
cheap, and they would otherwise pile up, one or two a run."""
MAX_SEGMENTS = 48
"""Beyond this many segments the smallest are merged too: search looks in every one."""


def merge_policy(writer: Any, segments: list[Any]) -> list[Any]:
    """Whoosh's merge policy for our commits: the segments kept; those merged into the
    writer's new segment are read into it (`add_reader`).

    Whoosh's own (`MERGE_SMALL`) merges all the smallest segments once their count outgrows
    a Fibonacci number: with two readers writing a segment each per batch, a build of 100k
    articles met it after some twenty batches, and merged most of the index through
    Python, a posting at a time (1.4 GB and a third of the build). Here only tiny segments
    are merged, or the smallest when there are too many; a build's own segments are never
    merged while it runs."""
    from whoosh.reading import SegmentReader

    ordered = sorted(segments, key=lambda s: s.doc_count_all())
    merged = [s for s in ordered if s.doc_count_all() < TINY_SEGMENT_DOCS]
    kept = ordered[len(merged) :]
    while kept and len(kept) + 1 > MAX_SEGMENTS:
        merged.append(kept.pop(0))
    if len(merged) < 2:  # one segment merged alone would only be written again
        return segments
    for segment in merged:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    return [s for s in segments if s not in merged]
