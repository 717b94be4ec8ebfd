"""Read document files (PDF, DOCX, ODT, RTF) into one `SourceText` each.

A document file is one article. Its text comes back with paragraphs a blank line apart, and
the metadata the file itself carries (title, author, creation date) as hints. Document files
come from anywhere, so every reader treats its input as hostile: each failure, whatever the
file holds, is a `RecordError` with a reason a person can act on, and nothing may run
unbounded (zip bombs, entity expansion, endless PDF page trees).

DOCX and ODT are read with the standard library's `zipfile` and `defusedxml`: one guarded way
into both zip formats (declared sizes, compression ratio and a hard cap on what is inflated),
and one XML parser that refuses entity declarations. python-docx inflates every part of the
package whole, with no limit, parses with lxml (entities left unresolved, not refused), and
its `Paragraph.text` drops text inside tracked insertions, content controls and smart tags.
python-docx still writes the DOCX files the tests read.

RTF is read by the small reader below rather than striprtf: striprtf's hyperlink regex is
quadratic on the long single-line RTF that exporters write (2,000 fields in 96 KB took 1.6 s,
so 5 MB would take an hour), it walks the file a character at a time (4 s for 7 MB), it keeps
hidden text, and it returns `\\u` surrogate pairs (emoji) as lone surrogates that cannot be
encoded later. This one reads a token at a time, text runs whole (7 MB in 0.5 s).
"""

from __future__ import annotations

import codecs
import io
import itertools
import logging
import math
import re
import time
import unicodedata
import warnings
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from reader.corpus.formats import RecordError
from reader.corpus.model import SourceText

__all__ = ["read_docx", "read_odt", "read_pdf", "read_rtf"]

# pypdf reports damaged files through the `logging` module. A handler on its logger keeps
# those reports off the terminal when the application has set up no logging; when it has,
# they still reach its handlers.
logging.getLogger("pypdf").addHandler(logging.NullHandler())

MAX_PDF_PAGES = 2000
"""Pages read from one PDF: no article is longer, and each page costs time."""
PDF_TIME_LIMIT = 60.0
"""Seconds one PDF may take, checked between pages: a file this slow is not an article (a
page can take pypdf 8 s before its limit of tokens per content stream stops it)."""
MAX_PART_BYTES = 64 * 1024**2
"""The most one XML part of a DOCX or ODT may inflate to (a long book's is under 20 MB)."""
MAX_ZIP_RATIO = 200
"""Above this compression ratio a large part is taken for a bomb (office XML is 5-20:1)."""
RATIO_CHECK_BYTES = 2 * 1024**2
"""Parts smaller than this are read whatever their ratio: a small part cannot be a bomb."""
MAX_ZIP_TOTAL_BYTES = 1024**3
"""The declared size of all a zip's entries together: more is a bomb, not a document."""
MAX_ZIP_ENTRIES = 20_000
MAX_RTF_DEPTH = 2000
"""RTF group nesting: real files stay under 20 levels."""
MAX_FRAGMENTS_PER_PAGE = 200_000
"""Text pieces on one PDF page before its layout is no longer worked out (read in order)."""

# ----------------------------------------------------------------------------------------
# Shared: normalising text and building the SourceText


_LIGATURES = str.maketrans(
    {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}
)
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\ufffe\uffff\u200b]")
_SPACE_RUN = re.compile(r"[ \t\u2000-\u200a\u3000]+")


