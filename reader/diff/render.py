"""Readable forms of an :class:`ArticleDiff`: Markdown, a self-contained HTML page, and
rich renderables for the terminal. They only draw the diff's data; nothing is recomputed.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from reader.diff.chunks import LABEL_TEXT, AlignedRow, ArticleDiff, DiffChunk

__all__ = ["row_heading", "style_changes", "to_html", "to_markdown", "to_rich"]

_MD_SPECIAL_RE = re.compile(r"([\\`*_~\[\]<>#|])")
_SPACE_RE = re.compile(r"\s+")

KIND_TEXT = {
    "equal": "unchanged",
    "edited": "edited",
    "added": "added",
    "removed": "removed",
    "moved": "moved",
    "merged": "merged",
    "split": "split",
}


def _paras(numbers: tuple[int, ...]) -> str:
    return "+".join(f"¶{n + 1}" for n in numbers)


def row_heading(row: AlignedRow) -> str:
    """ "¶3 → ¶4 · edited · number or date changed": where the row is and what changed."""
    if row.a_paras and row.b_paras:
        where = f"A{_paras(row.a_paras)} → B{_paras(row.b_paras)}"
    elif row.a_paras:
        where = f"A{_paras(row.a_paras)}"
    else:
        where = f"B{_paras(row.b_paras)}"
    if row.kind == "moved":
        where += " (moved out of A)" if row.a_paras else " (moved here in B)"
    words = [KIND_TEXT[row.kind]]
    own = {"added", "removed", "moved", "merged", "split"} & {row.kind, row.kind[:-1]}
    words += [LABEL_TEXT[x] for x in row.labels if x not in own]
    return " · ".join([where, *dict.fromkeys(words)])


def _show(text: str) -> str:
    """A style difference made visible: whitespace drawn, look-alike letters named."""
    if not text:
        return "∅"
    if text.isspace():
        return "⏎" * text.count("\n") if "\n" in text else "␣" * len(text)
    odd = [ch for ch in text if not ch.isascii() and unicodedata.category(ch).startswith("L")]
    if odd:
        names = ", ".join(unicodedata.name(ch, hex(ord(ch))).lower() for ch in dict.fromkeys(odd))
        return f"{text} ({names})"
    return text


def _word_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a span inside a word to the whole word ("o" -> "Officials")."""
    if start < end and any(ch.isalnum() for ch in text[start:end]):
        while start > 0 and text[start - 1].isalnum():
            start -= 1
        while end < len(text) and text[end].isalnum():
            end += 1
    return start, end


def style_changes(d: ArticleDiff, chunks: tuple[DiffChunk, ...]) -> list[tuple[str, str, int]]:
    """The style-only differences of some chunks, counted: (in A, in B, times).

    A difference inside a word is given as the whole word; whitespace that only joins or
    splits paragraphs is left out (the row says merged or split).
    """
    counts: Counter[tuple[str, str]] = Counter()
    for c in chunks:
        if not c.is_style_only:
            continue
        a0, a1 = _word_span(d.a_text, c.a_start, c.a_end)
        b0, b1 = _word_span(d.b_text, c.b_start, c.b_end)
        pair = (d.a_text[a0:a1], d.b_text[b0:b1])
        if pair[0].strip() or pair[1].strip():
            counts[pair] += 1
    return [(a, b, n) for (a, b), n in counts.items()]


def _flat(text: str) -> str:
    return _SPACE_RE.sub(" ", text)


# --- Markdown ---------------------------------------------------------------------------


def _md(text: str) -> str:
    return _MD_SPECIAL_RE.sub(r"\\\1", _flat(text))


def _md_inline(d: ArticleDiff, row: AlignedRow) -> str:
    """One paragraph with ~~removed~~ and **added** words; style shown in B's form."""
    parts: list[str] = []
    for c in row.chunks:
        a, b = d.a_text[c.a_start : c.a_end], d.b_text[c.b_start : c.b_end]
        if c.tag == "equal" or c.is_style_only:
            parts.append(_md(b))
            continue
        lead = " " if a[:1].isspace() or b[:1].isspace() else ""
        trail = " " if a[-1:].isspace() or b[-1:].isspace() else ""
        marks = []
        if a.strip():
            marks.append(f"~~{_md(a.strip())}~~")
        if b.strip():
            marks.append(f"**{_md(b.strip())}**")
        parts.append(lead + " ".join(marks) + trail)
    return _flat("".join(parts)).strip()


