"""One article's mentions: the model's spans, corrected by the gazetteer and made consistent.

Layers, each cheap and explainable, each kept only if it helped on CoNLL-2003 eng.train:
1. the statistical model's spans, mapped to our types (GPE/LOC/FAC -> PLACE); its names of
   other kinds (nationalities, events, works) are kept until the end so that nothing is found
   inside them (`U.S.` in `the U.S. Open`); edges repaired (titles, trailing lower-case words,
   what follows a comma or a spaced dash);
2. the name's own form: a company designator (`Cofinec S.A.`) or a given name in front
   (`Lennart Meri`) settles the type; nationalities (`Rwandan`) and events (`Davis Cup`) are
   not reported; a word the article also writes in lower case is no name;
3. the gazetteer: an entry relabels a span with exactly its text (Minsk is a PLACE, not an ORG;
   a weak entry only a lone word) and fills a gap the model left, unless it sits inside a
   longer run of capitalised words (a club, a company, a person's name); given names find
   persons the model missed;
4. the article: a name takes the label most of its mentions carry, its unlabelled repetitions
   are labelled too, the parts of a person's full name (`Kashin` after `Vasily Kashin`) are
   that person and a company's short form (`Barrick` after `Barrick Gold Corp`) that company;
   sports reports name clubs after towns (`sport.py`), business stories name companies with
   lone words, and a lone word after `in` or `near` is a place.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from reader.corpus.sentences import OPENERS, opens_sentence
from reader.entities.gazetteer import TOKEN_RE, Gazetteer
from reader.entities.model import Mention
from reader.entities.names import TITLES, strip_possessive
from reader.entities.sport import looks_like_person, team_key, team_names

RULES_VERSION = 2
"""Raise when a change here changes what is found: stored results carry it (through
`extraction.extractor_id`), so every article is extracted again."""

MODEL_LABELS = {
    "PERSON": "PERSON",
    "PER": "PERSON",
    "ORG": "ORG",
    "GPE": "PLACE",
    "LOC": "PLACE",
    "FAC": "PLACE",
    "DATE": "DATE",
    "MONEY": "MONEY",
}
NAME_LABELS = ("PERSON", "ORG", "PLACE")
OTHER = "OTHER"
"""Names we do not report (nationalities, events, works, laws, products, languages): kept while
combining so that no gazetteer match or propagated label lands inside them (`U.S.` in `the
U.S. Open`), dropped at the end."""
OTHER_LABELS = frozenset({"NORP", "EVENT", "WORK_OF_ART", "LAW", "PRODUCT", "LANGUAGE"})
NOT_NAMES = frozenset(
    "GMT UTC EST EDT CET CEST BST PST PDT Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec".split()  # noqa: SIM905
)
"""Time zones and months written short: the model takes them for organisations."""
_LEADING_THE = re.compile(r"^[Tt]he\s+")
_NAME_PART_RE = re.compile(r"^[A-Z][\w'’-]+$")
_FUNCTION_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "and",
        "or",
        "in",
        "on",
        "at",
        "to",
        "for",
        "by",
        "with",
        "from",
        "as",
        "is",
        "it",
        "he",
        "she",
        "we",
        "they",
        "i",
        "this",
        "that",
        "but",
        "not",
        "new",
    ]
)


def combine(
    text: str, model_spans: list[tuple[int, int, str]], gazetteer: Gazetteer
) -> list[Mention]:
    """All mentions of one body, sorted, non-overlapping."""
    mentions: list[Mention] = []
    for start, end, label in model_spans:
        kind = MODEL_LABELS.get(label) or (OTHER if label in OTHER_LABELS else None)
        if kind is None:
            continue
        if kind == "MONEY" and not _CURRENCY_RE.search(text[start:end]):
            continue  # `more than 1 million` (people): the small model's MONEY without money
        if kind in NAME_LABELS:
            start, end = _repair(text, start, end, kind, gazetteer)
            if end <= start or not _plausible_name(text[start:end], kind, gazetteer):
                continue
        mentions.append(Mention(start, end, text[start:end], kind))
    mentions = _join_adjacent(text, mentions)
    mentions = _without_common_words(text, mentions, gazetteer)
    mentions = [part for m in mentions for part in _split(m, gazetteer)]
    mentions = [_event_named_after(text, _by_form(m, gazetteer)) for m in mentions]
    person_parts = _person_parts(mentions)
    heads = _company_heads(mentions, gazetteer) | _defined_acronyms(text, mentions)
    mentions = [_relabel(m, gazetteer, person_parts, heads) for m in mentions]
    mentions = _fill(text, mentions, _gazetteer_mentions(text, gazetteer))
    mentions = _fill(text, mentions, _given_name_mentions(text, gazetteer))
    mentions = _places_by_preposition(text, mentions, gazetteer)
    mentions = _vote(mentions)
    venues = {text[s:e] for s, e, label in model_spans if label in ("FAC", "LOC")}
    mentions = _teams(text, mentions, gazetteer, venues)
    mentions = _companies(text, mentions, gazetteer)
    mentions = _propagate(text, mentions, heads)
    mentions = _join_adjacent(text, mentions, ("PERSON", "ORG"))
    return sorted(
        (_with_title(text, m) for m in mentions if m.type != OTHER), key=lambda m: m.start
    )


_CURRENCY_RE = re.compile(
    r"[$£€¥₽₹]|\b(?:[A-Z]{3}|dollars?|euros?|pounds?|sterling|yen|yuan|renminbi|rubles?|roubles?"
    r"|rupees?|francs?|marks?|pesos?|won|lira|cents?|pence|bucks?|crowns?|kronor|kroner)\b",
    re.IGNORECASE,
)
"""What makes a number money: a currency sign, code or name."""


def gazetteer_only(text: str, gazetteer: Gazetteer) -> list[Mention]:
    """The fallback extractor: gazetteer matches made consistent, without a model."""
    return combine(text, [], gazetteer)


def _repair(text: str, start: int, end: int, kind: str, gazetteer: Gazetteer) -> tuple[int, int]:
    """Fix the model's span edges: drop a leading `the` (unless the gazetteer spells the name
    with it), a possessive, trailing punctuation, and whatever follows a comma (`Xinhua,
    Putin` is two names); take in the first name before a span that starts with an initial
    (`Antony` before `J. Blinken`)."""
    span = text[start:end]
    match = _LEADING_THE.match(span)
    if match and gazetteer.get(span) is None:
        start += match.end()
    for separator in (", ", " - "):  # `Xinhua, Putin`, `RTRS - Toyota`: two names
        cut = text.find(separator, start, end)
        if cut > start:
            end = cut
    end = start + len(strip_possessive(text[start:end]).rstrip())
    while end > start and text[end - 1] in ".,;:" and not _is_abbreviation(text[start:end]):
        end -= 1
    while (last := _LAST_WORD_RE.search(text, start, end)) and last.start() > start:
        if not (last.group(1)[:1].islower() or not any(c.isalpha() for c in last.group(1))):
            break
        end = last.start()  # `Interfax news agency`, `Marcelo Rios of`, `Croatia 2-6 6`
    if kind == "PERSON":
        while (first := _FIRST_WORD_RE.match(text, start, end)) and first.end() < end:
            word, rest = first.group(1), text[first.end() : end]
            title = word.lower().rstrip(".") in TITLES
            if not title and not (word in gazetteer.demonyms and " " in rest.strip()):
                break  # `Rwandan Hutu` stays whole: a nationality, not a person
            start = first.end()  # `King Birendra`, `Belgian Bruno Thiry`
    if kind == "PERSON" and _INITIAL_START_RE.match(text, start):
        before = _PREV_WORD_RE.search(text[max(0, start - 40) : start])
        if before and before.group(1).lower() not in TITLES | _FUNCTION_WORDS:
            start -= len(before.group(0))
    return start, end


_INITIAL_START_RE = re.compile(r"[A-Z]\. [A-Z]")
_LAST_WORD_RE = re.compile(r"\s+(\S+)$")
_FIRST_WORD_RE = re.compile(r"(\S+)\s+")


def _plausible_name(span: str, kind: str, gazetteer: Gazetteer) -> bool:
    """Names have a capitalised word and no digits; a lone title word (`State` out of
    `Secretary of State`) is not a name."""
    if gazetteer.get(span) is not None:
        return True
    if kind == "PERSON" and any(ch.isdigit() for ch in span):
        return False
    if not any(w[:1].isupper() for w in span.split()):
        return False
    if span[:1].islower() and " " not in span:
        return False
    if span in NOT_NAMES:
        return False
    return span.lower() not in TITLES


def _is_abbreviation(span: str) -> bool:
    """`U.S.` and `Microsoft Corp.` keep their final period; `Moscow.` does not."""
    return bool(re.search(r"(?:^|[.\s])\w\.$", span)) or span.rsplit(None, 1)[-1] in CORPORATE


def _join_adjacent(
    text: str, mentions: list[Mention], kinds: tuple[str, ...] = ("PERSON",)
) -> list[Mention]:
    """`Waqar` + `Younis` found as two persons one space apart are one person (and `Florida`
    + `Marlins` found as two teams one team)."""
    out: list[Mention] = []
    for m in sorted(mentions, key=lambda m: m.start):
        last = out[-1] if out else None
        if (
            last is not None
            and last.type == m.type
            and m.type in kinds
            and text[last.end : m.start] == " "
        ):
            out[-1] = Mention(last.start, m.end, text[last.start : m.end], m.type)
        else:
            out.append(m)
    return out


def _person_parts(mentions: list[Mention]) -> set[str]:
    parts: set[str] = set()
    for m in mentions:
        if m.type == "PERSON":
            words = m.text.split()
            if len(words) > 1:
                parts.update(w for w in words if _NAME_PART_RE.match(w))
    return parts


CORPORATE = frozenset(
    """Corp Corp. Corporation Inc Inc. Incorporated Ltd Ltd. Limited Plc PLC plc Co Co. SA S.A.
    AG NV N.V. BV B.V. GmbH SpA S.p.A. AB ASA Oyj Bhd Berhad Pty KK Group Holdings Holding
    Laboratories Industries Enterprises Bancorp""".split()  # noqa: SIM905
)
"""Last words that make a name a company whatever the model thought (`Cofinec S.A.`)."""


EVENTS = frozenset(
    """Cup Open Championship Championships Games Olympics Series Tour Rally Prix Trophy Classic
    Masters Marathon Grand Slam War Award Prize Festival""".split()  # noqa: SIM905
)
"""Last words of events, which are not organisations or places (`Davis Cup`, `U.S. Open`)."""


def _without_common_words(
    text: str, mentions: list[Mention], gazetteer: Gazetteer
) -> list[Mention]:
    """A lone capitalised word the article also writes in lower case is a word, not a name
    (`Rice` at the start of a sentence about rice)."""
    words = set(_LOWER_WORD_RE.findall(text))
    return [
        m
        for m in mentions
        if m.type not in NAME_LABELS
        or " " in m.text
        or not m.text[1:].islower()
        or m.text.lower() not in words
        or gazetteer.get(m.text) is not None
    ]


_LOWER_WORD_RE = re.compile(r"(?<![\w-])[a-z]+(?![\w-])")


def _split(mention: Mention, gazetteer: Gazetteer) -> list[Mention]:
    """One span, two names: `An Marchal and Eefje Lambrecks` (two people), `Aleksandra Olsza of
    Poland` (a person and her country)."""
    if mention.type not in NAME_LABELS:
        return [mention]
    for joint in (" and ", " of "):
        cut = mention.text.find(joint)
        if cut <= 0:
            continue
        left, right = mention.text[:cut], mention.text[cut + len(joint) :]
        if not _looks_personal(left, gazetteer):
            continue
        right_start = mention.start + cut + len(joint)
        if joint == " and " and _looks_personal(right, gazetteer):
            kind = "PERSON"
        elif joint == " of " and (entry := gazetteer.get(right)) is not None:
            kind = entry.type
        else:
            continue
        return [
            Mention(mention.start, mention.start + cut, left, "PERSON"),
            Mention(right_start, mention.end, right, kind),
        ]
    return [mention]


def _by_form(mention: Mention, gazetteer: Gazetteer) -> Mention:
    """Labels the name's own form settles: a company designator at its end, or a given name
    at its start (`Lennart Meri`, which the small model calls an organisation)."""
    if mention.type not in NAME_LABELS or gazetteer.get(mention.text) is not None:
        return mention
    words = mention.text.split()
    if words[0] in gazetteer.demonyms and (len(words) == 1 or mention.type != "ORG"):
        return Mention(mention.start, mention.end, mention.text, OTHER)  # Rwandan Hutu
    if len(words) > 1 and words[-1] in EVENTS:
        return Mention(mention.start, mention.end, mention.text, OTHER)  # the Davis Cup
    if len(words) > 1 and words[-1] in CORPORATE:
        return Mention(mention.start, mention.end, mention.text, "ORG")
    if mention.type != "PERSON" and _looks_personal(mention.text, gazetteer):
        return Mention(mention.start, mention.end, mention.text, "PERSON")
    return mention


_EVENT_WORD_RE = re.compile(r" ([A-Z][a-z]+)\b")


def _event_named_after(text: str, mention: Mention) -> Mention:
    """`U.S. Open`, `Sahara Cup`: a name followed by an event word is part of the event."""
    if mention.type not in NAME_LABELS:
        return mention
    after = _EVENT_WORD_RE.match(text, mention.end)
    if after is None or after.group(1) not in EVENTS:
        return mention
    return Mention(mention.start, after.end(), text[mention.start : after.end()], OTHER)


def _company_heads(mentions: list[Mention], gazetteer: Gazetteer) -> set[str]:
    """Short forms of the companies named in full: `Barrick` and `Barrick Gold` after
    `Barrick Gold Corp` are the company wherever they stand alone."""
    heads: set[str] = set()
    for m in mentions:
        words = m.text.split()
        if m.type != "ORG" or len(words) < 2 or words[-1] not in CORPORATE:
            continue
        core = words[:-1]
        for n in range(1, len(core) + 1):
            head = " ".join(core[:n])
            if (
                _NAME_PART_RE.match(core[n - 1])
                and core[0] not in gazetteer.first_names
                and gazetteer.get(head) is None
                and core[n - 1].lower() not in _FUNCTION_WORDS
            ):
                heads.add(head)
    return heads


_ACRONYM_AFTER_RE = re.compile(r"\s*\(\s*([A-Z][A-Z&-]{1,7})\s*\)")


def _defined_acronyms(text: str, mentions: list[Mention]) -> set[str]:
    """`Kurdistan Democratic Party ( KDP )`: the acronym is the organisation too."""
    found: set[str] = set()
    for m in mentions:
        if m.type == "ORG" and (match := _ACRONYM_AFTER_RE.match(text, m.end)):
            found.add(match.group(1))
    return found


def _relabel(
    mention: Mention, gazetteer: Gazetteer, person_parts: set[str], heads: set[str]
) -> Mention:
    """A part of a person's full name named in the article is that person (`Muster` after
    `Thomas Muster`), a company's short form is that company; otherwise a gazetteer entry
    corrects the model: a strong one always, a weak one when the model took a lone word for a
    person (`Grozny`)."""
    if mention.type not in NAME_LABELS and mention.type != OTHER:
        return mention
    if mention.text in heads:
        return Mention(mention.start, mention.end, mention.text, "ORG")
    if mention.type == OTHER:
        if mention.text in person_parts:
            return Mention(mention.start, mention.end, mention.text, "PERSON")
        entry = gazetteer.get(mention.text)
        if entry is not None:  # the small model calls Calcutta a product
            return Mention(mention.start, mention.end, mention.text, entry.type)
        return mention
    if mention.text in person_parts and mention.text not in gazetteer.countries:
        return Mention(mention.start, mention.end, mention.text, "PERSON")
    entry = gazetteer.get(mention.text)
    if entry is None and mention.text.isupper():  # a dateline: MOSCOW
        entry = gazetteer.get(mention.text.title())
    if entry is None or entry.type == mention.type:
        return mention
    if not entry.strong and " " in mention.text:
        return mention
    return Mention(mention.start, mention.end, mention.text, entry.type)


ORG_WORDS = frozenset(
    """Bank Corp Corporation Inc Ltd Plc PLC Co Company Group Holdings AG SA NV BV GmbH SpA AB
    Association Party Union Council Committee Ministry Agency Fund Trust Institute University
    College School Club City United Rovers Athletic Town County Motors Airlines Airways
    Telecom Industries International Partners Press Times News Post Radio TV Television
    Democrats Republicans Front Movement League Federation Court Commission Board Office
    Department Service Services Foundation Society Church Hospital Council Army Navy Force
    Forces Police""".split()  # noqa: SIM905
)
"""Words that make a name an organisation, whatever given name it starts with."""


def _looks_personal(text: str, gazetteer: Gazetteer) -> bool:
    """Two or three capitalised words, the first a given name, none an organisation word:
    `Philip Cocu`, `Sterling Hitchcock`."""
    words = text.split()
    if not 2 <= len(words) <= 3 or words[0] not in gazetteer.first_names:
        return False
    if words[0].lower() in TITLES:
        return False
    if any(w in ORG_WORDS or gazetteer.get(w) is not None for w in words[1:]):
        return False
    return all(_NAME_PART_RE.match(w) for w in words)


_GIVEN_NAME_RE = re.compile(r"(?<![\w.'’-])([A-Z][a-z]+) ([A-Z][a-z]+(?:-[A-Z][a-z]+)?)(?![\w'’-])")


def _given_name_mentions(text: str, gazetteer: Gazetteer) -> list[Mention]:
    """Persons the model missed: a given name and a capitalised word, standing alone
    (`Ruben Kruger` in a list of try scorers)."""
    found = []
    for match in _GIVEN_NAME_RE.finditer(text):
        if not _looks_personal(match.group(), gazetteer) or match.group(2) in EVENTS:
            continue
        if match.group(2) in gazetteer.demonyms:
            continue
        if _inside_capitalised_run(text, match.start(), match.end()):
            continue
        found.append(Mention(match.start(), match.end(), match.group(), "PERSON"))
    return found


def _gazetteer_mentions(text: str, gazetteer: Gazetteer) -> list[Mention]:
    found = []
    for start, end, entry in gazetteer.scan(text):
        if _inside_capitalised_run(text, start, end):
            continue
        found.append(Mention(start, end, text[start:end], entry.type))
    # A lone minor name (a town, not a country or a major city) whose only capital comes from
    # opening a sentence, before a lower-case word, is read as a word (`Reading the report`,
    # `Mobile phones were banned`, `Bath time`) unless the article also writes it as a name
    # elsewhere: towns named by common words abound.
    named_inside = {m.text for m in found if not opens_sentence(text, m.start, _OPENERS)}
    return [
        m
        for m in found
        if " " in m.text
        or m.text in named_inside
        or m.text in gazetteer.countries
        or _strong(gazetteer, m.text)
        or not opens_sentence(text, m.start, _OPENERS)
        or not _LOWER_NEXT_RE.match(text, m.end)
    ]


def _strong(gazetteer: Gazetteer, surface: str) -> bool:
    entry = gazetteer.get(surface)
    return entry is not None and entry.strong


_LOWER_NEXT_RE = re.compile(r"[ \t]+[a-z]")
_OPENERS = OPENERS.replace("'", "")
"""What may stand before a sentence's first word for these rules: `sentences.OPENERS` without
the straight single quote, which they have never skipped (the related-stories name terms do).
Skipping it too would change what is found, so it would come with a new `RULES_VERSION`."""


_PREV_WORD_RE = re.compile(r"([A-Z][\w'’-]*)[ \t]+$")
_NEXT_WORD_RE = re.compile(r"^[ \t]+([A-Z][\w'’-]*)")


def _inside_capitalised_run(text: str, start: int, end: int) -> bool:
    """`Hamilton` in `Hamilton Academical`, `Georgia` in `Georgia Tech`: part of another name.
    A sentence's first word and titles before a name do not count."""
    after = _NEXT_WORD_RE.match(text[end : end + 40])
    if after and after.group(1).lower() not in _FUNCTION_WORDS:
        return True
    before = _PREV_WORD_RE.search(text[max(0, start - 40) : start])
    if before:
        word = before.group(1)
        head = text[: start - len(before.group(0))].rstrip()
        sentence_start = not head or head[-1] in '.!?\n"“:'
        if not sentence_start and word.lower() not in _FUNCTION_WORDS | TITLES:
            return True
    return False


