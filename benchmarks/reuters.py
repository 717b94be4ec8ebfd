"""Reuters-21578 (SGML) as a corpus our importer reads: one JSON Lines file per `.sgm` file.

The reader has no SGML importer, and the benchmark should measure the builder rather than a
one-off parser, so the stories are converted once, into a temporary folder, in the JSON Lines
shape news datasets use (`title`, `text`, `date`, `source`, `id`). The data itself is read from
the shared folder at run time and never copied into the repository.

Files are read as latin-1 (the collection predates UTF-8 and holds a few stray high bytes),
entities are unescaped (`&lt;`, and the `&#3;` wire control codes, which `html.unescape` drops),
and stories without a `<BODY>` (the `TYPE="BRIEF"` headlines and `TYPE="UNPROC"` texts) are
skipped and counted.

Run on its own to check a conversion: .venv/bin/python benchmarks/reuters.py [SGM_DIR]
"""

from __future__ import annotations

import html
import json
import re
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

SOURCE = "Reuters"

_STORY = re.compile(r"<REUTERS\b(?P<attrs>[^>]*)>(?P<inner>.*?)</REUTERS>", re.DOTALL)
_NEWID = re.compile(r'\bNEWID="(\d+)"')
_DATE_PARTS = re.compile(
    r"(?P<day>\d{1,2})-(?P<mon>[A-Za-z]{3})-(?P<year>\d{4})\s+"
    r"(?P<h>\d{1,2}):(?P<m>\d{2}):(?P<s>\d{2})"
)
_MONTHS = {
    m: n
    for n, m in enumerate(
        ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), 1
    )
}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""Wire control codes left after unescaping (raw bytes, not `&#N;` references)."""


@dataclass(frozen=True, slots=True)
class Story:
    """One Reuters story with a body, as written to the JSON Lines corpus."""

    id: str
    title: str | None
    text: str
    date: str | None

    def record(self) -> dict[str, Any]:
        """The JSON object our importer maps (`formats.FIELD_NAMES`)."""
        return {
            "id": self.id,
            "title": self.title,
            "text": self.text,
            "date": self.date,
            "source": SOURCE,
        }


@dataclass
class Conversion:
    """What a conversion read, wrote and skipped: printed so a reader can check the count."""

    folder: Path
    files: list[Path] = field(default_factory=list)
    stories: int = 0
    written: int = 0
    skipped_no_body: int = 0
    undated: int = 0
    seconds: float = 0.0


def _tag(inner: str, name: str) -> str | None:
    """The unescaped text of the first `<NAME>…</NAME>` in a story, or None."""
    start = inner.find(f"<{name}>")
    if start < 0:
        return None
    start += len(name) + 2
    end = inner.find(f"</{name}>", start)
    if end < 0:
        return None
    return _CONTROL.sub("", html.unescape(inner[start:end]))


def parse_date(value: str | None) -> str | None:
    """`26-FEB-1987 15:01:01.79` -> `1987-02-26T15:01:01`; trailing wire codes are ignored."""
    if not value:
        return None
    match = _DATE_PARTS.search(value)
    if match is None:
        return None
    month = _MONTHS.get(match["mon"].upper())
    if month is None:
        return None
    try:
        moment = datetime(
            int(match["year"]),
            month,
            int(match["day"]),
            int(match["h"]),
            int(match["m"]),
            int(match["s"]),
        )
    except ValueError:
        return None
    return moment.isoformat()


def iter_stories(sgm: Path, skipped: list[int] | None = None) -> Iterator[Story]:
    """The stories of one `.sgm` file that have a body; `skipped[0]` counts those without."""
    text = sgm.read_bytes().decode("latin-1")
    for match in _STORY.finditer(text):
        id_match = _NEWID.search(match["attrs"])
        inner = match["inner"]
        body = _tag(inner, "BODY")
        if id_match is None or body is None or not body.strip():
            if skipped is not None:
                skipped[0] += 1
            continue
        title = _tag(inner, "TITLE")
        yield Story(
            id=id_match[1],
            title=" ".join(title.split()) or None if title else None,
            text=body.rstrip(),
            date=parse_date(_tag(inner, "DATE")),
        )


def sgm_files(source: Path, limit: int | None = None) -> list[Path]:
    """The collection's `reut2-NNN.sgm` files in order; `limit` keeps the first few."""
    files = sorted(source.glob("reut2-*.sgm"))
    return files[:limit] if limit is not None else files


def convert(source: Path, dest: Path, *, limit: int | None = None) -> Conversion:
    """Write `dest/reut2-NNN.jsonl` for each `.sgm` file under `source`."""
    started = time.perf_counter()
    dest.mkdir(parents=True, exist_ok=True)
    result = Conversion(folder=dest)
    for sgm in sgm_files(source, limit):
        skipped = [0]
        out = dest / (sgm.stem + ".jsonl")
        with out.open("w", encoding="utf-8") as handle:
            for story in iter_stories(sgm, skipped):
                handle.write(json.dumps(story.record(), ensure_ascii=False) + "\n")
                result.written += 1
                result.undated += story.date is None
        result.skipped_no_body += skipped[0]
        result.files.append(out)
    result.stories = result.written + result.skipped_no_body
    result.seconds = time.perf_counter() - started
    return result


def read_records(folder: Path) -> Iterator[dict[str, Any]]:
    """The records of a converted folder, in file order: what the Whoosh baseline indexes."""
    for path in sorted(folder.glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    yield json.loads(line)


def main(argv: list[str]) -> int:
    source = Path(argv[0]) if argv else Path(__file__).resolve().parents[2] / "shared" / "data"
    if (source / "reuters21578").is_dir():
        source = source / "reuters21578"
    if not sgm_files(source):
        print(f"no reut2-*.sgm files in {source}; nothing to convert")
        return 0
    with tempfile.TemporaryDirectory(prefix="reuters-") as tmp:
        result = convert(source, Path(tmp))
        print(
            f"{len(result.files)} files, {result.stories} stories: {result.written} written, "
            f"{result.skipped_no_body} without a body skipped, {result.undated} undated "
            f"({result.seconds:.1f} s)"
        )
        first = next(read_records(Path(tmp)))
        print(json.dumps(first, ensure_ascii=False)[:300])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
