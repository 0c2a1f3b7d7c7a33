"""Run a batch: skip finished assessments, schedule the rest on the local pool or Ray, write
outputs returned as bytes, and return one outcome per assessment in manifest order."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from glutefire.batch.manifest import Assessment
from glutefire.batch.resume import clip_checksums, finished_check, finished_result
from glutefire.batch.tasks import Task, TaskResult, publish_files
from glutefire.models import DEFAULT_POSE_MODEL, PoseModel, expected_sha256

ResultFn = Callable[[TaskResult], None]


@dataclass(frozen=True)
class BatchOptions:
    """How to run a batch. ``ray`` is None (local pool), ``"auto"`` or a cluster address."""

    out: Path
    workers: int
    ray: str | None = None
    ship_bytes: bool = False
    retries: int = 2
    video: bool = False
    model: PoseModel = DEFAULT_POSE_MODEL
    resume: bool = True
    max_tasks_per_worker: int | None = None


def default_workers() -> int:
    """All cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def plan_batch(
    assessments: Sequence[Assessment], options: BatchOptions
) -> tuple[list[Task], dict[int, TaskResult]]:
    """Tasks still to run, and the outcomes of assessments already finished (by position)."""
    tasks: list[Task] = []
    skipped: dict[int, TaskResult] = {}
    model_sha256 = expected_sha256(options.model)
    for position, a in enumerate(assessments):
        out_dir = (options.out / a.folder).resolve()
        done = _finished(position, a, out_dir, model_sha256) if options.resume else None
        if done is not None:
            skipped[position] = done
            continue
        tasks.append(
            Task(
                position,
                a,
                None if options.ship_bytes else str(out_dir),
                clip_bytes=_read_clips(a) if options.ship_bytes else None,
                model=options.model,
                video=options.video,
            )
        )
    return tasks, skipped


def _finished(position: int, a: Assessment, out_dir: Path, model_sha256: str) -> TaskResult | None:
    """The skipped outcome of an assessment already done (its stored result), or None."""
    if a.exercise is not None:
        (checksum,) = clip_checksums(a)
        check = finished_check(out_dir, checksum, exercise=a.exercise, model_sha256=model_sha256)
        if check is None:
            return None
        return TaskResult(position, a.person, a.test, "skipped", check=check)
    done = finished_result(out_dir, clip_checksums(a), model_sha256=model_sha256)
    return None if done is None else TaskResult(position, a.person, a.test, "skipped", result=done)


def _read_clips(a: Assessment) -> tuple[bytes, ...]:
    return tuple(clip.path.read_bytes() for clip in a.clips)


def run_batch(
    assessments: Sequence[Assessment],
    options: BatchOptions,
    *,
    on_result: ResultFn = lambda r: None,
) -> list[TaskResult]:
    """Screen every assessment not already finished; one outcome each, in manifest order."""
    tasks, outcomes = plan_batch(assessments, options)
    for outcome in outcomes.values():
        on_result(outcome)

    def collect(result: TaskResult) -> None:
        if result.files:  # returned as bytes: the parent writes them
            publish_files(result.files, options.out / assessments[result.index].folder)
            result.files = {}
        outcomes[result.index] = result
        on_result(result)

    _runner(tasks, options, collect)
    return [outcomes[i] for i in range(len(assessments))]


def _runner(tasks: list[Task], options: BatchOptions, collect: ResultFn) -> None:
    if options.ray is not None:
        from glutefire.batch.ray_runner import run_ray

        run_ray(
            tasks,
            address=options.ray,
            workers=options.workers,
            retries=options.retries,
            on_result=collect,
        )
        return
    from glutefire.batch.local import run_local

    run_local(
        tasks,
        workers=options.workers,
        retries=options.retries,
        max_tasks_per_worker=options.max_tasks_per_worker,
        on_result=collect,
    )
