"""The layers over the model, fed with the spans a model gave (no model needed): what a sports
report, a company, a nationality or a given name changes about a span's type and edges."""

from __future__ import annotations

import re

from reader.entities.combine import combine
from reader.entities.gazetteer import load_gazetteer


def _spans(text: str, *labelled: tuple[str, str]) -> list[tuple[int, int, str]]:
    """Every occurrence of each surface, with the label a model gave it."""
    out = []
    for surface, label in labelled:
        pattern = r"(?<!\w)" + re.escape(surface) + r"(?!\w)"
        out += [(m.start(), m.end(), label) for m in re.finditer(pattern, text)]
    return out


def _found(text: str, *labelled: tuple[str, str]) -> set[tuple[str, str]]:
    return {(m.text, m.type) for m in combine(text, _spans(text, *labelled), load_gazetteer())}


SPORTS = (
    "Soccer - Spanish league results .\n"
    "Results of Spanish first division matches on Sunday :\n"
    "Barcelona 3 Espanyol 0\n"
    "Valencia 1 Sevilla 1\n"
    "Barcelona beat Espanyol 3-0 with two goals from the striker Ronaldo , while Spain's coach "
    "watched in Barcelona .\n"
    "In Madrid , Spain beat Italy 2-1 in a friendly .\n"
    "In Germany , St Pauli drew with Bremen .\n"
)


def test_towns_in_a_sports_report_are_clubs_and_countries_stay_places() -> None:
    found = _found(
        SPORTS,
        ("Barcelona", "GPE"),
        ("Espanyol", "PERSON"),
        ("Valencia", "GPE"),
        ("Spain", "GPE"),
        ("Italy", "GPE"),
        ("Madrid", "GPE"),
        ("St Pauli", "PERSON"),
    )
    assert {("Barcelona", "ORG"), ("Espanyol", "ORG"), ("Valencia", "ORG")} <= found
    assert ("St Pauli", "ORG") in found
    assert ("Sevilla", "ORG") in found  # from its results row alone
    assert {("Spain", "PLACE"), ("Italy", "PLACE"), ("Madrid", "PLACE")} <= found


def test_a_venue_stays_a_place_in_a_sports_report() -> None:
    text = combine(
        SPORTS, _spans(SPORTS, ("Barcelona", "GPE"), ("Madrid", "GPE")), load_gazetteer()
    )
    venue = SPORTS.index("in Barcelona") + 3
    assert [m.type for m in text if m.start == venue] == ["PLACE"]


def test_outside_sport_a_town_is_a_place() -> None:
    text = (
        "Barcelona 's port handled 3 million tonnes , up 5 percent , officials in Barcelona said ."
    )
    assert _found(text, ("Barcelona", "GPE")) == {("Barcelona", "PLACE")}


def test_a_company_named_in_full_gives_its_short_form() -> None:
    text = (
        "Barrick Gold Corp said on Tuesday it would buy the mine . "
        "Barrick said the deal was worth $ 1 billion . Shares of Barrick rose ."
    )
    found = _found(text, ("Barrick Gold Corp", "ORG"), ("Barrick", "PERSON"))
    assert found == {("Barrick Gold Corp", "ORG"), ("Barrick", "ORG")}


def test_company_abbreviation_keeps_its_period() -> None:
    text = "The deal was announced by Microsoft Corp. on Monday ."
    assert ("Microsoft Corp.", "ORG") in _found(text, ("Microsoft Corp.", "ORG"))


def test_nationalities_and_events_are_not_reported() -> None:
    text = (
        "A Slovak court freed the Rwandan Hutu leader , and Pete Sampras won the U.S. Open "
        "before the Davis Cup ."
    )
    found = _found(
        text,
        ("Slovak", "PERSON"),
        ("Rwandan Hutu", "PERSON"),
        ("Pete Sampras", "PERSON"),
        ("the U.S. Open", "EVENT"),
        ("Davis Cup", "ORG"),
    )
    assert found == {("Pete Sampras", "PERSON")}


