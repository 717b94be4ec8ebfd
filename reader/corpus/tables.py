"""Tables of articles: CSV, TSV and Excel workbooks (XLSX), one article per data row.

News APIs and research exports hand corpora out as spreadsheets (Media Cloud's story lists,
GDELT's tables, a project's hand-coded sheet), so a row is an article and its header names the
fields. Column names map as JSON field names do (`formats.FIELD_NAMES`, any case), plus the
news APIs' own names. Rules a user can rely on:

- The header is the first of the first ten non-blank rows that names a title or text column
  (a title line above the header is common in hand-made sheets). A CSV's delimiter is the one
  of `,` `;` tab `|` that makes such a header of the most columns; a TSV's is the tab.
- Every worksheet whose header names a title or text column is read, in workbook order; the
  others (a codebook, notes) are passed over. Row ids count on across sheets.
- Ids are `{doc_id}#{n}`, `n` counting from 0 the non-blank rows below the header: blank rows
  (all cells empty) are not data rows, so inserting one changes no id.
- A row with a title but no text becomes a title-only article (its text is the title,
  `hints["title_only"]`); a row with neither is reported and the others are still read.

Hostile files fail with a reason, never another exception: a cell over `MAX_CELL_CHARS`
refuses its row only (csv's field limit is process-wide: it is raised to that bound, never
lowered); a workbook whose zip declares more than `MAX_XLSX_UNPACKED` bytes, or a part
compressed beyond `MAX_XLSX_RATIO`, or XML with a DTD (entity expansion) is refused before
openpyxl parses it; openpyxl parses with defusedxml besides, which this module requires.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from reader.corpus.decoding import MAX_ARTICLE_BYTES, UnreadableText, decode_bytes
from reader.corpus.formats import FIELD_NAMES, RecordError, html_main_text
from reader.corpus.html_text import strip_html
from reader.corpus.model import SourceText

MAX_CELL_CHARS = MAX_ARTICLE_BYTES
"""A cell longer than one article file may be holds no article (a dump pasted into a cell)."""
MAX_XLSX_UNPACKED = 256 * 1024**2
"""A workbook whose parts unpack to more than this is refused: openpyxl holds all shared
strings in memory, and 256 MB of XML is tens of thousands of long articles."""
MAX_XLSX_RATIO = 100
"""Spreadsheet XML typically compresses 5 to 30 times; a part compressed more than this (past
`RATIO_FLOOR`) is a zip bomb."""
RATIO_FLOOR = 1024**2
"""Parts smaller than this unpack harmlessly whatever their ratio."""
HEADER_SCAN_ROWS = 10
"""Non-blank rows of a sheet searched for its header."""
EXCEL_MAX_ROWS = 1_048_576
"""Excel's last row: row numbers past it only come from a damaged or hostile file."""

CSV_DELIMITERS = (",", ";", "\t", "|")
"""A CSV's delimiter is the one of these that makes a header (naming a title or text column)
of the most columns: only the right one makes a cell read exactly `title` or `text`."""

_EXTRA_NAMES: dict[str, tuple[str, ...]] = {
    # Media Cloud: media_name, publish_date, stories_id, url; GDELT: DocumentIdentifier
    # (GKG), SOURCEURL (events), SourceCommonName, DATE, GKGRECORDID.
    "url": ("documentidentifier", "sourceurl"),
    "source": ("media_name", "sourcecommonname"),
    "date": ("publish_date", "date"),
    "record_id": ("stories_id", "gkgrecordid"),
}
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    key: tuple(dict.fromkeys(n.casefold() for n in (*FIELD_NAMES.get(key, ()), *extra)))
    for key, extra in {**{k: () for k in FIELD_NAMES}, **_EXTRA_NAMES}.items()
}
"""Hint key → lower-case column names, in order of preference."""

_LOOKS_HTML = re.compile(r"<(p|div|br|article|span|h[1-6])\b[^>]*>", re.IGNORECASE)
_GDELT_DATE = re.compile(r"(\d{4})(\d\d)(\d\d)(?:(\d\d)(\d\d)(\d\d))?")
_QUOTED_TSV_FIELD = re.compile(r'(?:^|\t)"[^"]*(?:""[^"]*)*"(?=\t|\r|\n|$)', re.MULTILINE)

_T = TypeVar("_T")
_Quoting = Literal[0, 3]
"""csv.QUOTE_MINIMAL or csv.QUOTE_NONE."""


