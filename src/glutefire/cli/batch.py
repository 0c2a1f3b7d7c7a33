"""``glutefire batch``: a manifest (or folder) of many people's clips, screened in parallel on
this machine or on a Ray cluster (or, with ``--exercise`` or a manifest ``exercise`` column,
checked as a corrective exercise like ``glutefire check``); outputs per person and a summary for
the coach."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from glutefire.batch.manifest import Assessment, read_batch_input
from glutefire.batch.run import BatchOptions, default_workers, run_batch
from glutefire.batch.summary import SUMMARY_HTML, write_summary
from glutefire.batch.tasks import TaskResult
from glutefire.cli.common import ModelOption, console, err_console, user_errors
from glutefire.errors import InputFileError
from glutefire.exercises.spec import exercise_ids
from glutefire.io.keypoint_files import is_keypoint_file
from glutefire.models import DEFAULT_POSE_MODEL
from glutefire.pose.mediapipe_backend import check_model_available

#: Exit status when the batch ran but some assessments could not be screened.
EXIT_SOME_FAILED = 1


def register(app: typer.Typer) -> None:
    """Add the ``batch`` command to ``app``."""
    app.command("batch")(batch)


@contextmanager
def _progress(total: int, quiet: bool) -> Iterator[Callable[[TaskResult], None]]:
    counts: dict[str, Any] = {"screened": 0, "checked": 0, "skipped": 0, "failed": 0}
    columns = (
        TextColumn("batch"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(
            "screened {task.fields[screened]}, checked {task.fields[checked]}, "
            "skipped {task.fields[skipped]}, failed {task.fields[failed]}"
        ),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, disable=quiet) as progress:
        bar = progress.add_task("batch", total=total, **counts)

        def advance(result: TaskResult) -> None:
            counts[result.status] = counts.get(result.status, 0) + 1
            progress.update(bar, advance=1, **counts)

        yield advance


def _needs_model(assessments: Sequence[Assessment]) -> bool:
    return any(not is_keypoint_file(c.path) for a in assessments for c in a.clips)


def _store(outcomes: Sequence[TaskResult], db: str | None) -> int:
    """Store each new result for its person, one transaction each; a result the database
    refuses is reported and the others are still stored. Returns how many were stored."""
    from sqlalchemy.exc import IntegrityError

    from glutefire.cli.tracking import database
    from glutefire.errors import GlutefireError
    from glutefire.store.repository import record_screening, unit_of_work

    stored = 0
    with database(db) as engine:
        for o in outcomes:
            if o.status != "screened" or o.result is None:
                continue
            try:
                with unit_of_work(engine) as uow:
                    record_screening(uow, o.person, o.result)
                stored += 1
            except (GlutefireError, IntegrityError) as exc:
                line = f"{o.person} / {o.test}: {str(exc).splitlines()[0]}"
                err_console.print(
                    f"[yellow]not stored:[/] {escape(line)}", highlight=False, soft_wrap=True
                )
    return stored


def batch(
    manifest: Annotated[
        Path,
        typer.Argument(
            help="Manifest CSV (person,test,view,clip[,heels_elevated][,exercise]) or a folder "
            "of clips."
        ),
    ],
    out: Annotated[
        Path,
        typer.Option(
            help="Output folder: <person>/<test>/ per assessment, plus summary.csv/.html.",
            file_okay=False,
        ),
    ],
    exercise: Annotated[
        str | None,
        typer.Option(
            help="Check the clips as this exercise (" + ", ".join(exercise_ids()) + "), as "
            "glutefire check does: every clip of a folder, every manifest row without an "
            "exercise cell.",
        ),
    ] = None,
    workers: Annotated[
        int | None, typer.Option(min=1, help="Worker processes (default: all cores).")
    ] = None,
    ray: Annotated[
        str | None,
        typer.Option(
            help="Run on Ray: 'auto' starts a local runtime, else a cluster address "
            "(needs glutefire[ray])."
        ),
    ] = None,
    ship_bytes: Annotated[
        bool,
        typer.Option(
            "--ship-bytes",
            help="Send clips to the workers as bytes and get outputs back as bytes "
            "(workers without shared storage).",
        ),
    ] = False,
    retries: Annotated[
        int, typer.Option(min=0, help="Resubmit a task whose worker died at most this many times.")
    ] = 2,
    video: Annotated[bool, typer.Option(help="Also render annotated videos.")] = False,
    resume: Annotated[
        bool,
        typer.Option(help="Skip assessments whose result exists for the same clips and software."),
    ] = True,
    model: ModelOption = DEFAULT_POSE_MODEL,
    store: Annotated[
        bool, typer.Option("--store", help="Store new results per person in the tracking database.")
    ] = False,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Database URL to store results in (implies --store; default: "
            "$GLUTEFIRE_DATABASE_URL, else the user data folder).",
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary.")] = False,
) -> None:
    """Screen a whole team's clips (or check their exercise clips) in parallel; a bad clip is
    reported, never stops the batch.

    Exit status: 0 all done, 1 some could not be screened or checked, 2 bad manifest or options.
    """
    with user_errors():
        assessments = read_batch_input(manifest, default_exercise=exercise)
        if _needs_model(assessments):
            check_model_available(model)
        options = BatchOptions(
            out=out,
            workers=workers or default_workers(),
            ray=ray,
            ship_bytes=ship_bytes,
            retries=retries,
            video=video,
            model=model,
            resume=resume,
        )
        try:
            out.mkdir(parents=True, exist_ok=True)
            with _progress(len(assessments), quiet) as advance:
                outcomes = run_batch(assessments, options, on_result=advance)
            write_summary(assessments, outcomes, out)
        except OSError as exc:
            raise InputFileError(f"could not write the results: {exc}") from None
        stored = _store(outcomes, db) if (store or db) else None
    _report(outcomes, out, stored, quiet)


def _report(outcomes: Sequence[TaskResult], out: Path, stored: int | None, quiet: bool) -> None:
    failed = [o for o in outcomes if o.status == "failed"]
    if not quiet:
        counts = {s: sum(o.status == s for o in outcomes) for s in ("screened", "checked")}
        skipped = sum(o.status == "skipped" for o in outcomes)
        console.print(
            f"{counts['screened']} screened, {counts['checked']} checked, {skipped} skipped "
            f"(already done), {len(failed)} failed; summary: [bold]{out / SUMMARY_HTML}[/]"
        )
        if stored is not None:
            console.print(f"{stored} new results stored in the database")
            if counts["checked"]:
                console.print(
                    f"{counts['checked']} exercise checks not stored: attach a checked clip "
                    "to a logged session with glutefire log --clip"
                )
    for o in failed:
        line = f"{o.person} / {o.test}: {o.error}"
        err_console.print(f"[bold red]failed:[/] {escape(line)}", highlight=False, soft_wrap=True)
    if failed:
        raise typer.Exit(code=EXIT_SOME_FAILED)
