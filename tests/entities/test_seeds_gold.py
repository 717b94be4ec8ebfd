"""The five seeds against `../shared/gold/seeds.json` -> `entities`."""

from __future__ import annotations

import re
from typing import Any

import pytest

from reader.entities.model import Entity
from reader.services.build import CorpusIndex
from reader.services.lookup import corpus_entities, resolution
from reader.store.search import Searcher
from tests.conftest import load_gold

GOLD = (load_gold() or {}).get("entities", {})
NAMES = [(kind, name) for kind in ("PERSON", "ORG", "PLACE") for name in (GOLD.get(kind) or [])]


def _entities(extracted: tuple[CorpusIndex, Any]) -> dict[tuple[str, str], Entity]:
    return {(e.type, e.name): e for e in corpus_entities(extracted[0])}


@pytest.mark.parametrize(("kind", "name"), NAMES, ids=[f"{k}:{n}" for k, n in NAMES])
def test_every_gold_name_is_found_with_its_type(
    extracted_sample: tuple[CorpusIndex, Any], kind: str, name: str
) -> None:
    found = _entities(extracted_sample)
    assert (kind, name) in found, f"{name} not found as {kind}"


PERSON_VARIANTS = [(n, v) for n, vs in (GOLD.get("PERSON") or {}).items() for v in vs]


@pytest.mark.parametrize(
    ("name", "variant"), PERSON_VARIANTS, ids=[f"{n}<-{v}" for n, v in PERSON_VARIANTS]
)
def test_person_variants_merge_into_one_entity(
    extracted_sample: tuple[CorpusIndex, Any], name: str, variant: str
) -> None:
    """Every occurrence of the variant in the seeds lies on a span of the gold entity."""
    corpus_index = extracted_sample[0]
    res = resolution(corpus_index)
    pattern = re.compile(r"(?<![\w.])" + re.escape(variant) + r"(?![\w])")
    seen = 0
    with corpus_index.open_store() as store:
        for article in store.articles():
            spans = res.doc_spans.get(article.id, [])
            for match in pattern.finditer(article.body):
                seen += 1
                names = {s.name for s in spans if s.start < match.end() and match.start() < s.end}
                assert names == {name}, f"{variant!r} at {article.id}:{match.start()} -> {names}"
    assert seen, f"{variant!r} does not occur in the seeds"


def test_putin_is_one_entity_across_all_five(extracted_sample: tuple[CorpusIndex, Any]) -> None:
    putin = _entities(extracted_sample)[("PERSON", "Vladimir Putin")]
    assert len(putin.docs) == 5
    assert {"Putin", "Mr. Putin"} <= set(putin.variants)
    others = [e for e in corpus_entities(extracted_sample[0]) if "Putin" in e.name]
    assert others == [putin]


def test_xi_jinping_is_one_entity_and_xinhua_is_not_him(
    extracted_sample: tuple[CorpusIndex, Any],
) -> None:
    found = _entities(extracted_sample)
    xi = found[("PERSON", "Xi Jinping")]
    assert {"Xi", "Mr. Xi"} <= set(xi.variants)
    assert not any("Xinhua" in v for v in xi.variants)
    assert ("ORG", "Xinhua") in found


@pytest.mark.parametrize("name", (GOLD.get("not_a_person") or []))
def test_not_a_person(extracted_sample: tuple[CorpusIndex, Any], name: str) -> None:
    people = [e for e in corpus_entities(extracted_sample[0]) if e.type == "PERSON"]
    assert not [e for e in people if name in e.name or name in e.variants]


def test_person_search_returns_the_seeds_naming_him(
    extracted_sample: tuple[CorpusIndex, Any],
) -> None:
    corpus_index = extracted_sample[0]
    putin = _entities(extracted_sample)[("PERSON", "Vladimir Putin")]
    kashin = _entities(extracted_sample)[("PERSON", "Vasily Kashin")]
    with Searcher(corpus_index) as searcher:
        hits = searcher.search('person:"Vladimir Putin"', pagelen=50).hits
        assert {h.id for h in hits} == set(putin.docs)
        hits = searcher.search('entity:"Vasily Kashin"', pagelen=50).hits
        assert {h.id for h in hits} == set(kashin.docs)
        assert searcher.search('person:"Xinhua"').total == 0
