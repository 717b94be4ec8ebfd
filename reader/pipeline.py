"""The refresh: what makes a corpus readable, in order — index, then entities, then related
stories — for the window and the command line alike.

Each stage is incremental (it does only what changed since it last ran, nothing when
nothing did) and safe to interrupt (Ctrl-C, `kill -9`): it commits its work in steps, so the
results of its last finished step stay readable and the next refresh completes them. The
refresh holds the corpus's lock over its stages, so no other process changes the corpus
between them. The entities come before relating because their names join the same-event
comparison.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from reader.base.cancel import CancelFn, Cancelled, ProgressFn
from reader.base.lock import AlreadyIndexing
from reader.base.timing import timed
from reader.entities.model import ExtractionReport
from reader.services.build import BuildReport, CorpusIndex
from reader.services.extract import extract_entities
from reader.services.reader_pool import ReaderFailed
from reader.services.relate import RelateReport, relate_corpus


@dataclass(frozen=True, slots=True)
class Stage:
    """One step of the refresh: its name (`index`, `entities`, `related`) and what the
    status bar and the progress bar call it."""

    name: str
    label: str


INDEX = Stage("index", "Indexing")
ENTITIES = Stage("entities", "Finding entities")
RELATED = Stage("related", "Relating stories")
STAGES = (INDEX, ENTITIES, RELATED)

StageProgress = Callable[[Stage, int, int, str], None]
"""`progress(stage, done, total, what)` of a refresh."""


class StageFailed(RuntimeError):
    """A stage stopped on an error; the stages before it kept their results, and it kept
    those of its last finished step."""

    def __init__(self, stage: Stage, message: str) -> None:
        super().__init__(f"the {stage.name} stage failed: {message}")
        self.stage = stage
        self.reason = message


@dataclass
class RefreshReport:
    """What each stage did; None for a stage that did not run."""

    index: BuildReport | None = None
    entities: ExtractionReport | None = None
    related: RelateReport | None = None
    seconds: float = 0.0
    stage_seconds: dict[str, float] = field(default_factory=dict)


def stages_for(*, last: Stage = RELATED, entities: bool = True) -> tuple[Stage, ...]:
    """The stages up to `last`, without the entities when not wanted."""
    upto = STAGES[: STAGES.index(last) + 1]
    return tuple(s for s in upto if entities or s is not ENTITIES)


def next_stage(stage: Stage) -> Stage | None:
    """The stage after `stage` in the refresh's order; None after the last."""
    position = STAGES.index(stage) + 1
    return STAGES[position] if position < len(STAGES) else None


def run_stage(
    stage: Stage | str,
    corpus_index: CorpusIndex,
    *,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
    pipeline: str | None = None,
    workers: int | None = None,
) -> Any:
    """Run one stage; its report (`BuildReport`, `ExtractionReport` or `RelateReport`).

    Raises:
        AlreadyIndexing: another process is changing the corpus.
        Cancelled: `cancel()` turned true; the stage keeps what it committed.
    """
    name = stage if isinstance(stage, str) else stage.name
    if name == INDEX.name:
        return corpus_index.update(progress=progress, cancel=cancel, workers=workers)
    if name == ENTITIES.name:
        return extract_entities(corpus_index, progress=progress, cancel=cancel, pipeline=pipeline)
    if name == RELATED.name:
        return relate_corpus(corpus_index, progress=progress, cancel=cancel)
    raise ValueError(f"no stage {name!r}")


def refresh(
    corpus_index: CorpusIndex,
    *,
    stages: Sequence[Stage] = STAGES,
    progress: StageProgress | None = None,
    cancel: CancelFn | None = None,
    on_stage_done: Callable[[Stage, Any], None] | None = None,
    pipeline: str | None = None,
    workers: int | None = None,
) -> RefreshReport:
    """Run `stages` in order, holding the corpus's lock throughout.

    Raises:
        AlreadyIndexing: another process is changing the corpus; nothing was run.
        Cancelled: `cancel()` turned true (or Ctrl-C): finished stages keep their results.
        StageFailed: a stage stopped on an error; the later stages were not run.
    """
    started = time.perf_counter()
    report = RefreshReport()
    with corpus_index.lock():
        for stage in stages:
            stage_progress = None
            if progress is not None:

                def stage_progress(done: int, total: int, what: str, _s: Stage = stage) -> None:
                    progress(_s, done, total, what)

            with timed(report.stage_seconds, stage.name):
                result = _run_guarded(stage, corpus_index, stage_progress, cancel, pipeline,
                                      workers)  # fmt: skip
            setattr(report, stage.name, result)
            if on_stage_done is not None:
                on_stage_done(stage, result)
    report.seconds = time.perf_counter() - started
    return report


def _run_guarded(
    stage: Stage,
    corpus_index: CorpusIndex,
    progress: ProgressFn | None,
    cancel: CancelFn | None,
    pipeline: str | None,
    workers: int | None,
) -> Any:
    """`run_stage`, with any failure but a cancel or a busy corpus turned into `StageFailed`
    naming the stage (the traceback stays as its cause)."""
    try:
        return run_stage(stage, corpus_index, progress=progress, cancel=cancel,
                         pipeline=pipeline, workers=workers)  # fmt: skip
    except (Cancelled, AlreadyIndexing):
        raise
    except ReaderFailed as exc:
        raise StageFailed(stage, str(exc)) from exc
    except Exception as exc:
        raise StageFailed(stage, f"{type(exc).__name__}: {exc}") from exc
