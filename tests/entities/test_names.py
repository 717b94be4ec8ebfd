"""Merging rules on hand-made mentions: no model needed."""

from __future__ import annotations

from reader.entities.model import AliasOp, Mention
from reader.entities.names import person_name
from reader.entities.resolve import resolve


def _m(text: str, kind: str = "PERSON") -> Mention:
    return Mention(0, len(text), text, kind)


def test_titles_possessives_and_middle_initials_are_stripped() -> None:
    assert person_name("Vladimir V. Putin") == "Vladimir Putin"
    assert person_name("President Vladimir Putin") == "Vladimir Putin"
    assert person_name("Putin’s") == "Putin"
    assert person_name("Secretary of State Antony J. Blinken") == "Antony Blinken"
    assert person_name("Mr. Xi") == "Xi"


def test_single_name_joins_a_full_name_only_by_an_exact_token() -> None:
    res = resolve({"a": [_m("Xi Jinping"), _m("Xi"), _m("Xinhua", "ORG")]})
    names = {(e.type, e.name): e for e in res.entities.values()}
    assert set(names[("PERSON", "Xi Jinping")].variants) == {"Xi Jinping", "Xi"}
    assert ("ORG", "Xinhua") in names


def test_ambiguous_single_name_is_flagged_not_guessed() -> None:
    res = resolve({"a": [_m("Joe Biden"), _m("Hunter Biden"), _m("Biden")]})
    biden = next(e for e in res.entities.values() if e.name == "Biden")
    assert biden.ambiguous_with == ("Hunter Biden", "Joe Biden")
    assert res.doc_spans["a"][2].ambiguous


def test_article_context_resolves_before_the_corpus() -> None:
    res = resolve({"a": [_m("Joe Biden"), _m("Biden")], "b": [_m("Hunter Biden"), _m("Biden")]})
    assert [s.name for s in res.doc_spans["a"]] == ["Joe Biden", "Joe Biden"]
    assert [s.name for s in res.doc_spans["b"]] == ["Hunter Biden", "Hunter Biden"]


def test_single_name_joins_across_the_corpus() -> None:
    res = resolve({"a": [_m("Vasily Kashin")], "b": [_m("Kashin")]})
    assert [e.name for e in res.entities.values()] == ["Vasily Kashin"]


def test_canonical_is_the_fullest_form() -> None:
    res = resolve({"a": [_m("Putin"), _m("Vladimir V. Putin"), _m("Vladimir Putin")]})
    (entity,) = res.entities.values()
    assert entity.name == "Vladimir Putin"
    assert entity.count == 3


def test_place_synonyms_and_organisation_acronyms() -> None:
    res = resolve({
        "a": [_m("U.S.", "PLACE"), _m("United States", "PLACE"), _m("US", "PLACE")],
        "b": [_m("Higher School of Economics", "ORG"), _m("HSE", "ORG")],
    })  # fmt: skip
    names = {(e.type, e.name): e.count for e in res.entities.values()}
    assert names == {("PLACE", "United States"): 3, ("ORG", "Higher School of Economics"): 2}


def test_aliases_merge_rename_hide_split() -> None:
    mentions = {"a": [_m("Joe Biden"), _m("Biden"), _m("Kremlin", "ORG"), _m("Rosneft", "ORG")]}
    res = resolve(
        mentions,
        [
            AliasOp("merge", "ORG:Rosneft", "ORG:Kremlin"),
            AliasOp("rename", "ORG:Kremlin", "Russian presidency"),
            AliasOp("split", "PERSON:Joe Biden", "Biden"),
            AliasOp("hide", "PERSON:Joe Biden", ""),
        ],
    )
    names = {(e.type, e.name): e.count for e in res.entities.values()}
    assert names == {("ORG", "Russian presidency"): 2, ("PERSON", "Biden"): 1}
