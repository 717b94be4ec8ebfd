"""The one index schema, and its version: a stored index of another version is rebuilt."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

from whoosh.fields import ID, NUMERIC, TEXT, Schema
from whoosh.formats import Positions

from reader.corpus.model import Article
from reader.store.analysis import FoldingTokenizer, news_analyzer, positions_columns

SCHEMA_VERSION = 6
"""Bump when fields, analysis or cleaning change what the index holds, or when a class
Whoosh pickles into the index (analyser, codec) moves: 5 moved them to `reader.store`; 6 keeps
a format's own metadata with each article (`Article.extra`)."""

TEXT_FIELDS = ("title", "body", "subtitle", "byline", "source", "dateline", "captions")
SEARCH_FIELDS = ("title", "subtitle", "body", "captions")
"""Fields a bare word is looked up in; the others need their name (`byline:isachenkov`)."""
FIELD_BOOSTS = {"title": 3.0, "subtitle": 1.5, "body": 1.0, "captions": 0.5}
ENTITY_FIELDS = ("person", "org", "place", "entity")
"""Canonical entity names of an article, one per line, written by
`reader.services.extract.sync_search_index`
(`person:"Vladimir Putin"`); `entity` holds every type."""
QUERY_FIELDS = (*TEXT_FIELDS, "date", "id", "words", *ENTITY_FIELDS)
ANALYSED_FIELDS = (*TEXT_FIELDS, "id", "date", "words")
"""Fields a reader process turns into postings (`analyse`); the entity fields are written
later, by the entities job, through Whoosh's own writer."""


Posting = tuple[bytes, int, float, bytes]


class Analysed(NamedTuple):
    """A field's text already turned into postings by a reader process, as columns (terms,
    frequencies, weights, encoded positions): the one process that writes the index then
    only files them, and columns cross between processes in a third of the time of a
    tuple per posting."""

    terms: tuple[bytes, ...] = ()
    freqs: tuple[int, ...] = ()
    weights: tuple[float, ...] = ()
    values: tuple[bytes, ...] = ()
    original: Any = None
    """The value itself, for the fields other than texts (`id`, `date`, `words`): stored or
    kept in a column. None for the texts, which only the document store keeps."""

    @classmethod
    def of(cls, postings: Iterable[Posting], original: Any = None) -> Analysed:
        columns = tuple(zip(*postings, strict=True))
        if not columns:
            return cls(original=original)
        terms, freqs, weights, values = columns
        return cls(terms, freqs, weights, values, original)

    @property
    def postings(self) -> tuple[Posting, ...]:
        return tuple(zip(self.terms, self.freqs, self.weights, self.values, strict=True))


class NewsText(TEXT):  # type: ignore[misc]  # Whoosh ships no types
    """A text field that also accepts `Analysed` postings in place of its text."""

    def index(self, value: Any, **kwargs: Any) -> Iterator[Posting]:
        if isinstance(value, Analysed):
            return iter(value.postings)
        postings: Iterator[Posting] = super().index(value, **kwargs)
        return postings


def analyse(schema: Schema, field: str, value: Any) -> Analysed:
    """A field's postings, made where the document is read (a reader process)."""
    fieldobj = schema[field]
    if type(fieldobj.format) is Positions and isinstance(fieldobj.analyzer, FoldingTokenizer):
        return Analysed(*positions_columns(value, fieldobj.format.field_boost))
    return Analysed.of(fieldobj.index(value), original=value)


def build_schema() -> Schema:
    """Only what search needs: texts are analysed but not stored (the store keeps them)."""
    analyzer = news_analyzer()
    return Schema(
        id=ID(unique=True, stored=True),
        title=NewsText(analyzer=analyzer, field_boost=FIELD_BOOSTS["title"]),
        subtitle=NewsText(analyzer=analyzer, field_boost=FIELD_BOOSTS["subtitle"]),
        body=NewsText(analyzer=analyzer),
        captions=NewsText(analyzer=analyzer, field_boost=FIELD_BOOSTS["captions"]),
        byline=NewsText(analyzer=analyzer),
        source=NewsText(analyzer=analyzer),
        dateline=NewsText(analyzer=analyzer),
        date=ID(sortable=True),
        words=NUMERIC(int, bits=32),
        person=TEXT(analyzer=analyzer),
        org=TEXT(analyzer=analyzer),
        place=TEXT(analyzer=analyzer),
        entity=TEXT(analyzer=analyzer),
    )


def index_fields(article: Article, *, analysed: bool = False) -> dict[str, Any]:
    """The Whoosh document of an article: searchable text only, nothing stored but the id;
    `analysed`: its texts turned into postings here (in a reader process)."""
    fields: dict[str, Any] = {
        "id": article.id,
        "title": article.title or "",
        "subtitle": article.subtitle or "",
        "body": article.body,
        "captions": "\n".join(article.captions),
        "byline": article.byline or "",
        "source": article.source or "",
        "dateline": article.dateline or "",
        "date": article.date or "",
        "words": article.word_count,
    }
    if analysed:
        schema = _schema_here()
        for name in ANALYSED_FIELDS:
            fields[name] = analyse(schema, name, fields[name])
    return fields


@functools.cache
def _schema_here() -> Schema:
    return build_schema()
