"""Scraped pages in several site styles are read as a person would read them.

`tests/corpus/scraped/` holds six invented articles, each with the page furniture of one kind of
site (a wire service's web page, a local paper, a broadsheet with a standfirst and photo credit,
a blog with comments, hard-wrapped wire copy, a portal with a cookie banner and a stock card),
and `expected.json` says what a correct reading of each is. The other tests build folders of one
invented site in `tmp_path`, to check what repetition across a site's files may and may not
remove.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from reader.corpus import importer
from reader.corpus.importer import ImportResult, import_corpus, load_article
from reader.corpus.model import Article

SCRAPED = Path(__file__).parent / "scraped"
EXPECTED: dict[str, dict[str, Any]] = json.loads(
    (SCRAPED / "expected.json").read_text(encoding="utf-8")
)
METADATA_FIELDS = ("title", "subtitle", "date", "byline", "source", "dateline")
OTHER_FIELDS = (
    "paragraphs",
    "body_starts_with",
    "body_ends_with",
    "must_not_contain",
    "caption_contains",
)


def _cases() -> list[Any]:
    cases = []
    for name, expected in EXPECTED.items():
        for key in METADATA_FIELDS + OTHER_FIELDS:
            if key in expected:
                cases.append(pytest.param(name, key, id=f"{name}-{key}"))
    return cases


@pytest.fixture(scope="module")
def scraped_corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ImportResult]:
    """The articles alone, copied into a folder of their own (expected.json is not an article)."""
    root = tmp_path_factory.mktemp("scraped")
    for name in EXPECTED:
        shutil.copyfile(SCRAPED / name, root / name)
    return root, import_corpus(root)


@pytest.fixture(scope="module")
def scraped(scraped_corpus: tuple[Path, ImportResult]) -> dict[str, Article]:
    return {a.id: a for a in scraped_corpus[1].articles}


def test_every_scraped_file_is_one_article(scraped_corpus: tuple[Path, ImportResult]) -> None:
    _root, result = scraped_corpus
    assert result.problems == []
    assert sorted(a.id for a in result.articles) == sorted(EXPECTED)


@pytest.mark.parametrize(("name", "key"), _cases())
def test_scraped_article(scraped: dict[str, Article], name: str, key: str) -> None:
    article = scraped[name]
    expected = EXPECTED[name][key]
    if key in METADATA_FIELDS:
        assert getattr(article, key) == expected
    elif key == "paragraphs":
        assert len(article.paragraphs) == expected, "\n---\n".join(article.paragraphs)
    elif key == "body_starts_with":
        assert article.body.startswith(expected), article.body[:300]
    elif key == "body_ends_with":
        assert article.body.endswith(expected), article.body[-300:]
    elif key == "must_not_contain":
        shown = {"title": article.title or "", "body": article.body}
        leaks = [(part, s) for s in expected for part, text in shown.items() if s in text]
        assert not leaks, f"furniture left in the article: {leaks}"
    elif key == "caption_contains":
        assert any(expected in caption for caption in article.captions), article.captions
    else:  # pragma: no cover - a key the table above does not know
        pytest.fail(f"unknown expectation {key!r}")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_load_article_reads_a_scraped_file_as_the_import_does(
    scraped_corpus: tuple[Path, ImportResult], scraped: dict[str, Article], name: str
) -> None:
    root, _result = scraped_corpus
    assert load_article(root, name) == scraped[name]


# One invented local site: every page opens with its banner and ends with its tip line, neither
# of which is in furniture.toml. Only repetition across the site's files can tell they are not
# part of the stories.

BANNER = "The Riverside Courier — Your Hometown News Since 1921"
TIP_LINE = "Tip us off: news@riversidecourier.example — we read every message."
REPORTERS = ("Dana Whitlock", "Marcus Oyelaran", "Ellen Brandt")
DATES = (("March 6, 2023", "2023-03-06"), ("March 7, 2023", "2023-03-07"))


@dataclass(frozen=True)
class Story:
    slug: str
    title: str
    paragraphs: tuple[str, ...]


COURIER_STORIES = (
    Story(
        "school_budget",
        "School board trims $1.1 million from next year's budget",
        (
            "RIVERSIDE — The school board voted 5-2 on Monday to cut $1.1 million from next "
            "year's budget, closing a gap left by lower state aid and rising insurance costs.",
            "Most of the savings will come from not filling eleven teaching posts that fall "
            "vacant through retirement, Superintendent Gloria Mendez said.",
            "The budget goes to a public hearing on April 4 before a final vote in May.",
        ),
    ),
    Story(
        "library_roof",
        "Library reopens after six months of roof repairs",
        (
            "RIVERSIDE — The Riverside Public Library reopened on Saturday after six months of "
            "repairs to a roof that had leaked onto the children's section for years.",
            "Librarian Tom Achebe said about 2,000 damaged books had been replaced with money "
            "raised by the Friends of the Library.",
            "Opening hours are unchanged, and the story time for toddlers resumes next week.",
        ),
    ),
    Story(
        "river_flooding",
        "County warns of flooding as snowmelt swells the Cold River",
        (
            "RIVERSIDE — County officials warned residents along the Cold River on Tuesday to "
            "prepare for minor flooding as warm weather melts the heavy snowpack upstream.",
            "The river is forecast to crest about a foot above flood stage near the Mill Street "
            "bridge on Thursday, according to the National Weather Service.",
            "Sandbags are available at the public works garage on Depot Road until Friday.",
        ),
    ),
    Story(
        "diner_closing",
        "Beloved Main Street diner to close after 58 years",
        (
            "RIVERSIDE — The Main Street Diner, where generations of residents have eaten "
            "pancakes after church, will close at the end of the month, its owners said.",
            "Owners Gus and Maria Pappas said they were retiring and had not found a buyer who "
            "wanted to keep the diner running.",
            "“We fed this town for 58 years,” Maria Pappas said. “It is time to rest.”",
        ),
    ),
    Story(
        "hockey_title",
        "Riverside girls win first state hockey title",
        (
            "RIVERSIDE — The Riverside High School girls hockey team won its first state title "
            "on Sunday, beating Lakeport 3-2 in overtime at the state arena.",
            "Junior forward Abby Lindgren scored the winning goal four minutes into overtime.",
            "The team will be honored with a parade down Main Street on Saturday at noon.",
        ),
    ),
    Story(
        "zoning_vote",
        "Planning board backs apartments on former mill site",
        (
            "RIVERSIDE — The planning board on Wednesday recommended approval of a 120-unit "
            "apartment complex on the site of the former Hadley textile mill.",
            "The developer has agreed to keep the mill's brick clock tower and to set aside 20 "
            "units for residents earning less than the area median income.",
            "The City Council is expected to take up the proposal next month.",
        ),
    ),
    Story(
        "bus_route",
        "Transit agency adds Sunday service on Route 4",
        (
            "RIVERSIDE — Buses will run on Route 4 on Sundays starting in April, the regional "
            "transit agency said, restoring service cut during the pandemic.",
            "The route links downtown with the hospital and the shopping plaza on Route 9.",
            "Fares will stay at $1.50, and riders under 18 will continue to travel free.",
        ),
    ),
    Story(
        "animal_shelter",
        "Animal shelter appeals for foster families after record intake",
        (
            "RIVERSIDE — The Riverside Animal Shelter took in 140 animals in February, the most "
            "in any month since it opened, and is asking residents to foster pets.",
            "Director Kim Nakamura said many owners had surrendered pets because of rising rents "
            "and landlords' rules against animals.",
            "Foster families receive food, supplies and veterinary care from the shelter.",
        ),
    ),
)

# One wire story in three versions, as the seeds hold one AP story in three outlets' versions:
# the first write-through, an update with a new lead, and a cut. They share short paragraphs.
SHARED_WIRE = (
    "“We are going to get this right, and we are going to get it done,” the governor said.",
    "The plan still needs approval from the Legislature, which meets again in April.",
    "Republican leaders said they would study the details before taking a position.",
)
WIRE_VERSIONS = (
    Story(
        "wire_broadband_am",
        "Governor unveils $300 million plan to bring broadband to rural towns",
        (
            "CAPITAL CITY (AP) — The governor on Monday unveiled a $300 million plan to bring "
            "high-speed internet to every rural town in the state within five years.",
            *SHARED_WIRE,
            "About one in six rural households in the state still has no broadband service, "
            "according to state figures.",
        ),
    ),
    Story(
        "wire_broadband_pm",
        "Rural lawmakers welcome governor's broadband plan, question the cost",
        (
            "CAPITAL CITY (AP) — Lawmakers from rural districts on Monday welcomed the "
            "governor's $300 million broadband plan but asked how the state would pay for it.",
            *SHARED_WIRE,
            "The governor's office said the money would come from federal infrastructure funds "
            "and a surplus in the state's general fund.",
        ),
    ),
    Story(
        "wire_broadband_cut",
        "Governor proposes $300 million for rural internet",
        (
            "CAPITAL CITY (AP) — The governor proposed on Monday spending $300 million to bring "
            "high-speed internet to rural towns, calling it overdue.",
            *SHARED_WIRE,
        ),
    ),
)


def courier_page(story: Story, n: int) -> str:
    date_text, _iso = DATES[n % len(DATES)]
    lines = [BANNER, story.title, f"By {REPORTERS[n % len(REPORTERS)]}", date_text, ""]
    for paragraph in story.paragraphs:
        lines += [paragraph, ""]
    lines.append(TIP_LINE)
    return "\n".join(lines) + "\n"


def write_site(folder: Path, stories: tuple[Story, ...]) -> Path:
    folder.mkdir()
    for n, story in enumerate(stories):
        (folder / f"{story.slug}.txt").write_text(courier_page(story, n), encoding="utf-8")
    return folder


@pytest.fixture
def courier_site(tmp_path: Path) -> tuple[Path, dict[str, Article]]:
    root = write_site(tmp_path / "courier", COURIER_STORIES)
    result = import_corpus(root)
    assert result.problems == []
    return root, {a.id: a for a in result.articles}


def test_site_banner_and_tip_line_repeated_across_files_are_removed(
    courier_site: tuple[Path, dict[str, Article]],
) -> None:
    _root, articles = courier_site
    assert sorted(articles) == sorted(f"{s.slug}.txt" for s in COURIER_STORIES)
    for story in COURIER_STORIES:
        article = articles[f"{story.slug}.txt"]
        for furniture in (BANNER, TIP_LINE, "Tip us off", "Riverside Courier"):
            assert furniture not in article.body, (story.slug, furniture)
            assert furniture not in (article.title or ""), (story.slug, furniture)
        assert article.title == story.title
        assert article.paragraphs[0] == story.paragraphs[0]
        assert article.paragraphs[-1] == story.paragraphs[-1]
        assert article.paragraphs == list(story.paragraphs)
        assert article.dateline == "RIVERSIDE"


def test_bylines_and_dates_repeated_across_files_are_still_read(
    courier_site: tuple[Path, dict[str, Article]],
) -> None:
    """A site's few reporters and busy days repeat across its files, but they are metadata."""
    _root, articles = courier_site
    for n, story in enumerate(COURIER_STORIES):
        article = articles[f"{story.slug}.txt"]
        assert article.byline == REPORTERS[n % len(REPORTERS)], story.slug
        assert article.date == DATES[n % len(DATES)][1], story.slug


