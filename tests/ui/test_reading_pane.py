"""The reading pane: header, captions apart, raw switch, Markdown, entity colours, no network."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QTextDocument

from reader.corpus.importer import load_article
from reader.entities.model import EntitySpan
from reader.ui.reading_pane import ReadingPane


def pane_for(qtbot) -> ReadingPane:
    pane = ReadingPane()
    qtbot.addWidget(pane)
    pane.resize(700, 600)
    pane.show()
    return pane


def test_header_body_and_captions(qtbot, sample_dir: Path) -> None:
    article = load_article(sample_dir, "002_ea469877a8e8ba82.txt")
    pane = pane_for(qtbot)
    pane.show_article(article)
    text = pane.browser.toPlainText()
    assert text.startswith(article.title)
    assert article.source in text and article.date in text
    first = article.paragraphs[0]
    assert first in text
    for caption in article.captions:
        assert caption in text and text.index(caption) > text.index(article.paragraphs[-1])


def test_hits_map_to_the_words_in_the_body(qtbot, sample_dir: Path) -> None:
    article = load_article(sample_dir, "002_ea469877a8e8ba82.txt")
    pane = pane_for(qtbot)
    pane.show_article(article)
    last = article.paragraphs[-1]
    start = article.body.rindex(last)
    spans = [(0, 5), (start, start + 10)]
    pane.set_hits(spans)
    assert pane.highlighted_texts() == [article.body[s:e] for s, e in spans]
    pane.set_raw(True)
    assert pane.browser.toPlainText() == article.raw
    assert pane.highlighted_texts() == []
    pane.set_raw(False)
    assert pane.highlighted_texts() == [article.body[s:e] for s, e in spans]


def test_entities_are_coloured_and_toggled_per_type(qtbot, sample_dir: Path) -> None:
    article = load_article(sample_dir, "002_ea469877a8e8ba82.txt")
    pane = pane_for(qtbot)
    pane.show_article(article)
    at = article.body.index("Putin")
    pane.set_entities(
        [
            EntitySpan(at, at + 5, "Putin", "PERSON", "Vladimir Putin"),
            EntitySpan(0, 3, article.body[:3], "PLACE", "x"),
            EntitySpan(at + 6, at + 8, article.body[at + 6 : at + 8], "DATE", "y"),
        ]
    )
    assert pane._legend.isVisible()
    assert len(pane.browser.extraSelections()) == 2  # dates are off until switched on
    pane.set_type_visible("DATE", True)
    assert len(pane.browser.extraSelections()) == 3
    pane.set_type_visible("DATE", False)
    pane.set_type_visible("PERSON", False)
    selections = pane.browser.extraSelections()
    assert len(selections) == 1 and selections[0].cursor.selectedText() == article.body[0:3]


def test_markdown_articles_are_rendered_and_hits_found(qtbot, tmp_path: Path) -> None:
    (tmp_path / "note.md").write_text(
        "# A heading for the story\n\nSome **bold** words about the port strike.\n\n"
        "- a list item about cranes\n\n"
        "Another paragraph about the harbour and the ships waiting outside.\n", "utf-8"
    )  # fmt: skip
    article = load_article(tmp_path, "note.md")
    assert article.display_html
    pane = pane_for(qtbot)
    pane.show_article(article)
    doc = pane.browser.document()
    assert "**" not in doc.toPlainText()
    at = article.body.index("cranes")
    pane.set_hits([(at, at + 6)])
    assert pane.highlighted_texts() == ["cranes"]
    assert doc.toPlainText().count("A heading for the story") == 1  # the header, not twice
    assert not doc.find("a list item", 0, QTextDocument.FindFlag(0)).isNull()


def test_nothing_is_loaded_from_outside(qtbot) -> None:
    pane = pane_for(qtbot)
    for url in ("https://example.com/pixel.png", "file:///etc/passwd", "data:text/plain,x"):
        assert pane.browser.loadResource(2, QUrl(url)) is None
    assert not pane.browser.openLinks() and not pane.browser.openExternalLinks()
