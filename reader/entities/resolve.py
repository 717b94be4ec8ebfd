"""From stored mentions to corpus entities: variant merging, then the user's aliases.

Computed on demand from `entities.sqlite` (a few hundred thousand mentions resolve in about a
second), so a new article, an alias or a re-extraction never leaves a stale cache behind.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from reader.entities.gazetteer import Gazetteer, load_gazetteer
from reader.entities.model import NAME_TYPES, AliasOp, Entity, EntitySpan, Mention, entity_key
from reader.entities.names import (
    fullest,
    initials,
    is_acronym,
    match_key,
    org_place_name,
    person_tokens,
    single_name_targets,
)

ALIAS_OPS = ("merge", "split", "rename", "hide")


@dataclass(frozen=True, slots=True)
class Resolution:
    """Every entity of the corpus by key, and each article's spans resolved to them."""

    entities: dict[str, Entity]
    doc_spans: dict[str, list[EntitySpan]]


def resolve(
    mentions: dict[str, list[Mention]],
    aliases: Iterable[AliasOp] = (),
    gazetteer: Gazetteer | None = None,
) -> Resolution:
    gazetteer = gazetteer or load_gazetteer()
    aliases = list(aliases)
    split = {(op.key.split(":", 1)[0], match_key(op.target)) for op in aliases if op.op == "split"}
    cluster = _Clusterer(mentions, gazetteer, split)
    # cluster id -> (type, display forms)
    assigned: dict[str, list[tuple[Mention, tuple[str, str], tuple[tuple[str, str], ...]]]] = {}
    forms: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for doc_id, items in mentions.items():
        rows = []
        for m in items:
            cid, form, ambiguous = cluster.of(doc_id, m)
            if cid is None:
                continue
            forms[cid][form] += 1
            rows.append((m, cid, ambiguous))
        assigned[doc_id] = rows

    names = {cid: cluster.canonical(cid, counts) for cid, counts in forms.items()}
    keys = {cid: entity_key(cid[0], name) for cid, name in names.items()}
    final = _apply_aliases(set(keys.values()), aliases)

    variants: dict[str, Counter[str]] = defaultdict(Counter)
    docs: dict[str, set[str]] = defaultdict(set)
    ambiguous_with: dict[str, set[str]] = defaultdict(set)
    doc_spans: dict[str, list[EntitySpan]] = {}
    for doc_id, rows in assigned.items():
        spans = []
        for m, cid, ambiguous in rows:
            key = final.get(keys[cid])
            if key is None:  # hidden
                continue
            variants[key][m.surface] += 1
            docs[key].add(doc_id)
            if ambiguous:
                ambiguous_with[key].update(names[a] for a in ambiguous if a in names)
            kind, name = key.split(":", 1)
            spans.append(EntitySpan(m.start, m.end, m.text, kind, name, bool(ambiguous)))
        doc_spans[doc_id] = spans
    entities = {}
    for key, counts in variants.items():
        kind, name = key.split(":", 1)
        entities[key] = Entity(
            name=name,
            type=kind,
            variants=tuple(v for v, _n in counts.most_common()),
            count=sum(counts.values()),
            docs=tuple(sorted(docs[key])),
            ambiguous_with=tuple(sorted(ambiguous_with[key])),
        )
    return Resolution(entities, doc_spans)


class _Clusterer:
    """Which cluster a mention belongs to: (type, folded key of its fullest form)."""

    def __init__(
        self,
        mentions: dict[str, list[Mention]],
        gazetteer: Gazetteer,
        split: set[tuple[str, str]],
    ) -> None:
        self.gazetteer = gazetteer
        self.split = split
        self.doc_full: dict[str, set[tuple[str, ...]]] = defaultdict(set)
        self.corpus_full: set[tuple[str, ...]] = set()
        org_names: set[str] = set()
        for doc_id, items in mentions.items():
            for m in items:
                if m.type == "PERSON":
                    tokens = self._folded(m)
                    if len(tokens) > 1 and not self._is_split("PERSON", tokens):
                        self.doc_full[doc_id].add(tokens)
                        self.corpus_full.add(tokens)
                elif m.type == "ORG":
                    org_names.add(self._org_place(m)[1])
        # acronym -> the single organisation whose initials it is
        by_initials: dict[str, set[str]] = defaultdict(set)
        for name in org_names:
            if " " in name:
                by_initials[initials(name)].add(name)
        self.acronyms = {a: next(iter(n)) for a, n in by_initials.items() if len(n) == 1}

    @staticmethod
    def _folded(m: Mention) -> tuple[str, ...]:
        return tuple(match_key(t) for t in person_tokens(m.text))

    def _is_split(self, kind: str, tokens: tuple[str, ...]) -> bool:
        return (kind, " ".join(tokens)) in self.split

    def _org_place(self, m: Mention) -> tuple[str, str]:
        """(display form, canonical display name) of an organisation or place."""
        form = org_place_name(m.text)
        entry = self.gazetteer.get(form)
        if entry is None and form.isupper() and len(form) > 3:
            entry = self.gazetteer.get(form.title())
        if (
            entry is not None
            and entry.type == m.type
            and (m.type, match_key(form)) not in self.split
        ):
            return form, entry.canonical
        return form, form

    def of(
        self, doc_id: str, m: Mention
    ) -> tuple[tuple[str, str] | None, str, tuple[tuple[str, str], ...]]:
        """(cluster id, display form, clusters it was ambiguous between)."""
        if m.type == "PERSON":
            shown = person_tokens(m.text)
            tokens = tuple(match_key(t) for t in shown)
            if not tokens:
                return None, "", ()
            form = " ".join(shown)
            if len(tokens) > 1 or self._is_split("PERSON", tokens):
                return ("PERSON", " ".join(tokens)), form, ()
            for pool in (self.doc_full[doc_id], self.corpus_full):
                targets = single_name_targets(tokens[0], pool)
                if len(targets) == 1:
                    return ("PERSON", " ".join(next(iter(targets)))), form, ()
                if len(targets) > 1:
                    options = tuple(sorted(("PERSON", " ".join(t)) for t in targets))
                    return ("PERSON", tokens[0]), form, options
            return ("PERSON", tokens[0]), form, ()
        if m.type in ("ORG", "PLACE"):
            form, canonical = self._org_place(m)
            if m.type == "ORG" and is_acronym(form) and canonical == form:
                canonical = self.acronyms.get(form.replace(".", ""), canonical)
            return (m.type, match_key(canonical)), canonical if canonical != form else form, ()
        return (m.type, match_key(m.text)), m.text, ()

    def canonical(self, cid: tuple[str, str], counts: Counter[str]) -> str:
        """The fullest form the corpus contains (for places and organisations the gazetteer's
        name when it knows the entity)."""
        if cid[0] == "PERSON":
            return fullest(counts, counts)
        if cid[0] in NAME_TYPES:
            return fullest(counts, counts)
        return counts.most_common(1)[0][0]


def _apply_aliases(keys: set[str], aliases: list[AliasOp]) -> dict[str, str | None]:
    """Automatic key -> final key (None: hidden), after merge, rename and hide in order."""
    final: dict[str, str | None] = {k: k for k in keys}
    for op in aliases:
        if op.op == "split":
            continue
        for source, current in list(final.items()):
            if current != op.key:
                continue
            if op.op == "hide":
                final[source] = None
            elif op.op == "merge":
                final[source] = op.target
            elif op.op == "rename":
                final[source] = entity_key(op.key.split(":", 1)[0], op.target)
    return final
