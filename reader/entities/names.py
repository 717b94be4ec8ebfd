"""Name forms: what to strip from a surface form before comparing, and when two forms merge.

Rules (issue 6): titles and possessives are stripped, middle initials dropped
(`Vladimir V. Putin` = `Vladimir Putin`), and a single name joins a full name only through an
exact token (`Xi` -> `Xi Jinping`, never `Xinhua`); when it fits several full names it stays
apart and is flagged ambiguous. Organisations and places merge through the gazetteer's
synonyms (`U.S.` = `United States`) and acronyms made of a name's initials.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from reader.corpus.normalize import fold

TITLES = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "miss",
        "dr",
        "prof",
        "sir",
        "dame",
        "lord",
        "lady",
        "president",
        "vice",
        "prime",
        "minister",
        "premier",
        "chancellor",
        "secretary",
        "gen",
        "general",
        "lt",
        "col",
        "colonel",
        "maj",
        "major",
        "capt",
        "captain",
        "adm",
        "admiral",
        "sgt",
        "sen",
        "senator",
        "rep",
        "representative",
        "gov",
        "governor",
        "mayor",
        "judge",
        "justice",
        "king",
        "queen",
        "prince",
        "princess",
        "pope",
        "cardinal",
        "bishop",
        "rev",
        "father",
        "sheikh",
        "ambassador",
        "foreign",
        "defense",
        "defence",
        "deputy",
        "chief",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "chairman",
        "chairwoman",
        "ceo",
        "director",
        "former",
        "late",
        "state",
        "of",
        "interior",
        "finance",
        "economy",
        "trade",
        "commerce",
        "justice",
        "health",
        "envoy",
        "adviser",
        "advisor",
        "aide",
        "comrade",
        "coach",
    ]
)
"""Words that can stand before a name as (part of) a title; stripped from the front."""
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
_POSSESSIVE_RE = re.compile(r"(?:['’]s|['’])$")
_INITIAL_RE = re.compile(r"^[A-Z]\.?$")
_WORD_RE = re.compile(r"[\w.'’-]+")


def strip_possessive(text: str) -> str:
    return _POSSESSIVE_RE.sub("", text.strip())


def person_tokens(text: str) -> tuple[str, ...]:
    """The comparable tokens of a person's name: no title, possessive, middle initial, Jr."""
    words = _WORD_RE.findall(strip_possessive(text))
    while len(words) > 1 and words[0].lower().rstrip(".") in TITLES:
        words.pop(0)
    while len(words) > 1 and words[-1].lower().rstrip(".,") in _SUFFIXES:
        words.pop()
    if len(words) > 2:
        words = [words[0], *(w for w in words[1:-1] if not _INITIAL_RE.match(w)), words[-1]]
    return tuple(w.rstrip(".,") if not _INITIAL_RE.match(w) else w for w in words)


def person_name(text: str) -> str:
    return " ".join(person_tokens(text))


def org_place_name(text: str) -> str:
    """An organisation or place as written, minus possessive and a lower-case leading `the`."""
    text = strip_possessive(" ".join(text.split()))
    if text.startswith("the "):
        text = text[4:]
    return text


def match_key(name: str) -> str:
    """Fold case, quotes and look-alike letters, so `NATO` and `Nato` compare equal."""
    return fold(name)


def initials(name: str) -> str:
    """`Higher School of Economics` -> `HSE`: capitals of the words that carry them."""
    return "".join(w[0] for w in name.split() if w[:1].isupper())


def is_acronym(text: str) -> bool:
    bare = text.replace(".", "")
    return 2 <= len(bare) <= 6 and bare.isalpha() and bare.isupper()


def fullest(forms: Iterable[str], counts: dict[str, int] | None = None) -> str:
    """The canonical form: most tokens, then most frequent, then longest, then alphabetical."""
    counts = counts or {}
    return min(forms, key=lambda f: (-len(f.split()), -counts.get(f, 0), -len(f), f))


def single_name_targets(token: str, full_names: Iterable[tuple[str, ...]]) -> set[tuple[str, ...]]:
    """Full names a single name can join: those having it as one of their tokens, exactly."""
    return {full for full in full_names if len(full) > 1 and token in full}
