"""The `corpus-reader` command line, over the Qt-free core.

Exit codes: 0 done; 1 done, but some files could not be read; 2 wrong usage; 3 no such
document or folder; 4 the document exists but cannot be read; 5 the corpus is being
refreshed by another process; 6 a stage of the refresh failed; 130 interrupted.

Commands that read what the refresh makes (`search` with an entity field, `entities`,
`mentions`, `related`, `clusters`) first run the stages that are missing or stale
(`reader.pipeline`, each incremental); `--no-refresh` reads what is there.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.markup import escape

from reader.bundled import sample_corpus_dir
from reader.corpus.importer import import_corpus, load_article
from reader.corpus.model import Article, Problem

if TYPE_CHECKING:  # the core's services load on demand: `show` starts in a tenth of a second
    from reader.pipeline import RefreshReport, Stage
    from reader.services.build import CorpusIndex

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2
EXIT_NOT_FOUND = 3
EXIT_UNREADABLE = 4
EXIT_BUSY = 5
EXIT_BUILD_FAILED = 6
EXIT_INTERRUPTED = 130

ENTITY_REPORT_FIELDS = ("extractor", "processed", "unchanged", "removed", "mentions",
                        "index_updated")  # fmt: skip
RELATED_REPORT_FIELDS = ("documents", "fingerprinted", "version_clusters", "event_groups",
                         "incremental", "up_to_date")  # fmt: skip
_ENTITY_FIELD = re.compile(r"(?<![\w:])(?:person|org|place|entity):", re.IGNORECASE)
"""A query naming an entity field (`store.schema.ENTITY_FIELDS`) needs the entities first."""


def _console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False, soft_wrap=False)


def corpus_root(corpus: str | None) -> Path:
    """The folder to work on: the one given, else the bundled sample corpus."""
    if corpus is None:
        return sample_corpus_dir()
    path = Path(corpus).expanduser()
    if not path.is_dir():
        _console(stderr=True).print(f"[red]error:[/] {escape(str(path))}: not a folder")
        sys.exit(EXIT_NOT_FOUND)
    return path


corpus_option = click.option(
    "--corpus",
    "corpus",
    type=click.Path(file_okay=False, path_type=str),
    default=None,
    help="Corpus folder (default: the bundled sample corpus).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="corpus-reader")
def cli() -> None:
    """Corpus Reader: read, search and compare a folder of news articles."""


def print_problems(err: Console, problems: list[Problem]) -> None:
    """One line per file that could not be read: the file, then the reason."""
    for problem in problems:
        err.print(f"[yellow]{escape(problem.path)}[/]: {escape(problem.reason)}", soft_wrap=True)


SKIPPED_SHOWN = 10
"""Skipped files named one by one; the rest are counted by reason."""


def print_skipped(err: Console, skipped: list[Problem], hidden: int) -> None:
    """The files not read, named (the first `SKIPPED_SHOWN`, then counts by reason)."""
    for item in skipped[:SKIPPED_SHOWN]:
        err.print(f"[dim]skipped {escape(item.path)}: {escape(item.reason)}[/]", soft_wrap=True)
    rest = skipped[SKIPPED_SHOWN:]
    if rest:
        reasons: dict[str, int] = {}
        for item in rest:
            reasons[item.reason] = reasons.get(item.reason, 0) + 1
        counts = "; ".join(f"{n} × {reason}" for reason, n in sorted(reasons.items()))
        err.print(f"[dim]… and {len(rest)} more skipped ({escape(counts)})[/]", soft_wrap=True)
    if hidden:
        err.print(f"[dim]{hidden} hidden file(s) or folder(s) passed over[/]", soft_wrap=True)


def skipped_json(skipped: list[Problem]) -> list[dict[str, str]]:
    return [{"path": s.path, "reason": s.reason} for s in skipped]


def _print_article(console: Console, article: Article, raw: bool) -> None:
    console.print(f"[bold]{escape(article.title or '(untitled)')}[/]")
    if article.subtitle:
        console.print(f"[italic]{escape(article.subtitle)}[/]")
    facts = [
        ("Source", article.source),
        ("Byline", article.byline),
        ("Date", article.datetime or article.date),
        ("Dateline", article.dateline),
        ("Words", str(article.word_count)),
        ("File", article.path),
    ]
    for label, value in facts:
        if value:
            console.print(f"[dim]{label}:[/] {escape(value)}")
    console.print()
    if raw:
        console.print(escape(article.raw))
        return
    for paragraph in article.paragraphs:
        console.print(escape(paragraph))
        console.print()
    for caption in article.captions:
        console.print(f"[dim]Caption:[/] [italic]{escape(caption)}[/]")
    for credit in article.credits:
        console.print(f"[dim]Credit:[/] {escape(credit)}")


@cli.command()
@click.argument("doc")
@corpus_option
@click.option("--raw", is_flag=True, help="Show the original scraped text instead.")
@click.option("--json", "as_json", is_flag=True, help="Print the article as JSON.")
def show(doc: str, corpus: str | None, raw: bool, as_json: bool) -> None:
    """Show one article (DOC is its path relative to the corpus folder, or a unique prefix)."""
    article = _load_or_exit(corpus_root(corpus), doc)
    if as_json:
        click.echo(json.dumps(article.to_json(raw=raw), ensure_ascii=False, indent=2))
    else:
        _print_article(_console(), article, raw)


@cli.command("import")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=str))
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def import_command(directory: str | None, as_json: bool) -> None:
    """Read every article in DIRECTORY and report the files that could not be read."""
    root = corpus_root(directory)
    err = _console(stderr=True)
    result = _run_with_progress(root, err, show_progress=not as_json)
    if as_json:
        payload: dict[str, Any] = {
            "root": str(root),
            "files_read": result.files_read,
            "files_skipped": result.files_skipped,
            "skipped": skipped_json(result.skipped),
            "hidden": result.hidden,
            "articles": [
                {
                    "id": a.id,
                    "title": a.title,
                    "date": a.date,
                    "source": a.source,
                    "word_count": a.word_count,
                }
                for a in result.articles
            ],
            "problems": [{"path": p.path, "reason": p.reason} for p in result.problems],
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        print_problems(err, result.problems)
        print_skipped(err, result.skipped, result.hidden)
        if not result.articles:
            err.print(f"[yellow]No readable article in {escape(str(root))}.[/]", soft_wrap=True)
        _console().print(
            f"{len(result.articles)} articles from {result.files_read} files in {root}; "
            f"{len(result.problems)} problem(s); {result.files_skipped} file(s) skipped."
        )
    sys.exit(EXIT_PROBLEMS if result.problems else EXIT_OK)


def _run_with_progress(root: Path, err: Console, *, show_progress: bool) -> Any:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    if not (show_progress and err.is_terminal):
        return import_corpus(root)
    with Progress(
        TextColumn("Reading"), BarColumn(), MofNCompleteColumn(), console=err, transient=True
    ) as bar:
        task = bar.add_task("read", total=None)

        def progress(done: int, total: int, _path: str) -> None:
            bar.update(task, completed=done, total=total)

        return import_corpus(root, progress=progress)


@cli.command("list")
@corpus_option
def list_command(corpus: str | None) -> None:
    """List the corpus's articles: id, date, source, title."""
    root = corpus_root(corpus)
    result = import_corpus(root)
    console = _console()
    for article in sorted(result.articles, key=lambda a: (a.date or "", a.id)):
        console.print(
            f"[cyan]{escape(article.id)}[/]  {article.date or '          '}  "
            f"[green]{escape(article.source or '-')}[/]  {escape(article.title or '(untitled)')}",
            soft_wrap=True,
        )
    err = _console(stderr=True)
    print_problems(err, result.problems)
    print_skipped(err, result.skipped, result.hidden)
    if not result.articles:
        err.print(f"[yellow]No readable article in {escape(str(root))}.[/]", soft_wrap=True)
    sys.exit(EXIT_PROBLEMS if result.problems else EXIT_OK)