def _clean_paragraph(text: str) -> str:
    """One paragraph as it is shown: ligatures spelled out, tabs and space runs one space."""
    text = text.translate(_LIGATURES).replace("\r", "\n").replace("\u2028", "\n")
    text = text.replace("\u2029", "\n").replace("\u2011", "-")
    text = _CONTROL_CHARS.sub("", text.replace("\t", " ").replace("\x0c", "\n"))
    lines = (_SPACE_RUN.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


_JUNK_TITLE = re.compile(
    r"^(microsoft (word|powerpoint|excel|publisher) - |untitled\b|document\s*\d*$"
    r"|slide \d+$|title$|new document\b)"
    r"|\.(docx?|docm|dotx?|pdf|odt|rtf|txt|indd|qxd|qxp|pages|html?|ps|eps|tmp|wpd)$",
    re.IGNORECASE,
)
_JUNK_AUTHORS = frozenset(
    {
        "python-docx",
        "administrator",
        "admin",
        "user",
        "owner",
        "unknown",
        "author",
        "windows user",
        "microsoft office user",
    }
)


def _meta_text(value: Any) -> str | None:
    """A metadata value as one clean line, or None when it is empty."""
    if value is None:
        return None
    text = " ".join(_CONTROL_CHARS.sub("", str(value)).split())
    return text or None


def _document_hints(title: str | None, byline: str | None, date: str | None) -> dict[str, Any]:
    """The hints a document's own metadata gives, less the placeholders writers leave there.

    "Microsoft Word - story.docx" or "Untitled" as a title, or "python-docx" as the author,
    say nothing about the article and would win over what the cleaner finds in the text. The
    file's creation date is `created`, never the article's `date`.
    """
    hints: dict[str, Any] = {}
    title = _meta_text(title)
    if title and not _JUNK_TITLE.search(title) and any(c.isalpha() for c in title):
        hints["title"] = title
    byline = _meta_text(byline)
    if byline and byline.casefold() not in _JUNK_AUTHORS:
        hints["byline"] = byline
    date = _meta_text(date)
    if date:
        # When the file was made (a conversion, a print to PDF), not when the story ran: kept
        # apart so that it never wins over the date the text gives.
        hints["created"] = date
    return hints


def _source(
    doc_id: str,
    path: str,
    fmt: str,
    paragraphs: list[str],
    hints: dict[str, Any],
    *,
    raw: str | None = None,
) -> SourceText:
    """The one article of a document: a first paragraph equal to the metadata title goes."""
    paras = [p for p in (_clean_paragraph(p) for p in paragraphs) if p]
    if not paras:
        raise RecordError(f"no text in this {fmt.upper()} document")
    full = "\n\n".join(paras)
    title = hints.get("title")
    if title and _fold(paras[0]) == _fold(title):
        paras = paras[1:]
    text = "\n\n".join(paras) if paras else full
    return SourceText(id=doc_id, path=path, format=fmt, text=text, raw=raw or full, hints=hints)


def _short(exc: BaseException) -> str:
    message = " ".join(str(exc).split()) or type(exc).__name__
    return message if len(message) <= 160 else message[:157] + "…"


class _DamagedPart(RecordError):
    """A zip part that cannot be inflated or parsed: fatal for the text, not for metadata."""


def _guarded(kind: str, read: Callable[[], SourceText]) -> SourceText:
    """Run one reader with library warnings silenced and every failure a `RecordError`.

    Parsers of hostile files fail in many ways (pypdf alone raises dozens of exception
    types; deep nesting can exhaust the stack): the import shows each as the file's problem.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return read()
    except _DamagedPart as exc:
        raise RecordError(str(exc)) from None
    except RecordError:
        raise
    except RecursionError:
        raise RecordError(f"damaged {kind} file (nested too deeply to read)") from None
    except MemoryError:
        raise RecordError(f"{kind} file too large to read in memory") from None
    except Exception as exc:
        raise RecordError(f"damaged {kind} file ({type(exc).__name__}: {_short(exc)})") from None


_A_KIND = {"DOCX": "a DOCX", "ODT": "an ODT", "PDF": "a PDF", "RTF": "an RTF"}


def _not_empty(data: bytes) -> None:
    if not data.strip():
        raise RecordError("empty file")


# ----------------------------------------------------------------------------------------
# PDF


@dataclass(slots=True)
class _Fragment:
    """A run of text pypdf reported at one position: its start, estimated end and size."""

    x: float
    y: float
    end: float
    size: float
    text: str
    space_before: bool


@dataclass(slots=True)
class _Row:
    y: float
    size: float
    fragments: list[_Fragment] = field(default_factory=list)


@dataclass(slots=True)
class _Line:
    """One line of one column: its text, where it starts and ends, and its font size."""

    text: str
    x: float
    end: float
    y: float
    size: float


_CJK_START = 0x2E80
_STANDARD_WIDTHS = (("courier", 0.6), ("times", 0.45), ("helvetica", 0.5), ("arial", 0.5))
_SIMPLE_ENCODINGS = {"/WinAnsiEncoding": "cp1252", "/MacRomanEncoding": "mac_roman"}


def _number(value: Any) -> float:
    return float(value.get_object() if hasattr(value, "get_object") else value)


_AVERAGE_BIAS = 0.85
"""An average glyph width overstates text, which is mostly narrow lower-case letters; an
estimate short of the truth only widens gutters, one past it could close them."""


class _FontWidths:
    """Estimated glyph widths of one font, in text space units per unit of font size.

    Exact for simple fonts with a standard encoding (codes are then known from the text);
    the average width of the font's glyphs otherwise (subset and CID fonts number their
    glyphs their own way). Good enough to tell a gutter from a word space.
    """

    def __init__(self, font: Any) -> None:
        self.widths: dict[int, float] = {}
        self.codec: str | None = None
        self.average = 0.5
        self.space = 0.28
        self.wide = 1.0
        try:
            self._load(font)
        except Exception:  # a damaged font dictionary: keep the defaults
            self.widths, self.codec = {}, None

    def _load(self, font: Any) -> None:
        if font is None or not hasattr(font, "get"):
            return
        name = str(font.get("/BaseFont", "")).casefold()
        for family, width in _STANDARD_WIDTHS:
            if family in name:
                self.average = width
                self.space = min(width, self.space) if family != "courier" else width
        if font.get("/Subtype") == "/Type0":
            self._load_cid(font)
            return
        if font.get("/Subtype") == "/Type3":
            return
        widths = font.get("/Widths")
        if widths is None:
            return
        widths = widths.get_object()
        first = int(_number(font.get("/FirstChar", 0)))
        values = [_number(w) / 1000 for w in list(widths)[:4096]]
        nonzero = [w for w in values if w > 0]
        if nonzero:
            self.average = sum(nonzero) / len(nonzero)
        encoding = font.get("/Encoding")
        if encoding is not None:
            encoding = encoding.get_object()
            if hasattr(encoding, "get"):
                encoding = encoding.get("/BaseEncoding")
        self.codec = _SIMPLE_ENCODINGS.get(str(encoding)) if encoding is not None else None
        if self.codec:
            self.widths = {first + i: w for i, w in enumerate(values) if w > 0}
            self.space = self.widths.get(32, self.space)

    def _load_cid(self, font: Any) -> None:
        descendants = font.get("/DescendantFonts")
        if descendants is None:
            return
        descendant = descendants.get_object()[0].get_object()
        self.wide = _number(descendant.get("/DW", 1000)) / 1000
        spec = descendant.get("/W")
        if spec is None:
            return
        values: list[float] = []
        items = list(spec.get_object())[:20_000]
        i = 0
        while i < len(items) - 1:
            second = items[i + 1].get_object()
            if isinstance(second, list):
                values.extend(_number(w) for w in second)
                i += 2
            else:
                if i + 2 < len(items):
                    values.append(_number(items[i + 2]))
                i += 3
        nonzero = [w / 1000 for w in values if w > 0]
        if nonzero:
            self.average = sum(nonzero) / len(nonzero)

    def width(self, text: str) -> float:
        total = 0.0
        for char in text:
            if char == " ":
                total += self.space
                continue
            if ord(char) >= _CJK_START:
                total += self.wide
                continue
            if self.codec:
                try:
                    code = char.encode(self.codec)
                except UnicodeEncodeError:
                    code = b""
                if len(code) == 1 and code[0] in self.widths:
                    total += self.widths[code[0]]
                    continue
            total += self.average * _AVERAGE_BIAS
        return total


def _pdf_fragments(page: Any) -> tuple[str, list[_Fragment], int]:
    """A page's text in content-stream order, its upright fragments, and the count of
    characters in text that is not upright (rotated or mirrored)."""
    fragments: list[_Fragment] = []
    fonts: dict[int, tuple[Any, _FontWidths]] = {}  # the font kept so its id stays its own
    other = 0

    def visit(text: Any, cm: Any, tm: Any, font: Any, font_size: Any) -> None:
        nonlocal other
        if not isinstance(text, str) or not text.strip() or len(fragments) > MAX_FRAGMENTS_PER_PAGE:
            return
        try:
            a1, b1, c1, d1, e1, f1 = (float(v) for v in tm)
            a2, b2, c2, d2, e2, f2 = (float(v) for v in cm)
            size = float(font_size)
        except (TypeError, ValueError):
            return
        a, b = a1 * a2 + b1 * c2, a1 * b2 + b1 * d2
        c, d = c1 * a2 + d1 * c2, c1 * b2 + d1 * d2
        x, y = e1 * a2 + f1 * c2 + e2, e1 * b2 + f1 * d2 + f2
        if not (a > 0 and d > 0 and abs(b) <= 0.1 * a and abs(c) <= 0.1 * d):
            other += len(text.strip())
            return
        h_scale, v_size = size * math.hypot(a, b), size * math.hypot(c, d)
        if not (math.isfinite(x) and math.isfinite(y) and v_size > 0 and h_scale > 0):
            return
        known = fonts.get(id(font))
        if known is None:
            known = fonts[id(font)] = (font, _FontWidths(font))
        metrics = known[1]
        for n, piece in enumerate(text.split("\n")):
            body = piece.strip()
            if not body:
                continue
            fragments.append(
                _Fragment(
                    x=x,
                    y=y - n * 1.2 * v_size,  # a line pypdf joined on: below the first
                    end=x + metrics.width(body) * h_scale,
                    size=v_size,
                    text=body,
                    space_before=piece[:1].isspace(),
                )
            )

    plain = page.extract_text(visitor_text=visit)
    return plain if isinstance(plain, str) else "", fragments, other


def _rows(fragments: list[_Fragment]) -> list[_Row]:
    """Fragments grouped into rows by baseline, top of the page first, each left to right."""
    rows: list[_Row] = []
    for fragment in sorted(fragments, key=lambda f: -f.y):
        row = rows[-1] if rows else None
        if row is not None and abs(row.y - fragment.y) <= 0.45 * min(row.size, fragment.size):
            row.fragments.append(fragment)
            row.size = max(row.size, fragment.size)
        else:
            rows.append(_Row(y=fragment.y, size=fragment.size, fragments=[fragment]))
    for row in rows:
        row.fragments.sort(key=lambda f: f.x)
    return rows


def _column_edges(rows: list[_Row]) -> list[float]:
    """Left edges of the columns after the first, from where text covers the page across.

    A gutter is a vertical band that much less text crosses than the text on either side
    of it: only rows spanning the columns (headlines, full-width paragraphs) do. Found
    from coverage, not from rows holding both columns, it holds when the columns' baselines
    do not line up. None on a single-column page.
    """
    fragments = [f for row in rows for f in row.fragments]
    if len(rows) < 6:
        return []
    left = min(f.x for f in fragments)
    width = max(f.end for f in fragments) - left
    if width <= 0:
        return []
    step = max(1.0, width / 3000)
    bins = int(width / step) + 2
    diff = [0] * (bins + 1)
    for frag in fragments:
        diff[max(0, int((frag.x - left) / step))] += 1
        diff[min(bins, int((frag.end - left) / step) + 1)] -= 1
    cover: list[int] = []
    running = 0
    for delta in diff[:bins]:
        running += delta
        cover.append(running)
    left_peak, right_peak = cover[:], cover[:]
    for i in range(1, bins):
        left_peak[i] = max(left_peak[i - 1], cover[i])
    for i in range(bins - 2, -1, -1):
        right_peak[i] = max(right_peak[i + 1], cover[i])
    sizes = sorted(f.size for f in fragments)
    min_gutter = max(3.0, 0.4 * sizes[len(sizes) // 2]) / step
    gutters: list[tuple[float, float]] = []
    run_start: int | None = None
    for i in range(bins):
        peak = min(left_peak[i], right_peak[i])
        if peak >= 3 and cover[i] <= 0.4 * peak:
            if run_start is None:
                run_start = i
            continue
        if run_start is not None and i - run_start >= min_gutter:
            gutters.append((left + run_start * step, left + i * step))
        run_start = None
    # A column is many words wide: a band of list bullets or line numbers is not one.
    min_column = 8 * sizes[len(sizes) // 2]
    right = left + width
    changed = True
    while changed and gutters:
        changed = False
        bounds = [left, *(g for gutter in gutters for g in gutter), right]
        for n in range(len(gutters)):
            before = bounds[2 * n + 1] - bounds[2 * n]
            after = bounds[2 * n + 3] - bounds[2 * n + 2]
            if before < min_column or after < min_column:
                del gutters[n]
                changed = True
                break
    # Many gutters are a table or glyphs set one by one, not columns.
    return [end for _start, end in gutters] if len(gutters) <= 5 else []


def _crosses(fragment: _Fragment, edge: float) -> bool:
    """Whether a fragment runs on well past a column edge (a headline across columns)."""
    if fragment.x >= edge - 2.0:
        return False
    over = fragment.end - edge
    return over > 0.15 * (fragment.end - fragment.x) + fragment.size


def _row_line(fragments: list[_Fragment]) -> _Line:
    parts: list[str] = []
    prev: _Fragment | None = None
    for frag in fragments:
        if prev is not None and (
            frag.space_before or frag.x - prev.end > 0.25 * min(frag.size, prev.size)
        ):
            parts.append(" ")
        parts.append(frag.text)
        prev = frag
    return _Line(
        text="".join(parts),
        x=fragments[0].x,
        end=max(f.end for f in fragments),
        y=fragments[0].y,
        size=max(f.size for f in fragments),
    )


def _page_flows(rows: list[_Row]) -> list[list[_Line]]:
    """A page as runs of lines in reading order: each column of a multi-column block top
    to bottom, left column first; rows that cross a gutter (headlines, full-width text)
    end the block above them and form runs of their own."""
    edges = _column_edges(rows)
    if not edges:
        return [[_row_line(row.fragments) for row in rows]]
    flows: list[list[_Line]] = []
    block: list[list[list[_Fragment]]] = []
    spanning: list[_Line] = []

    def close_block() -> None:
        for column in range(len(edges) + 1):
            lines = [_row_line(cells[column]) for cells in block if cells[column]]
            if lines:
                flows.append(lines)
        block.clear()

    for row in rows:
        if any(_crosses(f, edge) for f in row.fragments for edge in edges):
            close_block()
            spanning.append(_row_line(row.fragments))
            continue
        if spanning:
            flows.append(spanning)
            spanning = []
        cells: list[list[_Fragment]] = [[] for _ in range(len(edges) + 1)]
        for frag in row.fragments:
            column = sum(1 for edge in edges if frag.x >= edge - 2.0)
            cells[column].append(frag)
        block.append(cells)
    close_block()
    if spanning:
        flows.append(spanning)
    return flows


_SENTENCE_END = re.compile(r"[.!?:;\"”’'»)]$")
_LIST_MARK = re.compile(r"^([•▪◦‣●■\-–—*]|\(?\d{1,3}[.)]|\(?[a-z][.)])\s")


def _flow_paragraphs(lines: list[_Line]) -> list[str]:
    """Lines of one column joined into paragraphs.

    A paragraph ends at a wider gap than the usual line spacing, a change of font size,
    an indented next line, or a short line ending a sentence.
    """
    if not lines:
        return []
    # Line spacing as a multiple of the font size: a headline's lines stand further apart
    # than the body's, in proportion.
    ratios = sorted(
        (prev.y - line.y) / prev.size
        for prev, line in itertools.pairwise(lines)
        if prev.y > line.y and abs(prev.size - line.size) < 0.15 * prev.size
    )
    spacing = ratios[len(ratios) // 2] if ratios else 1.2
    left = min(line.x for line in lines)
    right = max(line.end for line in lines)
    paragraphs: list[list[str]] = [[lines[0].text]]
    for n in range(1, len(lines)):
        prev, line = lines[n - 1], lines[n]
        after = lines[n + 1] if n + 1 < len(lines) else None
        gap = prev.y - line.y
        usual = spacing * prev.size
        # A first-line indent, not a hanging one (list items' following lines).
        indented = (
            line.x > prev.x + 0.8 * line.size
            and not _LIST_MARK.match(prev.text)
            and (after is None or after.x < line.x - 0.5 * line.size)
        )
        new = (
            gap > 1.25 * usual + 0.1
            or gap < 0
            or abs(line.size - prev.size) > 0.15 * max(line.size, prev.size)
            or indented
            or (
                prev.end < right - 0.25 * (right - left)
                and _SENTENCE_END.search(prev.text) is not None
            )
        )
        if new:
            paragraphs.append([line.text])
        else:
            paragraphs[-1].append(line.text)
    return [_join_lines(p) for p in paragraphs]


_HYPHENATED = re.compile(r"(?<=[^\W\d_])[-\u00ad]$")


def _join_lines(lines: list[str]) -> str:
    """Lines of a paragraph as one, with words hyphenated across a line end made whole."""
    out = lines[0]
    for line in lines[1:]:
        if _HYPHENATED.search(out) and line[:1].islower():
            out = out[:-1] + line
        else:
            out = out.rstrip("\u00ad") + " " + line
    return out


def _plain_paragraphs(text: str) -> list[str]:
    """Paragraphs from pypdf's stream-order text, for pages whose layout cannot be read."""
    lines = [line.strip() for line in text.splitlines()]
    longest = max((len(line) for line in lines), default=0)
    paragraphs: list[list[str]] = [[]]
    for line in lines:
        if not line:
            if paragraphs[-1]:
                paragraphs.append([])
            continue
        paragraphs[-1].append(line)
        if len(line) < 0.7 * longest and _SENTENCE_END.search(line):
            paragraphs.append([])
    return [_join_lines(p) for p in paragraphs if p]