def _quietly(call: Callable[..., _T], *args: Any, **kwargs: Any) -> _T:
    """Call a library without its warnings: the user sees our reason, not openpyxl's notes."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return call(*args, **kwargs)


# -- columns and rows ------------------------------------------------------------------------


class _Columns:
    """Which column holds which field, from the header row's names."""

    def __init__(self, header: Sequence[str]) -> None:
        self.names = [name.strip().lstrip("\ufeff") for name in header]
        where: dict[str, list[int]] = {}
        for i, name in enumerate(self.names):
            where.setdefault(name.casefold(), []).append(i)
        self.index: dict[str, list[int]] = {}
        for key, names in COLUMN_NAMES.items():
            found = [i for name in names for i in where.get(name, ())]
            if found:
                self.index[key] = found

    @property
    def usable(self) -> bool:
        return "title" in self.index or "text" in self.index

    def value(self, cells: Sequence[str], key: str) -> str | None:
        for i in self.index.get(key, ()):
            if i < len(cells) and cells[i].strip():
                return cells[i].strip()
        return None

    def describe(self) -> str:
        shown = ", ".join(name or "(unnamed)" for name in self.names[:12])
        more = f", … ({len(self.names)} columns)" if len(self.names) > 12 else ""
        return shown + more

    def raw(self, cells: Sequence[str]) -> str:
        """The row as `column: value` lines (empty cells left out)."""
        lines = []
        for i, value in enumerate(cells):
            if value.strip():
                name = self.names[i] if i < len(self.names) and self.names[i] else f"column {i + 1}"
                lines.append(f"{name}: {value}")
        return "\n".join(lines)


def _no_columns(columns: _Columns) -> RecordError:
    return RecordError(
        "the header row names no title or text column (columns: "
        f"{columns.describe()}); expected title/headline or text/body/content"
    )


def _iso_date(value: str) -> str:
    """GDELT's 20230303 and 20230303143000 as ISO dates; anything else as it is."""
    match = _GDELT_DATE.fullmatch(value)
    if not match:
        return value
    y, m, d, hh, mm, ss = match.groups()
    try:
        if hh is None:
            return dt.date(int(y), int(m), int(d)).isoformat()
        return dt.datetime(int(y), int(m), int(d), int(hh), int(mm), int(ss)).isoformat()
    except ValueError:
        return value


def _row_source(
    doc_id: str, path: str, fmt: str, n: int, columns: _Columns, cells: Sequence[str], where: str
) -> SourceText | RecordError:
    """One data row → one article, or the reason it is none."""
    too_big = max((len(c) for c in cells), default=0)
    if too_big > MAX_CELL_CHARS:
        return _too_large(n, too_big, where)
    hints: dict[str, Any] = {
        key: columns.value(cells, key) for key in (*FIELD_NAMES, "record_id") if key != "text"
    }
    if hints["date"]:
        hints["date"] = _iso_date(hints["date"])
    text = (columns.value(cells, "text") or "").replace("\r\n", "\n").replace("\r", "\n")
    if text and _LOOKS_HTML.search(text):
        main, html_hints = _quietly(html_main_text, text)
        for key, value in html_hints.items():
            hints[key] = hints.get(key) or value
        # trafilatura passes over a fragment of a sentence or two: then the tags just go.
        text = main or strip_html(text)
    title = hints.get("title")
    if not text.strip():
        if not title:
            return RecordError(f"row {n}: no title or text ({where})")
        text = title
        hints["title_only"] = True
    return SourceText(
        id=f"{doc_id}#{n}",
        path=path,
        format=fmt,
        text=text,
        raw=columns.raw(cells),
        hints={k: v for k, v in hints.items() if v is not None},
        scraped=False,
    )


def _too_large(n: int, size: int, where: str) -> RecordError:
    return RecordError(
        f"row {n}: a cell of {size / 1024**2:.1f} MB, larger than the "
        f"{MAX_CELL_CHARS / 1024**2:.0f} MB a cell may hold; row skipped ({where})"
    )


@dataclass(frozen=True, slots=True)
class _Refused:
    """A row the csv module would not read: too large, or its reason."""

    size: int
    reason: str