index_dir_option = click.option(
    "--index-dir",
    type=click.Path(file_okay=False, path_type=str),
    default=None,
    help="Index folder (default: per-user data folder; or $CORPUS_READER_INDEX_DIR).",
)


no_refresh_option = click.option(
    "--no-refresh",
    is_flag=True,
    help="Read the index as it is: run no stage of the refresh first.",
)
no_entities_option = click.option(
    "--no-entities",
    is_flag=True,
    help="Skip finding entities (the slow stage of the refresh).",
)


def _refresh(
    root: Path,
    index_dir: str | None,
    stages: Sequence[Stage],
    *,
    quiet: bool,
    pipeline: str | None = None,
) -> tuple[CorpusIndex, RefreshReport]:
    """Run the refresh's `stages` with a progress bar on stderr; errors become messages and
    exit codes (5: another process refreshes the corpus; 6: a stage failed)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from reader.base.lock import AlreadyIndexing
    from reader.pipeline import INDEX, StageFailed, refresh
    from reader.services.build import CorpusIndex

    err = _console(stderr=True)
    corpus_index = CorpusIndex(root, index_dir)
    try:
        if quiet or not err.is_terminal:
            report = refresh(corpus_index, stages=stages, pipeline=pipeline)
        else:
            columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
            with Progress(*columns, console=err, transient=True) as bar:
                task = bar.add_task("", total=None)

                def progress(stage: Stage, done: int, total: int, _what: str) -> None:
                    bar.update(task, completed=done, total=total, description=stage.label)

                report = refresh(corpus_index, stages=stages, pipeline=pipeline, progress=progress)
    except AlreadyIndexing as exc:
        err.print(
            f"[red]error:[/] {escape(str(exc))} (--no-refresh reads the index as it is)",
            soft_wrap=True,
        )
        sys.exit(EXIT_BUSY)
    except StageFailed as exc:
        kept = (
            "the index keeps what the last finished batch committed"
            if exc.stage is INDEX
            else "earlier stages and this stage's finished steps keep their results"
        )
        err.print(f"[red]error:[/] {escape(str(exc))}; {kept}", soft_wrap=True)
        sys.exit(EXIT_BUILD_FAILED)
    if report.index is not None and report.index.rebuilt_because:
        err.print(f"[yellow]note:[/] index rebuilt: {escape(report.index.rebuilt_because)}")
    return corpus_index, report


def _ready(
    corpus: str | None,
    index_dir: str | None,
    stages: Sequence[Stage],
    *,
    no_refresh: bool,
    quiet: bool,
    pipeline: str | None = None,
) -> tuple[CorpusIndex, RefreshReport | None]:
    """The corpus's index with `stages` run first, or as it is with `--no-refresh` (which
    needs an index: exit 3 without one)."""
    from reader.services.build import CorpusIndex

    root = corpus_root(corpus)
    if not no_refresh:
        return _refresh(root, index_dir, stages, quiet=quiet, pipeline=pipeline)
    corpus_index = CorpusIndex(root, index_dir)
    problem = corpus_index.health()
    if problem is not None:
        _console(stderr=True).print(
            f"[red]error:[/] {escape(str(root))} has no usable index ({escape(problem)}); "
            "run the command without --no-refresh",
            soft_wrap=True,
        )
        sys.exit(EXIT_NOT_FOUND)
    return corpus_index, None


def _stage_json(report: Any, fields: Sequence[str]) -> dict[str, Any]:
    """A stage's report for `index --json`: `ran`, its `seconds` and its counts."""
    if report is None:
        return {"ran": False}
    out: dict[str, Any] = {"ran": True, "seconds": round(report.seconds, 3)}
    out.update({name: getattr(report, name) for name in fields})
    return out


