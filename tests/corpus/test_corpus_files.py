"""Which files of a folder count as articles."""

from __future__ import annotations

from pathlib import Path

from reader.corpus.importer import import_corpus


def test_a_data_sets_readme_and_licence_are_not_articles(tmp_path: Path) -> None:
    story = "Lawmakers passed the budget on Tuesday after a long debate over spending. " * 5
    (tmp_path / "story.txt").write_text(f"Budget passes\n\n{story}\n", "utf-8")
    (tmp_path / "README.TXT").write_text(f"About this data set\n\n{story}\n", "utf-8")
    (tmp_path / "LICENSE.md").write_text(f"Licence\n\n{story}\n", "utf-8")
    (tmp_path / "readme-notes.txt").write_text(f"Readme notes\n\n{story}\n", "utf-8")
    result = import_corpus(tmp_path)
    assert sorted(a.id for a in result.articles) == ["readme-notes.txt", "story.txt"]


def test_a_folder_of_versions_of_one_story_reads_each_version_whole(
    tmp_path: Path, sample_dir: Path
) -> None:
    """Seven copies of seed 003, each missing a different line, beside two other stories: the
    copies' shared title, paragraphs and end are the story, not a site template to strip."""
    seed = "003_10760c25aed7da9a.txt"
    lines = (sample_dir / seed).read_text("utf-8").splitlines()
    for i in range(7):
        kept = [line for j, line in enumerate(lines) if j != 20 + i]
        (tmp_path / f"copy{i}.txt").write_text("\n".join(kept), "utf-8")
    for other in ("000_93546f115f4d6ef1.txt", "001_1ed7747e35e5e28b.txt"):
        (tmp_path / other).write_text((sample_dir / other).read_text("utf-8"), "utf-8")
    reference = import_corpus(sample_dir).articles
    wanted = {a.id: a for a in reference}
    found = {a.id: a for a in import_corpus(tmp_path).articles}
    paragraphs = wanted[seed].body.split("\n\n")
    for i in range(7):
        copy = found[f"copy{i}.txt"]
        assert copy.title == wanted[seed].title
        body = copy.body.split("\n\n")
        assert body[-1] == paragraphs[-1]
        assert set(body) <= set(paragraphs) and len(body) >= len(paragraphs) - 1
    for other in ("000_93546f115f4d6ef1.txt", "001_1ed7747e35e5e28b.txt"):
        assert found[other].body == wanted[other].body


def test_a_sites_repeated_recommended_stories_line_still_ends_the_story(tmp_path: Path) -> None:
    """The footer heading is on every page, so it is learned as a repeated line; it must still
    cut off the other stories' headlines listed after it."""
    topics = ["budget", "harbour", "election", "railway", "hospital", "school", "bridge", "farm"]
    for i, topic in enumerate(topics):
        story = "\n\n".join(
            f"Paragraph {k} about the {topic} says officials met on day {i} to discuss the plan "
            f"and its cost, which residents questioned at length."
            for k in range(4)
        )
        footer = "\n".join(
            f"Headline about something else that happened in another town, number {i * 10 + k}"
            for k in range(3)
        )
        (tmp_path / f"{topic}.txt").write_text(
            f"News about the {topic}\n\n{story}\n\nRecommended Stories\n{footer}\n", "utf-8"
        )
    for article in import_corpus(tmp_path).articles:
        assert "Headline about something else" not in article.body
        assert article.body.count("Paragraph") == 4


def test_a_short_html_page_is_read_not_reported_unparsable(tmp_path: Path) -> None:
    """A page with little text sends trafilatura to its jusText fallback, which needs
    lxml's HTML cleaner: a separate package since lxml 5.2 (`lxml[html-clean]`)."""
    (tmp_path / "short.html").write_text(
        "<html><head><title>Short page</title></head><body><div><p>Only a line here.</p>"
        '</div><ul><li><a href="/">Home</a></li></ul></body></html>',
        "utf-8",
    )
    result = import_corpus(tmp_path)
    assert result.problems == []
    [article] = result.articles
    assert (article.title, article.body) == ("Short page", "Only a line here.")