def _continues(prev: str, nxt: str) -> bool:
    """A paragraph cut by a column or page end: no sentence end, next starts lower case."""
    return (
        bool(prev)
        and (prev[-1].isalpha() or prev.endswith((",", "-", "\u00ad")))
        and nxt[:1].islower()
    )


def _append_paragraphs(paragraphs: list[str], more: list[str]) -> None:
    """Add a column's or page's paragraphs, joining the first to a paragraph it continues."""
    if more and paragraphs and _continues(paragraphs[-1], more[0]):
        paragraphs[-1] = _join_lines([paragraphs[-1], more[0]])
        more = more[1:]
    paragraphs.extend(more)


def _page_paragraphs(page: Any) -> tuple[list[str], str]:
    """One page's paragraphs in reading order, and its lines as extracted (the raw text)."""
    plain, fragments, other = _pdf_fragments(page)
    upright = sum(len(f.text) for f in fragments)
    plain_chars = len("".join(plain.split()))
    if (
        len(fragments) > MAX_FRAGMENTS_PER_PAGE
        or other > upright
        or upright < 0.9 * (plain_chars - other)
    ):
        # Mostly rotated text, or pieces the positions missed: keep pypdf's own order.
        return _plain_paragraphs(plain), plain
    flows = _page_flows(_rows(fragments))
    paragraphs: list[str] = []
    raw_lines: list[str] = []
    for flow in flows:
        raw_lines.extend(line.text for line in flow)
        raw_lines.append("")
        _append_paragraphs(paragraphs, _flow_paragraphs(flow))
    return paragraphs, "\n".join(raw_lines).strip()


