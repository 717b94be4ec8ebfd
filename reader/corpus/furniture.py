"""The vocabulary of page furniture, read from `furniture.toml` so that phrases live in data."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

BULLETS = "•·▪◦‣∙*-–"
_BULLET_RE = re.compile(rf"^\s*[{re.escape(BULLETS)}]\s+")


def strip_bullet(line: str) -> str:
    """The line without a leading list bullet and surrounding whitespace."""
    return _BULLET_RE.sub("", line).strip()


@dataclass(frozen=True)
class Furniture:
    """Compiled matchers for the kinds of furniture line the cleaner recognises."""

    line_prefixes: tuple[str, ...]
    line_contains: tuple[str, ...]
    truncate_after: tuple[str, ...]
    # The same phrases case-folded once: the cleaner asks about every line of every page.
    folded_prefixes: tuple[str, ...]
    folded_contains: tuple[str, ...]
    folded_truncate: tuple[str, ...]
    navigation_words: frozenset[str]
    counter_re: re.Pattern[str]
    credit_res: tuple[re.Pattern[str], ...]
    photo_credit_re: re.Pattern[str]
    caption_prefix_re: re.Pattern[str]
    caption_credit_re: re.Pattern[str]
    agencies: dict[str, str]  # upper-case alias -> canonical name

    def furniture_phrase(self, line: str, *, in_header: bool = False) -> str | None:
        """The known furniture phrase this line starts with, if the line is that furniture.

        Short phrases ("Sign in") are furniture on short lines only, since a story paragraph
        may begin with the same words; before the story starts any length goes (a cookie
        banner is long), and long specific phrases begin whole paragraphs of furniture.
        """
        text = strip_bullet(line).lstrip("·•").strip()
        low = text.casefold()
        words = len(text.split())
        if low.startswith(self.folded_prefixes):
            for phrase, folded in zip(self.line_prefixes, self.folded_prefixes, strict=True):
                if low.startswith(folded) and (
                    in_header or words <= 15 or len(phrase.split()) >= 4
                ):
                    return phrase
        if words <= 25:
            for phrase, folded in zip(self.line_contains, self.folded_contains, strict=True):
                if folded in low:
                    return phrase
        if self.counter_re.match(text):
            return text
        return None

    def truncation_phrase(self, line: str) -> str | None:
        """The phrase if this line opens the after-story part of a page ("Recommended Stories")."""
        text = strip_bullet(line)
        low = text.casefold()
        if not low.startswith(self.folded_truncate):
            return None
        for phrase, folded in zip(self.truncate_after, self.folded_truncate, strict=True):
            if not low.startswith(folded):
                continue
            if phrase.endswith(":"):
                return phrase
            words = len(text.split())
            if words <= 8 and not text.endswith((".", "?", "!", "”", '"')):
                return phrase
        return None

    def is_credit_line(self, line: str) -> bool:
        text = line.strip()
        return any(r.search(text) for r in self.credit_res)

    def agency(self, name: str) -> str | None:
        """The canonical name of a news agency, from any of its written forms."""
        key = " ".join(name.replace(".", "").split()).upper()
        return self.agencies.get(key) or (
            self.agencies.get(key[4:]) if key.startswith("THE ") else None
        )


@cache
def furniture() -> Furniture:
    """The shipped furniture vocabulary (parsed once per process)."""
    data = tomllib.loads(
        resources.files("reader.corpus").joinpath("furniture.toml").read_text("utf-8")
    )
    units = "|".join(re.escape(u) for u in data["counter_units"])
    agencies: dict[str, str] = {}
    for canonical, aliases in data["agencies"].items():
        agencies[canonical.upper()] = canonical
        for alias in aliases:
            agencies[alias.upper()] = canonical
    credit_words = "|".join(re.escape(w) for w in data["photo_credit_words"])
    prefixes = tuple(sorted(data["line_prefixes"], key=len, reverse=True))
    contains = tuple(data["line_contains"])
    truncate = tuple(sorted(data["truncate_after"], key=len, reverse=True))
    return Furniture(
        line_prefixes=prefixes,
        line_contains=contains,
        truncate_after=truncate,
        folded_prefixes=tuple(p.casefold() for p in prefixes),
        folded_contains=tuple(p.casefold() for p in contains),
        folded_truncate=tuple(p.casefold() for p in truncate),
        navigation_words=frozenset(w.casefold() for w in data["navigation_words"]),
        counter_re=re.compile(rf"^[·•]?\s*\d[\d,.]*\s*(?:{units})$", re.IGNORECASE),
        credit_res=tuple(re.compile(p) for p in data["credit_patterns"]),
        # One or more parentheticals at the end of a line, the last naming a photo source.
        photo_credit_re=re.compile(rf"\([^()]*(?:{credit_words})[^()]*\)(?:\s*\([^()]*\))*\s*$"),
        caption_prefix_re=re.compile(
            "^(?:" + "|".join(re.escape(p) for p in data["caption_prefixes"]) + ")"
        ),
        caption_credit_re=re.compile(
            r"[.!?”\"]\s+(?:"
            + "|".join(re.escape(w) for w in data["caption_credit_labels"])
            + r"):\s*\S[^.!?]{0,80}$"
        ),
        agencies=agencies,
    )