def _md_row(d: ArticleDiff, row: AlignedRow) -> Iterator[str]:
    yield f"**{row_heading(row)}**"
    yield ""
    if row.kind == "removed" or (row.kind == "moved" and row.a_paras):
        body = d.a_text[row.a_span[0] : row.a_span[1]]
        yield f"> ~~{_md(body.strip())}~~" if row.kind == "removed" else f"> {_md(body.strip())}"
    elif row.kind == "added":
        yield f"> **{_md(d.b_text[row.b_span[0] : row.b_span[1]].strip())}**"
    else:
        yield f"> {_md_inline(d, row)}"
    changes = style_changes(d, row.chunks)
    if changes and not (row.kind == "moved" and not row.a_paras):
        listed = ", ".join(
            f"{_md(_show(a))} → {_md(_show(b))}" + (f" ×{n}" if n > 1 else "")
            for a, b, n in changes
        )
        yield ""
        yield f"*style only:* {listed}"
    yield ""


def to_markdown(d: ArticleDiff, a_name: str = "A", b_name: str = "B") -> str:
    """The diff as a Markdown document, one block per row of the side-by-side view."""
    s = d.summary
    lines = [
        f"# Diff of {_md(a_name)} (A) and {_md(b_name)} (B)",
        "",
        f"A keeps {s.kept:.0%} of its words in B · {s.words_added} words added · "
        f"{s.words_removed} words removed · normalisation {'on' if d.normalised else 'off'}"
        + (" · coarse (long input)" if d.coarse else ""),
        "",
        "~~struck~~: only in A · **bold**: only in B · style-only differences are listed under "
        "their paragraph.",
        "",
    ]
    for row in d.rows:
        lines.extend(_md_row(d, row))
    return "\n".join(lines).rstrip() + "\n"


# --- HTML -------------------------------------------------------------------------------

_CSS = """
body{font:15px/1.5 Georgia,serif;margin:1.5em;color:#222;background:#fff}
h1{font-size:1.3em}
.summary{color:#444;margin-bottom:1em}
table{border-collapse:collapse;width:100%;table-layout:fixed}
td{vertical-align:top;padding:.4em .6em;border-top:1px solid #ddd;white-space:pre-wrap;
   overflow-wrap:anywhere}
th{text-align:left;padding:.4em .6em;background:#f3f3f3}
tr.head td{border-top:2px solid #bbb;padding-bottom:0;font:12px sans-serif;color:#555}
del{background:#fdd;color:#900;text-decoration:line-through}
ins{background:#dfd;color:#060;text-decoration:none}
.style{background:#ffe9b3;border-bottom:1px dotted #a70}
.moved{background:#eef}
.label{display:inline-block;margin-right:.4em;padding:0 .4em;border:1px solid #bbb;
       border-radius:3px;background:#fafafa}
.empty{background:#f7f7f7}
"""


def _h(text: str) -> str:
    return html.escape(text, quote=True)


def _html_side(d: ArticleDiff, row: AlignedRow, side: str) -> str:
    text = d.a_text if side == "a" else d.b_text
    parts: list[str] = []
    for c in row.chunks:
        start, end = (c.a_start, c.a_end) if side == "a" else (c.b_start, c.b_end)
        piece = text[start:end]
        if not piece:
            continue
        if c.tag == "equal":
            parts.append(_h(piece))
        elif c.is_style_only:
            other = d.b_text[c.b_start : c.b_end] if side == "a" else d.a_text[c.a_start : c.a_end]
            parts.append(f'<span class="style" title="style only; other side: {_h(other)}">'
                         f"{_h(piece)}</span>")  # fmt: skip
        else:
            tag = "del" if side == "a" else "ins"
            parts.append(f"<{tag}>{_h(piece)}</{tag}>")
    return "".join(parts).strip()