def _fill(
    text: str, mentions: list[Mention], extra: list[Mention], *, widen: bool = False
) -> list[Mention]:
    """Add `extra` mentions where they overlap nothing already found; with `widen`, also
    where they hold the found ones whole (`Waqar Younis` over a lone `Younis`)."""
    out = list(mentions)
    for m in extra:
        overlapping = [o for o in out if o.start < m.end and m.start < o.end]
        if not overlapping:
            out.append(m)
        elif widen and all(
            m.start <= o.start and o.end <= m.end and (o.start, o.end) != (m.start, m.end)
            for o in overlapping
        ):
            out = [o for o in out if o not in overlapping]
            out.append(m)
    return out


def _vote(mentions: list[Mention]) -> list[Mention]:
    """A name takes the label most of its mentions carry (ties keep each mention's own)."""
    labels: dict[str, Counter[str]] = defaultdict(Counter)
    for m in mentions:
        if m.type in NAME_LABELS or m.type == OTHER:
            labels[m.text][m.type] += 1
    winner: dict[str, str] = {}
    for name, counts in labels.items():
        ranked = counts.most_common(2)
        if len(ranked) == 1 or ranked[0][1] > ranked[1][1]:
            winner[name] = ranked[0][0]
    return [
        Mention(m.start, m.end, m.text, winner[m.text])
        if (m.type in NAME_LABELS or m.type == OTHER) and m.text in winner
        else m
        for m in mentions
    ]