def _rows_to_sources(
    doc_id: str,
    path: str,
    fmt: str,
    columns: _Columns,
    rows: Iterable[tuple[str, list[str] | _Refused]],
) -> Iterator[SourceText | RecordError]:
    """Data rows (each with where it is, for messages) → articles; blank rows don't count."""
    n = 0
    for where, cells in rows:
        if isinstance(cells, _Refused):
            if cells.size > MAX_CELL_CHARS:
                yield _too_large(n, cells.size, where)
            else:
                yield RecordError(f"row {n}: unreadable ({cells.reason}; {where})")
        elif not any(c.strip() for c in cells):
            continue
        else:
            yield _row_source(doc_id, path, fmt, n, columns, cells, where)
        n += 1
    if n == 0:
        yield RecordError("a header row and no data rows")


# -- CSV and TSV ----------------------------------------------------------------------------


def read_csv(doc_id: str, path: str, data: bytes) -> Iterator[SourceText | RecordError]:
    """Comma-separated values (or `;`, tab, `|`: whichever splits the header most)."""
    return _read_delimited(doc_id, path, data, "csv")


def read_tsv(doc_id: str, path: str, data: bytes) -> Iterator[SourceText | RecordError]:
    """Tab-separated values; quoted fields are honoured only when the file has some."""
    return _read_delimited(doc_id, path, data, "tsv")


def _decode_table(data: bytes) -> str:
    if data[:4] == b"PK\x03\x04":
        raise RecordError("a zip archive (an Excel workbook?), not a text table")
    try:
        text, _encoding = decode_bytes(data)
    except UnreadableText as exc:
        raise RecordError(str(exc)) from None
    return text


def _tsv_quoting(text: str) -> _Quoting:
    """TSV exports rarely quote, and a lone `"` must then stay a character: quotes count only
    when the file's start has a properly quoted field."""
    return csv.QUOTE_MINIMAL if _QUOTED_TSV_FIELD.search(text[:65536]) else csv.QUOTE_NONE


class _Lines:
    """The text's lines (ends kept) from a position on, counting them, for `csv.reader`."""

    def __init__(self, text: str, pos: int, lineno: int) -> None:
        self.text, self.pos, self.lineno = text, pos, lineno

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self.pos >= len(self.text):
            raise StopIteration
        end = _line_end(self.text, self.pos, len(self.text))
        line = self.text[self.pos : end]
        self.pos = end
        self.lineno += 1
        return line


def _line_end(text: str, pos: int, stop: int) -> int:
    """Where the line starting at `pos` ends (after its \\n, \\r or \\r\\n), or `stop`."""
    newline = text.find("\n", pos, stop)
    bound = stop if newline < 0 else newline
    cr = text.find("\r", pos, bound)
    if cr >= 0:
        return cr + 2 if text.startswith("\n", cr + 1) else cr + 1
    return bound if newline < 0 else newline + 1


def _count_lines(text: str, start: int, end: int) -> int:
    crlf = text.count("\r\n", start, end)
    return text.count("\n", start, end) + text.count("\r", start, end) - crlf


def _record_end(text: str, pos: int, delimiter: str, quotechar: str | None) -> int:
    """Where the CSV record starting at `pos` ends: after the first line end outside quotes.

    Steps over a record the csv module refused, with `str.find` (a 60 MB cell takes
    milliseconds), without copying it.
    """
    size = len(text)
    line_end = pos
    while pos < size:
        if quotechar and text.startswith(quotechar, pos):
            pos += 1
            while True:  # to the closing quote: one not doubled
                close = text.find(quotechar, pos)
                if close < 0:
                    return size
                pos = close + 1
                if not text.startswith(quotechar, pos):
                    break
                pos += 1
        if line_end <= pos:  # else the line end found before is still the next one
            line_end = _line_end(text, pos, size)
        delimiter_at = text.find(delimiter, pos, line_end)
        if delimiter_at < 0:
            return line_end
        pos = delimiter_at + 1
    return size


def _ensure_field_limit() -> None:
    """csv's field limit (128 KB by default) is process-wide: raise it to ours, never lower
    it (`_row_source` checks cell sizes itself when someone else set it higher)."""
    if csv.field_size_limit() < MAX_CELL_CHARS:
        csv.field_size_limit(MAX_CELL_CHARS)


_Record = tuple[int, list[str] | csv.Error, int]
"""(first line, cells or the csv module's error, size in characters)."""