def test_a_given_name_makes_a_person_and_the_surname_follows() -> None:
    text = "Estonian President Lennart Meri said on Friday that Meri would stand again ."
    found = _found(text, ("Lennart Meri", "ORG"), ("Meri", "ORG"))
    assert found == {("Lennart Meri", "PERSON"), ("Meri", "PERSON")}


def test_a_given_name_finds_a_person_the_model_missed() -> None:
    text = "Scorers : Tries : Hannes Strydom , Ruben Kruger . Conversion : Joel Stransky ."
    found = _found(text, ("Joel Stransky", "PERSON"))
    assert {("Hannes Strydom", "PERSON"), ("Ruben Kruger", "PERSON")} <= found


def test_span_edges_lose_lower_case_tails_titles_and_dashes() -> None:
    text = (
        "RTRS - Toyota said sales rose , the Interfax news agency reported , and King Birendra "
        "left Nepal ."
    )
    found = _found(
        text,
        ("RTRS - Toyota", "ORG"),
        ("Interfax news agency", "ORG"),
        ("King Birendra", "PERSON"),
        ("Nepal", "GPE"),
    )
    assert {("RTRS", "ORG"), ("Interfax", "ORG"), ("Birendra", "PERSON")} <= found


def test_an_acronym_in_brackets_is_its_organisation() -> None:
    text = "The Kurdistan Democratic Party ( KDP ) took Arbil . KDP fighters held the town ."
    found = _found(text, ("Kurdistan Democratic Party", "ORG"), ("Arbil", "GPE"))
    assert ("KDP", "ORG") in found


def test_one_span_two_names() -> None:
    text = "Aleksandra Olsza of Poland beat Anna Marchal and Maria Lambrecks ."
    found = _found(
        text, ("Aleksandra Olsza of Poland", "ORG"), ("Anna Marchal and Maria Lambrecks", "ORG")
    )
    assert {("Aleksandra Olsza", "PERSON"), ("Poland", "PLACE")} <= found
    assert {("Anna Marchal", "PERSON"), ("Maria Lambrecks", "PERSON")} <= found


def test_in_a_business_story_an_unexplained_lone_person_is_a_company() -> None:
    text = (
        "Zenith said its shares rose after quarterly sales beat forecasts . Analysts said "
        "Zenith 's profit would recover . Chief executive Peter Smith said Smith would stay ."
    )
    found = _found(text, ("Zenith", "PERSON"), ("Peter Smith", "PERSON"), ("Smith", "PERSON"))
    assert ("Zenith", "ORG") in found
    assert ("Smith", "PERSON") in found  # explained by the full name


def test_a_lone_word_after_a_preposition_of_place_is_a_place() -> None:
    text = "Fighting broke out near Salang on Monday , and refugees fled from Salang ."
    assert _found(text, ("Salang", "PERSON")) == {("Salang", "PLACE")}


def test_a_word_the_article_writes_in_lower_case_is_no_name() -> None:
    text = "Rice prices rose . Farmers said rice stocks were low ."
    assert _found(text, ("Rice", "PERSON")) == set()


def test_a_town_named_by_a_common_word_opening_a_sentence_is_a_word() -> None:
    assert _found("Mobile phones were banned in schools.") == set()
    assert _found("Bath time is fun, the minister said.") == set()
    assert _found("Paris is the capital of France.") >= {("Paris", "PLACE")}  # a major city
    assert ("Turkey", "PLACE") in _found("Turkey is a member of NATO.")  # a country
    # the same word written as a name elsewhere in the article is a name at the start too
    assert ("Bath", "PLACE") in _found("Bath is wet. Police in Bath said so.")


def test_money_needs_a_currency() -> None:
    text = "The deal, worth $4 billion, affects more than 1 million people and 20 million euros."
    found = _found(text, ("$4 billion", "MONEY"), ("more than 1 million", "MONEY"),
                   ("20 million euros", "MONEY"))  # fmt: skip
    assert ("$4 billion", "MONEY") in found and ("20 million euros", "MONEY") in found
    assert ("more than 1 million", "MONEY") not in found