_PDF_DATE = re.compile(r"^(?:D:)?(\d{4})(\d{2})?(\d{2})?")


def _pdf_date(value: Any) -> str | None:
    """A PDF date ("D:20240305120000Z") as an ISO date, or None when it is not one."""
    if value is None:
        return None
    match = _PDF_DATE.match(str(value).strip())
    if not match:
        return None
    year, month, day = match.group(1), match.group(2) or "01", match.group(3) or "01"
    if not (1900 <= int(year) <= 2200 and 1 <= int(month) <= 12 and 1 <= int(day) <= 31):
        return None
    if not match.group(2):
        return year
    return f"{year}-{month}-{day}" if match.group(3) else f"{year}-{month}"


def _no_text_reason(paragraphs: list[str]) -> str | None:
    """Why extracted text is no text: nothing at all, or glyph codes without a Unicode map."""
    text = "".join("".join(paragraphs).split())
    if not any(ch.isalnum() for ch in text):
        return "no text layer — scanned?"
    unreadable = sum(
        1 for ch in text if ch == "\ufffd" or unicodedata.category(ch) in ("Co", "Cc", "Cs")
    )
    if unreadable > 0.3 * len(text):
        return "its text cannot be decoded (fonts without a Unicode map)"
    return None


def _read_pdf(doc_id: str, path: str, data: bytes) -> SourceText:
    from pypdf import PasswordType, PdfReader
    from pypdf.errors import DependencyError, EmptyFileError, FileNotDecryptedError

    _not_empty(data)
    if b"%PDF-" not in data[:1024]:
        raise RecordError("not a PDF file (no %PDF header)")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
    except EmptyFileError:
        raise RecordError("empty or truncated PDF") from None
    except RecordError:
        raise
    except Exception as exc:
        raise RecordError(f"damaged or truncated PDF ({_short(exc)})") from None
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")
        except DependencyError:
            raise RecordError(
                "encrypted PDF (AES: reading it needs the 'cryptography' package)"
            ) from None
        except Exception:
            opened = PasswordType.NOT_DECRYPTED
        if opened == PasswordType.NOT_DECRYPTED:
            raise RecordError("encrypted PDF (needs a password)")
    try:
        page_count = len(reader.pages)
    except FileNotDecryptedError:
        raise RecordError("encrypted PDF (needs a password)") from None
    except Exception as exc:
        raise RecordError(f"damaged or truncated PDF ({_short(exc)})") from None
    if page_count == 0:
        raise RecordError("damaged or truncated PDF (no pages)")
    started = time.monotonic()
    paragraphs: list[str] = []
    raw_pages: list[str] = []
    failure: Exception | None = None
    for number in range(min(page_count, MAX_PDF_PAGES)):
        if time.monotonic() - started > PDF_TIME_LIMIT:
            raise RecordError(
                f"PDF text took over {PDF_TIME_LIMIT:.0f} s to read "
                f"({number} of {page_count} pages); skipped"
            )
        try:
            page_paragraphs, raw = _page_paragraphs(reader.pages[number])
        except FileNotDecryptedError:
            raise RecordError("encrypted PDF (needs a password)") from None
        except RecursionError:
            raise RecordError(f"damaged PDF (page {number + 1} is nested too deeply)") from None
        except (RecordError, MemoryError):
            raise
        except Exception as exc:
            failure = exc
            continue  # one damaged page among many: keep the rest
        _append_paragraphs(paragraphs, page_paragraphs)
        raw_pages.append(raw)
    if failure is not None and not raw_pages:
        raise RecordError(f"damaged PDF ({_short(failure)})")
    reason = _no_text_reason(paragraphs)
    if reason:
        raise RecordError(reason)
    try:
        info = reader.metadata
    except Exception:
        info = None
    title = author = created = None
    if info is not None:
        try:
            title, author = info.get("/Title"), info.get("/Author")
            created = _pdf_date(info.get("/CreationDate"))
        except Exception:
            title = author = created = None
    hints = _document_hints(title, author, created)
    hints["pages"] = page_count
    raw_text = _clean_raw("\n\n".join(r for r in raw_pages if r))
    return _source(doc_id, path, "pdf", paragraphs, hints, raw=raw_text)