_VENUE_RE = re.compile(r"(?:^|\s)(?:in|at)\s+$", re.IGNORECASE)


def _teams(
    text: str, mentions: list[Mention], gazetteer: Gazetteer, venues: set[str]
) -> list[Mention]:
    """In a sports report, the names standing for teams are organisations wherever they occur,
    bar `in`/`at` before them (the city as a venue); unlabelled ones are added. `venues`: what
    the model called a facility or a location (a ground, a sea), never a club."""
    people: set[str] = set()
    for m in mentions:
        words = m.text.split()
        if m.type == "PERSON" and len(words) > 1 and looks_like_person(words, gazetteer):
            people.add(m.text)
            people.update(words)
    sport, teams = team_names(text, gazetteer, people)
    if not sport:
        return mentions
    for m in mentions:  # parts of full names, unless a town makes it a club (`Atletico Madrid`)
        words = m.text.split()
        if (
            m.type == "PERSON"
            and len(words) > 1
            and not any(
                (entry := gazetteer.get(w)) is not None and entry.type == "PLACE" for w in words
            )
        ):
            people.update(w for w in words if _NAME_PART_RE.match(w))
    out: list[Mention] = []
    for m in mentions:
        if m.type == "PERSON" and m.text.split()[0] in _SAINT:
            m = Mention(m.start, m.end, m.text, "ORG")  # `St Pauli`: no one's name
        if (
            m.type in NAME_LABELS
            and m.type != "ORG"
            and not _VENUE_RE.search(text[max(0, m.start - 4) : m.start])
        ) and (team_key(m.text) in teams or _club_like(m, gazetteer, people, venues)):
            m = Mention(m.start, m.end, m.text, "ORG")
        out.append(m)
    extra: list[Mention] = []
    lower = text.lower()
    if len(lower) != len(text):  # a letter whose lower case is longer: search case-sensitively
        lower = text
    for key in sorted(teams, key=len, reverse=True):
        for start in _occurrences(text, key, lower):
            end = start + len(key)
            if text[start].isupper() and not _VENUE_RE.search(text[max(0, start - 4) : start]):
                extra.append(Mention(start, end, text[start:end], "ORG"))
    return _fill(text, out, extra, widen=True)


