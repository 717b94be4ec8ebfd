"""Import a folder of articles: walk it, read every supported file, clean, report what failed.

The corpus folder is only ever read. Every failure becomes a `Problem` naming the file and the
reason, and the rest of the corpus still loads.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from reader.base.cancel import CancelFn, Cancelled, ProgressFn
from reader.corpus import formats
from reader.corpus.articles import build_article
from reader.corpus.cleaning import COMMON_MARK, boilerplate_key
from reader.corpus.decoding import MAX_ARTICLE_BYTES, UnreadableText
from reader.corpus.furniture import furniture
from reader.corpus.model import Article, Problem, SourceText
from reader.corpus.registry import format_of, is_many, skip_reason

BOILERPLATE_MIN_GROUP = 6
"""Repetition says little in fewer files than this; small folders rely on the phrase list."""
VERSION_LINE_WORDS = 15
"""Lines this long are story paragraphs, rarely template: what versions of a story share."""
VERSION_OVERLAP = 0.5
"""Share of the shorter page's long lines two pages must share to be versions of one story."""
BOILERPLATE_SAMPLE = 400
"""Files per group read to learn its repeated lines: enough to see a site's template."""
MAX_STREAM_BYTES = 2 * 1024**3
"""JSON Lines and JSON files hold many articles, so they may be far larger than one article."""


@dataclass
class ImportResult:
    articles: list[Article] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files_read: int = 0
    skipped: list[Problem] = field(default_factory=list)
    """Files the import does not read (not an article format, a data set's notes), each
    with the reason: named, never skipped silently."""
    hidden: int = 0
    """Hidden files and folders (dot-names), passed over as file managers do: counted only."""

    @property
    def files_skipped(self) -> int:
        return len(self.skipped)


def describe_os_error(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "the file vanished while being read"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, IsADirectoryError):
        return "is a folder, not a file"
    return exc.strerror or str(exc)


def doc_id_for(root: Path, path: Path) -> str:
    """A document's id: its path relative to the corpus root, with forward slashes."""
    return path.relative_to(root).as_posix()


def walk_corpus(root: Path, hidden: list[str] | None = None) -> Iterator[Path | Problem]:
    """Every file under `root` in a stable order, following symlinks but never round a loop.

    Hidden files and folders (dot-names) are skipped, as file managers do; their paths go to
    `hidden` when given, to be counted.
    """
    root = Path(root)
    seen: set[tuple[int, int]] = set()

    def visit(folder: Path) -> Iterator[Path | Problem]:
        try:
            info = folder.stat()
        except OSError as exc:
            yield Problem(str(folder), describe_os_error(exc))
            return
        key = (info.st_dev, info.st_ino)
        if key in seen:
            yield Problem(str(folder), "symbolic link loop (a folder met twice); skipped")
            return
        seen.add(key)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            yield Problem(str(folder), f"cannot list folder: {describe_os_error(exc)}")
            return
        for entry in entries:
            if entry.name.startswith("."):
                if hidden is not None:
                    hidden.append(entry.path)
                continue
            path = Path(entry.path)
            try:
                is_dir = entry.is_dir(follow_symlinks=True)
                is_file = entry.is_file(follow_symlinks=True)
            except OSError as exc:
                yield Problem(str(path), describe_os_error(exc))
                continue
            if is_dir:
                yield from visit(path)
            elif is_file:
                yield path
            elif entry.is_symlink():
                target = "a loop" if _is_symlink_loop(path) else "nothing"
                yield Problem(str(path), f"symbolic link to {target}; skipped")

    yield from visit(root)


def _is_symlink_loop(path: Path) -> bool:
    try:
        path.resolve(strict=True)
    except RuntimeError:
        return True
    except OSError as exc:
        return "loop" in str(exc).lower()
    return False


def is_supported(path: Path) -> bool:
    """An article file by its name (`registry`), and not a data set's README or licence."""
    return skip_reason(path) is None


def read_file_bytes(path: Path) -> bytes:
    """A file's bytes, refusing sizes no article file has.

    Raises:
        UnreadableText: too large.
        OSError: the file cannot be read.
    """
    fmt = format_of(path)
    limit = MAX_ARTICLE_BYTES
    if fmt is not None:
        limit = fmt.max_bytes or (MAX_STREAM_BYTES if fmt.many else MAX_ARTICLE_BYTES)
    size = path.stat().st_size
    if size > limit:
        raise UnreadableText(
            f"too large for an article ({size / 1024**2:.1f} MB; limit "
            f"{limit / 1024**2:.0f} MB); skipped"
        )
    with path.open("rb") as handle:
        return handle.read(limit + 1)