def _clean_raw(text: str) -> str:
    return "\n".join(_clean_paragraph(line) for line in text.split("\n"))


def read_pdf(doc_id: str, path: str, data: bytes) -> Iterator[SourceText | RecordError]:
    """A PDF's text layer as one article, columns read one after the other."""
    yield _guarded("PDF", lambda: _read_pdf(doc_id, path, data))


# ----------------------------------------------------------------------------------------
# Zip containers (DOCX, ODT) and their XML


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _open_zip(data: bytes, kind: str) -> zipfile.ZipFile:
    """The zip archive a DOCX or ODT is, refusing what no office program writes."""
    _not_empty(data)
    if data.startswith(_OLE_MAGIC):
        raise RecordError(
            f"not {_A_KIND[kind]} file: an OLE container (a password-protected document, "
            "or an old binary Word file renamed)"
        )
    if not data.startswith(b"PK"):
        raise RecordError(f"not {_A_KIND[kind]} file (not a zip archive)")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except Exception as exc:
        raise RecordError(f"damaged {kind} file (its zip archive: {_short(exc)})") from None
    if len(entries) > MAX_ZIP_ENTRIES:
        raise RecordError(f"not {_A_KIND[kind]} file ({len(entries):,} zip entries)")
    declared = sum(info.file_size for info in entries)
    if declared > MAX_ZIP_TOTAL_BYTES:
        raise RecordError(
            f"{kind} refused: its zip entries would inflate to {declared / 1024**2:,.0f} MB "
            "(a zip bomb?)"
        )
    return archive


def _zip_part(
    archive: zipfile.ZipFile, name: str, kind: str, *, limit: int = MAX_PART_BYTES
) -> bytes | None:
    """One part's bytes, or None when the archive has no such part.

    The declared size and compression ratio are checked before anything is inflated, and
    inflating stops at the limit whatever the header claimed.
    """
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.flag_bits & 0x1:
        raise RecordError(f"encrypted {kind} (needs a password)")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        # bzip2 and LZMA inflate a whole block per read: no bound on memory.
        raise RecordError(f"not {_A_KIND[kind]} file ({name} uses an unsupported zip compression)")
    mb = limit / 1024**2
    if info.file_size > limit:
        raise RecordError(
            f"{kind} refused: {name} would inflate to {info.file_size / 1024**2:,.0f} MB "
            f"(limit {mb:.0f} MB; a zip bomb?)"
        )
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > RATIO_CHECK_BYTES and ratio > MAX_ZIP_RATIO:
        raise RecordError(f"{kind} refused: {name} is compressed {ratio:,.0f} to 1 (a zip bomb?)")
    chunks: list[bytes] = []
    total = 0
    try:
        with archive.open(info) as handle:
            while chunk := handle.read(1 << 16):
                total += len(chunk)
                if total > limit:
                    raise RecordError(
                        f"{kind} refused: {name} inflates past {mb:.0f} MB (a zip bomb?)"
                    )
                chunks.append(chunk)
    except RecordError:
        raise
    except Exception as exc:
        raise _DamagedPart(f"damaged {kind} file ({name}: {_short(exc)})") from None
    return b"".join(chunks)


def _xml_events(
    xml: bytes, kind: str, name: str, events: tuple[str, ...] = ("start", "end")
) -> Iterator[tuple[str, Element]]:
    """Parse events of one XML part, refusing entity declarations and external entities.

    Office XML never declares entities: a part that does is an expansion attack ("billion
    laughs") or an attempt to read other files (XXE).
    """
    import defusedxml
    import defusedxml.ElementTree as safe_tree

    try:
        yield from safe_tree.iterparse(
            io.BytesIO(xml),
            events=events,
            forbid_dtd=False,
            forbid_entities=True,
            forbid_external=True,
        )
    except defusedxml.EntitiesForbidden as exc:
        if getattr(exc, "sysid", None) or getattr(exc, "pubid", None):
            raise RecordError(f"{kind} refused: {name} declares an external entity (XXE)") from None
        raise RecordError(
            f"{kind} refused: {name} declares XML entities (entity expansion, "
            "\u201cbillion laughs\u201d)"
        ) from None
    except defusedxml.DefusedXmlException as exc:
        raise RecordError(f"{kind} refused: {name} ({type(exc).__name__})") from None
    except ParseError as exc:
        raise _DamagedPart(f"damaged {kind} file ({name} is not well-formed XML: {exc})") from None


def _xml_root(xml: bytes, kind: str, name: str) -> Element | None:
    root: Element | None = None
    for _event, element in _xml_events(xml, kind, name, ("end",)):
        root = element
    return root


def _split_tag(tag: Any) -> tuple[str, str]:
    if not isinstance(tag, str):
        return "", ""
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        return namespace, local
    return "", tag


def _iso_date(value: str | None) -> str | None:
    """A W3C date-time as the date it names, as written; anything else as it is."""
    if not value:
        return None
    value = value.strip()
    match = re.match(r"^(\d{4}-\d{2}-\d{2})(?:[T ]|$)", value)
    return match.group(1) if match else value or None


# ----------------------------------------------------------------------------------------
# DOCX

_W = frozenset(
    {
        "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
        "http://purl.oclc.org/ooxml/wordprocessingml/main",  # Strict Open XML
    }
)
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_DOCX_SKIPPED = frozenset({"del", "moveFrom"})
"""Containers of text that is not in the document as it reads: tracked deletions."""
_DOCX_NOT_TEXT = frozenset(
    {"pPr", "rPr", "sectPr", "tblPr", "trPr", "tcPr", "sdtPr", "del", "moveFrom", "p"}
)
_DOCX_PAGE_BREAKS = frozenset({"page", "column"})
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"


def _docx_skipped(namespace: str, local: str) -> bool:
    return (namespace in _W and local in _DOCX_SKIPPED) or (
        namespace == _MC and local == "Fallback"
    )


def _docx_hidden(run: Element) -> bool:
    """A run formatted as hidden text (`w:vanish`), which Word does not show or print."""
    for child in run:
        namespace, local = _split_tag(child.tag)
        if namespace in _W and local == "rPr":
            for prop in child:
                prop_ns, prop_local = _split_tag(prop.tag)
                if prop_ns in _W and prop_local == "vanish":
                    value = prop.get(f"{{{prop_ns}}}val", "true")
                    return value not in ("0", "false", "off")
    return False