_SAINT = frozenset({"St", "St.", "Saint", "Sankt", "San", "Santa", "Sao"})


def _club_like(m: Mention, gazetteer: Gazetteer, people: set[str], venues: set[str]) -> bool:
    """In a sports report, a town that is not a country names its club, and so does a lone
    word the model took for a person that no full name in the article explains."""
    if m.type == "PLACE":
        if m.text in venues:
            return False
        return m.text not in gazetteer.countries and m.text.title() not in gazetteer.countries
    if m.type == "PERSON" and " " not in m.text:
        # a lone word the article never gives a first name: `Fiorentina`
        return m.text not in people and m.text not in gazetteer.first_names
    return False


_PLACE_PREPOSITION_RE = re.compile(r"(?:^|\s)(?:in|near|outside|from|at)\s+$")
_IN_RE = re.compile(r"(?:^|\s)(?:in|near|outside)\s+$")


def _places_by_preposition(
    text: str, mentions: list[Mention], gazetteer: Gazetteer
) -> list[Mention]:
    """`in Salang`, `near Gatwick`: a lone word taken for a person that no full name explains,
    after a preposition of place, is a place; so is one taken for an unknown organisation
    after `in` or `near` (`in Taibe`; `at` goes with firms too)."""
    parts = _person_parts(mentions)
    out = []
    for m in mentions:
        if (
            m.type in ("PERSON", "ORG")
            and gazetteer.get(m.text) is None
            and not m.text.isupper()
            and " " not in m.text
            and m.text not in parts
            and m.text not in gazetteer.first_names
            and (
                _PLACE_PREPOSITION_RE.search(text[max(0, m.start - 8) : m.start])
                if m.type == "PERSON"
                else _IN_RE.search(text[max(0, m.start - 8) : m.start])
            )
        ):
            m = Mention(m.start, m.end, m.text, "PLACE")
        out.append(m)
    return out