@cli.command("index")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=str))
@index_dir_option
@no_entities_option
@click.option("--json", "as_json", is_flag=True, help="Print the refresh's report as JSON.")
def index_command(
    directory: str | None, index_dir: str | None, no_entities: bool, as_json: bool
) -> None:
    """Refresh DIRECTORY: index new and changed files, find their entities, relate stories."""

    from reader.pipeline import stages_for

    root = corpus_root(directory)
    stages = stages_for(entities=not no_entities)
    corpus_index, refreshed = _refresh(root, index_dir, stages, quiet=as_json)
    report = refreshed.index
    assert report is not None
    err = _console(stderr=True)
    if as_json:
        click.echo(json.dumps({
            "index_dir": str(corpus_index.directory),
            "added": report.added, "updated": report.updated, "deleted": report.deleted,
            "unchanged": report.unchanged, "documents": report.documents,
            "seconds": round(report.seconds, 3),
            "rebuilt_because": report.rebuilt_because,
            "problems": [{"path": p.path, "reason": p.reason} for p in report.problems],
            "files_skipped": len(report.skipped),
            "skipped": skipped_json(report.skipped),
            "hidden": report.hidden,
            "entities": _stage_json(refreshed.entities, ENTITY_REPORT_FIELDS),
            "related": _stage_json(refreshed.related, RELATED_REPORT_FIELDS),
        }, ensure_ascii=False, indent=2))  # fmt: skip
    else:
        print_problems(err, report.problems)
        print_skipped(err, report.skipped, report.hidden)
        if not report.documents:
            err.print(f"[yellow]No readable article in {escape(str(root))}.[/]", soft_wrap=True)
        console = _console()
        console.print(
            f"{report.documents} documents indexed in {corpus_index.directory} "
            f"({report.added} added, {report.updated} updated, {report.deleted} deleted, "
            f"{report.unchanged} files unchanged) in {report.seconds:.2f} s; "
            f"{len(report.problems)} problem(s)."
        )
        if refreshed.entities is not None:
            found = refreshed.entities
            console.print(
                f"Entities: {found.processed} article(s) read ({found.unchanged} unchanged), "
                f"{found.mentions} mention(s) in {found.seconds:.2f} s; {found.description}."
            )
        if refreshed.related is not None:
            related = refreshed.related
            console.print(
                f"Related stories: {related.version_clusters} version cluster(s), "
                f"{related.event_groups} same-event group(s) in {related.seconds:.2f} s."
            )
    sys.exit(EXIT_PROBLEMS if report.problems else EXIT_OK)


