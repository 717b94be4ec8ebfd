"""An HTML page's or fragment's visible text, block by block, without extraction.

What the readers use where trafilatura's main-text extraction is not wanted or not possible:
a feed's teaser, an e-mail's HTML body, a table cell, a news-database export saved as HTML, a
page too large for the extractor.
"""

from __future__ import annotations

import re

_XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*>", re.IGNORECASE)
_DROPPED = ("script", "style", "head", "title", "noscript", "template", "svg", "object")
_BLOCKS = (
    "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "pre", "table", "tr", "section", "article", "header", "footer", "aside",
    "figure", "figcaption", "address", "hr", "main", "nav", "form", "center",
)  # fmt: skip
_CELLS = ("td", "th")
_BLANK_LINE = re.compile(r"\n[ \t\f\v\u00a0]*\n")
_TAG = re.compile(r"<[^>]*>")


def paragraphs(text: str, *, collapse_spaces: bool = True) -> str:
    """Text with its paragraphs one blank line apart and no trailing spaces.

    `collapse_spaces=False` keeps lines' leading indentation, which the cleaner reads in
    hard-wrapped plain text (a paragraph's indented first line, a bullet's continuation).
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    out: list[str] = []
    for block in _BLANK_LINE.split(text):
        if collapse_spaces:
            lines = [" ".join(line.split()) for line in block.split("\n")]
        else:
            lines = [line.rstrip() for line in block.split("\n")]
        kept = [line for line in lines if line.strip()]
        if kept:
            out.append("\n".join(kept))
    return "\n\n".join(out)


_NOT_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


def strip_html(html: str) -> str:
    """The visible text of HTML, block by block: no extraction, nothing dropped but code."""
    import lxml.html
    from lxml import etree

    source = _XML_DECLARATION.sub("", html, count=1)  # lxml refuses it in a str
    source = _NOT_XML_CHARS.sub(" ", source)  # nor control characters
    if not source.strip():
        return ""
    try:
        root = lxml.html.document_fromstring(source)
    except (etree.ParserError, ValueError):
        return paragraphs(_TAG.sub(" ", source))
    for element in list(root.iter(*_DROPPED)):
        element.drop_tree()
    for element in root.iter("br"):
        element.tail = "\n" + (element.tail or "")
    for element in root.iter(*_BLOCKS):
        element.text = "\n\n" + (element.text or "")
        element.tail = "\n\n" + (element.tail or "")
    for element in root.iter(*_CELLS):
        element.tail = " " + (element.tail or "")
    return paragraphs(str(root.text_content()))


def rough_text(html: str) -> str:
    """Tags turned into line breaks, nothing parsed: enough to look for markers (a news
    database's "End of Document") before paying for `strip_html`."""
    return _TAG.sub("\n", html)
