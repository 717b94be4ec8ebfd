"""The shipped list of well-known places and organisations, and a fast matcher over it.

The list is built by `scripts/build_gazetteer.py`; entries are matched on whole tokens and
case-sensitively (a capitalised "Nice" is the city, "nice" is not).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources

TOKEN_RE = re.compile(r"\w+|[^\w\s]")
"""Words and single punctuation marks: `U.S.` is four tokens, so is `Moscow.` two."""


@dataclass(frozen=True, slots=True)
class GazetteerEntry:
    type: str
    canonical: str
    strong: bool
    """Strong entries relabel a model's span; weak ones only fill gaps."""


class Gazetteer:
    """Surface form -> entry, with a token trie for longest-match scanning."""

    def __init__(
        self,
        entries: dict[str, list[str]],
        countries: list[str] | None = None,
        first_names: list[str] | None = None,
    ) -> None:
        self.countries = frozenset(countries or ())
        """Countries (and the home nations): in sport they stand for national teams, which stay
        places; a city standing for its club is an organisation."""
        self.first_names = frozenset(first_names or ())
        """Given names (not places): `Philip Cocu` is a person whatever the model says."""
        self.entries: dict[str, GazetteerEntry] = {
            surface: GazetteerEntry(kind, canonical, strength == "strong")
            for surface, (kind, canonical, strength) in entries.items()
        }
        self._by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for surface in self.entries:
            tokens = tuple(TOKEN_RE.findall(surface))
            if tokens:
                self._by_first.setdefault(tokens[0], []).append((tokens, surface))
        for options in self._by_first.values():
            options.sort(key=lambda item: -len(item[0]))

    @cached_property
    def demonyms(self) -> frozenset[str]:
        """Words for the people of a country, derived from its name by the usual English
        endings (`Rwandan`, `Nepali`, `Slovak`, `Sri Lankans`): nationalities are not names of
        people, places or organisations. Forms no one writes are harmless: only exact words
        are looked up."""
        forms: set[str] = set()
        for country in self.countries:
            if not country[:1].isupper() or "." in country:
                continue
            stems = {country, country[:-1]}
            if country.endswith("ia"):
                stems.add(country[:-2])
            for stem in stems:
                for ending in ("n", "an", "ian", "i", "ese", "ish", ""):
                    form = stem + ending
                    if form != country and len(form) > 3:
                        forms.update((form, form + "s"))
        return frozenset(forms - set(self.entries))

    def get(self, text: str) -> GazetteerEntry | None:
        return self.entries.get(text) or self.entries.get(text.replace("’", "'"))

    def canonical(self, text: str) -> str | None:
        entry = self.entries.get(text)
        return entry.canonical if entry else None

    def scan(self, text: str) -> list[tuple[int, int, GazetteerEntry]]:
        """Longest, leftmost, non-overlapping matches as (start, end, entry)."""
        tokens = [(m.group(), m.start(), m.end()) for m in TOKEN_RE.finditer(text)]
        words = [t[0] for t in tokens]
        found: list[tuple[int, int, GazetteerEntry]] = []
        i = 0
        while i < len(tokens):
            options = self._by_first.get(words[i])
            matched = 0
            if options:
                for option, surface in options:
                    n = len(option)
                    if tuple(words[i : i + n]) == option and _spaced_like(
                        text, tokens, i, n, surface
                    ):
                        found.append((tokens[i][1], tokens[i + n - 1][2], self.entries[surface]))
                        matched = n
                        break
            i += matched or 1
        return found


def _spaced_like(
    text: str, tokens: list[tuple[str, int, int]], i: int, n: int, surface: str
) -> bool:
    """Tokens must be written as in the entry ("U.S." and not "U. S."), bar runs of spaces."""
    written = text[tokens[i][1] : tokens[i + n - 1][2]]
    return " ".join(written.split()) == surface


@cache
def load_gazetteer() -> Gazetteer:
    data = json.loads(
        resources.files("reader.entities").joinpath("gazetteer.json").read_text("utf-8")
    )
    entries: dict[str, list[str]] = {}
    for group, items in data["entries"].items():
        kind, strength = group.split()
        for item in items:
            surface, _, canonical = item.partition("=")
            entries[surface] = [kind, canonical or surface, strength]
    return Gazetteer(entries, data.get("countries"), data.get("first_names"))