def _docx_paragraph_text(paragraph: Element) -> str:
    """The text of one `w:p`, without paragraphs nested in it (text boxes: read on their
    own), deleted text, field codes or hidden runs."""
    parts: list[str] = []
    stack = list(reversed(list(paragraph)))
    while stack:
        element = stack.pop()
        namespace, local = _split_tag(element.tag)
        if namespace in _W:
            if local == "t":
                parts.append(element.text or "")
                continue
            if local in ("tab", "ptab"):
                parts.append("\t")
                continue
            if local in ("br", "cr"):
                kind = element.get(f"{{{namespace}}}type")
                parts.append(" " if kind in _DOCX_PAGE_BREAKS else "\n")
                continue
            if local == "noBreakHyphen":
                parts.append("-")
                continue
            if local in _DOCX_NOT_TEXT or (local == "r" and _docx_hidden(element)):
                continue
        elif namespace == _MC and local == "Fallback":
            continue
        stack.extend(reversed(list(element)))
    return "".join(parts)


def _docx_paragraphs(xml: bytes, name: str) -> list[str]:
    paragraphs: list[str] = []
    skipped = 0
    stack: list[Element] = []
    for event, element in _xml_events(xml, "DOCX", name):
        namespace, local = _split_tag(element.tag)
        if event == "start":
            stack.append(element)
            if _docx_skipped(namespace, local):
                skipped += 1
            continue
        stack.pop()
        if _docx_skipped(namespace, local):
            skipped -= 1
        elif namespace in _W and local == "p":
            if not skipped:
                text = _docx_paragraph_text(element)
                if text.strip():
                    paragraphs.append(text)
            element.clear()
        if len(stack) == 2:
            stack[1].clear()  # a block of w:body is done: free it, the file may be long
    return paragraphs


def _optional_root(
    archive: zipfile.ZipFile, name: str, kind: str, limit: int = 1024**2
) -> Element | None:
    """A part the text does not need (relationships, metadata): None when it is missing or
    damaged. Bombs and entity attacks in it are still refused."""
    try:
        xml = _zip_part(archive, name, kind, limit=limit)
        return None if xml is None else _xml_root(xml, kind, name)
    except _DamagedPart:
        return None


def _package_targets(archive: zipfile.ZipFile) -> dict[str, str]:
    """The package's relationships by type (the last part of its URI) to part names."""
    root = _optional_root(archive, "_rels/.rels", "DOCX")
    targets: dict[str, str] = {}
    if root is None:
        return targets
    for element in root:
        namespace, local = _split_tag(element.tag)
        if local != "Relationship" or namespace != _RELS:
            continue
        kind = (element.get("Type") or "").rsplit("/", 1)[-1]
        target = (element.get("Target") or "").lstrip("/")
        if kind and target and (element.get("TargetMode") or "") != "External":
            targets.setdefault(kind, target)
    return targets


def _docx_metadata(archive: zipfile.ZipFile, name: str) -> dict[str, Any]:
    root = _optional_root(archive, name, "DOCX")
    values: dict[str, str] = {}
    if root is not None:
        for element in root:
            _namespace, local = _split_tag(element.tag)
            if element.text and element.text.strip():
                values.setdefault(local, element.text.strip())
    created = values.get("created")
    if values.get("creator") == "python-docx" and created == "2013-12-23T23:15:00Z":
        created = None  # python-docx's template date, not the document's
    return _document_hints(values.get("title"), values.get("creator"), _iso_date(created))


def _read_docx(doc_id: str, path: str, data: bytes) -> SourceText:
    archive = _open_zip(data, "DOCX")
    targets = _package_targets(archive)
    name = targets.get("officeDocument", "word/document.xml")
    xml = _zip_part(archive, name, "DOCX")
    if xml is None and name != "word/document.xml":
        name = "word/document.xml"
        xml = _zip_part(archive, name, "DOCX")
    if xml is None:
        raise RecordError("not a DOCX file (the zip holds no Word document part)")
    paragraphs = _docx_paragraphs(xml, name)
    hints = _docx_metadata(archive, targets.get("core-properties", "docProps/core.xml"))
    return _source(doc_id, path, "docx", paragraphs, hints)


def read_docx(doc_id: str, path: str, data: bytes) -> Iterator[SourceText | RecordError]:
    """A Word document's body text as one article."""
    yield _guarded("DOCX", lambda: _read_docx(doc_id, path, data))


# ----------------------------------------------------------------------------------------
# ODT

_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_DRAW = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
_SVG = "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
_META = "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
_DC = "http://purl.org/dc/elements/1.1/"
_ODT_MIMETYPES = frozenset(
    {"application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.text-template"}
)
_ODT_SKIPPED = frozenset(
    {
        (_TEXT, "note"),
        (_TEXT, "tracked-changes"),
        (_OFFICE, "annotation"),
        (_TEXT, "table-of-content"),
        (_TEXT, "alphabetical-index"),
        (_TEXT, "illustration-index"),
        (_TEXT, "table-index"),
        (_TEXT, "object-index"),
        (_TEXT, "user-index"),
        (_TEXT, "bibliography"),
    }
)
"""Notes, comments, tracked deletions and generated indexes: not the document's running text."""
_ODT_PARAGRAPHS = frozenset({(_TEXT, "p"), (_TEXT, "h")})
_ODT_NO_CONTENT = (
    _ODT_SKIPPED
    | _ODT_PARAGRAPHS
    | {
        (_DRAW, "frame"),
        (_SVG, "desc"),
        (_SVG, "title"),
        (_OFFICE, "annotation-end"),
        (_TEXT, "ruby-text"),
    }
)
_XML_SPACE = re.compile(r"[ \t\r\n]+")


def _odt_paragraph_text(paragraph: Element) -> str:
    """The text of one `text:p` or `text:h`: mixed content with ODF's whitespace rules
    (runs of XML white space are one space; `text:s`, `text:tab` and `text:line-break`
    are the spaces, tabs and breaks)."""
    parts = [paragraph.text or ""]
    stack: list[tuple[Element, Iterator[Element]]] = [(paragraph, iter(paragraph))]
    while stack:
        node, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if stack and node.tail:
                parts.append(node.tail)
            continue
        key = _split_tag(child.tag)
        literal = None
        if key == (_TEXT, "s"):
            literal = " "  # however many: runs of spaces are shown as one
        elif key == (_TEXT, "tab"):
            literal = "\t"
        elif key == (_TEXT, "line-break"):
            literal = "\u2028"
        if literal is not None or key in _ODT_NO_CONTENT:
            parts.append(literal or "")
            if child.tail:
                parts.append(child.tail)
            continue
        if child.text:
            parts.append(child.text)
        stack.append((child, iter(child)))
    return _XML_SPACE.sub(" ", "".join(parts))


def _odt_paragraphs(xml: bytes) -> list[str]:
    paragraphs: list[str] = []
    skipped = 0
    stack: list[Element] = []
    body_kind: str | None = None
    for event, element in _xml_events(xml, "ODT", "content.xml"):
        key = _split_tag(element.tag)
        if event == "start":
            stack.append(element)
            if key in _ODT_SKIPPED:
                skipped += 1
            if len(stack) == 3 and stack[1].tag == f"{{{_OFFICE}}}body":
                body_kind = key[1]
                if key != (_OFFICE, "text"):
                    raise RecordError(f"not a text document (an OpenDocument {key[1]})")
            continue
        stack.pop()
        if key in _ODT_SKIPPED:
            skipped -= 1
        elif key in _ODT_PARAGRAPHS:
            if not skipped:
                text = _odt_paragraph_text(element)
                if text.strip():
                    paragraphs.append(text)
            element.clear()
        if len(stack) == 3:
            stack[2].clear()  # a block of office:text is done: free it
    if body_kind is None:
        raise RecordError("damaged ODT file (content.xml has no document body)")
    return paragraphs


