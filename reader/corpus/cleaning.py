"""Separate a scraped page's story text from its page furniture.

Scraped news text has a shape: a header (menus, title, byline, date, photo captions, widgets), the
story's paragraphs (the first often opening with a dateline), and a footer (credits, comment
policy, "Recommended Stories" and whatever follows). The rules here read that shape: line
length and punctuation, bullets, position relative to the story, known furniture phrases from
`furniture.toml`, and lines repeated across many files of one source (`boilerplate`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from reader.corpus.dates import parse_date
from reader.corpus.furniture import Furniture, furniture, strip_bullet

_TERMINAL = (".", "!", "?", '"', "”", "’", "'", ")", "…", ":", ";")
_BULLET_LINE = re.compile(r"^\s*[•▪◦‣∙*]\s*\S|^\s*[-–]\s+\S")
_IMAGE_GLUED = re.compile(r"^(?:Image|Photo|Video)(?=[A-Z][a-z])")
DATELINE_RE = re.compile(
    r"^(?P<place>[A-Z][A-Z.'’\-]+(?:\s+[A-Z][A-Z.'’\-]+)*(?:,\s+[A-Z][A-Za-z.'’\-]+(?:\s+[A-Z][A-Za-z.'’\-]+)*)?)"
    r"(?:,\s+[A-Z][a-z]{2,8}\.?\s+\d{1,2})?"
    r"\s*(?:\((?P<agency>[A-Za-z][A-Za-z .\-]{0,40})\))?"
    r"\s*(?:—|–|--|-|:)\s*(?=\S)"
)


@dataclass(slots=True)
class Item:
    """One paragraph-sized piece of a page: a line, a bullet with its continuation, or a
    hard-wrapped paragraph joined back together."""

    text: str
    bullet: bool = False


@dataclass(slots=True)
class Layout:
    """The parts of a page, as found by `clean_text`."""

    title_line: str | None = None
    header: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    credits: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


COMMON_MARK = "\x1fcommon\x1f"
"""Prefixed to a boilerplate key when the line is in at least half of its source's files."""


def boilerplate_key(line: str) -> str:
    """The form of a line used to count its repetition across the files of a source."""
    return " ".join(strip_bullet(line).casefold().split())


def _is_wrapped(lines: list[str]) -> bool:
    """Whether a block is prose hard-wrapped at a fixed width (e-mail, SGML, Usenet copy).

    Wrapped lines run close to one width and sentences run on from one line into the next
    (a line that starts in lower case); a list of headlines has neither.
    """
    if len(lines) < 2:
        return False
    widest = max(len(ln.rstrip()) for ln in lines)
    inner = [ln.strip() for ln in lines[:-1]]
    full = sum(1 for ln in inner if len(ln) >= max(30, 0.6 * widest))
    if widest > 100 or full < 0.7 * len(inner):  # paragraph ends inside a block run short
        return False
    open_ended = sum(1 for ln in inner if not ln.endswith(_TERMINAL))
    runs_on = any(ln.strip()[:1].islower() for ln in lines[1:])
    return open_ended * 2 >= len(inner) and runs_on


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def split_items(text: str, keep_whole: Callable[[str], bool] | None = None) -> list[Item]:
    """Cut text into paragraph-sized items, keeping bullets with their indented continuation.

    Args:
        text: plain text.
        keep_whole: lines for which this is true are never joined with their neighbours (known
            furniture), so a wrapped-looking block that holds one stays line by line.
    """
    items: list[Item] = []
    block: list[str] = []

    def flush() -> None:
        if not block:
            return
        joinable = not any(_BULLET_LINE.match(ln) for ln in block) and not (
            keep_whole and any(keep_whole(ln) for ln in block)
        )
        if joinable and _is_wrapped(block):
            base = min(_indent(ln) for ln in block)
            para: list[str] = []
            for ln in block:
                # In wrapped text a line indented past the block's margin starts a paragraph.
                if para and _indent(ln) > base:
                    items.append(Item(" ".join(para)))
                    para = []
                para.append(ln.strip())
            items.append(Item(" ".join(para)))
        else:
            for ln in block:
                stripped = ln.strip()
                if _BULLET_LINE.match(ln):
                    items.append(Item(strip_bullet(ln), bullet=True))
                elif items and items[-1].bullet and ln[:1].isspace() and len(block) > 1:
                    items[-1].text += "\n" + stripped
                else:
                    items.append(Item(stripped))
        block.clear()

    for line in text.split("\n"):
        if line.strip():
            block.append(line.rstrip())
        else:
            flush()
    flush()
    return items


def _is_prose(text: str) -> bool:
    return len(text.split()) >= 6 and text.endswith(_TERMINAL) and any(c.islower() for c in text)


