"""The sample corpus read exactly as `shared/gold/seeds.json` says a person reads it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reader.corpus.importer import import_corpus, load_article
from reader.corpus.model import Article
from tests.conftest import load_gold

_GOLD = load_gold() or {"documents": {}}
_CASES = [(doc_id, key) for doc_id, expected in _GOLD["documents"].items() for key in expected]
_FIELDS = ("title", "subtitle", "dateline", "date", "byline", "source")


@pytest.fixture(scope="module")
def articles(sample_dir: Path) -> dict[str, Article]:
    result = import_corpus(sample_dir)
    assert result.problems == []
    return {a.id: a for a in result.articles}


@pytest.mark.parametrize(("doc_id", "key"), _CASES)
def test_gold_expectation(
    articles: dict[str, Article], gold: dict[str, Any], doc_id: str, key: str
) -> None:
    expected = gold["documents"][doc_id][key]
    article = articles[doc_id]
    if key in _FIELDS:
        assert getattr(article, key) == expected
    elif key == "body_starts_with":
        assert article.body.startswith(expected)
    elif key == "body_ends_with":
        assert article.body.endswith(expected)
    elif key == "must_not_contain":
        for furniture in expected:
            assert furniture not in article.body
            assert furniture not in (article.title or "")
            assert all(furniture not in caption for caption in article.captions)
    elif key == "caption_contains":
        assert any(expected in caption for caption in article.captions)
        assert expected not in article.body
    else:
        pytest.fail(f"unknown gold key {key!r}")


def test_every_seed_has_gold(articles: dict[str, Article], gold: dict[str, Any]) -> None:
    assert set(articles) == set(gold["documents"])


@pytest.mark.parametrize("doc_id", sorted(_GOLD["documents"]))
def test_unlisted_fields_are_null(
    articles: dict[str, Article], gold: dict[str, Any], doc_id: str
) -> None:
    """Fields the gold leaves out are absent in the article: null, never a guess."""
    expected = gold["documents"][doc_id]
    for key in ("subtitle", "source"):
        if key not in expected:
            assert getattr(articles[doc_id], key) is None, key


@pytest.mark.parametrize("doc_id", sorted(_GOLD["documents"]))
def test_single_article_load_matches_import(
    articles: dict[str, Article], sample_dir: Path, doc_id: str
) -> None:
    assert load_article(sample_dir, doc_id) == articles[doc_id]


def test_raw_text_is_kept(articles: dict[str, Article], sample_dir: Path) -> None:
    for doc_id, article in articles.items():
        assert article.raw == (sample_dir / doc_id).read_text("utf-8")


def test_paragraphs_are_blank_line_separated(articles: dict[str, Article]) -> None:
    article = articles["003_10760c25aed7da9a.txt"]
    assert len(article.paragraphs) == 19
    assert all(p.strip() == p and p for p in article.paragraphs)
    assert article.word_count == len(article.body.split())


def test_captions_and_credits_are_apart_from_body(articles: dict[str, Article]) -> None:
    article = articles["002_ea469877a8e8ba82.txt"]
    assert article.credits == (
        "Information for this article was contributed by Raf Casert and Dmitry Osipov of The "
        "Associated Press.",
    )
    assert article.datetime == "2022-02-04T04:20"
    assert "June 5, 2019" not in article.body
