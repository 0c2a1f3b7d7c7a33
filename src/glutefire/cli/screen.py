"""``glutefire screen``: squat clips in, findings out (JSON, per-rep CSV, annotated video,
keyframes, terminal summary)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeRemainingColumn

from glutefire.cli.common import DbOption, StoreAsOption, console, database, user_errors
from glutefire.errors import InputFileError
from glutefire.kinematics.view import View
from glutefire.models import DEFAULT_POSE_MODEL, PoseModel
from glutefire.pose.subject import SubjectPolicy
from glutefire.reports.outputs import folder_outputs
from glutefire.reports.terminal import print_summary
from glutefire.result import ScreeningResult, result_json_schema
from glutefire.screening.pipeline import ClipInput
from glutefire.screening.session import (
    OutputWriter,
    ScreenedSession,
    SessionOptions,
    screen_session,
)


def register(app: typer.Typer) -> None:
    """Add the ``screen`` and ``schema`` commands to ``app``."""
    app.command("screen")(screen)
    app.command("schema")(schema)


def schema(
    out: Annotated[Path | None, typer.Option(
        "--out", help="Write the schema here instead of printing it.", dir_okay=False)] = None,
) -> None:
    """Print the JSON Schema of the screening result (docs/result.schema.json)."""
    text = json.dumps(result_json_schema(), indent=2) + "\n"
    with user_errors():
        if out is None:
            typer.echo(text, nl=False)
            return
        try:
            out.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise InputFileError(f"could not write the schema to {out}: {exc}") from None


def _clip_inputs(clips: list[Path], heels: list[Path], views: list[View]) -> list[ClipInput]:
    paths = clips + heels
    if not paths:
        raise InputFileError("expected at least one clip (a video or a keypoint CSV)")
    if len(views) not in (0, 1, len(paths)):
        raise InputFileError(
            f"expected --view once (for every clip) or once per clip ({len(paths)}), "
            f"but got it {len(views)} times"
        )
    forced: Sequence[View | None] = (views * len(paths) if len(views) == 1
                                     else views or [None] * len(paths))
    return [ClipInput(path=p, view=v, heels_elevated=i >= len(clips))
            for i, (p, v) in enumerate(zip(paths, forced, strict=True))]


class _Bars:
    """One progress bar per clip, made when the clip's first progress arrives."""

    def __init__(self, progress: Progress, inputs: list[ClipInput]) -> None:
        self.progress = progress
        self.inputs = inputs
        self.tasks: dict[int, TaskID] = {}

    def __call__(self, clip: int, done: int, total: int) -> None:
        if clip not in self.tasks:
            self.tasks[clip] = self.progress.add_task(f"pose {self.inputs[clip].path.name}",
                                                      total=total)
        self.progress.update(self.tasks[clip], completed=done)


def _run(inputs: list[ClipInput], *, options: SessionOptions, quiet: bool,
         json_paths: list[Path], outputs: list[OutputWriter]) -> ScreenedSession:
    """Screen the session with a progress bar per clip."""
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/"
                  "{task.total} frames"), TimeRemainingColumn(), console=console,
                  disable=quiet, transient=True) as progress:
        return screen_session(inputs, options=options, on_progress=_Bars(progress, inputs),
                              json_paths=json_paths, outputs=outputs)


def screen(
    clips: Annotated[list[Path] | None, typer.Argument(
        help="Squat clips of one session (video, or a keypoint CSV from --out).")] = None,
    heels_elevated: Annotated[list[Path] | None, typer.Option(
        "--heels-elevated",
        help="A clip filmed with the heels raised (retest). Repeatable.")] = None,
    view: Annotated[list[View] | None, typer.Option(
        help="Force the camera view instead of detecting it: once for all clips, or once per "
             "clip (clips first, then --heels-elevated clips).")] = None,
    json_path: Annotated[Path | None, typer.Option(
        "--json", help="Write the JSON result here.", dir_okay=False)] = None,
    out: Annotated[Path | None, typer.Option(
        help="Folder for result.json, reps.csv, keypoint CSVs, annotated videos, keyframes.",
        file_okay=False)] = None,
    video: Annotated[bool, typer.Option(help="Render the annotated video into --out.")] = True,
    subject: Annotated[SubjectPolicy, typer.Option(
        help="Who to analyse when several people are in view.")] = SubjectPolicy.AUTO,
    model: Annotated[PoseModel, typer.Option(
        help="BlazePose model: lite (fastest), full, heavy (most accurate); all bundled, "
             "offline.")] = DEFAULT_POSE_MODEL,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary.")] = False,
    person: StoreAsOption = None,
    db: DbOption = None,
) -> None:
    """Screen overhead-squat clips for movement compensations, rep by rep."""
    with user_errors():
        inputs = _clip_inputs(clips or [], heels_elevated or [], view or [])
        options = SessionOptions(model=model, subject_policy=subject,
                                 previews=out is not None and video)
        json_paths = [out / "result.json"] if out is not None else []
        if json_path is not None:
            json_paths.append(json_path)
        outputs = [folder_outputs(out, video=video)] if out is not None else []
        session = _run(inputs, options=options, quiet=quiet, json_paths=json_paths,
                       outputs=outputs)
        result = session.result
        for problem in session.output_errors:
            console.print(f"[yellow]warning:[/] {problem}")
        if person is not None:
            store_screening(person, result, db)
        if not quiet:
            print_summary(result, console)
            if out is not None:
                console.print(f"outputs in [bold]{out}[/]")
            if person is not None:
                console.print(f"stored for [bold]{person}[/]")


def store_screening(person: str, result: ScreeningResult, db: str | None) -> None:
    """Save one screening for ``person`` in one transaction."""
    from glutefire.store.repository import record_screening, unit_of_work

    with database(db) as engine, unit_of_work(engine) as uow:
        record_screening(uow, person, result)