def _highlight(text: str, spans: tuple[tuple[int, int], ...]) -> str:
    out, last = [], 0
    for start, end in spans:
        out.append(escape(text[last:start]))
        out.append(f"[bold reverse]{escape(text[start:end])}[/]")
        last = end
    out.append(escape(text[last:]))
    return "".join(out)


@cli.command("search")
@click.argument("query")
@corpus_option
@index_dir_option
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 10000))
@click.option("--page", default=1, show_default=True, type=click.IntRange(1))
@click.option("--sort", type=click.Choice(["relevance", "date"]), default="relevance")
@no_refresh_option
@click.option("--json", "as_json", is_flag=True, help="Print results as JSON.")
def search_command(
    query: str, corpus: str | None, index_dir: str | None, limit: int, page: int, sort: str,
    no_refresh: bool, as_json: bool,
) -> None:  # fmt: skip
    """Search the corpus (brought up to date first; entities found first when the query
    names an entity field: person:, org:, place:, entity:)."""
    from reader.pipeline import ENTITIES, INDEX, stages_for
    from reader.store.search import QueryError, Searcher

    last = ENTITIES if _ENTITY_FIELD.search(query) else INDEX
    corpus_index, _report = _ready(corpus, index_dir, stages_for(last=last),
                                   no_refresh=no_refresh, quiet=as_json)  # fmt: skip
    err = _console(stderr=True)
    with Searcher(corpus_index) as searcher:
        try:
            results = searcher.search(query, sort=sort, page=page, pagelen=limit)  # type: ignore[arg-type]
        except QueryError as exc:
            err.print(f"[red]error in query:[/] {escape(str(exc))}")
            sys.exit(EXIT_USAGE)
    if as_json:
        click.echo(json.dumps([h.to_json() for h in results.hits], ensure_ascii=False, indent=2))
        return
    console = _console()
    if not results.hits:
        console.print(f"No results for {escape(query)!r}.")
        return
    for hit in results.hits:
        facts = " · ".join(x for x in (hit.date, hit.source, hit.id) if x)
        console.print(f"[bold]{escape(hit.title or '(untitled)')}[/]  [dim]{escape(facts)}[/]")
        console.print(_highlight(hit.snippet, hit.snippet_hits), soft_wrap=True)
        console.print()
    shown = len(results.hits)
    console.print(f"[dim]{shown} of {results.total} result(s), page {results.page}.[/]")


