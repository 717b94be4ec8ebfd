"""The diff on the five sample articles, checked against the hand-labelled gold file."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from reader.corpus.importer import load_article
from reader.corpus.model import Article
from reader.diff.chunks import ArticleDiff
from reader.diff.compare import diff_articles
from reader.diff.render import to_html, to_markdown
from reader.main import main

from .test_properties import check

GOLDEN = Path(__file__).parent / "golden"
ID = {
    "000": "000_93546f115f4d6ef1.txt",
    "001": "001_1ed7747e35e5e28b.txt",
    "002": "002_ea469877a8e8ba82.txt",
    "003": "003_10760c25aed7da9a.txt",
    "004": "004_411ed3200d205ea6.txt",
}


@pytest.fixture(scope="module")
def articles(sample_dir: Path) -> dict[str, Article]:
    return {short: load_article(sample_dir, doc) for short, doc in ID.items()}


def _rows_text(d: ArticleDiff, kind: str) -> list[str]:
    """The text of the rows of one kind (removed rows from A, added rows from B)."""
    out = []
    for row in d.rows:
        if row.kind == kind:
            text, (s, e) = (d.a_text, row.a_span) if row.a_paras else (d.b_text, row.b_span)
            out.append(text[s:e])
    return out


def _style_chunks(d: ArticleDiff) -> list[tuple[str, str, tuple[str, ...]]]:
    return [
        (d.a_text[c.a_start : c.a_end], d.b_text[c.b_start : c.b_end], c.labels)
        for row in d.rows
        for c in row.chunks
        if c.tag != "equal"
    ]


def test_003_vs_002_lists_dropped_and_added_paragraphs(articles: dict[str, Article]) -> None:
    d = diff_articles(articles["003"], articles["002"])
    check(d)
    removed = " ".join(_rows_text(d, "removed"))
    for phrase in ("100,000 Russian troops", "closely watching how the U.S.", "Taiwan",
                   "“military-technical moves.”"):  # fmt: skip
        assert phrase in removed
    added = " ".join(_rows_text(d, "added"))
    for phrase in ("Wang Yi told U.S. Secretary of State Antony Blinken", "said Vasily Kashin",
                   '"their cooperation will steadily grow," Kashin said'):  # fmt: skip
        assert phrase in added
    # Paragraphs the two share stay aligned: none of 002's paragraphs is both added and kept.
    assert not any("Russia and China have held a series" in t for t in added.split("\n\n"))
    assert 0.5 < d.summary.kept < 0.75
    assert d.summary.words_added > 100 and d.summary.words_removed > 200
    assert "lede-rewritten" in {label for c in d.chunks for label in c.labels}


def test_002_vs_004_finds_the_eu_paragraphs_the_merge_and_the_cut(
    articles: dict[str, Article],
) -> None:
    d = diff_articles(articles["002"], articles["004"])
    check(d)
    added = _rows_text(d, "added")
    assert len(added) == 2
    assert "EU spokeswoman Nabila Massrali" in added[0] and "Massrali said" in added[1]
    merged = [row for row in d.rows if row.kind == "merged"]
    assert len(merged) == 1
    assert merged[0].a_paras == (1, 2) and merged[0].b_paras == (1,)
    b_text = d.b_text[merged[0].b_span[0] : merged[0].b_span[1]]
    assert b_text.startswith("Putin’s talks with") and "Xinhua, Putin wrote" in b_text
    # 004 stops after the Olympics paragraph: the rest of 002 is trimmed, not just removed.
    trimmed = [row for row in d.rows if "trimmed" in row.labels]
    assert len(trimmed) == 13 and all(row.a_paras[0] >= 5 for row in trimmed)
    # "today" became "on Friday": a date change.
    assert any(a.strip() == "today" and "number-changed" in labels
               for a, _b, labels in _style_chunks(d))  # fmt: skip


def test_cyrillic_a_and_quote_style_are_style_only(
    articles: dict[str, Article], gold: dict[str, Any]
) -> None:
    traps = " ".join(gold["normalization_traps"])
    assert "Cyrillic small a" in traps and "case-only" in traps
    d = diff_articles(articles["003"], articles["002"])
    changes = _style_chunks(d)
    cyrillic = [x for x in changes if x[0] == "\u0430"]
    assert cyrillic == [("\u0430", "a", ("style-only",))]
    assert ("COVID", "covid", ("style-only",)) in changes
    quotes = [x for x in changes if (x[0], x[1]) in {("“", '"'), ("”", '"'), ("’", "'")}]
    assert len(quotes) > 20 and all(labels == ("style-only",) for _a, _b, labels in quotes)
    # The paragraph with "Russia-Chinа" is unchanged but for style, and shown as such.
    row = next(r for r in d.rows if "Russia-Chin" in d.a_text[r.a_span[0] : r.a_span[1]])
    assert row.kind == "equal" and row.labels == ("style-only",)
    assert d.rows.index(row) not in d.change_rows
    # Dashes: "--" against "—" between the two rewrites of the lede.
    d24 = diff_articles(articles["002"], articles["004"])
    assert ("--", "—", ("style-only",)) in _style_chunks(d24)


def test_without_normalisation_style_is_an_edit(articles: dict[str, Article]) -> None:
    d = diff_articles(articles["003"], articles["002"], normalise=False)
    check(d)
    assert not any("style-only" in c.labels for c in d.chunks)
    row = next(r for r in d.rows if "Russia-Chin" in d.a_text[r.a_span[0] : r.a_span[1]])
    assert row.kind == "edited"
    assert d.summary.kept < diff_articles(articles["003"], articles["002"]).summary.kept


def test_gold_versions_and_same_event_stories(
    articles: dict[str, Article], gold: dict[str, Any]
) -> None:
    """Versions of one wire story keep much of each other; same-event stories keep little."""
    (versions,) = gold["related"]["same_wire_story"]
    short = {doc: doc[:3] for doc in ID.values()}
    for a in versions:
        for b in versions:
            if a < b:
                d = diff_articles(articles[short[a]], articles[short[b]])
                shared = max(d.summary.kept, 1 - d.summary.words_added / d.summary.words_b)
                assert shared > 0.25, (a, b)  # 003-004 share 30%: 004 cuts 002's rewrite
    (event,) = gold["related"]["same_event"]
    for doc in set(event) - set(versions):
        d = diff_articles(articles["003"], articles[short[doc]])
        check(d)
        assert d.summary.kept < 0.1, doc


def test_golden_markdown_of_003_vs_002(articles: dict[str, Article]) -> None:
    """The readable diff a person checked; UPDATE_GOLDEN=1 rewrites it after a deliberate change."""
    d = diff_articles(articles["003"], articles["002"])
    text = to_markdown(d, ID["003"], ID["002"])
    path = GOLDEN / "diff_003_002.md"
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, "utf-8")
    assert text == path.read_text("utf-8")


def test_diff_json_interface(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "003", "002_ea469877a8e8ba82.txt", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"summary", "chunks"}
    assert set(data["summary"]) == {"kept", "words_added", "words_removed"}
    assert main(["show", ID["003"], "--json"]) == 0
    body_a = json.loads(capsys.readouterr().out)["body"]
    assert main(["show", ID["002"], "--json"]) == 0
    body_b = json.loads(capsys.readouterr().out)["body"]
    covered_a = 0
    for chunk in data["chunks"]:
        assert set(chunk) == {"tag", "a", "b", "labels"}
        assert chunk["tag"] in {"equal", "replace", "insert", "delete", "move"}
        (a0, a1), (b0, b1) = chunk["a"], chunk["b"]
        assert 0 <= a0 <= a1 <= len(body_a) and 0 <= b0 <= b1 <= len(body_b)
        if chunk["tag"] == "equal":
            assert body_a[a0:a1] == body_b[b0:b1]
        covered_a += a1 - a0
    assert covered_a == len(body_a)
    deleted = [body_a[c["a"][0] : c["a"][1]] for c in data["chunks"] if c["tag"] == "delete"]
    assert any("100,000 Russian troops" in t for t in deleted)


def test_diff_html_is_self_contained_and_escaped(articles: dict[str, Article]) -> None:
    hostile = articles["002"].body + '\n\n<script>alert("x")</script> <img src="http://e/x">'
    page = to_html(diff_articles(articles["003"].body, hostile), "a<b>", "b")
    assert "<script" not in page and "<img" not in page and 'src="' not in page
    assert "href" not in page and "@import" not in page and "url(" not in page
    assert "&lt;script&gt;" in page and "a&lt;b&gt;" in page
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page


@pytest.mark.parametrize("fmt", ["--markdown", "--html", None])
def test_diff_command_formats(fmt: str | None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "002", "004", *([fmt] if fmt else [])]) == 0
    out = capsys.readouterr().out
    assert "Nabila Massrali" in out and "merged" in out


def test_diff_command_bad_ids(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "003", "nothing-like-this"]) == 3
    assert "no document 'nothing-like-this'" in capsys.readouterr().err
    assert main(["diff", "00", "003"]) == 2
    assert "matches 5 documents" in capsys.readouterr().err
    assert main(["diff", "003", "002", "--json", "--html"]) == 2