def _csv_records(text: str, delimiter: str, quoting: _Quoting) -> Iterator[_Record]:
    """The table's records; after an error the refused record is stepped over (without being
    read into memory) and reading goes on with the next."""
    _ensure_field_limit()
    quotechar = None if quoting == csv.QUOTE_NONE else '"'
    lines = _Lines(text, 0, 0)
    while True:
        reader = csv.reader(lines, delimiter=delimiter, quoting=quoting, quotechar=quotechar)
        while True:
            start, first = lines.pos, lines.lineno + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                end = _record_end(text, start, delimiter, quotechar)
                spanned = _count_lines(text, start, end) or 1
                yield first, exc, end - start
                lines = _Lines(text, end, first - 1 + spanned)
                break
            yield first, cells, lines.pos - start


def _find_header(records: Iterator[_Record]) -> tuple[_Columns | None, _Columns | None]:
    """(the header, the first non-blank row): the header is the first of the first
    `HEADER_SCAN_ROWS` non-blank rows that names a title or text column."""
    first: _Columns | None = None
    scanned = 0
    for _lineno, cells, _size in records:
        if isinstance(cells, csv.Error):
            break
        if not any(c.strip() for c in cells):
            continue
        columns = _Columns(cells)
        first = first or columns
        if columns.usable:
            return columns, first
        scanned += 1
        if scanned >= HEADER_SCAN_ROWS:
            break
    return None, first


def _read_delimited(
    doc_id: str, path: str, data: bytes, fmt: str
) -> Iterator[SourceText | RecordError]:
    text = _decode_table(data)
    options: list[tuple[str, _Quoting]]
    if fmt == "tsv":
        options = [("\t", _tsv_quoting(text))]
    else:
        options = [(d, csv.QUOTE_MINIMAL) for d in CSV_DELIMITERS]
    # The delimiter is the one that makes a header of the most columns (only the right one
    # makes a cell read exactly `title` or `text`).
    best: tuple[int, str, _Quoting] | None = None
    first_rows: list[_Columns] = []
    for delimiter, quoting in options:
        header, first = _find_header(_csv_records(text, delimiter, quoting))
        if first is not None:
            first_rows.append(first)
        if header is not None and (best is None or len(header.names) > best[0]):
            best = (len(header.names), delimiter, quoting)
    if best is None:
        if not first_rows:
            raise RecordError("no rows, not even a header")
        raise _no_columns(max(first_rows, key=lambda c: len(c.names)))
    _width, delimiter, quoting = best
    records = _csv_records(text, delimiter, quoting)
    columns, _first = _find_header(records)
    if columns is None:  # cannot be: the same records made a header above
        raise RecordError("no header row")
    rows = (
        (f"line {lineno}", _Refused(size, str(cells)) if isinstance(cells, csv.Error) else cells)
        for lineno, cells, size in records
    )
    yield from _rows_to_sources(doc_id, path, fmt, columns, rows)


# -- XLSX ------------------------------------------------------------------------------------


def read_xlsx(doc_id: str, path: str, data: bytes) -> Iterator[SourceText | RecordError]:
    """An Excel workbook (.xlsx): every worksheet with a header row naming a title or text
    column, rows as articles, cell values as text (dates ISO, whole numbers without `.0`)."""
    _check_workbook_zip(data)
    import openpyxl
    from defusedxml import DefusedXmlException

    try:
        book = _quietly(
            openpyxl.load_workbook,
            io.BytesIO(data),
            read_only=True,
            data_only=True,
            keep_links=False,
        )
    except Exception as exc:  # openpyxl's errors on a damaged workbook are of any type
        if _caused_by(exc, DefusedXmlException):  # openpyxl wraps it in a ValueError
            raise _entities_refused() from None
        raise RecordError(f"not a readable XLSX workbook ({_brief(exc)})") from None
    try:
        yield from _read_book(doc_id, path, book)
    finally:
        _quietly(book.close)