def _odt_metadata(archive: zipfile.ZipFile) -> dict[str, Any]:
    root = _optional_root(archive, "meta.xml", "ODT")
    values: dict[tuple[str, str], str] = {}
    if root is not None:
        for element in root.iter():
            if element.text and element.text.strip():
                values.setdefault(_split_tag(element.tag), element.text.strip())
    author = values.get((_META, "initial-creator")) or values.get((_DC, "creator"))
    created = _iso_date(values.get((_META, "creation-date")))
    return _document_hints(values.get((_DC, "title")), author, created)


def _read_odt(doc_id: str, path: str, data: bytes) -> SourceText:
    archive = _open_zip(data, "ODT")
    try:
        mimetype = _zip_part(archive, "mimetype", "ODT", limit=4096)
    except _DamagedPart:
        mimetype = None
    if mimetype is not None:
        kind = mimetype.decode("ascii", "replace").strip()
        if kind not in _ODT_MIMETYPES:
            raise RecordError(f"not an ODT text document (its type is {kind[:80]!r})")
    try:
        manifest = _zip_part(archive, "META-INF/manifest.xml", "ODT", limit=4 * 1024**2)
    except _DamagedPart:
        manifest = None
    if manifest is not None and b"encryption-data" in manifest:
        raise RecordError("encrypted ODT (needs a password)")
    xml = _zip_part(archive, "content.xml", "ODT")
    if xml is None:
        raise RecordError("not an ODT file (the zip holds no content.xml)")
    paragraphs = _odt_paragraphs(xml)
    return _source(doc_id, path, "odt", paragraphs, _odt_metadata(archive))


def read_odt(doc_id: str, path: str, data: bytes) -> Iterator[SourceText | RecordError]:
    """An OpenDocument text's body as one article."""
    yield _guarded("ODT", lambda: _read_odt(doc_id, path, data))


# ----------------------------------------------------------------------------------------
# RTF

_RTF_TOKEN = re.compile(
    rb"\\([a-zA-Z]{1,32})(-?\d{1,10})? ?"  # control word, its parameter
    rb"|\\'([0-9a-fA-F]{2})"  # a byte in the current code page
    rb"|\\([^a-zA-Z'])"  # control symbol
    rb"|([{}])"
    rb"|([\r\n]+)"
    rb"|([^\\{}\r\n]+)",  # text
    re.DOTALL,
)
_RTF_DESTINATIONS = frozenset(
    """
    aftncn aftnsep aftnsepc annotation atnauthor atndate atnicn atnid atnparent atnref
    atntime atrfend atrfstart author background bkmkend bkmkstart blipuid buptim category
    colorschememapping colortbl comment company creatim datafield datastore defchp defpap
    do doccomm docvar dptxbxtext ebcend ebcstart factoidname falt fchars ffdeftext
    ffentrymcr ffexitmcr ffformat ffhelptext ffl ffname ffstattext file filetbl fldinst
    fontemb fontfile fonttbl footer footerf footerl footerr footnote formfield ftncn ftnsep
    ftnsepc g generator gridtbl header headerf headerl headerr hl hlfr hlinkbase hlloc
    hlsrc hsv info keycode keywords latentstyles lchars levelnumbers leveltext lfolevel
    linkval list listlevel listname listoverride listoverridetable listpicture
    liststylename listtable listtext lsdlockedexcept macc mmathPr manager nextfile
    nonesttables nonshppict objalias objclass objdata object objname objsect objtime
    oldcprops oldpprops oldsprops oldtprops oleclsid operator panose password passwordhash
    pgdsctbl pgp pgptbl picprop pict pn pnseclvl pntext pntxta pntxtb printim private
    propname protend protstart protusertbl pxe revtbl revtim rsidtbl rxe shpinst sp sn sv
    staticval stylesheet subject tc template themedata title txe ud upr userprops
    wgrffmtfilter windowcaption writereservation writereservhash xe xform xmlattrname
    xmlattrvalue xmlclose xmlname xmlnstbl xmlopen
    """.split()  # noqa: SIM905 - the RTF specification's list, kept readable
)
_RTF_INFO_FIELDS = frozenset({"title", "author", "creatim"})
_RTF_CHARSETS = {
    77: "mac_roman",
    128: "cp932",
    129: "cp949",
    130: "johab",
    134: "gbk",
    136: "cp950",
    161: "cp1253",
    162: "cp1254",
    163: "cp1258",
    177: "cp1255",
    178: "cp1256",
    186: "cp1257",
    204: "cp1251",
    222: "cp874",
    238: "cp1250",
    254: "cp437",
    255: "cp850",
}
_RTF_SYMBOLS = {
    "emdash": "\u2014",
    "endash": "\u2013",
    "lquote": "\u2018",
    "rquote": "\u2019",
    "ldblquote": "\u201c",
    "rdblquote": "\u201d",
    "bullet": "\u2022",
    "emspace": " ",
    "enspace": " ",
    "qmspace": " ",
    "tab": "\t",
    "cell": "\t",
    "nestcell": "\t",
    "line": "\u2028",
}
_RTF_BREAKS = frozenset({"par", "sect", "page", "row", "nestrow"})
_PARA = "\u2029"


def _codec(name: str) -> str | None:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


@dataclass(slots=True)
class _RtfGroup:
    """The state a `{` saves and a `}` restores."""

    skip: bool = False
    uc: int = 1
    font: int | None = None
    hidden: bool = False
    capture: str | None = None
    fonttbl: bool = False
    info: bool = False