BUSINESS_WORDS = frozenset(
    """shares share stock stocks profit profits revenue revenues earnings dividend dividends
    company companies firm analysts quarter sales investors bank bankruptcy merger acquisition
    subsidiary shareholders stake bid securities brokerage""".split()  # noqa: SIM905
)
MIN_BUSINESS_WORDS = 3


def _companies(text: str, mentions: list[Mention], gazetteer: Gazetteer) -> list[Mention]:
    """In a business story, a lone word taken for a person that no full name, title or given
    name explains is a company (`Zenith said its shares ...`)."""
    vocabulary = {w.lower() for w in _WORD_RE.findall(text)}
    if len(vocabulary & BUSINESS_WORDS) < MIN_BUSINESS_WORDS:
        return mentions
    parts = _person_parts(mentions)
    titled = {m.text for m in mentions if m.prefix} | {
        m.text for m in mentions if m.type == "PERSON" and _with_title(text, m).prefix
    }
    return [
        Mention(m.start, m.end, m.text, "ORG")
        if m.type == "PERSON"
        and " " not in m.text
        and m.text not in parts
        and m.text not in titled
        and m.text not in gazetteer.first_names
        and not m.text.isupper()
        else m
        for m in mentions
    ]


_WORD_RE = re.compile(r"[\w-]+")