def test_load_article_removes_the_site_template_as_the_import_does(
    courier_site: tuple[Path, dict[str, Article]],
) -> None:
    root, articles = courier_site
    for doc_id, article in articles.items():
        assert load_article(root, doc_id) == article


def test_load_article_samples_past_files_that_give_no_story(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder's sample is its first stories in key order: files among them that give no
    story (empty ones here) are passed over, by `load_article` as by the import."""
    sample = importer.BOILERPLATE_MIN_GROUP
    monkeypatch.setattr(importer, "BOILERPLATE_SAMPLE", sample)
    root = write_site(tmp_path / "courier", COURIER_STORIES)
    story_keys = sorted(importer.sample_key(f"{s.slug}.txt") for s in COURIER_STORIES)
    assert len(story_keys) > sample
    # Two empty files that come before the last story of the sample: reading the first
    # `sample` files alone would give too few stories to learn the site's template from.
    empty = [name for name in (f"empty{n}.txt" for n in range(200))
             if importer.sample_key(name) < story_keys[sample - 1]][:2]  # fmt: skip
    assert len(empty) == 2
    for name in empty:
        (root / name).write_bytes(b"")
    result = import_corpus(root)
    assert sorted(s.id for s in importer.folder_sample(root, "")) == sorted(
        f"{s.slug}.txt"
        for s in COURIER_STORIES
        if importer.sample_key(f"{s.slug}.txt") <= story_keys[sample - 1]
    )
    for article in result.articles:
        assert BANNER not in article.body
        assert load_article(root, article.id) == article


@pytest.mark.parametrize("versions", [2, 3], ids=["two-versions", "three-versions"])
def test_paragraphs_shared_by_versions_of_one_story_are_kept(tmp_path: Path, versions: int) -> None:
    """Wire versions repeat a story's paragraphs across files; that is not a site template."""
    wire = WIRE_VERSIONS[:versions]
    others = COURIER_STORIES[: 8 - versions]
    root = write_site(tmp_path / "courier", others + wire)
    result = import_corpus(root)
    articles = {a.id: a for a in result.articles}
    assert result.problems == []
    assert len(articles) == 8

    for story in wire:
        article = articles[f"{story.slug}.txt"]
        for shared in SHARED_WIRE:
            assert shared in article.paragraphs, (story.slug, shared)
        assert article.paragraphs == list(story.paragraphs), story.slug
        assert BANNER not in article.body and TIP_LINE not in article.body
    for story in others:
        assert articles[f"{story.slug}.txt"].paragraphs == list(story.paragraphs)


def test_a_results_table_without_prose_is_kept(tmp_path: Path) -> None:
    """Wire earnings tables are all short lines; none of them is furniture."""
    table = (
        "AMERICAN STORES CO 4TH QTR NET\n\n"
        "Shr one dlr vs 73 cts\n    Net 12.6 mln vs 15.8 mln\n    Revs 337.3 mln vs 315.2 mln\n"
        "    Nine mths\n    Shr 3.07 dlrs vs 3.08 dlrs\n"
    )
    (tmp_path / "table.txt").write_text(table, encoding="utf-8")
    article = import_corpus(tmp_path).articles[0]
    assert article.title == "AMERICAN STORES CO 4TH QTR NET"
    assert article.paragraphs[0] == "Shr one dlr vs 73 cts"
    assert article.paragraphs[-1] == "Shr 3.07 dlrs vs 3.08 dlrs"