def resolve_doc(root: Path, doc: str) -> str:
    """A document id from what the user typed: the id itself, or a unique prefix of a file name.

    `003` finds `003_10760c25aed7da9a.txt`. No match exits with code 3, several with code 2,
    each with a message naming the candidates.
    """
    from reader.corpus.importer import doc_id_for, is_supported

    file_part = doc.split("#", 1)[0]
    if (root / file_part).is_file():
        return doc
    found = sorted(
        doc_id_for(root, path)
        for path in root.rglob(f"{doc}*")
        if path.is_file() and is_supported(path) and not path.name.startswith(".")
    )
    if len(found) == 1:
        return found[0]
    err = _console(stderr=True)
    if not found:
        err.print(f"[red]error:[/] no document {escape(doc)!r} in {escape(str(root))}")
        sys.exit(EXIT_NOT_FOUND)
    shown = ", ".join(found[:5]) + (" …" if len(found) > 5 else "")
    err.print(f"[red]error:[/] {escape(doc)!r} matches {len(found)} documents: {escape(shown)}")
    sys.exit(EXIT_USAGE)


def _load_or_exit(root: Path, doc: str) -> Article:
    doc_id = resolve_doc(root, doc)
    try:
        return load_article(root, doc_id)
    except KeyError:
        _console(stderr=True).print(f"[red]error:[/] no document {escape(doc_id)!r} in {root}")
        sys.exit(EXIT_NOT_FOUND)
    except ValueError as exc:
        _console(stderr=True).print(f"[red]error:[/] {escape(doc_id)}: {escape(str(exc))}")
        sys.exit(EXIT_UNREADABLE)


@cli.command("diff")
@click.argument("doc_a")
@click.argument("doc_b")
@corpus_option
@click.option("--json", "as_json", is_flag=True, help="Print chunks and summary as JSON.")
@click.option("--html", "as_html", is_flag=True, help="Print one self-contained HTML page.")
@click.option("--markdown", "as_markdown", is_flag=True, help="Print the diff as Markdown.")
@click.option("--no-normalise", is_flag=True, help="Count quote, dash, case and space changes.")
def diff_command(
    doc_a: str, doc_b: str, corpus: str | None, as_json: bool, as_html: bool,
    as_markdown: bool, no_normalise: bool,
) -> None:  # fmt: skip
    """Compare two articles, DOC_A the base (ids or unique prefixes such as 003)."""
    from reader.diff.compare import diff_articles
    from reader.diff.render import to_html, to_markdown, to_rich

    if as_json + as_html + as_markdown > 1:
        _console(stderr=True).print("[red]error:[/] choose one of --json, --html, --markdown")
        sys.exit(EXIT_USAGE)
    root = corpus_root(corpus)
    a, b = _load_or_exit(root, doc_a), _load_or_exit(root, doc_b)
    result = diff_articles(a, b, normalise=not no_normalise)
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    elif as_html:
        click.echo(to_html(result, a.id, b.id), nl=False)
    elif as_markdown:
        click.echo(to_markdown(result, a.id, b.id), nl=False)
    else:
        _console().print(to_rich(result, a.id, b.id))


