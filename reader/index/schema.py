"""The one index schema, and its version: a stored index of another version is rebuilt."""

from __future__ import annotations

from whoosh.fields import ID, NUMERIC, TEXT, Schema

from reader.index.analysis import news_analyzer

SCHEMA_VERSION = 2
"""Bump when fields, analysis or cleaning change what the index holds."""

TEXT_FIELDS = ("title", "body", "subtitle", "byline", "source", "dateline", "captions")
SEARCH_FIELDS = ("title", "subtitle", "body", "captions")
"""Fields a bare word is looked up in; the others need their name (`byline:isachenkov`)."""
FIELD_BOOSTS = {"title": 3.0, "subtitle": 1.5, "body": 1.0, "captions": 0.5}
ENTITY_FIELDS = ("person", "org", "place", "entity")
"""Canonical entity names of an article, one per line, written by `reader.entities.search_sync`
(`person:"Vladimir Putin"`); `entity` holds every type."""
QUERY_FIELDS = (*TEXT_FIELDS, "date", "id", "words", *ENTITY_FIELDS)


def build_schema() -> Schema:
    """Only what search needs: texts are analysed but not stored (the store keeps them)."""
    analyzer = news_analyzer()
    return Schema(
        id=ID(unique=True, stored=True),
        title=TEXT(analyzer=analyzer, field_boost=FIELD_BOOSTS["title"]),
        subtitle=TEXT(analyzer=analyzer, field_boost=FIELD_BOOSTS["subtitle"]),
        body=TEXT(analyzer=analyzer),
        captions=TEXT(analyzer=analyzer, field_boost=FIELD_BOOSTS["captions"]),
        byline=TEXT(analyzer=analyzer),
        source=TEXT(analyzer=analyzer),
        dateline=TEXT(analyzer=analyzer),
        date=ID(sortable=True),
        words=NUMERIC(int, bits=32),
        person=TEXT(analyzer=analyzer),
        org=TEXT(analyzer=analyzer),
        place=TEXT(analyzer=analyzer),
        entity=TEXT(analyzer=analyzer),
    )
