"""Sports results: which names in an article stand for teams.

In a sports report a city or county names its club (`Barcelona beat Espanyol 3-0`, `Surrey
302-6`), and the model reads it as a place or a person. The article itself says which names are
teams: they stand right before a score or a row of numbers (`Ajax 3 PSV 1`, `NEW YORK 72 54
.571`) or face another name across `v` (`Kent v Glamorgan`). People stand there too (`M. Walker
59`, `Colin Montgomerie 69 70`), so a name that looks like a person's is never taken for a team,
and a country stays a place: a national team keeps its country's name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from reader.entities.gazetteer import Gazetteer

_WORD = r"[A-Z][\w'&.-]*"
_NUMBER = r"(?!\d{4}-\d\d-\d\d)\d+(?:[-/.]\d+)*"
"""A score, a total or a row of figures; not a date (`LONDON 1996-08-22` is a dateline)."""
_BEFORE_NUMBER_RE = re.compile(rf"(?<![\w.'-])({_WORD}(?: {_WORD}){{0,3}}) {_NUMBER}(?![\w-])")
_VERSUS_RE = re.compile(
    rf"(?<![\w.'-])({_WORD}(?: {_WORD}){{0,3}}) (?:v|vs\.?) ({_WORD}(?: {_WORD}){{0,3}})"
)
_SCORE_RE = re.compile(r"(?<![\w.-])\d{1,2}-\d{1,2}(?![\w-])")
_TABLE_ROW_RE = re.compile(r"[A-Za-z][\w'.-]* \d+(?: \d+(?:\.\d+)?){2,}")
_RESULT_RE = re.compile(r"[A-Za-z][\w'.-]* \d{1,2} [A-Z][\w'. -]* \d{1,2}\b")
_WORD_RE = re.compile(r"[\w-]+")
SPORT_WORDS = frozenset(
    """goal goals match matches coach striker midfielder defender goalkeeper champions
    championship league cup innings wicket wickets tournament seeded semifinal semifinals
    semi-final quarter-final quarter-finals scored scorer inning homer pitcher batting bowling
    squad club clubs lap laps rider half-time penalty division referee stadium unbeaten prix
    rally medal olympic golf soccer tennis cricket baseball rugby football athletics racing
    cycling boxing hockey basketball motocross rallying nhl nba nfl skiing fixtures
    standings""".split()  # noqa: SIM905
)
"""Words of sports reporting only (not `win`, `race` or `title`, which politics uses too)."""
_INITIAL_RE = re.compile(r"^[A-Z]\.$")
_LEADING_NOISE = frozenset({"At", "In", "The", "And", "For", "From", "To", "With", "On", "Over"})
MIN_SPORT_WORDS = 3
MIN_RESULT_LINES = 2


def is_sports_report(text: str) -> bool:
    """Three different sports words, or one and two lines of results (`Ajax 3 PSV 1`, a
    standings row): a business story with a `5-1` in it is not one."""
    words = len({w.lower() for w in _WORD_RE.findall(text)} & SPORT_WORDS)
    if words >= MIN_SPORT_WORDS:
        return True
    if not words:
        return False
    results = 0
    for line in text.split("\n"):
        if _SCORE_RE.search(line) or _TABLE_ROW_RE.search(line) or _RESULT_RE.search(line):
            results += 1
            if results >= MIN_RESULT_LINES:
                return True
    return False


def team_key(name: str) -> str:
    """Table rows are often in capitals (`ST LOUIS`): compare names case-blind."""
    return " ".join(name.lower().split())


def team_names(
    text: str,
    gazetteer: Gazetteer,
    person_like: Iterable[str] = (),
) -> tuple[bool, set[str]]:
    """Whether the article reports results, and the keys (`team_key`) of the names it uses as
    teams. `person_like`: names the article shows to be people (parts of full names)."""
    if not is_sports_report(text):
        return False, set()
    people = {team_key(p) for p in person_like}
    found: set[str] = set()
    for line in text.split("\n"):
        numbers = re.findall(rf"(?<![\w.-]){_NUMBER}(?![\w-])", line)
        if _SCORE_RE.search(line) or len(numbers) >= 2:
            for match in _BEFORE_NUMBER_RE.finditer(line):
                found.update(_team(match.group(1), gazetteer, people))
        for match in _VERSUS_RE.finditer(line):
            for group in (1, 2):
                found.update(_team(match.group(group), gazetteer, people))
    return True, found


def _team(run: str, gazetteer: Gazetteer, people: set[str]) -> list[str]:
    words = run.split()
    while words and words[0] in _LEADING_NOISE:
        words.pop(0)
    if not words or any(not w[:1].isupper() for w in words):
        return []
    name = " ".join(words)
    key = team_key(name)
    if key in people or looks_like_person(words, gazetteer):
        return []
    if name in gazetteer.countries or name.title() in gazetteer.countries:
        return []
    if name.isupper() and len(name) <= 3 and gazetteer.get(name) is not None:
        return []  # an acronym the gazetteer knows (U.S.) is not a club
    if any(ch.isdigit() for ch in name):
        return []
    return [key]


def looks_like_person(words: list[str], gazetteer: Gazetteer) -> bool:
    """An initial (`M. Walker`) or a given name in front (`Colin Montgomerie`)."""
    if any(_INITIAL_RE.match(w) for w in words):
        return True
    first = words[0].title() if words[0].isupper() else words[0]
    return len(words) > 1 and first in gazetteer.first_names
