"""Split a news database's export into its articles: LexisNexis, Nexis Uni and Factiva.

Media researchers download news from these databases many articles to a file (TXT, DOCX,
RTF, PDF, HTML). Read as one article, such a file is one long text with the database's
metadata lines mixed into it; split here, each article keeps its title, date, byline,
publication, section and word count, and the database's own fields (LOAD-DATE, Factiva's
codes, ...) as hints.

The splitter reads the text the format readers extract, so it takes the layouts as any of
them gives them back: lines, with paragraphs (from DOCX and RTF, every line) a blank line
apart. The layouts, as open-source readers of these exports parse them (LexisNexisTools'
`lnt_read`, tm.plugin.lexisnexis, tm.plugin.factiva and others):

LexisNexis (nexis.com, LexisNexis Academic)
    "N of M DOCUMENTS" (the numbers of the whole result set: "8 of 383" in a file of ten);
    publication; date line, edition lines; title; CAPS fields (BYLINE:, SECTION:, LENGTH:);
    text; CAPS fields (LOAD-DATE:, LANGUAGE:, PUBLICATION-TYPE:, GRAPHIC:); copyright.
Nexis Uni (Lexis Advance)
    a cover page; then per document: title; publication; date line, edition lines;
    "Copyright ..."; fields (Section:, Length:, Byline:); "Body"; text; "Graphic" and its
    caption; "Classification"; fields (Language:, Subject:, Load-Date:); "End of Document".
    PDFs add "Page N of M" and the document's title at the top of every page.
Factiva, article format
    [section]; title; [author]; "N words"; date; [time]; publication; [source code];
    [edition]; [page]; language; copyright; text; "Document <accession number>".
Factiva, full record ("Full Article/Report plus Indexing")
    two- and three-letter codes (HD, BY, WC, PD, SN, SC, LA, CY, LP, TD, ..., AN), each on a
    line of its own with its value on the lines after it (or after a tab on the same line).

Time is bounded whatever the input: the markers are found by regular expressions that
start with a literal (the engine skips ahead to it) or are anchored at line starts, every
repetition in them is bounded or cannot backtrack far, and the Python loops look at a
bounded number of lines at a document's head and tail. A hostile 5 MB text takes a
fraction of a second.
"""

from __future__ import annotations

import datetime
import heapq
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from reader.corpus.dates import parse_date

__all__ = ["FACTIVA", "LEXISNEXIS", "NEXIS_UNI", "ExportedArticle", "detect_export", "split_export"]

LEXISNEXIS = "LexisNexis"
NEXIS_UNI = "Nexis Uni"
FACTIVA = "Factiva"

MAX_DOCUMENTS = 5000
"""More document markers than this and the text is not taken for an export: the databases
let a researcher download a few hundred articles at a time, and a text with hundreds of
thousands of markers is a hostile one (each document costs a little work)."""
HEAD_LINES = 150
"""Lines read at a document's head for its metadata: its headings and fields take a few."""
TAIL_LINES = 400
"""Lines read back from a document's end for its trailing fields (long subject lists)."""
WRAPPED_WIDTH = 100
"""TXT exports wrap lines at about 80 columns; a block with a longer line is not wrapped
text but one paragraph a line (RTF and DOCX text without blank lines between paragraphs)."""
DATEPARSER_BUDGET = 100
"""Date lines of one export that may go to dateparser when the forms read here fail: it
takes a few milliseconds each, and half a second to start."""

_PAGE_MARK = "\x00page\x00"
"""Put in place of a PDF's page header or footer line until the document's title is known
(the running title after it is dropped too)."""


@dataclass(frozen=True, slots=True)
class ExportedArticle:
    """One document of an export: its title, its text, and what the database says of it.

    `text` has its paragraphs a blank line apart ("" when the export holds no text for the
    document). `hints` may hold "date" (ISO when readable, else as written), "byline",
    "source", "section", "length" (an int of words when readable), "database", "language",
    "url", and "fields": the database's own fields that have no hint of their own.
    """

    title: str | None
    text: str
    hints: dict[str, Any]


# --- markers ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Marker:
    """A line of its own that marks an export, found fast in a long text: `find`, which
    starts with a literal the regex engine skips ahead to, finds where such a line ends (or
    its label), and `line` must match all of the line up to there. A text where `find` keeps
    matching inside longer lines is scanned line by line with `anchored` instead."""

    find: re.Pattern[str]
    line: re.Pattern[str]
    anchored: re.Pattern[str]

    def lines(self, text: str) -> Iterator[re.Match[str]]:
        misses = 0
        for found in self.find.finditer(text):
            window = max(0, found.start() - 120)
            start = text.rfind("\n", window, found.start()) + 1
            m = self.line.fullmatch(text, start, found.end()) if start or not window else None
            if m is not None:
                yield m
                continue
            misses += 1
            if misses > 200:
                yield from self.anchored.finditer(text, found.end())
                return

    def search(self, text: str) -> re.Match[str] | None:
        return next(self.lines(text), None)


def _marker(find: str, line: str) -> _Marker:
    """A marker from the pattern that finds its end and the pattern of its whole line."""
    return _Marker(
        re.compile(find, re.MULTILINE),
        re.compile(line),
        re.compile(f"^(?:{line})$", re.MULTILINE),
    )


