"""The document store keeps an article as it was built, a format's own metadata included."""

from __future__ import annotations

from pathlib import Path

from reader.corpus.articles import build_article
from reader.corpus.model import EXTRA_KEYS, SourceText
from reader.store.documents import DocumentStore


def test_a_formats_metadata_survives_the_store_and_reaches_show_json(tmp_path: Path) -> None:
    source = SourceText(
        id="crawl.warc.gz#3",
        path="crawl.warc.gz",
        format="warc",
        text="Heavy rain closed the coast road on Tuesday, officials said.\n\nMore later.",
        raw="<html>…</html>",
        hints={"title": "Coast road closed", "captured": "2024-05-06T07:08:09Z", "pages": None,
               "unrelated": "not kept"},
    )  # fmt: skip
    article = build_article(source)
    assert article.extra == {"captured": "2024-05-06T07:08:09Z"}
    with DocumentStore(tmp_path / "store.sqlite") as store:
        store.begin()
        store.put_articles("crawl.warc.gz", [article])
        store.commit()
        again = store.article("crawl.warc.gz#3")
    assert again == article and again is not None and again.extra == article.extra
    shown = again.to_json()
    assert shown["captured"] == "2024-05-06T07:08:09Z"
    assert all(key in shown for key in EXTRA_KEYS)
    assert shown["pages"] is None and "unrelated" not in shown