def _read_book(doc_id: str, path: str, book: Any) -> Iterator[SourceText | RecordError]:
    from defusedxml import DefusedXmlException

    n = 0
    headers_seen = 0
    first_columns: tuple[str, _Columns] | None = None
    for sheet in book.worksheets:
        sheet.reset_dimensions()  # read-only sheets trust a declared size that may be wrong
        rows = _quiet_rows(sheet.iter_rows(values_only=True))
        columns: _Columns | None = None
        scanned = 0
        rowno = 0
        while True:
            try:
                values = next(rows, None)
            except Exception as exc:
                if _caused_by(exc, DefusedXmlException):
                    raise _entities_refused() from None
                yield RecordError(
                    f"sheet “{sheet.title}” is damaged after row {rowno} ({_brief(exc)}); "
                    "the rows before it were read"
                )
                break
            if values is None:
                break
            rowno += 1
            if rowno > EXCEL_MAX_ROWS:
                yield RecordError(
                    f"sheet “{sheet.title}” has rows past Excel's last row "
                    f"({EXCEL_MAX_ROWS:,}); the rest of it is skipped"
                )
                break
            cells = [_cell_text(v) for v in values]
            if columns is None:
                if not any(c.strip() for c in cells):
                    continue
                candidate = _Columns(cells)
                if first_columns is None:
                    first_columns = (sheet.title, candidate)
                if candidate.usable:
                    columns = candidate
                    headers_seen += 1
                    continue
                scanned += 1
                if scanned >= HEADER_SCAN_ROWS:
                    break
                continue
            if not any(c.strip() for c in cells):
                continue
            where = f"sheet “{sheet.title}”, row {rowno}"
            item = _row_source(doc_id, path, "xlsx", n, columns, cells, where)
            if isinstance(item, SourceText):
                item.hints["sheet"] = sheet.title
            yield item
            n += 1
    if headers_seen == 0:
        if first_columns is None:
            raise RecordError("the workbook's sheets are empty")
        title, columns = first_columns
        raise RecordError(
            "no sheet has a header row naming a title or text column (first row of sheet "
            f"“{title}”: {columns.describe()}); expected title/headline or text/body/content"
        )
    if n == 0:
        yield RecordError("a header row and no data rows")


def _quiet_rows(rows: Iterator[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    """openpyxl's rows, read a batch at a time inside `warnings.catch_warnings` (per row it
    would cost more than the row)."""
    while True:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            batch = list(itertools.islice(rows, 256))
        if not batch:
            return
        yield from batch


def _cell_text(value: Any) -> str:
    """A cell's value as text: ISO dates, whole numbers without `.0`, TRUE/FALSE."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            return False
        if isinstance(seen, kind):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _entities_refused() -> RecordError:
    return RecordError(
        "refused: the workbook's XML declares a DTD or entities (the way a small file "
        "expands to gigabytes); spreadsheets never need them"
    )


def _brief(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    text = text[:200] + "…" if len(text) > 200 else text
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _check_workbook_zip(data: bytes) -> None:
    """Refuse, with the reason, what is not a workbook or would expand beyond reason — from
    the zip's own directory, before anything is unpacked."""
    if not data.strip():
        raise RecordError("empty file")
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise RecordError(
            "an Excel 97–2003 (.xls) or password-protected workbook: save it as .xlsx "
            "without a password to read it"
        )
    if data[:4] != b"PK\x03\x04":
        raise RecordError("not an XLSX workbook (an XLSX file is a zip archive; this is not)")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError, NotImplementedError) as exc:
        raise RecordError(f"not an XLSX workbook: a damaged zip archive ({exc})") from None
    with archive:
        infos = archive.infolist()
        names = {info.filename for info in infos}
        if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
            raise RecordError("a zip archive, but not an XLSX workbook (no xl/ folder)")
        total = sum(info.file_size for info in infos)
        if total > MAX_XLSX_UNPACKED:
            raise RecordError(
                f"refused: the workbook would unpack to {total / 1024**2:,.0f} MB (limit "
                f"{MAX_XLSX_UNPACKED / 1024**2:.0f} MB): a zip bomb, or too big to read"
            )
        for info in infos:
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > RATIO_FLOOR and ratio > MAX_XLSX_RATIO:
                raise RecordError(
                    f"refused: {info.filename} is compressed {ratio:,.0f} to 1 (limit "
                    f"{MAX_XLSX_RATIO} to 1), the mark of a zip bomb"
                )
        for info in infos:
            if info.filename.endswith((".xml", ".rels")):
                _check_no_dtd(archive, info)


def _check_no_dtd(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """A DTD sits before the root element: the start of each XML part tells (openpyxl's
    defusedxml catches one hidden further down)."""
    try:
        with archive.open(info) as part:
            head = part.read(65536)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError,
            ValueError, zlib.error) as exc:  # fmt: skip
        raise RecordError(f"not a readable XLSX workbook: {info.filename}: {exc}") from None
    head = head.replace(b"\x00", b"")  # UTF-16 parts read as ASCII
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise _entities_refused()
