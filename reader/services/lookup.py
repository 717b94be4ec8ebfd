"""Reading entities back: the corpus's list, one article's spans, where a name is mentioned,
what changed between two articles, and the user's alias table (merge, split, rename, hide).

Every function reads `entities.sqlite` and resolves on demand, so what it returns reflects the
latest extraction and aliases. Alias changes also update the search index.
"""

from __future__ import annotations

from dataclasses import dataclass

from reader.entities.model import Entity, EntitySpan
from reader.entities.names import match_key, person_name
from reader.entities.resolve import ALIAS_OPS, Resolution, resolve
from reader.services.extract import open_entity_store, sync_search_index
from reader.store.folder import IndexFolder


def resolution(corpus_index: IndexFolder) -> Resolution:
    with open_entity_store(corpus_index) as store:
        return resolve(store.mentions(), store.aliases())


def corpus_entities(corpus_index: IndexFolder, *, types: tuple[str, ...] = ()) -> list[Entity]:
    """Every entity of the corpus, most mentioned first."""
    found = resolution(corpus_index).entities.values()
    return sorted(
        (e for e in found if not types or e.type in types), key=lambda e: (-e.count, e.name)
    )


def article_entities(corpus_index: IndexFolder, doc_id: str) -> list[EntitySpan]:
    """One article's spans (offsets into its `show --json` body), resolved to entities."""
    return resolution(corpus_index).doc_spans.get(doc_id, [])


def article_entity_list(corpus_index: IndexFolder, doc_id: str) -> list[Entity]:
    """One article's entities with counts and variants within that article."""
    res = resolution(corpus_index)
    counts: dict[tuple[str, str], list[str]] = {}
    for span in res.doc_spans.get(doc_id, []):
        counts.setdefault((span.type, span.name), []).append(span.text)
    out = []
    for (kind, name), texts in counts.items():
        variants = tuple(dict.fromkeys(sorted(texts, key=texts.count, reverse=True)))
        out.append(Entity(name, kind, variants, len(texts), (doc_id,)))
    return sorted(out, key=lambda e: (-e.count, e.name))


def find_entity(corpus_index: IndexFolder, name: str) -> list[Entity]:
    """Entities called `name` or having it as a variant (case and look-alikes folded)."""
    wanted = {match_key(name), match_key(person_name(name))}
    out = []
    for entity in resolution(corpus_index).entities.values():
        forms = {match_key(entity.name), *(match_key(v) for v in entity.variants)}
        forms |= {match_key(person_name(v)) for v in entity.variants}
        if wanted & forms:
            out.append(entity)
    return sorted(out, key=lambda e: (-e.count, e.name))


def mentions_of(corpus_index: IndexFolder, entity: Entity) -> list[tuple[str, EntitySpan]]:
    """(doc id, span) of every mention of an entity, in document and body order."""
    res = resolution(corpus_index)
    return [
        (doc_id, span)
        for doc_id in entity.docs
        for span in res.doc_spans.get(doc_id, [])
        if span.type == entity.type and span.name == entity.name
    ]


def entity_query(entity: Entity) -> str:
    """The search query that filters the corpus to articles naming this entity."""
    field = {"PERSON": "person", "ORG": "org", "PLACE": "place"}.get(entity.type, "entity")
    return f'{field}:"{entity.name}"'


@dataclass(frozen=True, slots=True)
class EntityChanges:
    """Entities named in one article and not the other (for the diff view)."""

    added: tuple[tuple[str, str], ...]
    """(type, name) in `b` only."""
    removed: tuple[tuple[str, str], ...]
    """(type, name) in `a` only."""


def entity_changes(corpus_index: IndexFolder, doc_a: str, doc_b: str) -> EntityChanges:
    res = resolution(corpus_index)
    a = {(s.type, s.name) for s in res.doc_spans.get(doc_a, [])}
    b = {(s.type, s.name) for s in res.doc_spans.get(doc_b, [])}
    return EntityChanges(tuple(sorted(b - a)), tuple(sorted(a - b)))


# -- the alias table --------------------------------------------------------------------------
def _alias(corpus_index: IndexFolder, op: str, key: str, target: str) -> int:
    assert op in ALIAS_OPS
    with open_entity_store(corpus_index) as store:
        store.add_alias(op, key, target)
    return sync_search_index(corpus_index)


def merge_entities(corpus_index: IndexFolder, key: str, into: str) -> int:
    """Merge entity `key` (`PERSON:Biden`) into `into` (`PERSON:Joe Biden`)."""
    return _alias(corpus_index, "merge", key, into)


def split_variant(corpus_index: IndexFolder, key: str, variant: str) -> int:
    """Keep a variant apart from the entity automatic merging put it in (`Biden` out of
    `Hunter Biden`): it becomes an entity of its own."""
    return _alias(corpus_index, "split", key, variant)


def rename_entity(corpus_index: IndexFolder, key: str, name: str) -> int:
    return _alias(corpus_index, "rename", key, name)


def hide_entity(corpus_index: IndexFolder, key: str) -> int:
    """Leave an entity out of lists, colours and the search index."""
    return _alias(corpus_index, "hide", key, "")


def clear_aliases(corpus_index: IndexFolder, key: str) -> int:
    """Undo every alias operation recorded on `key`."""
    with open_entity_store(corpus_index) as store:
        store.remove_aliases(key)
    return sync_search_index(corpus_index)