def _is_navigation(text: str, furn: Furniture) -> bool:
    """A menu bar: a run of capitalised words without sentence punctuation, naming sections."""
    words = text.replace("|", " ").split()
    if len(words) < 5 or any(ch in text for ch in '.,;:!?"“”—'):
        return False
    capitalised = sum(1 for w in words if w[:1].isupper() or not w[:1].isalpha())
    nav = sum(1 for w in words if w.strip("'’s").casefold() in furn.navigation_words)
    return capitalised >= 0.8 * len(words) and nav >= 3


def is_caption(text: str, furn: Furniture) -> bool:
    """A photo caption or photo credit, judged by its credit (a parenthetical naming a photo
    agency, or "Photograph: Name") or its opening."""
    if furn.caption_prefix_re.match(text) or _IMAGE_GLUED.match(text):
        return True
    if furn.caption_credit_re.search(text):
        return True
    return bool(furn.photo_credit_re.search(text)) and len(text.split()) >= 4


def is_byline_like(text: str) -> bool:
    """Header lines that carry a byline or a date stamp, whatever their length."""
    if len(text.split()) > 25:  # a paragraph that says "as seen by GOES-13" is prose
        return False
    low = text.casefold()
    return low.startswith("by ") or " | " in text or bool(re.search(r"\bby [A-Z]{2,}\b", text))


def _is_metadata_line(text: str) -> bool:
    """Bylines and date lines: they repeat across a site's files (one reporter, one day) and
    are still this article's metadata, never template."""
    return is_byline_like(text) or (len(text.split()) <= 12 and parse_date(text) is not None)


def _caption_text(text: str) -> str:
    return _IMAGE_GLUED.sub("", text).replace("\n", " ").strip()


def clean_text(
    text: str,
    *,
    has_title: bool = False,
    boilerplate: frozenset[str] = frozenset(),
    furn: Furniture | None = None,
) -> Layout:
    """Split scraped plain text into title, header lines, story paragraphs, captions, credits.

    Args:
        text: the page as plain text.
        has_title: the format already gave a title, so the first line need not be one.
        boilerplate: `boilerplate_key`s of lines repeated across many files of this source.
        furn: the furniture vocabulary (the shipped one by default).
    """
    page = _PageWalk(furn or furniture(), boilerplate, has_title)
    clean = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    page.walk(split_items(clean, keep_whole=page.known_furniture))
    layout = page.layout
    _place_header(layout, page.header, has_title)
    if not layout.body and (layout.header or page.set_aside):
        _keep_whole_page(layout, page.header, page.set_aside)
    _trim_tail(layout, page.furn, page.repeated)
    return layout