# -- entities (issue 6) -----------------------------------------------------------------------
pipeline_option = click.option(
    "--pipeline",
    type=click.Choice(["small", "medium", "gazetteer"]),
    default=None,
    help="Entity extractor (default: small spaCy pipeline, else the gazetteer alone).",
)


@cli.command("entities")
@click.argument("doc", required=False)
@corpus_option
@index_dir_option
@pipeline_option
@no_refresh_option
@click.option("--json", "as_json", is_flag=True, help="Print entities as JSON.")
def entities_command(
    doc: str | None, corpus: str | None, index_dir: str | None, pipeline: str | None,
    no_refresh: bool, as_json: bool,
) -> None:  # fmt: skip
    """List the corpus's people, organisations and places (or those of one article DOC)."""
    from reader.pipeline import ENTITIES, stages_for
    from reader.services.lookup import article_entities, corpus_entities

    corpus_index, refreshed = _ready(corpus, index_dir, stages_for(last=ENTITIES),
                                     no_refresh=no_refresh, quiet=as_json,
                                     pipeline=pipeline)  # fmt: skip
    entities = corpus_entities(corpus_index)
    if doc is not None:
        with corpus_index.open_store() as store:
            if store.article(doc) is None:
                _console(stderr=True).print(f"[red]error:[/] no document {escape(doc)!r}")
                sys.exit(EXIT_NOT_FOUND)
        spans = article_entities(corpus_index, doc)
        by_key: dict[tuple[str, str], list[Any]] = {}
        for span in spans:
            by_key.setdefault((span.type, span.name), []).append(span)
        entities = [e for e in entities if (e.type, e.name) in by_key]
    if as_json:
        payload = []
        for entity in entities:
            item = entity.to_json()
            if doc is not None:
                item["spans"] = [[s.start, s.end] for s in by_key[(entity.type, entity.name)]]
            payload.append(item)
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    console = _console()
    if refreshed is not None and refreshed.entities is not None:
        _console(stderr=True).print(f"[dim]extractor: {escape(refreshed.entities.extractor)}[/]")
    for entity in entities:
        count = len(by_key[(entity.type, entity.name)]) if doc is not None else entity.count
        others = ", ".join(v for v in entity.variants if v != entity.name)
        console.print(
            f"[cyan]{entity.type:<6}[/] [bold]{escape(entity.name)}[/]  {count}"
            + (f"  [dim]{escape(others)}[/]" if others else ""),
            soft_wrap=True,
        )


@cli.command("mentions")
@click.argument("name")
@corpus_option
@index_dir_option
@pipeline_option
@no_refresh_option
@click.option("--json", "as_json", is_flag=True, help="Print mentions as JSON.")
def mentions_command(
    name: str, corpus: str | None, index_dir: str | None, pipeline: str | None,
    no_refresh: bool, as_json: bool,
) -> None:  # fmt: skip
    """Where the entity NAME (or one of its variants) is mentioned, with context."""
    from reader.pipeline import ENTITIES, stages_for
    from reader.services.lookup import find_entity, mentions_of

    corpus_index, _report = _ready(corpus, index_dir, stages_for(last=ENTITIES),
                                   no_refresh=no_refresh, quiet=as_json,
                                   pipeline=pipeline)  # fmt: skip
    found = find_entity(corpus_index, name)
    if not found:
        _console(stderr=True).print(f"[red]error:[/] no entity named {escape(name)!r}")
        sys.exit(EXIT_NOT_FOUND)
    rows = []
    with corpus_index.open_store() as store:
        for entity in found:
            for doc_id, span in mentions_of(corpus_index, entity):
                body = store.bodies([doc_id])[doc_id][0]
                left = body[max(0, span.start - 60) : span.start].replace("\n", " ")
                right = body[span.end : span.end + 60].replace("\n", " ")
                rows.append((entity, doc_id, span, left, right))
    if as_json:
        click.echo(json.dumps([
            {"name": e.name, "type": e.type, "doc": d, "start": s.start, "end": s.end,
             "text": s.text, "context": left + s.text + right}
            for e, d, s, left, right in rows
        ], ensure_ascii=False, indent=2))  # fmt: skip
        return
    console = _console()
    for entity, doc_id, span, left, right in rows:
        console.print(
            f"[cyan]{escape(doc_id)}[/] {span.start}-{span.end} [dim]{entity.type}[/] "
            f"…{escape(left)}[bold reverse]{escape(span.text)}[/]{escape(right)}…",
            soft_wrap=True,
        )