def read_sources(root: Path, path: Path) -> tuple[list[SourceText], list[Problem]]:
    """All articles in one file, and one problem per part of it that could not be read."""
    try:
        data = read_file_bytes(path)
    except OSError as exc:
        return [], [Problem(str(path), describe_os_error(exc))]
    except UnreadableText as exc:
        return [], [Problem(str(path), str(exc))]
    return sources_from_bytes(root, path, data)


def sources_from_bytes(
    root: Path, path: Path, data: bytes
) -> tuple[list[SourceText], list[Problem]]:
    """Parse a file's bytes by its format (`registry`)."""
    doc_id = doc_id_for(root, path)
    shown = str(path)
    fmt = format_of(path)
    if fmt is None:
        return [], [Problem(shown, skip_reason(path) or "not an article format")]
    sources: list[SourceText] = []
    problems: list[Problem] = []
    try:
        for item in fmt.read(doc_id, shown, data):
            if isinstance(item, formats.RecordError):
                problems.append(Problem(shown, _one_line(str(item))))
            else:
                sources.append(_without_surrogates(item))
    except formats.RecordError as exc:
        problems.append(Problem(shown, _one_line(str(exc))))
    except Exception as exc:  # a parser's bug must not take the corpus down with it
        reason = f"could not be parsed ({type(exc).__name__}: {exc})"
        problems.append(Problem(shown, _one_line(reason)))
    if not sources and not problems:
        problems.append(Problem(shown, "no article in this file"))
    return sources, problems


def _one_line(reason: str) -> str:
    """A reason as one line: a quoted header or archive start may hold line breaks."""
    return " ".join(reason.split())


_SURROGATE = re.compile("[\ud800-\udfff]")


def _without_surrogates(source: SourceText) -> SourceText:
    """Lone surrogates replaced (a JSON `\\ud800` escape, an e-mail header's undecodable
    bytes as the email package keeps them): they cannot be stored or hashed."""
    strings = [source.text, source.raw, *(v for v in source.hints.values() if isinstance(v, str))]
    if not any(_SURROGATE.search(s) for s in strings):
        return source
    hints = {k: _SURROGATE.sub("\ufffd", v) if isinstance(v, str) else v
             for k, v in source.hints.items()}  # fmt: skip
    return dataclasses.replace(source, text=_SURROGATE.sub("\ufffd", source.text),
                               raw=_SURROGATE.sub("\ufffd", source.raw), hints=hints)  # fmt: skip


def boilerplate_group(source: SourceText) -> str:
    """Files of one source share a template: plain files by folder, records by their outlet."""
    if is_many(source.format):
        outlet = source.hints.get("source") or source.hints.get("url") or ""
        if "://" in outlet:
            outlet = outlet.split("/")[2]
        return f"outlet:{outlet}" if outlet else f"file:{source.path}"
    return f"dir:{os.path.dirname(source.id)}"