@dataclass(slots=True)
class _PageWalk:
    """`clean_text`'s reading of a page's items in order: each goes to the header, the story,
    the captions or the credits, or is removed as furniture; the story starts at its first
    paragraph and ends at the site's truncation phrase."""

    furn: Furniture
    boilerplate: frozenset[str]
    has_title: bool
    layout: Layout = field(default_factory=Layout)
    header: list[str] = field(default_factory=list)
    set_aside: list[tuple[int, str]] = field(default_factory=list)
    """Header bullets and menus, with their place in the header."""
    repeated: set[str] = field(default_factory=set)
    """Prose on most of a site's pages: template if it ends the page."""
    in_body: bool = False
    skipping_card: bool = False
    """Inside an "In this article:" style card of bullets."""

    def known_furniture(self, line: str) -> bool:
        return bool(
            self.furn.furniture_phrase(line)
            or self.furn.truncation_phrase(line)
            or (self.boilerplate and boilerplate_key(line) in self.boilerplate)
        )

    def walk(self, items: list[Item]) -> None:
        """Sends every item where it belongs, until the story's end removes the rest."""
        layout = self.layout
        for index, item in enumerate(items):
            line = item.text
            if self._template(line):
                continue
            if self.in_body and self.furn.truncation_phrase(line):
                if sum(len(p.split()) for p in layout.body) >= 50:
                    layout.removed.extend(it.text for it in items[index:])
                    break
                # Too early to be the story's end: one line of furniture.
                layout.removed.append(line)
                continue
            if self._furniture(item):
                continue
            following = items[index + 1].text if index + 1 < len(items) else ""
            if self._caption(item, following):
                continue
            if self.in_body:
                if self.furn.is_credit_line(line):
                    layout.credits.append(line)
                else:
                    layout.body.append(line)
                continue
            self._header_item(item)

    def _template(self, line: str) -> bool:
        """Removes a line repeated across the site's pages, when it is template here."""
        boilerplate = self.boilerplate
        key = boilerplate_key(line) if boilerplate else ""
        # The story's end is found before template lines are dropped: "Recommended Stories"
        # is on every page of a site, so it is also learned as a repeated line.
        if key in boilerplate and not (self.in_body and self.furn.truncation_phrase(line)):
            # Repeated lines are template in the header, but inside the story only when they
            # are not prose: versions of one wire story share whole paragraphs.
            if not (self.in_body and _is_prose(line)) and not _is_metadata_line(line):
                self.layout.removed.append(line)
                return True
            if COMMON_MARK + key in boilerplate:
                self.repeated.add(line)
        return False

    def _furniture(self, item: Item) -> bool:
        """Removes a known furniture line, and the bullets of a card it opens."""
        line = item.text
        if item.bullet and self.skipping_card:
            self.layout.removed.append(line)
            return True
        self.skipping_card = False
        phrase = self.furn.furniture_phrase(line, in_header=not self.in_body)
        if phrase is not None:
            self.layout.removed.append(line)
            self.skipping_card = phrase.endswith(":")
            return True
        return False

    def _caption(self, item: Item, following: str) -> bool:
        """Takes a photo caption (or the credit that ends the one before) to the captions."""
        line, furn, layout = item.text, self.furn, self.layout
        if is_caption(line, furn) or (
            # A header line followed by a bare photo credit ("Credit…Pool photo") is its caption.
            not self.in_body
            and not item.bullet
            and not is_byline_like(line)
            and furn.caption_prefix_re.match(following)
            and _credit_only(following)
        ):
            merged = _caption_text(line)
            if layout.captions and furn.caption_prefix_re.match(line) and _credit_only(line):
                layout.captions[-1] += " " + merged
            else:
                layout.captions.append(merged)
            return True
        return False

    def _header_item(self, item: Item) -> None:
        """A header line, set aside (bullets, menus), or the story's first paragraph."""
        line, layout = item.text, self.layout
        titled = self.has_title or any(_headline_shaped(h) for h in self.header)
        if item.bullet and titled and _is_prose(line):
            self.in_body = True  # a story that opens with a list (trafilatura's "- " items)
            layout.body.append(line)
            return
        if item.bullet or _is_navigation(line, self.furn):
            layout.removed.append(line)
            self.set_aside.append((len(self.header), line))
            return
        if not is_byline_like(line) and (DATELINE_RE.match(line) or (titled and _is_prose(line))):
            self.in_body = True
            layout.body.append(line)
            return
        self.header.append(line)


def _keep_whole_page(layout: Layout, header: list[str], set_aside: list[tuple[int, str]]) -> None:
    """No paragraph looked like story prose (a list, a poem, a stub): keep what there is,
    in page order, bullets and all."""
    lines = list(layout.header)
    offset = len(header) - len(layout.header)
    for position, line in reversed(set_aside):
        lines.insert(max(0, position - offset), line)
    layout.body, layout.header = lines, []


def _headline_shaped(line: str) -> bool:
    """Two words or more and not a byline: one-word lines above a headline are section
    labels and breadcrumbs ("World", "Europe")."""
    return len(line.split()) >= 2 and not is_byline_like(line)


def _place_header(layout: Layout, header: list[str], has_title: bool) -> None:
    """The title is the first headline-shaped header line; short lines above it are dropped."""
    if has_title or not header:
        layout.header = header
        return
    first = next((i for i, h in enumerate(header) if _headline_shaped(h)), 0)
    layout.removed.extend(header[:first])
    layout.title_line = header[first]
    layout.header = header[first + 1 :]


def _credit_only(line: str) -> bool:
    """A bare photo credit ("Credit…Pool photo by X"), which belongs to the caption before it."""
    return len(line.split()) <= 12


def _trim_tail(layout: Layout, furn: Furniture, repeated: set[str]) -> None:
    """Drop the page's footer left after the story: a few short lines after the closing
    credit line, tags and share labels, and credits themselves (kept apart)."""
    body = layout.body
    last_credit = next(
        (i for i in range(len(body) - 1, -1, -1) if furn.is_credit_line(body[i])), None
    )
    if last_credit is not None:
        after = body[last_credit + 1 :]
        if len(after) <= 3 and all(len(p.split()) <= 25 for p in after):
            layout.removed.extend(after)
            del body[last_credit + 1 :]
    prose = any(_is_prose(p) for p in body)  # a results table has no prose: keep it whole
    while body:
        last = body[-1]
        words = len(last.split())
        if furn.is_credit_line(last):
            layout.credits.insert(0, body.pop())
        elif prose and (
            words <= 3 or (words <= 6 and not last.endswith(_TERMINAL)) or last in repeated
        ):
            layout.removed.append(body.pop())
        else:
            break