# -- related stories (issue 5) ------------------------------------------------------------------
@cli.command("related")
@click.argument("doc")
@corpus_option
@index_dir_option
@no_entities_option
@no_refresh_option
@click.option("--json", "as_json", is_flag=True, help="Print the related stories as JSON.")
def related_command(
    doc: str, corpus: str | None, index_dir: str | None, no_entities: bool, no_refresh: bool,
    as_json: bool,
) -> None:  # fmt: skip
    """List DOC's versions (same text, edited) and its same-event stories (own words)."""
    from reader.pipeline import stages_for
    from reader.services.relate import related_stories

    corpus_index, _report = _ready(corpus, index_dir, stages_for(entities=not no_entities),
                                   no_refresh=no_refresh, quiet=as_json)  # fmt: skip
    doc = resolve_doc(corpus_index.root, doc)
    try:
        related = related_stories(corpus_index, doc)
    except KeyError:
        _console(stderr=True).print(
            f"[red]error:[/] no document {escape(doc)!r} in {corpus_index.root}"
        )
        sys.exit(EXIT_NOT_FOUND)
    if as_json:
        click.echo(json.dumps(related.to_json(), ensure_ascii=False, indent=2))
        return
    console = _console()
    cluster = related.version_cluster
    if cluster is not None:
        console.print(f"[bold]Versions[/] (original: [cyan]{escape(cluster.original or '-')}[/])")
        for story in related.versions:
            kept = "" if story.kept is None else f", keeps {story.kept:.0%} of {doc}"
            console.print(
                f"  [cyan]{escape(story.doc_id)}[/]  {escape(story.reason)}{kept}", soft_wrap=True
            )
    else:
        console.print("[bold]Versions[/]: none")
    if related.same_event:
        console.print("[bold]Same event[/]")
        for story in related.same_event:
            console.print(
                f"  [cyan]{escape(story.doc_id)}[/]  {story.score:.2f}  {escape(story.reason)}",
                soft_wrap=True,
            )
    else:
        console.print("[bold]Same event[/]: none")


@cli.command("clusters")
@corpus_option
@index_dir_option
@no_entities_option
@no_refresh_option
@click.option("--json", "as_json", is_flag=True, help="Print the clusters as JSON.")
def clusters_command(
    corpus: str | None, index_dir: str | None, no_entities: bool, no_refresh: bool, as_json: bool
) -> None:
    """List the version clusters (original first) and the same-event groups."""
    from reader.pipeline import stages_for
    from reader.services.relate import corpus_clusters

    corpus_index, _report = _ready(corpus, index_dir, stages_for(entities=not no_entities),
                                   no_refresh=no_refresh, quiet=as_json)  # fmt: skip
    found = corpus_clusters(corpus_index)
    if as_json:
        click.echo(json.dumps([c.to_json() for c in found], ensure_ascii=False, indent=2))
        return
    console = _console()
    for cluster in found:
        label = "Versions" if cluster.kind == "versions" else "Same event"
        console.print(f"[bold]{label}[/] ({len(cluster.members)})")
        for member in cluster.members:
            mark = "  [green]original[/]" if member == cluster.original else ""
            console.print(f"  [cyan]{escape(member)}[/]{mark}")
    if not found:
        console.print("No related stories.")