_LN_HEADER = _marker(
    r"DOCUMENTS?[ \t]*$",
    r"[ \t]*(?:FOCUS[ \t]*-[ \t]*)?(\d{1,7})[ \t]+of[ \t]+(\d{1,7})[ \t]+DOCUMENTS?[ \t]*",
)
_LN_HEADER_LOCAL = _marker(  # German, French, Spanish, Italian, Dutch
    r"Do(?:kument|cument|cumento)[ \t]+\d{1,7}[ \t]+(?:von|de|di|van)[ \t]+\d{1,7}[ \t]*$",
    r"[ \t]*(?:Dokument|Document|Documento)[ \t]+(\d{1,7})[ \t]+(?:von|de|di|van)[ \t]+"
    r"(\d{1,7})[ \t]*",
)
_LN_FIELD_NAMES = r"(?:LENGTH|LANGUAGE|LOAD-DATE|BYLINE|LÄNGE|SPRACHE|LONGUEUR|LANGUE):"
_LN_FIELD_MARK = _marker(_LN_FIELD_NAMES, r"[ \t]*" + _LN_FIELD_NAMES)
_END_OF_DOCUMENT = _marker(r"End of Document[ \t]*$", r"[ \t]*End of Document[ \t]*")
_UNI_BODY = _marker(r"Body[ \t]*$", r"[ \t]*Body[ \t]*")
_WORD_UNITS = r"(?:words?|mots|Wörter|palabras|parole|woorden|palavras|ord|sanaa|słów|слов)"
_UNI_LENGTH_TEXT = r"(?:Length|Länge|Longueur|Lengte):[ \t]*\d[\d,.]{0,9}[ \t]*" + _WORD_UNITS
_UNI_LENGTH = _marker(_UNI_LENGTH_TEXT, r"[ \t]*" + _UNI_LENGTH_TEXT)
_UNI_COVER_WORDS = (
    "User Name:", "Date and Time:", "Job Number:", "Documents (", "Client/Matter:",
    "Search Terms:", "Search Type:", "Narrowed by",
)  # fmt: skip
_UNI_COVER = re.compile(
    r"^[ \t]*(?:User Name:|Date and Time:|Job Number:|Documents \(\d{1,6}\)|Client/Matter:"
    r"|Search Terms:|Search Type:|Narrowed by)",
    re.MULTILINE,
)
_FACTIVA_ID = _marker(
    r"Do(?:cument|kument|cumento|cumentnummer)[ \t]+[A-Za-z0-9]{20,32}[ \t]*$",
    r"[ \t]*(?:AN[ \t]+)?(?:Document|Dokument|Documento|Documentnummer)[ \t]+"
    r"([A-Za-z0-9]{20,32})[ \t]*",
)
_ACCESSION = re.compile(r"((?:19|20)\d\d)([01]\d)([0-3]\d)[a-z0-9]{9}$")
"""The tail of an accession number: the publication date, "e", and eight more characters."""
_WORDS_LINE = re.compile(
    r"^[ \t]*\d[\d,.' ]{0,10}[ \t]*" + _WORD_UNITS + r"[ \t]*$", re.MULTILINE | re.IGNORECASE
)
_FACTIVA_CODES = (
    "HD|BY|WC|PD|ET|SN|SC|ED|PG|LA|CY|LP|TD|CT|RF|CO|IN|NS|RE|IPC|IPD|PUB|AN|SE|CLM|ART|CR"
    "|VOL|DLN|CX|RST|NGC|GC|HLP|PRD"
)
_CODE_LINE = re.compile(
    r"^[ \t]*(" + _FACTIVA_CODES + r")(?:[ \t]*$|(?:\t|[ \t]{2})[ \t]*(?=[^ \t\n]))",
    re.MULTILINE,
)
_HD_LINE = re.compile(r"^[ \t]*HD(?:[ \t]*$|\t|[ \t]{2})", re.MULTILINE)

# --- text normalisation ---------------------------------------------------------------

_RARE_BREAKS = "\v\x1c\x1d\x1e\x85\u2028\u2029"
_RARE_BREAK = re.compile(f"[{_RARE_BREAKS}]")
_SPACES = str.maketrans(
    dict.fromkeys([*map(chr, range(0x2000, 0x200B)), "\u00a0", "\u202f", "\u205f", "\u3000"], " ")
    | dict.fromkeys(["\x00", "\ufeff", "\u200b", "\u200e", "\u200f"], "")
)
_BLANK_LINES = re.compile(r"\n{3,}")
_EDGE_SPACE = re.compile(r"^[ \t]+|(?<![ \t])[ \t]+$", re.MULTILINE)
_INNER_SPACE = re.compile(r"[ \t]{2,}|\t")
_LONG_LINE = re.compile(rf"^[^\n]{{{WRAPPED_WIDTH + 1}}}", re.MULTILINE)
_LINE_IN_BLOCK = re.compile(r"[^\n]\n[^\n]")