def learn_boilerplate(
    sources: Iterable[SourceText], *, min_group: int = BOILERPLATE_MIN_GROUP
) -> dict[str, frozenset[str]]:
    """Per group, the short lines repeated in many of its files (menus, banners, prompts)."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    sizes: Counter[str] = Counter()
    stories: dict[str, list[frozenset[str]]] = defaultdict(list)
    by_line: dict[str, dict[str, list[int]]] = defaultdict(dict)
    """Per group, the stories kept so far that hold each long line: only those can be
    versions of a new one (comparing with every story kept was quadratic)."""
    for source in sources:
        if not source.scraped:
            continue
        group = boilerplate_group(source)
        keys = {boilerplate_key(line) for line in source.text.splitlines()}
        # Versions of one story (or exact copies) count once: their shared paragraphs, title
        # and end are the story, not the site's template.
        long_lines = frozenset(k for k in keys if len(k.split()) >= VERSION_LINE_WORDS)
        kept, holders = stories[group], by_line[group]
        sharing = {i for line in long_lines for i in holders.get(line, ())}
        if any(_same_story(long_lines, kept[i]) for i in sharing):
            continue
        for line in long_lines:
            holders.setdefault(line, []).append(len(kept))
        kept.append(long_lines)
        sizes[group] += 1
        counts[group].update(k for k in keys if k and len(k.split()) <= 25)
    learned: dict[str, frozenset[str]] = {}
    for group, counter in counts.items():
        n = sizes[group]
        if n < min_group:
            continue
        threshold = max(3, (n + 4) // 5)
        lines = {k for k, c in counter.items() if c >= threshold}
        lines |= {COMMON_MARK + k for k, c in counter.items() if c * 2 >= n}
        if lines:
            learned[group] = frozenset(lines)
    return learned


def _same_story(a: frozenset[str], b: frozenset[str]) -> bool:
    """Two pages whose long lines (the story's paragraphs) are mostly the same lines (so
    they share one at least: pages without long lines are never versions)."""
    if not a or not b:
        return a == b and bool(a)
    return len(a & b) >= VERSION_OVERLAP * min(len(a), len(b))


def sample_key(source_id: str) -> str:
    return hashlib.blake2b(source_id.encode(), digest_size=8).hexdigest()


def import_corpus(
    root: Path | str,
    *,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
) -> ImportResult:
    """Read and clean every article under `root`.

    Raises:
        Cancelled: when `cancel()` turns true; nothing partial is returned.
    """
    root = Path(root)
    result = ImportResult()
    files: list[Path] = []
    hidden: list[str] = []
    for item in walk_corpus(root, hidden):
        if isinstance(item, Problem):
            result.problems.append(item)
        elif (reason := skip_reason(item)) is None:
            files.append(item)
        else:
            result.skipped.append(Problem(str(item), reason))
    result.hidden = len(hidden)
    sources: list[SourceText] = []
    for done, path in enumerate(files, start=1):
        if cancel is not None and cancel():
            raise Cancelled
        found, problems = read_sources(root, path)
        sources.extend(found)
        result.problems.extend(problems)
        result.files_read += 1
        if progress is not None:
            progress(done, len(files), str(path))
    boilerplate = learn_boilerplate(_sample(sources))
    furn = furniture()
    for source in sources:
        article = build_article(
            source, boilerplate=boilerplate.get(boilerplate_group(source), frozenset()), furn=furn
        )
        if not article.body:
            result.problems.append(Problem(source.path, f"{source.id}: no story text found"))
            continue
        result.articles.append(article)
    return result


def _sample(sources: list[SourceText]) -> list[SourceText]:
    """A bounded, deterministic sample of each group to learn its template from."""
    by_group: dict[str, list[SourceText]] = defaultdict(list)
    for source in sources:
        by_group[boilerplate_group(source)].append(source)
    sample: list[SourceText] = []
    for members in by_group.values():
        members.sort(key=lambda s: sample_key(s.id))
        sample.extend(members[:BOILERPLATE_SAMPLE])
    return sample


def load_article(root: Path | str, doc_id: str) -> Article:
    """One article by id, cleaned exactly as a whole-corpus import would clean it.

    Raises:
        KeyError: no such document.
        ValueError: the document exists but cannot be read (the message says why).
    """
    root = Path(root)
    file_part = doc_id.split("#", 1)[0]
    path = root / file_part
    if not path.is_file():
        raise KeyError(doc_id)
    found, problems = read_sources(root, path)
    target = next((s for s in found if s.id == doc_id), None)
    if target is None:
        if problems:
            raise ValueError("; ".join(p.reason for p in problems))
        raise KeyError(doc_id)
    group = boilerplate_group(target)
    neighbours = _group_sample(root, path, target, group)
    boilerplate = learn_boilerplate(neighbours).get(group, frozenset())
    return build_article(target, boilerplate=boilerplate)


def _group_sample(root: Path, path: Path, target: SourceText, group: str) -> list[SourceText]:
    """The same sample of the target's group that `import_corpus` would learn from."""
    if group.startswith("file:"):
        found, _ = read_sources(root, path)
        return _sample(found)
    if group.startswith("dir:"):
        return folder_sample(root, group.removeprefix("dir:"))
    return [target]  # outlets spread over many files: the whole-corpus import learns those


def _holds_many(path: Path) -> bool:
    fmt = format_of(path)
    return fmt is not None and fmt.many


def folder_sample(root: Path, folder: str) -> list[SourceText]:
    """The sample of group `dir:{folder}` that `import_corpus` learns the folder's repeated
    lines from, read from that folder alone: its first `BOILERPLATE_SAMPLE` stories in
    `sample_key` order. A file other than JSON holds one story, whose id is the file's path,
    so the files are read in the order of their keys until that many gave one (at most twice
    that many files). Empty when the folder has fewer than `BOILERPLATE_MIN_GROUP` files,
    too few to learn from.

    Args:
        root: the corpus root.
        folder: the folder, relative to `root`, with forward slashes ("" for the root).

    Raises:
        OSError: the folder cannot be listed.
    """
    group = f"dir:{folder}"
    # Records of many-article files are grouped by their outlet, never by folder: not read.
    siblings = [
        p
        for p in (root / folder).iterdir()
        if p.is_file() and is_supported(p) and not _holds_many(p)
    ]
    if len(siblings) < BOILERPLATE_MIN_GROUP:
        return []
    ids = sorted((sample_key(doc_id_for(root, p)), p) for p in siblings)
    sources: list[SourceText] = []
    for _key, path in ids[: BOILERPLATE_SAMPLE * 2]:
        found, _ = read_sources(root, path)
        sources.extend(s for s in found if boilerplate_group(s) == group)
        if len(sources) >= BOILERPLATE_SAMPLE:
            break
    return _sample(sources)