def _propagate(text: str, mentions: list[Mention], heads: set[str]) -> list[Mention]:
    """Label the unlabelled repetitions of names found elsewhere in the same article, and the
    parts of full personal names standing alone."""
    labels: dict[str, Counter[str]] = defaultdict(Counter)
    for m in mentions:
        if m.type in NAME_LABELS and m.text[:1].isupper():
            labels[m.text][m.type] += 1
    targets = {name: counts.most_common(1)[0][0] for name, counts in labels.items()}
    for part in _person_parts(mentions):
        if part.lower() not in _FUNCTION_WORDS and part.lower() not in TITLES:
            targets.setdefault(part, "PERSON")
    for head in heads:
        targets[head] = "ORG"
    if not targets:
        return mentions
    extra: list[Mention] = []
    for name in sorted(targets, key=len, reverse=True):
        for start in _occurrences(text, name):
            extra.append(Mention(start, start + len(name), name, targets[name]))
    return _fill(text, mentions, extra, widen=True)


def _occurrences(text: str, name: str, haystack: str | None = None) -> list[int]:
    """Where `name` stands as whole words in `text` (`haystack`: `text` case-folded the same
    length, for a case-blind search). A plain scan: a regex per name costs more to compile
    than to run."""
    found: list[int] = []
    haystack = text if haystack is None else haystack
    start = haystack.find(name)
    while start >= 0:
        end = start + len(name)
        before = text[start - 1] if start else " "
        after = text[end : end + 2]
        if not (before.isalnum() or before in "_.'’-") and not (
            after[:1].isalnum()
            or after[:1] in "_-"
            or (after[:1] == "." and (after[1:2].isalnum() or after[1:2] == "_"))
        ):
            found.append(start)
        start = haystack.find(name, start + 1)
    return found


_TITLE_WORD_RE = re.compile(r"([A-Za-z]+\.?)[ \t]+$")


def _with_title(text: str, mention: Mention) -> Mention:
    """Note the title words written just before a person's name (`Secretary of State`)."""
    if mention.type != "PERSON":
        return mention
    start = mention.start
    words: list[str] = []
    for _ in range(4):
        match = _TITLE_WORD_RE.search(text[max(0, start - 30) : start])
        if not match or match.group(1).lower().rstrip(".") not in TITLES:
            break
        words.insert(0, match.group(1))
        start -= len(match.group(0))
    while words and not words[0][:1].isupper():
        words.pop(0)
    if not words:
        return mention
    return Mention(mention.start, mention.end, mention.text, mention.type, " ".join(words))


def count_tokens(text: str) -> int:
    return len(TOKEN_RE.findall(text))