def _line_breaks(text: str) -> str:
    """Every line break as "\\n": exports come with CRLF, and RTF and PDF with form feeds."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    if any(c in text for c in _RARE_BREAKS):
        text = _RARE_BREAK.sub("\n", text)
    return text


def _normalize(text: str) -> str:
    """Line breaks as "\\n", and no-break spaces as spaces (Nexis Uni writes
    "Length:\\u00a0")."""
    return _line_breaks(text).translate(_SPACES)


def _stripped_lines(text: str) -> list[str]:
    """The lines of a normalised text, each stripped (one pass of a regular expression, not
    a call a line: a hostile text has millions)."""
    if "\n " in text or " \n" in text or "\t" in text or text[:1] == " " or text[-1:] == " ":
        text = _EDGE_SPACE.sub("", text)
    return text.split("\n")


def _paragraphs(lines: Sequence[str]) -> str:
    """Stripped lines as paragraphs a blank line apart, spaces collapsed. Hard-wrapped lines
    stay in their paragraph, one a line (the cleaner joins them); a block with a line too
    long to be wrapped has one paragraph a line."""
    text = "\n".join(lines)
    if "  " in text or "\t" in text:
        text = _INNER_SPACE.sub(" ", text)
    if "\n\n\n" in text:
        text = _BLANK_LINES.sub("\n\n", text)
    text = text.strip("\n")
    if _LONG_LINE.search(text) and _LINE_IN_BLOCK.search(text):
        text = "\n\n".join(
            block.replace("\n", "\n\n") if "\n" in block and _LONG_LINE.search(block) else block
            for block in text.split("\n\n")
        )
    return text


def _blocks(lines: Sequence[str], start: int, stop: int) -> list[tuple[int, int]]:
    """The runs of non-blank lines in lines[start:stop], as (first, end) pairs."""
    out: list[tuple[int, int]] = []
    first = -1
    for i in range(start, stop):
        if lines[i]:
            if first < 0:
                first = i
        elif first >= 0:
            out.append((first, i))
            first = -1
    if first >= 0:
        out.append((first, stop))
    return out


def _bounded(matches: Iterator[re.Match[str]]) -> list[re.Match[str]] | None:
    """The matches, or None past MAX_DOCUMENTS (read no further than that)."""
    out: list[re.Match[str]] = []
    for match in matches:
        out.append(match)
        if len(out) > MAX_DOCUMENTS:
            return None
    return out


_PAGE_LINE = re.compile(
    r"^Page[ \t]+\d{1,6}[ \t]+of[ \t]+\d{1,6}(?:[ \t]+(?:©|\([cC]\)).{0,120})?$"
    r"|^(?:©|\([cC]\))[ \t]*\d{4}[ \t]+(?:Factiva|Dow Jones).{0,100}$",
    re.MULTILINE,
)
_TERMINAL = frozenset(".!?:;\"”’')…")


def _mark_pages(text: str) -> str:
    """PDF page headers and footers ("Page 2 of 12", Factiva's own copyright) marked, in a
    text whose lines are stripped."""
    if "Page" in text or "©" in text or "(c)" in text or "(C)" in text:
        text = _PAGE_LINE.sub(_PAGE_MARK, text)
    return text


def _drop_pages(text: str, title: str | None) -> str:
    """The text without its page marks, nor the running title after one; a paragraph that a
    page break cut in two (no full stop before, lower case after) is joined again."""
    if _PAGE_MARK not in text:
        return text
    mark = re.escape(_PAGE_MARK)
    running = r"(?:\n+^" + re.escape(title) + r"$)?" if title else ""
    pattern = re.compile(r"(?<!\n)(?:\n*^" + mark + r"$" + running + r")+\n*", re.MULTILINE)

    def replace(match: re.Match[str]) -> str:
        before = text[match.start() - 1] if match.start() > 0 else ""
        after = text[match.end()] if match.end() < len(text) else ""
        if not before or not after:
            return "\n" if before else ""
        if before not in _TERMINAL and after.islower():
            return " "
        return "\n\n"

    return pattern.sub(replace, text)


# --- dates ----------------------------------------------------------------------------

_MONTH_NAMES = (
    "january jan januar jänner janvier januari enero gennaio janeiro",
    "february feb februar février fevrier februari febrero febbraio fevereiro",
    "march mar märz maerz marz mars maart marzo março marco marts",
    "april apr avril abril aprile",
    "may mai mei mayo maggio maio maj",
    "june jun juni juin junio giugno junho",
    "july jul juli juillet julio luglio julho",
    "august aug août aout augustus agosto augusti",
    "september sep sept septembre septiembre setiembre settembre setembro",
    "october oct oktober octobre oktober octubre ottobre outubro okt",
    "november nov novembre noviembre novembro",
    "december dec dezember décembre decembre diciembre dicembre dezembro desember dez",
)
_MONTHS = {name: number for number, names in enumerate(_MONTH_NAMES, 1) for name in names.split()}
_DATE_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_DATE_DOTTED = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4})(?!\d)")
_DATE_MDY = re.compile(
    r"(?<![^\W\d_])([^\W\d_]{3,10})\.?[ \t]+(\d{1,2})(?:st|nd|rd|th)?,?[ \t]+(\d{4})(?!\d)"
)
_DATE_DMY = re.compile(
    r"(?<!\d)(\d{1,2})(?:st|nd|rd|th|er|\.)?[ \t]*(?:de[ \t]+)?([^\W\d_]{3,10})\.?,?[ \t]+"
    r"(?:de[ \t]+)?(\d{4})(?!\d)"
)


def _valid(year: str, month: int | None, day: str) -> str | None:
    """The ISO date, if these make one (no 31 February)."""
    if month is None:
        return None
    try:
        return datetime.date(int(year), month, int(day)).isoformat()
    except ValueError:
        return None


def _find_date(line: str) -> tuple[str, int] | None:
    """(ISO date, where it starts) for the first full date in a line, in the forms the
    databases write: "January 5, 2020 Sunday", "5 January 2020", "5. Januar 2020", ISO."""
    if len(line) > 200:
        return None
    found: list[tuple[int, str]] = []
    for m in _DATE_ISO.finditer(line):
        iso = _valid(m.group(1), int(m.group(2)), m.group(3))
        if iso:
            found.append((m.start(), iso))
            break
    for m in _DATE_DOTTED.finditer(line):  # 05.01.2020, day first
        iso = _valid(m.group(3), int(m.group(2)), m.group(1))
        if iso:
            found.append((m.start(), iso))
            break
    for m in _DATE_MDY.finditer(line):
        iso = _valid(m.group(3), _MONTHS.get(m.group(1).casefold()), m.group(2))
        if iso:
            found.append((m.start(), iso))
            break
    for m in _DATE_DMY.finditer(line):
        iso = _valid(m.group(3), _MONTHS.get(m.group(2).casefold()), m.group(1))
        if iso:
            found.append((m.start(), iso))
            break
    if not found:
        return None
    start, iso = min(found)
    return iso, start


def _is_date_line(line: str) -> bool:
    """A dateline of the header: a date at its start (after a weekday at most)."""
    found = _find_date(line) if len(line) <= 100 else None
    return found is not None and found[1] <= 14


class _DateReader:
    """ISO dates from one export's date lines; dateparser only for forms not read here."""

    def __init__(self) -> None:
        self.budget = DATEPARSER_BUDGET

    def iso(self, written: str) -> str:
        """The date as ISO when it can be read, else as written."""
        written = " ".join(written.split())
        found = _find_date(written)
        if found:
            return found[0]
        if self.budget > 0 and len(written) <= 80:
            self.budget -= 1
            try:
                parsed = parse_date(written)
            except Exception:  # dateparser is third-party: a failure only means "not read"
                parsed = None
            if parsed:
                return parsed[0]
        return written


# --- fields ---------------------------------------------------------------------------

_CAPS_FIELD = re.compile(r"([A-ZÄÖÜÉÈÀ][A-ZÄÖÜÉÈÀ\-]{1,30}):[ \t]*(.*)")
_LABEL_FIELD = re.compile(r"([^\W\d_][\w/\-]{0,29}(?: [\w/\-]{1,20}){0,2}):(?:[ \t]+(.*))?")
_COPYRIGHT = re.compile(r"(?:copyright\b|©|\(c\)|copr\.)|all rights reserved", re.IGNORECASE)
_COPYRIGHT_YEAR = re.compile(r"(?:copyright|©|\(c\)|copr\.)[ \t]*(?:©|\(c\))?[ \t]*\d{4}", re.I)
_WORD_COUNT = re.compile(
    r"(\d{1,3}(?:[,.' ]\d{3})+|\d{1,9})[ \t]*" + _WORD_UNITS + r"?[ \t]*\.?", re.IGNORECASE
)
_LN_LABELS = frozenset((
    "BYLINE", "SECTION", "LENGTH", "DATELINE", "HIGHLIGHT", "HEADLINE", "EDITION", "BODY",
    "UPDATE", "AUTHOR", "SOURCE", "LOAD-DATE", "LANGUAGE", "PUBLICATION-TYPE", "PUB-TYPE",
    "TYPE", "JOURNAL-CODE", "DOCUMENT-TYPE", "GRAPHIC", "GRAPHICS", "PHOTO", "PHOTOS",
    "NOTES", "NOTE", "CORRECTION", "CORRECTION-DATE", "URL", "SERIES", "DISTRIBUTION",
    "SUBJECT", "ORGANIZATION", "PERSON", "GEOGRAPHIC", "COMPANY", "INDUSTRY", "TICKER",
    "CITY", "STATE", "COUNTRY", "COLUMN", "ABSTRACT", "AUTOR", "RUBRIK", "LÄNGE", "SPRACHE",
    "GRAFIK", "AUTEUR", "RUBRIQUE", "LONGUEUR", "LANGUE", "LENGTE", "RUBRIEK", "TAAL",
))  # fmt: skip
_UNI_HEAD_LABELS = frozenset((
    "section", "length", "byline", "author", "dateline", "highlight", "edition", "rubrik",
    "länge", "autor", "rubrique", "longueur", "auteur", "lengte", "rubriek",
))  # fmt: skip
_UNI_TAIL_LABELS = frozenset((
    "load-date", "language", "publication-type", "subject", "geographic", "graphic",
    "document-type", "journal-code", "url", "correction", "correction-date", "notes",
    "series", "person", "organization", "company", "industry", "ticker", "distribution",
    "type", "pub-type", "city", "state", "country", "sprache", "langue",
))  # fmt: skip
_HINT_OF_LABEL = {
    "byline": "byline",
    "author": "byline",
    "autor": "byline",
    "auteur": "byline",
    "section": "section",
    "rubrik": "section",
    "rubrique": "section",
    "rubriek": "section",
    "length": "length",
    "länge": "length",
    "longueur": "length",
    "lengte": "length",
    "language": "language",
    "sprache": "language",
    "langue": "language",
    "taal": "language",
    "url": "url",
}
_FACTIVA_HINTS = {
    "BY": "byline",
    "SE": "section",
    "WC": "length",
    "SN": "source",
    "LA": "language",
}

_Parse = Callable[[str], tuple[str, str] | None]


def _caps_field(line: str) -> tuple[str, str] | None:
    """A LexisNexis field line ("LOAD-DATE: January 11, 2010"): (label, value)."""
    m = _CAPS_FIELD.fullmatch(line) if len(line) < 20_000 else None
    if m is None:
        return None
    label = m.group(1)
    if label in _LN_LABELS or "-" in label.strip("-"):
        return label, m.group(2).strip()
    return None


def _label_field(line: str) -> tuple[str, str] | None:
    """A Nexis Uni field line ("Load-Date: January 6, 2020"): (label, value)."""
    m = _LABEL_FIELD.fullmatch(line) if len(line) < 20_000 else None
    if m is None:
        return None
    return m.group(1), (m.group(2) or "").strip()


def _known_uni_field(labels: frozenset[str]) -> _Parse:
    def parse(line: str) -> tuple[str, str] | None:
        found = _label_field(line)
        return found if found and found[0].casefold() in labels else None

    return parse


def _field_pairs(lines: Sequence[str], parse: _Parse) -> list[tuple[str, str]]:
    """(label, value) for the field lines; a line without a label continues the last one."""
    pairs: list[tuple[str, list[str]]] = []
    for line in lines:
        if not line or line == _PAGE_MARK:
            continue
        found = parse(line)
        if found is not None:
            pairs.append((found[0], [found[1]] if found[1] else []))
        elif pairs:
            pairs[-1][1].append(line)
    return [(label, " ".join(parts)) for label, parts in pairs]


def _length(value: str) -> int | str:
    """A word count ("2,968 words") as an int, else the value as written."""
    m = _WORD_COUNT.fullmatch(value.strip())
    return int(re.sub(r"\D", "", m.group(1))) if m else value


def _dedupe(lines: list[str]) -> list[str]:
    """Lines without a line equal to the one before (a PDF's running title over the title)."""
    out: list[str] = []
    for line in lines:
        if not out or out[-1].casefold() != line.casefold():
            out.append(line)
    return out


class _Record:
    """An article's title, hints and database fields as they are read."""

    def __init__(self, database: str, dates: _DateReader) -> None:
        self.title: str | None = None
        self.hints: dict[str, Any] = {"database": database}
        self.fields: dict[str, str] = {}
        self.dates = dates

    def hint(self, key: str, value: str | None) -> None:
        """Set a hint once: the first value the layout gives wins."""
        value = " ".join(value.split()) if value else ""
        if value and key not in self.hints:
            self.hints[key] = _length(value) if key == "length" else value

    def date(self, written: str | None) -> None:
        if written and written.strip() and "date" not in self.hints:
            self.hints["date"] = self.dates.iso(written)

    def field(self, label: str, value: str, sep: str = "; ") -> None:
        """A database field; one given twice keeps both values (a copyright notice's lines
        are one value)."""
        value = " ".join(value.split())
        if not value:
            return
        old = self.fields.get(label)
        self.fields[label] = f"{old}{sep}{value}" if old and old != value else value

    def labelled(self, label: str, value: str) -> None:
        """A field in the database's words: the ones with a hint of their own go there."""
        key = label.casefold()
        hint = _HINT_OF_LABEL.get(key)
        if hint and value and hint not in self.hints:
            self.hint(hint, value)
        elif key in ("headline", "titel", "titre") and value and self.title is None:
            self.title = " ".join(value.split())
        else:
            self.field(label, value)

    def done(self, text: str, *, load_date: str | None = None) -> ExportedArticle:
        if "date" not in self.hints and load_date:
            self.date(self.fields.get(load_date))
        hints = dict(self.hints)
        if self.fields:
            hints["fields"] = dict(self.fields)
        return ExportedArticle(title=self.title or None, text=text, hints=hints)


def _trailer(
    record: _Record, lines: Sequence[str], start: int, parse: _Parse, *, copyright: str
) -> int:
    """Read the field blocks (and copyright lines) that end a document; where they start."""
    stop = len(lines)
    tail = stop
    found: list[tuple[int, int, bool]] = []
    for first, end in reversed(_blocks(lines, max(start, stop - TAIL_LINES), stop)):
        line = lines[first]
        if line == _PAGE_MARK:
            tail = first
        elif _COPYRIGHT.match(line):
            found.append((first, end, True))
            tail = first
        elif parse(line) is not None:
            found.append((first, end, False))
            tail = first
        else:
            break
    for first, end, is_copyright in reversed(found):
        if is_copyright:
            record.field(copyright, " ".join(lines[first:end]), sep=" ")
        else:
            for label, value in _field_pairs(lines[first:end], parse):
                record.labelled(label, value)
    return tail


def _leading_copyright(record: _Record, lines: Sequence[str], start: int, label: str) -> int:
    """Read the copyright lines that open a document's text; where the text starts."""
    for first, end in _blocks(lines, start, min(len(lines), start + 40)):
        if not _COPYRIGHT.match(lines[first]):
            return first
        record.field(label, " ".join(lines[first:end]), sep=" ")
        start = end
    return start


# --- LexisNexis -----------------------------------------------------------------------


def _lexis_headers(text: str) -> Iterator[re.Match[str]]:
    """The "N of M DOCUMENTS" lines (or "Dokument N von M"), in file order."""
    english = _LN_HEADER.lines(text) if "DOCUMENT" in text else iter(())
    local = _LN_HEADER_LOCAL.lines(text) if "Do" in text else iter(())
    return heapq.merge(english, local, key=lambda m: m.start())


def _split_lexis(text: str, dates: _DateReader) -> list[ExportedArticle] | None:
    heads = _bounded(_lexis_headers(text))
    if heads is None:
        return None
    out: list[ExportedArticle] = []
    for k, head in enumerate(heads):
        end = heads[k + 1].start() if k + 1 < len(heads) else len(text)
        numbers = [g for g in head.groups() if g]
        number = " of ".join(numbers[:2])
        out.append(_lexis_document(text[head.end() : end], number, dates))
    return out


def _lexis_document(chunk: str, number: str, dates: _DateReader) -> ExportedArticle:
    """One LexisNexis document: the headings and fields before its text, fields after it."""
    lines = _stripped_lines(chunk)
    record = _Record(LEXISNEXIS, dates)
    if number:
        record.field("DOCUMENT", number)
    head: list[tuple[int, int]] = []
    body_start = -1
    seen_field = False
    for first, end in _blocks(lines, 0, min(len(lines), HEAD_LINES)):
        if _caps_field(lines[first]) is None:
            if seen_field:  # the first block after the fields: the text
                body_start = first
                break
            head.append((first, end))
            continue
        seen_field = True
        body_start = end
        body_at = next((i for i in range(first, end) if _is_body_field(lines[i])), None)
        fields_end = end if body_at is None else body_at
        for label, value in _field_pairs(lines[first:fields_end], _caps_field):
            record.labelled(label, value)
        if body_at is not None:  # "BODY:" alone, or "BODY: The text begins here"
            value = lines[body_at].partition(":")[2].strip()
            lines[body_at] = value
            body_start = body_at if value else body_at + 1
            break
    if seen_field:
        _lexis_headings(record, lines, head)
    else:
        body_start = _lexis_bare_headings(record, lines, head)
    body_start = _leading_copyright(record, lines, max(body_start, 0), "COPYRIGHT")
    tail = _trailer(record, lines, body_start, _caps_field, copyright="COPYRIGHT")
    text = _paragraphs(lines[body_start:tail])
    return record.done(text, load_date="LOAD-DATE")


def _is_body_field(line: str) -> bool:
    """The older layout's "BODY:" line, after which the text begins."""
    found = _caps_field(line)
    return found is not None and found[0] == "BODY"


def _lexis_headings(record: _Record, lines: list[str], head: list[tuple[int, int]]) -> None:
    """Publication, date line and edition, and title: the blocks before the fields."""
    kept: list[tuple[int, int]] = []
    for first, end in head:
        if _COPYRIGHT.match(lines[first]):
            record.field("COPYRIGHT", " ".join(lines[first:end]), sep=" ")
        else:
            kept.append((first, end))
    at: tuple[int, int] | None = None
    for b, (first, end) in enumerate(kept):
        at = next(((b, i) for i in range(first, end) if _is_date_line(lines[i])), None)
        if at:
            break
    title: list[str] = []
    edition: list[str] = []
    if at is not None:
        b, i = at
        record.date(lines[i])
        source = [lines[j] for first, end in kept[:b] for j in range(first, end)]
        source += lines[kept[b][0] : i]
        edition = lines[i + 1 : kept[b][1]]
        after = kept[b + 1 :]
    elif len(kept) >= 3:  # a date line not read ("Winter 2010"): by position, as written
        source = lines[kept[0][0] : kept[0][1]]
        record.date(lines[kept[1][0]])
        edition = lines[kept[1][0] + 1 : kept[1][1]]
        after = kept[2:]
    elif len(kept) == 2:
        source = lines[kept[0][0] : kept[0][1]]
        after = kept[1:]
    else:
        source = []
        after = kept
    if after and record.title is None:
        title = lines[after[-1][0] : after[-1][1]]
        after = after[:-1]
    edition += [lines[j] for first, end in after for j in range(first, end)]
    record.hint("source", " ".join(source))
    record.field("EDITION", " ".join(edition))
    if title:
        record.title = " ".join(title)


def _lexis_bare_headings(record: _Record, lines: list[str], head: list[tuple[int, int]]) -> int:
    """Headings of a document with no fields (a graphic, a table); where its text starts."""
    for b, (first, end) in enumerate(head[:4]):
        if any(_is_date_line(lines[i]) for i in range(first, end)):
            _lexis_headings(record, lines, head[: b + 2])
            return head[b + 1][1] if b + 1 < len(head) else end
    return 0


# --- Nexis Uni ------------------------------------------------------------------------


def _has_cover(text: str) -> bool:
    """Whether a text holds Nexis Uni's cover page (the job, the search, the list)."""
    return any(w in text for w in _UNI_COVER_WORDS) and _UNI_COVER.search(text) is not None


def _split_uni(text: str, dates: _DateReader) -> list[ExportedArticle] | None:
    ends = _bounded(_END_OF_DOCUMENT.lines(text))
    if ends is None:
        return None
    out: list[ExportedArticle] = []
    previous = 0
    for k, end in enumerate(ends):
        chunk = text[previous : end.start()]
        cover = k == 0 and _has_cover(chunk)
        article = _uni_document(chunk, cover, dates)
        if article is not None:
            out.append(article)
        previous = end.end()
    rest = text[previous:]
    if _UNI_BODY.search(rest) or _UNI_LENGTH.search(rest):  # the last document cut short
        article = _uni_document(rest, not ends and _has_cover(rest), dates)
        if article is not None:
            out.append(article)
    return out


def _without(text: str, matches: Iterator[re.Match[str]]) -> str:
    """The text with the matched spans cut out."""
    parts: list[str] = []
    previous = 0
    for m in matches:
        parts.append(text[previous : m.start()])
        previous = m.end()
    parts.append(text[previous:])
    return "".join(parts)


def _first_line(text: str, pattern: re.Pattern[str]) -> int | None:
    """The number of the first line the pattern matches in (a search in C, not a loop)."""
    m = pattern.search(text)
    return text.count("\n", 0, m.start()) if m else None


# On text whose lines are stripped.
_UNI_BODY_LINE = re.compile(r"^(?:Body|Text)$", re.MULTILINE)
_UNI_LENGTH_LINE = re.compile(r"^(?:Length|Länge|Longueur|Lengte):[ \t]*\d", re.MULTILINE)
_UNI_COPYRIGHT_LINE = re.compile(
    r"^(?:Copyright|©|\(c\)|Copr\.)[ \t]*(?:©|\(c\))?[ \t]*\d{4}", re.MULTILINE | re.IGNORECASE
)


def _uni_document(chunk: str, cover: bool, dates: _DateReader) -> ExportedArticle | None:
    """One Nexis Uni document (after the cover page, if `cover`)."""
    if "DOCUMENT" in chunk:  # Lexis Advance may keep the old "N of M DOCUMENTS" lines
        chunk = _without(chunk, _LN_HEADER.lines(chunk))
    text = _mark_pages("\n".join(_stripped_lines(chunk)))
    lines = text.split("\n")
    if not text.replace(_PAGE_MARK, "").strip():
        return None
    first = next((i for i, line in enumerate(lines[:HEAD_LINES]) if line != _PAGE_MARK and line), 0)
    # The headings end at "Body"; without it, after "Length:" (or the copyright line) and
    # the fields that follow. The cover page can be long: it is searched whole.
    scope = text if cover else "\n".join(lines[:HEAD_LINES])
    body_at = _first_line(scope, _UNI_BODY_LINE)
    if body_at is not None:
        head_end, start = body_at, body_at + 1
    else:
        anchor = _first_line(scope, _UNI_LENGTH_LINE)
        if anchor is None:
            anchor = _first_line(scope, _UNI_COPYRIGHT_LINE)
        if anchor is None and cover:
            return None
        if anchor is None:
            head_end = start = first + 1  # a title, and nothing to tell the rest by
        else:
            known = _known_uni_field(_UNI_HEAD_LABELS)
            head_end = anchor + 1
            stop = min(len(lines), anchor + 40)
            while head_end < stop and (
                not lines[head_end]
                or lines[head_end] == _PAGE_MARK
                or known(lines[head_end]) is not None
            ):
                head_end += 1
            start = head_end
    record = _Record(NEXIS_UNI, dates)
    head_start = max(0, head_end - 60) if cover else 0
    record.title = _uni_headings(record, lines[head_start:head_end], cover)
    body_end = _uni_tail(record, lines, start)
    body = _drop_pages("\n".join(lines[start:body_end]), record.title)
    return record.done(_paragraphs(body.split("\n")), load_date="Load-Date")


def _uni_headings(record: _Record, region: list[str], cover: bool) -> str | None:
    """Read title, publication, date line, edition, copyright and the fields before "Body";
    the title. After a cover page the title is the one line before the publication."""
    compact = [line for line in region if line and line != _PAGE_MARK]
    copyright_at = next(
        (
            k
            for k in range(len(compact) - 1, max(-1, len(compact) - 31), -1)
            if _COPYRIGHT_YEAR.match(compact[k])
        ),
        None,
    )
    if copyright_at is not None:
        record.field("Copyright", compact[copyright_at])
        before, fields = copyright_at, compact[copyright_at + 1 :]
    else:  # no copyright line: only known field names, or a title "Brexit: ..." is one
        known = _known_uni_field(_UNI_HEAD_LABELS | _UNI_TAIL_LABELS)
        before = len(compact)
        while before > 0 and known(compact[before - 1]) is not None:
            before -= 1
        fields = compact[before:]
    for label, value in _field_pairs(fields, _label_field):
        record.labelled(label, value)
    date_at = next(
        (k for k in range(before - 1, max(-1, before - 5), -1) if _is_date_line(compact[k])),
        None,
    )
    source = ""
    if date_at is not None:
        record.date(compact[date_at])
        record.field("Edition", " ".join(compact[date_at + 1 : before]))
        source = compact[date_at - 1] if date_at >= 1 else ""
        title = compact[: max(date_at - 1, 0)]
    else:  # the date line not read: by position, as the layout has it
        title = compact[:before][-3:] if cover else compact[:before]
        if len(title) >= 3:
            record.date(title[-1])
            title, source = title[:-2], title[-2]
        elif len(title) == 2:
            title, source = title[:1], title[1]
    record.hint("source", source)
    if cover:
        title = title[-1:]
    return " ".join(_dedupe(title)) or None


def _uni_tail(record: _Record, lines: list[str], start: int) -> int:
    """Read "Classification" and the fields after it, and a "Graphic" caption; where the
    text ends."""
    stop = len(lines)
    classification = next(
        (
            i
            for i in range(stop - 1, max(start - 1, stop - TAIL_LINES - 1), -1)
            if lines[i].casefold() == "classification"
        ),
        None,
    )
    if classification is not None:
        for label, value in _field_pairs(lines[classification + 1 :], _label_field):
            record.labelled(label, value)
        end = classification
    else:
        known = _known_uni_field(_UNI_TAIL_LABELS)
        end = _trailer(record, lines, start, known, copyright="Copyright")
    graphic = next(
        (
            i
            for i in range(end - 1, max(start - 1, end - TAIL_LINES - 1), -1)
            if lines[i].casefold() in ("graphic", "graphics")
        ),
        None,
    )
    if graphic is not None:
        caption = [line for line in lines[graphic + 1 : end] if line and line != _PAGE_MARK]
        record.field("Graphic", " ".join(caption))
        end = graphic
    return max(end, start)


# --- Factiva --------------------------------------------------------------------------


def _accessions(text: str) -> list[re.Match[str]] | None:
    """The "Document <accession number>" lines that end Factiva's documents (None past
    MAX_DOCUMENTS of them, counting the lines with a malformed number too)."""
    lines = _bounded(_FACTIVA_ID.lines(text))
    return None if lines is None else [m for m in lines if _ACCESSION.search(m.group(1))]


def _split_factiva(text: str, dates: _DateReader) -> list[ExportedArticle] | None:
    ids = _accessions(text)
    if ids is None:
        return None
    out: list[ExportedArticle] = []
    previous = 0
    for m in ids:
        out.extend(_factiva_documents(text[previous : m.start()], m.group(1), dates))
        previous = m.end()
    return out


def _factiva_documents(chunk: str, accession: str, dates: _DateReader) -> list[ExportedArticle]:
    codes: list[re.Match[str]] = []
    for m in _CODE_LINE.finditer(chunk) if "HD" in chunk else ():
        codes.append(m)
        if len(codes) > 400:
            break
    names = {m.group(1) for m in codes}
    if "HD" in names and len(names & {"WC", "PD", "SN", "SC", "LA", "LP", "TD"}) >= 2:
        return _factiva_records(chunk, codes, accession, dates)
    article = _factiva_article(chunk, accession, dates)
    return [article] if article is not None else []


def _accession_date(record: _Record, accession: str) -> None:
    """The date in the accession number, for a document whose date line was not found."""
    m = _ACCESSION.search(accession)
    if m:
        record.date(f"{m.group(1)}-{m.group(2)}-{m.group(3)}")


def _factiva_records(
    chunk: str, codes: list[re.Match[str]], accession: str, dates: _DateReader
) -> list[ExportedArticle]:
    """Full records: each code's value is the text from its line to the next code's."""
    records: list[list[tuple[str, str]]] = []
    for k, m in enumerate(codes):
        code = m.group(1)
        value = chunk[m.end() : codes[k + 1].start() if k + 1 < len(codes) else len(chunk)]
        current = records[-1] if records else None
        has_title = current is not None and any(c == "HD" for c, _ in current)
        after_section = current is not None and current[-1][0] == "SE" and code == "HD"
        if current is None or (code in ("HD", "SE") and has_title and not after_section):
            records.append([])
        records[-1].append((code, value))
    out: list[ExportedArticle] = []
    for n, fields in enumerate(records):
        record = _Record(FACTIVA, dates)
        body: list[str] = []
        for code, value in fields:
            lines = _stripped_lines(value)
            if code in ("LP", "TD"):
                body.extend([*lines, ""])
            elif code == "HD":
                record.title = record.title or " ".join(" ".join(lines).split()) or None
            elif code == "PD":
                record.date(" ".join(lines))
            elif code in _FACTIVA_HINTS:
                record.hint(_FACTIVA_HINTS[code], " ".join(lines))
            else:
                record.field(code, " ".join(line for line in lines if line))
        if n == len(records) - 1:
            record.fields.setdefault("AN", accession)
            _accession_date(record, accession)
        text = _drop_pages(_mark_pages("\n".join(body)), None)
        out.append(record.done(_paragraphs(text.split("\n"))))
    return out


_FACTIVA_BANNER = frozenset(["factiva", "dow jones", "factiva, inc.", "dow jones & company"])
_BY_PREFIX = re.compile(r"(?:by|von|par|por|di|door|av|af)[ \t]+\S", re.IGNORECASE)
_NAME_WORD = re.compile(r"(?:[A-ZÀ-Þ][\w'’\-]*\.?|and|und|et|y|e|de|van|von|der|du|da|di|&)")
_TIME_LINE = re.compile(r"\d{1,2}[:.]\d{2}(?:[ \t]*[AaPp]\.?[Mm]\.?)?(?:[ \t]+[A-Z]{2,5})?")
_PAGE_VALUE = re.compile(r"(?:(?:page|pg\.?|p\.|seite|s\.)[ \t]*)?[A-Z]?\d{1,4}[A-Z]?", re.I)
_SOURCE_CODE = re.compile(r"[A-Z][A-Z0-9]{1,11}")
_LANGUAGES = frozenset((
    "english", "french", "german", "spanish", "italian", "dutch", "portuguese", "swedish",
    "danish", "norwegian", "finnish", "russian", "chinese", "japanese", "korean", "arabic",
    "polish", "turkish", "greek", "czech", "hungarian", "romanian", "hebrew", "indonesian",
    "malay", "catalan", "français", "deutsch", "español", "italiano", "nederlands",
    "português", "svenska", "dansk", "norsk", "suomi", "polski", "русский", "anglais",
    "allemand", "espagnol", "englisch", "französisch", "spanisch", "inglés", "inglese",
    "engels", "duits", "frans",
))  # fmt: skip


def _looks_like_name(line: str) -> bool:
    """Two to five capitalised words, no digits: an author's name more than a headline."""
    words = line.split()
    return (
        2 <= len(words) <= 5
        and all(_NAME_WORD.fullmatch(w) for w in words)
        and not any(c.isdigit() for c in line)
    )


def _factiva_heading(record: _Record, pre: list[str]) -> None:
    """Section, title and author: the lines before the word count, told apart by shape."""
    title = pre
    if len(pre) == 2:
        first, second = (len(line.split()) for line in pre)
        if _BY_PREFIX.match(pre[1]) or (_looks_like_name(pre[1]) and first > second <= 3):
            record.hint("byline", pre[1])
            title = pre[:1]
        elif first <= 3 and second > first:
            record.hint("section", pre[0])
            title = pre[1:]
    elif len(pre) >= 3:
        record.hint("section", pre[0])
        title = pre[1:]
        if _BY_PREFIX.match(pre[-1]) or _looks_like_name(pre[-1]):
            record.hint("byline", pre[-1])
            title = pre[1:-1]
    record.title = " ".join(title) or None


def _factiva_article(chunk: str, accession: str, dates: _DateReader) -> ExportedArticle | None:
    """One document in Factiva's article format."""
    text = _drop_pages(_mark_pages("\n".join(_stripped_lines(chunk))), None)
    lines = text.split("\n")
    compact = [i for i in range(min(len(lines), HEAD_LINES)) if lines[i]]
    while compact and lines[compact[0]].casefold() in _FACTIVA_BANNER:
        compact.pop(0)
    if not compact:
        return None
    record = _Record(FACTIVA, dates)
    record.field("AN", accession)
    words = next(
        (k for k in range(min(len(compact), 25)) if _WORDS_LINE.fullmatch(lines[compact[k]])),
        None,
    )
    if words is None:
        record.title = lines[compact[0]]
        _accession_date(record, accession)
        return record.done(_paragraphs(lines[compact[0] + 1 :]))
    _factiva_heading(record, [lines[i] for i in compact[max(0, words - 4) : words]])
    record.hint("length", lines[compact[words]])
    after = compact[words + 1 : words + 13]
    copyright_at = next((k for k, i in enumerate(after) if _COPYRIGHT.match(lines[i])), None)
    if copyright_at is None:
        language_at = next(
            (k for k, i in enumerate(after) if lines[i].casefold() in _LANGUAGES), None
        )
        meta = after[: language_at + 1] if language_at is not None else after[:2]
        start = meta[-1] + 1 if meta else compact[words] + 1
    else:
        meta = after[:copyright_at]
        record.field("CY", lines[after[copyright_at]])
        start = after[copyright_at] + 1
    _factiva_meta(record, [lines[i] for i in meta])
    _accession_date(record, accession)
    return record.done(_paragraphs(lines[start:]))


def _factiva_meta(record: _Record, meta: list[str]) -> None:
    """Date, time, publication, source code, edition, page and language, in that order."""
    if meta and meta[-1].casefold() in _LANGUAGES:
        record.hint("language", meta[-1])
        meta = meta[:-1]
    rest: list[str] = []
    for line in meta:
        if "date" not in record.hints and _is_date_line(line):
            record.date(line)
        elif _TIME_LINE.fullmatch(line):
            record.field("ET", line)
        elif "source" not in record.hints:
            record.hint("source", line)
        elif "SC" not in record.fields and _SOURCE_CODE.fullmatch(line) and not rest:
            record.field("SC", line)
        else:
            rest.append(line)
    for line in rest:
        record.field("PG" if _PAGE_VALUE.fullmatch(line) else "ED", line)


# --- entry points ---------------------------------------------------------------------


def _detect(text: str) -> str | None:
    """The database whose markers the (line-break normalised) text carries."""
    if (
        "End of Document" in text
        and _END_OF_DOCUMENT.search(text)
        and (_UNI_BODY.search(text) or _UNI_LENGTH.search(text))
    ):
        return NEXIS_UNI
    if next(_lexis_headers(text), None) and _LN_FIELD_MARK.search(text):
        return LEXISNEXIS
    for _, m in zip(range(50), _FACTIVA_ID.lines(text), strict=False):
        if _ACCESSION.search(m.group(1)):
            if _WORDS_LINE.search(text) or _HD_LINE.search(text):
                return FACTIVA
            break
    return None


def detect_export(text: str) -> str | None:
    """The database ("LexisNexis", "Nexis Uni", "Factiva") whose export the text looks like,
    from its markers alone, or None.

    A marker is a line of its own ("3 of 10 DOCUMENTS", "End of Document", "Document
    <accession number>") and each wants a second kind beside it (LENGTH:, Body, "N words"),
    so a story that mentions one of them in its prose is not taken for an export.
    """
    if not isinstance(text, str) or not text:
        return None
    return _detect(_line_breaks(text))


_SPLITTERS: dict[str, Callable[[str, _DateReader], list[ExportedArticle] | None]] = {
    LEXISNEXIS: _split_lexis,
    NEXIS_UNI: _split_uni,
    FACTIVA: _split_factiva,
}


def split_export(text: str) -> list[ExportedArticle] | None:
    """The articles of a LexisNexis, Nexis Uni or Factiva export, in file order, or None when
    the text is not one (or holds no document).

    A document whose text is empty still gives an entry, with text "", for the caller to
    report. Any input is taken: the splitter never raises, and its time is bounded.
    """
    if not isinstance(text, str) or not text:
        return None
    try:
        normalized = _normalize(text)
        database = _detect(normalized)
        if database is None:
            return None
        articles = _SPLITTERS[database](normalized, _DateReader())
    except Exception:  # a flaw in these heuristics must cost the split, never the file
        return None
    return articles or None