class _RtfReader:
    """Text and `\\info` metadata of an RTF document, in one pass over its tokens."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.codepage = "cp1252"
        self.font_codecs: dict[int, str] = {}
        self.default_font: int | None = None
        self.defining_font: int | None = None
        self.out: list[str] = []
        self.meta: dict[str, list[str]] = {}
        self.created: dict[str, int] = {}
        self.pending = bytearray()
        self.pending_codec = "cp1252"
        self.pending_target: list[str] = self.out
        self.unicode_skip = 0

    def _flush(self) -> None:
        if self.pending:
            self.pending_target.append(self.pending.decode(self.pending_codec, "replace"))
            self.pending.clear()

    def _target(self, group: _RtfGroup) -> list[str] | None:
        if group.capture is not None:
            return self.meta.setdefault(group.capture, [])
        if group.skip or group.hidden:
            return None
        return self.out

    def _codec_for(self, group: _RtfGroup) -> str:
        if group.font is not None and group.font in self.font_codecs:
            return self.font_codecs[group.font]
        return self.codepage

    def _text_bytes(self, group: _RtfGroup, raw: bytes) -> None:
        target = self._target(group)
        if target is None:
            return
        codec = self._codec_for(group)
        if self.pending and (codec != self.pending_codec or target is not self.pending_target):
            self._flush()
        self.pending_codec, self.pending_target = codec, target
        self.pending.extend(raw)

    def _text(self, group: _RtfGroup, text: str) -> None:
        target = self._target(group)
        if target is None:
            return
        self._flush()
        target.append(text)

    def _skip_chars(self, count: int) -> int:
        """Consume up to `count` characters of a `\\u` fallback; return how many."""
        used = min(count, self.unicode_skip)
        self.unicode_skip -= used
        return used

    def read(self) -> str:
        data = self.data
        stack: list[_RtfGroup] = []
        group = _RtfGroup()
        pos, end = 0, len(data)
        started = False
        while pos < end:
            match = _RTF_TOKEN.match(data, pos)
            if match is None:  # a lone backslash at the end
                pos += 1
                continue
            pos = match.end()
            word, param, hex_byte, symbol, brace, _newline, text = match.groups()
            if brace is not None:
                self.unicode_skip = 0
                if brace == b"{":
                    if len(stack) >= MAX_RTF_DEPTH:
                        raise RecordError(
                            f"damaged RTF file (groups nested over {MAX_RTF_DEPTH:,} deep)"
                        )
                    stack.append(group)
                    group = _RtfGroup(
                        skip=group.skip,
                        uc=group.uc,
                        font=group.font,
                        hidden=group.hidden,
                        capture=group.capture,
                        fonttbl=group.fonttbl,
                        info=group.info,
                    )
                    started = True
                else:
                    self._flush()
                    if not stack:
                        break
                    group = stack.pop()
                    if started and not stack:
                        break  # the document's group is closed: the rest is not RTF
                continue
            if text is not None:
                chars = text[self._skip_chars(len(text)) :] if self.unicode_skip else text
                if chars and not group.fonttbl:
                    self._text_bytes(group, chars)
                continue
            if hex_byte is not None:
                if self.unicode_skip:
                    self._skip_chars(1)
                elif not group.fonttbl:
                    self._text_bytes(group, bytes([int(hex_byte, 16)]))
                continue
            if symbol is not None:
                self._symbol(group, symbol)
                continue
            if word is not None:
                pos = self._word(group, word.decode("ascii"), param, pos)
        self._flush()
        return "".join(self.out)

    def _symbol(self, group: _RtfGroup, symbol: bytes) -> None:
        if self.unicode_skip:
            self._skip_chars(1)
            return
        if symbol == b"*":
            group.skip = True
        elif symbol in (b"\\", b"{", b"}"):
            self._text_bytes(group, symbol)
        elif symbol == b"~":
            self._text(group, "\u00a0")
        elif symbol == b"_":
            self._text(group, "-")
        elif symbol in (b"\n", b"\r"):
            self._text(group, _PARA)

    def _word(self, group: _RtfGroup, word: str, param: bytes | None, pos: int) -> int:
        value = int(param) if param is not None else None
        if word == "bin":
            self._flush()
            return pos + max(0, value or 0)  # binary data: skip it whole
        if group.fonttbl:
            if word == "f" and value is not None:
                self.defining_font = value
            elif word == "fcharset" and value is not None and self.defining_font is not None:
                codec = _RTF_CHARSETS.get(value)
                if codec:
                    self.font_codecs[self.defining_font] = codec
            elif word == "cpg" and value is not None and self.defining_font is not None:
                codec = _codec(f"cp{value}")
                if codec:
                    self.font_codecs[self.defining_font] = codec
            return pos
        if group.info and word in _RTF_INFO_FIELDS:
            self._flush()
            # The first of a field counts (LibreOffice writes \author twice).
            group.capture = word if word not in self.meta else f"{word} again"
            self.meta.setdefault(group.capture, [])
            return pos
        if group.capture == "creatim" and word in ("yr", "mo", "dy") and value is not None:
            self.created[word] = value
            return pos
        if word == "fonttbl":
            self._flush()
            group.fonttbl = True
            return pos
        if word == "info":
            self._flush()
            group.info = True
            group.skip = True
            return pos
        if word in _RTF_DESTINATIONS:
            self._flush()
            group.skip = True
            return pos
        if word == "u" and value is not None:
            self._text(group, chr(value + 65536 if value < 0 else value % 0x110000))
            self.unicode_skip = group.uc
            return pos
        self.unicode_skip = 0
        if word == "uc" and value is not None:
            group.uc = max(0, min(value, 10))
        elif word == "ansicpg" and value is not None:
            self.codepage = _codec(f"cp{value}") or ("utf-8" if value == 65001 else "cp1252")
        elif word == "mac":
            self.codepage = "mac_roman"
        elif word == "pc":
            self.codepage = "cp437"
        elif word == "pca":
            self.codepage = "cp850"
        elif word == "deff" and value is not None:
            self.default_font = value
        elif word == "f" and value is not None:
            group.font = value
        elif word == "plain":
            group.font, group.hidden = self.default_font, False
        elif word in ("v", "deleted"):
            group.hidden = value != 0
        elif word in _RTF_BREAKS:
            self._text(group, _PARA)
        elif word in _RTF_SYMBOLS:
            self._text(group, _RTF_SYMBOLS[word])
        return pos

    def metadata(self) -> dict[str, Any]:
        title = "".join(self.meta.get("title", [])) or None
        author = "".join(self.meta.get("author", [])) or None
        date = None
        year, month, day = (self.created.get(k, 0) for k in ("yr", "mo", "dy"))
        if 1900 <= year <= 2200 and 1 <= month <= 12 and 1 <= day <= 31:
            date = f"{year:04d}-{month:02d}-{day:02d}"
        return _document_hints(title, author, date)


def _join_surrogates(text: str) -> str:
    """`\\u` pairs of UTF-16 surrogates (emoji) as the characters they encode."""
    if not any("\ud800" <= ch <= "\udfff" for ch in text):
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def _read_rtf(doc_id: str, path: str, data: bytes) -> SourceText:
    _not_empty(data)
    head = data.lstrip(b" \t\r\n\x00").removeprefix(b"\xef\xbb\xbf").lstrip()
    if not head.startswith(b"{\\rtf"):
        raise RecordError("not an RTF file (it does not begin with {\\rtf)")
    reader = _RtfReader(head)
    text = _join_surrogates(reader.read())
    paragraphs = text.split(_PARA)
    hints = reader.metadata()
    for key in ("title", "byline"):
        if key in hints:
            hints[key] = _join_surrogates(hints[key])
    return _source(doc_id, path, "rtf", paragraphs, hints)


def read_rtf(doc_id: str, path: str, data: bytes) -> Iterator[SourceText | RecordError]:
    """An RTF document's text as one article."""
    yield _guarded("RTF", lambda: _read_rtf(doc_id, path, data))
