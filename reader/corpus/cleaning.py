"""Separate a scraped page's story text from its page furniture.

Scraped news text has a shape: a header (menus, title, byline, date, photo captions, widgets), the
story's paragraphs (the first often opening with a dateline), and a footer (credits, comment
policy, "Recommended Stories" and whatever follows). The rules here read that shape: line
length and punctuation, bullets, position relative to the story, known furniture phrases from
`furniture.toml`, and lines repeated across many files of one source (`boilerplate`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

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


def boilerplate_key(line: str) -> str:
    """The form of a line used to count its repetition across the files of a source."""
    return " ".join(strip_bullet(line).casefold().split())


def _is_wrapped(lines: list[str]) -> bool:
    """Whether a block is one paragraph hard-wrapped at a fixed width (e-mail, SGML, Usenet)."""
    if len(lines) < 2:
        return False
    inner = [ln.strip() for ln in lines[:-1]]
    if max(len(ln) for ln in lines) > 100 or sum(map(len, inner)) / len(inner) < 40:
        return False
    open_ended = sum(1 for ln in inner if not ln.endswith(_TERMINAL))
    return open_ended * 2 >= len(inner)


def split_items(text: str) -> list[Item]:
    """Cut text into paragraph-sized items, keeping bullets with their indented continuation."""
    items: list[Item] = []
    block: list[str] = []

    def flush() -> None:
        if not block:
            return
        if _is_wrapped(block) and not any(_BULLET_LINE.match(ln) for ln in block):
            para: list[str] = []
            for ln in block:
                # In wrapped text an indented line starts a new paragraph.
                if para and ln[:1].isspace() and not block[0][:1].isspace():
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
    """A photo caption or photo credit, judged by its credit parenthetical or its opening."""
    if furn.caption_prefix_re.match(text) or _IMAGE_GLUED.match(text):
        return True
    return bool(furn.photo_credit_re.search(text)) and len(text.split()) >= 4


def is_byline_like(text: str) -> bool:
    """Header lines that carry a byline or a date stamp, whatever their length."""
    low = text.casefold()
    return low.startswith("by ") or " | " in text or bool(re.search(r"\bby [A-Z]{2,}\b", text))


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
    furn = furn or furniture()
    items = split_items(text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff"))
    layout = Layout()
    in_body = False
    skipping_card = False  # inside an "In this article:" style card of bullets
    for index, item in enumerate(items):
        line = item.text
        if boilerplate and boilerplate_key(line) in boilerplate:
            layout.removed.append(line)
            continue
        if in_body and furn.truncation_phrase(line):
            layout.removed.extend(it.text for it in items[index:])
            break
        if item.bullet and skipping_card:
            layout.removed.append(line)
            continue
        skipping_card = False
        phrase = furn.furniture_phrase(line)
        if phrase is not None:
            layout.removed.append(line)
            skipping_card = phrase.endswith(":")
            continue
        following = items[index + 1].text if index + 1 < len(items) else ""
        if is_caption(line, furn) or (
            # A header line followed by a bare photo credit ("Credit…Pool photo") is its caption.
            not in_body
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
            continue
        if in_body:
            if furn.is_credit_line(line):
                layout.credits.append(line)
            else:
                layout.body.append(line)
            continue
        # Header.
        if item.bullet or _is_navigation(line, furn):
            layout.removed.append(line)
            continue
        if layout.title_line is None and not has_title:
            layout.title_line = line
            continue
        if not is_byline_like(line) and (DATELINE_RE.match(line) or _is_prose(line)):
            in_body = True
            layout.body.append(line)
            continue
        layout.header.append(line)

    if not layout.body and layout.header:
        # No paragraph looked like story prose (a list, a poem, a stub): keep what there is.
        layout.body, layout.header = layout.header, []
    _trim_tail(layout, furn)
    return layout


def _credit_only(line: str) -> bool:
    """A bare photo credit ("Credit…Pool photo by X"), which belongs to the caption before it."""
    return len(line.split()) <= 12


def _trim_tail(layout: Layout, furn: Furniture) -> None:
    """Drop short unpunctuated lines (tags, share labels) and credits left at the story's end."""
    while layout.body:
        last = layout.body[-1]
        if furn.is_credit_line(last):
            layout.credits.insert(0, layout.body.pop())
        elif len(last.split()) <= 6 and not last.endswith(_TERMINAL):
            layout.removed.append(layout.body.pop())
        else:
            break