def to_html(d: ArticleDiff, a_name: str = "A", b_name: str = "B") -> str:
    """A self-contained page: inline CSS, every text escaped, no script, nothing fetched."""
    s = d.summary
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">",
        f"<title>Diff: {_h(a_name)} / {_h(b_name)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_h(a_name)} (A) and {_h(b_name)} (B)</h1>",
        f'<p class="summary">A keeps {s.kept:.0%} of its words in B · {s.words_added} words '
        f"added · {s.words_removed} words removed · normalisation "
        f"{'on' if d.normalised else 'off'}</p>",
        f"<table><tr><th>{_h(a_name)}</th><th>{_h(b_name)}</th></tr>",
    ]
    for row in d.rows:
        labels = "".join(
            f'<span class="label">{_h(x)}</span>' for x in row_heading(row).split(" · ")
        )
        out.append(f'<tr class="head"><td colspan="2">{labels}</td></tr>')
        a_cell = _html_side(d, row, "a") if row.a_paras else ""
        b_cell = _html_side(d, row, "b") if row.b_paras else ""
        a_cls = ' class="moved"' if row.kind == "moved" and row.a_paras else ""
        b_cls = ' class="moved"' if row.kind == "moved" and row.b_paras else ""
        a_cls = a_cls or ("" if row.a_paras else ' class="empty"')
        b_cls = b_cls or ("" if row.b_paras else ' class="empty"')
        out.append(f"<tr><td{a_cls}>{a_cell}</td><td{b_cls}>{b_cell}</td></tr>")
    out.append("</table></body></html>")
    return "\n".join(out) + "\n"


# --- Terminal -----------------------------------------------------------------------------


def _rich_side(d: ArticleDiff, row: AlignedRow, side: str) -> Text:
    text = d.a_text if side == "a" else d.b_text
    out = Text()
    change_style = "bold red" if side == "a" else "bold green"
    for c in row.chunks:
        start, end = (c.a_start, c.a_end) if side == "a" else (c.b_start, c.b_end)
        piece = text[start:end]
        if c.tag == "equal":
            out.append(piece)
        elif c.is_style_only:
            out.append(piece, style="underline yellow")
        else:
            out.append(piece, style=change_style + (" strike" if side == "a" else ""))
    out.rstrip()
    if row.kind == "moved":
        out.stylize("on grey15")
    return out


def to_rich(d: ArticleDiff, a_name: str = "A", b_name: str = "B") -> RenderableType:
    """Two wrapped columns, paragraphs aligned, changes coloured, a heading above each row."""
    s = d.summary

    def columns(left: RenderableType, right: RenderableType) -> Table:
        grid = Table.grid(expand=True, padding=(0, 2))
        grid.add_column(ratio=1, overflow="fold")
        grid.add_column(ratio=1, overflow="fold")
        grid.add_row(left, right)
        return grid

    parts: list[RenderableType] = [
        Text(
            f"A keeps {s.kept:.0%} of its words in B · {s.words_added} words added · "
            f"{s.words_removed} words removed · normalisation {'on' if d.normalised else 'off'}",
            style="bold",
        ),
        Text.assemble(
            ("only in A", "bold red strike"),
            " · ",
            ("only in B", "bold green"),
            " · ",
            ("style only", "underline yellow"),
            " · ",
            ("moved", "on grey15"),
        ),
        Text(""),
        columns(Text(f"A: {a_name}", style="bold"), Text(f"B: {b_name}", style="bold")),
    ]
    for row in d.rows:
        style = "dim" if row.kind == "equal" and not row.labels else "cyan"
        parts.append(Text(""))
        parts.append(Text(row_heading(row), style=style))
        a_cell = _rich_side(d, row, "a") if row.a_paras else Text("")
        b_cell = _rich_side(d, row, "b") if row.b_paras else Text("")
        parts.append(columns(a_cell, b_cell))
    return Group(*parts)
